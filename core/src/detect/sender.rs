//! `sender.*` rules: the addresses a reply or bounce would go to.

use crate::auth::Authentication;
use crate::compiled::Compiled;
use crate::context::{Direction, MessageContext};
use crate::detect::links::match_strength;
use crate::detect::{is_partner_contact, recipient_addresses, Contact};
use crate::domain;
use crate::message::MessageView;
use crate::rules::{
    FIRST_CONTACT, FREEMAIL_IMPERSONATION, OWN_DOMAIN_SPOOF, REPLY_TO_MISMATCH, SENDER_LOOKALIKE,
};
use crate::verdict::{Evidence, Findings};

pub(crate) fn check(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    auth: &Authentication,
    out: &mut Findings<'_>,
) {
    reply_to_mismatch(view, compiled, ctx, out);
    lookalike_domain(view, compiled, ctx, out);
    freemail_impersonation(view, compiled, ctx, out);
    own_domain_spoof(view, compiled, ctx, auth, out);
    first_contact(view, compiled, ctx, out);
}

/// `sender.lookalike_domain`: every sender domain checked against the protected domains; one
/// finding per lookalike domain, naming the first header it appeared in.
fn lookalike_domain(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    let mut domains: Vec<(&'static str, String)> = Vec::new();
    let mut push = |header: &'static str, addr: &str| {
        if let Some((_, d)) = domain::split_address(addr) {
            // The first header a domain appears in names it; each domain is checked once.
            if !domains.iter().any(|(_, seen)| seen.eq_ignore_ascii_case(d)) {
                domains.push((header, d.to_string()));
            }
        }
    };
    for mb in view.author_mailboxes() {
        if let Some(a) = mb.address.as_deref() {
            push("from", a);
        }
    }
    if let Some(a) = view.sender.as_ref().and_then(|m| m.address.as_deref()) {
        push("sender", a);
    }
    for a in view.reply_to.iter().filter_map(|m| m.address.as_deref()) {
        push("reply_to", a);
    }
    if let Some(a) = view.return_path.as_deref() {
        push("return_path", a);
    }
    if let Some(a) = ctx.get_envelope_from() {
        push("envelope_from", a);
    }
    for a in view.author_mailboxes().flat_map(|m| &m.shown) {
        push("display_name", a);
    }
    let contact = view
        .author()
        .and_then(|a| a.address.as_deref())
        .map_or(Contact::Unknown, |a| Contact::of(ctx, a));
    let mut reported: Vec<String> = Vec::new();
    for (header, d) in domains {
        // Free-mail providers are real providers, never someone's lookalike: not checked.
        if compiled
            .freemail
            .contains_org(domain::registrable(&domain::normalize(&d)))
        {
            continue;
        }
        let Ok(Some(m)) = compiled.check_domain(&d) else {
            continue;
        };
        if reported.contains(&m.detail.candidate) {
            continue;
        }
        reported.push(m.detail.candidate.clone());
        out.add(
            &SENDER_LOOKALIKE,
            match_strength(m.severity) * contact.factor(),
            Evidence::new()
                .with("header", header)
                .with("domain", m.detail.candidate)
                .with("protected", m.protected)
                .with("technique", m.technique.as_str())
                .with("match", m.severity.as_str())
                .with("owner", m.detail.owner),
        );
    }
}

/// `sender.freemail_impersonation`: a partner company or a partner's contact, on free mail.
fn freemail_impersonation(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    let Some((name, addr, org)) = view.named_author() else {
        return;
    };
    if !compiled.freemail.contains_org(org) || view.list.is_list() {
        return;
    }
    let contact = Contact::of(ctx, addr);
    if contact == Contact::Known {
        return;
    }
    let person = compiled
        .people
        .find(name)
        .and_then(|hit| compiled.policy.people.get(hit.index));
    let claim = match person {
        Some(p)
            if is_partner_contact(p, compiled)
                && !p
                    .addresses
                    .iter()
                    .any(|a| a.trim().eq_ignore_ascii_case(addr)) =>
        {
            Some((p.name.clone(), "person"))
        }
        _ => compiled
            .companies
            .named_in(name)
            .into_iter()
            .find(|b| matches!(b.kind, "partner" | "vendor"))
            .map(|b| (b.name.clone(), "company")),
    };
    let Some((claimed, kind)) = claim else {
        return;
    };
    out.add(
        &FREEMAIL_IMPERSONATION,
        contact.factor(),
        Evidence::new()
            .with("from", addr)
            .with("name", name)
            .with("claimed", claimed)
            .with("kind", kind),
    );
}

/// `sender.own_domain_spoof`: inbound mail with a From in the organisation's own domains.
fn own_domain_spoof(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    auth: &Authentication,
    out: &mut Findings<'_>,
) {
    if !matches!(ctx.direction(), Direction::Inbound) {
        return;
    }
    let Some(author) = view.author() else {
        return;
    };
    let (Some(addr), Some(org)) = (author.address.as_deref(), author.org.as_deref()) else {
        return;
    };
    if !compiled.own_domains.contains_org(org) {
        return;
    }
    // The client the host names, else the one our own server recorded in the topmost
    // Received header (skipping local re-injection by content filters).
    let client = ctx.get_client_ip().or_else(|| {
        view.received
            .iter()
            .filter_map(|h| h.from_ip)
            .find(|ip| !ip.is_loopback())
    });
    let networks = &compiled.policy.organisation.internal_networks;
    // The organisation's own server's word comes first: an aligned pass is an authorised
    // sender (a CRM, a ticket system); a failure is a forgery wherever it came from.
    let shown = client.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let (client, basis, strength) = if auth.has_results() && auth.aligned_pass(org) {
        return;
    } else if auth.has_results() && auth_failed(auth) {
        (shown, "auth_fail", 1.0)
    } else {
        match client {
            Some(ip) if networks.iter().any(|n| n.contains(ip)) => return,
            Some(_) => (shown, "client_outside", 1.0),
            None => (shown, "inbound", 0.7),
        }
    };
    out.add(
        &OWN_DOMAIN_SPOOF,
        strength,
        Evidence::new()
            .with("from", addr)
            .with("client", client)
            .with("basis", basis),
    );
}

/// Whether the trusted results say the message failed authentication: DMARC fail, or SPF or
/// DKIM failing (the caller has already ruled out an aligned pass).
fn auth_failed(auth: &Authentication) -> bool {
    let failed = |m: &str| {
        auth.result(m)
            .is_some_and(|r| matches!(r.result.as_str(), "fail" | "softfail"))
    };
    failed("dmarc") || failed("spf") || failed("dkim")
}

/// `sender.first_contact`: the host's history does not know the sender.
fn first_contact(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    if !matches!(ctx.direction(), Direction::Inbound) {
        return;
    }
    let Some(addr) = view.author().and_then(|a| a.address.as_deref()) else {
        return;
    };
    if view.list.is_list() || compiled.is_notification_sender(addr) {
        return;
    }
    if Contact::of(ctx, addr) == Contact::First {
        out.add(&FIRST_CONTACT, 1.0, Evidence::new().with("from", addr));
    }
}

/// `sender.reply_to_mismatch`: Reply-To in another organisation or at a free-mail provider.
fn reply_to_mismatch(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    let Some(author) = view.author() else {
        return;
    };
    let (Some(from), from_org) = (author.address.as_deref(), author.org.as_deref()) else {
        return;
    };
    // Lists reply to the list; notification services (calendar invitations) reply to the
    // organiser.
    if view.reply_to.is_empty() || view.list.is_list() || compiled.is_notification_sender(from) {
        return;
    }
    // Contact forms and notes-to-self: From is the only recipient.
    let to: Vec<&str> = view
        .to
        .iter()
        .filter_map(|m| m.address.as_deref())
        .collect();
    let envelope = ctx.get_recipients();
    if (to.len() == 1 && to[0] == from) || (envelope.len() == 1 && envelope[0] == from) {
        return;
    }
    let from_freemail = from_org.is_some_and(|o| compiled.freemail.contains_org(o));
    for reply_to in &view.reply_to {
        let (Some(rt), Some(rt_org)) = (reply_to.address.as_deref(), reply_to.org.as_deref())
        else {
            continue;
        };
        if rt == from
            || compiled.own_domains.contains_org(rt_org)
            || compiled.reply_to_allow.contains_org(rt_org)
            || recipient_addresses(view, ctx).any(|r| r == rt)
        {
            continue;
        }
        let freemail = compiled.freemail.contains_org(rt_org);
        if Some(rt_org) == from_org && !freemail {
            continue;
        }
        let (kind, strength) = match (freemail, from_freemail) {
            (true, false) => ("freemail", 1.0),
            (true, true) => ("freemail", 0.6),
            (false, _) => ("other_organisation", 0.5),
        };
        out.add(
            &REPLY_TO_MISMATCH,
            strength,
            Evidence::new()
                .with("reply_to", rt)
                .with("from", from)
                .with("kind", kind),
        );
        return;
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{assert_explained, score, score_with};
    use crate::{MessageContext, Severity};

    const RULE: &str = "sender.reply_to_mismatch";

    fn finding(raw: &str) -> Option<(String, Severity)> {
        let v = score(raw);
        assert_explained(&v);
        v.findings().iter().find(|f| f.id() == RULE).map(|f| {
            (
                f.evidence().get("kind").unwrap_or("").to_string(),
                f.severity(),
            )
        })
    }

    #[test]
    fn freemail_reply_to_from_a_company_is_high() {
        let got = finding(
            "From: Anna Schmidt <anna.schmidt@mueller-gmbh.de>\nReply-To: anna.schmidt.mueller@gmail.com\n\
             To: sales@acme-trade.com\nSubject: Payment\n\nPlease reply to confirm.\n",
        );
        assert_eq!(got, Some(("freemail".into(), Severity::High)));
    }

    #[test]
    fn another_organisation_is_weaker() {
        let got = finding(
            "From: Anna <anna@mueller-gmbh.de>\nReply-To: accounts@mueller-gmbh-finance.com\n\
             To: sales@acme-trade.com\nSubject: Payment\n\nhi\n",
        );
        assert_eq!(got, Some(("other_organisation".into(), Severity::Low)));
    }

    #[test]
    fn different_user_at_the_same_freemail_provider_fires() {
        let got = finding(
            "From: Wang <wang.trading@163.com>\nReply-To: wang.trading.pay@163.com\n\
             To: sales@acme-trade.com\nSubject: 货款\n\n请回复。\n",
        );
        assert_eq!(got.map(|g| g.0), Some("freemail".into()));
    }

    #[test]
    fn peers_false_positive_traps_stay_quiet() {
        let quiet = [
            // Same organisation, other mailbox.
            "From: sales@mueller-gmbh.de\nReply-To: accounts@eu.mueller-gmbh.de\nTo: a@acme-trade.com\nSubject: s\n\nx\n",
            // Mailing list.
            "From: news@shipping-news.example\nReply-To: editor@gmail.com\nList-Id: <news.shipping-news.example>\nTo: a@acme-trade.com\nSubject: s\n\nx\n",
            // Contact form: From == To, Reply-To is the visitor.
            "From: web@acme-trade.com\nTo: web@acme-trade.com\nReply-To: visitor123@gmail.com\nSubject: Contact form\n\nI want a quote.\n",
            // Reply-To is a recipient (a colleague in copy).
            "From: sales@mueller-gmbh.de\nReply-To: buyer@partner.example\nTo: a@acme-trade.com\nCc: buyer@partner.example\nSubject: s\n\nx\n",
            // Reply-To equal to From.
            "From: a@gmail.com\nReply-To: A@Gmail.com\nTo: b@acme-trade.com\nSubject: s\n\nx\n",
        ];
        for raw in quiet {
            assert_eq!(finding(raw), None, "{raw}");
        }
    }

    #[test]
    fn policy_domains_and_allow_list_are_quiet() {
        let raw = "From: noreply@tickets.example\nReply-To: support@helpdesk-vendor.example\nTo: a@acme-trade.com\nSubject: s\n\nx\n";
        assert!(score(raw).has(RULE));
        let v = score_with(
            "[allow]\nreply_to_domains = [\"helpdesk-vendor.example\"]\n",
            raw,
            &MessageContext::inbound(),
        );
        assert!(!v.has(RULE));
        let own = "From: partner@mueller-gmbh.de\nReply-To: li.wei@acme-trade.com\nTo: x@acme-trade.com\nSubject: s\n\nx\n";
        let v = score_with(
            "[organisation]\ndomains = [\"acme-trade.com\"]\n",
            own,
            &MessageContext::inbound(),
        );
        assert!(!v.has(RULE));
    }

    #[test]
    fn outbound_messages_are_not_checked() {
        let raw = "From: Anna <anna@acme-trade.com>\nReply-To: anna@gmail.com\nTo: buyer@partner.example\nSubject: s\n\nx\n";
        let v = score_with("", raw, &MessageContext::outbound("anna@acme-trade.com"));
        assert!(!v.has(RULE));
        let v = score_with("", raw, &MessageContext::internal());
        assert!(v.has(RULE));
    }
}

#[cfg(test)]
mod impersonation_tests {
    //! `sender.lookalike_domain`, `sender.freemail_impersonation`, `sender.own_domain_spoof`,
    //! `sender.first_contact` under a company policy.
    use crate::detect::testutil::{assert_explained, evidence, score_with};
    use crate::{MessageContext, Verdict};

    const POLICY: &str = r#"
        [organisation]
        name = "Acme Trade Co., Ltd."
        domains = ["acme-trade.com"]
        internal_networks = ["10.20.0.0/16"]
        [[partners]]
        name = "Müller GmbH"
        domains = ["mueller-gmbh.de"]
        [[people]]
        name = "Anna Schneider"
        addresses = ["anna.schneider@mueller-gmbh.de"]
    "#;

    fn score(headers: &str, ctx: &MessageContext) -> Verdict {
        let raw = format!("{headers}\nTo: sales@acme-trade.com\nSubject: order\n\nSee attached.\n");
        let v = score_with(POLICY, &raw, ctx);
        assert_explained(&v);
        v
    }

    const LOOKALIKE: &str = "sender.lookalike_domain";
    const FREEMAIL: &str = "sender.freemail_impersonation";
    const SPOOF: &str = "sender.own_domain_spoof";
    const FIRST: &str = "sender.first_contact";

    #[test]
    fn lookalikes_are_found_in_every_sender_header() {
        let inbound = MessageContext::inbound();
        for (headers, header) in [
            ("From: a@acme-tarde.com", "from"),
            (
                "From: a@partner.example\nSender: b@mueIler-gmbh.de",
                "sender",
            ),
            (
                "From: a@partner.example\nReply-To: a@acme-trade.co",
                "reply_to",
            ),
            (
                "Return-Path: <b@rnueller-gmbh.de>\nFrom: a@partner.example",
                "return_path",
            ),
            (
                "From: \"accounts@mueller-gmbh.de.invoice-portal.example\" <a@partner.example>",
                "display_name",
            ),
        ] {
            let v = score(headers, &inbound);
            assert_eq!(
                evidence(&v, LOOKALIKE, "header").as_deref(),
                Some(header),
                "{headers}"
            );
        }
        let env = MessageContext::inbound().envelope_from("bounce@acme-trade.net");
        let v = score("From: a@partner.example", &env);
        assert_eq!(
            evidence(&v, LOOKALIKE, "header").as_deref(),
            Some("envelope_from")
        );
        assert_eq!(
            evidence(&v, LOOKALIKE, "technique").as_deref(),
            Some("tld_swap")
        );
    }

    #[test]
    fn protected_own_and_freemail_domains_are_not_lookalikes() {
        let inbound = MessageContext::inbound();
        for headers in [
            "From: a@mail.acme-trade.com",
            "From: a@mueller-gmbh.de",
            "From: a@hotmail.co.uk", // a real free-mail provider, not Microsoft's lookalike
            "From: a@gmail.com",
            "From: a@example.org",
        ] {
            assert!(!score(headers, &inbound).has(LOOKALIKE), "{headers}");
        }
    }

    #[test]
    fn free_mail_providers_are_never_lookalikes() {
        let engine = crate::Engine::default();
        for d in [
            "yahoo.com.hk",
            "yahoo.com.tw",
            "outlook.at",
            "yahoo.co.in",
            "hotmail.com.br",
        ] {
            assert!(engine.check_domain(d).expect("host").is_none(), "{d}");
        }
        // An imitation of a provider still is one.
        assert!(engine.check_domain("gmai1.com").expect("host").is_some());
    }

    #[test]
    fn builtin_brands_switch_off_by_category_and_by_name() {
        let engine = |extra: &str| {
            crate::Engine::new(crate::Policy::from_toml_str(extra).expect("policy"))
                .expect("engine")
        };
        let all = engine("");
        assert!(all.check_domain("paypa1.com").expect("host").is_some());
        assert!(all
            .check_domain("dhl-express-track.com")
            .expect("host")
            .is_some());
        let no_paypal = engine("[lists]\ndisabled_brands = [\"PayPal\"]");
        assert!(no_paypal
            .check_domain("paypa1.com")
            .expect("host")
            .is_none());
        assert!(no_paypal
            .check_domain("dhl-express-track.com")
            .expect("host")
            .is_some());
        let banks_only = engine("[lists]\nbuiltin_brands = [\"banks\"]");
        assert!(banks_only
            .check_domain("paypa1.com")
            .expect("host")
            .is_none());
        assert!(banks_only
            .check_domain("hsbc-secure.com")
            .expect("host")
            .is_some());
        let raw = "From: \"PayPal Service\" <service@notice.example>\nTo: a@b.example\n\nhi\n";
        let brand = |e: &crate::Engine| {
            e.score_message(
                raw.replace('\n', "\r\n").as_bytes(),
                &MessageContext::inbound(),
            )
            .has("identity.brand_display_name")
        };
        assert!(brand(&all));
        assert!(!brand(&no_paypal));
    }

    #[test]
    fn partner_company_or_contact_on_free_mail() {
        let inbound = MessageContext::inbound();
        let v = score(
            "From: \"Müller GmbH Accounts\" <muellergmbh@gmail.com>",
            &inbound,
        );
        assert_eq!(evidence(&v, FREEMAIL, "kind").as_deref(), Some("company"));
        assert!(
            !v.has("identity.brand_display_name"),
            "one finding, not two"
        );
        let v = score(
            "From: \"Anna Schneider\" <anna.schneider.de@gmail.com>",
            &inbound,
        );
        assert_eq!(evidence(&v, FREEMAIL, "kind").as_deref(), Some("person"));
        assert!(
            !v.has("identity.person_impersonation"),
            "one finding, not two"
        );
        let known = MessageContext::inbound().known_correspondent(|a| a == "muellergmbh@gmail.com");
        assert!(!score("From: \"Müller GmbH\" <muellergmbh@gmail.com>", &known).has(FREEMAIL));
        assert!(!score("From: \"Hans Müller\" <hans.mueller@gmail.com>", &inbound).has(FREEMAIL));
    }

    #[test]
    fn own_domain_from_outside() {
        let outside = MessageContext::inbound().client_ip("198.51.100.7".parse().expect("ip"));
        let v = score("From: boss@acme-trade.com", &outside);
        assert_eq!(
            evidence(&v, SPOOF, "basis").as_deref(),
            Some("client_outside")
        );
        let inside = MessageContext::inbound().client_ip("10.20.5.1".parse().expect("ip"));
        assert!(!score("From: boss@acme-trade.com", &inside).has(SPOOF));
        assert!(!score("From: boss@acme-trade.com", &MessageContext::internal()).has(SPOOF));
        // Without a client address the topmost Received hop tells, local re-injection skipped.
        let received = "Received: from localhost (localhost [127.0.0.1]) by mx.acme-trade.com\n\
                        Received: from pc7 (pc7 [10.20.3.14]) by mx.acme-trade.com\n\
                        From: boss@acme-trade.com";
        assert!(!score(received, &MessageContext::inbound()).has(SPOOF));
        let v = score("From: boss@acme-trade.com", &MessageContext::inbound());
        assert_eq!(evidence(&v, SPOOF, "basis").as_deref(), Some("inbound"));
        assert!(!score("From: x@partner.example", &outside).has(SPOOF));
    }

    #[test]
    fn first_contact_needs_history() {
        let history = MessageContext::inbound().known_correspondents(["Old@Partner.example"]);
        assert!(score("From: new@partner.example", &history).has(FIRST));
        assert!(!score("From: old@partner.example", &history).has(FIRST));
        assert!(!score("From: new@partner.example", &MessageContext::inbound()).has(FIRST));
        let v = score("From: new@partner.example", &history);
        assert!(v.findings().iter().all(|f| f.weight() < 0.2), "weak alone");
    }
}
