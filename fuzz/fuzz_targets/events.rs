//! Fuzz target `events`: the property is `properties::events` (fuzz/properties.rs), shared with the
//! regression test that replays `fuzz/regressions/events/`.
#![no_main]

#[path = "../properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| properties::events(data));
