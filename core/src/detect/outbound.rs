//! `outbound.*` rules: business documents leaving for personal mailboxes (order diversion,
//! "飞单") and proforma invoices sent without the finance mailbox in copy.

use super::content::Reading;
use super::Contact;
use crate::compiled::Compiled;
use crate::context::MessageContext;
use crate::lexicon::Category;
use crate::message::MessageView;
use crate::names::person_tokens;
use crate::rules::{PERSONAL_ACCOUNT, PI_WITHOUT_FINANCE};
use crate::verdict::{Evidence, Findings};

pub(crate) fn check(
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    reading: &Reading<'_>,
    out: &mut Findings<'_>,
) {
    let recipients = external_recipients(view, ctx, compiled);
    if recipients.is_empty() {
        return;
    }
    let m = Outgoing {
        view,
        compiled,
        ctx,
        reading,
        recipients,
    };
    personal_account(&m, out);
    pi_without_finance(&m, out);
}

/// An outgoing message with what both outbound rules read.
struct Outgoing<'a> {
    view: &'a MessageView,
    compiled: &'a Compiled,
    ctx: &'a MessageContext,
    reading: &'a Reading<'a>,
    /// Recipients outside the organisation.
    recipients: Vec<String>,
}

/// Recipients (envelope, To, Cc) outside the organisation, lowercased, each once.
fn external_recipients(
    view: &MessageView,
    ctx: &MessageContext,
    compiled: &Compiled,
) -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    for r in super::recipient_addresses(view, ctx) {
        let r = r.trim().to_lowercase();
        let own =
            crate::domain::address_org(&r).is_some_and(|o| compiled.own_domains.contains_org(&o));
        if !own && !list.contains(&r) {
            list.push(r);
        }
    }
    list
}

/// What marks the message as carrying a business document: an attachment whose name says so,
/// else a phrase of the subject or body. The flag is true for an attachment.
fn business_document(
    view: &MessageView,
    compiled: &Compiled,
    reading: &Reading<'_>,
    categories: &[Category],
) -> Option<(String, bool)> {
    for a in &view.attachments {
        let Some(name) = a.name.as_deref() else {
            continue;
        };
        let scan = compiled.lexicon.scan(name);
        if categories.iter().any(|&c| scan.has(c)) {
            return Some((name.to_string(), true));
        }
    }
    categories
        .iter()
        .find_map(|&c| reading.first(c))
        .map(|q| (q.phrase.to_string(), false))
}

/// Whether a free-mail address shares a name word (three letters or more) with the sender's
/// display name or address, compared as confusable skeletons.
fn resembles(recipient: &str, sender_name: Option<&str>, sender_addr: Option<&str>) -> bool {
    let words = |s: &str| {
        let spaced: String = s
            .chars()
            .map(|c| if c.is_alphabetic() { c } else { ' ' })
            .collect();
        person_tokens(&spaced)
    };
    let local = recipient.split('@').next().unwrap_or("");
    let theirs = words(local);
    let compact: String = theirs.concat();
    let mut ours = sender_name.map(words).unwrap_or_default();
    if let Some(a) = sender_addr {
        ours.extend(words(a.split('@').next().unwrap_or("")));
    }
    ours.iter()
        .filter(|w| w.chars().count() >= 3)
        .any(|w| theirs.contains(w) || compact.contains(w.as_str()))
        || ours
            .windows(2)
            .any(|p| compact.contains(&format!("{}{}", p[0], p[1])))
}

/// `outbound.personal_account`.
fn personal_account(m: &Outgoing<'_>, out: &mut Findings<'_>) {
    let (view, compiled, ctx, reading) = (m.view, m.compiled, m.ctx, m.reading);
    let freemail: Vec<&String> = m
        .recipients
        .iter()
        .filter(|r| {
            crate::domain::address_org(r).is_some_and(|o| compiled.freemail.contains_org(&o))
        })
        .collect();
    if freemail.is_empty() {
        return;
    }
    let Some((document, attached)) = business_document(
        view,
        compiled,
        reading,
        &[Category::Proforma, Category::Document],
    ) else {
        return;
    };
    let author = view.author();
    let name = author.and_then(|a| a.name.as_deref());
    let addr = author.and_then(|a| a.address.as_deref());
    let best = freemail
        .iter()
        .map(|r| {
            let similar = resembles(r, name, addr);
            let strength: f64 = match (similar, Contact::of(ctx, r)) {
                (true, _) => 1.0,
                (false, Contact::Known) => 0.3,
                (false, _) => 0.6,
            };
            (r, similar, strength)
        })
        .max_by(|a, b| a.2.total_cmp(&b.2));
    let Some((recipient, similar, strength)) = best else {
        return;
    };
    let strength = if attached { strength } else { strength * 0.8 };
    out.add(
        &PERSONAL_ACCOUNT,
        strength,
        Evidence::new()
            .with("recipient", recipient.as_str())
            .with("document", document)
            .with("resembles_sender", if similar { "yes" } else { "no" }),
    );
}

/// `outbound.pi_without_finance`: off until `outbound.finance_mailboxes` is set.
fn pi_without_finance(m: &Outgoing<'_>, out: &mut Findings<'_>) {
    let (view, compiled, ctx, reading) = (m.view, m.compiled, m.ctx, m.reading);
    if compiled.finance_mailboxes.is_empty() {
        return;
    }
    let copied = super::recipient_addresses(view, ctx).any(|r| {
        compiled
            .finance_mailboxes
            .iter()
            .any(|f| f.eq_ignore_ascii_case(r.trim()))
    });
    if copied {
        return;
    }
    let instruction = reading
        .bank()
        .iter()
        .find(|f| f.kind != crate::banking::Kind::Beneficiary)
        .map(|f| format!("{} {}", f.kind.as_str(), super::banking::mask(&f.value)));
    let Some(document) = business_document(view, compiled, reading, &[Category::Proforma])
        .map(|d| d.0)
        .or(instruction)
    else {
        return;
    };
    let shown: Vec<&str> = m.recipients.iter().take(3).map(String::as_str).collect();
    out.add(
        &PI_WITHOUT_FINANCE,
        1.0,
        Evidence::new()
            .with("document", document)
            .with("recipients", shown.join(", ")),
    );
}

#[cfg(test)]
mod tests;
