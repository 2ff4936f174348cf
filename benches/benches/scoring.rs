//! Parse-only (mail-parser alone) versus full scoring on the sample messages, so that the cost
//! of mailrisk's own work is reported as a ratio to parsing measured in the same run.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mailrisk::{Engine, MessageContext};
use mailrisk_benches::samples;
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

criterion_group!(benches, corpus, engine_build);
criterion_main!(benches);
