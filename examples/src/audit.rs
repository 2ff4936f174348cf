//! `mailrisk audit verify` and the `--audit FILE` trail of `mailrisk events`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mailrisk::audit::{verify, AuditChain};
use mailrisk::Verdict;

/// Appends verdict records to a trail file, continuing its chain.
pub struct Appender {
    file: std::fs::File,
    chain: AuditChain,
    path: PathBuf,
}

impl Appender {
    /// Opens (or creates) the trail at `path`; the chain continues from its last record,
    /// which must be intact.
    pub fn open(path: &Path) -> Result<Appender, String> {
        let existing = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let chain = match existing.lines().rev().find(|l| !l.trim().is_empty()) {
            Some(last) => {
                AuditChain::resume(last).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => AuditChain::new(),
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        Ok(Appender {
            file,
            chain,
            path: path.to_path_buf(),
        })
    }

    pub fn append(&mut self, verdict: &Verdict) -> Result<(), String> {
        let line = self.chain.record(verdict);
        writeln!(self.file, "{line}")
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// `mailrisk audit verify FILE`: 0 intact, 1 broken (where, on stderr).
pub fn verify_file(path: &Path) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match verify(&text) {
        Ok(n) => {
            println!("{}: intact, {n} records", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("mailrisk: {}: {e}", path.display());
            Ok(ExitCode::from(1))
        }
    }
}
