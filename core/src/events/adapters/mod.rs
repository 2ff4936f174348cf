//! Real log exports to events. Each adapter maps what it can, keeps every other parameter in
//! the event, and reports every record it could not map (with its line) instead of dropping
//! it silently.
//!
//! - [`Input::Native`]: the JSON schema of `docs/events-schema.md`, as JSON lines or a JSON array.
//! - [`Input::Entra`]: Microsoft Entra ID sign-in logs (Graph `signIn`: the portal's JSON
//!   download, a Graph API page `{"value": [...]}`, or JSON lines), with location and the
//!   client app used.
//! - [`Input::Google`]: Google Workspace Reports API activities (`login`, `user_accounts`,
//!   `admin`, `token`): the API's page `{"items": [...]}`, a JSON array, or JSON lines;
//!   sign-ins, 2-step verification off, recovery and password changes, Gmail forwarding out
//!   of the domain, email monitors, admin roles, OAuth consent.
//! - [`Input::Syslog`]: dovecot and Postfix SASL authentication lines, from syslog (classic or
//!   RFC 3339 timestamps) or journald (`short-iso`, `-o json`).
//! - [`Input::Mapping`]: any other login log (CSV or JSON lines, column names in any language)
//!   through a column mapping of the policy (`[[events.mapping]]`, see [`read_with_policy`]).
//! - [`Input::M365`]: the Microsoft 365 unified audit log in the three shapes real exports come
//!   in: JSON lines of `AuditData` records; the JSON array of
//!   `Search-UnifiedAuditLog | ConvertTo-Json` (`AuditData` as an object or a string,
//!   `CreationDate` as `/Date(ms)/`); and CSV, both the Purview portal's export (`RecordId,
//!   CreationDate, RecordType, Operation, UserId, AuditData, …`) and PowerShell's `Export-Csv`
//!   (`RecordType, CreationDate, UserIds, Operations, AuditData, …`, with or without its
//!   `#TYPE` line).
//!
//! ```
//! use mailrisk::events::adapters::{read, Input};
//! let csv = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n\
//!     1,2026-11-02T03:14:15,15,UserLoginFailed,li.wei@acme-trade.com,\"{\"\"Id\"\":\"\"a1\"\",\
//!     \"\"CreationTime\"\":\"\"2026-11-02T03:14:15\"\",\"\"Operation\"\":\"\"UserLoginFailed\"\",\
//!     \"\"UserId\"\":\"\"li.wei@acme-trade.com\"\",\"\"ClientIP\"\":\"\"203.0.113.5\"\"}\"\n";
//! let got = read(csv, None)?;
//! assert_eq!(got.input, Input::M365);
//! assert_eq!(got.events.len(), 1);
//! assert_eq!(got.events[0].event.user(), "li.wei@acme-trade.com");
//! # Ok::<(), mailrisk::events::adapters::AdapterError>(())
//! ```

mod csv;
mod entra;
mod google;
mod m365;
mod mapped;
mod syslog;

pub use syslog::SyslogClock;

use serde_json::Value;

use super::{Event, Timestamp};

/// The export formats the adapters read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// mailrisk's own event schema (JSON lines or a JSON array).
    Native,
    /// Microsoft 365 unified audit log (JSON lines, JSON array or CSV).
    M365,
    /// Microsoft Entra ID sign-in logs (JSON array, Graph page, JSON lines).
    Entra,
    /// Google Workspace Reports API activities (API page, JSON array, JSON lines).
    Google,
    /// dovecot and Postfix SASL log lines (syslog, journald).
    Syslog,
    /// A login log read through one of the policy's `[[events.mapping]]`.
    Mapping,
}

impl std::str::FromStr for Input {
    type Err = AdapterError;
    fn from_str(s: &str) -> Result<Input, AdapterError> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "json" | "native" | "mailrisk" => Ok(Input::Native),
            "m365" | "ual" | "o365" | "microsoft365" => Ok(Input::M365),
            "entra" | "signins" | "azuread" | "aad" => Ok(Input::Entra),
            "google" | "workspace" | "gsuite" | "google-workspace" => Ok(Input::Google),
            "syslog" | "dovecot" | "postfix" | "journald" => Ok(Input::Syslog),
            other => Err(AdapterError::UnknownInput(other.to_string())),
        }
    }
}

/// The non-blank string at `path` in a JSON value (`["status", "failureReason"]`).
fn text_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.trim().is_empty())
}

/// What a record of a product's log became.
pub(crate) enum Mapped {
    /// An event the detectors know.
    Event(Event),
    /// An operation with no detector (`FileAccessed` …), kept as an `other` account event.
    Other(Event),
}

/// One event read from a file, with where it was.
#[derive(Debug, Clone)]
pub struct Record {
    /// The line the record starts on (JSON lines, CSV) or its position (JSON arrays), from 1.
    pub line: usize,
    /// The event.
    pub event: Event,
    /// Whether the operation has no detector of its own (kept as an `other` account event).
    pub other: bool,
}

/// A record that could not become an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The line the record starts on, or its position in a JSON array, from 1.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// What a file gave.
#[derive(Debug, Clone)]
pub struct Adapted {
    /// The format that was read.
    pub input: Input,
    /// The shape within it (`json lines`, `json array`, `purview csv`, `export-csv`).
    pub shape: &'static str,
    /// The events, in file order.
    pub events: Vec<Record>,
    /// Records that could not be mapped.
    pub skipped: Vec<Skipped>,
}

/// A file that cannot be read as events at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdapterError {
    /// `--input` names no adapter.
    #[error("unknown input format {0:?} (expected jsonl, m365, entra or syslog)")]
    UnknownInput(String),
    /// The format could not be told from the content.
    #[error(
        "cannot tell the format of the events ({0}); name it with --input jsonl|m365|entra|syslog"
    )]
    Undetected(String),
    /// The file is of the named format but broken as a whole (a JSON array that does not parse).
    #[error("{0}")]
    Malformed(String),
}

/// Reads `text` as events of `input`, or of the format its content shows when `input` is
/// `None`.
///
/// # Errors
/// [`AdapterError`] when the format cannot be told, or the file is broken as a whole. Single
/// bad records are not errors: they are in [`Adapted::skipped`].
pub fn read(text: &str, input: Option<Input>) -> Result<Adapted, AdapterError> {
    read_with(text, input, None)
}

/// Reads `text` as the policy names or the content shows: `input` is a built-in format name
/// (`jsonl`, `m365`, `entra`, `syslog`) or the name of one of `mappings`; without it, the
/// built-in formats are detected first, then a mapping whose columns the header has.
///
/// # Errors
/// As [`read`]; an `input` that names neither a format nor a mapping is
/// [`AdapterError::UnknownInput`].
pub fn read_with_policy(
    text: &str,
    input: Option<&str>,
    mappings: &[crate::policy::EventMapping],
    clock: Option<SyslogClock>,
) -> Result<Adapted, AdapterError> {
    if let Some(name) = input {
        if let Some(m) = mappings.iter().find(|m| m.name == name) {
            return Ok(mapped::read(text, m));
        }
        return read_with(text, Some(name.parse()?), clock);
    }
    match read_with(text, None, clock) {
        Err(AdapterError::Undetected(why)) => mappings
            .iter()
            .find(|m| mapped::matches(text, m))
            .map(|m| mapped::read(text, m))
            .ok_or(AdapterError::Undetected(why)),
        other => other,
    }
}

/// [`read`], with the year and UTC offset that classic syslog timestamps leave out (without
/// them, such lines are skipped with that reason; RFC 3339 and journald lines need nothing).
///
/// # Errors
/// As [`read`].
pub fn read_with(
    text: &str,
    input: Option<Input>,
    clock: Option<SyslogClock>,
) -> Result<Adapted, AdapterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    let first_line = trimmed.lines().next().unwrap_or("");
    let input = match input {
        Some(i) => i,
        None => detect(trimmed, first_line)?,
    };
    match input {
        Input::Syslog => return Ok(syslog_lines(text, clock)),
        Input::Mapping => {
            return Err(AdapterError::UnknownInput(
                "a mapping is read with read_with_policy".into(),
            ))
        }
        _ => {}
    }
    // An API page: Graph's {"value": [...], "@odata.nextLink": ...} or the Google Reports
    // API's {"kind": "admin#reports#activities", "items": [...]}.
    let page = trimmed
        .starts_with('{')
        .then(|| serde_json::from_str::<Value>(trimmed).ok())
        .flatten()
        .and_then(|v| match v {
            Value::Object(mut o) => match o.remove("value").or_else(|| o.remove("items")) {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            },
            _ => None,
        });
    if trimmed.starts_with('[') || page.is_some() {
        let items: Vec<Value> = match page {
            Some(items) => items,
            None => serde_json::from_str(trimmed)
                .map_err(|e| AdapterError::Malformed(format!("JSON array: {e}")))?,
        };
        let mut out = Adapted {
            input,
            shape: "json array",
            events: Vec::new(),
            skipped: Vec::new(),
        };
        for (i, item) in items.into_iter().enumerate() {
            one(&mut out, i + 1, item);
        }
        return Ok(out);
    }
    if trimmed.starts_with('{') {
        let mut out = Adapted {
            input,
            shape: "json lines",
            events: Vec::new(),
            skipped: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let line_text = line.trim();
            if line_text.is_empty() {
                continue;
            }
            if input == Input::Native {
                // Straight to the typed event: no intermediate `Value`.
                match line_text.parse::<Event>() {
                    Ok(event) => out.events.push(Record {
                        line: i + 1,
                        event,
                        other: false,
                    }),
                    Err(e) => out.skipped.push(Skipped {
                        line: i + 1,
                        reason: e.to_string(),
                    }),
                }
                continue;
            }
            match serde_json::from_str::<Value>(line_text) {
                Ok(v) => one(&mut out, i + 1, v),
                Err(e) => out.skipped.push(Skipped {
                    line: i + 1,
                    reason: format!("not JSON: {e}"),
                }),
            }
        }
        return Ok(out);
    }
    if input == Input::M365 {
        return Ok(m365_csv(text));
    }
    Err(AdapterError::Undetected("not JSON".into()))
}

fn detect(trimmed: &str, first_line: &str) -> Result<Input, AdapterError> {
    if syslog::looks_like(first_line.trim()) {
        return Ok(Input::Syslog);
    }
    let page_first = trimmed
        .starts_with('{')
        .then(|| serde_json::from_str::<Value>(trimmed).ok())
        .flatten()
        .and_then(|v| {
            v.get("value")
                .or_else(|| v.get("items"))
                .and_then(|a| a.get(0))
                .cloned()
        });
    let sample: Option<Value> = if page_first.is_some() {
        page_first
    } else if trimmed.starts_with('[') {
        // The first element is enough to tell; parse a bounded prefix leniently.
        serde_json::Deserializer::from_str(trimmed)
            .into_iter::<Vec<Value>>()
            .next()
            .and_then(Result::ok)
            .and_then(|v| v.into_iter().next())
    } else if trimmed.starts_with('{') {
        serde_json::from_str(first_line.trim()).ok()
    } else {
        let header = trimmed
            .lines()
            .find(|l| !l.starts_with("#TYPE") && !l.trim().is_empty())
            .unwrap_or("");
        if header.contains("AuditData") {
            return Ok(Input::M365);
        }
        return Err(AdapterError::Undetected(format!(
            "the first line is neither JSON nor an audit-log CSV header: {:?}",
            header.chars().take(80).collect::<String>()
        )));
    };
    let Some(obj) = sample.as_ref().and_then(Value::as_object) else {
        return Err(AdapterError::Undetected(
            "the first record is not a JSON object".into(),
        ));
    };
    if obj.contains_key("type") && (obj.contains_key("user") || obj.contains_key("mailbox")) {
        Ok(Input::Native)
    } else if entra::is_sign_in(&Value::Object(obj.clone())) {
        Ok(Input::Entra)
    } else if google::is_activity(&Value::Object(obj.clone())) {
        Ok(Input::Google)
    } else if [
        "AuditData",
        "Operation",
        "Operations",
        "CreationTime",
        "RecordType",
    ]
    .iter()
    .any(|k| obj.contains_key(*k))
    {
        Ok(Input::M365)
    } else {
        Err(AdapterError::Undetected(format!(
            "the first record has the fields {:?}",
            obj.keys().take(8).collect::<Vec<_>>()
        )))
    }
}

/// One JSON record of either format.
fn one(out: &mut Adapted, line: usize, v: Value) {
    match out.input {
        Input::Native => match serde_json::from_value::<Event>(v) {
            Ok(event) => out.events.push(Record {
                line,
                event,
                other: false,
            }),
            Err(e) => out.skipped.push(Skipped {
                line,
                reason: e.to_string(),
            }),
        },
        Input::M365 => m365_record(out, line, &v, None),
        Input::Google => match google::map(&v) {
            Ok(events) => out.events.extend(events.into_iter().map(|m| match m {
                Mapped::Event(event) => Record {
                    line,
                    event,
                    other: false,
                },
                Mapped::Other(event) => Record {
                    line,
                    event,
                    other: true,
                },
            })),
            Err(reason) => out.skipped.push(Skipped { line, reason }),
        },
        Input::Entra => match entra::map(&v) {
            Ok(event) => out.events.push(Record {
                line,
                event,
                other: false,
            }),
            Err(reason) => out.skipped.push(Skipped { line, reason }),
        },
        // Read line by line before any JSON parsing, or through their own reader.
        Input::Syslog | Input::Mapping => {}
    }
}

/// A Microsoft 365 record: an `AuditData` object itself, or a wrapper (ConvertTo-Json,
/// Export-Csv) whose `AuditData` is an object or a JSON string.
fn m365_record(out: &mut Adapted, line: usize, v: &Value, creation_date: Option<&str>) {
    let audit = match v.get("AuditData") {
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(a) => a,
            Err(e) => {
                out.skipped.push(Skipped {
                    line,
                    reason: format!("AuditData is not JSON: {e}"),
                });
                return;
            }
        },
        Some(a @ Value::Object(_)) => a.clone(),
        _ => v.clone(),
    };
    let mut audit = audit;
    // Without CreationTime, the wrapper's CreationDate (`/Date(ms)/` or ISO) is the time.
    if audit.get("CreationTime").is_none() {
        let date = creation_date.or_else(|| v.get("CreationDate").and_then(Value::as_str));
        if let Some(t) = date.and_then(wrapper_date) {
            if let Some(obj) = audit.as_object_mut() {
                obj.insert("CreationTime".into(), Value::String(t.to_string()));
            }
        }
    }
    match m365::map(&audit) {
        Ok(Mapped::Event(event)) => out.events.push(Record {
            line,
            event,
            other: false,
        }),
        Ok(Mapped::Other(event)) => out.events.push(Record {
            line,
            event,
            other: true,
        }),
        Err(reason) => out.skipped.push(Skipped {
            line,
            reason: reason.to_string(),
        }),
    }
}

/// `/Date(1793589255000)/` or an ISO date-time (UTC when it has no offset).
fn wrapper_date(s: &str) -> Option<Timestamp> {
    if let Some(ms) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        let digits = ms.split(['+', '-']).next().unwrap_or(ms);
        return digits.parse::<i64>().ok().map(Timestamp::from_unix_millis);
    }
    Timestamp::parse_rfc3339(s, true)
}

fn syslog_lines(text: &str, clock: Option<SyslogClock>) -> Adapted {
    let mut out = Adapted {
        input: Input::Syslog,
        shape: "log lines",
        events: Vec::new(),
        skipped: Vec::new(),
    };
    // Without a clock, classic timestamps get a placeholder year and are reported.
    let fallback = SyslogClock {
        year: 1970,
        utc_offset_minutes: 0,
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let classic = line
            .trim_start()
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic);
        if classic && clock.is_none() {
            if let Ok(Some(_)) = syslog::map(line, i + 1, fallback) {
                out.skipped.push(Skipped {
                    line: i + 1,
                    reason: "a classic syslog line has no year or zone: give them (SyslogClock, --syslog-year, --syslog-utc-offset)".into(),
                });
            }
            continue;
        }
        match syslog::map(line, i + 1, clock.unwrap_or(fallback)) {
            Ok(Some(event)) => out.events.push(Record {
                line: i + 1,
                event,
                other: false,
            }),
            Ok(None) => {}
            Err(reason) => out.skipped.push(Skipped {
                line: i + 1,
                reason,
            }),
        }
    }
    out
}

fn m365_csv(text: &str) -> Adapted {
    let body: String = text
        .lines()
        .skip_while(|l| l.starts_with("#TYPE") || l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let skipped_head = text
        .lines()
        .take_while(|l| l.starts_with("#TYPE") || l.trim().is_empty())
        .count();
    let (records, open) = csv::records(&body);
    let mut out = Adapted {
        input: Input::M365,
        shape: "csv",
        events: Vec::new(),
        skipped: Vec::new(),
    };
    let mut rows = records.into_iter();
    let Some((_, header)) = rows.next() else {
        return out;
    };
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    out.shape = if col("RecordId").is_some() {
        "purview csv"
    } else {
        "export-csv"
    };
    let (Some(audit_col), date_col) = (col("AuditData"), col("CreationDate")) else {
        out.skipped.push(Skipped {
            line: 1 + skipped_head,
            reason: "no AuditData column".into(),
        });
        return out;
    };
    for (line, fields) in rows {
        let line = line + skipped_head;
        let Some(audit) = fields.get(audit_col) else {
            out.skipped.push(Skipped {
                line,
                reason: format!("{} fields, no AuditData", fields.len()),
            });
            continue;
        };
        let wrapper = serde_json::json!({ "AuditData": audit });
        let date = date_col.and_then(|c| fields.get(c)).map(String::as_str);
        m365_record(&mut out, line, &wrapper, date);
    }
    if let Some(l) = open {
        out.skipped.push(Skipped {
            line: l + skipped_head,
            reason: "a quoted field is not closed".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests;
