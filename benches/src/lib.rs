//! Shared inputs of the mailrisk benchmarks.
#![forbid(unsafe_code)]

use std::path::Path;

/// The sample messages of `examples/mail`, sorted by name.
pub fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/mail");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .filter_map(|p| {
                    let name = p.file_name()?.to_str()?.to_string();
                    Some((name, std::fs::read(&p).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
