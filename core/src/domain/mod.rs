//! Domain names and addresses: normalisation, validity, the registrable domain (public-suffix
//! aware, never "the last two labels"), and compiled domain sets such as free-mail providers.
//!
//! Lookalike detection lives in [`lookalike`] (the protected-domain index) and [`skeleton`]
//! (confusable skeletons).

use std::collections::HashSet;

pub(crate) mod brands;
pub(crate) mod lookalike;
pub(crate) mod skeleton;

/// Built-in free-mail providers, one registrable domain per line.
const FREEMAIL: &str = include_str!("../../data/freemail.txt");

/// Lowercases, trims whitespace and a trailing dot.
pub(crate) fn normalize(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_lowercase()
}

/// Whether `d` (already normalised) is a syntactically valid host name with at least two labels.
pub(crate) fn is_valid_domain(d: &str) -> bool {
    if d.is_empty() || d.len() > 253 {
        return false;
    }
    let mut labels = 0;
    for label in d.split('.') {
        labels += 1;
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c == '-' || c.is_alphanumeric())
        {
            return false;
        }
    }
    labels >= 2
}

/// Splits `local@domain` at the last `@`.
pub(crate) fn split_address(addr: &str) -> Option<(&str, &str)> {
    let at = addr.rfind('@')?;
    Some((&addr[..at], &addr[at + 1..]))
}

/// Whether `addr` looks like a deliverable address: a non-empty local part without spaces and
/// a valid domain.
pub(crate) fn is_valid_address(addr: &str) -> bool {
    match split_address(addr.trim()) {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !local.chars().any(|c| c.is_whitespace() || c.is_control())
                && is_valid_domain(&normalize(domain))
        }
        None => false,
    }
}

/// The registrable domain ("organisational domain") of a normalised host name, using the Public
/// Suffix List: `mail.acme.co.uk` → `acme.co.uk`. A name that is itself a public suffix, or that
/// the list cannot split, is returned whole.
pub(crate) fn registrable(host: &str) -> &str {
    psl::domain_str(host).unwrap_or(host)
}

/// The registrable domain of an address's domain part (normalised).
pub(crate) fn address_org(addr: &str) -> Option<String> {
    let (_, d) = split_address(addr)?;
    Some(org_of(d))
}

/// The registrable domain of a host name or of an address's domain part, normalised
/// (`Mail.Example.COM.` and `bounce@mail.example.com` → `example.com`).
pub(crate) fn org_of(domain_or_address: &str) -> String {
    let domain = domain_or_address
        .rsplit('@')
        .next()
        .unwrap_or(domain_or_address);
    registrable(&normalize(domain)).to_string()
}

/// A set of registrable domains, matched on the registrable domain of the name asked about.
#[derive(Debug, Clone, Default)]
pub(crate) struct DomainSet(HashSet<String>);

impl DomainSet {
    pub(crate) fn new<'a>(domains: impl IntoIterator<Item = &'a str>) -> Self {
        DomainSet(
            domains
                .into_iter()
                .map(org_of)
                .filter(|d| !d.is_empty())
                .collect(),
        )
    }
    /// The built-in free-mail list plus `extra`.
    pub(crate) fn freemail<'a>(builtin: bool, extra: impl IntoIterator<Item = &'a str>) -> Self {
        let builtin_list = FREEMAIL
            .lines()
            .map(str::trim)
            .filter(|l| builtin && !l.is_empty() && !l.starts_with('#'));
        Self::new(builtin_list.chain(extra))
    }
    /// Whether `org`, a normalised registrable domain (as `Mailbox::org` holds), is in the set.
    pub(crate) fn contains_org(&self, org: &str) -> bool {
        self.0.contains(org)
    }

    /// Every domain of the set.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domain_follows_the_public_suffix_list() {
        assert_eq!(registrable("mail.acme.co.uk"), "acme.co.uk");
        assert_eq!(registrable("a.b.acme-trade.com"), "acme-trade.com");
        assert_eq!(registrable("shop.example.com.cn"), "example.com.cn");
        assert_eq!(registrable("user.github.io"), "user.github.io");
        assert_eq!(registrable("co.uk"), "co.uk");
    }

    #[test]
    fn validates_domains_and_addresses() {
        assert!(is_valid_domain("acme-trade.com"));
        assert!(is_valid_domain("müller.de"));
        assert!(!is_valid_domain("localhost"));
        assert!(!is_valid_domain("-a.com"));
        assert!(!is_valid_domain("a..com"));
        assert!(!is_valid_domain("a b.com"));
        assert!(is_valid_address("li.wei@acme-trade.com"));
        assert!(!is_valid_address("bob@"));
        assert!(!is_valid_address("@acme.com"));
        assert!(!is_valid_address("bob smith@acme.com"));
        assert!(!is_valid_address("no-at-sign"));
    }

    #[test]
    fn freemail_set_matches_subdomains_and_extras() {
        let set = DomainSet::freemail(true, ["Corp-Mail.example."]);
        let org = org_of;
        assert!(set.contains_org(&org("gmail.com")));
        assert!(set.contains_org(&org("QQ.com.")));
        assert!(set.contains_org(&org("vip.163.com")));
        assert!(set.contains_org("corp-mail.example"));
        assert!(!set.contains_org("acme-trade.com"));
        let none = DomainSet::freemail(false, []);
        assert!(!none.contains_org("gmail.com"));
    }
}
