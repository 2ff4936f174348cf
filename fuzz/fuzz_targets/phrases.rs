//! Fuzz target `phrases`: the property is `properties::phrases` (fuzz/properties.rs), shared with the
//! regression test that replays `fuzz/regressions/phrases/`.
#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::phrases(data));
