//! Microsoft Entra ID sign-in logs: the Graph `signIn` resource as the portal's "Download
//! JSON", the Graph API (`{"value": [...]}`) or JSON lines give it. It carries what the
//! unified audit log lacks: location with coordinates, the client app (legacy protocols),
//! interactivity, and Entra's own risk level.

use serde_json::Value;

use crate::events::{Event, Geo, LoginEvent, LoginOutcome, Protocol, ProviderRisk, Timestamp};

use super::text_at as s;

fn f(v: &Value, path: &[&str]) -> Option<f64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_f64()
}

/// Whether a JSON object looks like a sign-in record.
pub(crate) fn is_sign_in(v: &Value) -> bool {
    v.get("createdDateTime").is_some() && v.get("userPrincipalName").is_some()
}

/// Maps one sign-in.
pub(crate) fn map(v: &Value) -> Result<Event, String> {
    let id = s(v, &["id"]).ok_or("no id")?;
    let time = s(v, &["createdDateTime"])
        .and_then(|t| Timestamp::parse_rfc3339(t, true))
        .ok_or("no createdDateTime in RFC 3339")?;
    let user = s(v, &["userPrincipalName"]).ok_or("no userPrincipalName")?;
    let mut e = LoginEvent::new(id, time, user);
    let code = v
        .get("status")
        .and_then(|st| st.get("errorCode"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    e.outcome = match code {
        0 => LoginOutcome::Success,
        50053 => LoginOutcome::LockedOut,
        50074 | 50076 | 50079 | 500121 | 50158 => LoginOutcome::MfaDenied,
        53000..=53004 | 50057 | 530032 => LoginOutcome::Blocked,
        _ => LoginOutcome::Failure,
    };
    if code != 0 {
        e.failure_reason = Some(match s(v, &["status", "failureReason"]) {
            Some(r) => format!("{code}: {r}"),
            None => code.to_string(),
        });
    }
    e.protocol = match s(v, &["clientAppUsed"]).unwrap_or("") {
        "Browser" => Protocol::Web,
        "IMAP4" | "IMAP" => Protocol::Imap,
        "POP3" => Protocol::Pop3,
        "Authenticated SMTP" | "SMTP" => Protocol::Smtp,
        "Exchange ActiveSync" => Protocol::ActiveSync,
        "Exchange Web Services" => Protocol::Ews,
        "MAPI Over HTTP" | "Outlook Anywhere (RPC over HTTP)" => Protocol::Mapi,
        "Exchange Online PowerShell" | "Exchange Online PowerShell V2" => Protocol::Api,
        _ => Protocol::Other,
    };
    e.interactive = v.get("isInteractive").and_then(Value::as_bool);
    e.auth_method = s(v, &["authenticationRequirement"]).map(str::to_string);
    e.ip = s(v, &["ipAddress"]).and_then(super::m365::client_ip);
    let loc = v.get("location");
    if let Some(loc) = loc {
        let geo = Geo {
            country: s(loc, &["countryOrRegion"]).map(str::to_string),
            city: s(loc, &["city"]).map(str::to_string),
            lat: f(loc, &["geoCoordinates", "latitude"]),
            lon: f(loc, &["geoCoordinates", "longitude"]),
            accuracy_km: None,
        };
        if geo != Geo::default() {
            e.geo = Some(geo);
        }
    }
    e.user_agent = s(v, &["userAgent"]).map(str::to_string).or_else(|| {
        let browser = s(v, &["deviceDetail", "browser"]);
        let os = s(v, &["deviceDetail", "operatingSystem"]);
        match (browser, os) {
            (None, None) => None,
            (b, o) => Some(format!("{} / {}", b.unwrap_or("-"), o.unwrap_or("-"))),
        }
    });
    e.device_id = s(v, &["deviceDetail", "deviceId"]).map(str::to_string);
    e.session_id = s(v, &["correlationId"]).map(str::to_string);
    e.provider_risk =
        match s(v, &["riskLevelDuringSignIn"]).or_else(|| s(v, &["riskLevelAggregated"])) {
            Some("high") => Some(ProviderRisk::High),
            Some("medium") => Some(ProviderRisk::Medium),
            Some("low") => Some(ProviderRisk::Low),
            Some("none") => Some(ProviderRisk::None),
            _ => None,
        };
    e.operation = Some(format!(
        "signIn:{}",
        s(v, &["appDisplayName"]).unwrap_or("-")
    ));
    Ok(Event::Login(e))
}
