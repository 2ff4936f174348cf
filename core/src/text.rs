//! Byte offsets in text that came from a message or a policy.
//!
//! The rule (ARCHITECTURE.md, "Offsets"): a byte offset is only ever used on the string it
//! was computed on. Case mapping and normalisation change byte lengths (`K` U+212A is three
//! bytes, its lowercase `k` one; `İ` U+0130 is two, its lowercase `i̇` three; `ẞ`, `ﬁ`, `ς`
//! likewise), so an offset found in a lowercased or folded copy is never used to slice the
//! original. Code that must find something case-insensitively and then point into the
//! original either compares character by character on the original (as here) or keeps an
//! explicit origin map (`lexicon::normalize`). Windows around an offset are rounded to
//! character boundaries with `str::floor_char_boundary` / `ceil_char_boundary`, and slices
//! whose ends are not known to be boundaries use `str::get`.

/// Where a suffix of `hay` that equals `lower` case-insensitively starts, as a byte offset
/// into `hay`: `hay[at..]` lowercases to exactly `lower`. `lower` must be lowercase already.
///
/// Compares from the end, one character of `hay` at a time with its full lowercase mapping,
/// so characters whose lowercase has another byte length (or several characters) keep the
/// offset exact.
pub(crate) fn ends_with_caseless(hay: &str, lower: &str) -> Option<usize> {
    let mut want = lower.chars().rev().peekable();
    let mut start = hay.len();
    for (i, c) in hay.char_indices().rev() {
        if want.peek().is_none() {
            break;
        }
        for l in c.to_lowercase().rev() {
            if want.next() != Some(l) {
                return None;
            }
        }
        start = i;
    }
    want.peek().is_none().then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_offsets_point_into_the_original() {
        assert_eq!(ends_with_caseless("Beneficiary", "beneficiary"), Some(0));
        assert_eq!(ends_with_caseless("x Beneficiary", "beneficiary"), Some(2));
        assert_eq!(ends_with_caseless("Beneficiar", "beneficiary"), None);
        assert_eq!(ends_with_caseless("Bank", ""), Some(4));
        // Kelvin sign (3 bytes) lowercases to `k` (1 byte); `İ` (2 bytes) to `i̇` (3 bytes).
        let hay = "İİ\u{212A}ontoinhaber";
        let at = ends_with_caseless(hay, "kontoinhaber").expect("matches");
        assert_eq!(&hay[at..], "\u{212A}ontoinhaber");
        assert!(hay.is_char_boundary(at));
        // A character whose lowercase is two characters matches only as a whole.
        assert_eq!(ends_with_caseless("aİ", "i\u{307}"), Some(1));
        assert_eq!(ends_with_caseless("aİ", "\u{307}"), None);
        assert_eq!(ends_with_caseless("STRASSE", "strasse"), Some(0));
        assert_eq!(
            ends_with_caseless("ΣΑΣ", "σας"),
            None,
            "final sigma is not σ"
        );
    }
}
