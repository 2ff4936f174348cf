//! The phrase lexicon on arbitrary text: never a panic, and every match quotes the text at its
//! offset, within one sentence count that never decreases.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mailrisk::Engine;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut last_sentence = 0;
    for m in engine().find_phrases(&text) {
        assert_eq!(text.get(m.offset..m.offset + m.text.len()), Some(m.text));
        assert!(!m.text.is_empty(), "{m:?}");
        assert!(m.sentence >= last_sentence || m.sentence + 1 >= last_sentence);
        last_sentence = last_sentence.max(m.sentence);
    }
});
