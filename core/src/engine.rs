//! The engine: a policy compiled once into lookup structures, then shared by all threads to
//! score messages.

use std::collections::HashMap;

use crate::context::MessageContext;
use crate::domain::lookalike::{
    InvalidDomain, Lookalike, LookalikeIndex, ProtectedSource, ProtectedSpec,
};
use crate::domain::{brands, DomainSet};
use crate::names::{company_tokens, People};
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
    pub(crate) brand_names: Vec<BrandName>,
    /// Partners' and vendors' registrable domains.
    pub(crate) partner_orgs: DomainSet,
    parser: message::Parser,
}

/// A company or brand name to look for in display names, and the domains it sends from.
#[derive(Debug)]
pub(crate) struct BrandName {
    pub(crate) words: Vec<String>,
    /// The words keep the legal form (compare with [`crate::names::all_tokens`] of the display
    /// name, not [`company_tokens`]).
    pub(crate) full: bool,
    pub(crate) name: String,
    /// `organisation`, `partner`, `vendor` or `brand`.
    pub(crate) kind: &'static str,
    pub(crate) domains: DomainSet,
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
        let partner_orgs = DomainSet::new(
            policy
                .partners
                .iter()
                .flat_map(|p| &p.domains)
                .chain(policy.vendors.iter().flat_map(|v| &v.domains))
                .map(String::as_str),
        );
        Engine {
            people: People::new(&policy.people),
            brand_names: brand_names(&policy),
            partner_orgs,
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
    for b in brands::enabled(&policy.lists.builtin_brands) {
        out.extend(
            b.domains
                .iter()
                .map(|d| spec(d, ProtectedSource::Brand, &b.name)),
        );
    }
    out
}

impl BrandName {
    /// Whether display name words (`company` with legal forms dropped, `all` with every word)
    /// contain this name.
    pub(crate) fn named_in(&self, company: &[String], all: &[String]) -> bool {
        crate::names::contains_run(if self.full { all } else { company }, &self.words)
    }
}

/// The names that count as brand impersonation in a display name: the organisation's,
/// partners', vendors' and the enabled built-in brands'. Names of fewer than four letters are
/// too likely to be ordinary words and are left out; a policy company whose name is one word
/// besides its legal form must be named in full.
fn brand_names(policy: &Policy) -> Vec<BrandName> {
    let mut out = Vec::new();
    let mut add = |name: &str, kind, domains: &[String]| {
        let mut words = company_tokens(name);
        // "Müller GmbH" without its legal form is a surname: match the full name then.
        let full = words.len() < 2 && kind != "brand";
        if full {
            words = crate::names::all_tokens(name);
        }
        if words.iter().map(|w| w.chars().count()).sum::<usize>() >= 4 {
            out.push(BrandName {
                words,
                full,
                name: name.to_string(),
                kind,
                domains: DomainSet::new(domains.iter().map(String::as_str)),
            });
        }
    };
    let org = &policy.organisation;
    if !org.name.is_empty() {
        add(&org.name, "organisation", &org.domains);
    }
    for p in &policy.partners {
        add(&p.name, "partner", &p.domains);
    }
    for v in &policy.vendors {
        add(&v.name, "vendor", &v.domains);
    }
    for b in brands::enabled(&policy.lists.builtin_brands) {
        for n in &b.names {
            add(n, "brand", &b.domains);
        }
    }
    out
}
