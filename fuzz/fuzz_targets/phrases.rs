//! The phrase lexicon on arbitrary text: never a panic, every match quotes the text at its
//! offset, and sentence numbers never decrease (matches come in order and no match crosses a
//! sentence boundary).
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
        assert!(m.sentence >= last_sentence, "{m:?} after sentence {last_sentence}");
        last_sentence = m.sentence;
    }
});
