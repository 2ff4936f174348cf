//! A steady run of `Monitor::observe` for a profiler (callgrind, perf): warms a monitor with
//! 200,000 events of the benchmarks' stream, then observes the next `N` (default 200,000).
//!
//! `cargo build --release -p mailrisk-benches --example events_profile`, then for instance
//! `valgrind --tool=callgrind target/release/examples/events_profile 20000 100`
//! (arguments: events to observe, users); add `--toggle-collect=events_profile::measured` to
//! count the observed events only, not the warm-up.

use std::hint::black_box;

use mailrisk::{Engine, Monitor};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let users: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(mailrisk_benches::EVENT_USERS);
    let engine = Engine::default();
    let mut monitor = Monitor::new(&engine);
    for e in &mailrisk_benches::event_stream(users, 200_000, 0) {
        monitor.observe(e);
    }
    let events = mailrisk_benches::event_stream(users, n, 200_000);
    let start = std::time::Instant::now();
    let flagged = measured(&mut monitor, &events);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{n} events over {users} users: {:.0} events/s, {flagged} with findings",
        n as f64 / secs
    );
}

/// The measured loop (a function of its own, for `--toggle-collect`): how many verdicts had
/// findings.
#[inline(never)]
fn measured(monitor: &mut Monitor, events: &[mailrisk::events::Event]) -> usize {
    let mut flagged = 0;
    for e in events {
        flagged += usize::from(!black_box(monitor.observe(e)).findings().is_empty());
    }
    flagged
}
