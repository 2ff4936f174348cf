//! Parse-only (mail-parser alone) versus full scoring on the sample messages, so that the cost
//! of mailrisk's own work is reported as a ratio to parsing measured in the same run.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mailrisk::{Engine, MessageContext};
use mailrisk_benches::{plain_thread, samples, typical_thread};
use std::hint::black_box;

fn corpus(c: &mut Criterion) {
    let mail = samples();
    assert!(!mail.is_empty(), "no sample mail found");
    let engine = Engine::default();
    let ctx = MessageContext::inbound();
    let parser = mail_parser::MessageParser::default();

    let mut g = c.benchmark_group("samples");
    g.throughput(Throughput::Elements(mail.len() as u64));
    g.bench_function("parse_only", |b| {
        b.iter(|| {
            for (_, raw) in &mail {
                black_box(parser.parse(black_box(raw.as_slice())));
            }
        })
    });
    g.bench_function("score", |b| {
        b.iter(|| {
            for (_, raw) in &mail {
                black_box(engine.score_message(black_box(raw), &ctx));
            }
        })
    });
    g.bench_function("score_and_json", |b| {
        b.iter(|| {
            for (_, raw) in &mail {
                let v = engine.score_message(black_box(raw), &ctx);
                black_box(serde_json::to_string(&v).ok());
            }
        })
    });
    g.finish();
}

/// Content matching against parsing, on a typical 20 KB Outlook reply thread and on a 20 KB
/// plain-text thread (the worst case: all of it is text). `find_phrases` runs the lexicon over
/// the decoded subject and text, which is what the content rules read; mail-parser's parse of
/// the same raw message is the baseline.
fn content_20k(c: &mut Criterion) {
    let engine = Engine::default();
    let parser = mail_parser::MessageParser::default();
    for (name, raw) in [
        ("typical_20k", typical_thread()),
        ("plain_20k", plain_thread()),
    ] {
        let parsed = parser
            .parse(raw.as_slice())
            .expect("the generated message parses");
        let subject = parsed.subject().unwrap_or_default().to_string();
        let text: String = (0..parsed.text_body_count())
            .filter_map(|i| parsed.body_text(i))
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(raw.len() as u64));
        g.bench_function("parse_only", |b| {
            b.iter(|| black_box(parser.parse(black_box(raw.as_slice()))))
        });
        g.bench_function("find_phrases", |b| {
            b.iter(|| {
                black_box(engine.find_phrases(black_box(&subject)));
                black_box(engine.find_phrases(black_box(&text)))
            })
        });
        g.bench_function("score", |b| {
            b.iter(|| black_box(engine.score_message(black_box(&raw), &MessageContext::inbound())))
        });
        g.finish();
    }
}

fn engine_build(c: &mut Criterion) {
    let policy_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/policy-acme.toml"
    ))
    .unwrap_or_default();
    c.bench_function("engine_from_example_policy", |b| {
        b.iter_batched(
            || mailrisk::Policy::from_toml_str(&policy_text).ok(),
            |p| black_box(p.and_then(|p| Engine::new(p).ok())),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, corpus, content_20k, engine_build);
criterion_main!(benches);
