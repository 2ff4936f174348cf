//! Any bytes, scored under the default policy and under tiny limits: never a panic, and the
//! verdict always serialises.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mailrisk::{Engine, MessageContext, Policy};

fn engines() -> &'static [Engine; 2] {
    static ENGINES: OnceLock<[Engine; 2]> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let tight = Policy::from_toml_str(
            "[limits]\nmax_message_bytes = 4096\nmax_mime_depth = 3\nmax_parts = 8\nmax_headers = 16\nmax_urls = 4\nmax_text_bytes = 256\n",
        )
        .expect("valid policy");
        [Engine::default(), Engine::new(tight).expect("engine")]
    })
}

fuzz_target!(|data: &[u8]| {
    for engine in engines() {
        for ctx in [MessageContext::inbound(), MessageContext::internal()] {
            let v = engine.score_message(data, &ctx);
            assert!(v.score() <= 100);
            serde_json::to_string(&v).expect("verdict serialises");
        }
    }
});
