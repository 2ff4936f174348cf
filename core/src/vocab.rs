//! The shared vocabulary of verdicts and policies: explanation languages, finding severities,
//! verdict levels and actions. It sits below both `policy/` (thresholds and action tables
//! name levels and actions) and `verdict/` (which computes them), so neither imports the other
//! for it.

use serde::{Deserialize, Serialize};

/// The language of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Chinese (simplified).
    Zh,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" => Ok(Lang::Zh),
            other => Err(format!("unknown language {other:?} (expected en or zh)")),
        }
    }
}

/// How strong a single finding is. Derived from its weight:
/// info < 0.2 ≤ low < 0.4 ≤ medium < 0.6 ≤ high < 0.8 ≤ critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context worth recording; not a risk on its own.
    Info,
    /// A weak signal.
    Low,
    /// A signal worth a look.
    Medium,
    /// A strong signal of impersonation or abuse.
    High,
    /// Near-certain abuse.
    Critical,
}

impl Severity {
    /// The severity class of a weight.
    pub fn from_weight(w: f64) -> Severity {
        match w {
            w if w >= 0.8 => Severity::Critical,
            w if w >= 0.6 => Severity::High,
            w if w >= 0.4 => Severity::Medium,
            w if w >= 0.2 => Severity::Low,
            _ => Severity::Info,
        }
    }
}

/// The overall risk level of a verdict, from the score and the policy thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Below every threshold.
    None,
    /// At or above the `low` threshold.
    Low,
    /// At or above the `medium` threshold.
    Medium,
    /// At or above the `high` threshold.
    High,
    /// At or above the `critical` threshold.
    Critical,
}

/// What the host should do with the message, per the policy's action table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Deliver normally.
    Accept,
    /// Deliver with headers (`X-Mailrisk-Score`, `X-Mailrisk-Findings`).
    Tag,
    /// Deliver with a visible warning to the reader.
    Warn,
    /// Hold for review.
    Quarantine,
    /// Refuse the message.
    Reject,
}

/// The lowercase names used in JSON (`"high"`, `"quarantine"`), for reports that print them.
macro_rules! names {
    ($ty:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The name used in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(<$ty>::$variant => $name),+
                }
            }
        }
    };
}
names!(Severity { Info => "info", Low => "low", Medium => "medium", High => "high", Critical => "critical" });
names!(Level { None => "none", Low => "low", Medium => "medium", High => "high", Critical => "critical" });
names!(Action { Accept => "accept", Tag => "tag", Warn => "warn", Quarantine => "quarantine", Reject => "reject" });
