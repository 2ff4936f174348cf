//! The `mailrisk` command-line tool run as a user runs it: on real files, directories, mbox
//! files, Maildirs, a generated corpus of a few thousand messages, and broken input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mailrisk"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(root())
        .output()
        .expect("run mailrisk")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/verdict.schema.json")).expect("schema");
    let value: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&value).expect("schema compiles")
}

/// Validates every JSON line against docs/verdict.schema.json; returns the parsed lines.
/// The output line about the file named `file`.
fn line_for<'a>(lines: &'a [serde_json::Value], file: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .unwrap_or_else(|| panic!("no line for {file}"))
}

/// The finding of `rule` in a verdict line (`null` when it has none).
fn finding_of(verdict: &serde_json::Value, rule: &str) -> serde_json::Value {
    verdict["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == rule).cloned())
        .unwrap_or_default()
}

fn validated_lines(out: &str) -> Vec<serde_json::Value> {
    let validator = schema();
    out.lines()
        .map(|line| {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{line}\n{errors:#?}");
            v
        })
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mailrisk-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn scan_of_the_samples_prints_valid_jsonl() {
    let o = run(&["scan", "examples/mail"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = validated_lines(&stdout(&o));
    let samples = std::fs::read_dir(root().join("examples/mail"))
        .expect("mail dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
        })
        .count();
    assert_eq!(lines.len(), samples);
    let spoof = line_for(&lines, "09-malicious-ceo-display-name-spoof.eml");
    // The display-name spoof plus urgent, secret payment language: critical.
    assert_eq!(spoof["level"], "critical");
    assert_eq!(spoof["action"], "quarantine");
    // The request itself joins the impersonation in the composite.
    assert!(finding_of(spoof, "composite.bec_payment_request").is_object());
    assert!(
        finding_of(spoof, "identity.display_name_address")["explanation"]["zh"]
            .as_str()
            .is_some_and(|s| s.contains("显示名称"))
    );
}

#[test]
fn table_report_in_chinese_and_english() {
    let o = run(&[
        "scan",
        "--format",
        "table",
        "--lang",
        "zh",
        "examples/mail/10-malicious-supplier-reply-to-freemail-bank-change.eml",
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("高"), "{text}");
    assert!(
        text.contains("回复此邮件会发往 nbsteel.billing.dept@gmail.com"),
        "{text}"
    );
    assert!(text.contains("共 1 封邮件"), "{text}");
    let o = run(&[
        "scan",
        "--format",
        "table",
        "examples/mail/10-malicious-supplier-reply-to-freemail-bank-change.eml",
    ]);
    assert!(stdout(&o).contains("CRITICAL"), "{}", stdout(&o));
}

#[test]
fn policy_language_is_the_default_report_language() {
    let o = run(&[
        "scan",
        "--format",
        "table",
        "--policy",
        "examples/policy-acme.toml",
        "examples/mail/09-malicious-ceo-display-name-spoof.eml",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(
        text.contains("显示名称写的是 li.wei@acme-trade.com"),
        "{text}"
    );
    // With the policy, acme-trade.com is the organisation's own domain.
    let o = run(&[
        "scan",
        "--policy",
        "examples/policy-acme.toml",
        "examples/mail/09-malicious-ceo-display-name-spoof.eml",
    ]);
    let lines = validated_lines(&stdout(&o));
    let spoof = finding_of(&lines[0], "identity.display_name_address");
    assert_eq!(spoof["evidence"]["target"], "organisation");
}

#[test]
fn policy_check_and_default() {
    let o = run(&["policy", "check", "examples/policy-acme.toml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("ok (2 domains, 1 partners, 3 people, 1 vendors)"));

    let dir = temp_dir("policy");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[people]]\nname = \"Bob\"\naddresses = [\"bob@\"]\n[limits]\nmax_part = 3\n",
    )
    .expect("write");
    let o = run(&["policy", "check", bad.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("limits") && err.contains("max_part"), "{err}");
    std::fs::write(&bad, "[[people]]\nname = \"Bob\"\naddresses = [\"bob@\"]\n").expect("write");
    let err =
        String::from_utf8_lossy(&run(&["policy", "check", bad.to_str().expect("path")]).stderr)
            .to_string();
    assert!(
        err.contains("people[0].addresses[0]: \"bob@\" is not an e-mail address"),
        "{err}"
    );

    let o = run(&["policy", "default"]);
    let default = dir.join("default.toml");
    std::fs::write(&default, o.stdout).expect("write");
    assert!(run(&["policy", "check", default.to_str().expect("path")])
        .status
        .success());
    let o = run(&[
        "scan",
        "--policy",
        bad.to_str().expect("path"),
        "examples/mail",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn rules_are_listed_and_the_catalogue_doc_is_current() {
    let o = run(&["rules"]);
    assert!(stdout(&o).contains("sender.reply_to_mismatch"));
    let o = run(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v.as_array().is_some_and(|a| a.len() >= 4));
    let o = run(&["rules", "--format", "markdown"]);
    let doc = std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md");
    assert_eq!(
        doc,
        stdout(&o),
        "docs/rules.md is stale: run `cargo run --bin mailrisk -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn mbox_maildir_and_unreadable_files() {
    let dir = temp_dir("boxes");
    let sample = std::fs::read(
        root().join("examples/mail/10-malicious-supplier-reply-to-freemail-bank-change.eml"),
    )
    .expect("sample");
    let benign =
        std::fs::read(root().join("examples/mail/01-benign-supplier-invoice.eml")).expect("sample");
    let mut mbox = Vec::new();
    for m in [&benign, &sample, &benign] {
        mbox.extend_from_slice(b"From MAILER-DAEMON Fri Nov 20 14:22:10 2026\n");
        mbox.extend_from_slice(
            &String::from_utf8_lossy(m)
                .replace("\r\n", "\n")
                .replace("\nFrom ", "\n>From ")
                .into_bytes(),
        );
        mbox.extend_from_slice(b"\n");
    }
    std::fs::write(dir.join("archive.mbox"), &mbox).expect("mbox");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join("Maildir").join(sub)).expect("maildir");
    }
    std::fs::write(dir.join("Maildir/cur/1700000000.1.host:2,S"), &sample).expect("maildir msg");
    std::fs::write(dir.join("Maildir/new/1700000001.2.host"), &benign).expect("maildir msg");
    std::fs::write(dir.join("notes.txt"), "not mail").expect("txt");

    let o = run(&["scan", dir.to_str().expect("path")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = validated_lines(&stdout(&o));
    assert_eq!(
        lines.len(),
        5,
        "3 from the mbox, 2 from the Maildir, none from notes.txt"
    );
    let indexed: Vec<i64> = lines.iter().filter_map(|l| l["index"].as_i64()).collect();
    assert_eq!(indexed, [0, 1, 2]);
    let second = lines
        .iter()
        .find(|l| l["index"] == 1)
        .expect("mbox message #1");
    let rules: Vec<&str> = second["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"sender.reply_to_mismatch"), "{rules:?}");
    let from_maildir = lines
        .iter()
        .filter(|l| l["path"].as_str().is_some_and(|p| p.contains("Maildir")))
        .count();
    assert_eq!(from_maildir, 2);

    let missing = dir.join("does-not-exist.eml");
    let o = run(&[
        "scan",
        "examples/mail/01-benign-supplier-invoice.eml",
        missing.to_str().expect("path"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "an unreadable input makes the exit code 1"
    );
    assert_eq!(
        validated_lines(&stdout(&o)).len(),
        1,
        "the readable file is still scanned"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("does-not-exist.eml"));
}

#[test]
fn huge_files_are_read_only_up_to_the_size_limit() {
    let dir = temp_dir("huge");
    let mut raw = b"From: a@x.example\r\nTo: b@y.example\r\nSubject: big\r\n\r\n".to_vec();
    raw.resize(3 * 1024 * 1024, b'A');
    std::fs::write(dir.join("big.eml"), &raw).expect("write");
    std::fs::write(
        dir.join("tight.toml"),
        "[limits]\nmax_message_bytes = 1048576\n",
    )
    .expect("write");
    let o = run(&[
        "scan",
        "--policy",
        dir.join("tight.toml").to_str().expect("path"),
        dir.join("big.eml").to_str().expect("path"),
    ]);
    assert!(o.status.success());
    let lines = validated_lines(&stdout(&o));
    let f = &lines[0]["findings"][0];
    assert_eq!(f["rule"], "message.limit_exceeded");
    assert_eq!(f["evidence"]["limit"], "message_bytes");
    assert_eq!(
        f["evidence"]["actual"], "1048577",
        "the CLI stops reading one byte past the limit"
    );
    assert!(f["explanation"]["en"]
        .as_str()
        .is_some_and(|e| e.contains("at least 1048577")));
    assert_eq!(lines[0]["message"]["subject"], "big");
}

/// A small deterministic generator (xorshift) for the corpus test.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Variations of the sample messages: spoofed display names, Reply-To changes, truncation, byte
/// corruption, deep nesting, header floods and mbox bundles.
fn corpus(dir: &Path, count: usize) -> usize {
    let samples: Vec<Vec<u8>> = {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("examples/mail"))
            .expect("mail")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read(p).expect("read"))
            .collect()
    };
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut messages = 0;
    let mut mbox = Vec::new();
    for i in 0..count {
        let base = &samples[rng.below(samples.len())];
        let text = String::from_utf8_lossy(base).to_string();
        let m: Vec<u8> = match i % 8 {
            0 => base.clone(),
            1 => base[..rng.below(base.len()).max(1)].to_vec(),
            2 => text
                .replacen(
                    "From: ",
                    &format!(
                        "From: \"boss{i}@acme-trade.com\" <x{i}@mailer{}.example>\r\nX-Orig-From: ",
                        rng.below(50)
                    ),
                    1,
                )
                .into_bytes(),
            3 => text
                .replacen(
                    "Subject: ",
                    &format!("Reply-To: pay{i}@gmail.com\r\nSubject: "),
                    1,
                )
                .into_bytes(),
            4 => {
                let mut b = base.clone();
                for _ in 0..1 + rng.below(20) {
                    let p = rng.below(b.len());
                    b[p] = (rng.next() & 0xff) as u8;
                }
                b
            }
            5 => {
                let depth = 10 + rng.below(40);
                let mut s = String::from("From: deep@x.example\r\nTo: ap@acme-trade.com\r\nSubject: nested\r\nMIME-Version: 1.0\r\n");
                for d in 0..depth {
                    s.push_str(&format!(
                        "Content-Type: multipart/mixed; boundary=\"n{d}\"\r\n\r\n--n{d}\r\n"
                    ));
                }
                s.push_str("Content-Type: text/html\r\n\r\n<a href=\"http://198.51.100.7/x\">https://bank.example</a>\r\n");
                s.into_bytes()
            }
            6 => {
                let mut s = String::new();
                for h in 0..(50 + rng.below(2000)) {
                    s.push_str(&format!("X-Flood-{h}: {}\r\n", "v".repeat(rng.below(100))));
                }
                s.push_str(&text);
                s.into_bytes()
            }
            _ => {
                mbox.extend_from_slice(b"From sender@example.org Mon Nov 16 07:55:19 2026\n");
                mbox.extend_from_slice(
                    text.replace("\r\n", "\n")
                        .replace("\nFrom ", "\n>From ")
                        .as_bytes(),
                );
                mbox.extend_from_slice(b"\n");
                messages += 1;
                continue;
            }
        };
        std::fs::write(dir.join(format!("m{i:05}.eml")), m).expect("write");
        messages += 1;
    }
    std::fs::write(dir.join("bundle.mbox"), mbox).expect("mbox");
    messages
}

#[test]
fn a_few_thousand_generated_messages_scan_without_panics_and_validate() {
    let dir = temp_dir("corpus");
    let expected = corpus(&dir, 3000);
    let o = run(&["scan", dir.to_str().expect("path")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = validated_lines(&stdout(&o));
    assert_eq!(lines.len(), expected);
    let rules: std::collections::BTreeSet<String> = lines
        .iter()
        .flat_map(|l| l["findings"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect();
    for r in [
        "identity.display_name_address",
        "sender.reply_to_mismatch",
        "message.limit_exceeded",
        "message.malformed_from",
    ] {
        assert!(
            rules.contains(r),
            "{r} never fired on the corpus: {rules:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mailrisk");
    // The process may exit before reading (a usage error): a broken pipe is then expected.
    let mut stdin = child.stdin.take().expect("stdin");
    if let Err(e) = stdin.write_all(input.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    drop(stdin);
    child.wait_with_output().expect("wait")
}

#[test]
fn domains_vets_candidates_in_input_order() {
    let input = "acrne-trade.com\nexample.com\n\nnot a domain\nxn--mller-kva.de\npaypa1.com\n\
                 nbstee1.cn\n";
    let o = run_stdin(&["domains", "--policy", "examples/policy-acme.toml"], input);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let domains: Vec<&str> = lines
        .iter()
        .map(|l| l["domain"].as_str().expect("domain"))
        .collect();
    assert_eq!(
        domains,
        [
            "acrne-trade.com",
            "example.com",
            "not a domain",
            "xn--mller-kva.de",
            "paypa1.com",
            "nbstee1.cn"
        ],
        "blank lines skipped, order kept"
    );
    let m = &lines[0]["match"];
    assert_eq!(m["protected"], "acme-trade.com");
    assert_eq!(m["technique"], "homoglyph");
    assert_eq!(m["severity"], "high");
    assert_eq!(m["detail"]["source"], "organisation");
    assert!(lines[1]["match"].is_null() && lines[1].get("error").is_none());
    assert!(lines[2]["match"].is_null() && lines[2]["error"].is_string());
    assert!(
        lines[3]["match"].is_null(),
        "müller.de is nobody's lookalike here"
    );
    assert_eq!(lines[4]["match"]["protected"], "paypal.com");
    assert_eq!(lines[5]["match"]["detail"]["source"], "vendor");

    // Extra protected domains from flags and a file; built-in brands off.
    let dir = temp_dir("domains");
    std::fs::write(
        dir.join("protect.txt"),
        "# customers\nmueller-gmbh.de\n\nnorthwind-supplies.com # key account\n",
    )
    .expect("protect file");
    std::fs::write(
        dir.join("candidates.txt"),
        "northwind-suplies.com\npaypa1.com\nacme-tarde.com\n",
    )
    .expect("candidates");
    let protect = dir.join("protect.txt");
    let candidates = dir.join("candidates.txt");
    let o = run(&[
        "domains",
        "--no-builtin",
        "--protect",
        "acme-trade.com",
        "--protect-file",
        protect.to_str().expect("path"),
        candidates.to_str().expect("path"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let protected: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["match"]["protected"]
                .clone()
        })
        .collect();
    assert_eq!(
        protected,
        [
            serde_json::json!("northwind-supplies.com"),
            serde_json::Value::Null,
            serde_json::json!("acme-trade.com"),
        ]
    );

    // A bad protected domain is a usage error.
    let o = run_stdin(&["domains", "--protect", "not a domain"], "x.com\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("protected_domains"));
}

#[test]
fn phrases_shows_what_the_lexicon_finds() {
    let dir = temp_dir("phrases");
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "[lexicon]\nsecrecy = [\"project falcon\"]\n").expect("write policy");
    let text = "Our ba\u{200b}nk acc0unt has changed. About Project Falcon: 请尽快付款。";
    let o = run_stdin(
        &["phrases", "--policy", policy.to_str().expect("path")],
        text,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let find = |cat: &str| {
        lines
            .iter()
            .find(|l| l["category"] == cat)
            .unwrap_or_else(|| panic!("no {cat} in {lines:?}"))
    };
    assert_eq!(
        find("bank_change")["text"],
        "Our ba\u{200b}nk acc0unt has changed"
    );
    assert_eq!(find("secrecy")["lang"], "policy");
    assert_eq!(find("urgency")["text"], "尽快");
    let pay = find("payment");
    let offset = pay["offset"].as_u64().expect("offset") as usize;
    assert_eq!(&text[offset..offset + "付款".len()], "付款");
    // A bad policy phrase is a usage error with its path.
    std::fs::write(&policy, "[lexicon]\nsecret = [\"x\"]\n").expect("write policy");
    let o = run_stdin(
        &["phrases", "--policy", policy.to_str().expect("path")],
        "x",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lexicon.secret"));
}

/// A partner's message, the partner's SPF and DMARC records, and scans with a client inside
/// and outside the SPF range.
fn dns_case(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    let mail = dir.join("partner.eml");
    std::fs::write(
        &mail,
        "From: Anna <anna@partner.example>\r\nTo: ap@acme-trade.com\r\nSubject: Invoice\r\n\r\nSee the invoice.\r\n",
    )
    .expect("write mail");
    let dns = dir.join("records.txt");
    std::fs::write(
        &dns,
        "# the partner's records\npartner.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n_dmarc.partner.example TXT v=DMARC1; p=reject\n",
    )
    .expect("write records");
    (mail, dns)
}

fn scan_with_dns(
    prefix: &[&str],
    mail: &std::path::Path,
    dns: &std::path::Path,
    ip: &str,
) -> Output {
    let mut cmd = if prefix.is_empty() {
        bin()
    } else {
        let mut c = Command::new(prefix[0]);
        c.args(&prefix[1..]).arg(env!("CARGO_BIN_EXE_mailrisk"));
        c.current_dir(root());
        c
    };
    cmd.args([
        "scan",
        "--dns",
        dns.to_str().expect("path"),
        "--client-ip",
        ip,
        "--helo",
        "mail.partner.example",
        "--mail-from",
        "billing@partner.example",
        mail.to_str().expect("path"),
    ]);
    cmd.output().expect("run mailrisk")
}

#[test]
fn offline_verification_with_a_records_file() {
    let dir = temp_dir("dns");
    let (mail, dns) = dns_case(&dir);
    let rules = |o: &Output| -> Vec<String> {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let line: serde_json::Value = serde_json::from_str(stdout(o).trim()).expect("json");
        line["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["rule"].as_str().expect("rule").to_string())
            .collect()
    };
    let outside = rules(&scan_with_dns(&[], &mail, &dns, "198.51.100.7"));
    assert!(
        outside.contains(&"auth.spf_fail".to_string()),
        "{outside:?}"
    );
    assert!(
        outside.contains(&"auth.dmarc_fail".to_string()),
        "{outside:?}"
    );
    let inside = rules(&scan_with_dns(&[], &mail, &dns, "192.0.2.25"));
    assert!(inside.iter().all(|r| !r.starts_with("auth.")), "{inside:?}");
    // A broken records file is a usage error naming the line.
    std::fs::write(
        &dns,
        "partner.example TXT ok\npartner.example A not-an-ip\n",
    )
    .expect("write");
    let o = scan_with_dns(&[], &mail, &dns, "192.0.2.25");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2"));
}

/// Verification performs no network access: the same scan inside a network namespace with no
/// interfaces (`unshare -n`) gives the same verdict. Skipped, saying so, where the machine
/// cannot create one.
#[test]
fn offline_verification_needs_no_network() {
    if !Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: unshare -n is not available here");
        return;
    }
    let dir = temp_dir("dns-netns");
    let (mail, dns) = dns_case(&dir);
    let plain = scan_with_dns(&[], &mail, &dns, "198.51.100.7");
    let isolated = scan_with_dns(&["unshare", "-n"], &mail, &dns, "198.51.100.7");
    assert!(
        isolated.status.success(),
        "{}",
        String::from_utf8_lossy(&isolated.stderr)
    );
    assert_eq!(stdout(&isolated), stdout(&plain));
    assert!(stdout(&isolated).contains("auth.dmarc_fail"));
}

#[test]
fn events_from_a_microsoft_365_export_with_state_and_audit() {
    let dir = temp_dir("events");
    let state = dir.join("state.json");
    let audit = dir.join("audit.jsonl");
    let (state_s, audit_s) = (
        state.to_str().expect("utf-8"),
        audit.to_str().expect("utf-8"),
    );
    // The whole export in one run.
    let o = run(&[
        "events",
        "--policy",
        "examples/policy-acme.toml",
        "examples/events/m365-purview.csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let whole = validated_lines(&stdout(&o));
    assert_eq!(whole.len(), 13);
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["rule"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(whole
        .iter()
        .any(|v| rules(v).contains(&"chain.account_takeover".to_string())));
    assert_eq!(whole[0]["event"]["user"], "li.wei@acme-trade.com");
    assert_eq!(
        whole[0]["line"], 2,
        "CSV records are numbered by their line"
    );
    // The same records in two runs with --state: the same verdicts.
    let text = std::fs::read_to_string(root().join("examples/events/m365-takeover.jsonl"))
        .expect("fixture");
    let lines: Vec<&str> = text.lines().filter(|l| l.ends_with('}')).collect();
    let (a, b) = lines.split_at(6);
    let (fa, fb) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    std::fs::write(&fa, a.join("\n")).expect("write");
    std::fs::write(&fb, b.join("\n")).expect("write");
    let mut split = Vec::new();
    for f in [&fa, &fb] {
        let o = run(&[
            "events",
            "--policy",
            "examples/policy-acme.toml",
            "--state",
            state_s,
            "--audit",
            audit_s,
            f.to_str().expect("utf-8"),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        split.extend(validated_lines(&stdout(&o)));
    }
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("path");
            o.remove("line");
        }
        v
    };
    assert_eq!(
        split.iter().map(strip).collect::<Vec<_>>(),
        whole.iter().map(strip).collect::<Vec<_>>()
    );
    // The audit trail holds all 13 and verifies; a changed score is found.
    let o = run(&["audit", "verify", audit_s]);
    assert!(
        o.status.success() && stdout(&o).contains("13 records"),
        "{}",
        stdout(&o)
    );
    let trail = std::fs::read_to_string(&audit).expect("trail");
    std::fs::write(&audit, trail.replacen("\"score\":99", "\"score\":9", 1)).expect("write");
    let o = run(&["audit", "verify", audit_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("altered"));
    // A corrupt state file is a clear error, and the file is left as it was.
    std::fs::write(&state, b"{\"format\":\"mailrisk-monitor\",\"ver").expect("write");
    let o = run(&[
        "events",
        "--state",
        state_s,
        "examples/events/m365-takeover.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a mailrisk monitor snapshot"));
    assert_eq!(
        std::fs::read(&state).expect("state"),
        b"{\"format\":\"mailrisk-monitor\",\"ver"
    );
}

#[test]
fn events_report_unreadable_records_and_unknown_formats() {
    // The truncated line of the JSON-lines export: reported with its number, exit 1.
    let o = run(&["events", "examples/events/m365-takeover.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("1 record(s) could not be read") && err.contains("line 9"),
        "{err}"
    );
    assert_eq!(validated_lines(&stdout(&o)).len(), 13);
    // A file of another kind is not guessed at.
    let o = run_stdin(
        &["events", "-"],
        "Nov  2 03:14:15 mx named[77]: client 10.0.0.1#53: query: example.com IN A\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--input"));
    // Events in mailrisk's own schema from standard input, in a table, in Chinese.
    let e = r#"{"type":"account","id":"1","time":"2026-11-02T03:20:00+08:00","mailbox":"a@acme-trade.com","kind":"mfa_disabled","operation":"Disable Strong Authentication."}"#;
    let o = run_stdin(&["events", "--format", "table", "--lang", "zh", "-"], e);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("关闭了双重验证"), "{}", stdout(&o));
}

#[test]
fn events_from_dovecot_and_entra_logs() {
    let o = run(&[
        "events",
        "--syslog-year",
        "2026",
        "--syslog-utc-offset",
        "+08:00",
        "examples/events/mail-server.log",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = validated_lines(&stdout(&o));
    assert_eq!(lines.len(), 8);
    assert_eq!(lines[0]["event"]["time"], "2026-11-02T01:02:11.000Z");
    assert!(lines[6]["findings"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["rule"] == "login.success_after_attack")));
    // The Sieve redirect after the sprayed login closes the chain.
    assert_eq!(lines[7]["event"]["kind"], "forwarding_set");
    assert!(lines[7]["findings"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["rule"] == "chain.account_takeover")));
    let o = run(&[
        "events",
        "--format",
        "table",
        "examples/events/entra-signins.json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("login.impossible_travel"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "events",
        "--syslog-utc-offset",
        "8",
        "examples/events/mail-server.log",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn events_from_google_workspace_reports() {
    let o = run(&["events", "examples/events/google-activities.json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = validated_lines(&stdout(&o));
    assert_eq!(lines.len(), 13, "one verdict per activity event");
    assert_eq!(lines[7]["event"]["kind"], "mfa_disabled");
    assert!(lines[10]["findings"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["rule"] == "chain.account_takeover")));
    let o = run(&[
        "events",
        "--input",
        "google",
        "--format",
        "table",
        "--lang",
        "zh",
        "examples/events/google-activities.json",
    ]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("chain.account_takeover"));
}

#[test]
fn events_places_and_networks_from_maxmind_databases() {
    // The dovecot/Postfix log gives only addresses; the test databases (real .mmdb files
    // written by mmdb-writer, read by the maxminddb crate) give AS numbers, so the spray
    // is also seen from its network.
    let args = [
        "events",
        "--syslog-year",
        "2026",
        "--syslog-utc-offset",
        "+08:00",
        "--geoip",
        "examples/events/geo/test-city.mmdb",
        "--asn-db",
        "examples/events/geo/test-asn.mmdb",
        "examples/events/mail-server.log",
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = validated_lines(&stdout(&o));
    let sources: Vec<String> = lines
        .iter()
        .flat_map(|l| l["findings"].as_array().cloned().unwrap_or_default())
        .filter(|f| f["rule"] == "login.password_spray")
        .map(|f| f["evidence"]["source"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(sources.iter().any(|s| s == "AS49981"), "{sources:?}");
    // The failure that names no account (Postfix) is not one more sprayed account.
    let spray_users: Vec<&str> = lines
        .iter()
        .flat_map(|l| l["findings"].as_array().into_iter().flatten())
        .filter(|f| f["rule"] == "login.password_spray")
        .filter_map(|f| f["evidence"]["users"].as_str())
        .collect();
    assert!(spray_users.iter().all(|u| *u == "3"), "{spray_users:?}");
    // A file that is not a database is refused up front (exit 2), naming the flag.
    let o = run(&[
        "events",
        "--geoip",
        "README.md",
        "examples/events/mail-server.log",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--geoip README.md"));
}

#[test]
fn events_through_a_policy_mapping_with_chinese_columns() {
    let o = run(&[
        "events",
        "--policy",
        "examples/events/qiye-mail-policy.toml",
        "examples/events/qiye-mail-logins.csv",
    ]);
    assert_eq!(o.status.code(), Some(1), "two records cannot be read");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2 record(s)") && err.contains("line 8"),
        "{err}"
    );
    let lines = validated_lines(&stdout(&o));
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[5]["event"]["id"], "qiye-mail:6");
    let o = run(&[
        "events",
        "--input",
        "nope",
        "examples/events/qiye-mail-logins.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn eval_reports_levels_rules_precision_and_recall_per_label() {
    let dir = temp_dir("eval");
    for (label, files) in [
        (
            "ham",
            [
                "01-benign-supplier-invoice.eml",
                "03-benign-newsletter-mailing-list.eml",
                "15-benign-helpdesk-ticket.eml",
            ],
        ),
        (
            "bec",
            [
                "09-malicious-ceo-display-name-spoof.eml",
                "10-malicious-supplier-reply-to-freemail-bank-change.eml",
                "14-malicious-gift-card-request.eml",
            ],
        ),
    ] {
        let sub = dir.join(label);
        std::fs::create_dir_all(&sub).expect("mkdir");
        for f in files {
            std::fs::copy(root().join("examples/mail").join(f), sub.join(f)).expect("copy");
        }
    }
    let o = run(&[
        "eval",
        "--policy",
        "examples/policy-acme.toml",
        "--format",
        "json",
        dir.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let labels: Vec<&str> = r["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .filter_map(|l| l["label"].as_str())
        .collect();
    assert_eq!(labels, ["bec", "ham"]);
    let (bec, ham) = (&r["labels"][0], &r["labels"][1]);
    assert_eq!(
        (bec["messages"].as_u64(), ham["messages"].as_u64()),
        (Some(3), Some(3))
    );
    let levels: u64 = bec["levels"]
        .as_object()
        .expect("levels")
        .values()
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(levels, 3);
    assert_eq!(bec["at_least_medium"], 3, "{bec}");
    assert_eq!(ham["at_least_medium"], 0, "{ham}");
    assert_eq!(
        (r["precision"].as_f64(), r["recall"].as_f64()),
        (Some(1.0), Some(1.0))
    );
    assert!(bec["top_rules"].as_array().is_some_and(|t| !t.is_empty()));
    // --features writes one line per message with the request model's features.
    let features = dir.join("features.jsonl");
    let o = run(&[
        "eval",
        "--features",
        features.to_str().expect("utf-8"),
        dir.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&features)
        .expect("features written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 6);
    let gift = line_for(&lines, "14-malicious-gift-card-request.eml");
    assert_eq!(gift["label"], "bec");
    assert_eq!(gift["features"]["request_gift"], 1.0, "{gift}");
    assert!(gift["rules"]
        .as_array()
        .is_some_and(|r| r.iter().any(|r| r == "content.bec_request")));
    // A features file that cannot be written is an error, not silence.
    let o = run(&[
        "eval",
        "--features",
        dir.join("no/such/dir/f.jsonl").to_str().expect("utf-8"),
        dir.to_str().expect("utf-8"),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write"));
    // The table says the same.
    let o = run(&[
        "eval",
        "--policy",
        "examples/policy-acme.toml",
        dir.to_str().expect("utf-8"),
    ]);
    let table = stdout(&o);
    assert!(
        table.contains("precision 100.0 % (3 of 3 flagged)"),
        "{table}"
    );
    assert!(
        table.contains("recall 100.0 % (3 of 3 malicious)"),
        "{table}"
    );
    // Another negative label: every folder but it is malicious.
    let o = run(&[
        "eval",
        "--negative",
        "bec",
        "--format",
        "json",
        dir.to_str().expect("utf-8"),
    ]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(r["negative"], "bec");
    // A folder without label folders is a usage error.
    let o = run(&["eval", "examples/mail"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no label folders"));
}
