//! Offline verification against records made here: messages signed in the test with an
//! Ed25519 key derived from a fixed seed, SPF records exercising the RFC 7208 mechanisms, DMARC
//! policies. Every lookup is answered from the records; the resolver has no name servers.

use std::net::IpAddr;
use std::sync::Arc;

use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter as _;
use mail_auth::dkim::DkimSigner;

use super::{verify, DnsRecords, Envelope};
use crate::detect::testutil::{base64, evidence, score_with};
use crate::MessageContext;

/// An Ed25519 key from a fixed seed (RFC 8410 PKCS#8 without the public key).
fn key(seed: u8) -> Ed25519Key {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend([seed; 32]);
    Ed25519Key::from_pkcs8_der(&der).expect("ed25519 key")
}

const BODY: &str = "From: Anna <anna@partner.example>\r\nTo: ap@acme-trade.com\r\n\
                    Subject: Invoice 4471\r\nDate: Mon, 16 Nov 2026 09:00:00 +0000\r\n\
                    Message-ID: <4471@partner.example>\r\n\r\nPlease find the invoice attached.\r\n";

/// `BODY` signed for `domain` with selector `s1`, and the key record to publish.
fn signed(domain: &str, seed: u8) -> (String, String) {
    let k = key(seed);
    let record = format!("v=DKIM1; k=ed25519; p={}", base64(&k.public_key()));
    let sig = DkimSigner::from_key(k)
        .domain(domain)
        .selector("s1")
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(BODY.as_bytes())
        .expect("signed");
    (format!("{}{BODY}", sig.to_header()), record)
}

fn result<'a>(r: &'a crate::auth::results::AuthResults, method: &str) -> &'a str {
    r.results
        .iter()
        .find(|m| m.method == method)
        .map_or("absent", |m| m.result.as_str())
}

#[test]
fn dkim_signatures_made_here_verify_and_tampering_fails() {
    let (raw, record) = signed("partner.example", 7);
    let mut dns = DnsRecords::new();
    dns.txt("s1._domainkey.partner.example", record.as_str());
    let r = verify(raw.as_bytes(), None, &dns).expect("verified");
    assert_eq!(result(&r, "dkim"), "pass");
    assert_eq!(r.results[0].prop("header", "d"), Some("partner.example"));
    // The body changed after signing.
    let tampered = raw.replace("the invoice", "our NEW bank details");
    assert_eq!(
        result(&verify(tampered.as_bytes(), None, &dns).unwrap(), "dkim"),
        "fail"
    );
    // A key for another seed: the signature does not verify.
    let (_, other) = signed("partner.example", 8);
    let mut wrong = DnsRecords::new();
    wrong.txt("s1._domainkey.partner.example", other.as_str());
    assert_eq!(
        result(&verify(raw.as_bytes(), None, &wrong).unwrap(), "dkim"),
        "fail"
    );
    // No key published: NXDOMAIN from the closed world, never a lookup. Records added later
    // are seen: the prepared caches are rebuilt after a change.
    let mut later = DnsRecords::new();
    assert_eq!(
        result(&verify(raw.as_bytes(), None, &later).unwrap(), "dkim"),
        "permerror"
    );
    later.txt("s1._domainkey.partner.example", record.as_str());
    assert_eq!(
        result(&verify(raw.as_bytes(), None, &later).unwrap(), "dkim"),
        "pass"
    );
}

fn spf(dns: &DnsRecords, ip: &str, mail_from: &str) -> String {
    let envelope = Envelope {
        client_ip: ip.parse::<IpAddr>().unwrap(),
        helo: "mail.sender.example",
        mail_from,
    };
    let r = verify(BODY.as_bytes(), Some(&envelope), dns).expect("verified");
    result(&r, "spf").to_string()
}

#[test]
fn spf_mechanisms_from_supplied_records() {
    let dns = DnsRecords::parse(
        "
        partner.example          TXT \"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.esp.example a mx exists:%{i}.allow.partner.example redirect=_spf.partner.example\"
        _spf.esp.example         TXT v=spf1 ip4:198.51.100.10 -all
        partner.example          A   203.0.113.5
        partner.example          MX  10 mx.partner.example
        mx.partner.example       A   203.0.113.6
        203.0.113.9.allow.partner.example A 127.0.0.2
        _spf.partner.example     TXT v=spf1 ~all
        loop.example             TXT v=spf1 include:loop.example -all
        void.example             TXT \"v=spf1 a:n1.void.example a:n2.void.example a:n3.void.example -all\"
        ",
    )
    .expect("records");
    let from = "billing@partner.example";
    assert_eq!(spf(&dns, "192.0.2.77", from), "pass", "ip4");
    assert_eq!(spf(&dns, "2001:db8::25", from), "pass", "ip6");
    assert_eq!(spf(&dns, "198.51.100.10", from), "pass", "include");
    assert_eq!(spf(&dns, "203.0.113.5", from), "pass", "a");
    assert_eq!(spf(&dns, "203.0.113.6", from), "pass", "mx");
    assert_eq!(
        spf(&dns, "203.0.113.9", from),
        "pass",
        "exists with a macro"
    );
    assert_eq!(
        spf(&dns, "198.18.0.1", from),
        "softfail",
        "redirect to ~all"
    );
    assert_eq!(
        spf(&dns, "198.18.0.1", "x@loop.example"),
        "permerror",
        "include loop"
    );
    // RFC 7208 4.6.4 limits void lookups to two; mail-auth 0.13.3 does not enforce that
    // limit, so three void `a:` lookups end at `-all`. Recorded here so a change shows.
    assert_eq!(
        spf(&dns, "198.18.0.1", "x@void.example"),
        "fail",
        "void lookups (not limited)"
    );
    assert_eq!(
        spf(&dns, "198.18.0.1", "x@nowhere.example"),
        "none",
        "NXDOMAIN"
    );

    // The ten-lookup limit (RFC 7208 4.6.4): a chain of eleven includes is a permerror.
    let mut chain = DnsRecords::new();
    for i in 0..11 {
        chain.txt(
            &format!("c{i}.example"),
            format!("v=spf1 include:c{}.example -all", i + 1),
        );
    }
    chain.txt("c11.example", "v=spf1 ip4:198.18.0.1 -all");
    assert_eq!(
        spf(&chain, "198.18.0.1", "x@c0.example"),
        "permerror",
        "lookup limit"
    );
    let mut short = DnsRecords::new();
    for i in 0..5 {
        short.txt(
            &format!("c{i}.example"),
            format!("v=spf1 include:c{}.example -all", i + 1),
        );
    }
    short.txt("c5.example", "v=spf1 ip4:198.18.0.1 -all");
    assert_eq!(
        spf(&short, "198.18.0.1", "x@c0.example"),
        "pass",
        "within the limit"
    );
}

#[test]
fn dmarc_through_the_engine_with_alignment() {
    let (raw, record) = signed("partner.example", 7);
    let policy = r#"
        [organisation]
        domains = ["acme-trade.com"]
    "#;
    let mut dns = DnsRecords::new();
    dns.txt("s1._domainkey.partner.example", record.as_str())
        .txt("_dmarc.partner.example", "v=DMARC1; p=reject");
    let dns = Arc::new(dns);
    let ctx = MessageContext::inbound().dns_records(dns.clone());
    let v = score_with(policy, &raw, &ctx);
    assert!(
        v.findings().iter().all(|f| !f.id().starts_with("auth.")),
        "{:?}",
        v.findings()
    );
    // Signed by another organisation's domain: DKIM passes but is not aligned, DMARC fails.
    let (foreign, foreign_key) = signed("bulk-mailer.example", 9);
    let mut dns2 = (*dns).clone();
    dns2.txt("s1._domainkey.bulk-mailer.example", foreign_key.as_str());
    let ctx = MessageContext::inbound().dns_records(Arc::new(dns2));
    let v = score_with(policy, &foreign, &ctx);
    assert_eq!(
        evidence(&v, "auth.dmarc_fail", "policy").as_deref(),
        Some("reject")
    );
    assert_eq!(
        evidence(&v, "auth.dmarc_fail", "domain").as_deref(),
        Some("partner.example")
    );
}

#[test]
fn record_files_are_checked_line_by_line() {
    let err = DnsRecords::parse("a.example TXT ok\nb.example A 999.1.1.1\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(DnsRecords::parse("x.example MX ten mx.example").is_err());
    assert!(DnsRecords::parse("x.example TXT \"unterminated").is_err());
    assert!(DnsRecords::parse("not-an-ip PTR host.example").is_err());
    let dns = DnsRecords::parse("# comment\n\nx.example TXT \"v=spf1 \" \"-all\"\n").unwrap();
    assert_eq!(
        dns.txt.get("x.example").map(Vec::as_slice),
        Some(&["v=spf1 -all".to_string()][..])
    );
}

/// An RSA-SHA256 signature with a 2048-bit key generated for these tests (`openssl genrsa`,
/// PKCS#1 DER in `test-rsa-2048.der`; it signs nothing else).
#[test]
fn rsa_signatures_verify_too() {
    use mail_auth::common::crypto::{RsaKey, Sha256};
    use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer};
    let der = include_bytes!("test-rsa-2048.der");
    let key = RsaKey::<Sha256>::from_key_der(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(
        der.as_slice(),
    )))
    .expect("rsa key");
    let record = format!("v=DKIM1; k=rsa; p={}", base64(&key.public_key()));
    let sig = DkimSigner::from_key(key)
        .domain("partner.example")
        .selector("rsa1")
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(BODY.as_bytes())
        .expect("signed");
    let raw = format!("{}{BODY}", sig.to_header());
    let mut dns = DnsRecords::new();
    dns.txt("rsa1._domainkey.partner.example", record.as_str());
    assert_eq!(
        result(&verify(raw.as_bytes(), None, &dns).unwrap(), "dkim"),
        "pass"
    );
    let forged = raw.replace("Subject: Invoice 4471", "Subject: Invoice 4471 - new bank");
    assert_eq!(
        result(&verify(forged.as_bytes(), None, &dns).unwrap(), "dkim"),
        "fail"
    );
}

#[test]
fn strict_spf_alignment() {
    // SPF passes for a subdomain of the From domain: aligned unless aspf=s.
    let dmarc = |tags: &str| {
        let mut dns = DnsRecords::new();
        dns.txt("bounce.partner.example", "v=spf1 ip4:192.0.2.0/24 -all")
            .txt(
                "_dmarc.partner.example",
                format!("v=DMARC1; p=reject{tags}"),
            );
        let envelope = Envelope {
            client_ip: "192.0.2.8".parse().unwrap(),
            helo: "mail.partner.example",
            mail_from: "b@bounce.partner.example",
        };
        let r = verify(BODY.as_bytes(), Some(&envelope), &dns).expect("verified");
        (
            result(&r, "spf").to_string(),
            result(&r, "dmarc").to_string(),
        )
    };
    assert_eq!(dmarc(""), ("pass".into(), "pass".into()));
    assert_eq!(dmarc("; aspf=s"), ("pass".into(), "fail".into()));
}

#[test]
fn dmarc_alignment_modes() {
    // Signed by a subdomain of the From domain: aligned in relaxed mode, not in strict.
    let (raw, record) = signed("mail.partner.example", 11);
    let dmarc = |tags: &str| {
        let mut dns = DnsRecords::new();
        dns.txt("s1._domainkey.mail.partner.example", record.as_str())
            .txt(
                "_dmarc.partner.example",
                format!("v=DMARC1; p=quarantine{tags}"),
            );
        let r = verify(raw.as_bytes(), None, &dns).expect("verified");
        (
            result(&r, "dkim").to_string(),
            result(&r, "dmarc").to_string(),
        )
    };
    assert_eq!(dmarc(""), ("pass".into(), "pass".into()), "relaxed");
    assert_eq!(dmarc("; adkim=s"), ("pass".into(), "fail".into()), "strict");
    // No DMARC record at all: none, whatever DKIM says.
    let mut dns = DnsRecords::new();
    dns.txt("s1._domainkey.mail.partner.example", record.as_str());
    assert_eq!(
        result(&verify(raw.as_bytes(), None, &dns).unwrap(), "dmarc"),
        "none"
    );
}
