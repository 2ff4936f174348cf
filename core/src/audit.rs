//! A tamper-evident trail of verdicts: each record carries the SHA-256 of the record before it,
//! so altering, removing, inserting or reordering any record breaks the chain at that point.
//! Pure: the host writes the lines wherever it keeps them (the CLI appends to a file).
//!
//! One record per line (JSON): `{"seq": 1, "prev": "<64 hex>", "hash": "<64 hex>",
//! "verdict": {…}}`, where `hash = SHA-256(seq "\n" prev "\n" verdict)` over the verdict's JSON
//! exactly as written in the line, and `prev` of the first record is 64 zeros.
//!
//! ```
//! use mailrisk::audit::{verify, AuditChain};
//! use mailrisk::{Engine, MessageContext};
//! let engine = Engine::default();
//! let v = engine.score_message(b"From: a@b.example\r\n\r\nhi\r\n", &MessageContext::inbound());
//! let mut chain = AuditChain::new();
//! let trail = format!("{}\n{}\n", chain.record(&v), chain.record(&v));
//! assert_eq!(verify(&trail)?, 2);
//! let tampered = trail.replacen("\"score\":", "\"score\":1", 1);
//! assert!(verify(&tampered).is_err());
//! # Ok::<(), mailrisk::audit::AuditError>(())
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Verdict;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends verdicts to a hash chain.
#[derive(Debug, Clone)]
pub struct AuditChain {
    seq: u64,
    prev: String,
}

impl Default for AuditChain {
    fn default() -> Self {
        AuditChain::new()
    }
}

#[derive(Serialize, Deserialize)]
struct Line {
    seq: u64,
    prev: String,
    hash: String,
    verdict: serde_json::Value,
}

fn hash(seq: u64, prev: &str, verdict: &str) -> String {
    let mut h = Sha256::new();
    h.update(seq.to_string().as_bytes());
    h.update(b"\n");
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(verdict.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl AuditChain {
    /// A new, empty trail.
    pub fn new() -> AuditChain {
        AuditChain {
            seq: 0,
            prev: GENESIS.to_string(),
        }
    }

    /// Continues the trail whose last record is `last_line`.
    ///
    /// # Errors
    /// [`AuditError::Malformed`] when the line is not a record, [`AuditError::Altered`] when
    /// its hash does not match its content.
    pub fn resume(last_line: &str) -> Result<AuditChain, AuditError> {
        let line = parse(last_line, 0)?;
        check_hash(&line, 0)?;
        Ok(AuditChain {
            seq: line.seq,
            prev: line.hash,
        })
    }

    /// The record of `verdict`, one line of JSON without the line break.
    pub fn record(&mut self, verdict: &Verdict) -> String {
        // Through a Value, so that what is hashed is exactly what verification re-reads.
        let value = serde_json::to_value(verdict).unwrap_or(serde_json::Value::Null);
        let text = value.to_string();
        self.seq += 1;
        let h = hash(self.seq, &self.prev, &text);
        let line = Line {
            seq: self.seq,
            prev: std::mem::replace(&mut self.prev, h.clone()),
            hash: h,
            verdict: value,
        };
        serde_json::to_string(&line).unwrap_or_default()
    }

    /// Records so far.
    pub fn len(&self) -> u64 {
        self.seq
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.seq == 0
    }
}

/// Where and how a trail is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A line is not a record.
    #[error("line {line}: not an audit record ({reason})")]
    Malformed {
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A record's content does not match its hash: it was altered.
    #[error("line {line}: record {seq} was altered (its hash does not match its content)")]
    Altered {
        /// The line, from 1.
        line: usize,
        /// The record's sequence number.
        seq: u64,
    },
    /// A record does not follow the one before it: records were removed, inserted or
    /// reordered before it.
    #[error("line {line}: record {found} follows record {expected_after}: records were removed, inserted or reordered here")]
    Broken {
        /// The line, from 1.
        line: usize,
        /// The sequence number found.
        found: u64,
        /// The sequence number of the record before it.
        expected_after: u64,
    },
}

fn parse(text: &str, line: usize) -> Result<Line, AuditError> {
    serde_json::from_str(text).map_err(|e| AuditError::Malformed {
        line,
        reason: e.to_string(),
    })
}

fn check_hash(l: &Line, line: usize) -> Result<(), AuditError> {
    if hash(l.seq, &l.prev, &l.verdict.to_string()) != l.hash {
        return Err(AuditError::Altered { line, seq: l.seq });
    }
    Ok(())
}

/// Verifies a whole trail (one record per line; blank lines ignored) and returns how many
/// records it holds.
///
/// # Errors
/// The first broken place: a line that is not a record, a record whose content was altered,
/// or a record that does not follow the one before it (removed, inserted, reordered).
pub fn verify(trail: &str) -> Result<usize, AuditError> {
    let mut prev = GENESIS.to_string();
    let mut seq = 0u64;
    let mut n = 0;
    for (i, text) in trail.lines().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let line = i + 1;
        let l = parse(text, line)?;
        check_hash(&l, line)?;
        if l.seq != seq + 1 || l.prev != prev {
            return Err(AuditError::Broken {
                line,
                found: l.seq,
                expected_after: seq,
            });
        }
        seq = l.seq;
        prev = l.hash;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, MessageContext};

    fn trail(n: usize) -> Vec<String> {
        let engine = Engine::default();
        let mut chain = AuditChain::new();
        (0..n)
            .map(|i| {
                let raw = format!("From: \"ceo@acme-trade.com\" <x{i}@mailer.example>\r\nSubject: {i}\r\n\r\nhi\r\n");
                chain.record(&engine.score_message(raw.as_bytes(), &MessageContext::inbound()))
            })
            .collect()
    }

    #[test]
    fn tampering_is_found_where_it_happened() {
        let lines = trail(5);
        let whole = lines.join("\n");
        assert_eq!(verify(&whole), Ok(5));
        // Altered: a finding's weight changed in record 3.
        let mut altered = lines.clone();
        let mut record: serde_json::Value = serde_json::from_str(&altered[2]).expect("json");
        record["verdict"]["score"] = 1.into();
        altered[2] = record.to_string();
        assert_eq!(
            verify(&altered.join("\n")),
            Err(AuditError::Altered { line: 3, seq: 3 })
        );
        // Removed: record 2 gone.
        let mut removed = lines.clone();
        removed.remove(1);
        assert_eq!(
            verify(&removed.join("\n")),
            Err(AuditError::Broken {
                line: 2,
                found: 3,
                expected_after: 1
            })
        );
        // Reordered: 3 before 2.
        let mut reordered = lines.clone();
        reordered.swap(1, 2);
        assert_eq!(
            verify(&reordered.join("\n")),
            Err(AuditError::Broken {
                line: 2,
                found: 3,
                expected_after: 1
            })
        );
        // Inserted: a copy of the first record.
        let mut inserted = lines.clone();
        inserted.insert(2, lines[0].clone());
        assert_eq!(
            verify(&inserted.join("\n")),
            Err(AuditError::Broken {
                line: 3,
                found: 1,
                expected_after: 2
            })
        );
        // The end cut off is not detectable from the trail alone, but a resumed chain goes on.
        let mut chain = AuditChain::resume(&lines[4]).expect("resumes");
        let engine = Engine::default();
        let next = chain.record(&engine.score_message(
            b"From: a@b.example\r\n\r\nx\r\n",
            &MessageContext::inbound(),
        ));
        assert_eq!(verify(&format!("{whole}\n{next}\n")), Ok(6));
        assert!(verify("not json").is_err());
        assert!(AuditChain::resume(&altered[2]).is_err());
    }
}
