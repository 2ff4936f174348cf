use super::*;

fn spec(d: &str, source: ProtectedSource) -> ProtectedSpec {
    ProtectedSpec {
        domain: d.to_string(),
        source,
        owner: String::new(),
    }
}

fn index() -> LookalikeIndex {
    LookalikeIndex::new(
        [
            spec("acme-trade.com", ProtectedSource::Organisation),
            spec("acme-trade.cn", ProtectedSource::Organisation),
            spec("mueller-gmbh.de", ProtectedSource::Partner),
            spec("müller.de", ProtectedSource::Partner),
            spec("ningbosteel.cn", ProtectedSource::Vendor),
            spec("paypal.com", ProtectedSource::Brand),
            spec("dhl.com", ProtectedSource::Brand),
            spec("maersk.com", ProtectedSource::Brand),
            spec("made-in-china.com", ProtectedSource::Brand),
            spec("internationalfreight.com", ProtectedSource::Partner),
        ],
        ["acme-group.com"],
    )
}

#[track_caller]
fn expect(ix: &LookalikeIndex, host: &str, protected: &str, technique: Technique) -> Lookalike {
    let m = ix
        .check(host)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("{host}: no match, expected {technique:?}"));
    assert_eq!(m.protected, protected, "{host}: {m:?}");
    assert_eq!(m.technique, technique, "{host}: {m:?}");
    m
}

#[test]
fn every_technique_is_found_and_named() {
    let ix = index();
    use Technique::*;
    let cases = [
        ("acrne-trade.com", "acme-trade.com", Homoglyph),
        ("xn--cme-trade-z76d.com", "acme-trade.com", Homoglyph), // ạcme (punycode)
        ("аcme-trade.com", "acme-trade.com", Homoglyph),         // Cyrillic а
        ("paypa1.com", "paypal.com", Homoglyph),
        ("acme-tarde.com", "acme-trade.com", Transposition),
        ("acme-trace.com", "acme-trade.com", Replacement),
        ("acme-trafe.com", "acme-trade.com", Bitsquatting), // d ^ f = 1 bit
        ("acme-tsade.com", "acme-trade.com", Bitsquatting), // r ^ s = 1 bit
        ("acme-trde.com", "acme-trade.com", Omission),
        ("acme-traxde.com", "acme-trade.com", Insertion),
        ("acme-traade.com", "acme-trade.com", Repetition),
        ("acme-trode.com", "acme-trade.com", VowelSwap),
        ("ac-me-trade.com", "acme-trade.com", Hyphenation),
        ("acme-trades.com", "acme-trade.com", Plural),
        ("ningbosteels.cn", "ningbosteel.cn", Plural),
        (
            "internationalfrieght.com",
            "internationalfreight.com",
            Transposition,
        ),
        (
            "internatoinalfreigth.com",
            "internationalfreight.com",
            EditDistance,
        ),
        (
            "internationalfreigth.co",
            "internationalfreight.com",
            Transposition,
        ),
        ("acme-trade.net", "acme-trade.com", TldSwap),
        ("acme-tradecom.com", "acme-trade.com", GluedTld),
        ("acme-trade-com.net", "acme-trade.com", GluedTld),
        ("acme-tradecn.com", "acme-trade.cn", GluedTld),
        ("acme-trade-payment.com", "acme-trade.com", Combosquat),
        ("secure-paypal-login.com", "paypal.com", Combosquat),
        ("paypalsecure.com", "paypal.com", Combosquat),
        ("acme-trade.com.secure-docs.io", "acme-trade.com", Embedding),
        ("paypal.com-login.example.net", "paypal.com", Embedding),
        ("acme.trade.com", "acme-trade.com", DotInsertion), // the hyphen made a dot
        ("mae.rsk.com", "maersk.com", DotInsertion),
        ("dhl-express-tracking.com", "dhl.com", Combosquat),
    ];
    for (host, protected, technique) in cases {
        expect(&ix, host, protected, technique);
    }
}

#[test]
fn severities_follow_the_strength_of_the_resemblance() {
    let ix = index();
    let sev = |h: &str| ix.check(h).ok().flatten().map(|m| m.severity);
    assert_eq!(sev("acrne-trade.com"), Some(Severity::High));
    assert_eq!(sev("acme-tarde.com"), Some(Severity::High));
    assert_eq!(sev("acme-trade.com.secure-docs.io"), Some(Severity::High));
    assert_eq!(sev("acme-trade-payment.com"), Some(Severity::High));
    // Same label, other suffix: weaker; for a brand that owns many suffixes, weaker still.
    assert_eq!(sev("acme-trade.net"), Some(Severity::Medium));
    assert_eq!(sev("maersk.de"), Some(Severity::Low));
    // First-character edits and digit-only differences are medium (Chromium's filters).
    assert_eq!(sev("scme-trade.com"), Some(Severity::Medium));
    assert_eq!(sev("acme-trade2.com"), Some(Severity::Medium));
    // A candidate that is a common word is one edit from a protected name by coincidence.
    assert_eq!(sev("maersc.com"), Some(Severity::High));
    let ix2 = LookalikeIndex::new(
        [
            spec("steal-co.com", ProtectedSource::Partner),
            spec("tradex.com", ProtectedSource::Partner),
        ],
        [],
    );
    assert_eq!(
        ix2.check("trades.com").ok().flatten().map(|m| m.severity),
        Some(Severity::High)
    );
    assert_eq!(
        ix2.check("trader.com").ok().flatten().map(|m| m.severity),
        Some(Severity::High)
    );
    let ix3 = LookalikeIndex::new([spec("grande.com", ProtectedSource::Partner)], []);
    assert_eq!(
        ix3.check("grand.com").ok().flatten().map(|m| m.severity),
        Some(Severity::Medium)
    );
    assert_eq!(
        ix3.check("grandy.com").ok().flatten().map(|m| m.severity),
        Some(Severity::High)
    );
    // Short labels: low.
    assert_eq!(sev("dhi.com"), Some(Severity::Low));
    assert_eq!(sev("dh1.com"), Some(Severity::Low));
}

#[test]
fn protected_own_allowed_and_unrelated_names_are_quiet() {
    let ix = index();
    for host in [
        "acme-trade.com",
        "mail.acme-trade.com",
        "ACME-TRADE.COM.",
        "acme-group.com", // allow-listed sibling
        "müller.de",      // a legitimate IDN that is itself protected
        "xn--mller-kva.de",
        "mail.xn--mller-kva.de",
        "example.com",
        "github.com",
        "alibaba.com",
        "supplier-portal.io",
        "trade.gov",
        "acme.com",          // shorter than the protected label by more than two edits
        "groups.google.com", // "ups" inside a word is not a combosquat of ups.com
        "purchase.com",
    ] {
        assert_eq!(ix.check(host), Ok(None), "{host}");
    }
    for bad in ["notadomain", "", "a..b", "a b.com", "x@y.com"] {
        assert_eq!(ix.check(bad), Err(InvalidDomain(bad.to_string())), "{bad}");
    }
}

#[test]
fn idn_lookalike_of_an_idn_and_of_its_ascii_spelling() {
    let ix = index();
    // müller.de is protected: "muller.de" drops the diaeresis, which the skeleton also drops.
    expect(&ix, "muller.de", "müller.de", Technique::Homoglyph);
    expect(&ix, "mùller.de", "müller.de", Technique::Homoglyph);
    // The partner's ASCII domain mueller-gmbh.de and a Cyrillic lookalike of it.
    expect(
        &ix,
        "muеller-gmbh.de",
        "mueller-gmbh.de",
        Technique::Homoglyph,
    );
}

#[test]
fn nearest_protected_domain_is_named() {
    let ix = index();
    // Edit of the .cn domain, not the .com one: same suffix wins the tie.
    expect(&ix, "acme-trode.cn", "acme-trade.cn", Technique::VowelSwap);
    expect(
        &ix,
        "acme-trode.com",
        "acme-trade.com",
        Technique::VowelSwap,
    );
}

#[test]
fn technique_names_match_json() {
    use Technique::*;
    for t in [
        Homoglyph,
        Transposition,
        Bitsquatting,
        Omission,
        Insertion,
        Repetition,
        VowelSwap,
        Hyphenation,
        Plural,
        Replacement,
        EditDistance,
        DotInsertion,
        TldSwap,
        GluedTld,
        Combosquat,
        Embedding,
    ] {
        assert_eq!(
            serde_json::to_value(t).expect("json"),
            serde_json::Value::from(t.as_str())
        );
    }
}

#[test]
fn osa_distance_is_bounded() {
    let c = |s: &str| s.chars().collect::<Vec<_>>();
    assert_eq!(osa_distance(&c("acme"), &c("acme"), 1), Some(0));
    assert_eq!(osa_distance(&c("acme"), &c("amce"), 1), Some(1));
    assert_eq!(osa_distance(&c("acme"), &c("acne"), 1), Some(1));
    assert_eq!(osa_distance(&c("acme"), &c("bcnf"), 2), None);
    assert_eq!(osa_distance(&c("acme"), &c("acmexyz"), 2), None);
    assert_eq!(osa_distance(&c("kitten"), &c("sitting"), 3), Some(3));
}

#[test]
fn deletion_keys_agree_between_both_sides() {
    let c = |s: &str| s.chars().collect::<Vec<_>>();
    let mut a = Vec::new();
    deletion_keys(&c("acme"), 1, |k| a.push(k));
    let mut b = Vec::new();
    deletion_keys(&c("acne"), 1, |k| b.push(k));
    // "ace" is a deletion of both.
    assert!(a.iter().any(|k| b.contains(k)));
    let mut x = Vec::new();
    deletion_keys_exact(&c("abcdefghij"), 2, |k| x.push(k));
    assert_eq!(x.len(), 45);
    let mut y = Vec::new();
    deletion_keys(&c("abcdefgh"), 0, |k| y.push(k));
    assert!(x.contains(&y[0]), "abcdefgh is abcdefghij without i, j");
}

#[test]
fn bit_parallel_distance_equals_the_dynamic_programme() {
    let alphabet: Vec<char> = "abcdeé-".chars().collect();
    let mut x: u64 = 0x1234_5678_9abc_def1;
    let word = |x: &mut u64| -> Vec<char> {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        let len = (*x % 12) as usize;
        (0..len)
            .map(|i| alphabet[((*x >> (i * 3 + 5)) % alphabet.len() as u64) as usize])
            .collect()
    };
    for _ in 0..20_000 {
        let a = word(&mut x);
        let b = word(&mut x);
        for max in [1, 2, 3] {
            assert_eq!(
                Peq::new(&a).distance(&b, max),
                osa_distance(&a, &b, max),
                "{a:?} {b:?} {max}"
            );
        }
    }
}

#[test]
fn deletion_index_finds_exactly_the_stored_keys() {
    let pairs: Vec<(u64, u32)> = (0..5000u64)
        .map(|i| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15), (i % 7) as u32))
        .chain([(42, 1), (42, 2), (u64::MAX, 3), (0, 4)])
        .collect();
    let ix = DeletionIndex::of(pairs.clone());
    for &(k, id) in &pairs {
        let mut out = Vec::new();
        ix.lookup(k, &mut out);
        assert!(out.contains(&id), "{k}");
    }
    let mut out = Vec::new();
    ix.lookup(42, &mut out);
    assert_eq!(out, [1, 2]);
    let mut none = Vec::new();
    ix.lookup(43, &mut none);
    assert!(none.is_empty());
    DeletionIndex::of(Vec::new()).lookup(7, &mut none);
    assert!(none.is_empty());
}

#[test]
fn two_edit_filters_never_reject_a_true_match() {
    // Random long strings and random edits (substitution, insertion, deletion, transposition)
    // up to two: whenever the distance is at most two, the letter and bigram filters pass.
    let alphabet: Vec<char> = "abcdefghijklmnop-".chars().collect();
    let mut x: u64 = 0x5555_1234_dead_beef;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    for _ in 0..20_000 {
        let len = 10 + next(12);
        let p: Vec<char> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let mut c = p.clone();
        for _ in 0..1 + next(2) {
            let i = next(c.len() - 1);
            match next(4) {
                0 => c[i] = alphabet[next(alphabet.len())],
                1 => c.insert(i, alphabet[next(alphabet.len())]),
                2 => {
                    c.remove(i);
                }
                _ => c.swap(i, i + 1),
            }
        }
        if Peq::new(&c).distance(&p, 2).is_none() {
            continue;
        }
        assert!(
            nibble_l1(count_signature(&p), count_signature(&c)) <= 4,
            "{p:?} {c:?}"
        );
        let (bp, bc) = (bigram_signature(&p), bigram_signature(&c));
        assert!((bp & bc).count_ones() + 6 >= bp.count_ones(), "{p:?} {c:?}");
        let (fp, fc) = (fold64(bp), fold64(bc));
        assert!((fp & fc).count_ones() + 6 >= fp.count_ones(), "{p:?} {c:?}");
    }
}

#[test]
fn nibble_l1_is_the_sum_of_absolute_differences() {
    let mut x: u64 = 0x0123_4567_89ab_cdef;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let a = x & 0x7777_7777_7777_7777;
        let b = x.rotate_left(23) & 0x7777_7777_7777_7777;
        let want: u32 = (0..16)
            .map(|i| ((a >> (4 * i)) & 0xf).abs_diff((b >> (4 * i)) & 0xf) as u32)
            .sum();
        assert_eq!(nibble_l1(a, b), want, "{a:x} {b:x}");
    }
}

#[test]
fn common_word_list_is_clean() {
    let text = include_str!("../../../data/common-words.txt");
    for w in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(
            !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()),
            "{w:?}"
        );
    }
    assert!(is_common_word("trace"));
    assert!(!is_common_word("acme"));
}
