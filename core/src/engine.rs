//! The engine: a policy compiled once into lookup structures, then shared by all threads to
//! score messages.

use std::collections::HashMap;
use std::sync::Arc;

use crate::context::MessageContext;
use crate::domain::lookalike::{
    InvalidDomain, Lookalike, LookalikeIndex, ProtectedSource, ProtectedSpec,
};
use crate::domain::{brands, DomainSet};
use crate::lexicon::{Lexicon, PhraseMatch};
use crate::names::{Companies, People};
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
    pub(crate) lookalikes: LookalikeIndex,
    pub(crate) people: People,
    /// Company and brand names that may appear in display names.
    pub(crate) companies: Companies,
    /// Partners' and vendors' registrable domains → the partner's or vendor's name.
    pub(crate) partner_by_org: HashMap<String, String>,
    /// Each vendor's registrable domains → the vendor's index in `policy.vendors`.
    pub(crate) vendor_by_org: HashMap<String, usize>,
    /// The phrase automaton: built-in phrases plus the policy's.
    pub(crate) lexicon: Arc<Lexicon>,
    /// `outbound.finance_mailboxes`, lowercased.
    pub(crate) finance_mailboxes: Vec<String>,
    /// `auth.trusted_authserv_ids`, trimmed and lowercased.
    pub(crate) trusted_authserv_ids: Vec<String>,
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
        let freemail = DomainSet::freemail(
            policy.lists.builtin_freemail,
            policy.lists.freemail.iter().map(String::as_str),
        );
        let lookalikes = LookalikeIndex::new(
            protected_specs(&policy, &freemail),
            policy.allow.lookalike_domains.iter().map(String::as_str),
        );
        let mut partner_by_org = HashMap::new();
        let named_domains = policy
            .partners
            .iter()
            .map(|p| (&p.name, &p.domains))
            .chain(policy.vendors.iter().map(|v| (&v.name, &v.domains)));
        for (name, domains) in named_domains {
            for d in domains {
                partner_by_org
                    .entry(crate::domain::org_of(d))
                    .or_insert_with(|| name.clone());
            }
        }
        let mut vendor_by_org = HashMap::new();
        for (i, v) in policy.vendors.iter().enumerate() {
            for d in &v.domains {
                vendor_by_org.entry(crate::domain::org_of(d)).or_insert(i);
            }
        }
        Engine {
            vendor_by_org,
            lexicon: Lexicon::for_policy(&policy.lexicon),
            trusted_authserv_ids: policy
                .auth
                .trusted_authserv_ids
                .iter()
                .map(|s| s.trim().to_lowercase())
                .collect(),
            finance_mailboxes: policy
                .outbound
                .finance_mailboxes
                .iter()
                .map(|a| a.trim().to_lowercase())
                .collect(),
            people: People::new(&policy.people),
            companies: Companies::new(&policy),
            partner_by_org,
            settings,
            own_domains: DomainSet::new(policy.organisation.domains.iter().map(String::as_str)),
            freemail,
            lookalikes,
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
    ///
    /// A panic boundary surrounds parsing and the detectors: should either ever fail on some
    /// input (a bug; or mail-parser's internal checks, which only debug builds run), the
    /// verdict keeps the findings made so far and adds `message.internal_error` naming the
    /// stage. (With `panic = "abort"` there is nothing to catch: the process ends.)
    pub fn score_message(&self, raw: &[u8], ctx: &MessageContext) -> Verdict {
        let mut findings = Findings::new(&self.settings);
        let view = guarded("parse", &mut findings, |_| {
            self.parser.parse(raw, &self.policy.limits)
        })
        .unwrap_or_default();
        // Verification reads the same bounded input as the parser.
        let bounded = raw
            .get(..self.policy.limits.max_message_bytes)
            .unwrap_or(raw);
        guarded("detect", &mut findings, |findings| {
            detect::run(bounded, &view, self, ctx, findings);
        });
        let summary = MessageSummary {
            from: view
                .author()
                .and_then(|m| m.address.clone())
                .or_else(|| view.from.first().map(|f| f.raw.clone())),
            subject: view.subject.clone(),
            message_id: view.message_id.clone(),
        };
        Verdict::build(findings.finish(), &self.policy.scoring, Some(summary))
    }

    /// Checks whether `domain` (a host name, in Unicode or punycode) imitates one of the
    /// protected domains: the organisation's, partners', vendors', protected people's, those in
    /// `lists.protected_domains` and the enabled built-in brands.
    ///
    /// Protected domains, their subdomains and `allow.lookalike_domains` never match.
    ///
    /// # Errors
    /// [`InvalidDomain`] when `domain` is not a host name.
    ///
    /// ```
    /// use mailrisk::{Engine, Policy, Technique};
    /// let engine = Engine::new(Policy::from_toml_str(r#"
    ///     [organisation]
    ///     domains = ["acme-trade.com"]
    /// "#)?)?;
    /// let m = engine.check_domain("acrne-trade.com")?.expect("a lookalike");
    /// assert_eq!(m.protected, "acme-trade.com");
    /// assert_eq!(m.technique, Technique::Homoglyph);
    /// assert!(engine.check_domain("mail.acme-trade.com")?.is_none());
    /// assert_eq!(engine.check_domain("paypa1.com")?.map(|m| m.protected), Some("paypal.com".into()));
    /// assert!(engine.check_domain("not a domain").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_domain(&self, domain: &str) -> Result<Option<Lookalike>, InvalidDomain> {
        self.lookalikes.check(domain)
    }

    /// The lexicon's phrases in `text` (built-in plus the policy's `[lexicon]`), in order, as
    /// the content rules see them: after normalisation, so obfuscated phrases are found and
    /// quoted as written. Useful to check what a policy's phrases match.
    ///
    /// ```
    /// use mailrisk::Engine;
    /// let engine = Engine::default();
    /// let found = engine.find_phrases("Our ba\u{200b}nk acc0unt has changed. Pay today before cut-off.");
    /// let change = found.iter().find(|m| m.category == "bank_change").expect("a change phrase");
    /// assert_eq!(change.text, "Our ba\u{200b}nk acc0unt has changed");
    /// assert_eq!((change.offset, change.sentence), (0, 0));
    /// let pay = found.iter().find(|m| m.category == "payment").expect("a payment word");
    /// assert_eq!((pay.text, pay.sentence), ("Pay", 1));
    /// ```
    pub fn find_phrases<'a>(&'a self, text: &'a str) -> Vec<PhraseMatch<'a>> {
        self.lexicon.find(text)
    }

    /// Whether `org` (a registrable domain) belongs to a partner or vendor.
    pub(crate) fn is_partner_org(&self, org: &str) -> bool {
        self.partner_by_org.contains_key(org)
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

/// Every domain the policy protects, in order of precedence: the organisation, partners,
/// vendors, protected people (free-mail domains excluded), `lists.protected_domains`, then the
/// enabled built-in brands.
fn protected_specs(policy: &Policy, freemail: &DomainSet) -> Vec<ProtectedSpec> {
    let spec = |d: &str, source, owner: &str| ProtectedSpec {
        domain: d.to_string(),
        source,
        owner: owner.to_string(),
    };
    let mut out = Vec::new();
    let org = &policy.organisation;
    out.extend(
        org.domains
            .iter()
            .map(|d| spec(d, ProtectedSource::Organisation, &org.name)),
    );
    for p in &policy.partners {
        out.extend(
            p.domains
                .iter()
                .map(|d| spec(d, ProtectedSource::Partner, &p.name)),
        );
    }
    for v in &policy.vendors {
        out.extend(
            v.domains
                .iter()
                .map(|d| spec(d, ProtectedSource::Vendor, &v.name)),
        );
    }
    for person in &policy.people {
        for a in &person.addresses {
            if let Some(org) = crate::domain::address_org(a) {
                if !freemail.contains_org(&org) {
                    out.push(spec(&org, ProtectedSource::Person, &person.name));
                }
            }
        }
    }
    out.extend(
        policy
            .lists
            .protected_domains
            .iter()
            .map(|d| spec(d, ProtectedSource::Listed, "")),
    );
    for b in brands::enabled(&policy.lists.builtin_brands, &policy.lists.disabled_brands) {
        out.extend(
            b.domains
                .iter()
                .map(|d| spec(d, ProtectedSource::Brand, &b.name)),
        );
    }
    out
}

/// Runs one stage of scoring inside a panic boundary. A panic becomes the finding
/// `message.internal_error` (with the stage and the panic's message) and `None`; findings
/// added before it are kept (each `Findings::add` leaves the list whole).
fn guarded<T>(
    stage: &'static str,
    findings: &mut Findings<'_>,
    f: impl FnOnce(&mut Findings<'_>) -> T,
) -> Option<T> {
    // The engine is immutable and the findings list stays consistent between pushes, so
    // nothing observes a half-done state after an unwind.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *findings))) {
        Ok(v) => Some(v),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("panic");
            let detail: String = detail.chars().take(200).collect();
            findings.add(
                &rules::INTERNAL_ERROR,
                1.0,
                crate::verdict::Evidence::new()
                    .with("stage", stage)
                    .with("detail", detail),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_stage_becomes_a_finding_and_keeps_earlier_ones() {
        let engine = Engine::default();
        let mut findings = Findings::new(&engine.settings);
        let ok = guarded("parse", &mut findings, |_| 7);
        assert_eq!(ok, Some(7));
        let failed: Option<()> = guarded("detect", &mut findings, |f| {
            f.add(
                &rules::LIMIT_EXCEEDED,
                1.0,
                crate::verdict::Evidence::new()
                    .with("limit", "parts")
                    .with("actual", "9")
                    .with("max", "8"),
            );
            let text = "İ\u{212A}";
            let _ = &text[..1]; // the class of bug issue 10 was about
        });
        assert_eq!(failed, None);
        let (list, _) = findings.finish();
        let ids: Vec<&str> = list.iter().map(|f| f.id()).collect();
        assert_eq!(ids, ["message.limit_exceeded", "message.internal_error"]);
        let internal = &list[1];
        assert_eq!(internal.evidence().get("stage"), Some("detect"));
        assert!(internal
            .evidence()
            .get("detail")
            .is_some_and(|d| d.contains("char boundary")));
        assert!(internal.explain(crate::Lang::Zh).contains("运行检测"));
    }
}
