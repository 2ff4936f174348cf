//! The `Monitor`: per-user state over a stream of events, one verdict per event, and the
//! correlation of risky logins, mailbox changes and payment-change messages into
//! `chain.account_takeover`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::state::{evict, State, Step, UserState, MAX_RISKY, MAX_STEPS};
use super::{login, mailbox, Event, EventError, Timestamp};
use crate::compiled::Compiled;
use crate::verdict::{EventSummary, Evidence, Findings, Verdict};
use crate::vocab::Level;
use crate::{rules, Engine};

/// Login rules that make a login risky enough to start a takeover chain.
const RISKY_LOGIN: &[&str] = &[
    "login.impossible_travel",
    "login.session_ip_change",
    "login.new_country",
    "login.outside_allowed",
    "login.anonymizer",
    "login.success_after_attack",
    "login.attack_tool",
    "login.provider_risk",
    "login.legacy_protocol",
];

/// Changes that give an attacker persistence or cover.
const TAKEOVER_CHANGE: &[&str] = &[
    "mailbox.external_forwarding",
    "mailbox.shared_forward_target",
    "mailbox.hiding_rule",
    "mailbox.protocol_enabled",
    "mailbox.permission_granted",
    "mailbox.audit_disabled",
    "account.recovery_changed",
    "account.mfa_disabled",
    "account.app_consent",
];

/// Message findings that ask for money to go somewhere new.
const PAYMENT_CHANGE: &[&str] = &[
    "content.bank_detail_change",
    "banking.new_account_details",
    "banking.vendor_account_changed",
    "composite.bec_payment_request",
];

/// Scores login and mailbox events as they arrive, remembering what it needs per user.
///
/// Built from an [`Engine`] (it shares the engine's compiled policy); `Send`, so it can move
/// to the thread that reads the log. State is bounded (`[events]` `max_users`,
/// `max_sources`, `max_event_ids`, `history`), duplicates (same event id) are scored once,
/// and [`Monitor::snapshot`] / [`Monitor::restore`] carry it across runs.
///
/// ```
/// use mailrisk::{Engine, Monitor};
/// use mailrisk::events::Event;
/// let engine = Engine::default();
/// let mut monitor = Monitor::new(&engine);
/// let e: Event = r#"{"type": "account", "id": "r1", "time": "2026-11-02T03:20:00Z",
///     "mailbox": "li.wei@acme-trade.com", "kind": "inbox_rule_created",
///     "operation": "New-InboxRule",
///     "rule": {"name": "..", "forward_to": ["li.wei.acme@gmail.com"], "delete": true}}"#.parse()?;
/// let v = monitor.observe(&e);
/// assert!(v.has("mailbox.external_forwarding"));
/// let saved = monitor.snapshot();
/// let again = Monitor::restore(&engine, &saved)?;
/// assert!(again.observe_clone(&e).event().is_some_and(|s| s.duplicate));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Monitor {
    compiled: Arc<Compiled>,
    state: State,
}

/// The saved form of a monitor's state.
#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: String,
    version: u32,
    state: State,
}

const SNAPSHOT_FORMAT: &str = "mailrisk-monitor";
const SNAPSHOT_VERSION: u32 = 2;

/// A snapshot that cannot be restored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Not a mailrisk monitor snapshot at all (or truncated, or altered).
    #[error("not a mailrisk monitor snapshot: {0}")]
    Corrupt(String),
    /// A snapshot of another format version.
    #[error("monitor snapshot version {found} is not supported (this library reads version {supported})")]
    Version {
        /// The snapshot's version.
        found: u32,
        /// The version this library reads.
        supported: u32,
    },
}

impl Monitor {
    /// A monitor with no history, scoring under `engine`'s policy.
    pub fn new(engine: &Engine) -> Monitor {
        Monitor {
            compiled: Arc::clone(&engine.compiled),
            state: State::default(),
        }
    }

    /// Scores one event and records it. A duplicate (an id seen before) returns a verdict
    /// with no findings whose event summary says `duplicate`.
    pub fn observe(&mut self, event: &Event) -> Verdict {
        let c = Arc::clone(&self.compiled);
        let p = &c.policy.events;
        let user = user_key(event.user());
        let user = user.as_ref();
        // A failure whose log names no account (Postfix's "SASL LOGIN authentication
        // failed") is user 0: it counts for its source, never as one more sprayed account.
        let uid = if user.is_empty() || user == "unknown" {
            0
        } else {
            self.state.tagger.tag(user)
        };
        let time = event.time();
        let now = time.unix_millis();
        let mut summary = EventSummary {
            id: event.id().to_string(),
            user: user.to_string(),
            time,
            kind: match event {
                Event::Login(e) => e.outcome.summary_kind(),
                Event::Account(e) => e.kind.as_str(),
            }
            .into(),
            duplicate: false,
        };
        let mut findings = Findings::new(&c.settings);
        let tag = self.state.tagger.tag(event.id());
        if !self.state.seen.insert(tag, p.max_event_ids) {
            summary.duplicate = true;
            return Verdict::build(findings.finish(), &c.policy.scoring, None).with_event(summary);
        }
        if !self.state.users.contains_key(&uid) {
            evict(&mut self.state.users, p.max_users.saturating_sub(1), |u| {
                u.last_seen
            });
        }
        let window = i64::from(p.chain_hours) * 3_600_000;
        match event {
            Event::Login(e) => login::check(&c, &mut self.state, uid, e, &mut findings),
            Event::Account(e) => {
                let u = login::state_user(&mut self.state, uid, now);
                let risky = u
                    .risky_logins
                    .iter()
                    .rev()
                    .find(|s| s.t <= now + 600_000 && now - s.t <= window)
                    .map(|s| s.id.clone());
                mailbox::check(
                    &c,
                    &mut self.state,
                    (user, uid),
                    e,
                    risky.as_deref(),
                    &mut findings,
                );
            }
        }
        let (list, mut floor) = findings.finish();
        let step = |set: &[&str]| {
            let rules: Vec<&str> = list
                .iter()
                .map(|f| f.id())
                .filter(|id| set.contains(id))
                .collect();
            (!rules.is_empty()).then(|| Step {
                t: now,
                id: event.id().to_string(),
                rules: rules.join(", "),
            })
        };
        let new_step = match event {
            Event::Login(_) => step(RISKY_LOGIN),
            Event::Account(_) => step(TAKEOVER_CHANGE),
        };
        let mut list = list;
        let u = login::state_user(&mut self.state, uid, now);
        // Only an event that is itself a step (a risky login or a takeover change) reports
        // the chain; the account's other events do not repeat it.
        let is_step = new_step.is_some();
        if let Some(s) = new_step {
            match event {
                Event::Login(_) => UserState::push_step(&mut u.risky_logins, s, MAX_RISKY),
                Event::Account(_) => UserState::push_step(&mut u.changes, s, MAX_STEPS),
            }
        }
        if let Some(chain) = chain(u, now, window, None).filter(|_| is_step) {
            let mut extra = Findings::new(&c.settings);
            extra.add(&rules::ACCOUNT_TAKEOVER, 1.0, chain);
            let (more, _) = extra.finish();
            if !more.is_empty() {
                floor = floor.max(Level::Critical);
            }
            list.extend(more);
        }
        Verdict::build((list, floor), &c.policy.scoring, None).with_event(summary)
    }

    /// Scores `event` on a copy of the monitor, leaving this one unchanged (to ask "what if").
    pub fn observe_clone(&self, event: &Event) -> Verdict {
        self.clone().observe(event)
    }

    /// Records a message `user` sent at `time`, scored by the engine as `verdict`. When the
    /// verdict asks for a payment change and a risky login and a mailbox change of `user`
    /// came before it within `events.chain_hours`, the returned verdict carries
    /// `chain.account_takeover` naming all three; otherwise it has no findings.
    pub fn observe_message(&mut self, user: &str, verdict: &Verdict, time: Timestamp) -> Verdict {
        let c = Arc::clone(&self.compiled);
        let user = user_key(user).into_owned();
        let now = time.unix_millis();
        let window = i64::from(c.policy.events.chain_hours) * 3_600_000;
        let id = verdict
            .message()
            .and_then(|m| m.message_id.clone())
            .unwrap_or_else(|| format!("message@{time}"));
        let summary = EventSummary {
            id: id.clone(),
            user: user.clone(),
            time,
            kind: "message_sent".into(),
            duplicate: false,
        };
        let payment: Vec<&str> = verdict
            .findings()
            .iter()
            .map(|f| f.id())
            .filter(|r| PAYMENT_CHANGE.contains(r))
            .collect();
        let mut findings = Findings::new(&c.settings);
        let mut floor = Level::None;
        if !payment.is_empty() {
            let uid = self.state.tagger.tag(&user);
            if let Some(u) = self.state.users.get_mut(&uid) {
                let step = Step {
                    t: now,
                    id,
                    rules: payment.join(", "),
                };
                if let Some(chain) = chain(u, now, window, Some(&step)) {
                    findings.add(&rules::ACCOUNT_TAKEOVER, 1.0, chain);
                    floor = Level::Critical;
                }
            }
        }
        let (list, _) = findings.finish();
        if list.is_empty() {
            floor = Level::None;
        }
        Verdict::build((list, floor), &c.policy.scoring, None).with_event(summary)
    }

    /// The monitor's state as bytes (versioned JSON), to [`restore`](Monitor::restore) later.
    /// Replaying the rest of a stream on a restored monitor gives the same verdicts as
    /// replaying the whole stream on one monitor.
    pub fn snapshot(&self) -> Vec<u8> {
        let snap = Snapshot {
            format: SNAPSHOT_FORMAT.into(),
            version: SNAPSHOT_VERSION,
            state: self.state.clone(),
        };
        // Serialising plain data with string keys cannot fail; an empty snapshot would be
        // refused by `restore`, never silently accepted.
        serde_json::to_vec(&snap).unwrap_or_default()
    }

    /// A monitor with the state of `snapshot`, scoring under `engine`'s policy.
    ///
    /// # Errors
    /// [`StateError::Corrupt`] for bytes that are not a snapshot (truncated, altered, another
    /// file), [`StateError::Version`] for a snapshot of another format version.
    pub fn restore(engine: &Engine, snapshot: &[u8]) -> Result<Monitor, StateError> {
        #[derive(Deserialize)]
        struct Head {
            format: String,
            version: u32,
        }
        let head: Head =
            serde_json::from_slice(snapshot).map_err(|e| StateError::Corrupt(e.to_string()))?;
        if head.format != SNAPSHOT_FORMAT {
            return Err(StateError::Corrupt(format!("format is {:?}", head.format)));
        }
        if head.version != SNAPSHOT_VERSION {
            return Err(StateError::Version {
                found: head.version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let snap: Snapshot =
            serde_json::from_slice(snapshot).map_err(|e| StateError::Corrupt(e.to_string()))?;
        Ok(Monitor {
            compiled: Arc::clone(&engine.compiled),
            state: snap.state,
        })
    }

    /// How many users the monitor currently remembers.
    pub fn users(&self) -> usize {
        self.state.users.len()
    }

    /// Parses one event in the JSON schema and scores it (see [`Monitor::observe`]).
    ///
    /// # Errors
    /// [`EventError`] when the text is not an event of the schema.
    pub fn observe_json(&mut self, json: &str) -> Result<Verdict, EventError> {
        Ok(self.observe(&json.parse::<Event>()?))
    }
}

/// The account as the state keys it: trimmed and lowercased, borrowed when it already is.
fn user_key(user: &str) -> std::borrow::Cow<'_, str> {
    let user = user.trim();
    if user
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        std::borrow::Cow::Owned(user.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(user)
    }
}

/// The takeover chain of `u` at `now`: the newest risky login, the changes after it (changes
/// logged up to ten minutes before the login are taken as out of order), and `message`, all
/// within `window`. `None` without a risky login and a change.
fn chain(u: &UserState, now: i64, window: i64, message: Option<&Step>) -> Option<Evidence> {
    let slack = 600_000;
    let login = u
        .risky_logins
        .iter()
        .rev()
        .find(|l| now - l.t <= window && l.t <= now + slack)?;
    let changes: Vec<&Step> = u
        .changes
        .iter()
        .filter(|c| c.t + slack >= login.t && c.t - login.t <= window && c.t <= now + slack)
        .collect();
    if changes.is_empty() {
        return None;
    }
    let last = message
        .map(|m| m.t)
        .into_iter()
        .chain(changes.iter().map(|c| c.t))
        .max()
        .unwrap_or(now);
    let hours = ((last - login.t).max(0) as f64 / 3_600_000.0).ceil();
    Some(
        Evidence::new()
            .with("login", login.describe())
            .with(
                "changes",
                changes
                    .iter()
                    .map(|c| c.describe())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .with("message", message.map_or("-".to_string(), Step::describe))
            .with("hours", format!("{hours:.0}")),
    )
}
