use std::collections::BTreeMap;

use super::*;

fn cats(lex: &Lexicon, text: &str) -> Vec<(Category, String)> {
    let scan = lex.scan(text);
    scan.hits()
        .iter()
        .map(|h| (h.category, scan.quote(text, h).unwrap().0.to_string()))
        .collect()
}

#[test]
fn builtin_file_parses_and_every_phrase_compiles() {
    type File = BTreeMap<String, BTreeMap<String, Vec<String>>>;
    let file: File = toml::from_str(BUILTIN).expect("lexicon.toml parses");
    let langs = [
        "en", "zh_hans", "zh_hant", "es", "pt", "fr", "de", "ru", "ar", "ja", "ko",
    ];
    let mut distinct = std::collections::HashSet::new();
    for (key, table) in &file {
        assert!(Category::from_key(key).is_some(), "unknown category {key}");
        for lang in langs {
            assert!(
                table.get(lang).is_some_and(|l| !l.is_empty()),
                "{key} has no {lang} phrases"
            );
        }
        for (lang, list) in table {
            assert!(langs.contains(&lang.as_str()), "{key}.{lang}");
            for p in list {
                let prepared = prepare(p).unwrap_or_else(|e| panic!("{key}.{lang}: {e}"));
                distinct.insert((key.clone(), prepared));
            }
        }
    }
    assert_eq!(file.len(), Category::ALL.len());
    // Phrases shared by two languages are compiled once.
    assert_eq!(Lexicon::builtin().len(), distinct.len());
}

#[test]
fn matches_obfuscated_phrases_whole_words_only() {
    let lex = Lexicon::builtin();
    let found = cats(&lex, "Please note our ba\u{200b}nk acc0unt has CHANGED.");
    assert!(found.contains(&(Category::BankDetails, "ba\u{200b}nk acc0unt".into())));
    assert!(found.contains(&(Category::Change, "CHANGED".into())));
    // "pay" inside "payday" and "new" inside "renewal" are not words.
    let found = cats(&lex, "payday renewal");
    assert!(found.is_empty(), "{found:?}");
    // A `*` phrase matches inflected forms.
    let found = cats(&lex, "Прошу оплатить по новым реквизитам");
    assert!(found
        .iter()
        .any(|(c, q)| *c == Category::BankDetails && q == "реквизитам"));
    assert!(found.iter().any(|(c, _)| *c == Category::Payment));
}

#[test]
fn chinese_matches_inside_text_but_not_across_sentences() {
    let lex = Lexicon::builtin();
    let text = "您好，我司收款账户已变更，请汇到新账户。";
    let scan = lex.scan(text);
    assert!(scan.has(Category::BankChange));
    let (a, b) = scan
        .near_by(Category::BankDetails, Category::Change, |_| true)
        .unwrap();
    assert_eq!(scan.quote(text, &a).unwrap().0, "收款账户");
    assert!(matches!(scan.quote(text, &b).unwrap().0, "变更" | "已变更"));

    let split = "请查收银行账户信息。我们的新的产品目录已经上线。";
    let scan = lex.scan(split);
    assert!(scan.has(Category::BankDetails) && scan.has(Category::Change));
    assert!(scan
        .near_by(Category::BankDetails, Category::Change, |_| true)
        .is_none());
}

#[test]
fn quotes_point_at_the_original_text() {
    let lex = Lexicon::builtin();
    let text = "Hello,\r\n\r\nＵＲＧＥＮＴ: wire today";
    let scan = lex.scan(text);
    let urgent = scan.of(Category::Urgency).next().unwrap();
    let (quote, at) = scan.quote(text, urgent).unwrap();
    assert_eq!(quote, "ＵＲＧＥＮＴ");
    assert_eq!(&text[at..at + quote.len()], quote);
}

#[test]
fn policy_phrases_are_added_and_checked() {
    let mut extra = BTreeMap::new();
    extra.insert("secrecy".to_string(), vec!["project falcon".to_string()]);
    let lex = Lexicon::for_policy(&extra);
    assert_eq!(lex.len(), Lexicon::builtin().len() + 1);
    let scan = lex.scan("About Project Falcon: tell nobody.");
    let hit = scan.of(Category::Secrecy).next().unwrap();
    assert_eq!(&*lex.phrase(hit).unwrap().lang, POLICY_LANG);

    extra.insert("secret".to_string(), vec!["x".to_string()]);
    extra.insert(
        "urgency".to_string(),
        vec!["...".to_string(), "*".to_string()],
    );
    let problems = check_extra(&extra);
    let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["secret", "urgency[0]", "urgency[1]"]);
    assert!(problems[0].1.to_string().contains("bank_change"));
}

#[test]
fn every_phrase_is_found_in_a_sentence_of_its_own() {
    // Exercises both automata and the word automaton's trigram filter on every phrase,
    // including short ones ("pi") and prefixes ("actualizado*" as "actualizados").
    type File = BTreeMap<String, BTreeMap<String, Vec<String>>>;
    let file: File = toml::from_str(BUILTIN).expect("lexicon.toml parses");
    let lex = Lexicon::builtin();
    for (key, langs) in &file {
        let category = Category::from_key(key).unwrap();
        for list in langs.values() {
            for p in list {
                let text = match p.strip_suffix('*') {
                    // An ending in the stem's own script.
                    Some(stem) if stem.is_ascii() => format!("Re: {stem}s ok."),
                    Some(stem) => format!("Re: {stem}ам ok."),
                    None => format!("Re: {p} ok."),
                };
                let scan = lex.scan(&text);
                assert!(scan.has(category), "{key}: {p:?} not found in {text:?}");
            }
        }
    }
}
