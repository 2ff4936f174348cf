//! `identity.*` rules: who the message claims to be from.

use crate::context::MessageContext;
use crate::detect::is_recipient_org;
use crate::domain;
use crate::engine::Engine;
use crate::message::MessageView;
use crate::rules::DISPLAY_NAME_ADDRESS;
use crate::verdict::{Evidence, Findings};

pub(crate) fn check(
    view: &MessageView,
    engine: &Engine,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    display_name_address(view, engine, ctx, out);
}

/// `identity.display_name_address`: the display name shows an address of another organisation.
fn display_name_address(
    view: &MessageView,
    engine: &Engine,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    if view.list.is_list() {
        return;
    }
    let sender_org = view.sender.as_ref().and_then(|s| s.org.as_deref());
    for mb in view.author_mailboxes() {
        let (Some(name), Some(addr)) = (mb.name.as_deref(), mb.address.as_deref()) else {
            continue;
        };
        if engine.is_notification_sender(addr) {
            continue;
        }
        for shown in addresses_in(name) {
            let Some(shown_org) = domain::address_org(&shown) else {
                continue;
            };
            let shown_org = shown_org.as_str();
            if shown == addr
                || Some(shown_org) == mb.org.as_deref()
                || Some(shown_org) == sender_org
            {
                continue;
            }
            let target = if engine.own_domains.contains_org(shown_org) {
                "organisation"
            } else if is_recipient_org(view, ctx, shown_org) {
                "recipient"
            } else {
                "other"
            };
            let mut strength = if target == "other" { 0.65 } else { 1.0 };
            if view.has_calendar {
                strength *= 0.5;
            }
            out.add(
                &DISPLAY_NAME_ADDRESS,
                strength,
                Evidence::new()
                    .with("shown", shown)
                    .with("from", addr)
                    .with("target", target),
            );
            break;
        }
    }
}

/// Addresses written inside a display name, lowercased. Full-width `＠` and `．` count.
fn addresses_in(name: &str) -> Vec<String> {
    let folded: Vec<char> = name
        .chars()
        .map(|c| match c {
            '＠' => '@',
            '．' | '。' => '.',
            c => c,
        })
        .collect();
    let local_char =
        |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'');
    let domain_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    let mut found = Vec::new();
    for (i, &c) in folded.iter().enumerate() {
        if c != '@' {
            continue;
        }
        let start = folded[..i]
            .iter()
            .rposition(|&c| !local_char(c))
            .map_or(0, |p| p + 1);
        let end = folded[i + 1..]
            .iter()
            .position(|&c| !domain_char(c))
            .map_or(folded.len(), |p| i + 1 + p);
        let local: String = folded[start..i].iter().collect();
        let dom: String = folded[i + 1..end].iter().collect();
        let dom = domain::normalize(dom.trim_end_matches(['.', '-']));
        let local = local.trim_start_matches(['.', '-', '\'']);
        if !local.is_empty() && domain::is_valid_domain(&dom) {
            found.push(format!("{}@{dom}", local.to_lowercase()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::addresses_in;
    use crate::detect::testutil::{assert_explained, score, score_with};
    use crate::MessageContext;

    const RULE: &str = "identity.display_name_address";

    #[test]
    fn finds_addresses_in_display_names() {
        assert_eq!(addresses_in("ceo@acme-trade.com"), ["ceo@acme-trade.com"]);
        assert_eq!(
            addresses_in("Li Wei (li.wei@Acme-Trade.com.)"),
            ["li.wei@acme-trade.com"]
        );
        assert_eq!(
            addresses_in("boss＠acme-trade．com"),
            ["boss@acme-trade.com"]
        );
        assert!(addresses_in("Support @ Acme").is_empty());
        assert!(addresses_in("me@localhost").is_empty());
    }

    #[test]
    fn flags_another_organisations_address_in_the_display_name() {
        let v = score(
            "From: \"accounts@nbsteel.cn\" <payments.dept@outlook-mailer.example>\n\
             To: ap@acme-trade.com\nSubject: Overdue invoice\n\nPlease pay today.\n",
        );
        let f = v.findings().iter().find(|f| f.id() == RULE).expect("fires");
        assert_eq!(f.evidence().get("shown"), Some("accounts@nbsteel.cn"));
        assert_eq!(
            f.evidence().get("from"),
            Some("payments.dept@outlook-mailer.example")
        );
        // nbsteel.cn is neither the organisation's nor a recipient's domain.
        assert_eq!(f.evidence().get("target"), Some("other"));
        assert_explained(&v);
    }

    #[test]
    fn own_or_recipient_domain_in_the_display_name_weighs_more() {
        let raw = "From: \"ceo@acme-trade.com\" <ceo.office@mailbox.example>\n\
                   To: finance@acme-trade.com\nSubject: Urgent\n\nAre you at your desk?\n";
        let plain = score(raw);
        let own = score_with(
            "[organisation]\ndomains = [\"acme-trade.com\"]\n",
            raw,
            &MessageContext::inbound(),
        );
        let weight = |v: &crate::Verdict| {
            v.findings()
                .iter()
                .find(|f| f.id() == RULE)
                .map(|f| f.weight())
        };
        // Without a policy the recipient's domain is still known from To.
        assert_eq!(
            plain.findings()[0].evidence().get("target"),
            Some("recipient")
        );
        assert_eq!(
            own.findings()[0].evidence().get("target"),
            Some("organisation")
        );
        assert!(weight(&own) > Some(0.7));
        let other = score(
            "From: \"ceo@partner.example\" <x@mailbox.example>\nTo: a@b.example\nSubject: s\n\nhi\n",
        );
        assert!(weight(&other) < weight(&own));
        assert!(own.level() >= crate::Level::High);
    }

    #[test]
    fn same_organisation_and_own_address_are_quiet() {
        for from in [
            "\"anna@supplier.example\" <anna@supplier.example>",
            "\"anna@mail.supplier.example\" <anna@supplier.example>",
            "Anna Schmidt <anna@supplier.example>",
        ] {
            let v = score(&format!(
                "From: {from}\nTo: ap@acme-trade.com\nSubject: PI\n\nhi\n"
            ));
            assert!(!v.has(RULE), "{from}");
        }
    }

    #[test]
    fn mailing_list_rewrites_are_quiet() {
        let v = score(
            "From: \"bob@partner.example via Trade List\" <trade-list@lists.example.org>\n\
             To: trade-list@lists.example.org\nList-Id: <trade-list.lists.example.org>\n\
             Subject: [trade] price update\n\nNew prices attached.\n",
        );
        assert!(!v.has(RULE));
    }

    #[test]
    fn calendar_notifications_are_quiet() {
        let raw = "From: \"organiser@partner.example (Google Calendar)\" <calendar-notification@google.com>\n\
                   To: sales@acme-trade.com\nSubject: Invitation: Q3 review\n\
                   Content-Type: multipart/alternative; boundary=b\n\n\
                   --b\nContent-Type: text/plain\n\nYou have been invited.\n\
                   --b\nContent-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n--b--\n";
        assert!(!score(raw).has(RULE));
        // An unknown sender with an invitation attached still fires, at half strength.
        let odd = raw.replace(
            "calendar-notification@google.com",
            "invites@cal-mailer.example",
        );
        let v = score(&odd);
        let f = v.findings().iter().find(|f| f.id() == RULE).expect("fires");
        assert!(f.weight() < 0.3, "{}", f.weight());
    }

    #[test]
    fn sending_on_behalf_is_quiet() {
        let v = score(
            "From: \"li.wei@acme-trade.com\" <noreply@esign.example>\nSender: li.wei@acme-trade.com\n\
             To: buyer@partner.example\nSubject: Please sign\n\nDocument ready.\n",
        );
        assert!(!v.has(RULE));
    }
}
