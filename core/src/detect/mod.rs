//! Detectors. One file per family; each exposes `check(view, compiled, ctx, out)`, reads only the
//! [`MessageView`](crate::message::MessageView), and never talks to another detector.

mod attachments;
mod auth;
mod banking;
mod content;
mod identity;
pub(crate) mod links;
mod message;
mod outbound;
mod sender;

use crate::compiled::Compiled;
use crate::context::{Direction, MessageContext};
use crate::message::MessageView;
use crate::verdict::Findings;

/// Runs every detector that applies to the message's direction.
pub(crate) fn run(
    raw: &[u8],
    view: &MessageView,
    compiled: &Compiled,
    ctx: &MessageContext,
    out: &mut Findings<'_>,
) {
    message::check(view, out);
    let reading = content::Reading::new(view, compiled);
    match ctx.direction() {
        Direction::Inbound | Direction::Internal => {
            let authentication = crate::auth::Authentication::read(raw, view, compiled, ctx);
            auth::check(view, compiled, &authentication, out);
            identity::check(view, compiled, ctx, out);
            sender::check(view, compiled, ctx, &authentication, out);
            links::check(view, compiled, out);
            attachments::check(view, out);
        }
        Direction::Outbound { .. } => outbound::check(view, compiled, ctx, &reading, out),
    }
    // What the message asks for matters both ways: a stolen mailbox sends the payment change.
    banking::check(view, compiled, &reading, out);
    content::check(&reading, view, compiled, out);
}

/// The features `content.bec_request` reads from a message (see `Engine::request_features`).
pub(crate) fn request_features(
    view: &MessageView,
    compiled: &Compiled,
) -> Vec<(&'static str, f64)> {
    content::request::features(&content::Reading::new(view, compiled))
}

/// What the host's correspondence history says about a sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Contact {
    /// Mail has been exchanged with this address before.
    Known,
    /// The host keeps a history and this address is not in it.
    First,
    /// The host supplied no history.
    Unknown,
}

impl Contact {
    pub(crate) fn of(ctx: &MessageContext, address: &str) -> Contact {
        if !ctx.has_correspondent_knowledge() {
            Contact::Unknown
        } else if ctx.is_known_correspondent(address) {
            Contact::Known
        } else {
            Contact::First
        }
    }

    /// How much an impersonation finding keeps: all of it on first contact, less without
    /// history, half for a known correspondent.
    pub(crate) fn factor(self) -> f64 {
        match self {
            Contact::First => 1.0,
            Contact::Unknown => 0.9,
            Contact::Known => 0.5,
        }
    }
}

/// Whether a protected person is a partner's contact: they have addresses, and all of them are
/// at domains that are neither the organisation's own nor free-mail.
pub(crate) fn is_partner_contact(person: &crate::policy::Person, compiled: &Compiled) -> bool {
    !person.addresses.is_empty()
        && person.addresses.iter().all(|a| {
            crate::domain::address_org(a).is_some_and(|o| {
                !compiled.own_domains.contains_org(&o) && !compiled.freemail.contains_org(&o)
            })
        })
}

/// Every recipient address: envelope recipients and To/Cc, lowercased.
pub(crate) fn recipient_addresses<'a>(
    view: &'a MessageView,
    ctx: &'a MessageContext,
) -> impl Iterator<Item = &'a str> {
    ctx.get_recipients()
        .iter()
        .map(String::as_str)
        .chain(view.recipients().filter_map(|m| m.address.as_deref()))
}

/// Whether `org` is the registrable domain of any recipient (envelope or To/Cc).
pub(crate) fn is_recipient_org(view: &MessageView, ctx: &MessageContext, org: &str) -> bool {
    view.recipients().any(|m| m.org.as_deref() == Some(org))
        || ctx
            .get_recipients()
            .iter()
            .any(|r| crate::domain::address_org(r).as_deref() == Some(org))
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Helpers for detector tests: score a message under a policy and list the rule ids found.
    use crate::{Engine, MessageContext, Policy, Verdict};

    pub(crate) fn score_with(policy_toml: &str, raw: &str, ctx: &MessageContext) -> Verdict {
        let policy = Policy::from_toml_str(policy_toml).expect("test policy");
        let engine = Engine::new(policy).expect("engine");
        engine.score_message(raw.replace('\n', "\r\n").as_bytes(), ctx)
    }

    pub(crate) fn score(raw: &str) -> Verdict {
        score_with("", raw, &MessageContext::inbound())
    }

    /// The evidence value `key` of the first finding of `rule`.
    pub(crate) fn evidence(v: &Verdict, rule: &str, key: &str) -> Option<String> {
        v.findings()
            .iter()
            .find(|f| f.id() == rule)
            .and_then(|f| f.evidence().get(key).map(str::to_string))
    }

    /// Standard base64 with padding, for test messages and DNS key records.
    pub(crate) fn base64(data: &[u8]) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                out.push(if i <= chunk.len() {
                    char::from(T[((n >> (18 - 6 * i)) & 63) as usize])
                } else {
                    '='
                });
            }
        }
        out
    }

    /// Asserts that every explanation of the verdict is fully rendered in both languages.
    pub(crate) fn assert_explained(v: &Verdict) {
        for f in v.findings() {
            for lang in [crate::Lang::En, crate::Lang::Zh] {
                let e = f.explain(lang);
                assert!(
                    !e.contains('{'),
                    "unrendered placeholder in {}: {e}",
                    f.id()
                );
            }
        }
    }
}
