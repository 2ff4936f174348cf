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
//! The output records where it came from at the few places where output and input offsets
//! stop moving in step (a removed character, a collapsed space, a folded full-width letter), so
//! matches can be quoted from the original text without an offset per byte. It also records
//! the sentence boundaries and which sentences hold non-ASCII text, so the automaton of
//! non-ASCII phrases runs only there.
//!
//! ASCII, most of most messages, goes through a byte table; only other characters are decoded.

use std::sync::OnceLock;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// The sentence-boundary byte in normalised text.
pub(crate) const BOUNDARY: u8 = b'\n';

/// Normalised text with a map back to the input.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    /// The normalised text.
    pub(crate) text: String,
    /// `(output offset, input offset)` wherever the distance between the two changes; between
    /// two entries, both advance together.
    shifts: Vec<(u32, u32)>,
    /// Length of the input.
    input_len: u32,
    /// Output offsets of the [`BOUNDARY`] bytes.
    boundaries: Vec<u32>,
    /// Output ranges of the sentences that contain non-ASCII characters.
    pub(crate) non_ascii: Vec<(u32, u32)>,
}

impl Normalized {
    /// The input offset of the character that produced output byte `out` (or the input's end
    /// for the output's end).
    pub(crate) fn origin(&self, out: usize) -> usize {
        if out >= self.text.len() {
            return self.input_len as usize;
        }
        let i = self.shifts.partition_point(|&(o, _)| o as usize <= out);
        match i.checked_sub(1).and_then(|k| self.shifts.get(k)) {
            Some(&(o, input)) => input as usize + (out - o as usize),
            None => out,
        }
    }

    /// The sentence of output offset `out`, counted from 0.
    pub(crate) fn sentence_of(&self, out: usize) -> u32 {
        // At most one boundary per input byte, and inputs are far below 4 GiB.
        u32::try_from(self.boundaries.partition_point(|&b| (b as usize) < out)).unwrap_or(u32::MAX)
    }
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
    out: Vec<u8>,
    shifts: Vec<(u32, u32)>,
    /// Input offset minus output offset at the last write.
    delta: i64,
    last: Last,
    /// A space is owed before the next character; its input offset.
    pending_space: Option<u32>,
    /// Newlines in the current run of whitespace.
    newlines: u32,
    boundaries: Vec<u32>,
    non_ascii: Vec<(u32, u32)>,
    sentence_start: u32,
    sentence_non_ascii: bool,
}

/// Output offsets fit in `u32`: messages are capped far below 4 GiB by the parser's limits.
fn off(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Writer {
    /// Records the input offset of the next output byte if the two no longer move in step.
    #[inline(always)]
    fn mark(&mut self, at: u32) {
        let d = i64::from(at) - self.out.len() as i64;
        if d != self.delta {
            self.shifts.push((off(self.out.len()), at));
            self.delta = d;
        }
    }

    #[inline]
    fn flush_space(&mut self, kind: Last) {
        if let Some(space_at) = self.pending_space.take() {
            let glue = self.last == Last::Ideograph && kind == Last::Ideograph;
            if !glue && self.last != Last::Gap {
                self.mark(space_at);
                self.out.push(b' ');
            }
        }
    }

    #[inline(always)]
    fn byte(&mut self, b: u8, at: u32, kind: Last) {
        if self.pending_space.is_some() {
            self.flush_space(kind);
        }
        self.newlines = 0;
        self.mark(at);
        self.out.push(b);
        self.last = kind;
    }

    /// A run of ASCII bytes that normalise to themselves but for case, starting at input
    /// offset `at` (see [`clean_run_end`]).
    fn run(&mut self, run: &[u8], at: u32) {
        let kind = |b: &u8| {
            if b.is_ascii_alphabetic() {
                Last::Latin
            } else {
                Last::Other
            }
        };
        if self.pending_space.is_some() {
            self.flush_space(run.first().map_or(Last::Other, kind));
        }
        self.newlines = 0;
        self.mark(at);
        let from = self.out.len();
        self.out.extend_from_slice(run);
        // `| 0x20` lowercases ASCII letters and leaves digits, spaces and lowercase alone.
        for b in &mut self.out[from..] {
            *b |= 0x20;
        }
        self.last = run.last().map_or(self.last, kind);
    }

    /// A run of Han or kana characters starting at input offset `at`.
    fn ideographs(&mut self, run: &[u8], at: u32) {
        self.flush_space(Last::Ideograph);
        self.newlines = 0;
        self.mark(at);
        self.out.extend_from_slice(run);
        self.sentence_non_ascii = true;
        self.last = Last::Ideograph;
    }

    fn push(&mut self, c: char, at: u32, kind: Last) {
        if c.is_ascii() {
            return self.byte(c as u8, at, kind);
        }
        self.flush_space(kind);
        self.newlines = 0;
        self.mark(at);
        let mut buf = [0u8; 4];
        self.out
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        self.sentence_non_ascii = true;
        self.last = kind;
    }

    #[inline]
    fn space(&mut self, at: u32) {
        if self.last != Last::Gap && self.pending_space.is_none() {
            self.pending_space = Some(at);
        }
    }

    fn close_sentence(&mut self) {
        if self.sentence_non_ascii {
            self.non_ascii
                .push((self.sentence_start, off(self.out.len())));
        }
        self.sentence_non_ascii = false;
    }

    fn boundary(&mut self, at: u32) {
        self.pending_space = None;
        self.newlines = 0;
        if self.out.last().is_some_and(|&b| b != BOUNDARY) {
            self.close_sentence();
            self.mark(at);
            self.boundaries.push(off(self.out.len()));
            self.out.push(BOUNDARY);
            self.sentence_start = off(self.out.len());
        }
        self.last = Last::Gap;
    }
}

/// Normalises `input` (see the module documentation).
pub(crate) fn normalize(input: &str) -> Normalized {
    let mut w = Writer {
        out: Vec::with_capacity(input.len()),
        shifts: Vec::new(),
        delta: 0,
        last: Last::Gap,
        pending_space: None,
        newlines: 0,
        boundaries: Vec::new(),
        non_ascii: Vec::new(),
        sentence_start: 0,
        sentence_non_ascii: false,
    };
    let bytes = input.as_bytes();
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let at = off(i);
        if line_start && b == b'>' {
            // A quoted line (`> …`) is a sentence of its own.
            w.boundary(at);
        }
        line_start = b == b'\n';
        if CLEAN[usize::from(b)] == ALWAYS {
            // Fast path: a run of bytes that normalise to themselves (letters, digits, single
            // spaces between words) is copied in one go and lowercased in place.
            let end = clean_run_end(bytes, i);
            w.run(&bytes[i..end], at);
            i = end;
        } else if (0xe3..=0xe9).contains(&b) && starts_ideograph(&bytes[i..]) {
            // Fast path: a run of Han or kana characters (three bytes each in UTF-8) is copied
            // as it is.
            let mut run = i;
            while run < bytes.len() && starts_ideograph(&bytes[run..]) {
                run += 3;
            }
            w.ideographs(&bytes[i..run], at);
            i = run;
        } else if b < 0x80 {
            ascii(&mut w, bytes, i, b, at);
            i += 1;
        } else {
            let mut rest = input.get(i..).unwrap_or("").chars();
            let Some(c) = rest.next() else { break };
            non_ascii(&mut w, c, rest.next(), at);
            i += c.len_utf8();
        }
    }
    w.close_sentence();
    Normalized {
        // Only whole UTF-8 sequences are written, so this cannot fail; should it, the text is
        // read lossily rather than dropped.
        text: String::from_utf8(w.out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        shifts: w.shifts,
        input_len: off(input.len()),
        boundaries: w.boundaries,
        non_ascii: w.non_ascii,
    }
}

/// Whether `bytes` starts with a three-byte Han or kana character that passes through
/// unchanged (not a half-width form, not iteration marks outside the ranges).
fn starts_ideograph(bytes: &[u8]) -> bool {
    match bytes {
        [a, b, c, ..] if (0xe3..=0xe9).contains(a) => {
            let cp = (u32::from(a & 0x0f) << 12) | (u32::from(b & 0x3f) << 6) | u32::from(c & 0x3f);
            (b & 0xc0) == 0x80 && (c & 0xc0) == 0x80 && char::from_u32(cp).is_some_and(is_ideograph)
        }
        _ => false,
    }
}

/// Classes of ASCII bytes for the fast path: [`ALWAYS`] normalise to themselves (but for
/// case), [`NOT_FOLDED`] too unless a fold applies (a digit between two letters, a space that
/// is not a single space between two words), everything else takes the slow path.
const ALWAYS: u8 = 1;
const NOT_FOLDED: u8 = 2;
const SPACE: u8 = 3;
static CLEAN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            ALWAYS
        } else if matches!(c, b'0' | b'1' | b'3' | b'4' | b'5') {
            NOT_FOLDED
        } else if c.is_ascii_digit() {
            ALWAYS
        } else if c == b' ' {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The end of the run of bytes from `i` that normalise to themselves but for case: letters,
/// digits that no fold applies to, single spaces between two letters or digits.
fn clean_run_end(bytes: &[u8], i: usize) -> usize {
    let n = bytes.len();
    let mut j = i;
    while j < n {
        let next_is = |f: fn(&u8) -> bool| j + 1 < n && f(&bytes[j + 1]);
        match CLEAN[usize::from(bytes[j])] {
            ALWAYS => {}
            NOT_FOLDED
                if j > i
                    && !(bytes[j - 1].is_ascii_alphabetic()
                        && next_is(u8::is_ascii_alphabetic)) => {}
            SPACE
                if j > i
                    && bytes[j - 1].is_ascii_alphanumeric()
                    && next_is(u8::is_ascii_alphanumeric) => {}
            _ => break,
        }
        j += 1;
    }
    j
}

/// Whether the character starting at `bytes[i]` is alphabetic.
fn alphabetic_at(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(b) if b.is_ascii() => b.is_ascii_alphabetic(),
        Some(_) => std::str::from_utf8(&bytes[i..bytes.len().min(i + 4)])
            .or_else(|e| std::str::from_utf8(&bytes[i..i + e.valid_up_to()]))
            .ok()
            .and_then(|s| s.chars().next())
            .is_some_and(char::is_alphabetic),
        None => false,
    }
}

fn ascii(w: &mut Writer, bytes: &[u8], i: usize, b: u8, at: u32) {
    match b {
        b'a'..=b'z' => w.byte(b, at, Last::Latin),
        b'A'..=b'Z' => w.byte(b | 0x20, at, Last::Latin),
        b'0' | b'1' | b'3' | b'4' | b'5' | b'@' | b'$' | b'|'
            if w.last == Last::Latin
                && w.pending_space.is_none()
                && alphabetic_at(bytes, i + 1) =>
        {
            let folded = match b {
                b'0' => b'o',
                b'1' | b'|' => b'l',
                b'3' => b'e',
                b'4' | b'@' => b'a',
                _ => b's',
            };
            w.byte(folded, at, Last::Latin);
        }
        b'0'..=b'9' => w.byte(b, at, Last::Other),
        b'\'' => {}
        b'\n' => {
            w.newlines += 1;
            if w.newlines >= 2 {
                w.boundary(at);
            } else {
                w.space(at);
            }
        }
        b'.' | b'!' | b'?' | b';' => {
            let ends = bytes
                .get(i + 1)
                .is_none_or(|n| n.is_ascii_whitespace() || *n == b'"' || *n == b')');
            if ends || b != b'.' {
                w.boundary(at);
            } else {
                w.space(at);
            }
        }
        // A blank line is `\n` + optional spaces + `\n`: spaces keep the newline count.
        b' ' | b'\t' => w.space(at),
        b'\r' => {}
        _ => w.space(at),
    }
}

fn non_ascii(w: &mut Writer, c: char, next: Option<char>, at: u32) {
    if is_invisible(c) {
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
    let mapped;
    let entry = match TWO_BYTE
        .get_or_init(two_byte_table)
        .get((c as usize).wrapping_sub(0x80))
    {
        Some(e) => e,
        None => {
            mapped = map_char(c);
            &mapped
        }
    };
    for &out in &entry.out[..usize::from(entry.len)] {
        match out {
            Out::Ascii(d) => {
                // The next input character decides the digit folds and sentence ends.
                let mut s = [d, b' ', 0, 0, 0];
                if let Some(n) = next {
                    n.encode_utf8(&mut s[1..]);
                }
                ascii(w, &s, 0, d, at);
            }
            Out::Space => w.space(at),
            Out::Char(l, kind) => match latin_lookalike(l).filter(|_| {
                let after_latin = w.last == Last::Latin && w.pending_space.is_none();
                after_latin || next.is_some_and(|n| n.is_ascii_alphabetic())
            }) {
                Some(latin) => w.push(latin, at, Last::Latin),
                None => w.push(l, at, kind),
            },
        }
    }
}

/// What one character normalises to, before the context-dependent folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Out {
    /// An ASCII character, handled as if it had been written as such.
    Ascii(u8),
    /// Whitespace or punctuation: a space.
    Space,
    /// A letter or digit of another script, lowercased, with its kind.
    Char(char, Last),
}

/// The characters a character normalises to (at most four are kept).
#[derive(Debug, Clone, Copy)]
struct Mapped {
    len: u8,
    out: [Out; 4],
}

/// NFKD with combining marks removed, lowercased, each result classified.
fn map_char(c: char) -> Mapped {
    let mut m = Mapped {
        len: 0,
        out: [Out::Space; 4],
    };
    let mut push = |o: Out| {
        if let Some(slot) = m.out.get_mut(usize::from(m.len)) {
            *slot = o;
            m.len += 1;
        }
    };
    decompose_compatible(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        if d.is_ascii() {
            // `d` is ASCII, so the cast keeps its value.
            return push(Out::Ascii(d as u8));
        }
        for l in d.to_lowercase() {
            push(if l.is_whitespace() || !l.is_alphanumeric() {
                Out::Space
            } else if is_latin(l) {
                Out::Char(l, Last::Latin)
            } else if is_ideograph(l) {
                Out::Char(l, Last::Ideograph)
            } else {
                Out::Char(l, Last::Other)
            });
        }
    });
    m
}

/// [`map_char`] for every two-byte UTF-8 character (U+0080 to U+07FF: Latin-1 and Latin
/// Extended, Greek, Cyrillic, Hebrew, Arabic), computed once: text in those scripts then costs
/// a table look-up per character.
static TWO_BYTE: OnceLock<Vec<Mapped>> = OnceLock::new();

fn two_byte_table() -> Vec<Mapped> {
    (0x80u32..0x800)
        .map(|u| {
            char::from_u32(u).map_or(
                Mapped {
                    len: 0,
                    out: [Out::Space; 4],
                },
                map_char,
            )
        })
        .collect()
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

/// Whether `c` is invisible or steers text direction (zero-width characters, bidi controls,
/// soft hyphen, tag characters).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{e0000}'..='\u{e0fff}')
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
        // Only inside a word: a Russian word after a Latin one stays Russian.
        assert_eq!(n("Re: нужна"), "re нужна");
        assert_eq!(n("re 0ld"), "re 0ld");
        assert_eq!(n("Don't  call\tme"), "dont call me");
        assert_eq!(n("Straße"), "strasse");
        assert_eq!(n("número de cuenta"), "numero de cuenta");
        assert_eq!(n("СЧЁТ"), "счет");
        assert_eq!(n("更改 银行\n账户"), "更改银行账户");
        assert_eq!(n("cut-off"), "cut off");
        // Numbers stay numbers.
        assert_eq!(n("2024 $500"), "2024 500");
        // The fast path and the slow path agree at their seams.
        assert_eq!(n("P4SSW0RD 0ld a1 1a x  y"), "password 0ld a1 1a x y");
        assert_eq!(n(" Lead\ttab  "), "lead tab");
        assert_eq!(n("10:00, A/C No"), "10 00 a c no");
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
        let input = "Ｎew ba\u{200b}nk\r\n  ß-Straße don't. 更改 银行";
        let out = normalize(input);
        for (i, _) in out.text.char_indices() {
            let o = out.origin(i);
            assert!(input.is_char_boundary(o), "byte {i} -> {o}");
        }
        assert_eq!(out.origin(out.text.len()), input.len());
        let b = out.text.find('b').unwrap();
        assert!(input[out.origin(b)..].starts_with("ba\u{200b}nk"));
        let s = out.text.find("strasse").unwrap();
        assert!(input[out.origin(s)..].starts_with("Straße"));
        let d = out.text.find("dont").unwrap();
        assert!(input[out.origin(d)..].starts_with("don't"));
        let y = out.text.find("银行").unwrap();
        assert!(input[out.origin(y)..].starts_with("银行"));
        assert_eq!(out.sentence_of(y), 1);
        assert_eq!(out.non_ascii.len(), 1, "{:?}", out.non_ascii);
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
