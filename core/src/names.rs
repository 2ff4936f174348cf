//! Names of people and companies as they appear in display names, reduced to comparable tokens.
//!
//! A display name is normalised once: NFKC (full-width letters, mathematical alphanumerics and
//! other compatibility forms become plain letters), invisible characters dropped, diacritics
//! and tone marks removed, titles and legal forms dropped, Han characters spelled out in pinyin,
//! and each remaining word reduced to its confusable skeleton. `Li Wei`, `LI, Wei`, `Wei Li`,
//! `Lǐ Wěi`, `李伟`, `Li Wеi` (Cyrillic `е`) and `𝐋𝐢 𝐖𝐞𝐢` all meet.

use pinyin::ToPinyin;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use rustc_hash::FxHashMap;

use crate::domain::brands;
use crate::domain::skeleton::skeleton;
use crate::domain::DomainSet;
use crate::policy::{Person, Policy, Role};

/// Titles and honorifics dropped from names (compared after lowercasing).
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "sir",
    "madam",
    "mme",
    "herr",
    "frau",
    "sr",
    "sra",
    "ceo",
    "cfo",
    "coo",
    "cto",
    "md",
    "gm",
    "director",
    "manager",
    "president",
    "chairman",
    "boss",
    "via",
];

/// Chinese titles, removed before Han characters are spelled out.
const HAN_TITLES: &[&str] = &[
    "总经理",
    "董事长",
    "总裁",
    "经理",
    "主任",
    "先生",
    "女士",
    "小姐",
    "老板",
    "总监",
    "会计",
    "财务",
    "出纳",
];

/// Legal forms dropped from company names.
const LEGAL_FORMS: &[&str] = &[
    "co",
    "company",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "pte",
    "pty",
    "oy",
    "ab",
    "as",
    "kk",
    "jsc",
    "ooo",
    "group",
];
const HAN_LEGAL_FORMS: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "集团", "公司"];

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// The comparable words of a name. `drop` lists words to leave out (titles or legal forms),
/// `han_drop` the Han words to remove before spelling out.
fn tokens(s: &str, drop: &[&str], han_drop: &[&str]) -> Vec<String> {
    // NFKC and NFD leave ASCII alone, and ASCII has no Han titles.
    let mut text: String = if s.is_ascii() {
        s.to_string()
    } else {
        s.nfkc()
            .filter(|&c| !crate::lexicon::normalize::is_invisible(c))
            .collect()
    };
    if !text.is_ascii() {
        for t in han_drop {
            if text.contains(t) {
                text = text.replace(t, " ");
            }
        }
    }
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            // Tone numbers (`li3`) go, like tone marks.
            let w = word.trim_end_matches(|c: char| ('1'..='5').contains(&c));
            let w = if w.chars().any(char::is_alphabetic) {
                w
            } else {
                word.as_str()
            };
            if !drop.contains(&w) {
                words.push(skeleton(w));
            }
            word.clear();
        }
    };
    let chars: Vec<char> = if text.is_ascii() {
        text.chars().collect()
    } else {
        text.nfd().filter(|&c| !is_combining_mark(c)).collect()
    };
    for c in chars {
        if is_han(c) {
            flush(&mut word, &mut words);
            if let Some(p) = c.to_pinyin() {
                words.push(skeleton(p.plain()));
            } else {
                words.push(c.to_string());
            }
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut words);
        }
    }
    flush(&mut word, &mut words);
    words
}

/// Words of a person's name (titles dropped).
pub(crate) fn person_tokens(s: &str) -> Vec<String> {
    tokens(s, TITLES, HAN_TITLES)
}

/// Every word of a name, nothing dropped.
pub(crate) fn all_tokens(s: &str) -> Vec<String> {
    tokens(s, &[], &[])
}

/// Words of a company or brand name (legal forms dropped).
pub(crate) fn company_tokens(s: &str) -> Vec<String> {
    tokens(s, LEGAL_FORMS, HAN_LEGAL_FORMS)
}

/// How a display name matched a protected person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameMatch {
    /// The same words in the same order.
    Exact,
    /// The same words in another order (`Wei Li`, `LI, Wei`) or run together (`LiWei`).
    Reordered,
    /// A given name shortened to its initial (`W. Li`).
    Initials,
}

impl NameMatch {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NameMatch::Exact => "exact",
            NameMatch::Reordered => "reordered",
            NameMatch::Initials => "initials",
        }
    }
}

/// Whether display-name words `d` name the person with name words `p`.
fn match_tokens(d: &[String], p: &[String]) -> Option<NameMatch> {
    // A single word (a given name alone, a surname alone) is too common to mean anyone.
    let letters = |t: &[String]| t.iter().map(|w| w.chars().count()).sum::<usize>();
    if p.len() < 2 || d.is_empty() || letters(p) < 4 {
        return None;
    }
    if d == p {
        return Some(NameMatch::Exact);
    }
    let mut ds: Vec<&String> = d.iter().collect();
    let mut ps: Vec<&String> = p.iter().collect();
    ds.sort();
    ps.sort();
    if ds == ps {
        return Some(NameMatch::Reordered);
    }
    let joined_d: String = d.concat();
    let joined_p: String = p.concat();
    let joined_rev: String = p.iter().rev().map(String::as_str).collect();
    if joined_d == joined_p || joined_d == joined_rev {
        return Some(NameMatch::Reordered);
    }
    // Initials: as many words, each equal or the initial of a distinct name word, and at
    // least one whole word equal.
    if d.len() == p.len() && d.len() <= 4 {
        let initial_of = |short: &str, long: &str| {
            short.chars().count() == 1 && long.starts_with(short) && long.len() > short.len()
        };
        let mut used = vec![false; p.len()];
        let mut whole = 0;
        let mut ok = true;
        // Whole words first, so that `W Li` pairs `li` with `li`, then initials.
        for w in d {
            if let Some(i) = (0..p.len()).find(|&i| !used[i] && &p[i] == w) {
                used[i] = true;
                whole += 1;
            }
        }
        for w in d {
            if p.contains(w) {
                continue;
            }
            match (0..p.len()).find(|&i| !used[i] && initial_of(w, &p[i])) {
                Some(i) => used[i] = true,
                None => ok = false,
            }
        }
        if ok && whole >= 1 && used.iter().all(|&u| u) {
            return Some(NameMatch::Initials);
        }
    }
    None
}

/// The protected people, compiled: each name and alias as words.
#[derive(Debug, Default)]
pub(crate) struct People {
    /// Index into the policy's `people`, and the words of one of that person's names.
    forms: Vec<(usize, Vec<String>)>,
    /// Each person's role, by the same index.
    roles: Vec<Role>,
}

/// A protected person named in a display name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PersonHit {
    /// Index of the person in the policy's `people`.
    pub(crate) index: usize,
    pub(crate) how: NameMatch,
}

impl People {
    pub(crate) fn new(people: &[Person]) -> People {
        let mut forms = Vec::new();
        for (i, p) in people.iter().enumerate() {
            for form in std::iter::once(&p.name).chain(&p.aliases) {
                let t = person_tokens(form);
                if !t.is_empty() {
                    forms.push((i, t));
                }
            }
        }
        People {
            forms,
            roles: people.iter().map(|p| p.role).collect(),
        }
    }

    /// The protected person a display name names, preferring executives and finance staff
    /// when several match. A name written twice, in Latin letters and in Han characters
    /// (`Li Wei 李伟`, `David Li 李伟`), counts when both halves name the same person.
    pub(crate) fn find(&self, display: &str) -> Option<PersonHit> {
        if self.forms.is_empty() {
            return None;
        }
        let d = person_tokens(display);
        let rank = |r: Role| match r {
            Role::Executive => 2,
            Role::Finance => 1,
            _ => 0,
        };
        let matches = |words: &[String]| -> Vec<(usize, NameMatch)> {
            self.forms
                .iter()
                .filter_map(|(i, p)| match_tokens(words, p).map(|how| (*i, how)))
                .collect()
        };
        let whole = matches(&d).into_iter().max_by_key(|(i, how)| {
            (
                rank(self.roles.get(*i).copied().unwrap_or_default()),
                *how == NameMatch::Exact,
            )
        });
        let best = whole.or_else(|| {
            (2..d.len().saturating_sub(1)).find_map(|k| {
                let (a, b) = d.split_at(k);
                let second = matches(b);
                matches(a)
                    .into_iter()
                    .find(|(i, _)| second.iter().any(|(j, _)| j == i))
            })
        })?;
        Some(PersonHit {
            index: best.0,
            how: best.1,
        })
    }
}

/// Whether the words `needle` occur as a run inside `hay`.
pub(crate) fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A company or brand name to look for in display names, and the domains it sends from.
#[derive(Debug)]
pub(crate) struct CompanyName {
    pub(crate) words: Vec<String>,
    /// The words keep the legal form (compare with [`all_tokens`] of the display name, not
    /// [`company_tokens`]).
    full: bool,
    pub(crate) name: String,
    /// `organisation`, `partner`, `vendor` or `brand`.
    pub(crate) kind: &'static str,
    pub(crate) domains: DomainSet,
}

/// The names that count as brand impersonation in a display name: the organisation's,
/// partners', vendors' and the enabled built-in brands', indexed by their first word.
#[derive(Debug, Default)]
pub(crate) struct Companies {
    names: Vec<CompanyName>,
    by_first_word: FxHashMap<String, Vec<usize>>,
}

impl Companies {
    /// Names of fewer than four letters are too likely to be ordinary words and are left out;
    /// a policy company whose name is one word besides its legal form must be named in full
    /// ("Müller GmbH" without its legal form is a surname).
    pub(crate) fn new(policy: &Policy) -> Companies {
        let mut c = Companies::default();
        let mut add = |name: &str, kind, domains: &[String]| {
            let mut words = company_tokens(name);
            let full = words.len() < 2 && kind != "brand";
            if full {
                words = all_tokens(name);
            }
            if words.iter().map(|w| w.chars().count()).sum::<usize>() >= 4 {
                if let Some(first) = words.first() {
                    c.by_first_word
                        .entry(first.clone())
                        .or_default()
                        .push(c.names.len());
                }
                c.names.push(CompanyName {
                    words,
                    full,
                    name: name.to_string(),
                    kind,
                    domains: DomainSet::new(domains.iter().map(String::as_str)),
                });
            }
        };
        let org = &policy.organisation;
        if !org.name.is_empty() {
            add(&org.name, "organisation", &org.domains);
        }
        for p in &policy.partners {
            add(&p.name, "partner", &p.domains);
        }
        for v in &policy.vendors {
            add(&v.name, "vendor", &v.domains);
        }
        for b in brands::enabled(&policy.lists.builtin_brands, &policy.lists.disabled_brands) {
            for n in &b.names {
                add(n, "brand", &b.domains);
            }
        }
        c
    }

    /// The names a display name contains, in the order above (organisation first).
    pub(crate) fn named_in(&self, display: &str) -> Vec<&CompanyName> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let (company, all) = (company_tokens(display), all_tokens(display));
        let mut found: Vec<usize> = company
            .iter()
            .chain(&all)
            .filter_map(|w| self.by_first_word.get(w))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|i| &self.names[i])
            .filter(|n| contains_run(if n.full { &all } else { &company }, &n.words))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, aliases: &[&str], role: Role) -> Person {
        Person {
            name: name.to_string(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            role,
            ..Person::default()
        }
    }

    #[test]
    fn names_are_reduced_to_comparable_words() {
        assert_eq!(person_tokens("Li Wei"), person_tokens("LI, wei"));
        assert_eq!(person_tokens("Mr. Li Wei (CEO)"), person_tokens("li wei"));
        assert_eq!(person_tokens("李伟"), person_tokens("Li Wei"));
        assert_eq!(person_tokens("Lǐ Wěi"), person_tokens("Li Wei"));
        assert_eq!(person_tokens("Li3 Wei3"), person_tokens("Li Wei"));
        assert_eq!(person_tokens("Li Wеi"), person_tokens("Li Wei")); // Cyrillic е
        assert_eq!(person_tokens("𝐋𝐢 𝐖𝐞𝐢"), person_tokens("Li Wei")); // mathematical bold
        assert_eq!(person_tokens("Ｌｉ Ｗｅｉ"), person_tokens("Li Wei")); // full-width
        assert_eq!(person_tokens("Li\u{200b} Wei"), person_tokens("Li Wei"));
        assert_eq!(person_tokens("李伟总经理"), person_tokens("Li Wei"));
        assert_eq!(person_tokens("José Müller"), person_tokens("Jose Muller"));
        assert_eq!(
            company_tokens("Acme Trade Co., Ltd."),
            company_tokens("ACME TRADE")
        );
        assert_eq!(
            company_tokens("宁波钢铁有限公司"),
            company_tokens("宁波钢铁")
        );
    }

    #[test]
    fn people_match_in_every_written_form() {
        let list = [
            person("Li Wei", &["李伟", "David Li"], Role::Executive),
            person("Anna Schmidt", &[], Role::Finance),
        ];
        let people = People::new(&list);
        let hit = |d: &str| people.find(d).map(|h| (list[h.index].name.clone(), h.how));
        let li = Some("Li Wei".to_string());
        for d in [
            "Li Wei",
            "李伟",
            "Lǐ Wěi",
            "Li Wеi",
            "𝐋𝐢 𝐖𝐞𝐢",
            "LI WEI 李伟",
        ] {
            assert_eq!(hit(d).map(|h| h.0), li, "{d}");
        }
        assert_eq!(hit("Wei, Li").map(|h| h.1), Some(NameMatch::Reordered));
        assert_eq!(hit("LiWei").map(|h| h.1), Some(NameMatch::Reordered));
        assert_eq!(hit("weili").map(|h| h.1), Some(NameMatch::Reordered));
        assert_eq!(hit("W. Li").map(|h| h.1), Some(NameMatch::Initials));
        assert_eq!(hit("David Li").map(|h| h.0), li);
        assert_eq!(
            hit("Schmidt, Anna").map(|h| h.0),
            Some("Anna Schmidt".into())
        );
        assert_eq!(hit("A. Schmidt").map(|h| h.1), Some(NameMatch::Initials));
        // Not the same person.
        for d in [
            "Wei",
            "Li",
            "Li Wen",
            "Anna",
            "Anna Schmitt GmbH",
            "W. L.",
            "Li Wei Ming",
        ] {
            assert!(hit(d).is_none(), "{d}");
        }
    }

    #[test]
    fn runs_of_words_are_found() {
        let hay = company_tokens("DHL Express Customer Service");
        assert!(contains_run(&hay, &company_tokens("DHL Express")));
        assert!(!contains_run(&hay, &company_tokens("Express DHL")));
        assert!(!contains_run(&hay, &[]));
    }
}
