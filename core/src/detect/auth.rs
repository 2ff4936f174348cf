//! `auth.*` rules: what the organisation's own server reported about the sender's
//! authentication (see [`crate::auth`]).

use crate::auth::Authentication;
use crate::compiled::Compiled;
use crate::domain::org_of;
use crate::message::MessageView;
use crate::rules::{
    AUTH_NONE, DKIM_FAIL, DMARC_FAIL, FORGED_RESULTS_HEADER, PARTNER_AUTHENTICATED, SPF_FAIL,
};
use crate::verdict::{Evidence, Findings};

/// Failures of SPF and DMARC on list or forwarded mail keep this share.
const SOFTENED: f64 = 0.3;

pub(crate) fn check(
    view: &MessageView,
    compiled: &Compiled,
    auth: &Authentication,
    out: &mut Findings<'_>,
) {
    let trusted_sealers = &compiled.policy.auth.trusted_arc_sealers;
    if let Some((id, position)) = auth.forged.first() {
        out.add(
            &FORGED_RESULTS_HEADER,
            1.0,
            Evidence::new()
                .with("authserv_id", id.as_str())
                .with("position", position.to_string()),
        );
    }
    if !auth.has_results() {
        return;
    }
    // Mailing lists and forwarders break SPF and DKIM; a validated ARC chain (arc=pass) last
    // sealed by a sealer the policy trusts vouches for the original authentication.
    let trusted_seal = view.arc_sealer.as_deref().is_some_and(|d| {
        let org = crate::domain::registrable(d);
        trusted_sealers
            .iter()
            .any(|t| crate::domain::registrable(t) == org)
    });
    let softened = if view.list.is_list() {
        "mailing_list"
    } else if trusted_seal && auth.result("arc").is_some_and(|r| r.result == "pass") {
        "arc"
    } else {
        "no"
    };
    let soft = if softened == "no" { 1.0 } else { SOFTENED };
    let from_org = view.author().and_then(|a| a.org.as_deref());
    let aligned = from_org.is_some_and(|o| auth.aligned_pass(o));
    let partner = from_org.filter(|_| aligned).and_then(|o| {
        compiled
            .partner_by_org
            .get(o)
            .map(|name| (o, name.as_str()))
    });
    if let Some((org, partner)) = partner {
        out.add(
            &PARTNER_AUTHENTICATED,
            1.0,
            Evidence::new().with("partner", partner).with("domain", org),
        );
    }

    if let Some(r) = auth.result("dmarc").filter(|r| r.result == "fail") {
        let policy = r
            .prop("policy", "dmarc")
            .or(r.prop("", "action"))
            .or(r.prop("", "p"))
            .map(str::to_ascii_lowercase)
            .filter(|p| matches!(p.as_str(), "reject" | "quarantine" | "none"))
            .unwrap_or_else(|| "unknown".into());
        let strength = match policy.as_str() {
            "reject" | "quarantine" => 1.0,
            "none" => 0.7,
            _ => 0.85,
        };
        let domain = r
            .prop("header", "from")
            .map(org_of)
            .or(from_org.map(str::to_string))
            .unwrap_or_default();
        out.add(
            &DMARC_FAIL,
            strength * soft,
            Evidence::new()
                .with("domain", domain)
                .with("result", r.result.as_str())
                .with("softened", softened)
                .with("policy", policy),
        );
    }
    if !aligned {
        if let Some(r) = auth
            .result("spf")
            .filter(|r| matches!(r.result.as_str(), "fail" | "softfail"))
        {
            let strength = if r.result == "fail" { 1.0 } else { 0.5 };
            let domain = r.prop("smtp", "mailfrom").or(r.prop("smtp", "helo"));
            out.add(
                &SPF_FAIL,
                strength * soft,
                Evidence::new()
                    .with("domain", domain.map(org_of).unwrap_or_default())
                    .with("result", r.result.as_str())
                    .with("softened", softened),
            );
        }
    }
    let dkim: Vec<_> = auth.results("dkim").collect();
    if !dkim.is_empty() && dkim.iter().all(|r| r.result == "fail") && !aligned {
        let r = dkim[0];
        let domain = r.prop("header", "d").or(r.prop("header", "i"));
        out.add(
            &DKIM_FAIL,
            soft,
            Evidence::new()
                .with("domain", domain.map(org_of).unwrap_or_default())
                .with("result", r.result.as_str())
                .with("softened", softened)
                .with("reason", r.reason.as_deref().unwrap_or("-")),
        );
    }
    let none = |m: &str| auth.result(m).is_none_or(|r| r.result == "none");
    if none("spf") && none("dkim") && none("dmarc") {
        if let Some(h) = auth.trusted.first() {
            out.add(
                &AUTH_NONE,
                1.0,
                Evidence::new().with("authserv_id", h.authserv_id.as_str()),
            );
        }
    }
}

#[cfg(test)]
mod tests;
