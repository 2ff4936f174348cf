//! The policy compiled once into what every detector reads: rule settings, domain sets, the
//! lookalike index, people and company names, partner and vendor maps, notification senders,
//! the phrase lexicon. It sits below both detector families: message detectors (`detect/`,
//! `auth/`) and event detectors read a `&Compiled`, and the `Engine` (messages) and the
//! `Monitor` (events) on top own one. Nothing here imports the engine or a detector.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::domain::lookalike::{
    InvalidDomain, Lookalike, LookalikeIndex, ProtectedSource, ProtectedSpec,
};
use crate::domain::{brands, DomainSet};
use crate::lexicon::Lexicon;
use crate::names::{Companies, People};
use crate::policy::Policy;
use crate::rules;
use crate::verdict::RuleSetting;

/// A validated policy compiled into lookup structures. Immutable; built once per engine.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) policy: Policy,
    /// Rule id → its setting (the keys are the catalogue's own ids, so a fast hasher).
    pub(crate) settings: rustc_hash::FxHashMap<&'static str, RuleSetting>,
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
    /// User-agent fragments of attack tools: built in plus `events.attack_user_agents`.
    pub(crate) attack_agents: AgentMatcher,
    /// `events.work_hours.utc_offset` in minutes (validated, so present).
    pub(crate) work_offset_minutes: Option<i32>,
}

/// One automaton over the attack-tool user-agent fragments, matched without regard to case
/// (ASCII case in the automaton; a user agent with other letters is lowercased first).
#[derive(Debug)]
pub(crate) struct AgentMatcher {
    ac: Option<AhoCorasick>,
    fragments: Vec<String>,
}

impl AgentMatcher {
    fn new(extra: &[String]) -> AgentMatcher {
        let mut fragments: Vec<String> = crate::policy::ATTACK_AGENTS
            .iter()
            .map(|f| f.to_string())
            .chain(extra.iter().map(|f| f.trim().to_lowercase()))
            .filter(|f| !f.is_empty())
            .collect();
        fragments.dedup();
        // A DFA: a few dozen short fragments, searched in every login's user agent.
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&fragments)
            .or_else(|_| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&fragments)
            })
            .ok();
        AgentMatcher { ac, fragments }
    }

    /// The first fragment found in `user_agent`, if any.
    pub(crate) fn find(&self, user_agent: &str) -> Option<&str> {
        let ac = self.ac.as_ref()?;
        let m = if user_agent.is_ascii() {
            ac.find(user_agent)
        } else {
            ac.find(&user_agent.to_lowercase())
        }?;
        self.fragments
            .get(m.pattern().as_usize())
            .map(String::as_str)
    }
}

impl Compiled {
    /// Compiles a policy that has been validated.
    pub(crate) fn new(policy: Policy) -> Compiled {
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
        // Free-mail providers are well-known legitimate domains, never lookalikes of a brand
        // or of each other (yahoo.com.hk is not an imitation of yahoo.com).
        let lookalikes = LookalikeIndex::new(
            protected_specs(&policy, &freemail),
            policy
                .allow
                .lookalike_domains
                .iter()
                .map(String::as_str)
                .chain(freemail.iter()),
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
        Compiled {
            attack_agents: AgentMatcher::new(&policy.events.attack_user_agents),
            work_offset_minutes: policy.events.work_hours.offset_minutes(),
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
            policy,
        }
    }

    /// Checks whether `domain` imitates a protected domain (see `Engine::check_domain`).
    pub(crate) fn check_domain(&self, domain: &str) -> Result<Option<Lookalike>, InvalidDomain> {
        self.lookalikes.check(domain)
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
