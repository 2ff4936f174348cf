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
    "content.bec_request",
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

/// A cap: the findings of `rules` together weigh at most `max` (their noisy-or), each scaled
/// by the same factor when they would weigh more.
pub(crate) struct Cap {
    pub(crate) rules: &'static [&'static str],
    pub(crate) max: f64,
}

/// Every cap. The phrase-level content rules each quote one thing a message says; read
/// together they are `content.bec_request`'s features, and that rule (fitted on real
/// requests and hard negatives) decides whether they add up to a request. On their own they
/// stay low, however many of them fire, so that genuine mail about payments, bank details and
/// deadlines is not raised by counting the same words twice.
pub(crate) static CAPS: &[Cap] = &[Cap {
    rules: &[
        "content.bank_detail_change",
        "content.payment_urgency",
        "content.secrecy",
        "content.authority",
        "content.gift_cards",
        "content.phone_harvesting",
    ],
    max: 0.3,
}];

/// Applies the caps to `findings`.
pub(crate) fn cap(findings: &mut [Finding]) {
    for c in CAPS {
        let combined = |f: f64, findings: &[Finding]| {
            1.0 - findings
                .iter()
                .filter(|x| c.rules.contains(&x.id()))
                .map(|x| 1.0 - x.weight() * f)
                .product::<f64>()
        };
        if combined(1.0, findings) <= c.max {
            continue;
        }
        // The combined weight grows with the factor: bisect for the one that reaches `max`.
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if combined(mid, findings) > c.max {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        for f in findings.iter_mut().filter(|x| c.rules.contains(&x.id())) {
            f.scale(lo);
        }
    }
}

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
    fn caps_hold_and_name_catalogued_rules() {
        use crate::rules::{rule, BANK_DETAIL_CHANGE, BEC_REQUEST, PAYMENT_URGENCY, SECRECY};
        for c in CAPS {
            for id in c.rules {
                assert!(rule(id).is_some(), "{id}");
            }
        }
        let mut list = vec![
            Finding::new(&BANK_DETAIL_CHANGE, 0.55, Evidence::new()),
            Finding::new(&PAYMENT_URGENCY, 0.25, Evidence::new()),
            Finding::new(&SECRECY, 0.3, Evidence::new()),
            Finding::new(&BEC_REQUEST, 0.5, Evidence::new()),
        ];
        cap(&mut list);
        let capped = 1.0 - list[..3].iter().map(|f| 1.0 - f.weight()).product::<f64>();
        assert!((capped - 0.3).abs() < 1e-6, "{capped}");
        // Their order is kept, and the request model's own finding is not capped.
        assert!(list[0].weight() > list[2].weight() && list[2].weight() > list[1].weight());
        assert_eq!(list[3].weight(), 0.5);
        // Under the cap nothing changes.
        let mut one = vec![Finding::new(&PAYMENT_URGENCY, 0.25, Evidence::new())];
        cap(&mut one);
        assert_eq!(one[0].weight(), 0.25);
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
