//! `mailrisk phrases`: what the phrase lexicon finds in a text, one JSON line per phrase, to
//! check what a policy's `[lexicon]` additions match.

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use mailrisk::{Engine, Policy};

/// Arguments of `mailrisk phrases`.
#[derive(clap::Args)]
pub(crate) struct PhrasesArgs {
    /// Policy file whose `[lexicon]` phrases are added (the built-in phrases otherwise).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The text to read, UTF-8 (invalid bytes are replaced); `-` or nothing reads standard
    /// input.
    file: Option<PathBuf>,
}

impl PhrasesArgs {
    pub(crate) fn policy_path(&self) -> Option<&PathBuf> {
        self.policy.as_ref()
    }
}

pub(crate) fn run(args: PhrasesArgs, policy: Option<Policy>) -> Result<ExitCode, String> {
    let engine = Engine::new(policy.unwrap_or_default()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    match args.file.as_deref() {
        None => io::stdin().lock().read_to_end(&mut raw),
        Some(p) if p.as_os_str() == "-" => io::stdin().lock().read_to_end(&mut raw),
        Some(p) => std::fs::File::open(p)
            .and_then(|mut f| f.read_to_end(&mut raw))
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display()))),
    }
    .map_err(|e| format!("cannot read input: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let mut out = BufWriter::new(io::stdout().lock());
    for m in engine.find_phrases(&text) {
        serde_json::to_writer(&mut out, &m).map_err(|e| e.to_string())?;
        out.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}
