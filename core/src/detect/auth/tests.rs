use crate::detect::testutil::{assert_explained, evidence, score_with};
use crate::MessageContext;

const POLICY: &str = r#"
    [organisation]
    name = "Acme Trade"
    domains = ["acme-trade.com"]
    internal_networks = ["10.20.0.0/16"]
    [auth]
    trusted_authserv_ids = ["mx.acme-trade.com"]
    trusted_arc_sealers = ["google.com"]
"#;

/// A message as our MX delivers it: our Received on top, then `results` (our header), then
/// the sender's own Received, then `injected` (anything the sender wrote), then the rest.
fn delivered(results: &str, injected: &str, from: &str, extra: &str) -> String {
    format!(
        "Received: from mail.sender.example (mail.sender.example [198.51.100.7])\n\tby mx.acme-trade.com (Postfix) with ESMTPS id 4F1A; Mon, 16 Nov 2026 09:00:00 +0000\n\
         {results}\
         Received: from [192.168.1.20] by mail.sender.example; Mon, 16 Nov 2026 08:59:58 +0000\n\
         {injected}\
         From: {from}\nTo: ap@acme-trade.com\nSubject: Invoice\n{extra}\nPlease see the invoice.\n"
    )
}

fn scored(raw: &str) -> crate::Verdict {
    let v = score_with(POLICY, raw, &MessageContext::inbound());
    assert_explained(&v);
    v
}

#[test]
fn dmarc_failure_with_the_domains_policy() {
    let results = "Authentication-Results: mx.acme-trade.com; spf=fail smtp.mailfrom=bounce@mueller-gmbh.de;\n dkim=none; dmarc=fail (p=REJECT) header.from=mueller-gmbh.de policy.dmarc=reject\n";
    let v = scored(&delivered(results, "", "Anna <anna@mueller-gmbh.de>", ""));
    assert_eq!(
        evidence(&v, "auth.dmarc_fail", "policy").as_deref(),
        Some("reject")
    );
    assert_eq!(
        evidence(&v, "auth.dmarc_fail", "domain").as_deref(),
        Some("mueller-gmbh.de")
    );
    assert_eq!(
        evidence(&v, "auth.spf_fail", "result").as_deref(),
        Some("fail")
    );
    // The same header from a server the policy does not trust counts for nothing.
    let other = results.replace("mx.acme-trade.com;", "mx.elsewhere.example;");
    let v = scored(&delivered(&other, "", "Anna <anna@mueller-gmbh.de>", ""));
    assert!(
        v.findings().iter().all(|f| !f.id().starts_with("auth.")),
        "{:?}",
        v.findings()
    );
}

#[test]
fn headers_below_the_boundary_are_forged_and_ignored() {
    let injected = "Authentication-Results: mx.acme-trade.com; spf=pass smtp.mailfrom=acme-trade.com; dmarc=pass header.from=acme-trade.com\n";
    let v = scored(&delivered(
        "",
        injected,
        "Li Wei <li.wei@acme-trade.com>",
        "",
    ));
    assert_eq!(
        evidence(&v, "auth.forged_results_header", "authserv_id").as_deref(),
        Some("mx.acme-trade.com")
    );
    assert_eq!(
        evidence(&v, "auth.forged_results_header", "position").as_deref(),
        Some("2")
    );
    // Its "dmarc=pass" did not whitewash the own-domain spoof.
    assert_eq!(
        evidence(&v, "sender.own_domain_spoof", "basis").as_deref(),
        Some("client_outside")
    );
}

#[test]
fn own_domain_mail_failing_authentication_is_a_spoof_wherever_it_came_from() {
    let fail = "Authentication-Results: mx.acme-trade.com; spf=softfail smtp.mailfrom=acme-trade.com; dkim=none; dmarc=fail header.from=acme-trade.com\n";
    let raw = delivered(fail, "", "Li Wei <li.wei@acme-trade.com>", "")
        .replace("198.51.100.7", "10.20.0.9");
    let v = scored(&raw);
    assert_eq!(
        evidence(&v, "sender.own_domain_spoof", "basis").as_deref(),
        Some("auth_fail")
    );
    assert!(v
        .findings()
        .iter()
        .any(|f| f.id() == "sender.own_domain_spoof" && f.severity() == crate::Severity::Critical));
    // A CRM sending as the organisation with an aligned DKIM signature is authorised.
    let crm = "Authentication-Results: mx.acme-trade.com; spf=pass smtp.mailfrom=bounces.crm.example; dkim=pass header.d=acme-trade.com; dmarc=pass header.from=acme-trade.com\n";
    let v = scored(&delivered(crm, "", "Acme Trade <news@acme-trade.com>", ""));
    assert!(!v.has("sender.own_domain_spoof"), "{:?}", v.findings());
}

#[test]
fn lists_and_arc_soften_failures() {
    let results = "Authentication-Results: mx.acme-trade.com; spf=fail smtp.mailfrom=lists.example.org; dkim=fail reason=\"body hash did not verify\" header.d=partner.example; dmarc=fail header.from=partner.example policy.dmarc=quarantine\n";
    let weight = |v: &crate::Verdict, id: &str| {
        v.findings()
            .iter()
            .find(|f| f.id() == id)
            .map(|f| f.weight())
            .unwrap()
    };
    let direct = scored(&delivered(results, "", "P <p@partner.example>", ""));
    let list = scored(&delivered(
        results,
        "",
        "P <p@partner.example>",
        "List-Id: <trade.lists.example.org>\n",
    ));
    assert_eq!(
        evidence(&list, "auth.dmarc_fail", "softened").as_deref(),
        Some("mailing_list")
    );
    assert!(
        (weight(&list, "auth.dmarc_fail") - 0.3 * weight(&direct, "auth.dmarc_fail")).abs() < 1e-9
    );
    assert_eq!(
        evidence(&direct, "auth.dkim_fail", "reason").as_deref(),
        Some("body hash did not verify")
    );
    let arc = results.replace(
        "policy.dmarc=quarantine",
        "policy.dmarc=quarantine; arc=pass",
    );
    let sealed = |sealer: &str| {
        format!("ARC-Seal: i=1; a=rsa-sha256; cv=none; d={sealer}; s=arc-2016; b=AbCd\n")
    };
    let v = scored(&delivered(
        &arc,
        &sealed("google.com"),
        "P <p@partner.example>",
        "",
    ));
    assert_eq!(
        evidence(&v, "auth.dmarc_fail", "softened").as_deref(),
        Some("arc")
    );
    // A chain sealed by anyone else softens nothing.
    let v = scored(&delivered(
        &arc,
        &sealed("forwarder.example"),
        "P <p@partner.example>",
        "",
    ));
    assert_eq!(
        evidence(&v, "auth.dmarc_fail", "softened").as_deref(),
        Some("no")
    );
}

#[test]
fn forwarding_spf_failure_with_an_aligned_signature_and_no_authentication() {
    let fwd = "Authentication-Results: mx.acme-trade.com; spf=fail smtp.mailfrom=forwarder.example; dkim=pass header.d=partner.example; dmarc=pass header.from=partner.example\n";
    let v = scored(&delivered(fwd, "", "P <p@partner.example>", ""));
    assert!(
        v.findings().iter().all(|f| !f.id().starts_with("auth.")),
        "{:?}",
        v.findings()
    );
    let none = "Authentication-Results: mx.acme-trade.com; spf=none smtp.mailfrom=tiny.example; dkim=none; dmarc=none\n";
    let v = scored(&delivered(none, "", "T <t@tiny.example>", ""));
    assert_eq!(
        evidence(&v, "auth.none", "authserv_id").as_deref(),
        Some("mx.acme-trade.com")
    );
}

#[test]
fn an_authenticated_partner_lowers_impersonation_signals_only() {
    let policy = format!(
        "{POLICY}\n[[partners]]\nname = \"Müller GmbH\"\ndomains = [\"mueller-gmbh.de\"]\n"
    );
    let pass = "Authentication-Results: mx.acme-trade.com; spf=pass smtp.mailfrom=mueller-gmbh.de; dkim=pass header.d=mueller-gmbh.de; dmarc=pass header.from=mueller-gmbh.de\n";
    let body = "Reply-To: anna.mueller.gmbh@gmail.com\n";
    let raw = |results: &str| {
        delivered(results, "", "Anna <anna@mueller-gmbh.de>", body)
            .replace("Please see the invoice.", "Our bank account has changed.")
    };
    let weight = |v: &crate::Verdict, id: &str| {
        v.findings()
            .iter()
            .find(|f| f.id() == id)
            .map(|f| f.weight())
    };
    let ctx = MessageContext::inbound();
    let authenticated = score_with(&policy, &raw(pass), &ctx);
    let unauthenticated = score_with(&policy, &raw(""), &ctx);
    assert_explained(&authenticated);
    assert_eq!(
        evidence(&authenticated, "auth.partner_authenticated", "partner").as_deref(),
        Some("Müller GmbH")
    );
    let reply = |v: &crate::Verdict| weight(v, "sender.reply_to_mismatch").unwrap();
    assert!((reply(&authenticated) - 0.5 * reply(&unauthenticated)).abs() < 1e-9);
    // What the message asks for keeps its weight: a partner's mailbox can be stolen.
    assert_eq!(
        weight(&authenticated, "content.bank_detail_change"),
        weight(&unauthenticated, "content.bank_detail_change")
    );
}
