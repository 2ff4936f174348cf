//! The adapters on records written the way the products write them (`examples/events/`): the
//! same takeover in Microsoft 365's JSON lines, ConvertTo-Json array, Purview CSV and
//! Export-Csv shapes.

use super::*;
use crate::events::{AccountEventKind, LoginOutcome};
use crate::{Engine, Monitor, Policy};

const JSONL: &str = include_str!("../../../../examples/events/m365-takeover.jsonl");
const ARRAY: &str = include_str!("../../../../examples/events/m365-search.json");
const PURVIEW: &str = include_str!("../../../../examples/events/m365-purview.csv");
const EXPORT: &str = include_str!("../../../../examples/events/m365-export.csv");

fn summary(a: &Adapted) -> Vec<(String, String, String)> {
    a.events
        .iter()
        .map(|r| {
            let kind = match &r.event {
                Event::Login(l) => format!("login {:?}", l.outcome),
                Event::Account(e) => e.kind.as_str().to_string(),
            };
            (r.event.id().to_string(), r.event.time().to_string(), kind)
        })
        .collect()
}

#[test]
fn every_shape_gives_the_same_events() {
    let jsonl = read(JSONL, None).expect("jsonl");
    assert_eq!((jsonl.input, jsonl.shape), (Input::M365, "json lines"));
    let array = read(ARRAY, None).expect("array");
    assert_eq!(array.shape, "json array");
    let purview = read(PURVIEW, None).expect("purview");
    assert_eq!(purview.shape, "purview csv");
    let export = read(EXPORT, None).expect("export");
    assert_eq!(export.shape, "export-csv");
    let want = summary(&jsonl);
    assert_eq!(want.len(), 13, "{want:#?}");
    for other in [&array, &purview, &export] {
        assert_eq!(summary(other), want, "{}", other.shape);
        assert!(
            other.skipped.is_empty(),
            "{}: {:?}",
            other.shape,
            other.skipped
        );
    }
    // The truncated line is reported with its number, not dropped silently.
    assert_eq!(jsonl.skipped.len(), 1);
    assert_eq!(jsonl.skipped[0].line, 9);
    // Time comes from CreationTime in UTC, never from Export-Csv's locale date.
    assert_eq!(want[0].1, "2026-11-02T00:58:03.000Z");
    // The last record (a SharePoint file access) is kept as "other".
    assert!(jsonl.events.last().is_some_and(|r| r.other));
}

#[test]
fn records_are_read_as_exchange_and_entra_write_them() {
    let got = read(JSONL, Some(Input::M365)).expect("reads");
    let ev = |i: usize| &got.events[i].event;
    let Event::Login(first) = ev(1) else {
        panic!("a login")
    };
    assert_eq!(first.outcome, LoginOutcome::Failure);
    assert_eq!(
        first.failure_reason.as_deref(),
        Some("InvalidUserNameOrPassword")
    );
    assert_eq!(first.ip, Some("45.9.20.11".parse().expect("ip")));
    assert_eq!(first.user_agent.as_deref(), Some("python-requests/2.31.0"));
    let Event::Account(rule) = ev(6) else {
        panic!("an account event")
    };
    assert_eq!(rule.kind, AccountEventKind::InboxRuleCreated);
    assert_eq!(rule.mailbox, "li.wei@acme-trade.com");
    assert_eq!(
        rule.ip,
        Some("45.9.20.11".parse().expect("ip")),
        "port stripped"
    );
    let r = rule.rule.as_ref().expect("rule");
    assert_eq!(r.name.as_deref(), Some("."));
    assert_eq!(r.forward_to, ["li.wei.acme@gmail.com"]);
    assert_eq!(r.move_to_folder.as_deref(), Some("RSS Feeds"));
    assert!(r.mark_as_read && r.stop_processing && !r.delete);
    assert_eq!(r.keywords, ["invoice", "payment", "bank", "汇款"]);
    assert_eq!(
        rule.settings
            .get("AlwaysDeleteOutlookRulesBlob")
            .map(String::as_str),
        Some("False")
    );
    let Event::Account(fwd) = ev(7) else {
        panic!("an account event")
    };
    assert_eq!(fwd.kind, AccountEventKind::ForwardingSet);
    assert_eq!(fwd.forward_to, ["li.wei.acme@gmail.com"]);
    assert_eq!(fwd.keep_copy, Some(false));
    let kinds: Vec<&str> = got
        .events
        .iter()
        .filter_map(|r| match &r.event {
            Event::Account(e) => Some(e.kind.as_str()),
            Event::Login(_) => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "inbox_rule_created",
            "forwarding_set",
            "inbox_rule_created",
            "mfa_disabled",
            "recovery_changed",
            "messages_sent",
            "other"
        ]
    );
}

#[test]
fn the_monitor_finds_the_takeover_in_the_export() {
    let engine = Engine::new(
        Policy::from_toml_str(include_str!("../../../../examples/policy-acme.toml"))
            .expect("policy"),
    )
    .expect("engine");
    for text in [JSONL, ARRAY, PURVIEW, EXPORT] {
        let got = read(text, None).expect("reads");
        let mut m = Monitor::new(&engine);
        let verdicts: Vec<_> = got.events.iter().map(|r| m.observe(&r.event)).collect();
        let has = |rule: &str| verdicts.iter().any(|v| v.has(rule));
        for rule in [
            "login.password_spray",
            "login.success_after_attack",
            "login.attack_tool",
            "mailbox.external_forwarding",
            "mailbox.hiding_rule",
            "account.mfa_disabled",
            "account.recovery_changed",
            "chain.account_takeover",
        ] {
            assert!(has(rule), "{rule} in {}", got.shape);
        }
        assert_eq!(
            verdicts
                .iter()
                .filter(|v| v.event().is_some_and(|e| e.duplicate))
                .count(),
            1
        );
        // The owner's own morning login is quiet.
        assert!(verdicts[0].findings().is_empty());
    }
}

#[test]
fn formats_are_told_apart_or_refused_clearly() {
    let native = r#"{"type":"login","id":"1","time":"2026-11-02T03:14:15Z","user":"u@x.example","outcome":"success"}"#;
    assert_eq!(read(native, None).expect("native").input, Input::Native);
    let err = read(
        "Subject: not a log
hello
",
        None,
    )
    .expect_err("unknown");
    assert!(err.to_string().contains("--input"), "{err}");
    assert!(read("{\"x\": 1}", None).is_err());
    assert!(read("[1, 2", Some(Input::M365)).is_err());
    assert!("m365".parse::<Input>().is_ok() && "splunk".parse::<Input>().is_err());
    // Hostile input: no panic, every record accounted for.
    for cut in (0..EXPORT.len()).step_by(97) {
        if let Some(part) = EXPORT.get(..cut) {
            if let Ok(got) = read(part, Some(Input::M365)) {
                assert!(got.events.len() <= 13);
            }
        }
    }
}

const ENTRA: &str = include_str!("../../../../examples/events/entra-signins.json");

#[test]
fn entra_sign_ins_carry_places_protocols_and_risk() {
    let got = read(ENTRA, None).expect("reads");
    assert_eq!((got.input, got.shape), (Input::Entra, "json array"));
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    assert_eq!(got.events.len(), 30);
    // The portal lists newest first; the monitor takes them oldest first.
    let mut events: Vec<&Event> = got.events.iter().map(|r| &r.event).collect();
    events.sort_by_key(|e| e.time());
    let Event::Login(lagos) = events[28] else {
        panic!("a login")
    };
    assert_eq!(lagos.protocol, crate::events::Protocol::Imap);
    assert_eq!(lagos.interactive, Some(false));
    assert_eq!(
        lagos.geo.as_ref().and_then(|g| g.country.as_deref()),
        Some("NG")
    );
    assert_eq!(lagos.provider_risk, Some(crate::events::ProviderRisk::High));
    let Event::Login(blocked) = events[29] else {
        panic!("a login")
    };
    assert_eq!(blocked.outcome, LoginOutcome::Blocked);
    assert!(blocked
        .failure_reason
        .as_deref()
        .is_some_and(|r| r.starts_with("53003")));
    let engine = Engine::default();
    let mut m = Monitor::new(&engine);
    let verdicts: Vec<_> = events.iter().map(|e| m.observe(e)).collect();
    for rule in [
        "login.impossible_travel",
        "login.new_country",
        "login.legacy_protocol",
        "login.provider_risk",
    ] {
        assert!(
            verdicts[28].has(rule),
            "{rule}: {:?}",
            verdicts[28]
                .findings()
                .iter()
                .map(|f| f.id())
                .collect::<Vec<_>>()
        );
    }
    // Twelve ordinary days and the blocked attempt: quiet.
    assert!(verdicts[..25].iter().all(|v| v.findings().is_empty()));
    assert!(verdicts[29].findings().is_empty());
    // A Graph API page of the same records reads the same.
    let page = format!("{{\"@odata.context\": \"x\", \"value\": {ENTRA}}}");
    assert_eq!(read(&page, None).expect("page").events.len(), 30);
}

const MAIL_LOG: &str = include_str!("../../../../examples/events/mail-server.log");

#[test]
fn dovecot_and_postfix_logs_find_the_spray_that_worked() {
    let clock = SyslogClock {
        year: 2026,
        utc_offset_minutes: 480,
    };
    let got = read_with(MAIL_LOG, None, Some(clock)).expect("reads");
    assert_eq!((got.input, got.shape), (Input::Syslog, "log lines"));
    assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    assert_eq!(got.events.len(), 8, "the logout line is not an event");
    let engine = Engine::default();
    let mut m = Monitor::new(&engine);
    let verdicts: Vec<_> = got.events.iter().map(|r| m.observe(&r.event)).collect();
    assert!(
        verdicts[4].has("login.password_spray"),
        "{:?}",
        verdicts[4]
            .findings()
            .iter()
            .map(|f| f.id())
            .collect::<Vec<_>>()
    );
    assert!(verdicts[6].has("login.success_after_attack"));
    // The Sieve redirect the attacker then set up, forwarding each delivered message.
    assert!(verdicts[7].has("mailbox.external_forwarding"));
    assert!(verdicts[7].has("chain.account_takeover"));
    assert!(verdicts[0].findings().is_empty() && verdicts[1].findings().is_empty());
    // Without the year and zone, classic lines are reported, not guessed.
    let bare = read(MAIL_LOG, None).expect("reads");
    assert_eq!((bare.events.len(), bare.skipped.len()), (0, 8));
    assert!(bare.skipped[0].reason.contains("year"));
}

const QIYE: &str = include_str!("../../../../examples/events/qiye-mail-logins.csv");
const QIYE_POLICY: &str = include_str!("../../../../examples/events/qiye-mail-policy.toml");

#[test]
fn a_chinese_column_export_through_the_policys_mapping() {
    let policy = Policy::from_toml_str(QIYE_POLICY).expect("policy");
    let mappings = &policy.events.mapping;
    // Named, and detected from the header when not named.
    for input in [Some("qiye-mail"), None] {
        let got = read_with_policy(QIYE, input, mappings, None).expect("reads");
        assert_eq!(got.input, Input::Mapping);
        assert_eq!(got.events.len(), 6, "{:?}", got.skipped);
        let lines: Vec<usize> = got.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [8, 9], "{:?}", got.skipped);
        assert!(got.skipped[0].reason.contains("2026/11/3"));
        assert!(got.skipped[1].reason.contains("未知状态"));
        let Event::Login(first) = &got.events[0].event else {
            panic!("a login")
        };
        assert_eq!(first.id, "qiye-mail:1");
        assert_eq!(first.time.to_string(), "2026-11-02T01:01:13.000Z");
        assert_eq!(first.protocol, crate::events::Protocol::Web);
        assert_eq!(
            first.geo.as_ref().and_then(|g| g.country.as_deref()),
            Some("CN")
        );
        let engine = Engine::new(policy.clone()).expect("engine");
        let mut m = Monitor::new(&engine);
        let v: Vec<_> = got.events.iter().map(|r| m.observe(&r.event)).collect();
        assert!(v[4].has("login.password_spray"));
        assert!(v[5].has("login.success_after_attack"));
    }
    assert!(read_with_policy(QIYE, Some("other-mail"), mappings, None).is_err());
    // Without the mapping, the file is refused clearly.
    assert!(read_with_policy(QIYE, None, &[], None).is_err());
}

#[test]
fn mappings_are_validated_with_paths() {
    let bad = "[[events.mapping]]\nname = \"m365\"\nformat = \"xlsx\"\ntime = \"t\"\nuser = \"\"\n\
               time_format = \"dd.mm.yyyy\"\noutcome_values = { \"ok\" = \"fine\" }\n";
    let err = Policy::from_toml_str(bad).expect_err("invalid").to_string();
    for want in [
        "events.mapping[0].name",
        "events.mapping[0].format",
        "events.mapping[0].user",
        "events.mapping[0].time_format",
        "events.mapping[0].outcome_values.\"ok\"",
    ] {
        assert!(err.contains(want), "{want} in {err}");
    }
    // Zero limits and windows of [events] are errors too.
    let err =
        Policy::from_toml_str("[events]\nhistory = 0\nchain_hours = 0\ntravel_min_km = -1.0\n")
            .expect_err("invalid")
            .to_string();
    for want in [
        "events.history",
        "events.chain_hours",
        "events.travel_min_km",
    ] {
        assert!(err.contains(want), "{want} in {err}");
    }
    // The names a mapping may use are the event schema's.
    for o in crate::policy::MAPPING_OUTCOMES {
        assert!(
            serde_json::from_value::<LoginOutcome>(serde_json::Value::String(o.to_string()))
                .is_ok(),
            "{o}"
        );
    }
    for p in crate::policy::MAPPING_PROTOCOLS {
        assert!(
            serde_json::from_value::<crate::events::Protocol>(serde_json::Value::String(
                p.to_string()
            ))
            .is_ok(),
            "{p}"
        );
    }
}

const GOOGLE: &str = include_str!("../../../../examples/events/google-activities.json");

#[test]
fn google_workspace_activities_in_every_shape() {
    let page = read(GOOGLE, None).expect("page");
    assert_eq!((page.input, page.shape), (Input::Google, "json array"));
    assert!(page.skipped.is_empty(), "{:?}", page.skipped);
    // The same activities as a bare JSON array and as JSON lines.
    let v: Value = serde_json::from_str(GOOGLE).expect("json");
    let items = v["items"].as_array().expect("items").clone();
    let array = read(&Value::Array(items.clone()).to_string(), None).expect("array");
    let lines: String = items.iter().map(|i| i.to_string() + "\n").collect();
    let jsonl = read(&lines, Some(Input::Google)).expect("jsonl");
    assert_eq!(summary(&array), summary(&page));
    assert_eq!(summary(&jsonl), summary(&page));
    assert_eq!(read(&lines, None).expect("detected").input, Input::Google);

    let kinds: Vec<String> = summary(&page).into_iter().map(|(_, _, k)| k).collect();
    assert_eq!(
        kinds,
        [
            "login Success",
            "other",
            "login Failure",
            "login Failure",
            "login Failure",
            "login Failure",
            "login Success",
            "mfa_disabled",
            "recovery_changed",
            "forwarding_set",
            "app_consent",
            "password_changed",
            "recovery_changed",
        ]
    );
    let ev = |i: usize| &page.events[i].event;
    let Event::Login(l) = ev(6) else {
        panic!("login")
    };
    assert_eq!(l.provider_risk, Some(super::super::ProviderRisk::Medium));
    assert_eq!(l.ip, "41.58.3.7".parse().ok());
    assert_eq!(l.auth_method.as_deref(), Some("google_password"));
    assert_eq!(l.operation.as_deref(), Some("login:login_success"));
    let Event::Account(fwd) = ev(9) else {
        panic!("account")
    };
    assert_eq!(fwd.forward_to, ["li.wei.acme.trade@gmail.com"]);
    let Event::Account(consent) = ev(10) else {
        panic!("account")
    };
    assert_eq!(consent.target.as_deref(), Some("Mail Backup Pro"));
    assert_eq!(
        consent.settings.get("scope").map(String::as_str),
        Some("https://mail.google.com/")
    );
    // An admin's change: the subject is USER_EMAIL, the admin is the actor; two events in
    // one activity get their position in the id.
    let Event::Account(admin) = ev(12) else {
        panic!("account")
    };
    assert_eq!(admin.mailbox, "li.wei@acme-trade.com");
    assert_eq!(admin.actor.as_deref(), Some("it.admin@acme-trade.com"));
    assert_eq!(admin.target.as_deref(), Some("+86 138 0013 8000"));
    assert!(admin.id.ends_with(":1") && ev(11).id().ends_with(":0"));
    assert!(page.events[1].other, "logout has no detector");

    // Records that cannot be read are reported, not dropped.
    let bad = r#"[{"kind": "admin#reports#activity", "id": {"applicationName": "login",
        "uniqueQualifier": "1"}, "actor": {"email": "a@b.c"}, "events": [{"name": "login_success"}]},
        {"kind": "admin#reports#activity", "id": {"applicationName": "login",
        "uniqueQualifier": "2", "time": "2026-11-02T01:02:11Z"}, "events": [{"name": "login_success"}]}]"#;
    let got = read(bad, None).expect("read");
    assert_eq!(got.events.len(), 0);
    assert_eq!(got.skipped.len(), 2);
    assert!(
        got.skipped[0].reason.contains("id.time"),
        "{:?}",
        got.skipped
    );
    assert!(
        got.skipped[1].reason.contains("actor.email"),
        "{:?}",
        got.skipped
    );
}

#[test]
fn the_monitor_finds_the_takeover_in_google_activities() {
    let engine = Engine::default();
    let mut m = Monitor::new(&engine);
    let got = read(GOOGLE, None).expect("page");
    let verdicts: Vec<_> = got.events.iter().map(|r| m.observe(&r.event)).collect();
    assert!(verdicts[5].has("login.password_spray"));
    assert!(verdicts[7].has("account.mfa_disabled"));
    assert!(verdicts[9].has("mailbox.external_forwarding"));
    let chain = verdicts[10]
        .findings()
        .iter()
        .find(|f| f.id() == "chain.account_takeover")
        .expect("chain");
    let changes = chain.evidence().get("changes").unwrap_or("");
    for step in [
        "2sv",
        "account.recovery_changed",
        "mailbox.external_forwarding",
    ] {
        let id_or_rule = match step {
            "2sv" => "google:user_accounts:-7301158812239400302",
            s => s,
        };
        assert!(changes.contains(id_or_rule), "{changes}");
    }
    // The quiet start: an ordinary sign-in and a logout.
    assert!(verdicts[0].findings().is_empty() && verdicts[1].findings().is_empty());
}
