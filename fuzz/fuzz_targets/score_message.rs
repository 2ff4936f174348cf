//! Fuzz target `score_message`: the property is `properties::score_message` (fuzz/properties.rs), shared with the
//! regression test that replays `fuzz/regressions/score_message/`.
#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::score_message(data));
