//! Composites: findings that only mean something together. Each is declared here as data: a
//! rule, groups of rule ids of which one each must be present, and the level the verdict is
//! raised to. The composite is recorded as a finding of its own, with the ids that triggered it.

use super::{Evidence, Finding, Level};
use crate::rules::{Rule, BEC_PAYMENT_REQUEST};

/// One composite rule.
pub(crate) struct Composite {
    pub(crate) rule: &'static Rule,
    /// `(evidence key, rule ids)`: each group needs at least one present finding.
    pub(crate) groups: &'static [(&'static str, &'static [&'static str])],
    /// The verdict is raised to at least this level.
    pub(crate) raises_to: Level,
}

/// Rules that say the sender is not who they seem.
const IMPERSONATION: &[&str] = &[
    "identity.display_name_address",
    "identity.brand_display_name",
    "sender.lookalike_domain",
    "identity.person_impersonation",
    "sender.own_domain_spoof",
    "sender.freemail_impersonation",
    "sender.first_contact",
    "sender.reply_to_mismatch",
    "auth.dmarc_fail",
    "auth.forged_results_header",
];

/// Rules that say the message moves money somewhere new.
const PAYMENT_REQUEST: &[&str] = &[
    "content.bank_detail_change",
    "banking.new_account_details",
    "banking.vendor_account_changed",
    "content.gift_cards",
];

/// Every composite, in the order they are evaluated.
pub(crate) static COMPOSITES: &[Composite] = &[Composite {
    rule: &BEC_PAYMENT_REQUEST,
    groups: &[
        ("impersonation", IMPERSONATION),
        ("request", PAYMENT_REQUEST),
    ],
    raises_to: Level::Critical,
}];

/// A discount: when a finding of `when` is present, the findings of `lowers` keep `factor` of
/// their weight (rspamd's `remove_weight`, in the other direction).
pub(crate) struct Discount {
    pub(crate) when: &'static str,
    pub(crate) lowers: &'static [&'static str],
    pub(crate) factor: f64,
}

/// Every discount. Only impersonation signals are discounted: a partner's authenticated
/// mailbox can itself be stolen, so what the message asks for (bank changes, new accounts)
/// keeps its full weight.
pub(crate) static DISCOUNTS: &[Discount] = &[Discount {
    when: "auth.partner_authenticated",
    lowers: &[
        "sender.reply_to_mismatch",
        "identity.display_name_address",
        "identity.unusual_characters",
        "sender.first_contact",
    ],
    factor: 0.5,
}];

/// Applies the discounts to `findings`.
pub(crate) fn discount(findings: &mut [Finding]) {
    for d in DISCOUNTS {
        if findings.iter().any(|f| f.id() == d.when) {
            for f in findings.iter_mut().filter(|f| d.lowers.contains(&f.id())) {
                f.scale(d.factor);
            }
        }
    }
}

/// The composites `findings` satisfy: each with its evidence and the level it raises to.
pub(crate) fn matches(findings: &[Finding]) -> Vec<(&'static Composite, Evidence)> {
    let present = |id: &str| findings.iter().any(|f| f.id() == id);
    COMPOSITES
        .iter()
        .filter_map(|c| {
            let mut evidence = Evidence::new();
            for (key, ids) in c.groups {
                let hit: Vec<&str> = ids.iter().copied().filter(|id| present(id)).collect();
                if hit.is_empty() {
                    return None;
                }
                evidence = evidence.with(key, hit.join(","));
            }
            Some((c, evidence))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounts_name_catalogued_rules() {
        for d in DISCOUNTS {
            assert!(crate::rules::rule(d.when).is_some(), "{}", d.when);
            for id in d.lowers {
                assert!(crate::rules::rule(id).is_some(), "{id}");
            }
            assert!((0.0..1.0).contains(&d.factor));
        }
    }

    #[test]
    fn composites_name_catalogued_rules_of_their_own_family() {
        for c in COMPOSITES {
            assert!(c.rule.id().starts_with("composite."));
            for (key, ids) in c.groups {
                assert!(c.rule.evidence_keys().iter().any(|(k, _)| k == key));
                for id in *ids {
                    let r = crate::rules::rule(id).unwrap_or_else(|| panic!("{id}"));
                    assert_ne!(r.family(), crate::Family::Composite, "{id}");
                }
            }
        }
    }
}
