//! `content.*` rules: what the message asks for, from the phrase lexicon.
//!
//! [`Reading`] scans the subject and the body once per message; the content, banking and
//! outbound detectors all read it. Rules combine categories (bank words next to a change word
//! in one sentence) rather than react to single words.

use std::cell::OnceCell;

use crate::banking::{self, Found};
use crate::compiled::Compiled;
use crate::lexicon::{Category, Hit, Lexicon, Scan};
use crate::message::MessageView;
use crate::rules::{
    AUTHORITY, BANK_DETAIL_CHANGE, CREDENTIAL_LURE, GIFT_CARDS, PAYMENT_URGENCY, PHONE_HARVESTING,
    SECRECY,
};
use crate::verdict::{Evidence, Findings};

/// At most this many bank identifiers are read from one message.
const MAX_FOUND: usize = 64;

/// Where a phrase was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Subject,
    Body,
}

impl Place {
    fn as_str(self) -> &'static str {
        match self {
            Place::Subject => "subject",
            Place::Body => "body",
        }
    }
}

/// A phrase occurrence, quoted from the message (borrowed: quoting allocates nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quote<'a> {
    pub(crate) phrase: &'a str,
    pub(crate) place: Place,
    pub(crate) offset: usize,
    /// The phrase's language tag in the lexicon.
    pub(crate) lang: &'a str,
    /// Inside text quoted from an earlier message (after "On … wrote:"; `> ` lines are cut
    /// out by the normaliser already).
    pub(crate) quoted: bool,
}

impl Quote<'_> {
    /// The evidence every content finding carries.
    pub(crate) fn evidence(&self) -> Evidence {
        Evidence::new()
            .with("phrase", self.phrase)
            .with("place", self.place.as_str())
            .with("offset", self.offset.to_string())
            .with("lang", self.lang)
    }

    /// How much of a finding a phrase here keeps.
    pub(crate) fn factor(&self) -> f64 {
        if self.quoted {
            0.5
        } else {
            1.0
        }
    }
}

/// What the message says and which bank details it carries, read once per message.
pub(crate) struct Reading<'a> {
    lexicon: &'a Lexicon,
    view: &'a MessageView,
    subject: Scan,
    body: Scan,
    /// Where quoted earlier correspondence starts in the body text.
    quoted_from: usize,
    /// Bank identifiers and beneficiary names in the body, read on first use (most messages
    /// never need them).
    bank: OnceCell<Vec<Found>>,
}

impl<'a> Reading<'a> {
    pub(crate) fn new(view: &'a MessageView, compiled: &'a Compiled) -> Reading<'a> {
        let lexicon = &*compiled.lexicon;
        let quoted = quoted_from(&view.text);
        let read_to = view.text.floor_char_boundary(
            quoted.saturating_add(compiled.policy.limits.max_quoted_text_bytes),
        );
        Reading {
            lexicon,
            view,
            subject: view
                .subject
                .as_deref()
                .map(|s| lexicon.scan(s))
                .unwrap_or_default(),
            body: lexicon.scan(&view.text[..read_to]),
            quoted_from: quoted,
            bank: OnceCell::new(),
        }
    }

    /// The body's own text, before any quoted earlier correspondence.
    pub(crate) fn new_text(&self) -> &'a str {
        let text = self.view.text.as_str();
        text.get(..self.quoted_from).unwrap_or(text)
    }

    /// Whether the body quotes earlier correspondence (a reply or a thread).
    pub(crate) fn has_quoted_text(&self) -> bool {
        self.quoted_from < self.view.text.len()
    }

    /// Bank identifiers and beneficiary names in the body.
    pub(crate) fn bank(&self) -> &[Found] {
        self.bank
            .get_or_init(|| banking::extract(&self.view.text, MAX_FOUND))
    }

    fn scans(&self) -> [(Place, &Scan, &'a str); 2] {
        [
            (
                Place::Subject,
                &self.subject,
                self.view.subject.as_deref().unwrap_or(""),
            ),
            (Place::Body, &self.body, self.view.text.as_str()),
        ]
    }

    fn quote(&self, place: Place, scan: &Scan, text: &'a str, hit: &Hit) -> Option<Quote<'a>> {
        let (phrase, offset) = scan.quote(text, hit)?;
        Some(Quote {
            phrase,
            place,
            offset,
            lang: self.lexicon.phrase(hit).map_or("", |p| &*p.lang),
            quoted: place == Place::Body && offset >= self.quoted_from,
        })
    }

    /// Whether the subject or body has a phrase of `category`.
    pub(crate) fn has(&self, category: Category) -> bool {
        self.subject.has(category) || self.body.has(category)
    }

    /// The first phrase of `category`, new text before quoted text, subject first.
    pub(crate) fn first(&self, category: Category) -> Option<Quote<'a>> {
        self.first_by(category, false)
    }

    /// [`Reading::first`]; when `asserted`, only in a sentence that does not say nothing
    /// changed.
    fn first_by(&self, category: Category, asserted: bool) -> Option<Quote<'a>> {
        let mut quoted = None;
        for (place, scan, text) in self.scans() {
            for h in scan.of(category).filter(|h| !(asserted && scan.negated(h))) {
                let Some(q) = self.quote(place, scan, text, h) else {
                    continue;
                };
                if !q.quoted {
                    return Some(q);
                }
                quoted = quoted.or(Some(q));
            }
        }
        quoted
    }

    /// The first phrase of `a` with a phrase of `b` in the same sentence, new text first.
    pub(crate) fn near(&self, a: Category, b: Category) -> Option<(Quote<'a>, Quote<'a>)> {
        self.near_by(a, b, false)
    }

    /// [`Reading::near`]; when `asserted`, only in a sentence that does not say nothing
    /// changed.
    fn near_by(&self, a: Category, b: Category, asserted: bool) -> Option<(Quote<'a>, Quote<'a>)> {
        let mut found = self.scans().into_iter().filter_map(|(place, scan, text)| {
            let (x, y) = scan.near_by(a, b, |h| !(asserted && scan.negated(h)))?;
            Some((
                self.quote(place, scan, text, &x)?,
                self.quote(place, scan, text, &y)?,
            ))
        });
        let first = found.next()?;
        if first.0.quoted {
            return Some(found.next().unwrap_or(first));
        }
        Some(first)
    }

    /// Change language: a change phrase, or bank words next to a change word or a pretext, in
    /// a sentence that does not say nothing changed ("our bank details remain unchanged").
    /// Returns the phrase, the word next to it, and the strength it deserves.
    pub(crate) fn bank_change(&self) -> Option<(Quote<'a>, Option<Quote<'a>>, f64)> {
        let strong = self
            .first_by(Category::BankChange, true)
            .map(|q| (q, None, 1.0));
        let paired = [(Category::Change, 0.85), (Category::Pretext, 0.8)]
            .into_iter()
            .filter_map(|(c, s)| {
                self.near_by(Category::BankDetails, c, true)
                    .map(|(a, b)| (a, Some(b), s))
            });
        strong
            .into_iter()
            .chain(paired)
            .max_by(|a, b| (a.2 * a.0.factor()).total_cmp(&(b.2 * b.0.factor())))
    }
}

/// Where quoted earlier correspondence starts: the first reply header (`On … wrote:`,
/// `-----Original Message-----`, Outlook's `From:`/`Sent:` block, `发件人:`), or the end.
/// Forwarded messages are not quoted text: what is forwarded is what the sender asks about.
pub(crate) fn quoted_from(text: &str) -> usize {
    /// ASCII-case-insensitive prefix and suffix tests, without allocating.
    fn starts(l: &str, p: &str) -> bool {
        l.len() >= p.len() && l.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    }
    fn ends(l: &str, p: &str) -> bool {
        l.len() >= p.len() && l.as_bytes()[l.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes())
    }
    const HEADERS: &[&str] = &[
        "-----original message",
        "-----ursprüngliche nachricht",
        "-----message d'origine",
        "发件人:",
        "发件人：",
        "寄件者:",
        "寄件者：",
    ];
    let mut offset = 0;
    let mut prev_from = None;
    for line in text.split_inclusive('\n') {
        let l = line.trim();
        let reply_header = HEADERS.iter().any(|h| starts(l, h))
            || (starts(l, "on ") && ends(l, "wrote:"))
            || (starts(l, "am ") && ends(l, "schrieb:"))
            || (starts(l, "le ") && ends(l, "a écrit :"))
            || (l.starts_with('在') && l.ends_with("写道："))
            || (l.starts_with('-') && l.contains("原始邮件"));
        if reply_header {
            return offset;
        }
        if let Some(from_line) = prev_from.filter(|_| starts(l, "sent:") || starts(l, "date:")) {
            return from_line;
        }
        prev_from = starts(l, "from:").then_some(offset);
        offset += line.len();
    }
    text.len()
}

pub(crate) fn check(
    reading: &Reading<'_>,
    view: &MessageView,
    compiled: &Compiled,
    out: &mut Findings<'_>,
) {
    if let Some((q, near, strength)) = reading.bank_change() {
        let mut ev = q.evidence();
        if let Some(n) = &near {
            ev = ev.with("near", n.phrase);
        }
        out.add(&BANK_DETAIL_CHANGE, strength * q.factor(), ev);
    }
    let money = reading.has(Category::Payment)
        || reading.has(Category::BankDetails)
        || reading.has(Category::BankChange)
        || reading.has(Category::GiftCard);
    let urgent = reading
        .near(Category::Urgency, Category::Payment)
        .or_else(|| reading.near(Category::Urgency, Category::BankDetails));
    if let Some((q, n)) = urgent {
        let ev = q.evidence().with("near", n.phrase);
        out.add(&PAYMENT_URGENCY, q.factor(), ev);
    }
    let gift = reading.near(Category::GiftCard, Category::GiftRequest);
    if let Some((q, n)) = &gift {
        let ev = q.evidence().with("near", n.phrase);
        out.add(&GIFT_CARDS, q.factor(), ev);
    }
    if let Some(q) = reading.first(Category::Secrecy) {
        let strength = if money { 1.0 } else { 0.6 };
        out.add(&SECRECY, strength * q.factor(), q.evidence());
    }
    let phone = reading.first(Category::PhoneHarvest);
    if let Some(q) = &phone {
        out.add(&PHONE_HARVESTING, q.factor(), q.evidence());
    }
    if let Some(q) = reading.first(Category::Authority) {
        let request = money || gift.is_some() || phone.is_some() || reading.has(Category::Secrecy);
        let strength = if request { 1.0 } else { 0.5 };
        out.add(&AUTHORITY, strength * q.factor(), q.evidence());
    }
    if let Some(q) = reading.first(Category::Credential) {
        let strength = if view.urls.is_empty() { 0.6 } else { 1.0 };
        out.add(&CREDENTIAL_LURE, strength * q.factor(), q.evidence());
    }
    request::check(reading, view, compiled, out);
}

pub(crate) mod request;
#[cfg(test)]
mod tests;
