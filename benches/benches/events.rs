//! The event side: `Monitor::observe` on typed events for 10,000 users, and the JSON-lines
//! path of `mailrisk events` (adapter + observe), each against a baseline measured in the same
//! run: one hash-map update per event keyed by its user (the least per-user work any monitor
//! does), and `serde_json` parsing of the same lines.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mailrisk::events::adapters;
use mailrisk::{Engine, Monitor};

const USERS: usize = mailrisk_benches::EVENT_USERS;

fn observe(c: &mut Criterion) {
    let engine = Engine::default();
    let warm = mailrisk_benches::event_stream(USERS, 200_000, 0);
    let mut monitor = Monitor::new(&engine);
    for e in &warm {
        monitor.observe(e);
    }
    let batch = 10_000;
    let mut next = 200_000;
    let mut g = c.benchmark_group("events");
    g.throughput(Throughput::Elements(batch as u64));
    g.bench_function("baseline_hashmap_per_user", |b| {
        let mut counts: HashMap<String, u64> = HashMap::new();
        b.iter_batched(
            || mailrisk_benches::event_stream(USERS, batch, 0),
            |events| {
                for e in &events {
                    *counts.entry(e.user().to_lowercase()).or_default() += 1;
                }
                black_box(counts.len());
                events
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("observe_10k_users", |b| {
        b.iter_batched(
            || {
                next += batch;
                mailrisk_benches::event_stream(USERS, batch, next)
            },
            |events| {
                for e in &events {
                    black_box(monitor.observe(e));
                }
                events
            },
            BatchSize::LargeInput,
        )
    });
    let lines: String = mailrisk_benches::event_stream(USERS, batch, 5_000_000)
        .iter()
        .map(|e| serde_json::to_string(e).expect("json") + "\n")
        .collect();
    g.bench_function("baseline_serde_json_lines", |b| {
        b.iter(|| {
            for l in lines.lines() {
                black_box(serde_json::from_str::<serde_json::Value>(l).ok());
            }
        })
    });
    g.bench_function("jsonl_adapter_and_observe", |b| {
        b.iter_batched(
            || Monitor::new(&engine),
            |mut m| {
                let got = adapters::read(&lines, None).expect("reads");
                for r in &got.events {
                    black_box(m.observe(&r.event));
                }
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
    eprintln!(
        "state: {} users, snapshot {} bytes ({} bytes per user)",
        monitor.users(),
        monitor.snapshot().len(),
        monitor.snapshot().len() / monitor.users().max(1)
    );
}

criterion_group!(benches, observe);
criterion_main!(benches);
