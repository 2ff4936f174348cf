//! `mailrisk`: scan mail for business-email compromise from the command line.
//!
//! Exit codes: 0 every input was read and scanned; 1 some input could not be read (reported on
//! stderr, the rest was scanned); 2 usage or policy error.

mod audit;
mod domains;
mod eval;
mod events;
mod phrases;
mod report;
mod sources;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use mailrisk::{Engine, Lang, MessageContext, Policy};

#[derive(Parser)]
#[command(
    name = "mailrisk",
    version,
    about = "Catch business-email compromise before money moves"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score messages: .eml files, directories (recursive), mbox files and Maildirs.
    Scan(ScanArgs),
    /// Work with policies.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Check candidate domains, one per line, against the protected domains; prints one JSON
    /// line per candidate, in input order.
    Domains(domains::DomainsArgs),
    /// Show the phrases of the content lexicon found in a text, one JSON line each (category,
    /// language, text as written, offset, sentence).
    Phrases(phrases::PhrasesArgs),
    /// Score login and mailbox events (Microsoft 365 audit log, mailrisk's JSON events), one
    /// verdict per event in input order; state kept between runs with --state.
    Events(events::EventsArgs),
    /// How a policy does on labelled mail: DIR/<label>/ folders (ham/, bec/, phish/ …); per
    /// label the levels reached and the rules that fired most, and precision and recall of
    /// "malicious at medium or above" with ham/ as benign.
    Eval(eval::EvalArgs),
    /// Check a hash-chained audit trail written with `events --audit`.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// List the detection rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Check a policy file (TOML, or JSON when it ends in .json).
    Check { file: PathBuf },
    /// Print the default policy as commented TOML.
    Default,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify a trail: reports the first altered, removed, inserted or reordered record.
    Verify { file: PathBuf },
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Table,
    Json,
    /// The catalogue for readers, as kept in docs/rules.md.
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Table,
}

#[derive(Clone, Copy, ValueEnum)]
enum DirectionArg {
    Inbound,
    Outbound,
    Internal,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum LangArg {
    En,
    Zh,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Policy file (TOML, or JSON when it ends in .json); the built-in default otherwise.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Direction of the messages.
    #[arg(long, value_enum, default_value_t = DirectionArg::Inbound)]
    direction: DirectionArg,
    /// The sending user, for --direction outbound (default: each message's From).
    #[arg(long)]
    user: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Language of the table report (default: the policy's language).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Files or directories to scan.
    /// DNS records for offline DKIM/SPF/DMARC/ARC verification: one `NAME TYPE DATA` per line
    /// (TXT, A, AAAA, MX, PTR; see docs/dns-records.md). Names not in the file are NXDOMAIN;
    /// nothing is looked up.
    #[arg(long, value_name = "FILE")]
    dns: Option<PathBuf>,
    /// The connecting client's address, for SPF (and own-domain checks).
    #[arg(long, value_name = "IP")]
    client_ip: Option<std::net::IpAddr>,
    /// The HELO/EHLO name the client gave, for SPF.
    #[arg(long, value_name = "NAME")]
    helo: Option<String>,
    /// The envelope sender (MAIL FROM), for SPF and DMARC.
    #[arg(long, value_name = "ADDRESS")]
    mail_from: Option<String>,
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Policy {
            command: PolicyCommand::Default,
        } => {
            print!("{}", Policy::default_toml());
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy {
            command: PolicyCommand::Check { file },
        } => load_policy(&file).map(|p| {
            println!(
                "{}: ok ({} domains, {} partners, {} people, {} vendors)",
                file.display(),
                p.organisation.domains.len(),
                p.partners.len(),
                p.people.len(),
                p.vendors.len()
            );
            ExitCode::SUCCESS
        }),
        Command::Rules { format } => rules(format),
        Command::Domains(args) => match args.policy_path().map(load_policy).transpose() {
            Ok(policy) => domains::run(args, policy),
            Err(e) => Err(e),
        },
        Command::Phrases(args) => match args.policy_path().map(load_policy).transpose() {
            Ok(policy) => phrases::run(args, policy),
            Err(e) => Err(e),
        },
        Command::Events(args) => match args.policy_path().map(load_policy).transpose() {
            Ok(policy) => events::run(args, policy),
            Err(e) => Err(e),
        },
        Command::Eval(args) => match args.policy_path().map(load_policy).transpose() {
            Ok(policy) => eval::run(args, policy),
            Err(e) => Err(e),
        },
        Command::Audit {
            command: AuditCommand::Verify { file },
        } => audit::verify_file(&file),
    };
    result.unwrap_or_else(|message| {
        eprintln!("mailrisk: {message}");
        ExitCode::from(2)
    })
}

fn load_policy(path: &PathBuf) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let parsed = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        Policy::from_json_str(&text)
    } else {
        Policy::from_toml_str(&text)
    };
    parsed.map_err(|e| format!("{}: {e}", path.display()))
}

fn rules(format: RulesFormat) -> Result<ExitCode, String> {
    let mut out = io::stdout().lock();
    let written = match format {
        RulesFormat::Json => serde_json::to_writer_pretty(&mut out, mailrisk::rules())
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out)),
        RulesFormat::Markdown => out.write_all(catalogue_markdown().as_bytes()),
        RulesFormat::Table => mailrisk::rules().iter().try_for_each(|r| {
            writeln!(
                out,
                "{:<32} {:>5.2}  {}",
                r.id(),
                r.default_weight(),
                r.summary()
            )
        }),
    };
    written.map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// The rule catalogue rendered for readers (docs/rules.md is this output).
fn catalogue_markdown() -> String {
    use std::fmt::Write as _;
    let mut md = String::from(
        "# Rule catalogue\n\nGenerated by `mailrisk rules --format markdown`; do not edit by hand.\n\
         Weights are defaults: a policy overrides them under `[scoring.rules.\"<id>\"]`.\n",
    );
    for r in mailrisk::rules() {
        let _ = write!(
            md,
            "\n## `{}`\n\n{}\n\n- family: {}\n- default weight: {:.2}\n\n{}\n\n\
             **False positives.** {}\n\n**Evidence.**\n\n",
            r.id(),
            r.summary(),
            r.family().as_str(),
            r.default_weight(),
            collapse(r.description()),
            collapse(r.false_positives()),
        );
        for (k, v) in r.evidence_keys() {
            let _ = writeln!(md, "- `{k}`: {v}");
        }
        md.push_str("\n**References.**\n\n");
        for reference in r.references() {
            let _ = writeln!(md, "- {reference}");
        }
        if !r.renamed_from().is_empty() {
            let _ = writeln!(md, "\nFormerly: {}", r.renamed_from().join(", "));
        }
    }
    md
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn scan(args: ScanArgs) -> Result<ExitCode, String> {
    let policy = match &args.policy {
        Some(p) => load_policy(p)?,
        None => Policy::default(),
    };
    let lang = match args.lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Zh) => Lang::Zh,
        None => policy.language,
    };
    let max_bytes = policy.limits.max_message_bytes;
    let engine = Engine::new(policy).map_err(|e| e.to_string())?;
    let dns = match &args.dns {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let records = mailrisk::DnsRecords::parse(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Some(std::sync::Arc::new(records))
        }
        None => None,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut totals = report::Totals::default();
    let mut failed = 0usize;
    let mut scanned = 0u64;
    let started = Instant::now();
    let mut progress: Option<ProgressBar> = None;
    let mut write_error: Option<io::Error> = None;

    for path in &args.paths {
        sources::visit(path, max_bytes, &mut |item| {
            if write_error.is_some() {
                return;
            }
            let mail = match item {
                Ok(mail) => mail,
                Err(e) => {
                    failed += 1;
                    let line = format!("mailrisk: cannot read {}: {}", e.path.display(), e.error);
                    match &progress {
                        Some(bar) => bar.println(line),
                        None => eprintln!("{line}"),
                    }
                    return;
                }
            };
            // One message that makes scoring or reporting fail is reported with its place
            // and the scan goes on (exit status 1), never a crash of the whole scan.
            let written = guarded(|| {
                let ctx = context(&args, &mail.bytes, dns.as_ref());
                let verdict = engine.score_message(&mail.bytes, &ctx);
                match args.format {
                    Format::Jsonl => report::jsonl(&mut out, &mail, &verdict),
                    Format::Table => report::table(&mut out, &mail, &verdict, lang, &mut totals),
                }
            });
            let written = match written {
                Ok(w) => w,
                Err(panic) => {
                    failed += 1;
                    let place = match mail.index {
                        Some(i) => format!("{} (message {i})", mail.path.display()),
                        None => mail.path.display().to_string(),
                    };
                    let line = format!("mailrisk: internal error while scoring {place}: {panic}");
                    match &progress {
                        Some(bar) => bar.println(line),
                        None => eprintln!("{line}"),
                    }
                    return;
                }
            };
            if let Err(e) = written {
                write_error = Some(e);
                return;
            }
            scanned += 1;
            if progress.is_none()
                && started.elapsed() > Duration::from_secs(1)
                && io::stderr().is_terminal()
            {
                let bar = ProgressBar::new_spinner();
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {pos} messages scanned ({per_sec}) {wide_msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_position(scanned);
                progress = Some(bar);
            }
            if let Some(bar) = &progress {
                bar.set_position(scanned);
                bar.set_message(mail.path.display().to_string());
            }
        });
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(e) = write_error {
        // A closed pipe (`mailrisk scan ... | head`) is not an error worth a message.
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(format!("cannot write output: {e}"));
    }
    if matches!(args.format, Format::Table) {
        report::table_summary(&mut out, &totals, failed, lang).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `f` inside a panic boundary: its value, or the panic's message.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into())
    })
}

/// The scoring context for one message from the command-line options.
fn context(
    args: &ScanArgs,
    raw: &[u8],
    dns: Option<&std::sync::Arc<mailrisk::DnsRecords>>,
) -> MessageContext {
    let mut ctx = direction(args, raw);
    if let Some(ip) = args.client_ip {
        ctx = ctx.client_ip(ip);
    }
    if let Some(helo) = &args.helo {
        ctx = ctx.helo(helo.clone());
    }
    if let Some(from) = &args.mail_from {
        ctx = ctx.envelope_from(from.clone());
    }
    if let Some(dns) = dns {
        ctx = ctx.dns_records(dns.clone());
    }
    ctx
}

/// The direction part of the context.
fn direction(args: &ScanArgs, raw: &[u8]) -> MessageContext {
    match args.direction {
        DirectionArg::Inbound => MessageContext::inbound(),
        DirectionArg::Internal => MessageContext::internal(),
        DirectionArg::Outbound => {
            let user = args
                .user
                .clone()
                .unwrap_or_else(|| first_from(raw).unwrap_or_default());
            MessageContext::outbound(user)
        }
    }
}

/// The first From address of a raw message, for outbound scans without --user.
fn first_from(raw: &[u8]) -> Option<String> {
    let msg = mail_parser::MessageParser::default().parse_headers(raw)?;
    msg.from()?.first()?.address().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn the_panic_boundary_returns_the_message() {
        assert_eq!(guarded(|| 3), Ok(3));
        let text = String::from("İ\u{212A}");
        let cut = 1;
        let err = guarded(|| text[..cut].len()).expect_err("slicing inside a character panics");
        assert!(err.contains("char boundary"), "{err}");
        assert_eq!(guarded(|| -> u8 { panic!("boom") }), Err("boom".into()));
    }
}
