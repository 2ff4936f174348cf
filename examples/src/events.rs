//! `mailrisk events`: score login and mailbox events from log exports, keeping state between
//! runs.

use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use mailrisk::events::adapters::{self, Input};
use mailrisk::events::GeoDb;
use mailrisk::{Engine, Lang, Monitor, Policy, Verdict};
use serde::Serialize;

use crate::{report, Format, LangArg};

#[derive(clap::Args)]
pub struct EventsArgs {
    /// Policy file (TOML, or JSON when it ends in .json); the built-in default otherwise.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Monitor state: loaded when the file exists, saved after the run (atomically: a crash
    /// never loses the previous state).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Append every verdict to this hash-chained audit trail (`mailrisk audit verify FILE`).
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// Format of the input: jsonl (mailrisk's event schema), m365 (Microsoft 365 audit log:
    /// JSON lines, ConvertTo-Json arrays, Purview or Export-Csv CSV), entra (Entra ID sign-in
    /// logs), google (Google Workspace Reports API activities), syslog (dovecot and Postfix
    /// SASL lines, syslog or journald), or the name of one of
    /// the policy's `[[events.mapping]]`. Detected when not given.
    #[arg(long, value_name = "FORMAT")]
    input: Option<String>,
    /// The year of classic syslog lines (`Nov  2 09:14:15 …` has none); default: this year.
    #[arg(long, value_name = "YEAR")]
    syslog_year: Option<i32>,
    /// The mail server's UTC offset for classic syslog lines, `+08:00`; default: the policy's
    /// `events.work_hours.utc_offset`.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    syslog_utc_offset: Option<String>,
    /// A MaxMind-format city or country database (GeoIP2/GeoLite2 City or Country, DB-IP,
    /// ip-location-db): fills the place of logins whose log gives only the address.
    #[arg(long, value_name = "FILE")]
    geoip: Option<PathBuf>,
    /// A MaxMind-format ASN database (GeoLite2 ASN, ip-location-db ASN): fills the AS number
    /// and network name of logins whose log leaves them out.
    #[arg(long, value_name = "FILE")]
    asn_db: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Language of the table report (default: the policy's language).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Event files (`-` for standard input), read in the order given.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

impl EventsArgs {
    pub fn policy_path(&self) -> Option<&PathBuf> {
        self.policy.as_ref()
    }
}

#[derive(Serialize)]
struct Line<'a> {
    path: String,
    line: usize,
    #[serde(flatten)]
    verdict: &'a Verdict,
}

fn read_input(path: &Path) -> Result<String, String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The current year in UTC, from the system clock.
fn this_year() -> i32 {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    mailrisk::events::Timestamp::from_unix_millis(ms).year()
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let write = || -> io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot save {}: {e}", path.display())
    })
}

/// The databases named by `--geoip` and `--asn-db`, or `None` without either.
fn geo_db(args: &EventsArgs) -> Result<Option<GeoDb>, String> {
    if args.geoip.is_none() && args.asn_db.is_none() {
        return Ok(None);
    }
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let mut db = GeoDb::new();
    if let Some(p) = &args.geoip {
        db = db
            .with_city(read(p)?)
            .map_err(|e| format!("--geoip {}: {e}", p.display()))?;
    }
    if let Some(p) = &args.asn_db {
        db = db
            .with_asn(read(p)?)
            .map_err(|e| format!("--asn-db {}: {e}", p.display()))?;
    }
    Ok(Some(db))
}

/// A line on standard error that does not break the progress bar.
fn note(progress: &Option<ProgressBar>, line: String) {
    match progress {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    }
}

pub fn run(args: EventsArgs, policy: Option<Policy>) -> Result<ExitCode, String> {
    let geo = geo_db(&args)?;
    let policy = policy.unwrap_or_default();
    let lang = match args.lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Zh) => Lang::Zh,
        None => policy.language,
    };
    let offset_text = args
        .syslog_utc_offset
        .clone()
        .unwrap_or_else(|| policy.events.work_hours.utc_offset.clone());
    let utc_offset_minutes = mailrisk::events::parse_utc_offset(&offset_text).ok_or_else(|| {
        format!("--syslog-utc-offset {offset_text:?} is not an offset like +08:00")
    })?;
    let clock = adapters::SyslogClock {
        year: args.syslog_year.unwrap_or_else(this_year),
        utc_offset_minutes,
    };
    let mappings = policy.events.mapping.clone();
    let engine = Engine::new(policy).map_err(|e| e.to_string())?;
    if let Some(name) = args.input.as_deref() {
        if !mappings.iter().any(|m| m.name == name) {
            name.parse::<Input>().map_err(|e| e.to_string())?;
        }
    }
    let mut monitor = match &args.state {
        Some(path) if path.exists() => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Monitor::restore(&engine, &bytes).map_err(|e| format!("{}: {e}", path.display()))?
        }
        _ => Monitor::new(&engine),
    };
    let mut audit = match &args.audit {
        Some(path) => Some(crate::audit::Appender::open(path)?),
        None => None,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut totals = report::Totals::default();
    let (mut events, mut skipped, mut unreadable) = (0usize, 0usize, 0usize);
    let started = Instant::now();
    let mut progress: Option<ProgressBar> = None;
    for path in &args.files {
        let text = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                note(&progress, format!("mailrisk: {e}"));
                unreadable += 1;
                continue;
            }
        };
        let got = match adapters::read_with_policy(
            &text,
            args.input.as_deref(),
            &mappings,
            Some(clock),
        ) {
            Ok(g) => g,
            Err(e) => {
                note(&progress, format!("mailrisk: {}: {e}", path.display()));
                unreadable += 1;
                continue;
            }
        };
        if !got.skipped.is_empty() {
            skipped += got.skipped.len();
            note(
                &progress,
                format!(
                    "mailrisk: {}: {} record(s) could not be read as events ({}), for example:",
                    path.display(),
                    got.skipped.len(),
                    got.shape
                ),
            );
            for s in got.skipped.iter().take(3) {
                note(&progress, format!("  line {}: {}", s.line, s.reason));
            }
        }
        if let Some(bar) = &progress {
            bar.set_length(bar.length().unwrap_or(0) + got.events.len() as u64);
            bar.set_message(path.display().to_string());
        }
        let mut got = got;
        let in_file = got.events.len();
        for (done, record) in got.events.iter_mut().enumerate() {
            if let Some(db) = &geo {
                db.enrich(&mut record.event);
            }
            let verdict = monitor.observe(&record.event);
            events += 1;
            // A bar on long inputs (after a second, on a terminal), as `scan` has.
            if done % 1024 == 0 {
                if progress.is_none()
                    && started.elapsed() > Duration::from_secs(1)
                    && io::stderr().is_terminal()
                {
                    let bar = ProgressBar::new((events + in_file - done) as u64);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{bar:30} {pos}/{len} events ({per_sec}, {eta} left) {wide_msg}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    bar.set_message(path.display().to_string());
                    progress = Some(bar);
                }
                if let Some(bar) = &progress {
                    bar.set_position(events as u64);
                }
            }
            if let Some(a) = audit.as_mut() {
                a.append(&verdict)?;
            }
            let written = match args.format {
                Format::Jsonl => {
                    let line = Line {
                        path: path.display().to_string(),
                        line: record.line,
                        verdict: &verdict,
                    };
                    serde_json::to_writer(&mut out, &line)
                        .map_err(io::Error::from)
                        .and_then(|()| out.write_all(b"\n"))
                }
                Format::Table => report::event_table(
                    &mut out,
                    &path.display().to_string(),
                    record.line,
                    &verdict,
                    lang,
                    &mut totals,
                ),
            };
            if let Err(e) = written {
                if e.kind() == io::ErrorKind::BrokenPipe {
                    return Ok(ExitCode::SUCCESS);
                }
                return Err(format!("cannot write output: {e}"));
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if matches!(args.format, Format::Table) {
        report::event_summary(&mut out, &totals, skipped + unreadable, lang)
            .map_err(|e| e.to_string())?;
    } else {
        eprintln!(
            "mailrisk: {events} events scored, {skipped} records not read, {unreadable} files unreadable; {} users in state",
            monitor.users()
        );
    }
    out.flush().map_err(|e| e.to_string())?;
    if let Some(path) = &args.state {
        write_atomically(path, &monitor.snapshot())?;
    }
    Ok(if skipped + unreadable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
