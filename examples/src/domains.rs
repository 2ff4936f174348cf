//! `mailrisk domains`: vet candidate domains against the protected set, one JSON line each.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use mailrisk::{Engine, Lookalike, Policy};
use serde::Serialize;

/// Arguments of `mailrisk domains`.
#[derive(clap::Args)]
pub(crate) struct DomainsArgs {
    /// Policy file whose protected domains are used (the built-in default otherwise).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Also protect this domain (repeatable).
    #[arg(long = "protect", value_name = "DOMAIN")]
    protect: Vec<String>,
    /// Also protect the domains in this file, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    protect_file: Vec<PathBuf>,
    /// Do not protect the built-in brands (banks, carriers, webmail, payments, marketplaces).
    #[arg(long)]
    no_builtin: bool,
    /// Candidates, one per line; `-` or nothing reads standard input.
    file: Option<PathBuf>,
}

impl DomainsArgs {
    pub(crate) fn policy_path(&self) -> Option<&PathBuf> {
        self.policy.as_ref()
    }
}

#[derive(Serialize)]
struct Line<'a> {
    domain: &'a str,
    #[serde(rename = "match")]
    found: Option<Lookalike>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub(crate) fn run(args: DomainsArgs, policy: Option<Policy>) -> Result<ExitCode, String> {
    let mut policy = policy.unwrap_or_default();
    policy.lists.protected_domains.extend(args.protect);
    for path in &args.protect_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        policy.lists.protected_domains.extend(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or_default().trim())
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    if args.no_builtin {
        policy.lists.builtin_brands.clear();
    }
    let engine = Engine::new(policy).map_err(|e| e.to_string())?;
    let input: Box<dyn Read> = match args.file.as_deref() {
        None => Box::new(io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(p) => {
            Box::new(File::open(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?)
        }
    };
    let mut reader = BufReader::new(input);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        // A line longer than any host name is still read whole, then reported as invalid.
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("cannot read input: {e}"))?;
        if n == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&buf);
        let domain = text.trim();
        if domain.is_empty() {
            continue;
        }
        let line = match engine.check_domain(domain) {
            Ok(found) => Line {
                domain,
                found,
                error: None,
            },
            Err(e) => Line {
                domain,
                found: None,
                error: Some(e.to_string()),
            },
        };
        serde_json::to_writer(&mut out, &line).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}
