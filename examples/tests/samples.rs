//! Data-driven checks of the sample messages in examples/mail against examples/mail/expected.toml.

use std::collections::BTreeMap;
use std::path::Path;

use mailrisk::{Engine, Level, MessageContext};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    fires: Vec<String>,
    level: Level,
    subject: Option<String>,
    /// Policy file under examples/ to score with (the built-in default otherwise).
    policy: Option<String>,
    /// `inbound` (the default), `internal`, or `outbound` (with `user`).
    direction: Option<String>,
    /// The authenticated sender of an outbound message.
    user: Option<String>,
}

fn context(exp: &Expect) -> MessageContext {
    match exp.direction.as_deref() {
        None | Some("inbound") => MessageContext::inbound(),
        Some("internal") => MessageContext::internal(),
        Some("outbound") => {
            MessageContext::outbound(exp.user.clone().expect("outbound needs user"))
        }
        Some(other) => panic!("unknown direction {other}"),
    }
}

fn mail_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/mail"))
}

fn expectations() -> BTreeMap<String, Expect> {
    let text = std::fs::read_to_string(mail_dir().join("expected.toml")).expect("expected.toml");
    toml::from_str(&text).expect("expected.toml parses")
}

#[test]
fn every_sample_meets_its_expectation() {
    let default_engine = Engine::default();
    let mut engines: BTreeMap<String, Engine> = BTreeMap::new();
    let expected = expectations();
    let mut files: Vec<_> = std::fs::read_dir(mail_dir())
        .expect("mail dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "at least 15 samples, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let Some(exp) = expected.get(&name) else {
            failures.push(format!("{name}: no entry in expected.toml"));
            continue;
        };
        let raw = std::fs::read(path).expect("read");
        let engine = match &exp.policy {
            None => &default_engine,
            Some(file) => engines.entry(file.clone()).or_insert_with(|| {
                let text =
                    std::fs::read_to_string(mail_dir().join("..").join(file)).expect("policy file");
                Engine::new(mailrisk::Policy::from_toml_str(&text).expect("policy parses"))
                    .expect("policy valid")
            }),
        };
        let verdict = engine.score_message(&raw, &context(exp));
        let mut got: Vec<&str> = verdict.findings().iter().map(|f| f.id()).collect();
        got.sort_unstable();
        got.dedup();
        let mut want: Vec<&str> = exp.fires.iter().map(String::as_str).collect();
        want.sort_unstable();
        if got != want {
            failures.push(format!("{name}: fired {got:?}, expected {want:?}"));
        }
        if verdict.level() != exp.level {
            failures.push(format!(
                "{name}: level {:?}, expected {:?}",
                verdict.level(),
                exp.level
            ));
        }
        if let Some(s) = &exp.subject {
            let subject = verdict.message().and_then(|m| m.subject.as_deref());
            if subject != Some(s.as_str()) {
                failures.push(format!("{name}: subject {subject:?}, expected {s:?}"));
            }
        }
        for f in verdict.findings() {
            for lang in [mailrisk::Lang::En, mailrisk::Lang::Zh] {
                let e = f.explain(lang);
                if e.contains('{') || e.is_empty() {
                    failures.push(format!("{name}: unrendered explanation {e:?}"));
                }
            }
        }
    }
    for name in expected.keys() {
        if !mail_dir().join(name).exists() {
            failures.push(format!("{name}: in expected.toml but no such file"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
