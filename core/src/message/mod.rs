//! From raw RFC 5322 bytes to a normalised [`MessageView`]: addresses and display names,
//! envelope-related headers, the Received chain, raw Authentication-Results, mailing-list
//! markers, decoded text of every text part (HTML turned into text) in UTF-8, URLs with their
//! visible text, attachments with their sniffed type, and nested messages.
//!
//! This is the only module that touches mail-parser. Resource limits from the policy are
//! enforced here: what exceeds a limit is not read, and the view records which limit was hit.

pub(crate) mod archive;
mod html;
mod parse;
mod sniff;
pub(crate) mod urls;

use std::net::IpAddr;

pub(crate) use parse::Parser;

/// One address with its display name, as written in a header, normalised once here so that
/// detectors never lowercase or look up the Public Suffix List again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Mailbox {
    /// The display name, decoded (RFC 2047) and trimmed; `None` when absent or empty.
    pub(crate) name: Option<String>,
    /// The address, trimmed and lowercased; `None` when the header had no address.
    pub(crate) address: Option<String>,
    /// The registrable domain of the address (`mail.acme.co.uk` → `acme.co.uk`).
    pub(crate) org: Option<String>,
    /// Addresses written inside the display name (From mailboxes only), from
    /// [`addresses_in`], read once here for every rule that needs them.
    pub(crate) shown: Vec<String>,
}

impl Mailbox {
    /// A mailbox from a display name and an address (normalised here).
    pub(crate) fn new(name: Option<&str>, address: Option<&str>) -> Mailbox {
        let name = name
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|n| !n.is_empty());
        let address = address
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let org = address.as_deref().and_then(crate::domain::address_org);
        Mailbox {
            name,
            address,
            org,
            shown: Vec::new(),
        }
    }
}

/// Addresses written inside a display name, lowercased. Full-width `＠` and `．` count.
pub(crate) fn addresses_in(name: &str) -> Vec<String> {
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
        let dom = crate::domain::normalize(dom.trim_end_matches(['.', '-']));
        let local = local.trim_start_matches(['.', '-', '\'']);
        if !local.is_empty() && crate::domain::is_valid_domain(&dom) {
            found.push(format!("{}@{dom}", local.to_lowercase()));
        }
    }
    found
}

/// One From header field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FromField {
    /// The raw field value, unfolded and trimmed.
    pub(crate) raw: String,
    /// The mailboxes it lists.
    pub(crate) mailboxes: Vec<Mailbox>,
}

/// One Received header, top (newest) first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) from_ip: Option<IpAddr>,
    pub(crate) from_host: Option<String>,
    pub(crate) by_host: Option<String>,
}

/// One `Authentication-Results` header field, with where it stands in the header section: the
/// trust boundary is drawn by the Received chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResultsHeader {
    /// The field value, unfolded and trimmed.
    pub(crate) value: String,
    /// How many Received fields stand above it.
    pub(crate) received_above: usize,
}

/// Mailing-list markers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ListInfo {
    pub(crate) list_id: Option<String>,
    pub(crate) unsubscribe: bool,
    pub(crate) precedence: Option<String>,
}

impl ListInfo {
    /// Whether the message carries the marks of a mailing list or bulk sender.
    pub(crate) fn is_list(&self) -> bool {
        self.list_id.is_some()
            || self.unsubscribe
            || matches!(self.precedence.as_deref(), Some("list" | "bulk" | "junk"))
    }
}

/// A URL found in the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Url {
    /// The URL as written (HTML character references decoded).
    pub(crate) href: String,
    /// Lowercased scheme (`http` for bare `www.` links).
    pub(crate) scheme: String,
    /// Lowercased host, when the URL has one.
    pub(crate) host: Option<String>,
    /// The visible text of an HTML link.
    pub(crate) text: Option<String>,
}

/// An attachment (or a non-text inline part).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Attachment {
    pub(crate) name: Option<String>,
    /// Declared media type, lowercased (`application/pdf`).
    pub(crate) declared_type: String,
    /// Decoded size in bytes.
    pub(crate) size: usize,
    /// Media type from the magic bytes, when recognised.
    pub(crate) sniffed_type: Option<&'static str>,
    /// Nesting depth (0 for the top-level message's parts).
    pub(crate) depth: usize,
    /// Member names, when the content is a ZIP archive (read from its directory, at most
    /// `archive::MAX_MEMBERS`).
    pub(crate) members: Vec<String>,
    /// Whether the content is HTML with a password field.
    pub(crate) password_form: bool,
}

/// A limit that the message exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LimitHit {
    /// Which limit (`message_bytes`, `mime_depth`, `parts`, `headers`, `urls`, `text_bytes`).
    pub(crate) limit: &'static str,
    /// The value the message has (at least).
    pub(crate) actual: usize,
    /// The configured maximum.
    pub(crate) max: usize,
}

/// A normalised, size-bounded view of a message: everything detectors read.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageView {
    /// False when the input had no header section at all.
    pub(crate) has_headers: bool,
    pub(crate) from: Vec<FromField>,
    pub(crate) sender: Option<Mailbox>,
    pub(crate) reply_to: Vec<Mailbox>,
    pub(crate) return_path: Option<String>,
    pub(crate) to: Vec<Mailbox>,
    pub(crate) cc: Vec<Mailbox>,
    pub(crate) subject: Option<String>,
    pub(crate) message_id: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) received: Vec<Hop>,
    /// `Authentication-Results` fields, top first. (`ARC-Authentication-Results` are not kept:
    /// no rule reads them; a validated chain is taken from the trusted `arc=` result.)
    pub(crate) auth_results: Vec<ResultsHeader>,
    /// The sealing domain (`d=`) of the `ARC-Seal` with the highest instance (`i=`), lowercased.
    pub(crate) arc_sealer: Option<String>,
    pub(crate) list: ListInfo,
    /// Decoded body text of all readable parts, separated by blank lines.
    pub(crate) text: String,
    pub(crate) urls: Vec<Url>,
    pub(crate) attachments: Vec<Attachment>,
    /// Whether a text/calendar part is present (an invitation).
    pub(crate) has_calendar: bool,
    pub(crate) limits: Vec<LimitHit>,
}

impl MessageView {
    /// Every mailbox of every From header.
    pub(crate) fn author_mailboxes(&self) -> impl Iterator<Item = &Mailbox> {
        self.from.iter().flat_map(|f| f.mailboxes.iter())
    }

    /// The first From mailbox that has an address: the sender as a reader sees it.
    pub(crate) fn author(&self) -> Option<&Mailbox> {
        self.author_mailboxes().find(|m| m.address.is_some())
    }

    /// The author's display name, address and registrable domain, when it has all three.
    pub(crate) fn named_author(&self) -> Option<(&str, &str, &str)> {
        let a = self.author()?;
        Some((a.name.as_deref()?, a.address.as_deref()?, a.org.as_deref()?))
    }

    /// To and Cc recipients.
    pub(crate) fn recipients(&self) -> impl Iterator<Item = &Mailbox> {
        self.to.iter().chain(self.cc.iter())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_addresses_in_display_names() {
        assert_eq!(
            super::addresses_in("ceo@acme-trade.com"),
            ["ceo@acme-trade.com"]
        );
        assert_eq!(
            super::addresses_in("Li Wei (li.wei@Acme-Trade.com.)"),
            ["li.wei@acme-trade.com"]
        );
        assert_eq!(
            super::addresses_in("boss＠acme-trade．com"),
            ["boss@acme-trade.com"]
        );
        assert!(super::addresses_in("Support @ Acme").is_empty());
        assert!(super::addresses_in("me@localhost").is_empty());
    }
}
