//! Text normalisation for phrase matching, applied the same way to phrases and to messages.
//!
//! - Compatibility decomposition (NFKD) with combining marks removed, then lowercase: full-width
//!   `ＢＡＮＫ` → `bank`, `é` → `e`, `ё` → `е`, Arabic vowel marks dropped, `ß` → `ss`.
//!   Han, Hangul and kana pass through unchanged (half-width kana get NFKC).
//! - Invisible characters (zero-width, soft hyphen, bidi controls) are removed.
//! - Lookalikes inside Latin words are folded: a Cyrillic or Greek letter next to a Latin letter
//!   (`bаnk` with Cyrillic `а`), and `0 1 3 4 5 @ $ |` between two letters (`acc0unt`).
//! - Apostrophes are dropped (`don't` → `dont`); other punctuation and whitespace become one
//!   space, and spaces between two Han/kana characters disappear (`更改 银行`).
//! - Sentence ends (`. ! ? ;` before a space, `。！？`, a blank line, a quoted `>` line) become
//!   [`BOUNDARY`], which no phrase contains, so no match crosses two sentences.
//!
//! The output keeps, for every byte, the offset of the input character it came from, so matches
//! can be quoted from the original text.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// The sentence-boundary byte in normalised text.
pub(crate) const BOUNDARY: u8 = b'\n';

/// Normalised text with a map back to the input.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    /// The normalised text.
    pub(crate) text: String,
    /// For each byte of `text`, the byte offset in the input of the character it came from.
    pub(crate) origin: Vec<u32>,
}

/// What kind of character was written last, for the context-dependent folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Start of text, a space or a boundary.
    Gap,
    Latin,
    /// A letter of another alphabetic script (Cyrillic, Greek, Arabic …) or a digit.
    Other,
    /// Han, kana: scripts written without spaces.
    Ideograph,
}

struct Writer {
    out: Normalized,
    last: Last,
    /// A space is owed before the next character.
    pending_space: Option<u32>,
    /// Newlines in the current run of whitespace.
    newlines: u32,
}

impl Writer {
    fn push(&mut self, c: char, at: u32, kind: Last) {
        if let Some(space_at) = self.pending_space.take() {
            let glue = self.last == Last::Ideograph && kind == Last::Ideograph;
            if !glue && self.last != Last::Gap {
                self.out.text.push(' ');
                self.out.origin.push(space_at);
            }
        }
        self.newlines = 0;
        let before = self.out.text.len();
        self.out.text.push(c);
        let added = self.out.text.len() - before;
        self.out.origin.extend(std::iter::repeat_n(at, added));
        self.last = kind;
    }

    fn space(&mut self, at: u32) {
        if self.last != Last::Gap && self.pending_space.is_none() {
            self.pending_space = Some(at);
        }
    }

    fn boundary(&mut self, at: u32) {
        self.pending_space = None;
        self.newlines = 0;
        if self
            .out
            .text
            .as_bytes()
            .last()
            .is_some_and(|&b| b != BOUNDARY)
        {
            self.out.text.push(char::from(BOUNDARY));
            self.out.origin.push(at);
        }
        self.last = Last::Gap;
    }
}

/// Normalises `input` (see the module documentation).
pub(crate) fn normalize(input: &str) -> Normalized {
    let mut w = Writer {
        out: Normalized {
            text: String::with_capacity(input.len()),
            origin: Vec::with_capacity(input.len()),
        },
        last: Last::Gap,
        pending_space: None,
        newlines: 0,
    };
    let bytes = input.as_bytes();
    let mut line_start = true;
    let mut iter = input.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        // Offsets fit: messages are capped far below 4 GiB by the parser's limits.
        let at = u32::try_from(i).unwrap_or(u32::MAX);
        let next = iter.peek().map(|&(_, n)| n);
        if line_start && c == '>' {
            // A quoted line (`> …`) is a sentence of its own.
            w.boundary(at);
        }
        line_start = c == '\n';
        if c.is_ascii() {
            ascii(&mut w, bytes, i, c, next, at);
        } else {
            non_ascii(&mut w, c, next, at);
        }
    }
    w.out
}

fn ascii(w: &mut Writer, bytes: &[u8], i: usize, c: char, next: Option<char>, at: u32) {
    match c {
        'a'..='z' => w.push(c, at, Last::Latin),
        'A'..='Z' => w.push(c.to_ascii_lowercase(), at, Last::Latin),
        '0' | '1' | '3' | '4' | '5' | '@' | '$' | '|'
            if w.last == Last::Latin && next.is_some_and(|n| n.is_alphabetic()) =>
        {
            let folded = match c {
                '0' => 'o',
                '1' | '|' => 'l',
                '3' => 'e',
                '4' | '@' => 'a',
                _ => 's',
            };
            w.push(folded, at, Last::Latin);
        }
        '0'..='9' => w.push(c, at, Last::Other),
        '\'' => {}
        '\n' => {
            w.newlines += 1;
            if w.newlines >= 2 {
                w.boundary(at);
            } else {
                w.space(at);
            }
        }
        '.' | '!' | '?' | ';' => {
            let ends = bytes
                .get(i + 1)
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b')');
            if ends || c != '.' {
                w.boundary(at);
            } else {
                w.space(at);
            }
        }
        ' ' | '\t' | '\r' => {
            if c != '\r' {
                // A blank line is `\n` + optional spaces + `\n`; spaces do not reset the count.
                let n = w.newlines;
                w.space(at);
                w.newlines = n;
            }
        }
        _ => w.space(at),
    }
}

fn non_ascii(w: &mut Writer, c: char, next: Option<char>, at: u32) {
    if crate::names::is_invisible(c) {
        return;
    }
    match c {
        '\u{3002}' | '\u{ff01}' | '\u{ff1f}' | '\u{ff1b}' | '\u{ff61}' | '\u{2029}' => {
            return w.boundary(at)
        }
        '\u{2019}' | '\u{2018}' | '\u{02bc}' => return,
        'ß' => {
            w.push('s', at, Last::Latin);
            return w.push('s', at, Last::Latin);
        }
        _ => {}
    }
    if is_ideograph(c) {
        return w.push(c, at, Last::Ideograph);
    }
    if is_hangul(c) {
        return w.push(c, at, Last::Other);
    }
    if ('\u{ff61}'..='\u{ff9f}').contains(&c) {
        // Half-width kana.
        for d in std::iter::once(c).nfkc() {
            w.push(d, at, Last::Ideograph);
        }
        return;
    }
    let mut parts = [None::<char>; 8];
    let mut n = 0;
    decompose_compatible(c, |d| {
        if !is_combining_mark(d) && n < parts.len() {
            parts[n] = Some(d);
            n += 1;
        }
    });
    for d in parts.into_iter().take(n).flatten() {
        if d.is_ascii() {
            let s = [d as u8];
            // `d` is ASCII, so the one-byte slice is its UTF-8 form.
            ascii(w, &s, 0, d, next, at);
            continue;
        }
        for l in d.to_lowercase() {
            if l.is_whitespace() {
                w.space(at);
            } else if let Some(latin) = latin_lookalike(l)
                .filter(|_| w.last == Last::Latin || next.is_some_and(|n| n.is_ascii_alphabetic()))
            {
                w.push(latin, at, Last::Latin);
            } else if l.is_alphanumeric() {
                let kind = if is_latin(l) {
                    Last::Latin
                } else if is_ideograph(l) {
                    Last::Ideograph
                } else {
                    Last::Other
                };
                w.push(l, at, kind);
            } else {
                w.space(at);
            }
        }
    }
}

/// Han ideographs and kana: scripts written without spaces between words.
pub(crate) fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}' | '\u{3005}')
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{ac00}'..='\u{d7a3}' | '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00c0}'..='\u{024f}' | '\u{1e00}'..='\u{1eff}')
}

/// Whether a phrase or text character at a match edge needs a word boundary there: letters and
/// digits of scripts written with spaces (Latin, Cyrillic, Greek). Han, kana, Hangul and Arabic
/// attach particles and articles to words, so their phrases match inside words.
pub(crate) fn needs_boundary(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || is_latin(c)
        || matches!(c, '\u{0370}'..='\u{03ff}' | '\u{0400}'..='\u{04ff}')
}

/// Cyrillic and Greek letters that look like a Latin letter.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'ӏ' => 'l',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(s).text
    }

    #[test]
    fn folds_obfuscation() {
        assert_eq!(n("ba\u{200b}nk acc0unt"), "bank account");
        assert_eq!(n("Ｂａｎｋ　ＡＣＣＯＵＮＴ"), "bank account");
        assert_eq!(n("b\u{0430}nk"), "bank");
        assert_eq!(n("Don't  call\tme"), "dont call me");
        assert_eq!(n("Straße"), "strasse");
        assert_eq!(n("número de cuenta"), "numero de cuenta");
        assert_eq!(n("СЧЁТ"), "счет");
        assert_eq!(n("更改 银行\n账户"), "更改银行账户");
        assert_eq!(n("cut-off"), "cut off");
        // Numbers stay numbers.
        assert_eq!(n("2024 $500"), "2024 500");
    }

    #[test]
    fn marks_sentence_boundaries() {
        assert_eq!(n("Bank account. New one"), "bank account\nnew one");
        assert_eq!(n("acme.com is new"), "acme com is new");
        assert_eq!(n("更改。银行账户"), "更改\n银行账户");
        assert_eq!(n("line one\nline two"), "line one line two");
        assert_eq!(n("para one\n \npara two"), "para one\npara two");
        assert_eq!(n("hi\n> quoted\nnew"), "hi\nquoted new");
    }

    #[test]
    fn origin_points_into_the_input() {
        let input = "Ｎew ba\u{200b}nk";
        let out = normalize(input);
        assert_eq!(out.text.len(), out.origin.len());
        for (i, &o) in out.origin.iter().enumerate() {
            assert!(input.is_char_boundary(o as usize), "byte {i}");
        }
        let b = out.text.find('b').unwrap();
        assert_eq!(&input[out.origin[b] as usize..], "ba\u{200b}nk");
    }

    #[test]
    fn never_panics_on_any_boundary() {
        let s = "Ｂаnk 账户。ß\u{0301}ﾊﾞ> x\n\n!?";
        for (i, _) in s.char_indices() {
            let _ = normalize(&s[i..]);
            let _ = normalize(&s[..i]);
        }
    }
}
