//! The event side: `Monitor::observe` on typed events for 10,000 users, and the JSON-lines
//! path of `mailrisk events` (adapter + observe), each against a baseline measured in the same
//! run: one hash-map update per event keyed by its user (the least per-user work any monitor
//! does), and `serde_json` parsing of the same lines.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mailrisk::events::{
    adapters, AccountEvent, AccountEventKind, Event, Geo, InboxRule, LoginEvent, LoginOutcome,
    Timestamp,
};
use mailrisk::{Engine, Monitor};

const USERS: usize = 10_000;
const T0: i64 = 1_793_584_800_000;

/// When event `i` happens: on working days, 08:30–19:30 in Beijing (the default policy's
/// working hours are 07:00–21:00 +08:00), one event every 2 s; 1 % of them twelve hours later,
/// at night (those are `login.off_hours`).
fn when(i: usize) -> i64 {
    const PER_DAY: usize = 19_800;
    const DAY: i64 = 86_400_000;
    let day = (i / PER_DAY) as i64;
    let calendar_day = day / 5 * 7 + day % 5;
    let night = if i % 100 == 42 { DAY / 2 } else { 0 };
    // T0 is a Monday, 10:00 in Beijing.
    T0 - 90 * 60_000 + calendar_day * DAY + (i % PER_DAY) as i64 * 2_000 + night
}

/// A realistic mix: 85 % successful logins from a few offices and a few travellers, 12 %
/// failures (some from attacking addresses), 3 % mailbox changes, in working hours but 1 %.
fn stream(n: usize, offset: usize) -> Vec<Event> {
    let places = [
        ("CN", 31.23, 121.47, "58.32.17."),
        ("HK", 22.3, 114.2, "203.198.7."),
        ("DE", 52.5, 13.4, "81.2.69."),
        ("US", 40.7, -74.0, "198.51.100."),
    ];
    (offset..offset + n)
        .map(|i| {
            let user = format!("user{}@acme-trade.com", (i * 7919) % USERS);
            let t = when(i);
            let id = format!("e{i}");
            match i % 100 {
                0..=84 => {
                    let (c, lat, lon, net) = places[if i % 50 == 0 { 2 + i % 2 } else { i % 2 }];
                    let mut e = LoginEvent::new(id, Timestamp::from_unix_millis(t), user);
                    e.ip = format!("{net}{}", i % 250 + 1).parse().ok();
                    e.geo = Some(Geo {
                        country: Some(c.into()),
                        lat: Some(lat),
                        lon: Some(lon),
                        ..Geo::default()
                    });
                    e.asn = Some(4134 + (i % 3) as u32);
                    e.user_agent =
                        Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Outlook/16.0".into());
                    Event::Login(e)
                }
                85..=96 => {
                    let mut e = LoginEvent::new(id, Timestamp::from_unix_millis(t), user);
                    e.outcome = LoginOutcome::Failure;
                    e.ip = format!("45.9.{}.{}", i % 4, i % 200 + 1).parse().ok();
                    Event::Login(e)
                }
                _ => {
                    let mut e = AccountEvent::new(
                        id,
                        Timestamp::from_unix_millis(t),
                        user,
                        AccountEventKind::InboxRuleCreated,
                    );
                    e.rule = Some(InboxRule {
                        name: Some("Newsletters".into()),
                        move_to_folder: Some("Inbox\\News".into()),
                        ..InboxRule::default()
                    });
                    Event::Account(e)
                }
            }
        })
        .collect()
}

fn observe(c: &mut Criterion) {
    let engine = Engine::default();
    let warm = stream(200_000, 0);
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
            || stream(batch, 0),
            |events| {
                for e in &events {
                    *counts.entry(e.user().to_lowercase()).or_default() += 1;
                }
                black_box(counts.len())
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("observe_10k_users", |b| {
        b.iter_batched(
            || {
                next += batch;
                stream(batch, next)
            },
            |events| {
                for e in &events {
                    black_box(monitor.observe(e));
                }
            },
            BatchSize::LargeInput,
        )
    });
    let lines: String = stream(batch, 5_000_000)
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
