//! Google Workspace Reports API activities (`activities.list`): the `login`, `user_accounts`,
//! `admin` and `token` applications, as the API returns them (`{"kind":
//! "admin#reports#activities", "items": [...]}`), as a JSON array of activities, or as JSON
//! lines. An activity carries one or more events (`events[].name`, with `parameters` as
//! name/value pairs whose value is `value`, `boolValue`, `intValue`, `multiValue` …); each
//! event becomes one mailrisk event, with the activity's `id.uniqueQualifier` (and the
//! event's position when there are several) as its id.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{text_at as text, Mapped};
use crate::events::{
    AccountEvent, AccountEventKind, Event, LoginEvent, LoginOutcome, Protocol, ProviderRisk,
    Timestamp,
};

/// Whether a JSON object looks like a Reports API activity.
pub(crate) fn is_activity(v: &Value) -> bool {
    v.get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.starts_with("admin#reports#activit"))
        || (v
            .get("id")
            .and_then(|id| id.get("applicationName"))
            .is_some()
            && v.get("events").is_some_and(Value::is_array))
}

/// A parameter's value as text, whatever its type.
fn param_text(p: &Value) -> Option<String> {
    if let Some(s) = p.get("value").and_then(Value::as_str) {
        return Some(s.to_string());
    }
    if let Some(b) = p.get("boolValue").and_then(Value::as_bool) {
        return Some(b.to_string());
    }
    if let Some(n) = p.get("intValue") {
        // The API writes int64 values as JSON strings.
        return n
            .as_str()
            .map(str::to_string)
            .or_else(|| n.as_i64().map(|n| n.to_string()));
    }
    for key in ["multiValue", "multiIntValue"] {
        if let Some(items) = p.get(key).and_then(Value::as_array) {
            let texts: Vec<String> = items
                .iter()
                .filter_map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .or_else(|| i.as_i64().map(|n| n.to_string()))
                })
                .collect();
            return Some(texts.join(";"));
        }
    }
    None
}

/// The event's parameters by name (later duplicates joined with `;`).
fn params(event: &Value) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for p in event
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(value)) = (p.get("name").and_then(Value::as_str), param_text(p))
        else {
            continue;
        };
        out.entry(name.to_string())
            .and_modify(|v| {
                v.push(';');
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// Maps one activity to its events (at least one, or the reason it cannot be read).
pub(crate) fn map(v: &Value) -> Result<Vec<Mapped>, String> {
    let app = text(v, &["id", "applicationName"]).ok_or("no id.applicationName")?;
    let time = text(v, &["id", "time"])
        .and_then(|t| Timestamp::parse_rfc3339(t, true))
        .ok_or("no id.time in RFC 3339")?;
    let qualifier = text(v, &["id", "uniqueQualifier"])
        .map(str::to_string)
        .or_else(|| {
            v.get("id")?
                .get("uniqueQualifier")?
                .as_i64()
                .map(|n| n.to_string())
        })
        .ok_or("no id.uniqueQualifier")?;
    let actor = text(v, &["actor", "email"]);
    let ip = text(v, &["ipAddress"]).and_then(super::m365::client_ip);
    let events = v
        .get("events")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
        .ok_or("no events")?;
    let several = events.len() > 1;
    let mut out = Vec::with_capacity(events.len());
    for (i, ev) in events.iter().enumerate() {
        let name = text(ev, &["name"]).ok_or("an event has no name")?;
        let id = if several {
            format!("google:{app}:{qualifier}:{i}")
        } else {
            format!("google:{app}:{qualifier}")
        };
        let p = params(ev);
        out.push(one(app, name, id, time, actor, ip, p)?);
    }
    Ok(out)
}

fn one(
    app: &str,
    name: &str,
    id: String,
    time: Timestamp,
    actor: Option<&str>,
    ip: Option<std::net::IpAddr>,
    p: BTreeMap<String, String>,
) -> Result<Mapped, String> {
    let operation = format!("{app}:{name}");
    let login = |outcome: LoginOutcome| -> Result<Mapped, String> {
        let user = actor.ok_or("a login with no actor.email")?;
        let suspicious = name.starts_with("suspicious_");
        let mut e = LoginEvent::new(id.clone(), time, user);
        e.outcome = outcome;
        e.ip = ip;
        e.protocol = Protocol::Web;
        e.auth_method = p.get("login_type").cloned();
        e.failure_reason = p.get("login_failure_type").cloned();
        if suspicious {
            e.provider_risk = Some(ProviderRisk::High);
        } else if p.get("is_suspicious").is_some_and(|s| s == "true") {
            e.provider_risk = Some(ProviderRisk::Medium);
        }
        e.operation = Some(operation.clone());
        Ok(Mapped::Event(Event::Login(e)))
    };
    // Whose account an event is about: the admin application names the user in
    // USER_EMAIL; user events are about the actor.
    let subject = p.get("USER_EMAIL").map(String::as_str).or(actor);
    let account = |kind: AccountEventKind| -> Result<AccountEvent, String> {
        let subject = subject.ok_or("no actor.email and no USER_EMAIL")?;
        let mut e = AccountEvent::new(id.clone(), time, subject, kind);
        e.operation = operation.clone();
        e.actor = actor
            .filter(|a| !a.eq_ignore_ascii_case(subject))
            .map(str::to_string);
        e.ip = ip;
        e.settings = p.clone();
        Ok(e)
    };
    let mapped = match (app, name) {
        ("login", "login_success") => return login(LoginOutcome::Success),
        ("login", "login_failure") => {
            let second = p
                .get("login_failure_type")
                .is_some_and(|t| t.contains("second_factor"));
            let disabled = p
                .get("login_failure_type")
                .is_some_and(|t| t.contains("account_disabled"));
            return login(if second {
                LoginOutcome::MfaDenied
            } else if disabled {
                LoginOutcome::Blocked
            } else {
                LoginOutcome::Failure
            });
        }
        ("login", "login_challenge")
            if p.get("login_challenge_status")
                .is_some_and(|s| s.eq_ignore_ascii_case("challenge failed")) =>
        {
            return login(LoginOutcome::MfaDenied);
        }
        // Google stopped a sign-in it found suspicious: blocked, and the provider's risk.
        ("login", n) if n.starts_with("suspicious_") => return login(LoginOutcome::Blocked),
        ("login" | "user_accounts", "2sv_disable" | "titanium_unenroll")
        | (
            "admin",
            "TURN_OFF_2_STEP_VERIFICATION"
            | "UNENROLL_USER_FROM_STRONG_AUTH"
            | "UNENROLL_USER_FROM_TITANIUM",
        ) => Mapped::Event(Event::Account(account(AccountEventKind::MfaDisabled)?)),
        (
            "login" | "user_accounts",
            "recovery_email_edit" | "recovery_phone_edit" | "recovery_secret_qa_edit",
        )
        | ("admin", "CHANGE_RECOVERY_EMAIL" | "CHANGE_RECOVERY_PHONE") => {
            let mut e = account(AccountEventKind::RecoveryChanged)?;
            e.target = p.get("NEW_VALUE").cloned();
            Mapped::Event(Event::Account(e))
        }
        ("login" | "user_accounts", "password_edit") | ("admin", "CHANGE_PASSWORD") => {
            Mapped::Event(Event::Account(account(AccountEventKind::PasswordChanged)?))
        }
        // A user forwarding their Gmail out of the domain.
        ("user_accounts", "email_forwarding_out_of_domain") => {
            let mut e = account(AccountEventKind::ForwardingSet)?;
            // Lists and prefixes are taken apart where forwarding is judged.
            e.forward_to = p
                .get("email_forwarding_destination_address")
                .cloned()
                .into_iter()
                .collect();
            Mapped::Event(Event::Account(e))
        }
        // An administrator's email monitor sends copies of a user's mail to another address.
        ("admin", "CREATE_EMAIL_MONITOR") => {
            let mut e = account(AccountEventKind::ForwardingSet)?;
            e.forward_to = p
                .get("EMAIL_MONITOR_DEST_EMAIL")
                .cloned()
                .into_iter()
                .collect();
            e.keep_copy = Some(true);
            Mapped::Event(Event::Account(e))
        }
        ("admin", "GRANT_ADMIN_PRIVILEGE" | "ASSIGN_ROLE" | "GRANT_DELEGATED_ADMIN_PRIVILEGES") => {
            let mut e = account(AccountEventKind::PermissionGranted)?;
            e.target = p
                .get("ROLE_NAME")
                .cloned()
                .or_else(|| Some(name.to_string()));
            Mapped::Event(Event::Account(e))
        }
        // OAuth consent to an application, and domain-wide API access granted by an admin.
        ("token", "authorize") | ("admin", "AUTHORIZE_API_CLIENT_ACCESS") => {
            let mut e = account(AccountEventKind::AppConsent)?;
            e.target = p
                .get("app_name")
                .or_else(|| p.get("client_id"))
                .or_else(|| p.get("API_CLIENT_NAME"))
                .cloned();
            Mapped::Event(Event::Account(e))
        }
        _ => Mapped::Other(Event::Account(account(AccountEventKind::Other)?)),
    };
    Ok(mapped)
}
