//! Verdicts: findings, their aggregation into a score, level and action, and explanations.
//!
//! Each finding carries a weight in `[0, 1]`. The score combines them as a noisy-OR,
//! `100 × (1 − Π(1 − wᵢ))`, so independent weak signals add up while one strong signal is
//! enough on its own. Levels and actions come from the policy's thresholds.

mod composite;
mod explain;
mod finding;

use serde::Serialize;

pub use crate::vocab::{Action, Lang, Level, Severity};
pub use finding::{Evidence, Finding};

use crate::policy::Scoring;
use crate::rules::Rule;

/// A few identifying fields of the scored message, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MessageSummary {
    /// The first From address (or the raw header value when it has no address).
    pub from: Option<String>,
    /// The decoded subject.
    pub subject: Option<String>,
    /// The Message-ID, without angle brackets.
    pub message_id: Option<String>,
}

/// Identifying fields of a scored event, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventSummary {
    /// The event's id (for a sent message: its Message-ID).
    pub id: String,
    /// The account it concerns, lowercased.
    pub user: String,
    /// When it happened (written as RFC 3339 in UTC).
    pub time: crate::events::Timestamp,
    /// `login_success`, `login_failure`, … or the account event's kind
    /// (`inbox_rule_created` …), or `message_sent`.
    pub kind: std::borrow::Cow<'static, str>,
    /// The event id was seen before: the event was not scored again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
}

/// The result of scoring a message or an event.
///
/// Serialises to the JSON shape documented in `docs/verdict-schema.md`.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    score: u8,
    level: Level,
    action: Action,
    findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<MessageSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<EventSummary>,
}

impl Verdict {
    /// Aggregates findings under the policy's scoring table. A level floor (from composites)
    /// raises the level, and the score to that level's threshold.
    pub(crate) fn build(
        (mut findings, floor): (Vec<Finding>, Level),
        scoring: &Scoring,
        message: Option<MessageSummary>,
    ) -> Verdict {
        findings.sort_by(|a, b| b.weight().total_cmp(&a.weight()));
        let mut score = noisy_or(findings.iter().map(Finding::weight));
        let mut level = scoring.thresholds.level(score);
        if floor > level {
            level = floor;
            score = score.max(scoring.thresholds.min_score(floor));
        }
        Verdict {
            score,
            level,
            action: scoring.actions.for_level(level),
            findings,
            message,
            event: None,
        }
    }
    /// The verdict with the summary of the event it is about.
    pub(crate) fn with_event(mut self, event: EventSummary) -> Verdict {
        self.event = Some(event);
        self
    }
    /// The risk score, 0 (nothing found) to 100.
    pub fn score(&self) -> u8 {
        self.score
    }
    /// The risk level from the policy thresholds.
    pub fn level(&self) -> Level {
        self.level
    }
    /// The action the policy asks for at this level.
    pub fn action(&self) -> Action {
        self.action
    }
    /// Findings, strongest first.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
    /// Whether a finding of rule `id` is present.
    pub fn has(&self, id: &str) -> bool {
        self.findings.iter().any(|f| f.id() == id)
    }
    /// Identifying fields of the scored message (absent for event verdicts).
    pub fn message(&self) -> Option<&MessageSummary> {
        self.message.as_ref()
    }
    /// Identifying fields of the scored event (absent for message verdicts).
    pub fn event(&self) -> Option<&EventSummary> {
        self.event.as_ref()
    }
}

/// `100 × (1 − Π(1 − wᵢ))`, rounded.
fn noisy_or(weights: impl Iterator<Item = f64>) -> u8 {
    let keep: f64 = weights.map(|w| 1.0 - w.clamp(0.0, 1.0)).product();
    // The product is in [0, 1], so the result is in [0, 100] and the cast cannot truncate.
    ((1.0 - keep) * 100.0).round() as u8
}

/// Per-rule settings resolved from the policy: whether the rule is on, and its weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuleSetting {
    pub(crate) enabled: bool,
    pub(crate) weight: f64,
}

/// Collects findings from detectors, applying the policy's per-rule settings.
pub(crate) struct Findings<'a> {
    settings: &'a rustc_hash::FxHashMap<&'static str, RuleSetting>,
    list: Vec<Finding>,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(settings: &'a rustc_hash::FxHashMap<&'static str, RuleSetting>) -> Self {
        Findings {
            settings,
            list: Vec::new(),
        }
    }

    /// Records a finding of `rule` at `strength` (0..=1, a fraction of the rule's weight).
    pub(crate) fn add(&mut self, rule: &'static Rule, strength: f64, evidence: Evidence) {
        let setting = self
            .settings
            .get(rule.id())
            .copied()
            .unwrap_or(RuleSetting {
                enabled: true,
                weight: rule.default_weight(),
            });
        debug_assert!(
            evidence
                .iter()
                .all(|(k, _)| rule.evidence_keys().iter().any(|(d, _)| *d == k)),
            "{} emitted evidence keys not declared in the catalogue",
            rule.id()
        );
        if setting.enabled {
            self.list
                .push(Finding::new(rule, setting.weight * strength, evidence));
        }
    }

    /// The findings with the discounts applied and the composites they satisfy added, and the
    /// level the composites
    /// raise the verdict to (`Level::None` when none matched).
    pub(crate) fn finish(mut self) -> (Vec<Finding>, Level) {
        if self.list.is_empty() {
            return (self.list, Level::None);
        }
        composite::discount(&mut self.list);
        composite::cap(&mut self.list);
        let mut floor = Level::None;
        for (c, evidence) in composite::matches(&self.list) {
            let before = self.list.len();
            self.add(c.rule, 1.0, evidence);
            if self.list.len() > before {
                floor = floor.max(c.raises_to);
            }
        }
        (self.list, floor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noisy_or_combines_weights() {
        assert_eq!(noisy_or([].into_iter()), 0);
        assert_eq!(noisy_or([0.5].into_iter()), 50);
        assert_eq!(noisy_or([0.5, 0.5].into_iter()), 75);
        assert_eq!(noisy_or([1.0, 0.1].into_iter()), 100);
        assert_eq!(noisy_or([2.0, -1.0].into_iter()), 100);
    }

    #[test]
    fn severity_classes_follow_weight() {
        assert_eq!(Severity::from_weight(0.0), Severity::Info);
        assert_eq!(Severity::from_weight(0.2), Severity::Low);
        assert_eq!(Severity::from_weight(0.45), Severity::Medium);
        assert_eq!(Severity::from_weight(0.6), Severity::High);
        assert_eq!(Severity::from_weight(0.95), Severity::Critical);
    }

    #[test]
    fn names_are_the_json_names() {
        let json = |v: &dyn erased::Named| v.json();
        for s in [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            assert_eq!(json(&s), s.as_str());
        }
        for l in [
            Level::None,
            Level::Low,
            Level::Medium,
            Level::High,
            Level::Critical,
        ] {
            assert_eq!(json(&l), l.as_str());
        }
        for a in [
            Action::Accept,
            Action::Tag,
            Action::Warn,
            Action::Quarantine,
            Action::Reject,
        ] {
            assert_eq!(json(&a), a.as_str());
        }
    }

    mod erased {
        pub(super) trait Named {
            fn json(&self) -> String;
        }
        impl<T: serde::Serialize> Named for T {
            fn json(&self) -> String {
                serde_json::to_value(self)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            }
        }
    }

    #[test]
    fn lang_parses() {
        assert_eq!("ZH".parse::<Lang>(), Ok(Lang::Zh));
        assert!("fr".parse::<Lang>().is_err());
    }
}
