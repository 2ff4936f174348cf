//! `identity.*` rules: who the message claims to be from.

use unicode_security::mixed_script::AugmentedScriptSet;

use crate::compiled::Compiled;
use crate::context::MessageContext;
use crate::detect::{is_partner_contact, is_recipient_org, Contact};
use crate::domain;
use crate::lexicon::normalize::is_invisible;
use crate::message::MessageView;
use crate::policy::Role;
use crate::rules::{
    BRAND_DISPLAY_NAME, DISPLAY_NAME_ADDRESS, PERSON_IMPERSONATION, UNUSUAL_CHARACTERS,
};
use crate::verdict::{Evidence, Findings};

pub(crate) fn check(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    display_name_address(view, compiled, ctx, out);
    person_impersonation(view, compiled, ctx, out);
    brand_display_name(view, compiled, ctx, out);
    unusual_characters(view, out);
}

/// `identity.person_impersonation`: a protected person's name on someone else's address.
fn person_impersonation(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    let Some((name, addr, org)) = view.named_author() else {
        return;
    };
    // Lists post in the member's name from the list's address; notification services show the
    // organiser's name; own-domain forgeries and partners' namesakes are other rules' business.
    if view.list.is_list()
        || compiled.is_notification_sender(addr)
        || compiled.own_domains.contains_org(org)
        || compiled.is_partner_org(org)
    {
        return;
    }
    let Some(hit) = compiled.people.find(name) else {
        return;
    };
    let Some(person) = compiled.policy.people.get(hit.index) else {
        return;
    };
    if person
        .addresses
        .iter()
        .any(|a| a.trim().eq_ignore_ascii_case(addr))
    {
        return;
    }
    let contact = Contact::of(ctx, addr);
    if contact == Contact::Known
        || (compiled.freemail.contains_org(org) && is_partner_contact(person, compiled))
    {
        return;
    }
    let role = match person.role {
        Role::Executive => "executive",
        Role::Finance => "finance",
        _ => "staff",
    };
    let mut strength = if role == "staff" { 0.75 } else { 1.0 };
    // A partner's contact named by someone at another company: a namesake is likelier than an
    // impersonation that did not even take a lookalike domain (that one is caught by
    // sender.lookalike_domain).
    if is_partner_contact(person, compiled) && !compiled.freemail.contains_org(org) {
        strength *= 0.5;
    }
    out.add(
        &PERSON_IMPERSONATION,
        strength * contact.factor(),
        Evidence::new()
            .with("name", name)
            .with("person", person.name.as_str())
            .with("role", role)
            .with("from", addr)
            .with("match", hit.how.as_str()),
    );
}

/// `identity.brand_display_name`: a protected company or brand name on an unrelated domain.
fn brand_display_name(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    let Some((name, addr, org)) = view.named_author() else {
        return;
    };
    if compiled.is_notification_sender(addr) {
        return;
    }
    let freemail = compiled.freemail.contains_org(org);
    for b in compiled.companies.named_in(name) {
        if b.domains.contains_org(org) {
            continue;
        }
        if b.kind == "organisation" && compiled.own_domains.contains_org(org) {
            continue;
        }
        // A partner's name on free mail is `sender.freemail_impersonation`.
        if freemail && matches!(b.kind, "partner" | "vendor") {
            return;
        }
        let strength = match b.kind {
            "organisation" => 1.0,
            "partner" | "vendor" => 0.85,
            _ => 0.7,
        };
        out.add(
            &BRAND_DISPLAY_NAME,
            strength * Contact::of(ctx, addr).factor(),
            Evidence::new()
                .with("name", name)
                .with("brand", b.name.as_str())
                .with("kind", b.kind)
                .with("from", addr),
        );
        return;
    }
}

/// `identity.unusual_characters`: invisible characters, mixed scripts within a word,
/// mathematical or enclosed letter forms in the sender's display name or address.
fn unusual_characters(view: &MessageView, out: &mut Findings<'_>) {
    let Some(author) = view.author() else {
        return;
    };
    let fields = [
        ("display_name", author.name.as_deref()),
        ("address", author.address.as_deref()),
    ];
    for (place, text) in fields {
        let Some(text) = text else {
            continue;
        };
        if let Some((kind, word)) = unusual_word(text) {
            out.add(
                &UNUSUAL_CHARACTERS,
                if kind == "invisible" { 1.0 } else { 0.8 },
                Evidence::new()
                    .with("where", place)
                    .with("kind", kind)
                    .with("text", escape_invisible(word)),
            );
            return;
        }
    }
}

/// The first word of `text` with unusual characters, and what is unusual about it.
fn unusual_word(text: &str) -> Option<(&'static str, &str)> {
    let is_cjk = |c: char| {
        matches!(c, '\u{2e80}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}'
            | '\u{ff65}'..='\u{ff9f}' | '\u{20000}'..='\u{2ffff}')
    };
    for word in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '<' | '>' | '"' | '(' | ')'))
    {
        if word.is_ascii() {
            continue; // ASCII is one script and has no invisible characters
        }
        if word.chars().any(is_invisible) {
            return Some(("invisible", word));
        }
        if word.chars().any(|c| matches!(c, '\u{1d400}'..='\u{1d7ff}')) {
            return Some(("math_alphanumeric", word));
        }
        if word
            .chars()
            .any(|c| matches!(c, '\u{2460}'..='\u{24ff}' | '\u{1f100}'..='\u{1f1ff}'))
        {
            return Some(("enclosed", word));
        }
        // Latin next to Han, kana or Hangul is normal in East Asian names; judge the rest.
        let letters: String = word
            .chars()
            .filter(|&c| c.is_alphabetic() && !is_cjk(c))
            .collect();
        if !letters.is_empty() && AugmentedScriptSet::for_str(&letters).is_empty() {
            return Some(("mixed_script", word));
        }
    }
    None
}

/// `text` with invisible characters written as `\u{...}`.
fn escape_invisible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_invisible(c) {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `identity.display_name_address`: the display name shows an address of another organisation.
fn display_name_address(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    if view.list.is_list() {
        return;
    }
    let sender_org = view.sender.as_ref().and_then(|s| s.org.as_deref());
    for mb in view.author_mailboxes() {
        let Some(addr) = mb.address.as_deref() else {
            continue;
        };
        if compiled.is_notification_sender(addr) {
            continue;
        }
        for shown in &mb.shown {
            let Some(shown_org) = domain::address_org(shown) else {
                continue;
            };
            let shown_org = shown_org.as_str();
            if shown == addr
                || Some(shown_org) == mb.org.as_deref()
                || Some(shown_org) == sender_org
            {
                continue;
            }
            let target = if compiled.own_domains.contains_org(shown_org) {
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

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{assert_explained, score, score_with};
    use crate::MessageContext;

    const RULE: &str = "identity.display_name_address";

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

#[cfg(test)]
mod impersonation_tests {
    //! `identity.person_impersonation`, `identity.brand_display_name`,
    //! `identity.unusual_characters` under a company policy.
    use crate::detect::testutil::{assert_explained, evidence, score_with};
    use crate::{MessageContext, Verdict};

    const POLICY: &str = r#"
        [organisation]
        name = "Acme Trade Co., Ltd."
        domains = ["acme-trade.com"]
        [[people]]
        name = "Li Wei"
        aliases = ["李伟"]
        addresses = ["li.wei@acme-trade.com"]
        role = "executive"
        [[people]]
        name = "Chen Jing"
        addresses = ["chen.jing@acme-trade.com"]
        role = "staff"
        [[vendors]]
        name = "Ningbo Steel Co., Ltd."
        domains = ["nbsteel.cn"]
    "#;

    fn from(from: &str) -> Verdict {
        from_ctx(from, MessageContext::inbound())
    }

    fn from_ctx(from: &str, ctx: MessageContext) -> Verdict {
        let raw = format!(
            "From: {from}\nTo: wang.fang@acme-trade.com\nSubject: payment\n\nPlease pay today.\n"
        );
        let v = score_with(POLICY, &raw, &ctx);
        assert_explained(&v);
        v
    }

    const PERSON: &str = "identity.person_impersonation";
    const BRAND: &str = "identity.brand_display_name";
    const CHARS: &str = "identity.unusual_characters";

    #[test]
    fn protected_people_are_recognised_in_every_form() {
        for (name, how) in [
            ("\"Li Wei\"", "exact"),
            ("\"WEI, Li\"", "reordered"),
            ("\"W. Li\"", "initials"),
            ("\"LiWei\"", "reordered"),
            ("=?UTF-8?B?5p2O5Lyf?=", "exact"),         // 李伟
            ("=?UTF-8?Q?L=C7=90_W=C4=9Bi?=", "exact"), // Lǐ Wěi
            ("=?UTF-8?Q?Li_W=D0=B5i?=", "exact"),      // Cyrillic е
            ("=?UTF-8?Q?=F0=9D=90=8B=F0=9D=90=A2_Wei?=", "exact"), // mathematical bold Li
            ("\"Mr. Li Wei (CEO)\"", "exact"),
        ] {
            let v = from(&format!("{name} <ceo.office@gmail.com>"));
            assert_eq!(
                evidence(&v, PERSON, "match").as_deref(),
                Some(how),
                "{name}"
            );
            assert_eq!(evidence(&v, PERSON, "role").as_deref(), Some("executive"));
        }
    }

    #[test]
    fn executives_weigh_more_than_staff() {
        let exec = from("\"Li Wei\" <x1@outlook-mail.example>");
        let staff = from("\"Chen Jing\" <x1@outlook-mail.example>");
        let w = |v: &Verdict| {
            v.findings()
                .iter()
                .find(|f| f.id() == PERSON)
                .map(|f| f.weight())
        };
        assert!(w(&exec) > w(&staff) && w(&staff) > Some(0.0));
    }

    #[test]
    fn real_addresses_namesakes_and_known_correspondents_are_quiet() {
        for quiet in [
            "\"Li Wei\" <li.wei@acme-trade.com>", // the person's own address
            "\"Li Wei\" <li.wei2@acme-trade.com>", // own domain: own_domain_spoof's business
            "\"Li Wei\" <li.wei@nbsteel.cn>",     // the vendor's namesake
            "\"Li Wei (Google Calendar)\" <calendar-notification@google.com>",
            "\"Li Wei\" <calendar-notification@google.com>",
            "\"Wei\" <someone@gmail.com>", // one word names nobody
            "\"Li Weiming\" <someone@gmail.com>",
        ] {
            assert!(!from(quiet).has(PERSON), "{quiet}");
        }
        let known = MessageContext::inbound().known_correspondent(|a| a == "liwei.home@gmail.com");
        assert!(!from_ctx("\"Li Wei\" <liwei.home@gmail.com>", known).has(PERSON));
        let list = score_with(
            POLICY,
            "From: \"Li Wei\" <forum@lists.example.org>\nList-Id: <trade.lists.example.org>\n\
             To: trade@lists.example.org\nSubject: hi\n\nhello\n",
            &MessageContext::inbound(),
        );
        assert!(!list.has(PERSON));
    }

    #[test]
    fn first_contact_strengthens_and_history_weakens() {
        let w = |ctx: MessageContext| {
            let v = from_ctx("\"Li Wei\" <ceo.office@gmail.com>", ctx);
            v.findings()
                .iter()
                .find(|f| f.id() == PERSON)
                .map(|f| f.weight())
        };
        let first = w(MessageContext::inbound().known_correspondent(|_| false));
        let unknown = w(MessageContext::inbound());
        assert!(first > unknown, "{first:?} {unknown:?}");
    }

    #[test]
    fn company_and_brand_names_from_foreign_domains() {
        let v = from("\"Acme Trade Finance\" <finance@acme-trade-pay.example>");
        assert_eq!(evidence(&v, BRAND, "kind").as_deref(), Some("organisation"));
        let v = from("\"Ningbo Steel Accounts\" <accounts@steel-payments.example>");
        assert_eq!(evidence(&v, BRAND, "kind").as_deref(), Some("vendor"));
        let v = from("=?UTF-8?B?5Lit5Zu96ZO26KGM5a6i5pyN?= <notice@boc-service.example>"); // 中国银行客服
        assert_eq!(evidence(&v, BRAND, "brand").as_deref(), Some("中国银行"));
        for quiet in [
            "\"Acme Trade Finance\" <finance@acme-trade.com>",
            "\"Ningbo Steel Accounts\" <accounts@nbsteel.cn>",
            "\"PayPal\" <service@paypal.com>",
            "\"DHL Express\" <noreply@dhl.com>",
            "\"Evergreen Trading\" <sales@evergreen-trading.example>", // a word, not the carrier
            "\"Steel Supplies Ltd\" <sales@steel.example>",
        ] {
            assert!(!from(quiet).has(BRAND), "{quiet}");
        }
    }

    #[test]
    fn unusual_characters_in_names_and_addresses() {
        let kind = |f: &str| evidence(&from(f), CHARS, "kind");
        assert_eq!(
            kind("=?UTF-8?Q?Pay=E2=80=8BPal?= <a@b.example>").as_deref(),
            Some("invisible")
        );
        assert_eq!(
            kind("=?UTF-8?Q?P=D0=B0yPal?= <a@b.example>").as_deref(),
            Some("mixed_script")
        );
        assert_eq!(
            kind("=?UTF-8?Q?=F0=9D=90=8F=F0=9D=90=9A=F0=9D=90=B2?= <a@b.example>").as_deref(),
            Some("math_alphanumeric")
        );
        assert_eq!(
            kind("=?UTF-8?Q?=E2=93=85ay?= <a@b.example>").as_deref(),
            Some("enclosed")
        );
        // Chinese names next to Latin ones, accented Latin, Cyrillic names and emoji are normal.
        for quiet in [
            "=?UTF-8?B?5p2O5LyfIERhdmlk?= <david@x.example>", // 李伟 David
            "=?UTF-8?Q?Jos=C3=A9_M=C3=BCller?= <jose@x.example>",
            "=?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@x.example>", // Иван Петров
            "=?UTF-8?Q?Sales_=F0=9F=93=A6?= <sales@x.example>",
        ] {
            assert!(!from(quiet).has(CHARS), "{quiet}");
        }
    }
}
