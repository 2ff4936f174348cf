//! The rule catalogue: every detection rule mailrisk can report, with its stable id, family,
//! default weight, description, false-positive notes, references and explanation templates.
//!
//! Rule ids are stable: once released, an id keeps its meaning. A renamed rule keeps its old id
//! in [`Rule::renamed_from`]. Weights here are defaults; the policy may override them
//! (`[scoring.rules."<id>"]`).
//!
//! Explanation templates use `{key}` placeholders filled from the finding's evidence, and
//! `{key|t}` for evidence values that are terms translated by `verdict::explain`.

use serde::Serialize;

/// The family a rule belongs to, which is also the first part of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Family {
    /// Problems with the message itself: malformed headers, limits exceeded.
    Message,
    /// Who the message claims to be from (display names, people).
    Identity,
    /// Sender addresses and domains (Reply-To, lookalikes, own-domain spoofing).
    Sender,
}

impl Family {
    /// The family's name as used in rule ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Message => "message",
            Family::Identity => "identity",
            Family::Sender => "sender",
        }
    }
}

/// One entry of the rule catalogue.
#[derive(Debug, Serialize)]
pub struct Rule {
    id: &'static str,
    family: Family,
    default_weight: f64,
    summary: &'static str,
    description: &'static str,
    false_positives: &'static str,
    references: &'static [&'static str],
    evidence: &'static [(&'static str, &'static str)],
    #[serde(skip)]
    explain_en: &'static str,
    #[serde(skip)]
    explain_zh: &'static str,
    renamed_from: &'static [&'static str],
}

impl Rule {
    /// The stable rule id, e.g. `sender.reply_to_mismatch`.
    pub fn id(&self) -> &'static str {
        self.id
    }
    /// The family the rule belongs to.
    pub fn family(&self) -> Family {
        self.family
    }
    /// The weight a finding of this rule carries at full strength, before policy overrides.
    pub fn default_weight(&self) -> f64 {
        self.default_weight
    }
    /// A one-line summary.
    pub fn summary(&self) -> &'static str {
        self.summary
    }
    /// What the rule detects and why it matters.
    pub fn description(&self) -> &'static str {
        self.description
    }
    /// Known false-positive traps and how the rule avoids them.
    pub fn false_positives(&self) -> &'static str {
        self.false_positives
    }
    /// Public sources the rule is based on.
    pub fn references(&self) -> &'static [&'static str] {
        self.references
    }
    /// The evidence keys a finding of this rule carries, with their meaning.
    pub fn evidence_keys(&self) -> &'static [(&'static str, &'static str)] {
        self.evidence
    }
    /// Earlier ids of this rule, if it was renamed.
    pub fn renamed_from(&self) -> &'static [&'static str] {
        self.renamed_from
    }
    pub(crate) fn template(&self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::En => self.explain_en,
            crate::Lang::Zh => self.explain_zh,
        }
    }
}

/// `message.malformed_from`
pub(crate) static MALFORMED_FROM: Rule = Rule {
    id: "message.malformed_from",
    family: Family::Message,
    default_weight: 0.6,
    summary: "The From header is missing, repeated, or has no valid address.",
    description: "RFC 5322 requires exactly one From header. Messages with no From, several From \
        headers, several From addresses without a Sender, or a From without a valid address are \
        malformed. Attackers use duplicate From headers because mail clients and authentication \
        checks may each read a different one, so the user sees one sender while DMARC checks another.",
    false_positives: "Some old automated systems omit From or send an address without a domain; \
        these get the weaker reasons (missing, invalid address). Duplicate From headers have no \
        legitimate use.",
    references: &[
        "RFC 5322 section 3.6 (field counts)",
        "rspamd rules/headers_checks.lua (MULTIPLE_FROM, FROM_INVALID)",
        "Chen et al., 'Composition Kills', USENIX Security 2020 (multiple From headers)",
    ],
    evidence: &[
        ("reason", "missing | multiple_from_headers | multiple_addresses_without_sender | no_address | invalid_address | no_header_section"),
        ("from", "the raw From field value(s), joined by \" | \", at most 200 characters"),
        ("count", "number of From headers"),
    ],
    explain_en: "The sender header is malformed: {reason|t}.",
    explain_zh: "发件人（From）头格式异常：{reason|t}。",
    renamed_from: &[],
};

/// `message.limit_exceeded`
pub(crate) static LIMIT_EXCEEDED: Rule = Rule {
    id: "message.limit_exceeded",
    family: Family::Message,
    default_weight: 0.2,
    summary: "The message exceeds a configured resource limit; only part of it was analysed.",
    description: "Size, MIME depth, part count, header count, URL count and decoded text are \
        limited by the policy. When a message exceeds a limit, mailrisk analyses what it read and \
        reports the limit, so that a verdict is never silently based on a partial message. \
        Deliberately oversized or deeply nested messages are also a way to evade scanners.",
    false_positives: "Large legitimate mails (big attachments, long threads) can exceed the size \
        or text limits; raise the limits in the policy if that is common.",
    references: &["DESIGN.md section 6 (resource limits)"],
    evidence: &[
        ("limit", "message_bytes | mime_depth | parts | headers | urls | text_bytes"),
        ("actual", "the value the message has (at least)"),
        ("max", "the configured limit"),
    ],
    explain_en: "Only part of the message was analysed: the {limit|t} exceeds the limit of {max} (it is at least {actual}).",
    explain_zh: "邮件只被部分分析：{limit|t}超过上限 {max}（至少为 {actual}）。",
    renamed_from: &[],
};

/// `identity.display_name_address`
pub(crate) static DISPLAY_NAME_ADDRESS: Rule = Rule {
    id: "identity.display_name_address",
    family: Family::Identity,
    default_weight: 0.75,
    summary:
        "The display name shows an e-mail address of another organisation than the real sender.",
    description: "Mail clients often show only the display name. A From such as \
        \"ceo@acme-trade.com\" <x@attacker.example> makes the reader believe the mail comes from \
        acme-trade.com. The rule compares the registrable domain (public-suffix aware) of every \
        address written in the display name with the real From address. It is strongest when the \
        shown address belongs to the organisation itself or to the recipient's domain.",
    false_positives:
        "Mailing lists rewrite From as \"alice@x.com via List\"; calendar and document \
        notifications show the organiser's address; services sending on behalf of a user set \
        Sender to that user. The rule stays quiet for list mail (List-Id, List-Unsubscribe, \
        Precedence: list/bulk), for the policy's notification senders, and when the Sender header \
        belongs to the shown domain; a text/calendar part halves the weight.",
    references: &[
        "rspamd rules/misc.lua (FROM_NEQ_DISPLAY_NAME, SPOOF_DISPLAY_NAME)",
        "SpamAssassin Mail::SpamAssassin::Plugin::FromNameSpoof",
    ],
    evidence: &[
        ("shown", "the address written in the display name"),
        ("from", "the real From address"),
        ("target", "organisation (shown address is in the policy's own domains) | recipient (in a recipient's domain) | other"),
    ],
    explain_en: "The display name shows {shown}, but the message was actually sent from {from}.",
    explain_zh: "显示名称写的是 {shown}，但邮件实际发自 {from}。",
    renamed_from: &[],
};

/// `sender.reply_to_mismatch`
pub(crate) static REPLY_TO_MISMATCH: Rule = Rule {
    id: "sender.reply_to_mismatch",
    family: Family::Sender,
    default_weight: 0.6,
    summary: "Replies would go to another organisation or to a personal freemail account.",
    description: "A Reply-To outside the sender's organisation diverts the conversation: the \
        victim believes they answer their partner, but the reply reaches the attacker. A Reply-To \
        at a freemail provider while From is a company domain is the classic BEC pattern and \
        weighs most.",
    false_positives: "Mailing lists set Reply-To to the list; web contact forms send From and To \
        the site owner with Reply-To the visitor; help desks and e-mail service providers reply \
        from another domain. The rule stays quiet for list mail, when From equals the only \
        recipient, when Reply-To is a recipient or in the organisation's own domains, and weighs \
        'other organisation' lower than 'freemail'.",
    references: &[
        "rspamd rules/misc.lua (SPOOF_REPLYTO, REPLYTO_DOM_NEQ_FROM_DOM)",
        "FBI IC3 Public Service Announcement I-091019-PSA (BEC)",
    ],
    evidence: &[
        ("reply_to", "the Reply-To address"),
        ("from", "the From address"),
        ("kind", "freemail | other_organisation"),
    ],
    explain_en:
        "Replies to this message would go to {reply_to} ({kind|t}), not to the sender {from}.",
    explain_zh: "回复此邮件会发往 {reply_to}（{kind|t}），而不是发件人 {from}。",
    renamed_from: &[],
};

static CATALOGUE: &[&Rule] = &[
    &MALFORMED_FROM,
    &LIMIT_EXCEEDED,
    &DISPLAY_NAME_ADDRESS,
    &REPLY_TO_MISMATCH,
];

/// Every rule mailrisk knows, in catalogue order.
///
/// ```
/// let ids: Vec<&str> = mailrisk::rules().iter().map(|r| r.id()).collect();
/// assert!(ids.contains(&"sender.reply_to_mismatch"));
/// ```
pub fn rules() -> &'static [&'static Rule] {
    CATALOGUE
}

/// Looks a rule up by id (current or former).
///
/// ```
/// let rule = mailrisk::rule("identity.display_name_address").expect("known rule");
/// assert_eq!(rule.family(), mailrisk::Family::Identity);
/// ```
pub fn rule(id: &str) -> Option<&'static Rule> {
    CATALOGUE
        .iter()
        .copied()
        .find(|r| r.id == id || r.renamed_from.contains(&id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_start_with_their_family() {
        let mut seen = HashSet::new();
        for r in rules() {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.starts_with(&format!("{}.", r.family.as_str())),
                "{} does not start with its family",
                r.id
            );
            assert!((0.0..=1.0).contains(&r.default_weight), "{} weight", r.id);
            assert!(!r.explain_en.is_empty() && !r.explain_zh.is_empty());
            assert!(!r.references.is_empty(), "{} has no references", r.id);
            for lang in [crate::Lang::En, crate::Lang::Zh] {
                let mut rest = r.template(lang);
                while let Some(p) = rest.find('{') {
                    let end = rest[p..].find('}').map_or(rest.len(), |e| p + e);
                    let key = rest[p + 1..end].trim_end_matches("|t");
                    assert!(
                        r.evidence.iter().any(|(k, _)| *k == key),
                        "{} template uses undeclared evidence key {key}",
                        r.id
                    );
                    rest = &rest[end..];
                }
            }
        }
    }

    #[test]
    fn lookup_finds_rules_and_rejects_unknown_ids() {
        assert!(rule("message.limit_exceeded").is_some());
        assert!(rule("no.such_rule").is_none());
    }
}
