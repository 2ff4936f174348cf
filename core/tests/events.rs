//! The event side through the public API: every detector fires and stays quiet, learning,
//! spray at 10 and 10,000 users, dedupe, actor ≠ mailbox, snapshots, and a whole takeover
//! story whose chain names every step.

use mailrisk::events::{
    AccountEvent, AccountEventKind, Event, Geo, InboxRule, IpFlags, LoginEvent, LoginOutcome,
    Protocol, Timestamp,
};
use mailrisk::{Engine, MessageContext, Monitor, Policy, Verdict};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// 2026-11-02T02:00:00Z, a Monday, 10:00 in Beijing.
const T0: i64 = 1_793_584_800_000;

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms)
}

fn engine() -> Engine {
    Engine::new(
        Policy::from_toml_str(include_str!("../../examples/policy-acme.toml")).expect("policy"),
    )
    .expect("engine")
}

fn login(id: &str, t: i64, user: &str, ip: &str, country: &str, lat: f64, lon: f64) -> LoginEvent {
    let mut e = LoginEvent::new(id, at(t), user);
    e.ip = Some(ip.parse().expect("ip"));
    e.geo = Some(Geo {
        country: Some(country.into()),
        lat: Some(lat),
        lon: Some(lon),
        ..Geo::default()
    });
    e.asn = Some(4134);
    e.user_agent = Some("Mozilla/5.0 (Windows NT 10.0) Outlook".into());
    e
}

fn failure(id: &str, t: i64, user: &str, ip: &str) -> Event {
    let mut e = LoginEvent::new(id, at(t), user);
    e.outcome = LoginOutcome::Failure;
    e.ip = Some(ip.parse().expect("ip"));
    Event::Login(e)
}

/// A user who logs in from Shanghai at 10:00 on the working days of two weeks: learned.
fn trained(m: &mut Monitor, user: &str) {
    for d in (0..15).filter(|d| d % 7 != 6) {
        let e = login(
            &format!("{user}-home-{d}"),
            T0 + d * DAY,
            user,
            "58.32.0.1",
            "CN",
            31.23,
            121.47,
        );
        let v = m.observe(&Event::Login(e));
        assert!(v.findings().is_empty(), "day {d}: {:?}", ids(&v));
    }
}

/// The finding of rule `id` in `v`; the test fails when there is none.
fn finding<'v>(v: &'v Verdict, id: &str) -> &'v mailrisk::Finding {
    v.findings()
        .iter()
        .find(|f| f.id() == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(v)))
}

fn ids(v: &Verdict) -> Vec<&str> {
    v.findings().iter().map(|f| f.id()).collect()
}

#[test]
fn impossible_travel_with_worked_distances() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    trained(&mut m, "li.wei@acme-trade.com");
    let t = T0 + 15 * DAY;
    // Shanghai at 10:00, London two hours later: about 9,200 km.
    m.observe(&Event::Login(login(
        "a",
        t,
        "li.wei@acme-trade.com",
        "58.32.0.1",
        "CN",
        31.23,
        121.47,
    )));
    let v = m.observe(&Event::Login(login(
        "b",
        t + 2 * HOUR,
        "li.wei@acme-trade.com",
        "81.2.69.1",
        "GB",
        51.5074,
        -0.1278,
    )));
    let f = finding(&v, "login.impossible_travel");
    let km: f64 = f.evidence().get("km").expect("km").parse().expect("number");
    assert!((km - 9_200.0).abs() < 100.0, "{km}");
    assert!(v.has("login.new_country"));
    // Changchun: London–Changchun is about 8,180 km, eleven hours later still 740 km/h: quiet.
    let v = m.observe(&Event::Login(login(
        "c",
        t + 13 * HOUR,
        "li.wei@acme-trade.com",
        "58.32.0.2",
        "CN",
        43.8171,
        125.3235,
    )));
    assert!(!v.has("login.impossible_travel"), "{:?}", ids(&v));
    // Accuracy radii are subtracted: 600 km apart with a 120 km radius is 480 km: quiet.
    let mut e = login(
        "d",
        t + 13 * HOUR + 60_000,
        "li.wei@acme-trade.com",
        "58.32.0.3",
        "CN",
        43.8171 - 5.4,
        125.3235,
    );
    e.geo.as_mut().expect("geo").accuracy_km = Some(120.0);
    let v = m.observe(&Event::Login(e));
    assert!(!v.has("login.impossible_travel"), "{:?}", ids(&v));
}

#[test]
fn vpn_and_trusted_networks_are_not_travel() {
    let engine = Engine::new(
        Policy::from_toml_str(
            "[events]\nvpn_networks = [\"185.0.0.0/16\"]\ntrusted_networks = [\"10.20.0.0/16\"]\n",
        )
        .expect("policy"),
    )
    .expect("engine");
    let mut m = Monitor::new(&engine);
    trained(&mut m, "u@acme-trade.com");
    let t = T0 + 15 * DAY;
    let v = m.observe(&Event::Login(login(
        "v",
        t,
        "u@acme-trade.com",
        "185.0.3.4",
        "US",
        40.7,
        -74.0,
    )));
    assert!(v.findings().is_empty(), "{:?}", ids(&v));
    let mut flagged = login(
        "w",
        t + 60_000,
        "u@acme-trade.com",
        "198.51.100.9",
        "DE",
        52.5,
        13.4,
    );
    flagged.ip_flags = IpFlags {
        vpn: true,
        ..IpFlags::default()
    };
    let v = m.observe(&Event::Login(flagged));
    assert!(
        !v.has("login.impossible_travel") && !v.has("login.new_country"),
        "{:?}",
        ids(&v)
    );
    assert!(v.has("login.anonymizer"));
}

#[test]
fn learning_period_then_new_country_with_org_awareness() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    // A brand-new user: a new country is not reported while learning.
    let v = m.observe(&Event::Login(login(
        "n1",
        T0,
        "new@acme-trade.com",
        "58.32.0.1",
        "CN",
        31.2,
        121.5,
    )));
    assert!(v.findings().is_empty());
    let v = m.observe(&Event::Login(login(
        "n2",
        T0 + DAY,
        "new@acme-trade.com",
        "81.2.69.1",
        "DE",
        52.5,
        13.4,
    )));
    assert!(!v.has("login.new_country"), "{:?}", ids(&v));
    // Learned users: Germany is new for one of them …
    for u in ["a", "b", "c", "d"] {
        trained(&mut m, &format!("{u}@acme-trade.com"));
    }
    let t = T0 + 20 * DAY;
    let v = m.observe(&Event::Login(login(
        "x1",
        t,
        "a@acme-trade.com",
        "81.2.69.1",
        "DE",
        52.5,
        13.4,
    )));
    let weight_alone = finding(&v, "login.new_country").weight();
    // … but after three colleagues logged in from there, it weighs less (a trade fair).
    for (i, u) in ["b", "c", "d"].iter().enumerate() {
        m.observe(&Event::Login(login(
            &format!("x2{i}"),
            t + HOUR * (i as i64 + 1) * 24,
            &format!("{u}@acme-trade.com"),
            "81.2.69.1",
            "DE",
            52.5,
            13.4,
        )));
    }
    trained(&mut m, "e@acme-trade.com");
    let v = m.observe(&Event::Login(login(
        "x3",
        t + 5 * DAY,
        "e@acme-trade.com",
        "81.2.69.1",
        "DE",
        52.5,
        13.4,
    )));
    let with_colleagues = finding(&v, "login.new_country").weight();
    assert!(
        with_colleagues < weight_alone,
        "{with_colleagues} vs {weight_alone}"
    );
}

#[test]
fn brute_force_spray_and_success_after_attack() {
    let engine = engine();
    // Guessing on one user from one address: at the fifth failure.
    let mut m = Monitor::new(&engine);
    for i in 0..4 {
        let v = m.observe(&failure(
            &format!("f{i}"),
            T0 + i * 60_000,
            "u@acme-trade.com",
            "203.0.113.5",
        ));
        assert!(!v.has("login.brute_force"), "{i}");
    }
    let v = m.observe(&failure(
        "f4",
        T0 + 4 * 60_000,
        "u@acme-trade.com",
        "203.0.113.5",
    ));
    let f = finding(&v, "login.brute_force");
    assert_eq!(f.evidence().get("kind"), Some("guessing"));
    // Spread over twenty minutes, the same five failures stay quiet.
    let mut slow = Monitor::new(&engine);
    for i in 0..5 {
        let v = slow.observe(&failure(
            &format!("s{i}"),
            T0 + i * 4 * 60_000,
            "u@acme-trade.com",
            "203.0.113.5",
        ));
        assert!(!v.has("login.brute_force"));
    }
}

fn spray(users: usize) -> (usize, bool) {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    // The tenant: every user logged in once from the office.
    for i in 0..users {
        let mut e = LoginEvent::new(
            format!("ok{i}"),
            at(T0 - DAY),
            format!("user{i}@acme-trade.com"),
        );
        e.ip = Some("58.32.0.1".parse().expect("ip"));
        m.observe(&Event::Login(e));
    }
    // One address tries one password on many accounts, one try each, 20 s apart.
    let mut first = None;
    for i in 0..users.min(2_000) {
        let v = m.observe(&failure(
            &format!("sp{i}"),
            T0 + i as i64 * 20_000,
            &format!("user{i}@acme-trade.com"),
            "198.51.100.77",
        ));
        if v.has("login.password_spray") && first.is_none() {
            first = Some(i + 1);
        }
    }
    // The password worked for one of them.
    let mut ok = LoginEvent::new("win", at(T0 + 3_000_000), "user1@acme-trade.com");
    ok.ip = Some("198.51.100.77".parse().expect("ip"));
    let v = m.observe(&Event::Login(ok));
    (first.unwrap_or(0), v.has("login.success_after_attack"))
}

#[test]
fn password_spray_scales_with_the_tenant() {
    // Ten people: three accounts are enough.
    assert_eq!(spray(10), (3, true));
    // 10,000 people: a tenth of them, within the hour's window (180 at one try per 20 s):
    // the automatic threshold (1,000) is not reached, so a policy sets one.
    let (first, _) = spray(10_000);
    assert_eq!(first, 0, "no spray below a tenth of a large tenant");
    let engine =
        Engine::new(Policy::from_toml_str("[events]\nspray_users = 50\n").expect("policy"))
            .expect("engine");
    let mut m = Monitor::new(&engine);
    let mut first = None;
    for i in 0..100 {
        let v = m.observe(&failure(
            &format!("p{i}"),
            T0 + i * 20_000,
            &format!("user{i}@acme-trade.com"),
            "198.51.100.77",
        ));
        if v.has("login.password_spray") && first.is_none() {
            first = Some(i + 1);
        }
    }
    assert_eq!(first, Some(50));
}

#[test]
fn success_logged_before_the_attack_is_found() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    let mut ok = LoginEvent::new("early", at(T0), "v@acme-trade.com");
    ok.ip = Some("198.51.100.8".parse().expect("ip"));
    m.observe(&Event::Login(ok));
    let mut found = false;
    for i in 0..8 {
        let v = m.observe(&failure(
            &format!("late{i}"),
            T0 + 10_000 + i * 5_000,
            &format!("x{i}@acme-trade.com"),
            "198.51.100.8",
        ));
        found |= v.has("login.success_after_attack");
    }
    assert!(found);
}

#[test]
fn legacy_protocols_attack_tools_and_off_hours() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    trained(&mut m, "u@acme-trade.com");
    let t = T0 + 16 * DAY;
    let mut imap = login(
        "imap",
        t,
        "u@acme-trade.com",
        "58.32.0.1",
        "CN",
        31.23,
        121.47,
    );
    imap.protocol = Protocol::Imap;
    imap.user_agent = Some("python-requests/2.31".into());
    let v = m.observe(&Event::Login(imap.clone()));
    assert!(
        v.has("login.legacy_protocol") && v.has("login.attack_tool"),
        "{:?}",
        ids(&v)
    );
    // The next day: neither again (first use only).
    imap.id = "imap2".into();
    imap.time = at(t + DAY);
    let v = m.observe(&Event::Login(imap));
    assert!(
        !v.has("login.legacy_protocol") && !v.has("login.attack_tool"),
        "{:?}",
        ids(&v)
    );
    // 03:00 in Beijing on a Sunday.
    let night = login(
        "night",
        T0 + 20 * DAY - 7 * HOUR,
        "u@acme-trade.com",
        "58.32.0.1",
        "CN",
        31.23,
        121.47,
    );
    let v = m.observe(&Event::Login(night));
    assert_eq!(ids(&v), ["login.off_hours"]);
}

fn rule_event(id: &str, t: i64, mailbox: &str, rule: InboxRule) -> Event {
    let mut e = AccountEvent::new(id, at(t), mailbox, AccountEventKind::InboxRuleCreated);
    e.operation = "New-InboxRule".into();
    e.rule = Some(rule);
    Event::Account(e)
}

#[test]
fn forwarding_and_hiding_rules() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    let out = rule_event(
        "r1",
        T0,
        "a@acme-trade.com",
        InboxRule {
            name: Some("..".into()),
            forward_to: vec!["smtp:Collector@Gmail.com".into()],
            delete: true,
            ..InboxRule::default()
        },
    );
    let v = m.observe(&out);
    assert!(
        v.has("mailbox.external_forwarding") && v.has("mailbox.hiding_rule"),
        "{:?}",
        ids(&v)
    );
    // A second mailbox forwarding to the same address.
    let v = m.observe(&rule_event(
        "r2",
        T0 + HOUR,
        "b@acme-trade.com",
        InboxRule {
            forward_to: vec!["collector@gmail.com".into()],
            ..InboxRule::default()
        },
    ));
    assert!(v.has("mailbox.shared_forward_target"), "{:?}", ids(&v));
    // Hiding the key customer's mail about invoices in RSS Feeds, in Chinese.
    let v = m.observe(&rule_event(
        "r3",
        T0,
        "c@acme-trade.com",
        InboxRule {
            name: Some("整理".into()),
            move_to_folder: Some(":\\RSS 源".into()),
            keywords: vec!["发票".into()],
            senders: vec!["@mueller-gmbh.de".into()],
            ..InboxRule::default()
        },
    ));
    let f = finding(&v, "mailbox.hiding_rule");
    assert!(f
        .evidence()
        .get("condition")
        .is_some_and(|c| c.contains("发票") && c.contains("mueller")));
    // Quiet: filing newsletters; forwarding inside the organisation.
    let v = m.observe(&rule_event(
        "q1",
        T0,
        "d@acme-trade.com",
        InboxRule {
            name: Some("Newsletters".into()),
            move_to_folder: Some("Inbox\\Newsletters".into()),
            senders: vec!["news@shop.example".into()],
            ..InboxRule::default()
        },
    ));
    assert!(v.findings().is_empty(), "{:?}", ids(&v));
    let v = m.observe(&rule_event(
        "q2",
        T0,
        "d@acme-trade.com",
        InboxRule {
            forward_to: vec!["wang.fang@acme-trade.com".into()],
            ..InboxRule::default()
        },
    ));
    assert!(v.findings().is_empty(), "{:?}", ids(&v));
}

#[test]
fn actor_differs_from_mailbox_and_duplicates_are_dropped() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    let mut grant = AccountEvent::new(
        "g1",
        at(T0),
        "ceo@acme-trade.com",
        AccountEventKind::PermissionGranted,
    );
    grant.actor = Some("intern@acme-trade.com".into());
    grant.target = Some("helper@outside.example".into());
    let v = m.observe(&Event::Account(grant.clone()));
    let f = finding(&v, "mailbox.permission_granted");
    assert_eq!(f.evidence().get("actor"), Some("intern@acme-trade.com"));
    assert_eq!(
        v.event().map(|e| e.user.as_str()),
        Some("ceo@acme-trade.com")
    );
    let again = m.observe(&Event::Account(grant));
    assert!(again.findings().is_empty() && again.event().is_some_and(|e| e.duplicate));
}

#[test]
fn snapshots_restore_and_reject_corruption() {
    let engine = engine();
    let stream: Vec<Event> = (0..40)
        .map(|i| match i % 4 {
            0 => failure(
                &format!("e{i}"),
                T0 + i * 30_000,
                "u@acme-trade.com",
                "203.0.113.5",
            ),
            _ => Event::Login(login(
                &format!("e{i}"),
                T0 + i * DAY / 2,
                &format!("u{}@acme-trade.com", i % 3),
                "58.32.0.1",
                "CN",
                31.2,
                121.5,
            )),
        })
        .collect();
    let mut whole = Monitor::new(&engine);
    let all: Vec<String> = stream
        .iter()
        .map(|e| serde_json::to_string(&whole.observe(e)).expect("json"))
        .collect();
    let mut first = Monitor::new(&engine);
    for e in &stream[..25] {
        first.observe(e);
    }
    let saved = first.snapshot();
    let mut second = Monitor::restore(&engine, &saved).expect("restores");
    let rest: Vec<String> = stream[25..]
        .iter()
        .map(|e| serde_json::to_string(&second.observe(e)).expect("json"))
        .collect();
    assert_eq!(rest, all[25..]);
    // Truncated, altered, foreign, future.
    assert!(Monitor::restore(&engine, &saved[..saved.len() / 2]).is_err());
    assert!(Monitor::restore(&engine, b"{\"format\":\"other\",\"version\":1}").is_err());
    let future = String::from_utf8(saved.clone()).expect("utf-8").replacen(
        "\"version\":2",
        "\"version\":99",
        1,
    );
    let err = Monitor::restore(&engine, future.as_bytes()).expect_err("version");
    assert!(err.to_string().contains("99"), "{err}");
    assert!(Monitor::restore(&engine, b"").is_err());
    assert!(Monitor::restore(&engine, &[0xff, 0x00]).is_err());
}

#[test]
fn memory_is_bounded_under_a_flood_of_names() {
    let engine = Engine::new(
        Policy::from_toml_str(
            "[events]\nmax_users = 1000\nmax_sources = 500\nmax_event_ids = 2000\n",
        )
        .expect("policy"),
    )
    .expect("engine");
    let mut m = Monitor::new(&engine);
    for i in 0..20_000 {
        m.observe(&failure(
            &format!("x{i}"),
            T0 + i,
            &format!("random{i}@acme-trade.com"),
            &format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256),
        ));
    }
    assert!(m.users() <= 1000, "{}", m.users());
    assert!(m.snapshot().len() < 2_000_000, "{}", m.snapshot().len());
}

#[test]
fn a_whole_takeover_story_is_one_chain() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    let user = "li.wei@acme-trade.com";
    trained(&mut m, user);
    let t = T0 + 20 * DAY;
    // 1. Spray from a hosting network on the tenant.
    for (i, u) in ["a", "b", "c", user].iter().enumerate() {
        let who = if u.contains('@') {
            u.to_string()
        } else {
            format!("{u}@acme-trade.com")
        };
        m.observe(&failure(
            &format!("spray{i}"),
            t + i as i64 * 30_000,
            &who,
            "45.9.20.11",
        ));
    }
    // 2. Success from the same address, in Nigeria, at night.
    let mut win = login(
        "login-ng",
        t + 5 * 60_000,
        user,
        "45.9.20.11",
        "NG",
        6.45,
        3.39,
    );
    win.asn = Some(9999);
    win.ip_flags.hosting = true;
    let v = m.observe(&Event::Login(win));
    for r in [
        "login.success_after_attack",
        "login.new_country",
        "login.anonymizer",
    ] {
        assert!(v.has(r), "{r}: {:?}", ids(&v));
    }
    // 3. A forwarding rule that hides the original.
    let v = m.observe(&rule_event(
        "rule-fwd",
        t + 20 * 60_000,
        user,
        InboxRule {
            name: Some(".".into()),
            forward_to: vec!["li.wei.acme@gmail.com".into()],
            delete: true,
            keywords: vec!["invoice".into(), "payment".into()],
            ..InboxRule::default()
        },
    ));
    assert!(v.has("chain.account_takeover"), "{:?}", ids(&v));
    // 4. MFA off.
    let mut mfa = AccountEvent::new(
        "mfa-off",
        at(t + 30 * 60_000),
        user,
        AccountEventKind::MfaDisabled,
    );
    mfa.operation = "Disable Strong Authentication.".into();
    let v = m.observe(&Event::Account(mfa));
    assert!(v.has("account.mfa_disabled") && v.has("chain.account_takeover"));
    let mfa_weight = finding(&v, "account.mfa_disabled").weight();
    assert!(
        (mfa_weight - 0.7).abs() < 1e-9,
        "full weight after a risky login: {mfa_weight}"
    );
    // 5. The payment-change mail from the real account.
    let raw = "From: Li Wei <li.wei@acme-trade.com>\r\nTo: anna.schneider@mueller-gmbh.de\r\n\
               Message-ID: <pay-1@acme-trade.com>\r\nSubject: Updated bank details\r\n\r\n\
               Dear Anna, our bank account has changed. Please remit the open invoice to \
               IBAN GB82 WEST 1234 5698 7654 32 from today.\r\n";
    let mv = engine.score_message(raw.as_bytes(), &MessageContext::outbound(user));
    assert!(mv.has("content.bank_detail_change"), "{:?}", ids(&mv));
    let v = m.observe_message(user, &mv, at(t + 2 * HOUR));
    let chain = finding(&v, "chain.account_takeover");
    let ev = chain.evidence();
    assert!(ev
        .get("login")
        .is_some_and(|l| l.contains("login-ng") && l.contains("success_after_attack")));
    let changes = ev.get("changes").expect("changes");
    assert!(
        changes.contains("rule-fwd") && changes.contains("mfa-off"),
        "{changes}"
    );
    assert!(ev
        .get("message")
        .is_some_and(|m| m.contains("pay-1@acme-trade.com")));
    assert_eq!(v.level(), mailrisk::Level::Critical);
    assert!(chain.explain(mailrisk::Lang::Zh).contains("被接管"));
    // The same mail with no takeover before it: no chain.
    let mut fresh = Monitor::new(&engine);
    trained(&mut fresh, user);
    assert!(fresh
        .observe_message(user, &mv, at(t + 2 * HOUR))
        .findings()
        .is_empty());
}

#[test]
fn relays_and_satellite_networks_are_not_travel() {
    let engine = Engine::new(Policy::from_toml_str("[events]\nrelay_asns = [64500]\n").expect("p"))
        .expect("engine");
    let mut m = Monitor::new(&engine);
    trained(&mut m, "u@acme-trade.com");
    let t = T0 + 15 * DAY;
    // Starlink (built in) puts the user in the US an hour after Shanghai; a relay the policy
    // names puts them in Germany.
    for (i, (asn, country, lat, lon)) in [(14593, "US", 40.7, -74.0), (64500, "DE", 52.5, 13.4)]
        .into_iter()
        .enumerate()
    {
        let mut e = login(
            &format!("relay{i}"),
            t + i as i64 * HOUR,
            "u@acme-trade.com",
            "198.51.100.9",
            country,
            lat,
            lon,
        );
        e.asn = Some(asn);
        let v = m.observe(&Event::Login(e));
        assert!(
            !v.has("login.impossible_travel") && !v.has("login.new_country"),
            "{asn}: {:?}",
            ids(&v)
        );
    }
    // The same jump without a relay is travel: Shanghai, then London an hour later.
    m.observe(&Event::Login(login(
        "home",
        t + 2 * HOUR,
        "u@acme-trade.com",
        "58.32.0.1",
        "CN",
        31.23,
        121.47,
    )));
    let v = m.observe(&Event::Login(login(
        "direct",
        t + 3 * HOUR,
        "u@acme-trade.com",
        "81.2.69.160",
        "GB",
        51.5,
        -0.1,
    )));
    assert!(v.has("login.impossible_travel"), "{:?}", ids(&v));
}

#[test]
fn one_session_from_two_networks_within_seconds() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    let session = |id: &str, t: i64, ip: &str, asn: u32| {
        let mut e = login(id, t, "s@acme-trade.com", ip, "CN", 31.23, 121.47);
        e.asn = Some(asn);
        e.session_id = Some("Qk3nLm1".into());
        Event::Login(e)
    };
    assert!(m
        .observe(&session("s1", T0, "58.32.17.90", 4812))
        .findings()
        .is_empty());
    // The same session 20 s later from a hosting network: a replayed cookie.
    let v = m.observe(&session("s2", T0 + 20_000, "45.9.20.11", 49981));
    let f = finding(&v, "login.session_ip_change");
    assert_eq!(f.evidence().get("previous_ip"), Some("58.32.17.90"));
    assert_eq!(f.evidence().get("seconds"), Some("20"));
    assert_eq!(f.evidence().get("previous_event"), Some("s1"));
    // Quiet: a new address in the same network; the same move after the window; another
    // session.
    let mut quiet = Monitor::new(&engine);
    quiet.observe(&session("q1", T0, "58.32.17.90", 4812));
    let v = quiet.observe(&session("q2", T0 + 10_000, "58.32.99.1", 4812));
    assert!(!v.has("login.session_ip_change"), "{:?}", ids(&v));
    let v = quiet.observe(&session("q3", T0 + 10 * 60_000, "45.9.20.11", 49981));
    assert!(!v.has("login.session_ip_change"), "{:?}", ids(&v));
    let mut other = login(
        "q4",
        T0 + 10 * 60_000 + 5_000,
        "s@acme-trade.com",
        "58.32.17.90",
        "CN",
        31.23,
        121.47,
    );
    other.session_id = Some("another".into());
    let v = quiet.observe(&Event::Login(other));
    assert!(!v.has("login.session_ip_change"), "{:?}", ids(&v));
}

#[test]
fn hidden_rule_names_transport_rules_and_sieve_redirects() {
    let engine = engine();
    let mut m = Monitor::new(&engine);
    // A rule name made of a NUL byte (written through MAPI, invisible in Outlook) or of
    // zero-width characters is as suspicious as one made of punctuation.
    for (i, name) in ["\u{0}", "\u{200b}\u{200b}x\u{200b}", "R\u{0}ule"]
        .iter()
        .enumerate()
    {
        let v = m.observe(&rule_event(
            &format!("n{i}"),
            T0,
            "a@acme-trade.com",
            InboxRule {
                name: Some((*name).into()),
                mark_as_read: true,
                ..InboxRule::default()
            },
        ));
        let f = finding(&v, "mailbox.hiding_rule");
        assert_eq!(f.evidence().get("suspicious_name"), Some("yes"), "{name:?}");
    }
    let v = m.observe(&rule_event(
        "n9",
        T0,
        "a@acme-trade.com",
        InboxRule {
            name: Some("Read receipts".into()),
            mark_as_read: true,
            ..InboxRule::default()
        },
    ));
    let f = v
        .findings()
        .iter()
        .find(|f| f.id() == "mailbox.hiding_rule");
    assert_eq!(
        f.and_then(|f| f.evidence().get("suspicious_name")),
        Some("no")
    );
    // An Exchange transport rule redirecting one mailbox's mail outside.
    let jsonl = r#"{"CreationTime":"2026-11-02T03:00:00","Id":"tr1","Operation":"New-TransportRule","UserId":"admin@acme-trade.com","ClientIP":"41.58.3.7","Parameters":[{"Name":"Name","Value":"Archive"},{"Name":"SentTo","Value":"finance@acme-trade.com"},{"Name":"RedirectMessageTo","Value":"books.acme@outlook.com"}]}"#;
    let got = mailrisk::events::adapters::read(jsonl, None).expect("m365");
    let Event::Account(e) = &got.events[0].event else {
        panic!("account")
    };
    assert_eq!(e.mailbox, "finance@acme-trade.com");
    assert_eq!(e.actor.as_deref(), Some("admin@acme-trade.com"));
    assert_eq!(e.keep_copy, Some(false));
    let v = m.observe(&got.events[0].event);
    let f = finding(&v, "mailbox.external_forwarding");
    assert_eq!(f.evidence().get("via"), Some("transport_rule"));
    assert_eq!(f.evidence().get("keeps_copy"), Some("no"));
    // A Sieve redirect logged by dovecot's LMTP.
    let log = "2026-11-02T09:31:07.412345+08:00 mail dovecot: lmtp(wang.fang@acme-trade.com)<31544><Kq1yBbH4ZmV4ewAA>: sieve: msgid=<a1@partner.example>: forwarded to <wang.fang.acme@gmail.com>\n";
    let got = mailrisk::events::adapters::read(log, None).expect("syslog");
    let v = m.observe(&got.events[0].event);
    let f = finding(&v, "mailbox.external_forwarding");
    assert_eq!(f.evidence().get("via"), Some("sieve_redirect"));
    assert!(f
        .evidence()
        .get("targets")
        .is_some_and(|t| t == "wang.fang.acme@gmail.com"));
}
