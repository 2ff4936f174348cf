//! Text whose case mapping or normalisation changes byte lengths, through every public text
//! path: `score_message` (subject, display names, plain and HTML bodies, attachment names,
//! bank labels, in each language), `find_phrases`, `check_domain` and `Policy::from_toml_str`
//! (people, company, partner, vendor and brand names, accounts, domains, phrases).
//!
//! A property test: random mixtures of the characters that break "lowercasing keeps the byte
//! length" (`İ`, `K`, `Å`, `ẞ`, `Σ`/`ς`, `ﬀ`/`ﬁ`, `ı`, Georgian, Cherokee, combining marks …)
//! with the words the detectors look for, from a fixed seed so that a failure repeats, plus
//! every byte cut of a hostile message. Nothing may panic; evidence offsets must point into
//! the text they quote.

use mailrisk::{Engine, MessageContext, Policy};

/// xorshift64*: small, deterministic, good enough to mix test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Characters whose lowercase or uppercase has another byte length or several characters,
/// lookalikes, invisible and bidirectional controls, combining marks, and mail syntax.
const TRICKY: &[&str] = &[
    "İ",
    "\u{212A}",
    "\u{212B}",
    "ẞ",
    "ß",
    "Σ",
    "ς",
    "σ",
    "ﬀ",
    "ﬁ",
    "ﬃ",
    "ı",
    "ŉ",
    "ǅ",
    "ǰ",
    "ΐ",
    "ა",
    "Ა",
    "Ꭰ",
    "ꭰ",
    "\u{301}",
    "e\u{301}",
    "\u{0345}",
    "\u{200b}",
    "\u{200d}",
    "\u{feff}",
    "\u{202e}",
    "\u{2066}",
    "Ⅻ",
    "𝐀",
    "🙂",
    "ｂａｎｋ",
    "Ｋ",
    "ё",
    "й",
    "ا",
    "\u{64b}",
    "ー",
    "。",
    "：",
    ":",
    "；",
    "@",
    ".",
    "-",
    "_",
    " ",
    "  ",
    "\t",
    "\r\n",
    "\n",
    "\r\n\r\n",
    "<",
    ">",
    "\"",
    "'",
    "=",
    "&amp;",
    "&#x212A;",
    "&#304;",
    "%",
    "/",
    "\\",
    "*",
    "?",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
];

/// Words and fragments that the detectors read, in the languages of the trade.
const WORDS: &[&str] = &[
    "bank",
    "account",
    "changed",
    "new",
    "our bank account has changed",
    "Kontoinhaber",
    "kontoinhaber:",
    "Beneficiary",
    "Beneficiary Name:",
    "account name:",
    "IBAN",
    "DE89 3704 0044 0532 0130 00",
    "GB82WEST12345698765432",
    "SWIFT",
    "COBADEFFXXX",
    "BIC",
    "routing",
    "021000021",
    "acct",
    "a/c",
    "收款人：",
    "户名：",
    "账号",
    "6222020200112233446",
    "urgent",
    "wire",
    "gift card",
    "confidential",
    "please",
    "invoice",
    "proforma",
    "PI",
    "http://",
    "https://paypa1.com/login",
    "www.",
    "acme-trade.com",
    "acrne-trade.com",
    "xn--",
    "xn--mller-kva.de",
    "li.wei@acme-trade.com",
    "Li Wei",
    "李伟",
    "王芳",
    "<a href=\"",
    "\">",
    "</a>",
    "<html>",
    "<br>",
    "<input type=password>",
    "=?utf-8?B?",
    "?=",
    "Überweisung",
    "新的银行账户",
    "请将货款汇入",
    "帳戶名稱",
    "новые реквизиты",
    "получатель:",
    "口座名義：",
    "계좌",
    "예금주:",
    "الحساب",
    "المستفيد:",
    "cuenta",
    "titular:",
    "compte",
    "titulaire:",
    "conta",
    "On Mon, Li Wei wrote:",
    "> ",
    "-----Original Message-----",
    "发件人：",
    "Σας",
    "İSTANBUL",
    "STRASSE",
    "ﬁnance",
];

/// Characters whose lowercase is longer (`İ`, `Ⱥ`, `Ⱦ`: +1 byte) or shorter (Kelvin sign −2,
/// Ångström and Ohm signs, `ẞ`: −1) in UTF-8: mixed, the total length can stay the same.
const LENGTH_CHANGERS: &[&str] = &["İ", "\u{212A}", "\u{212B}", "\u{2126}", "ẞ", "Ⱥ", "Ⱦ"];

/// Labels of bank fields as messages write them.
const LABELS: &[&str] = &[
    "beneficiary name",
    "beneficiary",
    "account name",
    "account holder",
    "kontoinhaber",
    "empfänger",
    "titulaire",
    "bénéficiaire",
    "titular",
    "收款人",
    "户名",
    "账号",
    "account",
    "iban",
    "swift",
    "routing",
    "получатель",
    "受取人",
    "예금주",
    "المستفيد",
];

fn text(rng: &mut Rng, pieces: usize) -> String {
    let mut s = String::new();
    for _ in 0..pieces {
        if rng.below(12) == 0 {
            // A labelled field: tricky characters, a label in mixed case, a colon, a value.
            for _ in 0..rng.below(5) {
                s.push_str(rng.pick(LENGTH_CHANGERS));
            }
            let label = rng.pick(LABELS);
            spice(rng, label, &mut s);
            s.push_str(rng.pick(&[":", "：", " :", ": "]));
            s.push_str(rng.pick(WORDS));
        } else if rng.below(3) == 0 {
            let word = rng.pick(WORDS);
            if rng.below(2) == 0 {
                spice(rng, word, &mut s);
            } else {
                s.push_str(word);
            }
        } else {
            s.push_str(rng.pick(TRICKY));
        }
    }
    s
}

/// `word` with some letters swapped for forms whose case mapping changes the byte length
/// (`k` → Kelvin sign, `i` → `İ`, `s` → long `ſ`, `a` → Ångström sign …) or uppercased.
fn spice(rng: &mut Rng, word: &str, out: &mut String) {
    for c in word.chars() {
        if rng.below(4) != 0 {
            out.push(c);
            continue;
        }
        match c {
            'k' | 'K' => out.push('\u{212A}'),
            'i' => out.push('İ'),
            's' => out.push('ſ'),
            'a' => out.push('\u{212B}'),
            'o' => out.push('Ｏ'),
            c => out.extend(c.to_uppercase()),
        }
    }
}

/// An identifier-shaped value (8, 11 or 22 characters, uppercase letters and digits) with
/// a tricky character now and then: what a SWIFT, IBAN or account field might hold.
fn identifier(rng: &mut Rng) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let len = [8, 11, 22][rng.below(3)];
    let mut s = String::new();
    // The length in bytes, as the validators see it.
    while s.len() < len {
        let t = rng.pick(TRICKY);
        if rng.below(8) == 0 && s.len() + t.len() <= len {
            s.push_str(t);
        } else {
            s.push(char::from(ALNUM[rng.below(ALNUM.len())]));
        }
    }
    s
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// A message with hostile text in the subject, the display name, the body (plain or HTML)
/// and an attachment name.
fn message(rng: &mut Rng) -> Vec<u8> {
    let display = one_line(&text(rng, 4));
    let subject = one_line(&text(rng, 5));
    let mut body = text(rng, 30);
    if rng.below(2) == 0 {
        // Change language and an account: the banking extraction runs on the whole body.
        body.insert_str(
            0,
            "Our bank account has changed, IBAN DE89 3704 0044 0532 0130 00.\r\n",
        );
    }
    let attachment = one_line(&text(rng, 3));
    let mut m = format!(
        "From: \"{display}\" <accounts@nbsteel.cn>\r\nTo: finance@acme-trade.com\r\n\
         Reply-To: {}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n",
        one_line(&text(rng, 2))
    );
    match rng.below(3) {
        0 => m.push_str(&format!(
            "Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )),
        1 => m.push_str(&format!(
            "Content-Type: text/html; charset=utf-8\r\n\r\n<html><p>{body}</p><a href=\"https://{}/\">{}</a></html>\r\n",
            one_line(&text(rng, 2)),
            text(rng, 3)
        )),
        _ => m.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--b\r\n\
             Content-Type: application/octet-stream; name=\"{attachment}\"\r\n\
             Content-Disposition: attachment; filename=\"{attachment}\"\r\n\r\n{}\r\n--b--\r\n",
            text(rng, 4)
        )),
    }
    m.into_bytes()
}

fn company() -> Engine {
    Engine::new(
        Policy::from_toml_str(include_str!("../../examples/policy-acme.toml"))
            .expect("example policy"),
    )
    .expect("engine")
}

fn score_everywhere(engine: &Engine, raw: &[u8]) {
    for ctx in [
        MessageContext::inbound(),
        MessageContext::internal(),
        MessageContext::outbound("li.wei@acme-trade.com"),
    ] {
        let v = engine.score_message(raw, &ctx);
        assert!(v.score() <= 100);
        assert!(!v.has("message.internal_error"), "{:?}", v.findings());
        serde_json::to_string(&v).expect("verdict serialises");
        for f in v.findings() {
            let _ = f.explain(mailrisk::Lang::En);
            let _ = f.explain(mailrisk::Lang::Zh);
        }
    }
}

fn phrases_point_into_text(engine: &Engine, s: &str) {
    for m in engine.find_phrases(s) {
        assert_eq!(
            s.get(m.offset..m.offset + m.text.len()),
            Some(m.text),
            "{s:?}"
        );
    }
}

#[test]
fn the_reported_message_scores() {
    // Issue 10's reproducer: `İİ` and the Kelvin sign before a beneficiary label.
    let raw = "From: a@b.com\r\nSubject: x\r\n\r\nour bank account has changed\r\n\
               DE89 3704 0044 0532 0130 00\r\nİİ\u{212A}ontoinhaber: Acme GmbH\r\n";
    let v = Engine::default().score_message(raw.as_bytes(), &MessageContext::inbound());
    assert!(v.has("banking.new_account_details"), "{:?}", v.findings());
    score_everywhere(&company(), raw.as_bytes());
}

#[test]
fn the_reported_policy_is_an_error() {
    let toml = "[[vendors]]\nname = \"X\"\naccounts = [{ swift = \"ABCéEFG\" }]\n";
    let err = Policy::from_toml_str(toml).expect_err("not a SWIFT code");
    assert!(
        err.to_string().contains("vendors[0].accounts[0].swift"),
        "{err}"
    );
}

#[test]
fn random_messages_never_panic() {
    let engines = [Engine::default(), company()];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..1000 {
        let raw = message(&mut rng);
        for engine in &engines {
            score_everywhere(engine, &raw);
        }
    }
}

#[test]
fn a_hostile_message_cut_at_every_byte() {
    let mut rng = Rng(7);
    let mut raw = message(&mut rng);
    raw.extend_from_slice(
        "\r\nİİ\u{212A}ontoinhaber: ẞΣς ﬀ ı ა Ꭰ e\u{301}\r\nBeneficiary Name: \u{212B}cme\r\n\
         收款人：宁波 IBAN DE89 3704 0044 0532 0130 00 SWIFT COBADEFFXXX\r\n"
            .as_bytes(),
    );
    let engine = company();
    let ctx = MessageContext::inbound();
    for cut in 0..=raw.len() {
        let _ = engine.score_message(&raw[..cut], &ctx);
        let _ = engine.score_message(&raw[cut..], &ctx);
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    for cut in 0..=text.len() {
        if let (Some(a), Some(b)) = (text.get(..cut), text.get(cut..)) {
            phrases_point_into_text(&engine, a);
            phrases_point_into_text(&engine, b);
        }
    }
}

#[test]
fn random_text_through_phrases_and_domains() {
    let engines = [Engine::default(), company()];
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for _ in 0..3000 {
        let n = 1 + rng.below(12);
        let s = text(&mut rng, n);
        for engine in &engines {
            phrases_point_into_text(engine, &s);
            let _ = engine.check_domain(&s);
            let _ = engine.check_domain(&one_line(&s).replace(' ', ""));
            let _ = engine.check_domain(&format!("{}.com", one_line(&s).replace(' ', "")));
        }
    }
}

/// `s` as a TOML basic string: every control character escaped (TOML also forbids DEL).
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn random_names_in_policies() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut built = 0;
    for _ in 0..300 {
        // Names and phrases are always random; structured fields (domains, accounts) are
        // random half the time, so that both the errors and the compiled policies are reached.
        let valid = rng.below(2) == 0;
        // (pieces of random text, the valid value to use instead, or "" for always random)
        let spec: [(usize, &str); 20] = [
            (3, ""),
            (2, "acme-trade.cn"),
            (2, ""),
            (2, ""),
            (2, ""),
            (3, ""),
            (1, "mueller-gmbh.de"),
            (3, ""),
            (2, "DE89 3704 0044 0532 0130 00"),
            (1, "COBADEFFXXX"),
            (2, "0128835519023"),
            (2, ""),
            (2, ""),
            (1, "müller.de"),
            (1, "mail.example"),
            (1, "@notify.example"),
            (1, "help.example"),
            (1, "ok.example"),
            (3, ""),
            (2, ""),
        ];
        let mut f: Vec<String> = spec
            .iter()
            .map(|&(n, ok)| match (valid, ok) {
                (true, ok) if !ok.is_empty() => quoted(ok),
                _ => quoted(&text(&mut rng, n)),
            })
            .collect();
        if !valid {
            for field in &mut f[8..=10] {
                *field = quoted(&identifier(&mut rng)); // iban, swift, account
            }
        }
        let toml = format!(
            "[organisation]\nname = {}\ndomains = [\"acme-trade.com\", {}]\n\n\
             [[people]]\nname = {}\naliases = [{}, {}]\naddresses = [\"li.wei@acme-trade.com\"]\nrole = \"executive\"\n\n\
             [[partners]]\nname = {}\nkind = \"customer\"\ndomains = [{}]\n\n\
             [[vendors]]\nname = {}\ndomains = [\"nbsteel.cn\"]\n\
             accounts = [{{ iban = {}, swift = {}, account = {}, holder = {}, bank = {} }}]\n\n\
             [lists]\nprotected_domains = [{}]\nfreemail = [{}]\nnotification_senders = [{}]\n\n\
             [allow]\nreply_to_domains = [{}]\nlookalike_domains = [{}]\n\n\
             [lexicon]\nbank_change = [{}]\nsecrecy = [{}]\n",
            f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12],
            f[13], f[14], f[15], f[16], f[17], f[18], f[19]
        );
        let policy = match Policy::from_toml_str(&toml) {
            Ok(p) => p,
            Err(e) => {
                // An error names the field it is about.
                assert!(
                    e.to_string().contains('.') || e.to_string().contains("line"),
                    "{e}"
                );
                continue;
            }
        };
        let Ok(engine) = Engine::new(policy) else {
            continue;
        };
        built += 1;
        let raw = message(&mut rng);
        score_everywhere(&engine, &raw);
        let s = text(&mut rng, 8);
        phrases_point_into_text(&engine, &s);
        let _ = engine.check_domain(&s);
    }
    // Not only errors: names in any script are valid, so most policies must compile.
    assert!(built > 50, "only {built} of 300 policies compiled");
}

#[test]
fn tricky_names_in_valid_policies_compile_and_match() {
    // Every tricky character in a person's name, a company's name and a phrase: each policy
    // is valid, compiles, and scores a message that uses those names.
    let engine_for = |c: &str| {
        let toml = format!(
            "[organisation]\nname = {}\ndomains = [\"acme-trade.com\"]\n\
             [[people]]\nname = {}\naddresses = [\"boss@acme-trade.com\"]\nrole = \"executive\"\n\
             [[vendors]]\nname = {}\naccounts = [{{ holder = {} }}]\n\
             [lexicon]\nbank_change = [{}]\n",
            quoted(&format!("{c}Acme Trade")),
            quoted(&format!("Li {c}Wei")),
            quoted(&format!("Ningbo {c} Steel")),
            quoted(&format!("{c}Ningbo")),
            quoted(&format!("n{c}ew bank")),
        );
        Policy::from_toml_str(&toml).and_then(Engine::new)
    };
    for c in TRICKY
        .iter()
        .filter(|c| !c.contains(['"', '\\', '\0', '\r', '\n']))
    {
        let Ok(engine) = engine_for(c) else {
            continue; // a control character in a name is a policy error, not a panic
        };
        let raw = format!(
            "From: \"Li {c}Wei\" <li.wei.office@gmail.com>\r\nSubject: {c}Acme Trade\r\n\r\n\
             n{c}ew bank Beneficiary: {c}Ningbo\r\nIBAN DE89 3704 0044 0532 0130 00\r\n"
        );
        score_everywhere(&engine, raw.as_bytes());
    }
}
