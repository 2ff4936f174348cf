//! The protected-domain index: finds host names that imitate a protected domain, names the
//! technique and the protected domain, and grades how strong the resemblance is.
//!
//! Every protected domain is reduced to its registrable domain (Public Suffix List), split into
//! label and suffix (`acme-trade` + `com`), and the label into its confusable skeleton. A
//! candidate is canonicalised the same way once, then looked up in:
//! - an index of whole skeletons (homoglyphs, same label under another suffix, dot insertion),
//! - an index of "glued" forms (`acmecom`, `acme-com`),
//! - a symmetric-deletion index over the skeletons (keys are hashes of the skeleton with up to
//!   one character deleted, two for long labels), verified with the optimal-string-alignment
//!   distance,
//! - an index of whole skeletons, looked up with the O(1) hash of every span of the host that
//!   starts or ends at a word boundary: combosquats (`acme-trade-payment`) and embedding
//!   (`acme-trade.com.secure-docs.io`).
//!
//! The work per candidate depends on the candidate's length, not on how many domains are
//! protected. False-positive filters in the spirit of Chromium's lookalike checks lower the
//! severity rather than drop a match: short labels, edits of the first character, differences
//! only in digits, the same label under another suffix of a brand that owns many.

use std::cmp::Reverse;

use rustc_hash::FxHashSet;
use serde::Serialize;

use super::skeleton::{skeleton, skeleton_chars};
use crate::vocab::Severity;

/// Where a protected domain comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProtectedSource {
    /// One of the organisation's own domains.
    Organisation,
    /// A partner's domain (customer, supplier).
    Partner,
    /// A vendor's domain.
    Vendor,
    /// The domain of a protected person's address.
    Person,
    /// Listed in `lists.protected_domains`.
    Listed,
    /// A built-in brand (bank, carrier, webmail, payment service, marketplace).
    Brand,
}

/// How a candidate imitates a protected domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Technique {
    /// Same confusable skeleton, different characters (`acrne`, Cyrillic `а`, `ácme`).
    Homoglyph,
    /// Two neighbouring characters swapped (`amce`).
    Transposition,
    /// One character differing by one bit (`acmg`).
    Bitsquatting,
    /// One character left out (`acm`).
    Omission,
    /// One character added (`acmze`, `acmee`).
    Insertion,
    /// A character doubled (`accme`).
    Repetition,
    /// One vowel replaced by another (`acma`).
    VowelSwap,
    /// A hyphen added (`ac-me`).
    Hyphenation,
    /// An `s` or `es` added (`acmes`).
    Plural,
    /// One character replaced (`acne`).
    Replacement,
    /// Two edits on a long label.
    EditDistance,
    /// A dot inserted into the label, so that the domain becomes a subdomain (`ac.me.com`).
    DotInsertion,
    /// The same label under another public suffix (`acme.net` for `acme.com`).
    TldSwap,
    /// The suffix glued onto the label (`acmecom.com`, `acme-com.net`).
    GluedTld,
    /// The protected label plus other words (`acme-payment.com`, `secureacme.com`).
    Combosquat,
    /// The protected name inside a foreign host's subdomains (`acme.com.secure-docs.io`).
    Embedding,
}

impl Technique {
    /// The name used in JSON (`"homoglyph"`, `"tld_swap"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Technique::Homoglyph => "homoglyph",
            Technique::Transposition => "transposition",
            Technique::Bitsquatting => "bitsquatting",
            Technique::Omission => "omission",
            Technique::Insertion => "insertion",
            Technique::Repetition => "repetition",
            Technique::VowelSwap => "vowel_swap",
            Technique::Hyphenation => "hyphenation",
            Technique::Plural => "plural",
            Technique::Replacement => "replacement",
            Technique::EditDistance => "edit_distance",
            Technique::DotInsertion => "dot_insertion",
            Technique::TldSwap => "tld_swap",
            Technique::GluedTld => "glued_tld",
            Technique::Combosquat => "combosquat",
            Technique::Embedding => "embedding",
        }
    }
}

/// A host name that imitates a protected domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Lookalike {
    /// The protected (registrable) domain it imitates.
    pub protected: String,
    /// How.
    pub technique: Technique,
    /// How strong the resemblance is: `high` for homoglyphs, single edits of long labels, glued
    /// suffixes and embedded domains; `medium` and `low` where real domains often look alike.
    pub severity: Severity,
    /// The particulars.
    pub detail: LookalikeDetail,
}

/// The particulars of a [`Lookalike`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LookalikeDetail {
    /// The candidate's registrable domain, in Unicode.
    pub candidate: String,
    /// Edit distance between the two skeletons (0 for homoglyphs, suffix swaps and embedding).
    pub distance: u8,
    /// Where the protected domain comes from.
    pub source: ProtectedSource,
    /// Who owns the protected domain: the partner, vendor, brand or organisation name (may be
    /// empty).
    pub owner: String,
}

/// The text given as a domain is not a host name (two or more labels of letters, digits,
/// hyphens; Unicode or punycode).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a host name: {0:?}")]
pub struct InvalidDomain(pub String);

/// A domain to protect, before compilation.
#[derive(Debug, Clone)]
pub(crate) struct ProtectedSpec {
    pub(crate) domain: String,
    pub(crate) source: ProtectedSource,
    pub(crate) owner: String,
}

#[derive(Debug)]
struct Entry {
    domain: String,
    label: String,
    suffix: String,
    /// Skeleton of the suffix, for embedding (`acme.c0m.evil.io`).
    suffix_skel: String,
    /// The label's characters.
    raw: Vec<char>,
    /// The label with only one-to-one folds (see [`plain_form`]).
    plain: Vec<char>,
    skel: Vec<char>,
    source: ProtectedSource,
    owner: String,
}

/// Labels shorter than this many skeleton characters may differ by one edit; longer ones by
/// two.
const LONG_LABEL: usize = 10;
/// Longest skeleton the deletion index handles (a DNS label has at most 63 octets).
const MAX_SKEL: usize = 64;

/// The compiled protected set. Immutable once built; shared by all threads.
#[derive(Debug, Default)]
pub(crate) struct LookalikeIndex {
    entries: Vec<Entry>,
    /// Registrable domains that are protected themselves or allowed: never lookalikes.
    exact: FilteredSet,
    /// Keys ([`Hashed::whole`]) of the skeletons of the labels with their suffix glued on
    /// (`acmecom`, `acme-com`).
    glued: DeletionIndex,
    /// Multi-word skeletons with the first or last word blanked out.
    partial: DeletionIndex,
    /// Keys of every skeleton with at most one deletion.
    near: DeletionIndex,
    /// Every entry's skeleton, back to back, and each one's place in it by entry id: what the
    /// edit-distance verification reads, compact so that it stays in cache.
    skel_arena: Vec<char>,
    skel_at: Vec<(u32, u32)>,
    /// Segment keys of long skeletons, for two edits (consulted only when nothing is closer);
    /// see [`segment_key`]. Each posting carries the entry's [`count_signature`] and folded
    /// [`bigram_signature`], so that most are rejected without reading anything else.
    segments: DeletionIndex<(u64, u64)>,
    /// Keys ([`Hashed::whole`]) of every entry's skeleton: homoglyphs and suffix swaps, dot
    /// insertion, combosquats and embedding.
    whole: DeletionIndex,
}

/// A match before it is turned into a [`Lookalike`].
#[derive(Debug, Clone, Copy)]
struct Cand {
    id: u32,
    technique: Technique,
    severity: Severity,
    distance: u8,
}

impl LookalikeIndex {
    /// Compiles `specs`; `allow` lists registrable domains never to report. The first spec of
    /// a domain wins when a domain is listed twice.
    pub(crate) fn new<'a>(
        specs: impl IntoIterator<Item = ProtectedSpec>,
        allow: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut ix = LookalikeIndex::default();
        for spec in specs {
            let Some(host) = canonical_host(&spec.domain) else {
                continue;
            };
            let Some((reg, label, suffix)) = split_host(&host) else {
                continue;
            };
            let reg = reg.to_string();
            if !ix.exact.insert(reg.clone()) {
                continue;
            }
            let skel: Vec<char> = skeleton(label).chars().collect();
            if skel.is_empty() || skel.len() > MAX_SKEL {
                continue;
            }
            let entry = Entry {
                raw: label.chars().collect(),
                plain: plain_form(label, &skel).into_owned(),
                suffix_skel: skeleton(suffix),
                label: label.to_string(),
                suffix: suffix.to_string(),
                domain: reg,
                skel,
                source: spec.source,
                owner: spec.owner,
            };
            ix.entries.push(entry);
        }
        for a in allow {
            if let Some(host) = canonical_host(a) {
                ix.exact.insert(super::registrable(&host).to_string());
            }
        }
        ix.compile();
        ix
    }

    fn compile(&mut self) {
        let mut near: Vec<(u64, u32)> = Vec::new();
        let mut far: Vec<(u64, u32)> = Vec::new();
        let mut whole: Vec<(u64, u32)> = Vec::new();
        let mut partial: Vec<(u64, u32)> = Vec::new();
        let mut glued: Vec<(u64, u32)> = Vec::new();
        for (id, e) in self.entries.iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);

            let suffix_flat: String = e.suffix.chars().filter(|&c| c != '.').collect();
            let first_suffix = e.suffix.split('.').next().unwrap_or_default();
            for glue in [&suffix_flat, first_suffix] {
                for sep in ["", "-"] {
                    let g = skeleton_chars(&format!("{}{sep}{glue}", e.label));
                    glued.push((Hashed::new(&g).whole(), id));
                }
            }
            let long = e.skel.len() >= LONG_LABEL;
            let forms = if e.plain == e.skel { 1 } else { 2 };
            for form in [&e.skel, &e.plain].into_iter().take(forms) {
                let h = Hashed::new(form);
                for d in 0..=1 {
                    h.keys(d, &mut |k| near.push((k, id)));
                }
            }
            if long {
                let h = Hashed::new(&e.skel);
                let len = e.skel.len();
                for part in 0..3 {
                    let (a, b) = third(len, part);
                    far.push((segment_key(h.segment(a, b), len, part), id));
                }
            }
            let h = Hashed::new(&e.skel);
            for key in word_keys(&e.skel, &h).into_iter().flatten() {
                partial.push((key, id));
            }
            whole.push((Hashed::new(&e.skel).whole(), id));
        }
        self.near = DeletionIndex::of(near);
        self.segments = DeletionIndex::new(
            far.into_iter()
                .map(|(k, id)| {
                    let skel = &self.entries[id as usize].skel;
                    let sigs = (count_signature(skel), fold64(bigram_signature(skel)));
                    (k, id, sigs)
                })
                .collect(),
        );
        for e in &self.entries {
            let start = u32::try_from(self.skel_arena.len()).unwrap_or(u32::MAX);
            self.skel_arena.extend_from_slice(&e.skel);
            let len = u32::try_from(e.skel.len()).unwrap_or(0);
            self.skel_at.push((start, len));
        }
        self.whole = DeletionIndex::of(whole);
        self.partial = DeletionIndex::of(partial);
        self.glued = DeletionIndex::of(glued);
        self.exact.seal();
    }

    /// Whether `registrable` (canonical) is a protected domain (or an allowed one).
    pub(crate) fn is_protected(&self, registrable: &str) -> bool {
        self.exact.contains(registrable)
    }

    /// The strongest imitation of a protected domain by `host`, if any.
    pub(crate) fn check(&self, host: &str) -> Result<Option<Lookalike>, InvalidDomain> {
        let canonical = canonical_host(host).ok_or_else(|| InvalidDomain(host.to_string()))?;
        Ok(self.check_canonical(&canonical))
    }

    fn check_canonical(&self, host: &str) -> Option<Lookalike> {
        if self.entries.is_empty() {
            return None;
        }
        let (reg, label, suffix) = split_host(host)?;
        if self.exact.contains(reg) {
            return None;
        }
        let sub = host[..host.len() - reg.len()].trim_end_matches('.');
        let skel = skeleton_chars(label);
        if skel.is_empty() || skel.len() > MAX_SKEL {
            return None;
        }
        let skel_h = Hashed::new(&skel);
        let mut best: Option<Cand> = None;

        // Entries whose skeleton is exactly `chars` (the key may collide; the arena decides).
        let same_skeleton = |chars: &[char], key: u64, f: &mut dyn FnMut(u32)| {
            self.whole.each(key, |id, ()| {
                if self.arena_skel(id) == chars {
                    f(id);
                }
            });
        };
        same_skeleton(&skel, skel_h.whole(), &mut |id| {
            let e = &self.entries[id as usize];
            let c = if e.label == label {
                let severity = if e.skel.len() <= 4 || e.source == ProtectedSource::Brand {
                    Severity::Low
                } else {
                    Severity::Medium
                };
                cand(id, Technique::TldSwap, severity, 0)
            } else {
                cand(id, Technique::Homoglyph, short_cap(e, Severity::High), 0)
            };
            self.keep_best(&mut best, c, suffix);
        });
        self.glued.each(skel_h.whole(), |id, ()| {
            let e = &self.entries[id as usize];
            let c = cand(id, Technique::GluedTld, short_cap(e, Severity::High), 0);
            self.keep_best(&mut best, c, suffix);
        });
        if let Some(last) = sub.rsplit('.').next().filter(|l| !l.is_empty()) {
            // `ac.me.com` for acme.com, `acme.trade.com` for acme-trade.com.
            for sep in ["", "-"] {
                let joined = skeleton_chars(&format!("{last}{sep}{label}"));
                if joined.len() <= MAX_SKEL {
                    same_skeleton(&joined, Hashed::new(&joined).whole(), &mut |id| {
                        let e = &self.entries[id as usize];
                        let c = cand(id, Technique::DotInsertion, short_cap(e, Severity::High), 0);
                        self.keep_best(&mut best, c, suffix);
                    });
                }
            }
        }

        let plain = plain_form(label, &skel);
        let common_word = is_common_word(label);
        self.edit_matches(&skel, &skel_h, &plain, suffix, common_word, &mut |c| {
            self.keep_best(&mut best, c, suffix)
        });
        // A strong whole-label match under the same suffix outranks anything found inside the
        // label (see `rank`): no need to look.
        let settled = best.is_some_and(|b| {
            b.severity >= Severity::High
                && whole_label(b.technique)
                && self.entries[b.id as usize].suffix == suffix
        });
        if !settled {
            self.partial_words(&skel, &skel_h, &mut |c| {
                self.keep_best(&mut best, c, suffix)
            });
            self.embedded(sub, &skel, &skel_h, &mut |c| {
                self.keep_best(&mut best, c, suffix)
            });
        }

        let c = best?;
        let e = &self.entries[c.id as usize];
        let technique = if c.technique == Technique::EditDistance {
            let raw = chars_of(label);
            // Labels that are their own skeletons are as far apart as their skeletons.
            let raw_distance = if raw == skel && e.raw == e.skel {
                Some(c.distance)
            } else {
                Peq::new(&raw).distance(&e.raw, 2)
            };
            classify(&raw, &e.raw, raw_distance, c.distance)
        } else {
            c.technique
        };
        Some(Lookalike {
            protected: e.domain.clone(),
            technique,
            severity: c.severity,
            detail: LookalikeDetail {
                candidate: reg.to_string(),
                distance: c.distance,
                source: e.source,
                owner: e.owner.clone(),
            },
        })
    }

    /// Keeps `c` in `best` when it ranks higher.
    fn keep_best(&self, best: &mut Option<Cand>, c: Cand, suffix: &str) {
        if best.is_none_or(|b| self.rank(c, suffix) > self.rank(b, suffix)) {
            *best = Some(c);
        }
    }

    /// Ordering of candidates: stronger severity, then the same suffix as the candidate, then
    /// a match of the whole label before a protected name found inside it (combosquat,
    /// embedding), then fewer edits, then the longer protected label.
    fn rank(&self, c: Cand, suffix: &str) -> (Severity, bool, bool, Reverse<u8>, usize) {
        let e = &self.entries[c.id as usize];
        (
            c.severity,
            e.suffix == suffix,
            whole_label(c.technique),
            Reverse(c.distance),
            e.skel.len(),
        )
    }

    /// Single and double edits through the deletion index, on the skeleton and on the plain
    /// form: the pair folds (`rn` → `m`) make some plain typos (`westertnunion`) look farther on
    /// the skeleton than they are on the letters. Reported as [`Technique::EditDistance`]; the
    /// caller names the edit of the match it keeps.
    #[allow(clippy::too_many_arguments)]
    fn edit_matches(
        &self,
        skel: &[char],
        skel_h: &Hashed,
        plain: &[char],
        suffix: &str,
        common_word: bool,
        out: &mut impl FnMut(Cand),
    ) {
        let plain_differs = plain != skel;
        let plain_h = plain_differs.then(|| Hashed::new(plain));
        let mut ids: Vec<u32> = Vec::with_capacity(16);
        for h in std::iter::once(skel_h).chain(&plain_h) {
            for d in 0..=1 {
                h.keys(d, &mut |k| self.near.lookup(k, &mut ids));
            }
        }
        if ids.is_empty() && skel.len() < LONG_LABEL {
            return;
        }
        let skel_peq = Peq::new(skel);
        let plain_peq = plain_differs.then(|| Peq::new(plain));
        let mut found_close = false;
        let cand_bigrams64 = fold64(bigram_signature(skel));
        let cand_counts = count_signature(skel);
        let mut verify = |ids: &mut Vec<u32>, found_close: &mut bool, two_edits: bool| {
            ids.sort_unstable();
            ids.dedup();
            for &id in ids.iter() {
                let e_skel = self.arena_skel(id);
                let len = e_skel.len();
                let max = if len >= LONG_LABEL && skel.len() >= LONG_LABEL - 2 {
                    2
                } else {
                    1
                };
                let d_skel = skel_peq.distance(e_skel, max);
                if d_skel == Some(0) {
                    continue; // same skeleton: reported as homoglyph or suffix swap
                }
                let e = &self.entries[id as usize];
                // Two-edit keys come from skeletons only; so do their distances.
                let d_plain = if two_edits {
                    None
                } else if let Some(peq) = &plain_peq {
                    peq.distance(&e.plain, max)
                } else if e.plain != e.skel {
                    skel_peq.distance(&e.plain, max)
                } else {
                    None
                };
                let Some(d) = d_skel.into_iter().chain(d_plain).min().filter(|&d| d > 0) else {
                    continue;
                };
                *found_close |= d == 1;
                let mut severity = edit_severity(skel, &e.skel, d, e, common_word);
                if e.suffix != suffix {
                    // A typo and another suffix: two differences.
                    severity = severity.min(Severity::Medium);
                }
                out(cand(id, Technique::EditDistance, severity, d));
            }
        };
        verify(&mut ids, &mut found_close, false);
        if !found_close && skel.len() + 2 >= LONG_LABEL {
            // Two edits: by the pigeonhole principle one third of the protected skeleton is
            // intact in the candidate, shifted by as many places as there were insertions
            // minus deletions before it.
            let mut more: Vec<u32> = Vec::new();
            let n = skel.len();
            for len in n.saturating_sub(2).max(LONG_LABEL)..=n + 2 {
                let (lo, hi): (isize, isize) = match n as isize - len as isize {
                    2 => (0, 2),
                    1 => (0, 1),
                    0 => (-1, 1),
                    -1 => (-1, 0),
                    _ => (-2, 0),
                };
                for part in 0..3 {
                    let (a, b) = third(len, part);
                    for shift in lo..=hi {
                        let Some(start) = a.checked_add_signed(shift) else {
                            continue;
                        };
                        let end = start + (b - a);
                        if end <= n {
                            let key = segment_key(skel_h.segment(start, end), len, part);
                            // Two edits change the letter counts by at most four in all, and
                            // destroy at most six of the protected skeleton's bigrams (three
                            // per transposition): all but six of its bigram bits must be in
                            // the candidate. The signatures sit in the postings, 16 bytes, so
                            // that rejecting one reads nothing else.
                            self.segments.each(key, |id, (counts, bigrams)| {
                                if nibble_l1(counts, cand_counts) <= 4
                                    && (bigrams & cand_bigrams64).count_ones() + 6
                                        >= bigrams.count_ones()
                                {
                                    more.push(id);
                                }
                            });
                        }
                    }
                }
            }
            more.retain(|id| ids.binary_search(id).is_err());
            verify(&mut more, &mut found_close, true);
        }
    }

    /// A multi-word protected label with its first or last word replaced (`acme-payment` or
    /// `pay-trade` for `acme-trade`): a weak combosquat.
    fn partial_words(&self, skel: &[char], h: &Hashed, out: &mut impl FnMut(Cand)) {
        for key in word_keys(skel, h).into_iter().flatten() {
            self.partial.each(key, |id, ()| {
                out(cand(id, Technique::Combosquat, Severity::Low, 0))
            });
        }
    }

    /// Combosquats and embedding: protected skeletons inside the skeleton of the whole host.
    /// Every span that starts or ends at a word boundary (`-`, `.`, either end) is hashed in
    /// O(1) from prefix hashes and looked up among the whole skeletons, behind a filter small
    /// enough to stay in the first-level cache. A span off a word boundary on both sides
    /// (`xpaypalx`) is not reported: too many ordinary words contain short names.
    fn embedded(&self, sub: &str, skel: &[char], skel_h: &Hashed, out: &mut impl FnMut(Cand)) {
        let owned: Vec<char>;
        let owned_h: Hashed;
        let (hay, h): (&[char], &Hashed) = if sub.is_empty() {
            (skel, skel_h)
        } else {
            let mut v = skeleton_chars(sub);
            v.push('.');
            v.extend_from_slice(skel);
            v.truncate(MAX_SKEL);
            owned = v;
            owned_h = Hashed::new(&owned);
            (&owned, &owned_h)
        };
        let n = hay.len().min(MAX_SKEL);
        let label_start = n.saturating_sub(skel.len());
        let is_sep = |i: usize| matches!(hay.get(i), Some('-' | '.'));
        let mut ids: Vec<u32> = Vec::new();
        let mut visit = |s: usize, t: usize, ids: &mut Vec<u32>| {
            if t - s < 3 || (s == label_start && t == n) {
                return; // the whole label is a homoglyph or a suffix swap, handled elsewhere
            }
            ids.clear();
            self.whole.lookup(finish(h.segment(s, t), t - s), ids);
            if ids.is_empty() {
                return;
            }
            let aligned_start = s == 0 || is_sep(s - 1);
            let aligned_end = t == n || is_sep(t);
            let len = t - s;
            for &id in ids.iter() {
                if self.arena_skel(id) != &hay[s..t] {
                    continue; // a hash collision
                }
                let found = if s >= label_start {
                    // Inside the registrable label: a combosquat. Five letters or fewer are
                    // often an ordinary word (`swift-mail`).
                    match (aligned_start && aligned_end, len) {
                        (true, 0..=5) => (Technique::Combosquat, Severity::Medium),
                        (true, _) => (Technique::Combosquat, Severity::High),
                        (false, 0..=5) => (Technique::Combosquat, Severity::Low),
                        (false, _) => (Technique::Combosquat, Severity::Medium),
                    }
                } else if aligned_start && aligned_end {
                    // A whole subdomain word; followed by the protected suffix it spells the
                    // full protected domain inside a foreign host.
                    let e = &self.entries[id as usize];
                    let mut rest = hay[t..].iter();
                    let suffix_follows = rest.next() == Some(&'.')
                        && e.suffix_skel.chars().all(|c| rest.next() == Some(&c))
                        && rest.next().is_none_or(|c| matches!(c, '.' | '-'));
                    let sev = if suffix_follows {
                        Severity::High
                    } else if len >= 5 {
                        Severity::Medium
                    } else {
                        Severity::Low
                    };
                    (Technique::Embedding, sev)
                } else if len >= 5 {
                    (Technique::Embedding, Severity::Low)
                } else {
                    continue;
                };
                out(cand(id, found.0, found.1, 0));
            }
        };
        // Within each DNS label: spans from a word start to anywhere, and from anywhere to a
        // word end.
        let mut from = 0;
        for i in 0..=n {
            if i < n && hay.get(i) != Some(&'.') {
                continue;
            }
            for s in from..i {
                let starts_word = s == from || is_sep(s - 1);
                for t in s + 3..=i {
                    if starts_word || t == i || is_sep(t) {
                        visit(s, t, &mut ids);
                    }
                }
            }
            from = i + 1;
        }
    }

    /// The skeleton of entry `id`, from the arena.
    fn arena_skel(&self, id: u32) -> &[char] {
        self.skel_at
            .get(id as usize)
            .and_then(|&(at, len)| self.skel_arena.get(at as usize..(at + len) as usize))
            .unwrap_or_default()
    }
}

/// For a label of two or more `-`-separated words whose kept words have at least three
/// letters: the label with its first word, and with its last word, replaced by `*`.
/// The keys are the hashes of the kept part (`-trade`, `acme-`, dash included) marked with which
/// end was blanked, computed from the prefix hashes `h` of `skel` without allocating.
fn word_keys(skel: &[char], h: &Hashed) -> [Option<u64>; 2] {
    let (Some(first_dash), Some(last_dash)) = (
        skel.iter().position(|&c| c == '-'),
        skel.iter().rposition(|&c| c == '-'),
    ) else {
        return [None, None];
    };
    let n = skel.len().min(MAX_SKEL);
    let letters = |r: &[char]| r.iter().filter(|&&c| c != '-').count();
    let key = |a: usize, b: usize, end: u64| {
        finish(
            h.segment(a, b) ^ end.wrapping_mul(0xa076_1d64_78bd_642f),
            b - a,
        )
    };
    [
        (first_dash > 0 && letters(&skel[first_dash..n]) >= 3).then(|| key(first_dash, n, 1)),
        (last_dash + 1 < n && letters(&skel[..last_dash]) >= 3).then(|| key(0, last_dash + 1, 2)),
    ]
}

/// Whether a technique compares the whole label (rather than finding a name inside it).
fn whole_label(t: Technique) -> bool {
    !matches!(t, Technique::Combosquat | Technique::Embedding)
}

fn cand(id: u32, technique: Technique, severity: Severity, distance: u8) -> Cand {
    Cand {
        id,
        technique,
        severity,
        distance,
    }
}

/// Whether `label` is a common English word (`core/data/common-words.txt`): such a candidate
/// is probably a real name one edit away from a protected one (`acne` / `acme`).
fn is_common_word(label: &str) -> bool {
    static WORDS: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    WORDS
        .get_or_init(|| {
            include_str!("../../data/common-words.txt")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        })
        .contains(label)
}

/// Short labels (`ups`, `dhl`, `qq`) collide with many real names: at most `low`, or `medium`
/// for four characters.
fn short_cap(e: &Entry, severity: Severity) -> Severity {
    match e.skel.len() {
        0..=3 => severity.min(Severity::Low),
        4 => severity.min(Severity::Medium),
        _ => severity,
    }
}

/// Severity of an edit-distance match, with Chromium-style false-positive filters.
fn edit_severity(
    cand: &[char],
    prot: &[char],
    distance: u8,
    e: &Entry,
    common_word: bool,
) -> Severity {
    let n = prot.len();
    if n <= 4 {
        return Severity::Low;
    }
    let mut s = if distance == 1 && n >= 6 {
        Severity::High
    } else {
        Severity::Medium
    };
    let first_differs = cand.first() != prot.first();
    let not_digit = |c: &&char| !c.is_ascii_digit();
    let digits_only = cand
        .iter()
        .filter(not_digit)
        .eq(prot.iter().filter(not_digit));
    if first_differs || digits_only || common_word {
        s = s.min(Severity::Medium);
    }
    if e.source == ProtectedSource::Brand && n <= 5 {
        s = s.min(Severity::Low);
    }
    s
}

/// Names the edit that turns protected label `p` into candidate label `c` (raw characters), given
/// their distance (`None` when above two) and the distance of their skeletons.
fn classify(c: &[char], p: &[char], raw: Option<u8>, skel_distance: u8) -> Technique {
    if raw.is_none_or(|d| d > skel_distance) {
        return Technique::Homoglyph;
    }
    let prefix = c.iter().zip(p).take_while(|(a, b)| a == b).count();
    match (raw, c.len() as isize - p.len() as isize) {
        (Some(1), 1) => {
            let x = c[prefix];
            if x == '-' {
                Technique::Hyphenation
            } else if x == 's' && (prefix + 1 == c.len() || c.get(prefix + 1) == Some(&'-')) {
                Technique::Plural
            } else if (prefix > 0 && c[prefix - 1] == x) || c.get(prefix + 1) == Some(&x) {
                Technique::Repetition
            } else {
                Technique::Insertion
            }
        }
        (Some(1), -1) => Technique::Omission,
        (Some(1), 0) => {
            let (a, b) = (c[prefix], p[prefix]);
            if c.get(prefix + 1) == Some(&b) && p.get(prefix + 1) == Some(&a) {
                Technique::Transposition
            } else if is_vowel(a) && is_vowel(b) {
                Technique::VowelSwap
            } else if (u32::from(a) ^ u32::from(b)).count_ones() == 1 {
                Technique::Bitsquatting
            } else {
                Technique::Replacement
            }
        }
        (Some(2), 2) if c.ends_with(&['e', 's']) => Technique::Plural,
        _ => Technique::EditDistance,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transposition) if it is at most
/// `max`, else `None`. Strings longer than [`MAX_SKEL`] are never close. The plain dynamic
/// programme, kept as the reference the bit-parallel [`Peq::distance`] is tested against.
#[cfg(test)]
fn osa_distance(a: &[char], b: &[char], max: u8) -> Option<u8> {
    if a.len().abs_diff(b.len()) > usize::from(max) || a.len() > MAX_SKEL || b.len() > MAX_SKEL {
        return None;
    }
    let n = b.len();
    let mut prev2 = [0u8; MAX_SKEL + 1];
    let mut prev = [0u8; MAX_SKEL + 1];
    let mut cur = [0u8; MAX_SKEL + 1];
    for (j, v) in prev.iter_mut().enumerate().take(n + 1) {
        *v = u8::try_from(j).unwrap_or(u8::MAX);
    }
    for i in 1..=a.len() {
        cur[0] = u8::try_from(i).unwrap_or(u8::MAX);
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        prev2 = prev;
        prev = cur;
    }
    (prev[n] <= max).then_some(prev[n])
}

/// Pattern bit masks of a string of at most [`MAX_SKEL`] characters, for the bit-parallel
/// distance.
struct Peq {
    len: usize,
    /// Masks of the ASCII characters.
    ascii: [u64; 128],
    other: Vec<(char, u64)>,
}

/// Class of a character that host labels are made of, for [`count_signature`].
fn peq_slot(c: char) -> Option<usize> {
    match c {
        'a'..='z' => Some(c as usize - 'a' as usize),
        '0'..='9' => Some(26 + c as usize - '0' as usize),
        '-' => Some(36),
        '_' => Some(37),
        _ => None,
    }
}

impl Peq {
    fn new(s: &[char]) -> Peq {
        let mut p = Peq {
            len: s.len().min(MAX_SKEL),
            ascii: [0; 128],
            other: Vec::new(),
        };
        for (i, &c) in s.iter().enumerate().take(MAX_SKEL) {
            let bit = 1u64 << i;
            if c.is_ascii() {
                p.ascii[c as usize] |= bit;
            } else if let Some(e) = p.other.iter_mut().find(|(k, _)| *k == c) {
                e.1 |= bit;
            } else {
                p.other.push((c, bit));
            }
        }
        p
    }

    #[inline]
    fn get(&self, c: char) -> u64 {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.other.iter().find(|(k, _)| *k == c).map_or(0, |e| e.1)
        }
    }

    /// Optimal-string-alignment distance between the pattern and `text` if it is at most `max`
    /// (Hyyrö's bit-parallel algorithm, 2003), else `None`.
    fn distance(&self, text: &[char], max: u8) -> Option<u8> {
        let m = self.len;
        if m == 0 || text.len() > MAX_SKEL || m.abs_diff(text.len()) > usize::from(max) {
            return (m.max(text.len()) <= usize::from(max))
                .then(|| u8::try_from(m.max(text.len())).unwrap_or(u8::MAX));
        }
        let mut vp = u64::MAX;
        let mut vn = 0u64;
        let mut d0 = 0u64;
        let mut pm_old = 0u64;
        let mut dist = m;
        let top = 1u64 << (m - 1);
        for &c in text {
            let pm = self.get(c);
            let tr = ((!d0 & pm) << 1) & pm_old;
            d0 = ((pm & vp).wrapping_add(vp) ^ vp) | pm | vn | tr;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            if hp & top != 0 {
                dist += 1;
            } else if hn & top != 0 {
                dist -= 1;
            }
            let hp = (hp << 1) | 1;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            pm_old = pm;
        }
        (dist <= usize::from(max)).then(|| u8::try_from(dist).unwrap_or(u8::MAX))
    }
}

/// The characters of `s`, allocated once (collecting `chars()` grows the vector repeatedly,
/// since it cannot know the count in advance).
fn chars_of(s: &str) -> Vec<char> {
    let mut v = Vec::with_capacity(s.len());
    v.extend(s.chars());
    v
}

/// The label with only the one-to-one folds of the skeleton (`i`, `1`, `|` → `l`, `0` → `o`),
/// for ASCII labels; other labels, and labels without the pair folds' `rn` and `vv` (whose
/// plain form is their skeleton), borrow the skeleton itself.
fn plain_form<'a>(label: &str, skel: &'a [char]) -> std::borrow::Cow<'a, [char]> {
    if !label.is_ascii() || !(label.contains("rn") || label.contains("vv")) {
        return skel.into();
    }
    label
        .bytes()
        .map(|b| match b.to_ascii_lowercase() {
            b'i' | b'1' | b'|' => 'l',
            b'0' => 'o',
            c => char::from(c),
        })
        .collect::<Vec<char>>()
        .into()
}

// --- deletion keys -----------------------------------------------------------------------------

const BASE: u64 = 0x0000_0100_0000_01b3;

fn sym(c: char) -> u64 {
    u64::from(c) + 1
}

/// Polynomial hashes of every prefix of a string, and the powers of the base, from which the
/// hash of the string with any one or two positions deleted takes O(1).
struct Hashed {
    n: usize,
    pre: [u64; MAX_SKEL + 1],
}

/// Powers of [`BASE`].
const POW: [u64; MAX_SKEL + 1] = {
    let mut p = [1u64; MAX_SKEL + 1];
    let mut i = 1;
    while i <= MAX_SKEL {
        p[i] = p[i - 1].wrapping_mul(BASE);
        i += 1;
    }
    p
};

impl Hashed {
    fn new(s: &[char]) -> Hashed {
        let mut h = Hashed {
            n: s.len().min(MAX_SKEL),
            pre: [0; MAX_SKEL + 1],
        };
        for (i, &c) in s.iter().enumerate().take(MAX_SKEL) {
            h.pre[i + 1] = h.pre[i].wrapping_mul(BASE).wrapping_add(sym(c));
        }
        h
    }

    /// The key of the whole string (no deletion).
    fn whole(&self) -> u64 {
        finish(self.pre[self.n], self.n)
    }

    fn segment(&self, a: usize, b: usize) -> u64 {
        self.pre[b].wrapping_sub(self.pre[a].wrapping_mul(POW[b - a]))
    }

    /// Calls `f` with the key of the string with exactly `d` (0, 1 or 2) positions deleted.
    fn keys(&self, d: u8, f: &mut impl FnMut(u64)) {
        let n = self.n;
        match d {
            0 => f(finish(self.pre[n], n)),
            1 => {
                for i in 0..n {
                    let h = self
                        .segment(0, i)
                        .wrapping_mul(POW[n - i - 1])
                        .wrapping_add(self.segment(i + 1, n));
                    f(finish(h, n - 1));
                }
            }
            2 => {
                for i in 0..n {
                    for j in i + 1..n {
                        let h = self
                            .segment(0, i)
                            .wrapping_mul(POW[j - i - 1])
                            .wrapping_add(self.segment(i + 1, j))
                            .wrapping_mul(POW[n - j - 1])
                            .wrapping_add(self.segment(j + 1, n));
                        f(finish(h, n - 2));
                    }
                }
            }
            _ => {}
        }
    }
}

fn finish(h: u64, len: usize) -> u64 {
    let x = h ^ (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

/// How often each of 16 classes of characters occurs in `s`, one nibble per class, counts
/// above seven kept at seven (which can only shrink the difference between two strings).
fn count_signature(s: &[char]) -> u64 {
    let mut counts = [0u8; 16];
    for &c in s {
        let class = peq_slot(c).unwrap_or(c as usize) % 16;
        counts[class] = (counts[class] + 1).min(7);
    }
    counts
        .iter()
        .enumerate()
        .fold(0u64, |acc, (i, &n)| acc | u64::from(n) << (4 * i))
}

/// The sum over the 16 nibbles of `|a − b|`, for nibbles of at most seven (SWAR: no borrow can
/// cross a nibble because eight is added first).
fn nibble_l1(a: u64, b: u64) -> u32 {
    const H: u64 = 0x8888_8888_8888_8888;
    const L: u64 = 0x7777_7777_7777_7777;
    let r = (a | H) - b; // 8 + a − b in each nibble, 1..=15
    let ge = (r & H) >> 3; // 1 where a ≥ b
    let mask = ge * 0xf;
    let low = r & L; // a − b where a ≥ b, else 8 − (b − a)
    let abs = (low & mask) | ((H - low) & !mask & L);
    let bytes = (abs & 0x0f0f_0f0f_0f0f_0f0f) + ((abs >> 4) & 0x0f0f_0f0f_0f0f_0f0f);
    (bytes.wrapping_mul(0x0101_0101_0101_0101) >> 56) as u32
}

/// A 128-bit signature folded to 64 bits (still a valid set signature: bit `i` stands for
/// bits `i` and `i + 64`).
fn fold64(x: u128) -> u64 {
    (x as u64) | ((x >> 64) as u64)
}

/// The set of adjacent character pairs in `s`, each hashed to one of 128 bits.
fn bigram_signature(s: &[char]) -> u128 {
    s.windows(2).fold(0u128, |acc, w| {
        let h = (u64::from(w[0]) << 21 | u64::from(w[1])).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        acc | 1 << (h >> 57)
    })
}

/// Start and end of the `part`-th of three segments of a string of `len` characters.
fn third(len: usize, part: usize) -> (usize, usize) {
    (part * len / 3, (part + 1) * len / 3)
}

/// Key of a segment (its polynomial hash) together with the length of the whole string and
/// which third it is.
fn segment_key(hash: u64, len: usize, part: usize) -> u64 {
    finish(
        hash ^ ((len as u64) << 2 | part as u64).wrapping_mul(0xd6e8_feb8_6659_fd93),
        len,
    )
}

/// Calls `f` with the key of `s` with every set of at most `max` (0, 1 or 2) deleted positions.
#[cfg(test)]
fn deletion_keys(s: &[char], max: u8, mut f: impl FnMut(u64)) {
    let h = Hashed::new(s);
    for d in 0..=max {
        h.keys(d, &mut f);
    }
}

/// Calls `f` with the key of `s` with exactly `d` positions deleted.
#[cfg(test)]
fn deletion_keys_exact(s: &[char], d: u8, mut f: impl FnMut(u64)) {
    Hashed::new(s).keys(d, &mut f);
}

/// Deletion keys → the entries that have them: the keys sorted, with a directory of where
/// each run of keys sharing their top bits starts. Compact, built by one sort, and a lookup
/// touches two places in memory.
#[derive(Debug, Default)]
struct DeletionIndex<P = ()> {
    filter: KeyFilter,
    shift: u32,
    dir: Vec<u32>,
    /// Key, entry id and a payload read together with them, sorted by key.
    items: Vec<(u64, u32, P)>,
}

impl<P: Copy + Ord> DeletionIndex<P> {
    fn new(mut items: Vec<(u64, u32, P)>) -> DeletionIndex<P> {
        items.sort_unstable();
        items.dedup();
        // About one key per directory slot.
        let bits = (usize::BITS - items.len().leading_zeros()).clamp(4, 24);
        let shift = 64 - bits;
        let mut dir = vec![0u32; (1usize << bits) + 1];
        for (i, (k, _, _)) in items.iter().enumerate().rev() {
            dir[(k >> shift) as usize] = u32::try_from(i).unwrap_or(u32::MAX);
        }
        // Empty slots point at the start of the next non-empty one.
        let mut next = u32::try_from(items.len()).unwrap_or(u32::MAX);
        let mut seen = vec![false; dir.len()];
        for (k, _, _) in &items {
            seen[(k >> shift) as usize] = true;
        }
        for slot in (0..dir.len()).rev() {
            if seen[slot] {
                next = dir[slot];
            } else {
                dir[slot] = next;
            }
        }
        DeletionIndex {
            filter: KeyFilter::new(items.iter().map(|p| p.0)),
            shift,
            dir,
            items,
        }
    }

    /// Calls `f` with the id and payload of every entry with `key`.
    fn each(&self, key: u64, mut f: impl FnMut(u32, P)) {
        if !self.filter.may_contain(key) {
            return;
        }
        let slot = (key >> self.shift) as usize;
        let (Some(&start), Some(&end)) = (self.dir.get(slot), self.dir.get(slot + 1)) else {
            return;
        };
        for &(k, id, p) in self
            .items
            .get(start as usize..end as usize)
            .unwrap_or_default()
        {
            if k == key {
                f(id, p);
            } else if k > key {
                break;
            }
        }
    }
}

impl DeletionIndex {
    /// Builds an index without payloads.
    fn of(pairs: Vec<(u64, u32)>) -> DeletionIndex {
        DeletionIndex::new(pairs.into_iter().map(|(k, id)| (k, id, ())).collect())
    }

    /// Appends the entries with `key` to `ids`.
    fn lookup(&self, key: u64, ids: &mut Vec<u32>) {
        self.each(key, |id, ()| ids.push(id));
    }
}

/// A set of strings behind a [`KeyFilter`] of their hashes: a miss, the usual answer, costs
/// one probe of a small bit array instead of a hash table's buckets and the key's heap buffer.
#[derive(Debug, Default)]
struct FilteredSet {
    set: FxHashSet<String>,
    filter: KeyFilter,
}

impl FilteredSet {
    /// Inserts `key`; whether it was new.
    fn insert(&mut self, key: String) -> bool {
        self.set.insert(key)
    }

    /// Builds the filter; call after the last insertion.
    fn seal(&mut self) {
        self.filter = KeyFilter::new(self.set.iter().map(|k| string_key(k)));
    }

    fn contains(&self, key: &str) -> bool {
        self.filter.may_contain(string_key(key)) && self.set.contains(key)
    }
}

fn string_key(s: &str) -> u64 {
    use std::hash::BuildHasher;
    finish(rustc_hash::FxBuildHasher.hash_one(s), s.len())
}

/// A one-hash Bloom filter over index keys, small enough to stay in cache: most keys of an
/// unrelated name are absent, and this answers that without touching the sorted keys.
#[derive(Debug, Default)]
struct KeyFilter {
    bits: Vec<u64>,
    mask: u64,
}

impl KeyFilter {
    fn new(keys: impl ExactSizeIterator<Item = u64>) -> KeyFilter {
        // About 16 bits per key, at least 8 KiB, at most 32 MiB.
        let bits = (keys.len() as u64 * 16)
            .clamp(1 << 16, 1 << 28)
            .next_power_of_two();
        let mut f = KeyFilter {
            bits: vec![0; usize::try_from(bits / 64).unwrap_or(1 << 10)],
            mask: bits - 1,
        };
        for k in keys {
            let b = k & f.mask;
            f.bits[(b / 64) as usize] |= 1 << (b % 64);
        }
        f
    }

    fn may_contain(&self, k: u64) -> bool {
        let b = k & self.mask;
        self.bits
            .get((b / 64) as usize)
            .is_some_and(|w| w & (1 << (b % 64)) != 0)
    }
}

// --- canonical names ---------------------------------------------------------------------------

/// Lowercase Unicode form of a host name (IDNA/UTS #46 mapping, punycode decoded), or `None`
/// when it is not a host name with at least two labels.
pub(crate) fn canonical_host(input: &str) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    let t = input.trim().trim_end_matches('.');
    if t.is_empty() || t.len() > 253 {
        return None;
    }
    let host: Cow<'_, str> = if t.is_ascii() {
        let lower: Cow<'_, str> = if t.bytes().any(|b| b.is_ascii_uppercase()) {
            t.to_ascii_lowercase().into()
        } else {
            t.into()
        };
        if lower.contains("xn--") {
            idna::domain_to_unicode(&lower).0.into()
        } else {
            lower
        }
    } else {
        idna::domain_to_unicode(t).0.into()
    };
    let mut labels = 0;
    for l in host.split('.') {
        labels += 1;
        if l.is_empty()
            || !l
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
    }
    (labels >= 2).then_some(host)
}

/// Splits a host name into its registrable domain, the registrable domain's label and the
/// public suffix: `mail.acme-trade.co.uk` → (`acme-trade.co.uk`, `acme-trade`, `co.uk`).
/// `None` when the host is a public suffix itself.
fn split_host(host: &str) -> Option<(&str, &str, &str)> {
    let d = psl::domain(host.as_bytes())?;
    let reg = host.get(host.len() - d.as_bytes().len()..)?;
    let suffix = reg.get(reg.len() - d.suffix().as_bytes().len()..)?;
    let label = reg.strip_suffix(suffix)?.strip_suffix('.')?;
    (!label.is_empty() && !label.contains('.')).then_some((reg, label, suffix))
}

#[cfg(test)]
mod tests;
