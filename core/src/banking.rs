//! Bank identifiers: validation of IBANs (per-country length and ISO 7064 mod-97), SWIFT/BIC
//! codes, US ABA routing numbers (3-7-1 checksum) and payment card numbers (Luhn), and their
//! extraction from message text.
//!
//! Extraction is linear in the text and never allocates per character; what it finds is
//! normalised (spaces removed, uppercase) so that it compares with the policy's vendor
//! registry.

use crate::text;

/// IBAN length per country (ISO 13616 registry), for the countries a trading company meets.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SC", 31),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// The IBAN length of a country code, if the country uses IBANs.
fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|&(_, n)| n)
}

/// `s` without spaces, uppercased: the form identifiers are compared in.
pub(crate) fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `s` (spaces allowed) is a valid IBAN: a known country, that country's length, and
/// the ISO 7064 mod-97 check.
pub(crate) fn is_valid_iban(s: &str) -> bool {
    let c = compact(s);
    let b = c.as_bytes();
    if b.len() < 15 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    if !(b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit())
    {
        return false;
    }
    if iban_length(&c[..2]) != Some(b.len()) {
        return false;
    }
    // Move the first four characters to the end, letters become 10..35, remainder mod 97.
    let mut rem: u32 = 0;
    for &ch in b[4..].iter().chain(&b[..4]) {
        let v = match ch {
            b'0'..=b'9' => u32::from(ch - b'0'),
            b'A'..=b'Z' => u32::from(ch - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Whether `s` has the shape of a SWIFT/BIC code: four letters (bank), a country code that uses
/// IBANs or is one of the large non-IBAN trading countries, two alphanumerics (location) and
/// optionally three more (branch).
pub(crate) fn is_valid_bic(s: &str) -> bool {
    const OTHER_COUNTRIES: &[&str] = &[
        "US", "CN", "HK", "JP", "KR", "SG", "IN", "AU", "CA", "MX", "TW", "TH", "VN", "MY", "ID",
        "PH", "NZ", "ZA", "NG", "KE", "AR", "CL", "CO", "PE", "RU", "BD", "LK", "MA",
    ];
    let b = s.as_bytes();
    // ASCII first: the slices below are then on character boundaries.
    if !(b.len() == 8 || b.len() == 11) || !s.is_ascii() {
        return false;
    }
    let country = &s[4..6];
    b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && (iban_length(country).is_some() || OTHER_COUNTRIES.contains(&country))
}

/// Whether nine digits pass the ABA routing-number checksum (weights 3, 7, 1).
pub(crate) fn is_valid_aba(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 9 || digits.len() != 9 {
        return false;
    }
    let sum: u32 = d
        .iter()
        .zip([3, 7, 1].iter().cycle())
        .map(|(x, w)| x * w)
        .sum();
    sum.is_multiple_of(10) && d.iter().any(|&x| x != 0)
}

/// Whether a string of digits passes the Luhn check (payment cards).
pub(crate) fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    let mut n = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut v) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
        n += 1;
    }
    n >= 12 && sum.is_multiple_of(10)
}

/// What kind of bank identifier was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Iban,
    Bic,
    Aba,
    /// A China UnionPay card number (62…, 16–19 digits, Luhn).
    Card,
    /// Eight to twenty digits right after a word for "account" (no checksum to check).
    Account,
    /// The account holder's name after a label such as "Beneficiary:" or "收款人：" (the
    /// value keeps its case and spacing).
    Beneficiary,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Iban => "iban",
            Kind::Bic => "swift",
            Kind::Aba => "aba_routing",
            Kind::Card => "bank_card",
            Kind::Account => "account_number",
            Kind::Beneficiary => "beneficiary",
        }
    }
}

/// A bank identifier found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) kind: Kind,
    /// Compact form (no spaces, uppercase).
    pub(crate) value: String,
    /// Byte offset in the text.
    pub(crate) at: usize,
}

/// Words that put a nine-digit number in banking context (ABA routing numbers are otherwise
/// indistinguishable from order numbers).
const ROUTING_WORDS: &[&str] = &["routing", "aba", "rtn", "ach"];

/// Words after which a run of digits is an account number, in the languages of the trade.
const ACCOUNT_WORDS: &[&str] = &[
    "account", "acct", "a/c", "账号", "帐号", "账户", "帐户", "卡号", "cuenta", "conta", "konto",
    "compte", "conto", "счет", "счёт", "口座",
];

/// Every IBAN, BIC, ABA routing number, UnionPay card number and account number (digits right
/// after a word for "account") in `text`, at most `max`.
pub(crate) fn extract(text: &str, max: usize) -> Vec<Found> {
    let mut out = identifiers(text, max);
    account_numbers(text, max, &mut out);
    beneficiaries(text, max, &mut out);
    out.sort_by_key(|f| f.at);
    out.truncate(max);
    out
}

/// Account numbers: 8 to 20 digits (spaces and dashes allowed between them) starting within
/// 30 bytes after an account word, unless that place already holds another identifier. Digit
/// runs are found first (they are rare in prose), then the bytes before each are checked.
fn account_numbers(text: &str, max: usize, out: &mut Vec<Found>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if out.len() >= max {
            return;
        }
        let starts_number = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if !starts_number {
            i += 1;
            continue;
        }
        let first = i;
        let mut digits = String::new();
        while i < b.len() && digits.len() < 21 {
            match b[i] {
                c if c.is_ascii_digit() => digits.push(char::from(c)),
                b' ' | b'-' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {}
                _ => break,
            }
            i += 1;
        }
        if !(8..=20).contains(&digits.len()) {
            continue;
        }
        let taken = out
            .iter()
            .any(|f| f.at <= first && first < f.at + f.value.len() + 8);
        if !taken && after_account_word(text, first) {
            out.push(Found {
                kind: Kind::Account,
                value: digits,
                at: first,
            });
        }
    }
}

/// Whether an account word ends within 30 bytes before `at`.
fn after_account_word(text: &str, at: usize) -> bool {
    const WINDOW: usize = 30;
    let longest = ACCOUNT_WORDS.iter().map(|w| w.len()).max().unwrap_or(0);
    let start = text.ceil_char_boundary(at.saturating_sub(WINDOW + longest));
    // Positions below are in the lowercased copy only; none is used to slice `text`.
    let before = text.get(start..at).unwrap_or_default().to_lowercase();
    let Some(tail_from) = before.len().checked_sub(WINDOW) else {
        return ACCOUNT_WORDS.iter().any(|w| before.contains(w));
    };
    ACCOUNT_WORDS.iter().any(|w| {
        before
            .match_indices(w)
            .any(|(p, _)| p + w.len() >= tail_from)
    })
}

/// Labels after which the rest of the line names the account holder, lowercase, longest
/// first where one contains another.
const BENEFICIARY_LABELS: &[&str] = &[
    "beneficiary name",
    "beneficiary",
    "account name",
    "account holder",
    "acct name",
    "收款人名称",
    "收款人",
    "收款单位",
    "账户名称",
    "帐户名称",
    "账户名",
    "户名",
    "收款人名稱",
    "帳戶名稱",
    "戶名",
    "titular",
    "nombre del beneficiario",
    "beneficiario",
    "titulaire",
    "bénéficiaire",
    "kontoinhaber",
    "empfänger",
    "получатель",
    "受取人",
    "口座名義",
    "예금주",
    "المستفيد",
];

/// Holder names: the rest of the line after a beneficiary label and a colon. Colons are found
/// first, then the words before each are compared with the labels.
fn beneficiaries(text: &str, max: usize, out: &mut Vec<Found>) {
    for (colon, sep) in text.match_indices([':', '：']) {
        if out.len() >= max {
            return;
        }
        let before = text[..colon].trim_end_matches([' ', '\t']);
        // The label's start in `before` itself: lowercasing may change byte lengths (`K`,
        // `İ`), so no offset is carried over from a lowercased copy.
        let Some(label_at) = BENEFICIARY_LABELS
            .iter()
            .find_map(|l| text::ends_with_caseless(before, l))
        else {
            continue;
        };
        // A label starts a line or follows a non-letter (not "non-beneficiary").
        let starts_word = before[..label_at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphabetic() && c != '-');
        let rest = &text[colon + sep.len()..];
        let line = rest.split(['\r', '\n', ';', '；']).next().unwrap_or("");
        let name = line.trim().trim_end_matches(['.', ',', '，', '。']).trim();
        if starts_word && name.chars().any(char::is_alphabetic) && name.chars().count() <= 80 {
            out.push(Found {
                kind: Kind::Beneficiary,
                value: name.to_string(),
                at: label_at,
            });
        }
    }
}

/// The identifiers with a check or a shape: IBAN, BIC, ABA, UnionPay card.
fn identifiers(text: &str, max: usize) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() && out.len() < max {
        // Identifiers start with an ASCII letter or digit after a non-alphanumeric: ASCII
        // bytes are always character boundaries, so the slices below are safe.
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if !boundary || !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let word_end = b[i..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |p| i + p);
        // Cheap shape checks first: most words are none of these.
        let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
        let iban_like = at(0).is_ascii_alphabetic()
            && at(1).is_ascii_alphabetic()
            && at(2).is_ascii_digit()
            && at(3).is_ascii_digit();
        let card_like = at(0) == b'6' && at(1) == b'2';
        let len = word_end - i;
        let bic_like = (len == 8 || len == 11) && b[i..i + 6].iter().all(u8::is_ascii_uppercase);
        let aba_like = len == 9 && b[i..word_end].iter().all(u8::is_ascii_digit);
        if !(iban_like || card_like || bic_like || aba_like) {
            i = word_end.max(i + 1);
            continue;
        }
        // A run of alphanumerics, single spaces allowed between groups (IBANs are written in
        // groups of four; card numbers too).
        let mut j = i;
        let mut compacted = String::new();
        while j < b.len() && compacted.len() < 40 {
            if b[j].is_ascii_alphanumeric() {
                compacted.push(char::from(b[j].to_ascii_uppercase()));
                j += 1;
            } else if b[j] == b' '
                && j + 1 < b.len()
                && b[j + 1].is_ascii_alphanumeric()
                && j > i
                && b[j - 1].is_ascii_alphanumeric()
            {
                j += 1;
            } else {
                break;
            }
        }
        let word = &text[i..word_end];
        if let Some(f) = classify_run(text, i, word, &compacted) {
            let len = f.1;
            out.push(f.0);
            // Skip what was consumed: the identifier's characters and spaces between them.
            let mut consumed = 0;
            while i < b.len() && consumed < len {
                if b[i].is_ascii_alphanumeric() {
                    consumed += 1;
                }
                i += 1;
            }
            continue;
        }
        i = word_end.max(i + 1);
    }
    out
}

/// The identifier starting at byte `at`: `word` is the first word, `run` the compacted run of
/// words; returns it and how many alphanumerics it consumed.
fn classify_run(text: &str, at: usize, word: &str, run: &str) -> Option<(Found, usize)> {
    let found = |kind, value: &str| Found {
        kind,
        value: value.to_string(),
        at,
    };
    // IBAN: the country's length taken from the run.
    let rb = run.as_bytes();
    if rb.len() >= 15 && rb[0].is_ascii_uppercase() && rb[1].is_ascii_uppercase() {
        if let Some(n) = iban_length(&run[..2]) {
            if rb.len() >= n && is_valid_iban(&run[..n]) {
                return Some((found(Kind::Iban, &run[..n]), n));
            }
        }
    }
    // BIC: one word, written in capitals.
    // A word of capital letters only (TRANSFER, ACCOUNTS) needs "SWIFT" or "BIC" before it.
    let all_letters = word.bytes().all(|c| c.is_ascii_alphabetic());
    if is_valid_bic(word) && (!all_letters || near(text, at, &["swift", "bic"])) {
        return Some((found(Kind::Bic, word), word.len()));
    }
    // Card: 16–19 digits in groups, China UnionPay prefix, Luhn.
    let digits: String = run.chars().take_while(char::is_ascii_digit).collect();
    if digits.starts_with("62") {
        for n in (16..=19).rev() {
            if digits.len() >= n && luhn(&digits[..n]) {
                return Some((found(Kind::Card, &digits[..n]), n));
            }
        }
    }
    // ABA routing number: exactly nine digits, checksum, a routing word nearby.
    if word.len() == 9 && is_valid_aba(word) && near(text, at, ROUTING_WORDS) {
        return Some((found(Kind::Aba, word), 9));
    }
    None
}

/// Whether one of `words` (lowercase) occurs within 40 bytes before `at`.
fn near(text: &str, at: usize, words: &[&str]) -> bool {
    let start = text.ceil_char_boundary(at.saturating_sub(40));
    let before = text.get(start..at).unwrap_or_default().to_ascii_lowercase();
    words.iter().any(|w| before.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_ibans_by_length_and_checksum() {
        assert!(is_valid_iban("DE89 3704 0044 0532 0130 00"));
        assert!(is_valid_iban("GB82WEST12345698765432"));
        assert!(is_valid_iban("fr14 2004 1010 0505 0001 3m02 606"));
        assert!(!is_valid_iban("DE89 3704 0044 0532 0130 01"), "checksum");
        assert!(!is_valid_iban("DE89 3704 0044 0532 0130"), "length");
        assert!(!is_valid_iban("XX89 3704 0044 0532 0130 00"), "country");
        assert!(!is_valid_iban("12"));
    }

    #[test]
    fn validates_bic_aba_and_luhn() {
        assert!(is_valid_bic("COBADEFFXXX"));
        assert!(is_valid_bic("BKCHCNBJ"));
        assert!(!is_valid_bic("COBADEFF1"));
        assert!(!is_valid_bic("TRANSFER")); // "SF" is no country
        assert!(is_valid_aba("021000021"));
        assert!(!is_valid_aba("021000022"));
        assert!(!is_valid_aba("000000000"));
        assert!(luhn("6222020200112233446"));
        assert!(!luhn("6222020200112233445"));
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
    }

    #[test]
    fn extracts_identifiers_from_text() {
        let text = "Please remit to our new account: IBAN DE89 3704 0044 0532 0130 00, \
                    SWIFT COBADEFFXXX. US payments: routing 021000021. Card 6212 3456 7890 1232.";
        let found = extract(text, 10);
        let kinds: Vec<(Kind, &str)> = found.iter().map(|f| (f.kind, f.value.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Iban, "DE89370400440532013000"),
                (Kind::Bic, "COBADEFFXXX"),
                (Kind::Aba, "021000021"),
                (Kind::Card, "6212345678901232"),
            ]
        );
    }

    #[test]
    fn beneficiary_names_after_labels() {
        let text = "Beneficiary Name: Ningbo Steel Trading Co., Ltd.\r\n\
                    收款人：宁波钢铁贸易有限公司\r\nnon-beneficiary: x\r\nBeneficiary bank: HSBC";
        let names: Vec<String> = extract(text, 10)
            .into_iter()
            .filter(|f| f.kind == Kind::Beneficiary)
            .map(|f| f.value)
            .collect();
        assert_eq!(
            names,
            ["Ningbo Steel Trading Co., Ltd", "宁波钢铁贸易有限公司"]
        );
        // A label with no colon is running text, not a field.
        assert!(extract("the beneficiary will receive it", 10).is_empty());
    }

    #[test]
    fn account_numbers_after_account_words() {
        let cases = [
            ("Beneficiary account: 012-883-551902-3", "0128835519023"),
            ("A/C No. 6011 2233 4455", "601122334455"),
            ("收款账号：6228480012345678", "6228480012345678"),
            (
                "Número de cuenta 00491500051234567892",
                "00491500051234567892",
            ),
        ];
        for (text, want) in cases {
            let found = extract(text, 10);
            assert!(
                found
                    .iter()
                    .any(|f| f.kind == Kind::Account && f.value == want),
                "{text}: {found:?}"
            );
        }
        for quiet in [
            "Account manager: call 12345",
            "account 2026 review",
            "账户余额不足",
        ] {
            assert!(
                !extract(quiet, 10).iter().any(|f| f.kind == Kind::Account),
                "{quiet}"
            );
        }
    }

    #[test]
    fn text_in_any_script_is_scanned_without_panicking() {
        let text = "收款人：宁波钢铁有限公司 IBAN DE89 3704 0044 0532 0130 00。Счёт 40702810900000012345 — ok é";
        let found = extract(text, 10);
        assert!(found.iter().any(|f| f.kind == Kind::Iban));
        assert!(found
            .iter()
            .any(|f| f.kind == Kind::Account && f.value == "40702810900000012345"));
        // Every byte offset as a start: no slice may fall inside a character.
        for cut in 0..text.len() {
            if text.is_char_boundary(cut) {
                let _ = extract(&text[cut..], 10);
            }
        }
    }

    #[test]
    fn ordinary_text_has_no_identifiers() {
        for text in [
            "Order 021000021 shipped.", // nine digits without a routing word
            "TRANSFER ACCOUNTS TODAY",  // capital words are not BICs
            "Invoice DE-2026-0001 for 48,600.00 USD", // not an IBAN
            "Tracking 1234 5678 9012 3456", // not UnionPay, not an IBAN
        ] {
            assert!(extract(text, 10).is_empty(), "{text}");
        }
        assert_eq!(
            extract(&"DE89 3704 0044 0532 0130 00 ".repeat(50), 3).len(),
            3
        );
    }
}
