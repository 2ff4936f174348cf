//! Output formats of `mailrisk scan`: JSON lines and a readable table.

use std::io::{self, Write};

use mailrisk::{Lang, Level, Verdict};
use serde::Serialize;

use crate::sources::Mail;

/// One JSON line: the verdict object plus where the message came from.
#[derive(Serialize)]
struct Line<'a> {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    #[serde(flatten)]
    verdict: &'a Verdict,
}

pub fn jsonl(out: &mut dyn Write, mail: &Mail, verdict: &Verdict) -> io::Result<()> {
    let line = Line {
        path: mail.path.display().to_string(),
        index: mail.index,
        verdict,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

fn level_name(level: Level, lang: Lang) -> &'static str {
    match (level, lang) {
        (Level::None, Lang::En) => "none",
        (Level::Low, Lang::En) => "LOW",
        (Level::Medium, Lang::En) => "MEDIUM",
        (Level::High, Lang::En) => "HIGH",
        (Level::Critical, Lang::En) => "CRITICAL",
        (Level::None, Lang::Zh) => "无风险",
        (Level::Low, Lang::Zh) => "低",
        (Level::Medium, Lang::Zh) => "中",
        (Level::High, Lang::Zh) => "高",
        (Level::Critical, Lang::Zh) => "严重",
    }
}

/// Running totals for the table's summary.
#[derive(Default)]
pub struct Totals {
    pub by_level: [usize; 5],
}

pub fn table(
    out: &mut dyn Write,
    mail: &Mail,
    verdict: &Verdict,
    lang: Lang,
    totals: &mut Totals,
) -> io::Result<()> {
    totals.by_level[verdict.level() as usize] += 1;
    let name = match mail.index {
        Some(i) => format!("{} #{i}", mail.path.display()),
        None => mail.path.display().to_string(),
    };
    let action = verdict.action().as_str();
    writeln!(out, "{name}")?;
    let (from_l, subj_l, act_l) = match lang {
        Lang::En => ("From", "Subject", "action"),
        Lang::Zh => ("发件人", "主题", "处理"),
    };
    let summary = verdict.message();
    writeln!(
        out,
        "  {:>3}  {:<8} {act_l}: {action}  {from_l}: {}  {subj_l}: {}",
        verdict.score(),
        level_name(verdict.level(), lang),
        summary.and_then(|m| m.from.as_deref()).unwrap_or("-"),
        summary.and_then(|m| m.subject.as_deref()).unwrap_or("-"),
    )?;
    for f in verdict.findings() {
        let sev = f.severity().as_str();
        writeln!(out, "       [{sev}] {}: {}", f.id(), f.explain(lang))?;
    }
    Ok(())
}

pub fn table_summary(
    out: &mut dyn Write,
    totals: &Totals,
    failed: usize,
    lang: Lang,
) -> io::Result<()> {
    let (noun, unread) = match lang {
        Lang::En => ("messages", "unreadable"),
        Lang::Zh => ("封邮件", "个无法读取"),
    };
    counts(out, totals, noun, failed, unread, lang)
}

/// The closing line: how many of each level, and how many inputs could not be read.
fn counts(
    out: &mut dyn Write,
    totals: &Totals,
    noun: &str,
    unread: usize,
    unread_noun: &str,
    lang: Lang,
) -> io::Result<()> {
    let t = &totals.by_level;
    let n: usize = t.iter().sum();
    match lang {
        Lang::En => writeln!(
            out,
            "\n{n} {noun}: {} critical, {} high, {} medium, {} low, {} none; {unread} {unread_noun}",
            t[4], t[3], t[2], t[1], t[0]
        ),
        Lang::Zh => writeln!(
            out,
            "\n共 {n} {noun}：严重 {}，高 {}，中 {}，低 {}，无风险 {}；{unread} {unread_noun}",
            t[4], t[3], t[2], t[1], t[0]
        ),
    }
}

/// One event verdict as table rows: where it came from, score, level, kind, user, time,
/// then its findings.
pub fn event_table(
    out: &mut dyn Write,
    path: &str,
    line: usize,
    verdict: &Verdict,
    lang: Lang,
    totals: &mut Totals,
) -> io::Result<()> {
    totals.by_level[verdict.level() as usize] += 1;
    let Some(e) = verdict.event() else {
        return Ok(());
    };
    let dup = match (e.duplicate, lang) {
        (false, _) => "",
        (true, Lang::En) => "  (duplicate, not scored again)",
        (true, Lang::Zh) => "  （重复记录，未再次评分）",
    };
    writeln!(
        out,
        "{path}:{line}  {}  {}  {}  {}{dup}",
        e.time, e.user, e.kind, e.id
    )?;
    writeln!(
        out,
        "  {:>3}  {:<8} {}",
        verdict.score(),
        level_name(verdict.level(), lang),
        verdict.action().as_str()
    )?;
    for f in verdict.findings() {
        writeln!(
            out,
            "       [{}] {}: {}",
            f.severity().as_str(),
            f.id(),
            f.explain(lang)
        )?;
    }
    Ok(())
}

pub fn event_summary(
    out: &mut dyn Write,
    totals: &Totals,
    unread: usize,
    lang: Lang,
) -> io::Result<()> {
    let (noun, unread_noun) = match lang {
        Lang::En => ("events", "records or files not read"),
        Lang::Zh => ("个事件", "条记录或文件无法读取"),
    };
    counts(out, totals, noun, unread, unread_noun, lang)
}
