//! Login and mailbox events: what a sign-in log or an audit log says happened to an account.
//!
//! Events come in as typed values (or JSON in the schema of `docs/events-schema.md`) and are
//! scored by a [`Monitor`](crate::Monitor), which keeps per-user history between them. The
//! adapters of real export formats (Microsoft 365 audit log, dovecot …) produce these types.
//!
//! ```
//! use mailrisk::events::{Event, LoginOutcome};
//! let e: Event = serde_json::from_str(r#"{"type": "login", "id": "1",
//!     "time": "2026-11-02T03:14:15+08:00", "user": "li.wei@acme-trade.com",
//!     "outcome": "success", "protocol": "imap", "ip": "203.0.113.7",
//!     "geo": {"country": "NG", "lat": 6.45, "lon": 3.39}}"#)?;
//! let Event::Login(login) = &e else { unreachable!() };
//! assert_eq!(login.outcome, LoginOutcome::Success);
//! assert_eq!(login.time.to_string(), "2026-11-01T19:14:15.000Z");
//! # Ok::<(), serde_json::Error>(())
//! ```

pub mod adapters;
#[cfg(feature = "geoip")]
mod geoip;
mod login;
mod mailbox;
mod monitor;
mod state;
mod time;

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

#[cfg(feature = "geoip")]
pub use geoip::{GeoDb, GeoError, GeoLookup};
pub use monitor::{Monitor, StateError};
pub use time::{parse_utc_offset, Timestamp};

/// A login or an account/mailbox change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A sign-in attempt.
    Login(LoginEvent),
    /// A change to an account or mailbox, or a notable action in it.
    Account(AccountEvent),
}

impl Event {
    /// The event's id (unique per source; used to drop duplicates).
    pub fn id(&self) -> &str {
        match self {
            Event::Login(e) => &e.id,
            Event::Account(e) => &e.id,
        }
    }
    /// When it happened.
    pub fn time(&self) -> Timestamp {
        match self {
            Event::Login(e) => e.time,
            Event::Account(e) => e.time,
        }
    }
    /// The account it concerns: the user who logged in, or the mailbox that was changed.
    pub fn user(&self) -> &str {
        match self {
            Event::Login(e) => &e.user,
            Event::Account(e) => &e.mailbox,
        }
    }
}

/// How a sign-in ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginOutcome {
    /// Signed in.
    Success,
    /// Wrong password or unknown user.
    Failure,
    /// The account is locked (too many failures).
    LockedOut,
    /// Refused by policy (conditional access, blocked country, disabled account).
    Blocked,
    /// The password was right but the second factor was denied or not completed.
    MfaDenied,
}

impl LoginOutcome {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginOutcome::Success => "success",
            LoginOutcome::Failure => "failure",
            LoginOutcome::LockedOut => "locked_out",
            LoginOutcome::Blocked => "blocked",
            LoginOutcome::MfaDenied => "mfa_denied",
        }
    }

    /// The kind an event verdict's summary gives a login: `login_success`, `login_failure` …
    pub(crate) fn summary_kind(self) -> &'static str {
        match self {
            LoginOutcome::Success => "login_success",
            LoginOutcome::Failure => "login_failure",
            LoginOutcome::LockedOut => "login_locked_out",
            LoginOutcome::Blocked => "login_blocked",
            LoginOutcome::MfaDenied => "login_mfa_denied",
        }
    }

    /// Whether the attempt failed for a reason an attacker produces (wrong password, lockout,
    /// denied second factor).
    pub(crate) fn is_failure(self) -> bool {
        matches!(
            self,
            LoginOutcome::Failure | LoginOutcome::LockedOut | LoginOutcome::MfaDenied
        )
    }
}

/// The protocol or client used to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// A browser (webmail, portal).
    Web,
    /// IMAP (legacy authentication when it uses a password).
    Imap,
    /// POP3.
    Pop3,
    /// SMTP submission (SMTP AUTH).
    Smtp,
    /// Exchange ActiveSync.
    ActiveSync,
    /// Exchange Web Services.
    Ews,
    /// MAPI (Outlook).
    Mapi,
    /// An API or OAuth client.
    Api,
    /// Not known.
    #[default]
    Other,
}

impl Protocol {
    /// Whether this is a mail protocol that signs in with a plain password (no modern
    /// authentication, so no second factor).
    pub(crate) fn is_legacy(self) -> bool {
        matches!(
            self,
            Protocol::Imap | Protocol::Pop3 | Protocol::Smtp | Protocol::ActiveSync
        )
    }
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Web => "web",
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Smtp => "smtp",
            Protocol::ActiveSync => "active_sync",
            Protocol::Ews => "ews",
            Protocol::Mapi => "mapi",
            Protocol::Api => "api",
            Protocol::Other => "other",
        }
    }
}

/// Where an address is, as the host's geolocation says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Geo {
    /// ISO 3166-1 alpha-2 country code (`CN`, `NG`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// City name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Latitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// The radius, in km, within which the address is (geolocation databases give one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_km: Option<f64>,
}

/// What the host knows about the source address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpFlags {
    /// A commercial VPN exit.
    #[serde(default)]
    pub vpn: bool,
    /// A Tor exit node.
    #[serde(default)]
    pub tor: bool,
    /// An open or anonymising proxy.
    #[serde(default)]
    pub proxy: bool,
    /// A hosting or cloud provider's network (not a home or office line).
    #[serde(default)]
    pub hosting: bool,
}

impl IpFlags {
    fn is_empty(&self) -> bool {
        *self == IpFlags::default()
    }
}

/// The identity provider's own risk assessment, when it gives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderRisk {
    /// No risk detected.
    None,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// A sign-in attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginEvent {
    /// Unique id of the record in its source.
    pub id: String,
    /// When it happened.
    pub time: Timestamp,
    /// The account (normally an e-mail address; compared lowercased).
    pub user: String,
    /// How it ended.
    pub outcome: LoginOutcome,
    /// The source's reason for a failure (`InvalidPassword`, `50126`, `auth failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// Protocol or client.
    #[serde(default)]
    pub protocol: Protocol,
    /// Whether a person signed in (as opposed to a token refresh or a service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<bool>,
    /// How the user authenticated (`password`, `password+mfa`, `oauth`, `app_password`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<String>,
    /// Source address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// Where the source address is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<Geo>,
    /// Autonomous system number of the source network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    /// Name of the source network (`CHINANET-BACKBONE`, `DIGITALOCEAN-ASN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// VPN, Tor, proxy, hosting.
    #[serde(default, skip_serializing_if = "IpFlags::is_empty")]
    pub ip_flags: IpFlags,
    /// The client's user agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// A device identifier, when the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// A session identifier, when the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The identity provider's own risk level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_risk: Option<ProviderRisk>,
    /// The source's own name for the record (`UserLoggedIn`, `imap-login`), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

impl LoginEvent {
    /// A successful web login of `user` at `time`, with nothing else known: a starting point
    /// for building events in code.
    pub fn new(id: impl Into<String>, time: Timestamp, user: impl Into<String>) -> LoginEvent {
        LoginEvent {
            id: id.into(),
            time,
            user: user.into(),
            outcome: LoginOutcome::Success,
            failure_reason: None,
            protocol: Protocol::Web,
            interactive: None,
            auth_method: None,
            ip: None,
            geo: None,
            asn: None,
            network: None,
            ip_flags: IpFlags::default(),
            user_agent: None,
            device_id: None,
            session_id: None,
            provider_risk: None,
            operation: None,
        }
    }
}

/// What kind of change an [`AccountEvent`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AccountEventKind {
    /// An inbox rule was created.
    InboxRuleCreated,
    /// An inbox rule was changed.
    InboxRuleChanged,
    /// An inbox rule was deleted.
    InboxRuleDeleted,
    /// Mailbox-level forwarding was set (or cleared: `forward_to` empty).
    ForwardingSet,
    /// POP, IMAP or SMTP AUTH access was switched on or off (`settings`).
    ProtocolAccessChanged,
    /// The recovery phone number or e-mail address changed.
    RecoveryChanged,
    /// Multi-factor authentication was switched off, or a method removed.
    MfaDisabled,
    /// The password was changed or reset.
    PasswordChanged,
    /// Someone was given access to the mailbox (full access, send as, send on behalf).
    PermissionGranted,
    /// An application was granted access (OAuth consent) or an app password created.
    AppConsent,
    /// Messages were sent (`count`, `external_recipients`).
    MessagesSent,
    /// Items were deleted (`count`; `settings.kind` soft or hard).
    ItemsDeleted,
    /// Items were read or exported (`count`).
    ItemsAccessed,
    /// Mailbox auditing was switched off or bypassed for an account.
    AuditDisabled,
    /// Anything else; `operation` says what.
    Other,
}

impl AccountEventKind {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountEventKind::InboxRuleCreated => "inbox_rule_created",
            AccountEventKind::InboxRuleChanged => "inbox_rule_changed",
            AccountEventKind::InboxRuleDeleted => "inbox_rule_deleted",
            AccountEventKind::ForwardingSet => "forwarding_set",
            AccountEventKind::ProtocolAccessChanged => "protocol_access_changed",
            AccountEventKind::RecoveryChanged => "recovery_changed",
            AccountEventKind::MfaDisabled => "mfa_disabled",
            AccountEventKind::PasswordChanged => "password_changed",
            AccountEventKind::PermissionGranted => "permission_granted",
            AccountEventKind::AppConsent => "app_consent",
            AccountEventKind::MessagesSent => "messages_sent",
            AccountEventKind::ItemsDeleted => "items_deleted",
            AccountEventKind::ItemsAccessed => "items_accessed",
            AccountEventKind::AuditDisabled => "audit_disabled",
            AccountEventKind::Other => "other",
        }
    }
}

/// An inbox rule's conditions and actions, as far as the source tells them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxRule {
    /// The rule's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Addresses mail is forwarded, forwarded as attachment, redirected or blind-copied to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forward_to: Vec<String>,
    /// The folder matching mail is moved to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to_folder: Option<String>,
    /// Matching mail is deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
    /// Matching mail is marked as read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mark_as_read: bool,
    /// No later rule runs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stop_processing: bool,
    /// Words the subject or body must contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Senders (addresses or domains) the rule applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub senders: Vec<String>,
}

/// A change to an account or mailbox, or a notable action in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEvent {
    /// Unique id of the record in its source.
    pub id: String,
    /// When it happened.
    pub time: Timestamp,
    /// The mailbox or account that was changed.
    pub mailbox: String,
    /// Who made the change, when the source says and it differs from `mailbox` (an admin, a
    /// delegate, an attacker in another account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// What happened.
    pub kind: AccountEventKind,
    /// The source's own name for the operation (`New-InboxRule`, `Set-Mailbox`), kept as sent.
    pub operation: String,
    /// Source address of the actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// A session identifier, when the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The inbox rule, for rule events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<InboxRule>,
    /// Forwarding targets, for `forwarding_set`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forward_to: Vec<String>,
    /// Whether a copy stays in the mailbox when mail is forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_copy: Option<bool>,
    /// Who or what was granted access, the new recovery value, the application's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// How many messages or items (sent, deleted, accessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// How many of the recipients were outside the organisation (sent messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_recipients: Option<u64>,
    /// Every other parameter the source gave, by name (nothing is dropped).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, String>,
}

impl AccountEvent {
    /// An event of `kind` on `mailbox` at `time`, with nothing else known.
    pub fn new(
        id: impl Into<String>,
        time: Timestamp,
        mailbox: impl Into<String>,
        kind: AccountEventKind,
    ) -> AccountEvent {
        AccountEvent {
            id: id.into(),
            time,
            mailbox: mailbox.into(),
            actor: None,
            kind,
            operation: kind.as_str().to_string(),
            ip: None,
            session_id: None,
            rule: None,
            forward_to: Vec::new(),
            keep_copy: None,
            target: None,
            count: None,
            external_recipients: None,
            settings: BTreeMap::new(),
        }
    }
}

/// An event that could not be read or understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// A field has a value that is not of its type.
    #[error("event field `{field}`: {value:?} is not valid")]
    Field {
        /// The field's name.
        field: String,
        /// The value as given.
        value: String,
    },
    /// The record is not an event of the schema.
    #[error("not an event: {0}")]
    Schema(String),
}

impl EventError {
    pub(crate) fn field(field: &str, value: &str) -> EventError {
        EventError::Field {
            field: field.to_string(),
            value: value.chars().take(200).collect(),
        }
    }
}

impl std::str::FromStr for Event {
    type Err = EventError;
    /// Parses one event in the JSON schema of `docs/events-schema.md`.
    fn from_str(s: &str) -> Result<Event, EventError> {
        serde_json::from_str(s).map_err(|e| EventError::Schema(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_json() {
        let mut login = LoginEvent::new(
            "a1",
            "2026-11-02T03:14:15Z".parse().expect("time"),
            "li.wei@acme-trade.com",
        );
        login.ip = Some("2001:db8::1".parse().expect("ip"));
        login.geo = Some(Geo {
            country: Some("CN".into()),
            lat: Some(31.2),
            lon: Some(121.5),
            ..Geo::default()
        });
        login.ip_flags.vpn = true;
        let mut change = AccountEvent::new(
            "b2",
            "2026-11-02T03:20:00Z".parse().expect("time"),
            "li.wei@acme-trade.com",
            AccountEventKind::InboxRuleCreated,
        );
        change.rule = Some(InboxRule {
            name: Some("..".into()),
            forward_to: vec!["x@gmail.com".into()],
            ..InboxRule::default()
        });
        change
            .settings
            .insert("StopProcessingRules".into(), "True".into());
        for e in [Event::Login(login), Event::Account(change)] {
            let json = serde_json::to_string(&e).expect("serialises");
            let back: Event = json.parse().expect("parses");
            assert_eq!(back, e, "{json}");
        }
    }

    #[test]
    fn names_are_the_json_names() {
        let json = |v: serde_json::Value| v.as_str().map(str::to_string);
        for o in [
            LoginOutcome::Success,
            LoginOutcome::Failure,
            LoginOutcome::LockedOut,
            LoginOutcome::Blocked,
            LoginOutcome::MfaDenied,
        ] {
            assert_eq!(
                json(serde_json::to_value(o).expect("json")).as_deref(),
                Some(o.as_str())
            );
            assert_eq!(o.summary_kind(), format!("login_{}", o.as_str()));
        }
        for p in [
            Protocol::Web,
            Protocol::Imap,
            Protocol::ActiveSync,
            Protocol::Other,
        ] {
            assert_eq!(
                json(serde_json::to_value(p).expect("json")).as_deref(),
                Some(p.as_str())
            );
        }
        for k in [
            AccountEventKind::InboxRuleCreated,
            AccountEventKind::ForwardingSet,
            AccountEventKind::MfaDisabled,
            AccountEventKind::AuditDisabled,
            AccountEventKind::Other,
        ] {
            assert_eq!(
                json(serde_json::to_value(k).expect("json")).as_deref(),
                Some(k.as_str())
            );
        }
    }

    #[test]
    fn the_type_may_come_anywhere_in_the_object() {
        let first = r#"{"type":"login","id":"1","time":"2026-11-02T03:14:15Z","user":"u@a.example","outcome":"failure","ip":"203.0.113.7"}"#;
        let later = r#"{"id":"1","time":"2026-11-02T03:14:15Z","user":"u@a.example","outcome":"failure","ip":"203.0.113.7","type":"login"}"#;
        let a: Event = first.parse().expect("type first");
        let b: Event = later.parse().expect("type last");
        assert_eq!(a, b);
        let acc = r#"{"mailbox":"m@a.example","type":"account","id":"2","time":"2026-11-02T03:14:15Z","kind":"mfa_disabled","operation":"x"}"#;
        assert!(matches!(acc.parse::<Event>(), Ok(Event::Account(_))));
        // Through a `Value` too (the adapters' path), and the round trip.
        let v: serde_json::Value = serde_json::from_str(later).expect("json");
        assert_eq!(serde_json::from_value::<Event>(v).expect("value"), a);
        assert_eq!(
            serde_json::to_string(&a)
                .expect("json")
                .parse::<Event>()
                .expect("back"),
            a
        );
        for (bad, says) in [
            (r#"{"type":"logon","id":"1"}"#, "logon"),
            (r#"{"id":"1","type":"logon"}"#, "logon"),
            (r#"{"id":"1","time":"2026-11-02T03:14:15Z"}"#, "type"),
            (r#"{}"#, "type"),
            (
                r#"{"type":"login","id":"1","time":"2026-11-02T03:14:15Z","user":"u","outcome":"success","extra":1}"#,
                "extra",
            ),
            (r#""login""#, "invalid type"),
        ] {
            let err = bad.parse::<Event>().expect_err(bad).to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn schema_errors_name_the_field() {
        let err = r#"{"type":"login","id":"1","time":"yesterday","user":"u","outcome":"success"}"#
            .parse::<Event>()
            .expect_err("bad time");
        assert!(err.to_string().contains("RFC 3339"), "{err}");
        let err =
            r#"{"type":"login","id":"1","time":"2026-11-02T03:14:15Z","user":"u","outcome":"ok"}"#
                .parse::<Event>()
                .expect_err("bad outcome");
        assert!(
            err.to_string().contains("outcome") || err.to_string().contains("ok"),
            "{err}"
        );
        assert!(r#"{"type":"teleport"}"#.parse::<Event>().is_err());
    }
}
