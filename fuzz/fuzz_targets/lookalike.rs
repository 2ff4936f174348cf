//! Fuzz target `lookalike`: the property is `properties::lookalike` (fuzz/properties.rs), shared with the
//! regression test that replays `fuzz/regressions/lookalike/`.
#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::lookalike(data));
