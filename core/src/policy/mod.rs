//! The policy: everything an organisation tells mailrisk about itself — its domains, partners,
//! people, vendors and their bank accounts, trusted authentication services, allow-lists, scoring
//! thresholds and weights, resource limits and the report language.
//!
//! A policy is plain data (serde), loaded from TOML or JSON. Every section has a default, so an
//! empty document is a valid policy and [`Policy::default()`] works with no configuration; the
//! defaults are printed, with comments, by [`Policy::default_toml()`]. Unknown keys are errors,
//! and validation names the path of every problem (`people[3].addresses[0]: ...`).

mod validate;

use std::collections::BTreeMap;

use ipnetwork::IpNetwork;
use serde::{Deserialize, Serialize};

mod events;

pub use crate::domain::brands::BrandCategory;
use crate::vocab::{Action, Lang, Level};
pub use events::{EventMapping, Events, WorkHours, MAPPING_OUTCOMES, MAPPING_PROTOCOLS};
pub(crate) use events::{ATTACK_AGENTS, RELAY_ASNS};

/// The commented TOML rendering of the default policy.
const DEFAULT_TOML: &str = include_str!("default.toml");

/// A complete policy. Build it with [`Policy::from_toml_str`], [`Policy::from_json_str`] or
/// [`Policy::default`], then compile it into an [`Engine`](crate::Engine).
///
/// ```
/// let policy = mailrisk::Policy::from_toml_str(r#"
///     [organisation]
///     name = "Acme Trade Co."
///     domains = ["acme-trade.com"]
///
///     [[people]]
///     name = "Li Wei"
///     role = "executive"
///     addresses = ["li.wei@acme-trade.com"]
/// "#)?;
/// assert_eq!(policy.organisation.domains, ["acme-trade.com"]);
/// # Ok::<(), mailrisk::PolicyError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Policy {
    /// The organisation being protected.
    pub organisation: Organisation,
    /// Customers, suppliers and other partners, with their domains.
    pub partners: Vec<Partner>,
    /// People whose names attackers may impersonate.
    pub people: Vec<Person>,
    /// Vendors with their known bank accounts.
    pub vendors: Vec<Vendor>,
    /// Authentication settings.
    pub auth: Auth,
    /// Allow-lists.
    pub allow: Allow,
    /// Domain lists (freemail providers, notification senders).
    pub lists: Lists,
    /// Thresholds, actions and per-rule weights.
    pub scoring: Scoring,
    /// Resource limits for hostile input.
    pub limits: Limits,
    /// Extra phrases for the content rules, by category (`bank_change`, `secrecy`, …, the
    /// tables of `core/data/lexicon.toml`): added to the built-in phrases.
    pub lexicon: BTreeMap<String, Vec<String>>,
    /// Rules for outgoing mail.
    pub outbound: Outbound,
    /// Default language of reports.
    pub language: Lang,
    /// Login and mailbox event detectors.
    pub events: Events,
}

/// The organisation being protected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Organisation {
    /// Display name, e.g. "Acme Trade Co.".
    pub name: String,
    /// The organisation's own mail domains.
    pub domains: Vec<String>,
    /// Networks (CIDR) whose mail counts as coming from inside.
    pub internal_networks: Vec<IpNetwork>,
}

/// The kind of relationship with a partner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum PartnerKind {
    /// Buys from the organisation.
    Customer,
    /// Sells to the organisation.
    Supplier,
    /// Any other relationship.
    #[default]
    Partner,
}

/// A customer, supplier or other partner.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Partner {
    /// Company name.
    pub name: String,
    /// Relationship.
    pub kind: PartnerKind,
    /// The partner's mail domains.
    pub domains: Vec<String>,
}

/// A person's role; executives and finance staff are the usual BEC targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Role {
    /// Owner, director, CEO, general manager.
    Executive,
    /// Finance, accounting, payments.
    Finance,
    /// Everyone else.
    #[default]
    Staff,
}

/// A protected person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Person {
    /// Full name as usually written, e.g. "Li Wei" or "李伟".
    pub name: String,
    /// Other spellings: English names, pinyin, initials.
    pub aliases: Vec<String>,
    /// The person's genuine e-mail addresses.
    pub addresses: Vec<String>,
    /// Role.
    pub role: Role,
}

/// A vendor whose bank details are on record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Vendor {
    /// Company name.
    pub name: String,
    /// The vendor's mail domains.
    pub domains: Vec<String>,
    /// Bank accounts known to belong to the vendor.
    pub accounts: Vec<BankAccount>,
}

/// A bank account on record. At least one of `iban` and `account` is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BankAccount {
    /// International Bank Account Number.
    pub iban: Option<String>,
    /// Domestic account number.
    pub account: Option<String>,
    /// SWIFT/BIC code of the bank.
    pub swift: Option<String>,
    /// Bank name.
    pub bank: Option<String>,
    /// Account holder (beneficiary) name.
    pub holder: Option<String>,
}

/// Authentication settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Auth {
    /// authserv-ids of `Authentication-Results` headers written by the organisation's own MTAs.
    pub trusted_authserv_ids: Vec<String>,
    /// Domains whose ARC seals are trusted (the `d=` of the newest `ARC-Seal`): forwarders and
    /// mailing-list hosts the organisation receives through, e.g. `google.com`. A message whose
    /// ARC chain validates (`arc=pass`) and was last sealed by one of them keeps 30 % of its
    /// SPF, DKIM and DMARC failures.
    pub trusted_arc_sealers: Vec<String>,
}

/// Rules for outgoing mail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Outbound {
    /// The finance department's mailboxes. When set, a proforma invoice or payment instruction
    /// sent outside must copy one of them (`outbound.pi_without_finance`).
    pub finance_mailboxes: Vec<String>,
}

/// Allow-lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Allow {
    /// Reply-To domains that are not reported (help desks, ticket systems you use).
    pub reply_to_domains: Vec<String>,
    /// Domains never reported as lookalikes of a protected domain: your own sister companies,
    /// a partner's second domain that resembles the first.
    pub lookalike_domains: Vec<String>,
}

/// Domain lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Lists {
    /// Use the built-in list of free-mail providers (gmail.com, qq.com, 163.com, ...).
    pub builtin_freemail: bool,
    /// Extra free-mail domains.
    pub freemail: Vec<String>,
    /// Addresses (or `@domain`) of notification services that show a user's address in the
    /// display name (calendar invitations, document shares).
    pub notification_senders: Vec<String>,
    /// Categories of the built-in brand list to protect against lookalike domains and brand
    /// names in display names. All of them by default.
    pub builtin_brands: Vec<BrandCategory>,
    /// Built-in brands to leave out by name (as `mailrisk policy default` lists them under
    /// the brand file, e.g. "Amazon"), for a brand the organisation works with under other
    /// domains.
    pub disabled_brands: Vec<String>,
    /// Extra domains to protect against lookalikes (customers or suppliers not listed under
    /// `partners`).
    pub protected_domains: Vec<String>,
}

impl Default for Lists {
    fn default() -> Self {
        Lists {
            builtin_freemail: true,
            freemail: Vec::new(),
            notification_senders: [
                "calendar-notification@google.com",
                "drive-shares-dm-noreply@google.com",
                "drive-shares-noreply@google.com",
                "comments-noreply@docs.google.com",
                "notifications@github.com",
                "noreply@github.com",
            ]
            .map(String::from)
            .to_vec(),
            builtin_brands: BrandCategory::ALL.to_vec(),
            disabled_brands: Vec::new(),
            protected_domains: Vec::new(),
        }
    }
}

/// Thresholds, actions and per-rule overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Scoring {
    /// Score thresholds of the levels.
    pub thresholds: Thresholds,
    /// Action per level.
    pub actions: Actions,
    /// Per-rule overrides, keyed by rule id.
    pub rules: BTreeMap<String, RuleOverride>,
}

/// Minimum scores of each level; must increase strictly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Thresholds {
    /// Minimum score of `low`.
    pub low: u8,
    /// Minimum score of `medium`.
    pub medium: u8,
    /// Minimum score of `high`.
    pub high: u8,
    /// Minimum score of `critical`.
    pub critical: u8,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            low: 15,
            medium: 35,
            high: 60,
            critical: 85,
        }
    }
}

impl Thresholds {
    /// The level of `score`.
    pub fn level(&self, score: u8) -> Level {
        match score {
            s if s >= self.critical => Level::Critical,
            s if s >= self.high => Level::High,
            s if s >= self.medium => Level::Medium,
            s if s >= self.low => Level::Low,
            _ => Level::None,
        }
    }

    /// The lowest score of `level`.
    pub fn min_score(&self, level: Level) -> u8 {
        match level {
            Level::Critical => self.critical,
            Level::High => self.high,
            Level::Medium => self.medium,
            Level::Low => self.low,
            Level::None => 0,
        }
    }
}

/// The action for each level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Actions {
    /// Action below every threshold.
    pub none: Action,
    /// Action at `low`.
    pub low: Action,
    /// Action at `medium`.
    pub medium: Action,
    /// Action at `high`.
    pub high: Action,
    /// Action at `critical`.
    pub critical: Action,
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            none: Action::Accept,
            low: Action::Tag,
            medium: Action::Warn,
            high: Action::Quarantine,
            critical: Action::Quarantine,
        }
    }
}

impl Actions {
    /// The action for `level`.
    pub fn for_level(&self, level: Level) -> Action {
        match level {
            Level::None => self.none,
            Level::Low => self.low,
            Level::Medium => self.medium,
            Level::High => self.high,
            Level::Critical => self.critical,
        }
    }
}

/// Overrides for one rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleOverride {
    /// Set to `false` to switch the rule off.
    pub enabled: Option<bool>,
    /// The weight at full strength, in `[0, 1]`.
    pub weight: Option<f64>,
}

/// Resource limits. Exceeding one yields a `message.limit_exceeded` finding and a verdict on
/// what was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of a message that are read; the rest is ignored. Default 50 MiB.
    pub max_message_bytes: usize,
    /// Nesting depth of multiparts and attached messages. Default 20.
    pub max_mime_depth: usize,
    /// MIME parts analysed. Default 500.
    pub max_parts: usize,
    /// Header fields read. Default 1000.
    pub max_headers: usize,
    /// URLs collected. Default 1000.
    pub max_urls: usize,
    /// Bytes of decoded text analysed. Default 2 MiB.
    pub max_text_bytes: usize,
    /// Bytes of quoted history (the text after the first reply header such as "On … wrote:")
    /// that the content rules read; the message's own new text is always read in full. Earlier
    /// messages of a thread were scored when they arrived. Default 8 KiB.
    pub max_quoted_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 50 * 1024 * 1024,
            max_mime_depth: 20,
            max_parts: 500,
            max_headers: 1000,
            max_urls: 1000,
            max_text_bytes: 2 * 1024 * 1024,
            max_quoted_text_bytes: 8 * 1024,
        }
    }
}

/// One problem found while validating a policy, with the path of the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyIssue {
    /// Where the problem is, e.g. `people[3].addresses[0]`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for PolicyIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a policy could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The document is not valid TOML/JSON, or does not fit the policy's shape (unknown key,
    /// wrong type).
    #[error("{format} policy{}: {path}: {message}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Syntax {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// The path of the value that did not fit, or `.` for the document.
        path: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The document parsed but some values are not acceptable.
    #[error("invalid policy: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<PolicyIssue>),
}

impl Policy {
    /// Parses and validates a TOML policy.
    ///
    /// # Errors
    /// [`PolicyError::Syntax`] with the path and line of a value that does not fit (including
    /// unknown keys); [`PolicyError::Invalid`] listing every value that fails validation.
    ///
    /// ```
    /// let err = mailrisk::Policy::from_toml_str("[[people]]\nname = \"Bob\"\naddresses = [\"bob@\"]\n")
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("people[0].addresses[0]"));
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        let syntax = |path: String, message: String, span: Option<std::ops::Range<usize>>| {
            PolicyError::Syntax {
                format: "TOML",
                path,
                line: span.map(|s| line_of(text, s.start)),
                message,
            }
        };
        let de = toml::Deserializer::parse(text)
            .map_err(|e| syntax(".".into(), e.message().to_string(), e.span()))?;
        let policy: Policy = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            syntax(path, inner.message().to_string(), inner.span())
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// Parses and validates a JSON policy (same shape as TOML).
    ///
    /// # Errors
    /// As [`Policy::from_toml_str`].
    pub fn from_json_str(text: &str) -> Result<Policy, PolicyError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let policy: Policy = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            PolicyError::Syntax {
                format: "JSON",
                path,
                line: Some(inner.line()),
                message: inner.to_string(),
            }
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// Checks every value; see [`PolicyError::Invalid`].
    ///
    /// # Errors
    /// [`PolicyError::Invalid`] listing every problem with its path.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let issues = validate::check(self);
        if issues.is_empty() {
            Ok(())
        } else {
            Err(PolicyError::Invalid(issues))
        }
    }

    /// The default policy as commented TOML, a starting point for a real one.
    pub fn default_toml() -> &'static str {
        DEFAULT_TOML
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commented_default_toml_is_the_default_policy() {
        let parsed = Policy::from_toml_str(DEFAULT_TOML).expect("default.toml parses");
        assert_eq!(parsed, Policy::default());
    }

    #[test]
    fn empty_documents_are_the_default_policy() {
        assert_eq!(Policy::from_toml_str("").ok(), Some(Policy::default()));
        assert_eq!(Policy::from_json_str("{}").ok(), Some(Policy::default()));
    }

    #[test]
    fn unknown_keys_are_errors_with_their_path() {
        let err = Policy::from_toml_str("[organisation]\ndomain = [\"a.com\"]\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("organisation"), "{text}");
        assert!(text.contains("domain"), "{text}");
        assert!(text.contains("line 2"), "{text}");

        let err = Policy::from_json_str(r#"{"people": [{"name": "A", "rol": "x"}]}"#).unwrap_err();
        assert!(err.to_string().contains("people[0]"), "{err}");
    }

    #[test]
    fn wrong_types_and_bad_cidrs_name_the_path() {
        let err = Policy::from_toml_str("[limits]\nmax_parts = \"many\"\n").unwrap_err();
        assert!(err.to_string().contains("limits.max_parts"), "{err}");
        let err = Policy::from_toml_str("[organisation]\ninternal_networks = [\"10.0.0.0/99\"]\n")
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("organisation.internal_networks[0]"),
            "{err}"
        );
    }

    #[test]
    fn syntax_errors_report_the_line() {
        let err = Policy::from_toml_str("[organisation]\nname = \n").unwrap_err();
        match err {
            PolicyError::Syntax { line, .. } => assert_eq!(line, Some(2)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn thresholds_map_scores_to_levels() {
        let t = Thresholds::default();
        assert_eq!(t.level(0), Level::None);
        assert_eq!(t.level(15), Level::Low);
        assert_eq!(t.level(59), Level::Medium);
        assert_eq!(t.level(60), Level::High);
        assert_eq!(t.level(100), Level::Critical);
    }
}
