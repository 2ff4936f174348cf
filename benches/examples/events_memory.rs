//! Memory of the event monitor, measured rather than asserted (`benches/RESULTS.md`):
//!
//! 1. the state of one user after 10,000 events for that user (logins from three places, some
//!    failures, rule changes), as snapshot bytes;
//! 2. a flood of 1,000,000 distinct user names (one failed login each, as a spray over
//!    random names would write) into a monitor with the default `events.max_users` of
//!    100,000: how many users it keeps, its snapshot, and the process's peak RSS before and
//!    after.
//!
//! `cargo run --release -p mailrisk-benches --example events_memory`

use mailrisk::events::{
    AccountEvent, AccountEventKind, Event, Geo, InboxRule, LoginEvent, LoginOutcome, Timestamp,
};
use mailrisk::{Engine, Monitor};

const T0: i64 = 1_793_584_800_000;

/// Peak resident set size of this process, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn one_user(i: usize) -> Event {
    let user = "li.wei@acme-trade.com";
    let t = Timestamp::from_unix_millis(T0 + i as i64 * 60_000);
    let id = format!("u{i}");
    match i % 20 {
        0..=16 => {
            let places = [
                ("CN", 31.23, 121.47),
                ("HK", 22.3, 114.2),
                ("DE", 52.5, 13.4),
            ];
            let (c, lat, lon) = places[(i / 500) % 3];
            let mut e = LoginEvent::new(id, t, user);
            e.ip = format!("58.32.{}.{}", i % 7, i % 250 + 1).parse().ok();
            e.geo = Some(Geo {
                country: Some(c.into()),
                city: Some("Shanghai".into()),
                lat: Some(lat),
                lon: Some(lon),
                ..Geo::default()
            });
            e.asn = Some(4812);
            e.user_agent = Some(format!("Outlook/16.0.{}", i % 5));
            e.session_id = Some(format!("s{}", i / 3));
            Event::Login(e)
        }
        17 | 18 => {
            let mut e = LoginEvent::new(id, t, user);
            e.outcome = LoginOutcome::Failure;
            e.ip = format!("45.9.20.{}", i % 200 + 1).parse().ok();
            Event::Login(e)
        }
        _ => {
            let mut e = AccountEvent::new(id, t, user, AccountEventKind::InboxRuleCreated);
            e.rule = Some(InboxRule {
                name: Some("Newsletters".into()),
                move_to_folder: Some("Inbox\\News".into()),
                ..InboxRule::default()
            });
            Event::Account(e)
        }
    }
}

fn main() {
    let engine = Engine::default();

    let mut m = Monitor::new(&engine);
    for i in 0..10_000 {
        m.observe(&one_user(i));
    }
    // The user's own record in the snapshot (the rest is the event ids remembered for
    // de-duplication and the attacking sources, which are shared, not per user).
    let snap: serde_json::Value = serde_json::from_slice(&m.snapshot()).unwrap_or_default();
    let users = &snap["state"]["users"];
    let per_user = users
        .as_object()
        .map(|o| o.values().map(|u| u.to_string().len()).sum::<usize>())
        .unwrap_or(0);
    println!(
        "one user after 10,000 events: {per_user} bytes of user state in the snapshot \
         (whole snapshot {} bytes: {} remembered event ids, {} sources)",
        snap.to_string().len(),
        snap["state"]["seen"]["current"]
            .as_array()
            .map_or(0, Vec::len)
            + snap["state"]["seen"]["previous"]
                .as_array()
                .map_or(0, Vec::len),
        snap["state"]["sources"].as_object().map_or(0, |o| o.len()),
    );
    if std::env::var_os("SHOW_USER").is_some() {
        println!("{users}");
    }

    let before = peak_rss_mib();
    let mut flood = Monitor::new(&engine);
    let started = std::time::Instant::now();
    let n: u64 = std::env::var("FLOOD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    for i in 0..n {
        let mut e = LoginEvent::new(
            format!("f{i}"),
            Timestamp::from_unix_millis(T0 + i as i64 * 50),
            format!(
                "random{:x}@acme-trade.com",
                i.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ),
        );
        e.outcome = LoginOutcome::Failure;
        e.ip = format!("198.51.{}.{}", (i / 250) % 250, i % 250 + 1)
            .parse()
            .ok();
        flood.observe(&Event::Login(e));
    }
    let elapsed = started.elapsed();
    let snapshot = flood.snapshot().len();
    println!(
        "{n} distinct users, max_users 100,000: {} users kept, snapshot {:.1} MB, \
         peak RSS {:.0} MiB before the flood and {:.0} MiB after ({:.1} s, {:.0} events/s)",
        flood.users(),
        snapshot as f64 / 1e6,
        before,
        peak_rss_mib(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}
