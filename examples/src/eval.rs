//! `mailrisk eval DIR`: how a policy does on labelled mail. DIR holds one sub-folder per label
//! (`ham/`, `bec/`, `phish/`, any names), each read as `scan` reads a folder. Prints per label
//! how many messages reach each level and the rules that fired most, and precision and recall
//! for "malicious at medium or above", with the negative label (`ham` unless told) as benign.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mailrisk::{Engine, Level, MessageContext, Policy};
use serde::Serialize;

use crate::sources;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Policy file (TOML, or JSON when it ends in .json); the built-in default otherwise.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    /// The label of benign mail (the negative class).
    #[arg(long, default_value = "ham", value_name = "LABEL")]
    negative: String,
    /// Also write one JSON line per message to FILE: its label, path, level, score, the rules
    /// that fired and the features `content.bec_request` read (what
    /// `benches/bec-corpus/fit-model` fits the rule's model on).
    #[arg(long, value_name = "FILE")]
    features: Option<PathBuf>,
    /// A folder with one sub-folder of messages per label.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

impl EvalArgs {
    pub fn policy_path(&self) -> Option<&PathBuf> {
        self.policy.as_ref()
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum EvalFormat {
    Table,
    Json,
}

/// One label's results.
#[derive(Serialize, Default)]
struct LabelReport {
    label: String,
    messages: usize,
    unreadable: usize,
    /// Messages per level: none, low, medium, high, critical.
    levels: BTreeMap<&'static str, usize>,
    /// Messages at medium or above.
    at_least_medium: usize,
    /// The rules that fired most (in any verdict of the label), with their counts.
    top_rules: Vec<(String, usize)>,
}

#[derive(Serialize)]
struct Report {
    labels: Vec<LabelReport>,
    negative: String,
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
    /// `null` when nothing was flagged.
    precision: Option<f64>,
    /// `null` without malicious messages.
    recall: Option<f64>,
}

const LEVELS: [&str; 5] = ["none", "low", "medium", "high", "critical"];

fn level_name(l: Level) -> &'static str {
    match l {
        Level::None => "none",
        Level::Low => "low",
        Level::Medium => "medium",
        Level::High => "high",
        Level::Critical => "critical",
    }
}

/// The label folders of `dir`, sorted by name (hidden ones skipped).
fn labels(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir()) // following symbolic links
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(format!(
            "{} has no label folders (expected sub-folders such as ham/ and bec/)",
            dir.display()
        ));
    }
    Ok(out)
}

/// One message of `--features`.
#[derive(Serialize)]
struct FeatureLine<'a> {
    label: &'a str,
    path: String,
    level: &'static str,
    score: u8,
    rules: Vec<&'static str>,
    features: BTreeMap<&'static str, f64>,
}

fn evaluate(
    engine: &Engine,
    (label, path): (&str, &Path),
    max_bytes: usize,
    features: &mut Option<io::BufWriter<std::fs::File>>,
) -> io::Result<LabelReport> {
    let mut written = Ok(());
    let mut r = LabelReport {
        label: label.to_string(),
        levels: LEVELS.iter().map(|l| (*l, 0)).collect(),
        ..LabelReport::default()
    };
    let mut rules: BTreeMap<&'static str, usize> = BTreeMap::new();
    let ctx = MessageContext::inbound();
    sources::visit(path, max_bytes, &mut |item| {
        let mail = match item {
            Ok(mail) => mail,
            Err(e) => {
                eprintln!("mailrisk: cannot read {}: {}", e.path.display(), e.error);
                r.unreadable += 1;
                return;
            }
        };
        match crate::guarded(|| engine.score_message(&mail.bytes, &ctx)) {
            Ok(v) => {
                r.messages += 1;
                *r.levels.entry(level_name(v.level())).or_default() += 1;
                if v.level() >= Level::Medium {
                    r.at_least_medium += 1;
                }
                for f in v.findings() {
                    *rules.entry(f.id()).or_default() += 1;
                }
                if let (Some(w), Ok(())) = (features.as_mut(), &written) {
                    let line = FeatureLine {
                        label,
                        path: mail.path.display().to_string(),
                        level: level_name(v.level()),
                        score: v.score(),
                        rules: v.findings().iter().map(|f| f.id()).collect(),
                        features: engine.request_features(&mail.bytes).into_iter().collect(),
                    };
                    written = serde_json::to_writer(&mut *w, &line)
                        .map_err(io::Error::other)
                        .and_then(|()| writeln!(w));
                }
            }
            Err(panic) => {
                eprintln!(
                    "mailrisk: internal error while scoring {}: {panic}",
                    mail.path.display()
                );
                r.unreadable += 1;
            }
        }
    });
    let mut top: Vec<(String, usize)> = rules
        .into_iter()
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(5);
    r.top_rules = top;
    written.map(|()| r)
}

fn percent(n: usize, of: usize) -> String {
    if of == 0 {
        "-".into()
    } else {
        format!("{:.1} %", 100.0 * n as f64 / of as f64)
    }
}

fn table(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let width = report
        .labels
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:<width$}  {:>8}  {:>6}  {:>6}  {:>6}  {:>6}  {:>8}  {:>9}",
        "label", "messages", "none", "low", "medium", "high", "critical", "≥ medium"
    )?;
    for l in &report.labels {
        let n = |k: &str| l.levels.get(k).copied().unwrap_or(0);
        writeln!(
            out,
            "{:<width$}  {:>8}  {:>6}  {:>6}  {:>6}  {:>6}  {:>8}  {:>9}",
            l.label,
            l.messages,
            n("none"),
            n("low"),
            n("medium"),
            n("high"),
            n("critical"),
            percent(l.at_least_medium, l.messages)
        )?;
    }
    writeln!(out)?;
    for l in &report.labels {
        let rules: Vec<String> = l
            .top_rules
            .iter()
            .map(|(id, n)| format!("{id} {n}"))
            .collect();
        writeln!(
            out,
            "{:<width$}  top rules: {}",
            l.label,
            if rules.is_empty() {
                "-".to_string()
            } else {
                rules.join(", ")
            }
        )?;
    }
    writeln!(out)?;
    let fmt = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.1} %", 100.0 * x));
    writeln!(
        out,
        "malicious at ≥ medium ({} benign): precision {} ({} of {} flagged), recall {} ({} of {} malicious)",
        report.negative,
        fmt(report.precision),
        report.true_positives,
        report.true_positives + report.false_positives,
        fmt(report.recall),
        report.true_positives,
        report.true_positives + report.false_negatives,
    )
}

pub fn run(args: EvalArgs, policy: Option<Policy>) -> Result<ExitCode, String> {
    let policy = policy.unwrap_or_default();
    let max_bytes = policy.limits.max_message_bytes;
    let engine = Engine::new(policy).map_err(|e| e.to_string())?;
    let folders = labels(&args.dir)?;
    let mut features = match &args.features {
        Some(p) => Some(io::BufWriter::new(
            std::fs::File::create(p).map_err(|e| format!("cannot write {}: {e}", p.display()))?,
        )),
        None => None,
    };
    let feature_error = |e: io::Error| {
        let p = args.features.as_deref().unwrap_or(Path::new("-"));
        format!("cannot write {}: {e}", p.display())
    };
    let labels: Vec<LabelReport> = folders
        .iter()
        .map(|(name, path)| evaluate(&engine, (name, path), max_bytes, &mut features))
        .collect::<io::Result<_>>()
        .map_err(feature_error)?;
    if let Some(w) = features.as_mut() {
        w.flush().map_err(feature_error)?;
    }
    let (mut tp, mut fp, mut fneg) = (0, 0, 0);
    for l in &labels {
        if l.label == args.negative {
            fp += l.at_least_medium;
        } else {
            tp += l.at_least_medium;
            fneg += l.messages - l.at_least_medium;
        }
    }
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    if !labels.iter().any(|l| l.label == args.negative) {
        eprintln!(
            "mailrisk: no {}/ folder: every label counts as malicious, precision is of those alone",
            args.negative
        );
    }
    let unreadable: usize = labels.iter().map(|l| l.unreadable).sum();
    let report = Report {
        negative: args.negative.clone(),
        true_positives: tp,
        false_positives: fp,
        false_negatives: fneg,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fneg),
        labels,
    };
    let mut out = io::stdout().lock();
    let written = match args.format {
        EvalFormat::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out)),
        EvalFormat::Table => table(&mut out, &report),
    };
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(format!("cannot write output: {e}")),
        Ok(()) => {}
    }
    Ok(if unreadable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
