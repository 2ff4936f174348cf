//! Fuzz target `restore`: the property is `properties::restore` (fuzz/properties.rs), shared with the
//! regression test that replays `fuzz/regressions/restore/`.
#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::restore(data));
