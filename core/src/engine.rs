//! The engine: a policy compiled once into lookup structures, then shared by all threads to
//! score messages.

use std::collections::HashMap;

use crate::context::MessageContext;
use crate::domain::DomainSet;
use crate::policy::{Policy, PolicyError};
use crate::verdict::{Findings, MessageSummary, RuleSetting, Verdict};
use crate::{detect, message, rules};

/// A compiled policy. Build it once, share it (`Engine` is `Send + Sync`), and score messages
/// with [`Engine::score_message`].
///
/// ```
/// use mailrisk::{Engine, Level, MessageContext};
/// let engine = Engine::default();
/// let raw = b"From: Anna <anna@supplier.example>\r\n\
///             Reply-To: anna.supplier@gmail.com\r\n\
///             To: ap@acme-trade.com\r\n\
///             Subject: New bank details\r\n\r\nPlease update our account.\r\n";
/// let verdict = engine.score_message(raw, &MessageContext::inbound());
/// assert!(verdict.has("sender.reply_to_mismatch"));
/// assert!(verdict.level() >= Level::Medium);
/// ```
#[derive(Debug)]
pub struct Engine {
    pub(crate) policy: Policy,
    pub(crate) settings: HashMap<&'static str, RuleSetting>,
    pub(crate) own_domains: DomainSet,
    pub(crate) freemail: DomainSet,
    pub(crate) reply_to_allow: DomainSet,
    pub(crate) notification_senders: Vec<String>,
    parser: message::Parser,
}

impl Default for Engine {
    /// The engine of the built-in default policy.
    fn default() -> Self {
        Self::compile(Policy::default())
    }
}

impl Engine {
    /// Validates and compiles `policy`.
    ///
    /// # Errors
    /// [`PolicyError::Invalid`] when the policy fails validation (a policy built in code rather
    /// than parsed has not been validated yet).
    pub fn new(policy: Policy) -> Result<Engine, PolicyError> {
        policy.validate()?;
        Ok(Self::compile(policy))
    }

    fn compile(policy: Policy) -> Engine {
        let settings = rules::rules()
            .iter()
            .map(|r| {
                let o = policy
                    .scoring
                    .rules
                    .get(r.id())
                    .copied()
                    .unwrap_or_default();
                let setting = RuleSetting {
                    enabled: o.enabled.unwrap_or(true),
                    weight: o.weight.unwrap_or(r.default_weight()),
                };
                (r.id(), setting)
            })
            .collect();
        Engine {
            settings,
            own_domains: DomainSet::new(policy.organisation.domains.iter().map(String::as_str)),
            freemail: DomainSet::freemail(
                policy.lists.builtin_freemail,
                policy.lists.freemail.iter().map(String::as_str),
            ),
            reply_to_allow: DomainSet::new(
                policy.allow.reply_to_domains.iter().map(String::as_str),
            ),
            notification_senders: policy
                .lists
                .notification_senders
                .iter()
                .map(|s| s.trim().to_lowercase())
                .collect(),
            parser: message::Parser::default(),
            policy,
        }
    }

    /// The policy this engine was compiled from.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Scores one raw RFC 5322 message.
    ///
    /// Never panics and never fails: malformed or oversized input yields findings
    /// (`message.malformed_from`, `message.limit_exceeded`) and a verdict on what could be read.
    pub fn score_message(&self, raw: &[u8], ctx: &MessageContext) -> Verdict {
        let view = self.parser.parse(raw, &self.policy.limits);
        let mut findings = Findings::new(&self.settings);
        detect::run(&view, self, ctx, &mut findings);
        let summary = MessageSummary {
            from: view
                .author()
                .and_then(|m| m.address.clone())
                .or_else(|| view.from.first().map(|f| f.raw.clone())),
            subject: view.subject.clone(),
            message_id: view.message_id.clone(),
        };
        Verdict::build(findings.into_vec(), &self.policy.scoring, Some(summary))
    }

    /// Whether `address` is one of the policy's notification senders (exact address or
    /// `@domain`).
    pub(crate) fn is_notification_sender(&self, address: &str) -> bool {
        let domain = crate::domain::split_address(address).map(|(_, d)| d);
        self.notification_senders
            .iter()
            .any(|s| match s.strip_prefix('@') {
                Some(d) => domain == Some(d),
                None => s == address,
            })
    }
}
