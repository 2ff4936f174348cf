//! Lookalike-domain checks against 10,000 protected domains, and the index build, reported as
//! a ratio to a naive pairwise scan (edit distance to every protected label) in the same run.
//!
//! Besides criterion's figures, the bench prints per-check percentiles (p50, p99) measured one
//! call at a time, since the goal is stated per domain.

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use mailrisk::{Engine, Policy};

const N: usize = 10_000;
const SUFFIXES: [&str; 6] = ["com", "cn", "de", "co.uk", "com.cn", "net"];

/// A deterministic xorshift generator, so that every run uses the same names.
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

/// Word stems company domains are made of: trade words, places, made-up brand stems.
const WORDS: &[&str] = &[
    "acme",
    "global",
    "trade",
    "trading",
    "steel",
    "metal",
    "textile",
    "garment",
    "shoes",
    "toys",
    "light",
    "lighting",
    "solar",
    "power",
    "energy",
    "machinery",
    "machine",
    "tools",
    "pump",
    "valve",
    "chemical",
    "plastic",
    "rubber",
    "paper",
    "print",
    "pack",
    "packing",
    "glass",
    "stone",
    "ceramic",
    "furniture",
    "home",
    "garden",
    "auto",
    "parts",
    "motor",
    "electric",
    "electronics",
    "tech",
    "digital",
    "cable",
    "wire",
    "mesh",
    "pipe",
    "tube",
    "optical",
    "medical",
    "health",
    "food",
    "agro",
    "farm",
    "fresh",
    "fruit",
    "coffee",
    "tea",
    "spice",
    "cotton",
    "silk",
    "wool",
    "leather",
    "bag",
    "gift",
    "craft",
    "art",
    "star",
    "sun",
    "moon",
    "sky",
    "ocean",
    "sea",
    "blue",
    "green",
    "red",
    "gold",
    "golden",
    "silver",
    "east",
    "west",
    "north",
    "south",
    "pacific",
    "atlantic",
    "asia",
    "euro",
    "china",
    "sino",
    "india",
    "africa",
    "ningbo",
    "shanghai",
    "shenzhen",
    "guangzhou",
    "xiamen",
    "qingdao",
    "tianjin",
    "dalian",
    "hangzhou",
    "suzhou",
    "wenzhou",
    "yiwu",
    "foshan",
    "dongguan",
    "hebei",
    "anhui",
    "fujian",
    "zhejiang",
    "jiangsu",
    "hamburg",
    "bremen",
    "lyon",
    "milano",
    "madrid",
    "lisboa",
    "dubai",
    "lagos",
    "nairobi",
    "mumbai",
    "karachi",
    "dhaka",
    "hanoi",
    "bangkok",
    "jakarta",
    "santos",
    "rotterdam",
    "united",
    "general",
    "royal",
    "prime",
    "first",
    "best",
    "smart",
    "bright",
    "new",
    "great",
    "grand",
    "top",
    "union",
    "alliance",
    "partner",
    "group",
    "intl",
    "logistics",
    "freight",
    "cargo",
    "shipping",
    "express",
    "line",
    "link",
    "bridge",
    "gate",
    "port",
    "way",
    "wave",
    "field",
    "land",
    "point",
    "peak",
];

/// A company-like label: `min` to three words, sometimes joined by hyphens.
fn label(r: &mut Rng, min: usize) -> String {
    let words = min + r.below(4 - min);
    label_of(r, words)
}

/// A label of `words` words, joined by hyphens one time in three.
fn label_of(r: &mut Rng, words: usize) -> String {
    let hyphen = r.below(3) == 0;
    let mut s = String::new();
    for w in 0..words {
        if w > 0 && hyphen {
            s.push('-');
        }
        s.push_str(WORDS[r.below(WORDS.len())]);
    }
    s
}

fn protected(r: &mut Rng) -> Vec<String> {
    let mut v = std::collections::BTreeSet::new();
    while v.len() < N {
        v.insert(format!(
            "{}.{}",
            label(r, 2),
            SUFFIXES[r.below(SUFFIXES.len())]
        ));
    }
    v.into_iter().collect()
}

/// Candidates: half unrelated names of the same kind (not protected), half single edits of
/// protected names.
fn ascii_candidates(r: &mut Rng, prot: &[String]) -> Vec<String> {
    (0..2000)
        .map(|i| {
            if i % 2 == 0 {
                loop {
                    // Real domains' labels are short (median 6–8 letters): one or two words.
                    let words = 1 + r.below(2);
                    let d = format!("{}.com", label_of(r, words));
                    if prot.binary_search(&d).is_err() {
                        break d;
                    }
                }
            } else {
                let p = &prot[r.below(prot.len())];
                let mut chars: Vec<char> = p.chars().collect();
                let at = r.below(chars.iter().position(|&c| c == '.').unwrap_or(1));
                chars[at] = (b'a' + r.below(26) as u8) as char;
                chars.into_iter().collect()
            }
        })
        .collect()
}

/// Non-ASCII candidates: Cyrillic and accented lookalikes, and punycode forms.
fn unicode_candidates(r: &mut Rng, prot: &[String]) -> Vec<String> {
    (0..2000)
        .map(|i| {
            let p = &prot[r.below(prot.len())];
            let swapped: String = p
                .chars()
                .map(|c| match (c, i % 3) {
                    ('a', 0) => 'а',
                    ('o', 1) => 'ö',
                    ('e', _) => 'е',
                    (c, _) => c,
                })
                .collect();
            swapped
        })
        .collect()
}

/// Optimal-string-alignment distance, plain dynamic programming: the naive baseline.
fn naive_distance(a: &[u8], b: &[u8]) -> usize {
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn naive_check<'a>(candidate: &str, labels: &'a [String]) -> Option<&'a String> {
    let c = candidate.split('.').next().unwrap_or_default().as_bytes();
    labels
        .iter()
        .find(|l| l.len().abs_diff(c.len()) <= 1 && naive_distance(c, l.as_bytes()) <= 1)
}

/// Prints the p50/p90/p99/max of the per-call time over `candidates` (each the median of 31
/// calls) and returns the candidates at p50 and p99, for criterion to measure on their own.
fn percentiles(name: &str, engine: &Engine, candidates: &[String]) -> (String, String) {
    let mut per_call: Vec<(f64, &String)> = candidates
        .iter()
        .map(|c| {
            let mut runs: Vec<f64> = (0..31)
                .map(|_| {
                    let t = Instant::now();
                    black_box(engine.check_domain(black_box(c)).ok());
                    t.elapsed().as_secs_f64() * 1e9
                })
                .collect();
            runs.sort_by(f64::total_cmp);
            (runs[runs.len() / 2], c)
        })
        .collect();
    per_call.sort_by(|a, b| a.0.total_cmp(&b.0));
    let at = |q: f64| per_call[((per_call.len() - 1) as f64 * q) as usize];
    println!(
        "percentiles {name}: p50 {:.0} ns, p90 {:.0} ns, p99 {:.0} ns, max {:.0} ns ({} domains, median of 31 calls each)",
        at(0.50).0,
        at(0.90).0,
        at(0.99).0,
        at(1.0).0,
        per_call.len()
    );
    (at(0.50).1.clone(), at(0.99).1.clone())
}

fn bench(c: &mut Criterion) {
    let mut r = Rng(0x2545_f491_4f6c_dd1d);
    let prot = protected(&mut r);
    let engine = engine_from(prot.clone());
    let ascii = ascii_candidates(&mut r, &prot);
    let unicode = unicode_candidates(&mut r, &prot);
    let labels: Vec<String> = prot
        .iter()
        .map(|d| d.split('.').next().unwrap_or_default().to_string())
        .collect();
    let found = ascii
        .iter()
        .filter(|d| engine.check_domain(d).ok().flatten().is_some())
        .count();
    println!(
        "{} protected; {found} of {} ASCII candidates match",
        prot.len(),
        ascii.len()
    );
    let (ascii_p50, ascii_p99) = percentiles("ascii", &engine, &ascii);
    let unrelated: Vec<String> = ascii.iter().step_by(2).cloned().collect();
    let edits: Vec<String> = ascii.iter().skip(1).step_by(2).cloned().collect();
    percentiles("ascii_unrelated", &engine, &unrelated);
    percentiles("ascii_single_edits", &engine, &edits);
    let (non_ascii_p50, _) = percentiles("non_ascii", &engine, &unicode);

    let mut g = c.benchmark_group("lookalike_10k");
    // One domain each, the one at the 50th and at the 99th percentile above: criterion's
    // figures for "one domain checked against 10,000 protected domains".
    for (label, domain) in [
        ("one_ascii_domain_p50", &ascii_p50),
        ("one_ascii_domain_p99", &ascii_p99),
        ("one_non_ascii_domain_p50", &non_ascii_p50),
    ] {
        println!("{label}: {domain}");
        g.bench_function(label, |b| {
            b.iter(|| black_box(engine.check_domain(black_box(domain)).ok()))
        });
    }
    let mut i = 0;
    g.bench_function("check_ascii", |b| {
        b.iter(|| {
            i = (i + 1) % ascii.len();
            black_box(engine.check_domain(black_box(&ascii[i])).ok())
        })
    });
    g.bench_function("check_non_ascii", |b| {
        b.iter(|| {
            i = (i + 1) % unicode.len();
            black_box(engine.check_domain(black_box(&unicode[i])).ok())
        })
    });
    g.bench_function("naive_pairwise_ascii", |b| {
        b.iter(|| {
            i = (i + 1) % ascii.len();
            black_box(naive_check(black_box(&ascii[i]), &labels))
        })
    });
    g.sample_size(10);
    g.bench_function("build", |b| {
        b.iter_batched(
            || prot.clone(),
            |d| black_box(engine_from(d)),
            BatchSize::LargeInput,
        )
    });
    g.finish();

    // Cost against the number of protected domains: the same unrelated names checked against
    // 100, 1,000 and 10,000 of them (every 100th, 10th, each of the 10,000).
    let mut g = c.benchmark_group("lookalike_scaling");
    for step in [100, 10, 1] {
        let subset: Vec<String> = prot.iter().step_by(step).cloned().collect();
        let n = subset.len();
        let engine = engine_from(subset);
        percentiles(&format!("scaling_{n}_unrelated"), &engine, &unrelated);
        let mut i = 0;
        g.bench_function(format!("check_unrelated/{n}"), |b| {
            b.iter(|| {
                i = (i + 1) % unrelated.len();
                black_box(engine.check_domain(black_box(&unrelated[i])).ok())
            })
        });
    }
    g.finish();
}

fn engine_from(domains: Vec<String>) -> Engine {
    let mut policy = Policy::default();
    policy.lists.builtin_brands.clear();
    policy.lists.protected_domains = domains;
    Engine::new(policy).expect("valid generated policy")
}

criterion_group!(benches, bench);
criterion_main!(benches);
