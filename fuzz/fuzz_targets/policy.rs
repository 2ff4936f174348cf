//! Any text as a TOML or JSON policy: an error or an engine, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailrisk::{Engine, Policy};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for parsed in [Policy::from_toml_str(text), Policy::from_json_str(text)] {
            if let Ok(p) = parsed {
                let _ = Engine::new(p);
            }
        }
    }
});
