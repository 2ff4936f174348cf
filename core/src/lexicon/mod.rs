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

use aho_corasick::automaton::Automaton as _;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, MatchKind, StartKind};

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
    Request => "request": "Asking the reader to act: can you, I need you to, 麻烦你.",
    Payroll => "payroll": "Payroll and direct deposit: where a salary is paid.",
    Records => "records": "Records worth stealing: tax forms, aging reports, staff lists.",
    Availability => "availability": "Are you there? The opening of a request still to come.",
    Task => "task": "An unnamed job for the reader: a quick task, a favour.",
    Unavailable => "unavailable": "The sender cannot be reached: in a meeting, on a flight.",
    Done => "done": "What is done and reported, not asked for: remittance advice.",
    Caution => "caution": "Verification through a trusted channel: call the number on file.",
    Unchanged => "unchanged": "Nothing changed: unchanged, not a new account, 没有变更.",
    Warning => "warning": "Talking about fraud: awareness notices quote the attackers' words.",
    Broadcast => "broadcast": "Written to many at once: dear all, 各位同事, 皆さま.",
    Contact => "contact": "A phone or chat contact mentioned: WhatsApp, mobile number, 微信.",
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
    /// A `*` not at the end: only a whole phrase's last word can be a prefix.
    #[error("phrase {0:?} has a `*` before its end; only the last word can end in `*`")]
    InnerStar(String),
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
    if body.contains('*') {
        // Only a trailing `*` has a meaning; one inside would silently never match.
        return Err(PhraseError::InnerStar(phrase.to_string()));
    }
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
    /// The phrases that start with an ASCII letter or digit, walked from each word start.
    words: WordAutomaton,
    /// The other phrases, run only over sentences that contain non-ASCII text.
    other: Automaton,
    phrases: Vec<Phrase>,
}

/// The automaton of the phrases that start with an ASCII letter or digit. Such phrases start a
/// word, so instead of feeding every byte through an unanchored automaton, the scan walks an
/// anchored DFA from each word start and stops at its dead state, usually after two or three
/// bytes: most of the text is never looked at twice.
#[derive(Debug, Default)]
struct WordAutomaton {
    /// `None` if there are no patterns, or if the DFA could not be built (it exceeded
    /// aho-corasick's size limits, which the built-in data is far below).
    dfa: Option<DFA>,
    phrase_of: Vec<u32>,
}

impl WordAutomaton {
    fn build(patterns: &[(String, u32)]) -> WordAutomaton {
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .build(patterns.iter().map(|(t, _)| t.as_str()))
            .ok()
            .filter(|_| !patterns.is_empty());
        WordAutomaton {
            dfa,
            phrase_of: patterns.iter().map(|&(_, i)| i).collect(),
        }
    }
}

/// The automaton of the other phrases (Han, kana, Hangul, Arabic, Cyrillic …), searched
/// unanchored over the sentences that contain non-ASCII text.
#[derive(Debug, Default)]
struct Automaton {
    /// `None` if there are no patterns, or if the automaton could not be built.
    ac: Option<AhoCorasick>,
    phrase_of: Vec<u32>,
}

impl Automaton {
    fn build(patterns: &[(String, u32)]) -> Automaton {
        let texts = patterns.iter().map(|(t, _)| t.as_str());
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(texts.clone())
            .or_else(|_| AhoCorasick::builder().build(texts))
            .ok()
            .filter(|_| !patterns.is_empty());
        Automaton {
            ac,
            phrase_of: patterns.iter().map(|&(_, i)| i).collect(),
        }
    }
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
        let mut words = Vec::new();
        let mut other = Vec::new();
        let mut phrases: Vec<Phrase> = Vec::new();
        // A phrase shared by two languages (付款 in both Chinese scripts) is compiled once and
        // tagged with both.
        let mut seen: std::collections::HashMap<(Category, String, bool), usize> =
            std::collections::HashMap::new();
        let mut add = |category: Category, lang: &str, phrase: &str| {
            let Ok((text, prefix)) = prepare(phrase) else {
                return;
            };
            if let Some(&i) = seen.get(&(category, text.clone(), prefix)) {
                if let Some(p) = phrases.get_mut(i) {
                    if !p.lang.split(',').any(|l| l == lang) {
                        p.lang = format!("{},{lang}", p.lang).into();
                    }
                }
                return;
            }
            seen.insert((category, text.clone(), prefix), phrases.len());
            let first = text.chars().next().is_some_and(needs_boundary);
            let last = text.chars().next_back().is_some_and(needs_boundary);
            let index = u32::try_from(phrases.len()).unwrap_or(u32::MAX);
            phrases.push(Phrase {
                category,
                lang: lang.into(),
                start_boundary: first,
                end_boundary: last && !prefix,
                prefix,
            });
            if text
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphanumeric)
            {
                words.push((text, index));
            } else {
                other.push((text, index));
            }
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
        Lexicon {
            words: WordAutomaton::build(&words),
            other: Automaton::build(&other),
            phrases,
        }
    }

    /// How many phrases are compiled.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Every phrase occurrence in `text`.
    pub(crate) fn scan(&self, text: &str) -> Scan {
        let norm = normalize::normalize(text);
        let mut hits = Vec::new();
        self.run_words(&norm, &mut hits);
        for &(start, end) in &norm.non_ascii {
            self.run(&self.other, &norm, start as usize, end as usize, &mut hits);
        }
        // In order of their end, a container after what it contains.
        hits.sort_unstable_by_key(|h: &Hit| (h.end, std::cmp::Reverse(h.start)));
        hits.truncate(MAX_HITS);
        Scan {
            norm,
            hits: drop_contained(hits),
        }
    }

    /// Walks the word automaton from every word start of `norm.text` (after a space, a
    /// boundary, or at the start; normalised text has no other separators).
    fn run_words(&self, norm: &Normalized, hits: &mut Vec<Hit>) {
        let a = &self.words;
        let Some(dfa) = &a.dfa else {
            return;
        };
        let Ok(start) = dfa.start_state(Anchored::Yes) else {
            return;
        };
        let t = norm.text.as_bytes();
        let mut i = 0;
        while i < t.len() && hits.len() < MAX_HITS {
            if t[i].is_ascii_alphanumeric() {
                let mut sid = start;
                let mut j = i;
                while j < t.len() {
                    sid = dfa.next_state(Anchored::Yes, sid, t[j]);
                    if dfa.is_dead(sid) {
                        break;
                    }
                    j += 1;
                    if dfa.is_match(sid) {
                        for k in 0..dfa.match_len(sid) {
                            let pid = dfa.match_pattern(sid, k);
                            // Matches copied along failure links start inside the word.
                            if dfa.pattern_len(pid) == j - i {
                                if let Some(&index) = a.phrase_of.get(pid.as_usize()) {
                                    self.push_hit(norm, index, i, j, hits);
                                }
                            }
                        }
                    }
                }
            }
            match t[i..].iter().position(|&b| b == b' ' || b == BOUNDARY) {
                Some(p) => i += p + 1,
                None => break,
            }
        }
    }

    /// Records a hit of phrase `index` at `norm.text[start..end]` if its word boundaries hold.
    fn push_hit(
        &self,
        norm: &Normalized,
        index: u32,
        start: usize,
        end: usize,
        hits: &mut Vec<Hit>,
    ) {
        let Some(phrase) = self.phrases.get(index as usize) else {
            return;
        };
        if phrase.start_boundary && ends_word(&norm.text[..start]) {
            return;
        }
        if phrase.end_boundary && starts_word(&norm.text[end..]) {
            return;
        }
        // A prefix phrase covers the rest of its word (`реквизит*` → `реквизитам`).
        let end = if phrase.prefix {
            let rest = &norm.text[end..];
            end + rest
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(rest.len())
        } else {
            end
        };
        hits.push(Hit {
            category: phrase.category,
            phrase: index,
            start,
            end,
            sentence: norm.sentence_of(start),
        });
    }

    /// Runs one automaton over `norm.text[start..end]`, adding its hits.
    fn run(&self, a: &Automaton, norm: &Normalized, start: usize, end: usize, hits: &mut Vec<Hit>) {
        let (Some(ac), Some(hay)) = (&a.ac, norm.text.get(start..end)) else {
            return;
        };
        for m in ac.find_overlapping_iter(hay) {
            if hits.len() >= MAX_HITS {
                break;
            }
            if let Some(&index) = a.phrase_of.get(m.pattern().as_usize()) {
                self.push_hit(norm, index, start + m.start(), start + m.end(), hits);
            }
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

fn ends_word(before: &str) -> bool {
    before
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn starts_word(after: &str) -> bool {
    after.chars().next().is_some_and(char::is_alphanumeric)
}

/// A phrase of the lexicon found in a text, as reported by
/// [`Engine::find_phrases`](crate::Engine::find_phrases).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PhraseMatch<'a> {
    /// The category (`bank_change`, `urgency`, … as in `core/data/lexicon.toml`).
    pub category: &'static str,
    /// The phrase's language in the lexicon (`en`, `zh_hans`, …) or `policy`.
    pub lang: &'a str,
    /// The text as written (obfuscation included), borrowed from the scanned text.
    pub text: &'a str,
    /// Byte offset of `text` in the scanned text.
    pub offset: usize,
    /// The sentence it is in, counted from 0; phrases in one sentence can combine.
    pub sentence: u32,
}

impl Lexicon {
    /// Every phrase occurrence in `text`, quoted from it.
    pub(crate) fn find<'a>(&'a self, text: &'a str) -> Vec<PhraseMatch<'a>> {
        let scan = self.scan(text);
        scan.hits
            .iter()
            .filter_map(|h| {
                let (quote, offset) = scan.quote(text, h)?;
                Some(PhraseMatch {
                    category: h.category.key(),
                    lang: self.phrase(h).map_or("", |p| &*p.lang),
                    text: quote,
                    offset,
                    sentence: h.sentence,
                })
            })
            .collect()
    }
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

    /// Whether the sentence of `hit` says that nothing changed ("remain unchanged", "不是新账户",
    /// "変更はございません").
    pub(crate) fn negated(&self, hit: &Hit) -> bool {
        self.of(Category::Unchanged)
            .any(|n| n.sentence == hit.sentence)
    }

    /// The first hit of `a` that has a hit of `b` in the same sentence within [`NEAR`] bytes and
    /// not overlapping it, with that hit.
    /// Only hits that `keep` keeps count, on either side.
    pub(crate) fn near_by(
        &self,
        a: Category,
        b: Category,
        keep: impl Fn(&Hit) -> bool,
    ) -> Option<(Hit, Hit)> {
        self.of(a).filter(|x| keep(x)).find_map(|x| {
            self.of(b)
                .filter(|y| keep(y))
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
        let start = self.norm.origin(hit.start);
        // The end maps to where the next output character came from; what normalisation
        // removed or turned into a space in between is trimmed (phrases end in a letter or a
        // digit).
        let end = self.norm.origin(hit.end);
        let quote = original.get(start..end)?.trim_end_matches(|c: char| {
            !c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c)
        });
        Some((quote, start))
    }
}

#[cfg(test)]
mod tests;
