//! Login logs of other products through a column mapping from the policy (`[[events.mapping]]`):
//! CSV with a header line, or JSON lines, in any language of column names (`登录时间`, `登录IP`).

use serde_json::Value;

use super::{Adapted, Input, Record, Skipped};
use crate::events::{parse_utc_offset, Event, Geo, LoginEvent, LoginOutcome, Protocol, Timestamp};
use crate::policy::EventMapping;

/// Parses `value` by the mapping's time format.
fn time(m: &EventMapping, value: &str) -> Option<Timestamp> {
    let v = value.trim();
    match m.time_format.as_str() {
        "" | "rfc3339" => Timestamp::parse_rfc3339(v, false),
        "unix" => v
            .parse::<i64>()
            .ok()
            .and_then(|s| s.checked_mul(1_000))
            .map(Timestamp::from_unix_millis),
        "unix_ms" => v.parse::<i64>().ok().map(Timestamp::from_unix_millis),
        pattern => {
            let (mut y, mut mo, mut d, mut h, mut mi, mut s) =
                (None, None, None, None, Some(0), Some(0));
            let mut rest = v;
            let mut p = pattern.chars().peekable();
            while let Some(c) = p.next() {
                if c == '%' {
                    let (slot, width) = match p.next()? {
                        'Y' => (&mut y, 4),
                        'm' => (&mut mo, 2),
                        'd' => (&mut d, 2),
                        'H' => (&mut h, 2),
                        'M' => (&mut mi, 2),
                        'S' => (&mut s, 2),
                        _ => return None,
                    };
                    // Up to `width` digits (single-digit months and days are common).
                    let n = rest
                        .bytes()
                        .take(width)
                        .take_while(u8::is_ascii_digit)
                        .count();
                    if n == 0 {
                        return None;
                    }
                    *slot = Some(rest[..n].parse::<u32>().ok()?);
                    rest = &rest[n..];
                } else {
                    rest = rest.strip_prefix(c)?;
                }
            }
            if !rest.trim().is_empty() {
                return None;
            }
            let offset = parse_utc_offset(if m.utc_offset.is_empty() {
                "+00:00"
            } else {
                &m.utc_offset
            })?;
            let sign = if offset < 0 { '-' } else { '+' };
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
                y?,
                mo?,
                d?,
                h?,
                mi?,
                s?,
                offset.abs() / 60,
                offset.abs() % 60
            );
            Timestamp::parse_rfc3339(&text, false)
        }
    }
}

fn enum_value<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(Value::String(name.to_string())).ok()
}

/// One record as column → value.
fn event(
    m: &EventMapping,
    get: &dyn Fn(&str) -> Option<String>,
    line: usize,
) -> Result<Event, String> {
    let col = |c: &Option<String>| c.as_deref().and_then(get).filter(|v| !v.trim().is_empty());
    let raw_time = get(&m.time).ok_or_else(|| format!("no {:?} column", m.time))?;
    let t = time(m, &raw_time)
        .ok_or_else(|| format!("{:?} is not a time of format {:?}", raw_time, m.time_format))?;
    let user = get(&m.user)
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| format!("no {:?}", m.user))?;
    let id = format!(
        "{}:{}",
        m.name,
        col(&m.id).unwrap_or_else(|| format!("line {line}"))
    );
    let mut e = LoginEvent::new(id, t, user.trim());
    if let Some(v) = col(&m.outcome) {
        let mapped = m
            .outcome_values
            .get(v.trim())
            .map(String::as_str)
            .unwrap_or(v.trim());
        e.outcome = enum_value::<LoginOutcome>(mapped)
            .ok_or_else(|| format!("outcome {v:?} is not in outcome_values"))?;
    }
    if let Some(v) = col(&m.protocol) {
        let mapped = m
            .protocol_values
            .get(v.trim())
            .map(String::as_str)
            .unwrap_or(v.trim());
        e.protocol =
            enum_value::<Protocol>(&mapped.to_ascii_lowercase()).unwrap_or(Protocol::Other);
    }
    e.ip = col(&m.ip).and_then(|v| super::m365::client_ip(&v));
    let (country, city) = (col(&m.country), col(&m.city));
    if country.is_some() || city.is_some() {
        e.geo = Some(Geo {
            country,
            city,
            ..Geo::default()
        });
    }
    e.user_agent = col(&m.user_agent);
    e.failure_reason = col(&m.failure_reason);
    e.operation = Some(format!("mapping:{}", m.name));
    Ok(Event::Login(e))
}

/// Reads `text` with mapping `m`.
pub(crate) fn read(text: &str, m: &EventMapping) -> Adapted {
    let mut out = Adapted {
        input: Input::Mapping,
        shape: "mapping",
        events: Vec::new(),
        skipped: Vec::new(),
    };
    let mut push = |line: usize, r: Result<Event, String>| match r {
        Ok(event) => out.events.push(Record {
            line,
            event,
            other: false,
        }),
        Err(reason) => out.skipped.push(Skipped { line, reason }),
    };
    if m.format == "jsonl" {
        for (i, l) in text.lines().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(l) {
                Ok(v) => {
                    let get = |c: &str| {
                        v.get(c).map(|x| match x {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                    };
                    push(i + 1, event(m, &get, i + 1));
                }
                Err(e) => push(i + 1, Err(format!("not JSON: {e}"))),
            }
        }
    } else {
        let (records, open) = super::csv::records(text);
        let mut rows = records.into_iter();
        if let Some((_, header)) = rows.next() {
            for (line, fields) in rows {
                let get = |c: &str| {
                    header
                        .iter()
                        .position(|h| h.trim() == c)
                        .and_then(|i| fields.get(i).cloned())
                };
                push(line, event(m, &get, line));
            }
        }
        if let Some(l) = open {
            push(l, Err("a quoted field is not closed".into()));
        }
    }
    out
}

/// Whether the CSV header or first JSON line of `text` has every column `m` names.
pub(crate) fn matches(text: &str, m: &EventMapping) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let needed = [
        Some(&m.time),
        Some(&m.user),
        m.ip.as_ref(),
        m.outcome.as_ref(),
    ];
    let has: Box<dyn Fn(&str) -> bool> = if m.format == "jsonl" {
        let v: Value = serde_json::from_str(first).unwrap_or(Value::Null);
        Box::new(move |c| v.get(c).is_some())
    } else {
        let (recs, _) = super::csv::records(first);
        let header: Vec<String> = recs.into_iter().next().map(|(_, f)| f).unwrap_or_default();
        Box::new(move |c| header.iter().any(|h| h.trim() == c))
    };
    needed.into_iter().flatten().all(|c| has(c))
}
