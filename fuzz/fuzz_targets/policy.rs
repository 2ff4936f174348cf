//! Fuzz target `policy`: the property is `properties::policy` (fuzz/properties.rs), shared with the
//! regression test that replays `fuzz/regressions/policy/`.
#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::policy(data));
