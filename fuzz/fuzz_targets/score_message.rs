//! Any bytes, scored under the default policy and under tiny limits: never a panic, and the
//! verdict always serialises.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mailrisk::{Engine, MessageContext, Policy};

fn engines() -> &'static [Engine; 3] {
    static ENGINES: OnceLock<[Engine; 3]> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let tight = Policy::from_toml_str(
            "[limits]\nmax_message_bytes = 4096\nmax_mime_depth = 3\nmax_parts = 8\nmax_headers = 16\nmax_urls = 4\nmax_text_bytes = 256\n",
        )
        .expect("valid policy");
        // People, partners and vendors with accounts: the identity and banking rules run.
        let company = Policy::from_toml_str(include_str!("../../examples/policy-acme.toml"))
            .expect("example policy");
        [
            Engine::default(),
            Engine::new(tight).expect("engine"),
            Engine::new(company).expect("engine"),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    // Also as a message from the example vendor, so that its body reaches the banking rules.
    let mut from_vendor = b"From: \"Ningbo Steel\" <accounts@nbsteel.cn>\r\n".to_vec();
    from_vendor.extend_from_slice(data);
    let company = &engines()[2];
    let v = company.score_message(&from_vendor, &MessageContext::inbound());
    serde_json::to_string(&v).expect("verdict serialises");
    for engine in engines() {
        for ctx in [MessageContext::inbound(), MessageContext::internal()] {
            let v = engine.score_message(data, &ctx);
            assert!(v.score() <= 100);
            serde_json::to_string(&v).expect("verdict serialises");
        }
    }
});
