//! Cost of offline authentication (DKIM, SPF, DMARC, ARC with mail-auth against supplied
//! records) per message, next to parsing and scoring without it, measured in the same run.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter as _;
use mail_auth::dkim::DkimSigner;
use mailrisk::{DnsRecords, Engine, MessageContext};
use std::hint::black_box;

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(T[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

fn verify(c: &mut Criterion) {
    // The typical 20 KB thread, signed by its sender's domain with an Ed25519 key.
    let body = String::from_utf8(mailrisk_benches::typical_thread()).expect("utf-8");
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend([42u8; 32]);
    let key = Ed25519Key::from_pkcs8_der(&der).expect("key");
    let record = format!("v=DKIM1; k=ed25519; p={}", b64(&key.public_key()));
    let sig = DkimSigner::from_key(key)
        .domain("mueller-gmbh.de")
        .selector("s1")
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(body.as_bytes())
        .expect("signed");
    let raw = format!("{}{body}", sig.to_header()).into_bytes();
    let mut dns = DnsRecords::new();
    dns.txt("s1._domainkey.mueller-gmbh.de", record)
        .txt(
            "mueller-gmbh.de",
            "v=spf1 ip4:192.0.2.0/24 include:_spf.esp.example -all",
        )
        .txt("_spf.esp.example", "v=spf1 ip4:198.51.100.0/24 -all")
        .txt("_dmarc.mueller-gmbh.de", "v=DMARC1; p=reject");
    let verified = MessageContext::inbound()
        .client_ip("192.0.2.25".parse().expect("ip"))
        .helo("mail.mueller-gmbh.de")
        .envelope_from("anna@mueller-gmbh.de")
        .dns_records(Arc::new(dns));
    let engine = Engine::default();
    let check = engine.score_message(&raw, &verified);
    assert!(
        check
            .findings()
            .iter()
            .all(|f| !f.id().starts_with("auth.")),
        "the signed message verifies: {:?}",
        check.findings()
    );
    let parser = mail_parser::MessageParser::default();
    let plain = MessageContext::inbound();
    let mut g = c.benchmark_group("verify_20k");
    g.bench_function("parse_only", |b| {
        b.iter(|| black_box(parser.parse(black_box(raw.as_slice()))))
    });
    g.bench_function("score", |b| {
        b.iter(|| black_box(engine.score_message(black_box(&raw), &plain)))
    });
    g.bench_function("score_verified", |b| {
        b.iter(|| black_box(engine.score_message(black_box(&raw), &verified)))
    });
    g.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
