//! A single finding: which rule fired, how strongly, and the evidence.

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::explain;
use super::{Lang, Severity};
use crate::rules::Rule;

/// Structured evidence of a finding: ordered key/value pairs (e.g. `shown`, `from`).
///
/// Serialised as a JSON object in insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence(Vec<(&'static str, String)>);

impl Evidence {
    /// Empty evidence.
    pub fn new() -> Self {
        Evidence(Vec::new())
    }
    /// Adds a key/value pair (builder style).
    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.0.push((key, value.into()));
        self
    }
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
    /// All pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }
    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there is no evidence.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One thing mailrisk found, with its rule, weight and evidence.
#[derive(Debug, Clone)]
pub struct Finding {
    rule: &'static Rule,
    weight: f64,
    evidence: Evidence,
}

impl Finding {
    /// Multiplies the weight by `factor` (a discount from `verdict::composite`).
    pub(crate) fn scale(&mut self, factor: f64) {
        self.weight *= factor;
    }

    pub(crate) fn new(rule: &'static Rule, weight: f64, evidence: Evidence) -> Self {
        Finding {
            rule,
            weight: weight.clamp(0.0, 1.0),
            evidence,
        }
    }
    /// The catalogue entry of the rule that fired.
    pub fn rule(&self) -> &'static Rule {
        self.rule
    }
    /// The rule id, e.g. `sender.reply_to_mismatch`.
    pub fn id(&self) -> &'static str {
        self.rule.id()
    }
    /// The finding's weight in `[0, 1]` under the policy.
    pub fn weight(&self) -> f64 {
        self.weight
    }
    /// The severity class of the weight.
    pub fn severity(&self) -> Severity {
        Severity::from_weight(self.weight)
    }
    /// The structured evidence.
    pub fn evidence(&self) -> &Evidence {
        &self.evidence
    }
    /// A one-sentence explanation for a reader, in `lang`.
    ///
    /// ```
    /// # use mailrisk::{Engine, Lang, MessageContext};
    /// let raw = b"From: \"ceo@acme-trade.com\" <boss@mailbox.example>\r\nTo: ap@acme-trade.com\r\nSubject: hi\r\n\r\nhello\r\n";
    /// let verdict = Engine::default().score_message(raw, &MessageContext::inbound());
    /// let finding = &verdict.findings()[0];
    /// assert!(finding.explain(Lang::En).contains("ceo@acme-trade.com"));
    /// assert!(finding.explain(Lang::Zh).contains("显示名称"));
    /// ```
    pub fn explain(&self, lang: Lang) -> String {
        explain::render(self.rule.template(lang), &self.evidence, lang)
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Explanation<'a>(&'a Finding);
        impl Serialize for Explanation<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(2))?;
                map.serialize_entry("en", &self.0.explain(Lang::En))?;
                map.serialize_entry("zh", &self.0.explain(Lang::Zh))?;
                map.end()
            }
        }
        let mut st = s.serialize_struct("Finding", 5)?;
        st.serialize_field("rule", self.id())?;
        st.serialize_field("severity", &self.severity())?;
        st.serialize_field("weight", &((self.weight * 1000.0).round() / 1000.0))?;
        st.serialize_field("evidence", &self.evidence)?;
        st.serialize_field("explanation", &Explanation(self))?;
        st.end()
    }
}
