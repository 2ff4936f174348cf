//! Confusable skeletons: two strings that a reader cannot tell apart get the same skeleton.
//!
//! The pipeline, applied the same way to protected names and to candidates:
//! 1. NFD, combining marks removed (`é` → `e`, `ǎ` → `a`); without this step most accented
//!    homoglyphs survive, because UTS #39 keeps the marks.
//! 2. A map of lookalikes that UTS #39 leaves alone (Cyrillic `ь к м т`, Greek, small capitals,
//!    letters with strokes), in the spirit of Chromium's skeleton generator extras.
//! 3. The UTS #39 skeleton (`unicode-security`), then steps 1 and 2 again for what it produced
//!    (UTS #39 maps `đ` to `d` plus an overlay mark, `β` to `ß`, ...), then lowercase.
//! 4. ASCII folds: `rn` → `m`, `vv` → `w`, `0` → `o`, `1`, `i`, `|` → `l`.
//!
//! Every step works character by character, so each character is mapped on its own (ASCII ones
//! from a table computed once) and host-name ASCII skips even that; tests check these paths
//! agree with the whole-string pipeline on every printable ASCII character and random strings.

use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton as uts39_skeleton;

/// Lookalikes of Latin letters that the UTS #39 data does not fold, including what UTS #39 itself
/// produces for some of them (`ĸ`, `ʍ`, `ᴛ`).
fn extra(c: char) -> char {
    match c {
        // Cyrillic
        'ь' | 'ъ' | 'в' | 'ƅ' | 'ß' | 'β' => 'b',
        'к' | 'ĸ' | 'ᴋ' | 'κ' => 'k',
        'м' | 'ʍ' | 'ᴍ' => 'm',
        'т' | 'ᴛ' | 'τ' => 't',
        'п' | 'η' | 'ɴ' => 'n',
        'г' | 'ʀ' => 'r',
        'и' => 'u',
        'щ' | 'ш' | 'ω' | 'ᴡ' => 'w',
        'ԍ' | 'ɢ' | 'ɡ' => 'g',
        'ӏ' | 'ʟ' | 'ł' => 'l',
        'ѵ' | 'ᴠ' | 'ν' => 'v',
        'ч' => 'y',
        // Greek and Latin small capitals and other letter shapes
        'α' | 'ɑ' | 'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴄ' | 'ϲ' => 'c',
        'ᴅ' | 'đ' | 'ɗ' | 'ɖ' => 'd',
        'ᴇ' | 'ε' | 'ꞓ' => 'e',
        'ʜ' | 'ħ' => 'h',
        'ɪ' | 'ι' => 'i',
        'ᴊ' => 'j',
        'ᴏ' | 'ο' | 'ø' => 'o',
        'ᴘ' | 'ρ' => 'p',
        'ꜱ' => 's',
        'ᴜ' | 'υ' | 'ʉ' => 'u',
        'χ' => 'x',
        'ʏ' | 'γ' | 'ɏ' | 'ƴ' => 'y',
        'ᴢ' | 'ƶ' | 'ʐ' => 'z',
        c => c,
    }
}

/// Steps 1–3 for one character, appended to `out`, without allocating. Every step works
/// character by character (canonical reordering only moves combining marks, which are
/// dropped), so a string's skeleton is the concatenation of its characters'.
fn char_skeleton(c: char, out: &mut String) {
    for d in std::iter::once(c)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(extra)
    {
        let mut buf = [0u8; 4];
        for e in uts39_skeleton(d.encode_utf8(&mut buf))
            .nfd()
            .filter(|c| !is_combining_mark(*c))
            .map(extra)
        {
            out.extend(e.to_lowercase());
        }
    }
}

/// Steps 1–3 for one string, appended to `out` (no ASCII folds).
#[cfg(test)]
fn unicode_skeleton(s: &str, out: &mut String) {
    let first: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(extra)
        .collect();
    for c in uts39_skeleton(&first)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(extra)
    {
        out.extend(c.to_lowercase());
    }
}

/// Steps 1–3 for each ASCII character, computed once from the Unicode path.
fn ascii_table() -> &'static [String; 128] {
    static TABLE: OnceLock<[String; 128]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            let mut s = String::new();
            // i < 128, so the cast cannot truncate.
            char_skeleton(char::from(i as u8), &mut s);
            s
        })
    })
}

/// The confusable skeleton of `s` (see the module documentation).
pub(crate) fn skeleton(s: &str) -> String {
    // Host-name characters: the UTS #39 step changes only `0`, `1` (folded below anyway) and
    // `m` (to `rn`, which the fold turns back), so the folds alone give the same result.
    if s.bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.'))
    {
        return fold_ascii(s);
    }
    let mut pre = String::with_capacity(s.len() + 4);
    let table = ascii_table();
    for c in s.chars() {
        if c.is_ascii() {
            pre.push_str(&table[c as usize & 0x7f]);
        } else {
            char_skeleton(c, &mut pre);
        }
    }
    fold_ascii(&pre)
}

/// Step 4: the ASCII folds.
fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_ascii_into(s, |c| out.push(c));
    out
}

/// The skeleton of `s` as characters, what the lookalike index compares; host-name ASCII goes
/// straight from the folds into the vector.
pub(crate) fn skeleton_chars(s: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    if s.bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.'))
    {
        fold_ascii_into(s, |c| out.push(c));
    } else {
        out.extend(skeleton(s).chars());
    }
    out
}

/// Step 4, calling `out` with each resulting character.
fn fold_ascii_into(s: &str, mut out: impl FnMut(char)) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let pair = b.get(i..i + 2);
        if pair == Some(b"rn") {
            out('m');
            i += 2;
            continue;
        }
        if pair == Some(b"vv") {
            out('w');
            i += 2;
            continue;
        }
        match b[i] {
            b'0' => out('o'),
            b'1' | b'i' | b'|' => out('l'),
            c if c.is_ascii() => out(char::from(c)),
            _ => {
                // A non-ASCII character: copy it whole.
                let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
                out(ch);
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homoglyphs_share_a_skeleton() {
        let base = skeleton("acme-trade");
        for s in [
            "acrne-trade",
            "аcme-trade",         // Cyrillic а
            "acmе-trаde",         // Cyrillic е, а
            "ácmé-tràdê",         // accents
            "ᴀᴄᴍᴇ-ᴛʀᴀᴅᴇ",         // small capitals
            "acme-trαde",         // Greek alpha
            "acmе-tгade",         // Cyrillic г
            "асме-тгаԁе",         // all Cyrillic
            "acme-tra\u{0301}de", // combining acute
        ] {
            assert_eq!(skeleton(s), base, "{s}");
        }
        assert_eq!(skeleton("paypa1"), skeleton("paypal"));
        assert_eq!(skeleton("paypai"), skeleton("paypal"));
        assert_eq!(skeleton("g00gle"), skeleton("google"));
        assert_eq!(skeleton("vvalmart"), skeleton("walmart"));
        assert_eq!(skeleton("ьank"), skeleton("bank"));
        assert_eq!(skeleton("ƀđħ"), skeleton("bdh"));
    }

    #[test]
    fn different_names_keep_different_skeletons() {
        assert_ne!(skeleton("acme"), skeleton("acne"));
        assert_ne!(skeleton("müller"), skeleton("miller"));
        assert_ne!(skeleton("maersk"), skeleton("maersc"));
        // Han, Hangul and Kana stay what they are.
        assert_eq!(skeleton("阿里巴巴"), "阿里巴巴");
    }

    #[test]
    fn per_character_paths_equal_the_whole_string_pipeline() {
        let whole = |s: &str| {
            let mut pre = String::new();
            unicode_skeleton(s, &mut pre);
            fold_ascii(&pre)
        };
        for s in ["acme-trade", "rnicrosoft", "pаypal"] {
            assert_eq!(
                skeleton_chars(s),
                skeleton(s).chars().collect::<Vec<_>>(),
                "{s}"
            );
        }
        for s in [
            "ácmé-tràdê",
            "аррӏе",
            "ᴀᴄᴍᴇ-ᴛʀᴀᴅᴇ",
            "müller",
            "e\u{301}\u{323}x",
            "ǅungla",
            "ﬁnance",
            "阿里巴巴-trade",
            "straße",
            "ƀđħłøƶ",
        ] {
            assert_eq!(skeleton(s), whole(s), "{s}");
        }
    }

    #[test]
    fn ascii_fast_path_equals_the_unicode_path() {
        let slow = |s: &str| {
            let mut pre = String::new();
            unicode_skeleton(s, &mut pre);
            fold_ascii(&pre)
        };
        for b in 0x20u8..0x7f {
            let s = char::from(b).to_string();
            assert_eq!(skeleton(&s), slow(&s), "{s:?}");
        }
        // A fixed pseudo-random sample of domain-like strings.
        let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789-._|IMrnvw";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let mut s = String::new();
            for _ in 0..12 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(char::from(alphabet[(x % alphabet.len() as u64) as usize]));
            }
            assert_eq!(skeleton(&s), slow(&s), "{s:?}");
        }
    }
}
