//! dovecot and Postfix SASL authentication lines, as syslog and journald write them:
//!
//! - classic syslog `Nov  2 09:14:15 mail dovecot: imap-login: Login: user=<…>, method=PLAIN,
//!   rip=45.9.20.11, lip=…, session=<…>` (no year, no zone: taken from [`SyslogClock`]);
//! - RFC 3339 syslog (rsyslog's default on current Debian) `2026-11-02T09:14:15.123456+08:00 mail
//!   dovecot[812]: …`;
//! - `journalctl -o short-iso` `2026-11-02T09:14:15+0800 mail dovecot[812]: …`;
//! - `journalctl -o json` objects with `__REALTIME_TIMESTAMP` and `MESSAGE`.
//!
//! dovecot: `Login:` is a success; `auth failed` in `Disconnected`, `Aborted login` or
//! `Login aborted` is a failure (with its attempt count). Postfix: `sasl_username=` on an
//! smtpd line is a successful SMTP AUTH; `SASL … authentication failed` is a failure, whose
//! user Postfix does not log (the event's user is then `unknown`: it counts per source).

use serde_json::Value;

use crate::events::{
    AccountEvent, AccountEventKind, Event, LoginEvent, LoginOutcome, Protocol, Timestamp,
};

/// What classic syslog timestamps leave out: the year and the server's UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyslogClock {
    /// The year of the log (classic syslog writes none).
    pub year: i32,
    /// The server's UTC offset in minutes (classic syslog writes local time without a zone).
    pub utc_offset_minutes: i32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The time at the start of a line and the rest of the line after the host name.
fn split_line(line: &str, clock: SyslogClock) -> Option<(Timestamp, &str)> {
    let line = line.trim_start();
    let (time, rest) = if line.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        let (stamp, rest) = line.split_once(' ')?;
        // journald's short-iso writes +0800; RFC 3339 wants +08:00.
        let fixed;
        let stamp = match stamp
            .len()
            .checked_sub(5)
            .and_then(|i| stamp.get(i..).map(|z| (i, z)))
        {
            Some((i, z))
                if (z.starts_with('+') || z.starts_with('-'))
                    && z[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                fixed = format!("{}{}:{}", &stamp[..i], &z[..3], &z[3..]);
                fixed.as_str()
            }
            _ => stamp,
        };
        (Timestamp::parse_rfc3339(stamp, false)?, rest)
    } else {
        // "Nov  2 09:14:15 host …"
        let month = MONTHS.iter().position(|m| line.get(..3) == Some(m))? + 1;
        let rest = line.get(3..)?.trim_start();
        let (day, rest) = rest.split_once(' ')?;
        let (hms, rest) = rest.trim_start().split_once(' ')?;
        let day: u32 = day.parse().ok()?;
        let offset = clock.utc_offset_minutes;
        let sign = if offset < 0 { '-' } else { '+' };
        let text = format!(
            "{:04}-{month:02}-{day:02}T{hms}{sign}{:02}:{:02}",
            clock.year,
            offset.abs() / 60,
            offset.abs() % 60
        );
        (Timestamp::parse_rfc3339(&text, false)?, rest)
    };
    // Skip the host name.
    let (_, rest) = rest.trim_start().split_once(' ')?;
    Some((time, rest))
}

fn field<'l>(text: &'l str, key: &str) -> Option<&'l str> {
    let at = text.find(key)? + key.len();
    let rest = &text[at..];
    let value = match rest.strip_prefix('<') {
        Some(inner) => inner.split('>').next()?,
        None => rest.split([',', ' ', ')']).next()?,
    };
    (!value.is_empty()).then_some(value)
}

/// The IP inside `unknown[45.9.20.11]` or `host.example[2001:db8::1]`.
fn bracketed_ip(text: &str) -> Option<std::net::IpAddr> {
    let open = text.find('[')?;
    let close = text[open..].find(']')? + open;
    text.get(open + 1..close)?.parse().ok()
}

/// Whether `line` looks like a line of these logs (for format detection).
pub(crate) fn looks_like(line: &str) -> bool {
    (line.contains("dovecot")
        && (line.contains("-login:") || line.contains("auth") || sieve_redirect(line).is_some()))
        || (line.contains("postfix/") && line.to_ascii_lowercase().contains("sasl"))
        || (line.starts_with('{') && line.contains("__REALTIME_TIMESTAMP"))
}

/// Maps one line. `Ok(None)` for lines of other programs or other dovecot messages.
pub(crate) fn map(line: &str, number: usize, clock: SyslogClock) -> Result<Option<Event>, String> {
    let (time, program_and_message) = if line.trim_start().starts_with('{') {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
        let micros: i64 = v
            .get("__REALTIME_TIMESTAMP")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .ok_or("no __REALTIME_TIMESTAMP")?;
        let ident = v
            .get("SYSLOG_IDENTIFIER")
            .and_then(Value::as_str)
            .unwrap_or("");
        let msg = v
            .get("MESSAGE")
            .and_then(Value::as_str)
            .ok_or("no MESSAGE")?;
        (
            Timestamp::from_unix_millis(micros / 1_000),
            format!("{ident}: {msg}"),
        )
    } else {
        let (t, rest) = split_line(line, clock).ok_or("no syslog timestamp and host")?;
        (t, rest.to_string())
    };
    let text = program_and_message.as_str();
    let id = format!("{}#{number}", time.unix_millis());
    if text.starts_with("dovecot") {
        // Pigeonhole Sieve's redirect action, logged per message delivered:
        // `lmtp(user)<pid><session>: sieve: msgid=<…>: forwarded to <addr>`.
        if let Some(target) = sieve_redirect(text) {
            let user = ["lmtp(", "lda("]
                .iter()
                .find_map(|p| {
                    let at = text.find(p)? + p.len();
                    text.get(at..)?.split(')').next()
                })
                .filter(|u| !u.is_empty())
                .ok_or("a Sieve redirect with no lmtp(user) or lda(user)")?;
            let mut e = AccountEvent::new(id, time, user, AccountEventKind::ForwardingSet);
            e.operation = "sieve redirect".into();
            e.forward_to = vec![target.to_lowercase()];
            if let Some(msgid) = field(text, "msgid=") {
                e.settings.insert("msgid".into(), msgid.to_string());
            }
            return Ok(Some(Event::Account(e)));
        }
        let protocol = if text.contains("imap-login:") {
            Protocol::Imap
        } else if text.contains("pop3-login:") {
            Protocol::Pop3
        } else if text.contains("submission-login:") {
            Protocol::Smtp
        } else {
            Protocol::Other
        };
        let outcome = if text.contains("-login: Login:") {
            LoginOutcome::Success
        } else if text.contains("auth failed") || text.contains("Authentication failure") {
            LoginOutcome::Failure
        } else {
            return Ok(None);
        };
        let user = field(text, "user=").unwrap_or("unknown");
        let mut e = LoginEvent::new(id, time, user);
        e.outcome = outcome;
        e.protocol = protocol;
        e.interactive = Some(false);
        e.ip = field(text, "rip=").and_then(|r| r.parse().ok());
        e.auth_method = field(text, "method=").map(str::to_string);
        e.session_id = field(text, "session=").map(str::to_string);
        if outcome == LoginOutcome::Failure {
            e.failure_reason = text
                .find('(')
                .and_then(|o| text[o + 1..].split(')').next())
                .map(str::to_string);
        }
        e.operation = Some(text.split(": ").take(2).collect::<Vec<_>>().join(": "));
        return Ok(Some(Event::Login(e)));
    }
    if text.starts_with("postfix/") {
        if let Some(user) = field(text, "sasl_username=") {
            let mut e = LoginEvent::new(id, time, user);
            e.protocol = Protocol::Smtp;
            e.interactive = Some(false);
            e.ip = field(text, "client=").and_then(bracketed_ip);
            e.auth_method = field(text, "sasl_method=").map(str::to_string);
            e.operation = Some("postfix sasl_username".into());
            return Ok(Some(Event::Login(e)));
        }
        if text.contains("authentication failed") && text.contains("SASL") {
            let mut e = LoginEvent::new(id, time, "unknown");
            e.outcome = LoginOutcome::Failure;
            e.protocol = Protocol::Smtp;
            e.interactive = Some(false);
            e.ip = text
                .find("warning: ")
                .and_then(|w| bracketed_ip(&text[w..]));
            e.failure_reason = Some("SASL authentication failed".into());
            e.operation = Some("postfix SASL authentication failed".into());
            return Ok(Some(Event::Login(e)));
        }
    }
    Ok(None)
}

/// The target of a Sieve redirect line (`forwarded to <addr>`, `redirected to <addr>`).
fn sieve_redirect(text: &str) -> Option<&str> {
    if !text.contains(": sieve: ") {
        return None;
    }
    ["forwarded to <", "redirected to <"].iter().find_map(|p| {
        let at = text.find(p)? + p.len();
        text.get(at..)?
            .split('>')
            .next()
            .filter(|a| a.contains('@'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOCK: SyslogClock = SyslogClock {
        year: 2026,
        utc_offset_minutes: 480,
    };

    fn login(line: &str) -> LoginEvent {
        match map(line, 1, CLOCK) {
            Ok(Some(Event::Login(e))) => e,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn dovecot_lines_in_every_form() {
        let classic = login("Nov  2 09:14:15 mail dovecot: imap-login: Login: user=<li.wei@acme-trade.com>, method=PLAIN, rip=45.9.20.11, lip=10.20.0.5, mpid=12345, TLS, session=<AbCdEf12>");
        assert_eq!(classic.time.to_string(), "2026-11-02T01:14:15.000Z");
        assert_eq!(
            (classic.outcome, classic.protocol),
            (LoginOutcome::Success, Protocol::Imap)
        );
        assert_eq!(classic.user, "li.wei@acme-trade.com");
        assert_eq!(classic.ip, Some("45.9.20.11".parse().expect("ip")));
        assert_eq!(classic.session_id.as_deref(), Some("AbCdEf12"));
        let iso = login("2026-11-02T09:14:15.123456+08:00 mail dovecot[812]: pop3-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<wang.fang@acme-trade.com>, method=PLAIN, rip=2001:db8::7, lip=10.20.0.5, TLS, session=<x>");
        assert_eq!(iso.time.to_string(), "2026-11-02T01:14:15.123Z");
        assert_eq!(
            (iso.outcome, iso.protocol),
            (LoginOutcome::Failure, Protocol::Pop3)
        );
        assert_eq!(
            iso.failure_reason.as_deref(),
            Some("auth failed, 3 attempts in 12 secs")
        );
        assert_eq!(iso.ip, Some("2001:db8::7".parse().expect("ip")));
        let journal = login("2026-11-02T09:14:15+0800 mail dovecot[812]: imap-login: Login aborted: Connection closed (auth failed, 1 attempts in 2 secs) (auth_failed): user=<a@acme-trade.com>, rip=45.9.20.11, lip=10.20.0.5, session=<y>");
        assert_eq!(journal.outcome, LoginOutcome::Failure);
        assert_eq!(journal.time.to_string(), "2026-11-02T01:14:15.000Z");
        let json = login(
            r#"{"__REALTIME_TIMESTAMP":"1793589255000000","_HOSTNAME":"mail","SYSLOG_IDENTIFIER":"dovecot","MESSAGE":"imap-login: Login: user=<b@acme-trade.com>, method=PLAIN, rip=45.9.20.11, lip=10.20.0.5, session=<z>"}"#,
        );
        assert_eq!(json.user, "b@acme-trade.com");
        assert_eq!(json.time.to_string(), "2026-11-02T03:14:15.000Z");
        assert!(matches!(
            map(
                "Nov  2 09:14:15 mail dovecot: imap(li.wei): Logged out in=1 out=2",
                1,
                CLOCK
            ),
            Ok(None)
        ));
        assert!(map("garbage", 1, CLOCK).is_err());
    }

    #[test]
    fn postfix_sasl_lines() {
        let ok = login("Nov  2 09:20:01 mail postfix/submission/smtpd[2345]: 4A1B2C3D4E: client=unknown[45.9.20.11], sasl_method=PLAIN, sasl_username=li.wei@acme-trade.com");
        assert_eq!(
            (ok.outcome, ok.protocol, ok.user.as_str()),
            (
                LoginOutcome::Success,
                Protocol::Smtp,
                "li.wei@acme-trade.com"
            )
        );
        assert_eq!(ok.ip, Some("45.9.20.11".parse().expect("ip")));
        let bad = login("Nov  2 09:20:03 mail postfix/smtpd[2346]: warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
        assert_eq!(
            (bad.outcome, bad.user.as_str()),
            (LoginOutcome::Failure, "unknown")
        );
        assert_eq!(bad.ip, Some("203.0.113.9".parse().expect("ip")));
    }
}
