//! Every input saved under `fuzz/regressions/<target>/` (crashes found by fuzzing or by
//! review), replayed through the same property the fuzz target checks (`fuzz/properties.rs`).
//! Adding a regression is adding a file.

#[path = "../../fuzz/properties.rs"]
mod properties;

use std::path::Path;

fn replay(target: &str, property: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    for path in paths {
        if path.file_name().is_some_and(|f| f == "README.md") {
            continue;
        }
        let data = std::fs::read(&path).expect("readable regression input");
        let outcome = std::panic::catch_unwind(|| property(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
        n += 1;
    }
    n
}

#[test]
fn score_message_regressions() {
    assert!(replay("score_message", properties::score_message) >= 1);
}

#[test]
fn policy_regressions() {
    assert!(replay("policy", properties::policy) >= 1);
}

#[test]
fn lookalike_regressions() {
    replay("lookalike", properties::lookalike);
}

#[test]
fn phrases_regressions() {
    replay("phrases", properties::phrases);
}

#[test]
fn events_regressions() {
    replay("events", properties::events);
}

#[test]
fn restore_regressions() {
    replay("restore", properties::restore);
}
