//! `sender.*` rules: the addresses a reply or bounce would go to.

use crate::context::MessageContext;
use crate::detect::recipient_addresses;
use crate::engine::Engine;
use crate::message::MessageView;
use crate::rules::REPLY_TO_MISMATCH;
use crate::verdict::{Evidence, Findings};

pub(crate) fn check(
    view: &MessageView,
    engine: &Engine,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    reply_to_mismatch(view, engine, ctx, out);
}

/// `sender.reply_to_mismatch`: Reply-To in another organisation or at a free-mail provider.
fn reply_to_mismatch(
    view: &MessageView,
    engine: &Engine,
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
    if view.reply_to.is_empty() || view.list.is_list() || engine.is_notification_sender(from) {
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
    let from_freemail = from_org.is_some_and(|o| engine.freemail.contains_org(o));
    for reply_to in &view.reply_to {
        let (Some(rt), Some(rt_org)) = (reply_to.address.as_deref(), reply_to.org.as_deref())
        else {
            continue;
        };
        if rt == from
            || engine.own_domains.contains_org(rt_org)
            || engine.reply_to_allow.contains_org(rt_org)
            || recipient_addresses(view, ctx).any(|r| r == rt)
        {
            continue;
        }
        let freemail = engine.freemail.contains_org(rt_org);
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
