//! Microsoft 365 unified audit log: one `AuditData` record to an event.
//!
//! Read as Exchange and Entra write them: `CreationTime` in UTC without an offset, the client
//! address in `ClientIP`, `ClientIPAddress` or `ActorIpAddress` in every form they take,
//! name/value lists (`Parameters`, `ExtendedProperties`, `ModifiedProperties`,
//! `OperationProperties`, `DeviceProperties`) folded by name (`Value` or `NewValue`), never by
//! position, `Parameters` also as a JSON string, and operation names with or without their
//! trailing period (`Disable Strong Authentication.`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde_json::Value;

use crate::events::{
    AccountEvent, AccountEventKind, Event, InboxRule, LoginEvent, LoginOutcome, Protocol, Timestamp,
};

use super::Mapped;

/// A string field by the first of `names` present (case-insensitive keys).
fn field<'v>(v: &'v Value, names: &[&str]) -> Option<&'v str> {
    let obj = v.as_object()?;
    names.iter().find_map(|n| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .and_then(|(_, v)| v.as_str())
            .filter(|s| !s.trim().is_empty())
    })
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A name/value list folded by name: `[{"Name": "ForwardTo", "Value": "x@y"}]`, with
/// `NewValue` for `ModifiedProperties`; a JSON string holding such a list is read too.
pub(crate) fn name_values(v: &Value, key: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(obj) = v.as_object() else { return out };
    let Some((_, list)) = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) else {
        return out;
    };
    let parsed;
    let list = match list {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => {
                out.insert(key.to_string(), s.clone());
                return out;
            }
        },
        other => other,
    };
    for item in list.as_array().into_iter().flatten() {
        let Some(name) = field(item, &["Name"]) else {
            continue;
        };
        let value = item
            .as_object()
            .and_then(|o| {
                ["NewValue", "Value"].iter().find_map(|k| {
                    o.iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(k))
                        .map(|(_, v)| v)
                })
            })
            .map(value_text)
            .unwrap_or_default();
        out.insert(name.to_string(), value);
    }
    out
}

fn get<'m>(m: &'m BTreeMap<String, String>, name: &str) -> Option<&'m str> {
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

fn truthy(s: Option<&str>) -> Option<bool> {
    match s?.trim().to_ascii_lowercase().as_str() {
        "true" | "$true" | "1" | "yes" => Some(true),
        "false" | "$false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// A client address in the forms the audit log writes: `a.b.c.d`, `a.b.c.d:port`,
/// `[v6]:port`, `v6`, `::ffff:a.b.c.d`, `a.b.c.d-port`, `[HOST (a.b.c.d)]`.
pub(crate) fn client_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let (Some(open), Some(close)) = (s.rfind('('), s.rfind(')')) {
        if open < close {
            if let Some(ip) = s.get(open + 1..close).and_then(client_ip) {
                return Some(ip);
            }
        }
    }
    if let Some(rest) = s.strip_prefix('[') {
        let inner = rest.split(']').next().unwrap_or("");
        return inner.parse().ok();
    }
    if let Some((host, port)) = s.rsplit_once([':', '-']) {
        if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() {
            return host.parse().ok();
        }
    }
    None
}

/// A `;`/`,` list as Exchange writes it, items trimmed of brackets, quotes and `smtp:`.
fn split_list(s: &str) -> Vec<String> {
    s.split([';', ','])
        .map(|p| {
            let p = p.trim().trim_matches(['[', ']', '"']).trim();
            let p = p
                .strip_prefix("smtp:")
                .or_else(|| p.strip_prefix("SMTP:"))
                .unwrap_or(p);
            p.trim().to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Every string in a JSON value that looks like an e-mail address.
fn addresses_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            for part in split_list(s) {
                let part = part
                    .strip_prefix("smtp:")
                    .or_else(|| part.strip_prefix("SMTP:"))
                    .unwrap_or(&part);
                if part.contains('@') && !part.contains(' ') {
                    out.push(part.to_string());
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| addresses_in(x, out)),
        Value::Object(o) => o.values().for_each(|x| addresses_in(x, out)),
        _ => {}
    }
}

/// The first phone number or e-mail address in a recovery property's value.
fn recovery_value(v: &Value, found: &mut Option<String>) {
    if found.is_some() {
        return;
    }
    match v {
        Value::Object(o) => {
            for key in ["PhoneNumber", "Email", "AlternativePhoneNumber"] {
                if let Some(s) = o.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()) {
                    *found = Some(s.to_string());
                    return;
                }
            }
            o.values().for_each(|x| recovery_value(x, found));
        }
        Value::Array(a) => a.iter().for_each(|x| recovery_value(x, found)),
        Value::String(s) if s.contains('@') || s.starts_with('+') => *found = Some(s.clone()),
        _ => {}
    }
}

/// Maps one `AuditData` object. `Err` says why it cannot be an event (no time, no user).
pub(crate) fn map(a: &Value) -> Result<Mapped, String> {
    let op_raw = field(a, &["Operation"]).ok_or("no Operation")?;
    let op = op_raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let time = field(a, &["CreationTime"])
        .and_then(|t| Timestamp::parse_rfc3339(t, true))
        .ok_or("no CreationTime in RFC 3339")?;
    let id = field(a, &["Id"]).ok_or("no Id")?.to_string();
    let actor = field(a, &["UserId", "UserKey"]).map(str::to_string);
    let ip = field(a, &["ClientIP", "ClientIPAddress", "ActorIpAddress"]).and_then(client_ip);
    let params = name_values(a, "Parameters");
    let extended = name_values(a, "ExtendedProperties");
    let device = name_values(a, "DeviceProperties");

    if op == "userloggedin" || op == "userloginfailed" {
        let user = actor.clone().ok_or("no UserId")?;
        let mut e = LoginEvent::new(id, time, user);
        e.operation = Some(op_raw.to_string());
        e.ip = ip;
        let error = field(a, &["LogonError"]).map(str::to_string);
        e.outcome = if op == "userloggedin" {
            LoginOutcome::Success
        } else {
            match error.as_deref().unwrap_or("") {
                r if r.contains("Locked") => LoginOutcome::LockedOut,
                r if r.contains("StrongAuth") || r.contains("Mfa") => LoginOutcome::MfaDenied,
                r if r.contains("Blocked") || r.contains("Disabled") => LoginOutcome::Blocked,
                _ => LoginOutcome::Failure,
            }
        };
        e.failure_reason = error;
        e.user_agent = get(&extended, "UserAgent").map(str::to_string);
        e.session_id = get(&device, "SessionId").map(str::to_string);
        e.device_id = get(&device, "Id").map(str::to_string);
        e.auth_method = get(&extended, "UserAuthenticationMethod").map(str::to_string);
        e.protocol = match get(&extended, "RequestType").unwrap_or("") {
            r if r.starts_with("OAuth2") => Protocol::Api,
            r if r.starts_with("Login") || r.starts_with("SAS") || r.starts_with("Kmsi") => {
                Protocol::Web
            }
            _ => Protocol::Other,
        };
        if e.user_agent
            .as_deref()
            .is_some_and(|u| u.contains("BAV2ROPC"))
        {
            e.protocol = Protocol::Api;
        }
        return Ok(Mapped::Event(Event::Login(e)));
    }

    // Account events: the mailbox changed is the rule's or cmdlet's target, else the actor.
    // Exchange writes rule ids as `mailbox\rule name` in ObjectId and Identity.
    let target_mailbox = [
        get(&params, "Mailbox"),
        get(&params, "Identity"),
        field(a, &["ObjectId"]),
        field(a, &["MailboxOwnerUPN"]),
    ]
    .into_iter()
    .flatten()
    .map(|m| m.split('\\').next().unwrap_or(m).trim())
    .find(|m| m.contains('@'))
    .map(str::to_string)
    .or_else(|| actor.clone())
    .ok_or("no mailbox or UserId")?;
    let mut kind = match op.as_str() {
        "new-inboxrule" => AccountEventKind::InboxRuleCreated,
        "set-inboxrule" | "updateinboxrules" => AccountEventKind::InboxRuleChanged,
        "remove-inboxrule" => AccountEventKind::InboxRuleDeleted,
        "set-mailbox" | "new-transportrule" | "set-transportrule" => {
            AccountEventKind::ForwardingSet
        }
        "set-casmailbox" => AccountEventKind::ProtocolAccessChanged,
        "add-mailboxpermission" | "add-recipientpermission" | "add-mailboxfolderpermission" => {
            AccountEventKind::PermissionGranted
        }
        "set-mailboxauditbypassassociation" => AccountEventKind::AuditDisabled,
        "disable strong authentication" => AccountEventKind::MfaDisabled,
        "reset user password" | "change user password" | "set force change user password" => {
            AccountEventKind::PasswordChanged
        }
        "consent to application" | "add app role assignment grant to user" => {
            AccountEventKind::AppConsent
        }
        "update user" => AccountEventKind::Other,
        "mailitemsaccessed" => AccountEventKind::ItemsAccessed,
        "harddelete" | "softdelete" | "movetodeleteditems" => AccountEventKind::ItemsDeleted,
        "send" | "sendas" | "sendonbehalf" => AccountEventKind::MessagesSent,
        _ => AccountEventKind::Other,
    };
    let mut e = AccountEvent::new(id, time, target_mailbox, kind);
    e.operation = op_raw.to_string();
    e.actor = actor;
    e.ip = ip;
    e.session_id = field(a, &["SessionId"]).map(str::to_string);
    e.settings = params.clone();
    match kind {
        AccountEventKind::InboxRuleCreated | AccountEventKind::InboxRuleChanged
            if op != "updateinboxrules" =>
        {
            let mut forward = Vec::new();
            for p in [
                "ForwardTo",
                "ForwardAsAttachmentTo",
                "RedirectTo",
                "CopyTo",
                "BlindCopyTo",
            ] {
                if let Some(v) = get(&params, p) {
                    forward.extend(split_list(v));
                }
            }
            let words = |names: &[&str]| -> Vec<String> {
                names
                    .iter()
                    .filter_map(|n| get(&params, n))
                    .flat_map(split_list)
                    .collect()
            };
            e.rule = Some(InboxRule {
                name: get(&params, "Name").map(str::to_string),
                forward_to: forward,
                move_to_folder: get(&params, "MoveToFolder").map(str::to_string),
                delete: truthy(get(&params, "DeleteMessage")).unwrap_or(false)
                    || truthy(get(&params, "SoftDeleteMessage")).unwrap_or(false),
                mark_as_read: truthy(get(&params, "MarkAsRead")).unwrap_or(false),
                stop_processing: truthy(get(&params, "StopProcessingRules")).unwrap_or(false),
                keywords: words(&[
                    "SubjectContainsWords",
                    "BodyContainsWords",
                    "SubjectOrBodyContainsWords",
                ]),
                senders: words(&["From", "FromAddressContainsWords", "SenderDomainIs"]),
            });
        }
        AccountEventKind::InboxRuleChanged => {
            // Outlook's UpdateInboxRules: OperationProperties with RuleName, RuleActions (a
            // JSON text of actions with their recipients and folders), RuleCondition.
            let props = name_values(a, "OperationProperties");
            let actions = get(&props, "RuleActions").unwrap_or("");
            let parsed: Value =
                serde_json::from_str(actions).unwrap_or(Value::String(actions.into()));
            let mut forward = Vec::new();
            addresses_in(&parsed, &mut forward);
            let text = actions.to_ascii_lowercase();
            let condition = get(&props, "RuleCondition").unwrap_or("");
            e.rule = Some(InboxRule {
                name: get(&props, "RuleName").map(str::to_string),
                forward_to: forward,
                move_to_folder: text
                    .contains("movetofolder")
                    .then(|| get(&props, "RuleFolder").unwrap_or("Unknown").to_string()),
                delete: text.contains("\"delete\"") || text.contains("permanentdelete"),
                mark_as_read: text.contains("markasread"),
                stop_processing: text.contains("stopprocessing"),
                keywords: split_list(condition),
                senders: Vec::new(),
            });
            e.settings.extend(props);
        }
        AccountEventKind::ForwardingSet if op.ends_with("transportrule") => {
            // An organisation-wide rule: the mailbox is the one its condition names (SentTo,
            // From), else the admin who made it.
            let mut targets = Vec::new();
            for p in [
                "RedirectMessageTo",
                "BlindCopyTo",
                "AddToRecipients",
                "CopyTo",
            ] {
                if let Some(v) = get(&params, p) {
                    targets.extend(split_list(v));
                }
            }
            if let Some(m) = ["SentTo", "From"]
                .iter()
                .filter_map(|n| get(&params, n))
                .flat_map(split_list)
                .find(|m| m.contains('@'))
            {
                e.mailbox = m;
            }
            if targets.is_empty() {
                e.kind = AccountEventKind::Other;
            }
            e.keep_copy = Some(get(&params, "RedirectMessageTo").is_none());
            e.forward_to = targets;
        }
        AccountEventKind::ForwardingSet => {
            let mut targets = Vec::new();
            for p in ["ForwardingSmtpAddress", "ForwardingAddress"] {
                if let Some(v) = get(&params, p) {
                    targets.extend(split_list(v));
                }
            }
            if targets.is_empty() && get(&params, "ForwardingSmtpAddress").is_none() {
                kind = AccountEventKind::Other; // a Set-Mailbox about something else
                e.kind = kind;
            }
            e.forward_to = targets;
            e.keep_copy = truthy(get(&params, "DeliverToMailboxAndForward"));
        }
        AccountEventKind::PermissionGranted => {
            e.target = get(&params, "User")
                .or_else(|| get(&params, "Trustee"))
                .map(str::to_string);
        }
        AccountEventKind::AuditDisabled => {
            if truthy(get(&params, "AuditBypassEnabled")) == Some(false) {
                e.kind = AccountEventKind::Other;
            }
            e.target = get(&params, "Identity").map(str::to_string);
        }
        AccountEventKind::MfaDisabled
        | AccountEventKind::PasswordChanged
        | AccountEventKind::AppConsent => {
            // Entra directory events: the account is in ObjectId or Target.
            if let Some(upn) = field(a, &["ObjectId"]).filter(|o| o.contains('@')) {
                e.mailbox = upn.to_string();
            }
            if kind == AccountEventKind::AppConsent {
                e.target = field(a, &["ObjectId"]).map(str::to_string);
                let targets = a.get("Target").cloned().unwrap_or(Value::Null);
                if let Some(name) = targets
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| field(t, &["ID"]))
                    .find(|id| !id.contains('-') && !id.contains('@'))
                {
                    e.target = Some(name.to_string());
                }
            }
        }
        AccountEventKind::Other if op == "update user" => {
            let modified = name_values(a, "ModifiedProperties");
            if let Some(upn) = field(a, &["ObjectId"]).filter(|o| o.contains('@')) {
                e.mailbox = upn.to_string();
            }
            let names: Vec<String> = modified.keys().map(|k| k.to_ascii_lowercase()).collect();
            let has = |n: &str| names.iter().any(|k| k.contains(n));
            if has("strongauthenticationrequirement")
                && get(&modified, "StrongAuthenticationRequirement")
                    .is_none_or(|v| v.trim() == "[]")
            {
                e.kind = AccountEventKind::MfaDisabled;
            } else if has("strongauthenticationuserdetails")
                || has("strongauthenticationphoneappdetail")
                || has("othermail")
                || has("mobile")
                || has("alternativeemail")
            {
                e.kind = AccountEventKind::RecoveryChanged;
                // The new value: a phone number or address inside the property's JSON.
                e.target = modified
                    .iter()
                    .filter(|(k, _)| {
                        let k = k.to_ascii_lowercase();
                        k.contains("strongauthenticationuserdetails")
                            || k.contains("othermail")
                            || k.contains("mobile")
                            || k.contains("alternativeemail")
                    })
                    .find_map(|(_, v)| {
                        let parsed: Value =
                            serde_json::from_str(v).unwrap_or(Value::String(v.clone()));
                        let mut found = None;
                        recovery_value(&parsed, &mut found);
                        found
                    });
            }
            e.settings.extend(modified);
        }
        AccountEventKind::ItemsDeleted => {
            e.count = a
                .get("AffectedItems")
                .and_then(Value::as_array)
                .map(|v| v.len() as u64)
                .or(Some(1));
        }
        AccountEventKind::ItemsAccessed => {
            e.count = a
                .get("OperationCount")
                .and_then(Value::as_u64)
                .or_else(|| {
                    a.get("Folders").and_then(Value::as_array).map(|fs| {
                        fs.iter()
                            .map(|f| {
                                f.get("FolderItems")
                                    .and_then(Value::as_array)
                                    .map_or(0, |i| i.len() as u64)
                            })
                            .sum()
                    })
                })
                .or(Some(1));
        }
        AccountEventKind::MessagesSent => e.count = Some(1),
        _ => {}
    }
    Ok(if e.kind == AccountEventKind::Other {
        Mapped::Other(Event::Account(e))
    } else {
        Mapped::Event(Event::Account(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_addresses_in_every_form() {
        for (s, want) in [
            ("203.0.113.5", "203.0.113.5"),
            ("203.0.113.5:51544", "203.0.113.5"),
            ("203.0.113.5-51544", "203.0.113.5"),
            ("[2001:db8::7]:443", "2001:db8::7"),
            ("2001:db8::7", "2001:db8::7"),
            ("::ffff:203.0.113.5", "::ffff:203.0.113.5"),
            ("[EX-HOST01 (10.20.1.4)]", "10.20.1.4"),
        ] {
            assert_eq!(
                client_ip(s).map(|i| i.to_string()).as_deref(),
                Some(want),
                "{s}"
            );
        }
        assert_eq!(client_ip("not an address"), None);
        assert_eq!(client_ip(""), None);
    }

    #[test]
    fn name_value_lists_are_folded_by_name() {
        let v: Value = serde_json::json!({
            "Parameters": [{"Name": "ForwardTo", "Value": "a@x.example"}, {"Name": "Name", "Value": "r"}],
            "ModifiedProperties": [{"Name": "StrongAuthenticationRequirement", "NewValue": "[]", "OldValue": "[{}]"}],
            "OperationProperties": "[{\"Name\": \"RuleName\", \"Value\": \"x\"}]"
        });
        assert_eq!(
            name_values(&v, "parameters")
                .get("ForwardTo")
                .map(String::as_str),
            Some("a@x.example")
        );
        assert_eq!(
            name_values(&v, "ModifiedProperties")
                .get("StrongAuthenticationRequirement")
                .map(String::as_str),
            Some("[]")
        );
        assert_eq!(
            name_values(&v, "OperationProperties")
                .get("RuleName")
                .map(String::as_str),
            Some("x")
        );
    }
}
