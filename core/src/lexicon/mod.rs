//! Multilingual phrase sets compiled into one Aho-Corasick automaton.
//!
//! The built-in phrases live in `core/data/lexicon.toml` (categories × languages); a policy adds
//! its own under `[lexicon]`. Phrases and message text go through the same
//! [`normalize`](normalize::normalize), so obfuscation (`ba​nk acc0unt`, full-width letters,
//! Cyrillic lookalikes) does not hide a phrase. A scan reports every phrase occurrence with
//! its sentence, so rules can ask for two categories in the same sentence ("bank account" near
//! "changed") instead of reacting to single words.
//!
//! The built-in automaton is compiled once per process and shared by every engine whose policy
//! adds no phrases.

pub(crate) mod normalize;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use normalize::{needs_boundary, Normalized, BOUNDARY};

const BUILTIN: &str = include_str!("../../data/lexicon.toml");

/// Defines [`Category`] with its key in the data file and the policy.
macro_rules! categories {
    ($($variant:ident => $key:literal: $doc:literal),+ $(,)?) => {
        /// A phrase category (a table of `core/data/lexicon.toml`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(crate) enum Category {
            $(#[doc = $doc] $variant),+
        }

        impl Category {
            /// Every category, in data-file order.
            pub(crate) const ALL: &'static [Category] = &[$(Category::$variant),+];

            /// The key used in the data file and under the policy's `[lexicon]`.
            pub(crate) fn key(self) -> &'static str {
                match self {
                    $(Category::$variant => $key),+
                }
            }
        }
    };
}

categories! {
    BankChange => "bank_change": "The bank or payment details have changed (enough on its own).",
    BankDetails => "bank_details": "Bank or payment details, the thing that changes.",
    Change => "change": "Change words: new, changed, updated.",
    Pretext => "pretext": "Reasons given for a change: audit, tax, a frozen account.",
    Payment => "payment": "Asking for money to be sent.",
    Urgency => "urgency": "Time pressure.",
    Secrecy => "secrecy": "Keep it secret, go around the usual process.",
    Authority => "authority": "Leaning on rank: the boss is busy, the boss asked.",
    GiftCard => "gift_card": "Gift and prepaid cards.",
    GiftRequest => "gift_request": "Asking to buy something and send the codes.",
    PhoneHarvest => "phone_harvest": "Asking for a phone number or a chat app.",
    Credential => "credential": "Credential phishing lures.",
    Document => "document": "Trade documents: invoice, quotation, contract, B/L, L/C.",
    Proforma => "proforma": "Proforma invoices.",
}

impl Category {
    /// The category with data-file key `key`.
    pub(crate) fn from_key(key: &str) -> Option<Category> {
        Category::ALL.iter().copied().find(|c| c.key() == key)
    }
}

/// The language tag of phrases added by the policy.
pub(crate) const POLICY_LANG: &str = "policy";

/// One phrase of the automaton.
#[derive(Debug)]
pub(crate) struct Phrase {
    pub(crate) category: Category,
    /// Language key from the data file (`en`, `zh_hans` …) or [`POLICY_LANG`].
    pub(crate) lang: Box<str>,
    /// Must not follow a letter or digit.
    start_boundary: bool,
    /// Must not be followed by a letter or digit (false for `*` prefixes).
    end_boundary: bool,
    /// A word prefix (`word*`): the hit covers the rest of the word.
    prefix: bool,
}

/// Why a phrase cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PhraseError {
    /// No category has this key.
    #[error("unknown category {0:?} (expected one of {list})", list = keys())]
    UnknownCategory(String),
    /// The phrase has nothing left to match after normalisation.
    #[error("phrase {0:?} is empty after normalisation")]
    Empty(String),
}

fn keys() -> String {
    Category::ALL
        .iter()
        .map(|c| c.key())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The phrase text to compile, and whether it is a prefix (`word*`).
fn prepare(phrase: &str) -> Result<(String, bool), PhraseError> {
    let (body, prefix) = match phrase.trim().strip_suffix('*') {
        Some(b) => (b, true),
        None => (phrase.trim(), false),
    };
    let text = normalize::normalize(body).text;
    let text = text.trim_matches(|c| c == ' ' || c == char::from(BOUNDARY));
    if text.is_empty() || text.contains(char::from(BOUNDARY)) {
        return Err(PhraseError::Empty(phrase.to_string()));
    }
    Ok((text.to_string(), prefix))
}

/// Checks the policy's extra phrases: known categories and usable phrases. Each problem comes
/// with the path under `lexicon`.
pub(crate) fn check_extra(extra: &BTreeMap<String, Vec<String>>) -> Vec<(String, PhraseError)> {
    let mut problems = Vec::new();
    for (key, phrases) in extra {
        if Category::from_key(key).is_none() {
            problems.push((key.clone(), PhraseError::UnknownCategory(key.clone())));
            continue;
        }
        for (i, p) in phrases.iter().enumerate() {
            if let Err(e) = prepare(p) {
                problems.push((format!("{key}[{i}]"), e));
            }
        }
    }
    problems
}

/// The compiled phrase sets.
#[derive(Debug)]
pub(crate) struct Lexicon {
    /// `None` only if the automaton could not be built (it exceeded aho-corasick's size limits,
    /// which the built-in data is far below); scans then find nothing.
    automaton: Option<AhoCorasick>,
    phrases: Vec<Phrase>,
}

impl Lexicon {
    /// The built-in phrases, compiled once per process.
    pub(crate) fn builtin() -> Arc<Lexicon> {
        static BUILT: OnceLock<Arc<Lexicon>> = OnceLock::new();
        BUILT
            .get_or_init(|| Arc::new(Lexicon::build(&BTreeMap::new())))
            .clone()
    }

    /// The built-in phrases plus the policy's, or the shared built-in automaton when the policy
    /// adds none.
    pub(crate) fn for_policy(extra: &BTreeMap<String, Vec<String>>) -> Arc<Lexicon> {
        if extra.values().all(Vec::is_empty) {
            Lexicon::builtin()
        } else {
            Arc::new(Lexicon::build(extra))
        }
    }

    /// Compiles the built-in phrases and `extra`. Phrases that fail [`check_extra`] are left
    /// out (a validated policy has none). The built-in file is part of the binary and checked by
    /// a test; should it fail to parse anyway, only the policy's phrases are used.
    fn build(extra: &BTreeMap<String, Vec<String>>) -> Lexicon {
        type File = BTreeMap<String, BTreeMap<String, Vec<String>>>;
        let builtin: File = toml::from_str(BUILTIN).unwrap_or_default();
        let mut patterns = Vec::new();
        let mut phrases = Vec::new();
        let mut add = |category: Category, lang: &str, phrase: &str| {
            let Ok((text, prefix)) = prepare(phrase) else {
                return;
            };
            let first = text.chars().next().is_some_and(needs_boundary);
            let last = text.chars().next_back().is_some_and(needs_boundary);
            phrases.push(Phrase {
                category,
                lang: lang.into(),
                start_boundary: first,
                end_boundary: last && !prefix,
                prefix,
            });
            patterns.push(text);
        };
        for (key, langs) in &builtin {
            let Some(category) = Category::from_key(key) else {
                continue;
            };
            for (lang, list) in langs {
                for p in list {
                    add(category, lang, p);
                }
            }
        }
        for (key, list) in extra {
            if let Some(category) = Category::from_key(key) {
                for p in list {
                    add(category, POLICY_LANG, p);
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .or_else(|_| AhoCorasick::builder().build(&patterns))
            .ok();
        Lexicon { automaton, phrases }
    }

    /// How many phrases are compiled.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Every phrase occurrence in `text`.
    pub(crate) fn scan(&self, text: &str) -> Scan {
        let norm = normalize::normalize(text);
        let bytes = norm.text.as_bytes();
        let mut hits = Vec::new();
        let mut sentence = 0u32;
        let mut counted_to = 0usize;
        let Some(automaton) = &self.automaton else {
            return Scan { norm, hits };
        };
        for m in automaton.find_overlapping_iter(bytes) {
            if hits.len() >= MAX_HITS {
                break;
            }
            let Some(phrase) = self.phrases.get(m.pattern().as_usize()) else {
                continue;
            };
            if phrase.start_boundary && ends_word(&norm.text[..m.start()]) {
                continue;
            }
            if phrase.end_boundary && starts_word(&norm.text[m.end()..]) {
                continue;
            }
            // Overlapping matches come in order of their end, so starts may go back a little;
            // count boundaries up to the end instead (no phrase contains one).
            if m.end() > counted_to {
                sentence += count_boundaries(&bytes[counted_to..m.end()]);
                counted_to = m.end();
            }
            // A prefix phrase covers the rest of its word (`реквизит*` → `реквизитам`).
            let end = if !phrase.prefix {
                m.end()
            } else {
                let rest = &norm.text[m.end()..];
                m.end()
                    + rest
                        .find(|c: char| !c.is_alphanumeric())
                        .unwrap_or(rest.len())
            };
            hits.push(Hit {
                category: phrase.category,
                phrase: m.pattern().as_u32(),
                start: m.start(),
                end,
                sentence,
            });
        }
        Scan {
            norm,
            hits: drop_contained(hits),
        }
    }

    /// The phrase a hit matched.
    pub(crate) fn phrase(&self, hit: &Hit) -> Option<&Phrase> {
        self.phrases.get(hit.phrase as usize)
    }
}

/// At most this many phrase occurrences are kept per text, so hostile input (the same phrase
/// ten thousand times) costs bounded memory and time in the rules.
const MAX_HITS: usize = 2048;

/// Drops hits inside a longer hit of the same category ("bank" inside "bank details"), so
/// evidence quotes the whole phrase. Hits come in order of their end, so a hit's container is
/// among the few that follow it.
fn drop_contained(hits: Vec<Hit>) -> Vec<Hit> {
    let keep: Vec<bool> = (0..hits.len())
        .map(|i| {
            let h = &hits[i];
            !hits[i + 1..]
                .iter()
                .take(8)
                .any(|o| o.category == h.category && o.start <= h.start && o.end >= h.end)
        })
        .collect();
    hits.into_iter()
        .zip(keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect()
}

fn count_boundaries(bytes: &[u8]) -> u32 {
    // A slice of a message capped far below 4 GiB.
    u32::try_from(bytes.iter().filter(|&&b| b == BOUNDARY).count()).unwrap_or(u32::MAX)
}

fn ends_word(before: &str) -> bool {
    before
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn starts_word(after: &str) -> bool {
    after.chars().next().is_some_and(char::is_alphanumeric)
}

/// One phrase occurrence in normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) category: Category,
    phrase: u32,
    /// Byte range in the normalised text.
    start: usize,
    end: usize,
    /// The sentence (count of boundaries before the hit).
    pub(crate) sentence: u32,
}

/// The result of scanning one text.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    norm: Normalized,
    hits: Vec<Hit>,
}

/// How far apart (in normalised bytes) two phrases of one sentence may be to count as near.
pub(crate) const NEAR: usize = 160;

impl Scan {
    /// Every hit, in order of their end.
    #[cfg(test)]
    pub(crate) fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// The hits of one category.
    pub(crate) fn of(&self, category: Category) -> impl Iterator<Item = &Hit> {
        self.hits.iter().filter(move |h| h.category == category)
    }

    /// Whether a hit of `category` occurs.
    pub(crate) fn has(&self, category: Category) -> bool {
        self.hits.iter().any(|h| h.category == category)
    }

    /// The first hit of `a` that has a hit of `b` in the same sentence within [`NEAR`] bytes and
    /// not overlapping it, with that hit.
    pub(crate) fn near(&self, a: Category, b: Category) -> Option<(Hit, Hit)> {
        self.of(a).find_map(|x| {
            self.of(b)
                .find(|y| {
                    let gap = if y.start >= x.end {
                        Some(y.start - x.end)
                    } else if x.start >= y.end {
                        Some(x.start - y.end)
                    } else {
                        None
                    };
                    y.sentence == x.sentence && gap.is_some_and(|g| g <= NEAR)
                })
                .map(|y| (*x, *y))
        })
    }

    /// The original text a hit came from and its byte offset in `original` (the text given to
    /// [`Lexicon::scan`]).
    pub(crate) fn quote<'t>(&self, original: &'t str, hit: &Hit) -> Option<(&'t str, usize)> {
        let start = *self.norm.origin.get(hit.start)? as usize;
        let last = *self.norm.origin.get(hit.end.checked_sub(1)?)? as usize;
        let end = last + original.get(last..)?.chars().next()?.len_utf8();
        Some((original.get(start..end)?, start))
    }
}

#[cfg(test)]
mod tests;
