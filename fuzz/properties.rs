//! The properties the fuzz targets check, in one place: each fuzz target calls one of these,
//! and the core's regression test (`core/tests/fuzz_regressions.rs`) replays every saved input
//! of `fuzz/regressions/<target>/` through the same function, so a crash that a campaign once
//! found stays a test in `cargo test`.
//!
//! Each function takes the raw fuzz input and panics (fails) when a property does not hold.

// Each fuzz target and test uses some of these functions, never all.
#![allow(dead_code)]

use std::sync::OnceLock;

use mailrisk::{Engine, MessageContext, Policy};

/// `score_message`: any bytes, scored under the default policy, under tiny limits and under
/// the example company's policy (also as a message from its vendor, so that the body reaches
/// the banking rules): never a panic, the score within 0..=100, and the verdict serialises.
pub fn score_message(data: &[u8]) {
    fn engines() -> &'static [Engine; 3] {
        static ENGINES: OnceLock<[Engine; 3]> = OnceLock::new();
        ENGINES.get_or_init(|| {
            let tight = Policy::from_toml_str(
                "[limits]\nmax_message_bytes = 4096\nmax_mime_depth = 3\nmax_parts = 8\nmax_headers = 16\nmax_urls = 4\nmax_text_bytes = 256\n",
            )
            .expect("valid policy");
            // People, partners and vendors with accounts: the identity and banking rules run.
            let company = Policy::from_toml_str(include_str!("../examples/policy-acme.toml"))
                .expect("example policy");
            [
                Engine::default(),
                Engine::new(tight).expect("engine"),
                Engine::new(company).expect("engine"),
            ]
        })
    }
    let mut from_vendor = b"From: \"Ningbo Steel\" <accounts@nbsteel.cn>\r\n".to_vec();
    from_vendor.extend_from_slice(data);
    let company = &engines()[2];
    let v = company.score_message(&from_vendor, &MessageContext::inbound());
    serde_json::to_string(&v).expect("verdict serialises");
    // The panic boundary turns a failure into `message.internal_error`; under libFuzzer the
    // panic hook aborts first, so a campaign still stops at the failing input.
    assert!(!v.has("message.internal_error"), "{:?}", v.findings());
    for engine in engines() {
        for ctx in [
            MessageContext::inbound(),
            MessageContext::internal(),
            MessageContext::outbound("li.wei@acme-trade.com"),
        ] {
            let v = engine.score_message(data, &ctx);
            assert!(v.score() <= 100);
            assert!(!v.has("message.internal_error"), "{:?}", v.findings());
            serde_json::to_string(&v).expect("verdict serialises");
        }
    }
}

/// `policy`: any text as a TOML or JSON policy: an error or an engine, never a panic.
pub fn policy(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        for p in [Policy::from_toml_str(text), Policy::from_json_str(text)]
            .into_iter()
            .flatten()
        {
            if let Ok(engine) = Engine::new(p) {
                let _ = engine.score_message(data, &MessageContext::inbound());
            }
        }
    }
}

/// `lookalike`: the first line checked against a fixed protected set; the next lines (up to
/// 16) made the protected set of a second engine, the rest checked against it. Never a panic,
/// and every match names a protected domain.
pub fn lookalike(data: &[u8]) {
    fn fixed() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(|| {
            let mut p = Policy::default();
            p.organisation.domains = vec!["acme-trade.com".into(), "acme-trade.cn".into()];
            p.lists.protected_domains = vec!["müller.de".into(), "internationalfreight.com".into()];
            Engine::new(p).expect("valid policy")
        })
    }
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or_default();
    if let Ok(Some(m)) = fixed().check_domain(first) {
        assert!(!m.protected.is_empty());
    }
    let rest: Vec<&str> = lines.collect();
    let (protect, candidates) = rest.split_at(rest.len().min(16));
    let mut p = Policy::default();
    p.lists.builtin_brands.clear();
    p.lists.protected_domains = protect.iter().map(|s| s.to_string()).collect();
    if let Ok(engine) = Engine::new(p) {
        for c in candidates.iter().chain(std::iter::once(&first)) {
            if let Ok(Some(m)) = engine.check_domain(c) {
                assert!(!m.protected.is_empty());
            }
        }
    }
}

/// `phrases`: the lexicon on any text: never a panic, every match quotes the text at its
/// offset, and sentence numbers never decrease (matches come in order and no match crosses a
/// sentence boundary).
pub fn phrases(data: &[u8]) {
    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(Engine::default)
    }
    let text = String::from_utf8_lossy(data);
    let mut last_sentence = 0;
    for m in engine().find_phrases(&text) {
        assert_eq!(text.get(m.offset..m.offset + m.text.len()), Some(m.text));
        assert!(!m.text.is_empty(), "{m:?}");
        assert!(
            m.sentence >= last_sentence,
            "{m:?} after sentence {last_sentence}"
        );
        last_sentence = m.sentence;
    }
}

/// `events`: any text through every adapter (detected, as each format, and through a column
/// mapping), every event
/// through a monitor, the monitor through snapshot and restore: never a panic, every record
/// either an event or a reported skip, and a restored monitor scores the next event as the
/// original does.
pub fn events(data: &[u8]) {
    use mailrisk::events::adapters::{read, Input};
    use mailrisk::Monitor;
    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(Engine::default)
    }
    fn mappings() -> &'static [mailrisk::EventMapping] {
        static POLICY: OnceLock<Policy> = OnceLock::new();
        &POLICY
            .get_or_init(|| {
                Policy::from_toml_str(include_str!("../examples/events/qiye-mail-policy.toml"))
                    .expect("mapping policy")
            })
            .events
            .mapping
    }
    let text = String::from_utf8_lossy(data);
    let reads = [
        read(&text, None),
        read(&text, Some(Input::Native)),
        read(&text, Some(Input::M365)),
        read(&text, Some(Input::Entra)),
        read(&text, Some(Input::Google)),
        read(&text, Some(Input::Syslog)),
        mailrisk::events::adapters::read_with_policy(&text, None, mappings(), None),
        mailrisk::events::adapters::read_with_policy(&text, Some("qiye-mail"), mappings(), None),
    ];
    for got in reads {
        let Ok(got) = got else {
            continue;
        };
        let mut m = Monitor::new(engine());
        for r in got.events.iter().take(200) {
            let v = m.observe(&r.event);
            assert!(v.score() <= 100);
            serde_json::to_string(&v).expect("verdict serialises");
        }
        if let Some(last) = got.events.last() {
            let restored =
                Monitor::restore(engine(), &m.snapshot()).expect("own snapshot restores");
            let a = serde_json::to_string(&m.observe_clone(&last.event)).expect("json");
            let b = serde_json::to_string(&restored.observe_clone(&last.event)).expect("json");
            assert_eq!(a, b);
        }
    }
}

/// `restore`: any bytes as a monitor snapshot: an error, or a monitor that scores events.
pub fn restore(data: &[u8]) {
    use mailrisk::events::{Event, LoginEvent, Timestamp};
    use mailrisk::Monitor;
    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(Engine::default)
    }
    if let Ok(mut m) = Monitor::restore(engine(), data) {
        let e = LoginEvent::new(
            "fuzz",
            Timestamp::from_unix_millis(1_793_589_255_000),
            "u@x.example",
        );
        let _ = m.observe(&Event::Login(e));
        let _ = m.snapshot();
    }
}
