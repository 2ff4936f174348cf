//! `[events]`: thresholds and lists of the login and mailbox detectors. Every default comes
//! from a public anchor named beside it (Microsoft Entra ID Protection, Elastic and Sigma
//! rules), and every one can be changed here.

use ipnetwork::IpNetwork;
use serde::{Deserialize, Serialize};

/// Settings of the event side (`Monitor`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Events {
    /// Successful logins remembered per user for "new country / network / device". Default 20.
    pub history: usize,
    /// No "new …" finding before a user has this many successful logins … Default 10.
    pub learning_logins: u32,
    /// … or has been seen for this many days, whichever comes first. Default 14.
    pub learning_days: u32,
    /// Impossible travel: distance between two successful logins, less both accuracy radii,
    /// at least this many km. Default 500 (Entra ID Protection's atypical travel).
    pub travel_min_km: f64,
    /// … and an implied speed of at least this many km/h. Default 805 (500 mph).
    pub travel_min_kmh: f64,
    /// Countries (ISO 3166 alpha-2) logins may come from; empty: not checked.
    pub allowed_countries: Vec<String>,
    /// Networks (CIDR) that are the organisation's own: logins from here are never new,
    /// outside or travel.
    pub trusted_networks: Vec<IpNetwork>,
    /// VPN egress networks the company uses: not counted as travel or as a new place.
    pub vpn_networks: Vec<IpNetwork>,
    /// AS numbers of private relays and satellite networks, whose addresses say nothing of
    /// where the user is: not counted as travel or as a new place. Added to the built-in
    /// ones: 36183 (Akamai, iCloud Private Relay egress), 14593 (Starlink), 7155 (Viasat),
    /// 6621 (HughesNet).
    pub relay_asns: Vec<u32>,
    /// Two logins of one session (the same session id) from different networks within
    /// this many seconds: a stolen session cookie or token replayed elsewhere
    /// (`login.session_ip_change`). Default 60; 0 switches it off.
    pub session_ip_seconds: u32,
    /// Brute force on one user: this many failures … Default 5.
    pub user_failures: u32,
    /// … within this many minutes. Default 10.
    pub user_failure_minutes: u32,
    /// Brute force from one source (an IP, a /64, or an ASN): this many failures … Default 8.
    pub source_failures: u32,
    /// … within this many minutes. Default 2.
    pub source_failure_minutes: u32,
    /// Password spray: one source failing on at least this many distinct users within
    /// `spray_minutes`. 0: scaled to the tenant, a tenth of the users seen, at least 3.
    pub spray_users: u32,
    /// The spray window in minutes. Default 60.
    pub spray_minutes: u32,
    /// A success from an attacking source within this many minutes of the attack (either
    /// order) is `login.success_after_attack`. Default 60.
    pub success_after_attack_minutes: u32,
    /// Set when POP3, IMAP, SMTP AUTH and ActiveSync with passwords are switched off in the
    /// organisation: any such login is then reported. Default false (first use in
    /// `legacy_quiet_days` is reported instead).
    pub legacy_protocols_disabled: bool,
    /// A legacy-protocol login after this many days without one is reported. Default 7.
    pub legacy_quiet_days: u32,
    /// Working hours in the organisation's time zone; logins outside count as off-hours.
    pub work_hours: WorkHours,
    /// The window in hours in which a risky login, a mailbox change and a payment-change mail
    /// form `chain.account_takeover`. Default 72.
    pub chain_hours: u32,
    /// Mass sending: more than this many messages in an hour, and more than ten times the
    /// user's own hourly average. Default 200.
    pub mass_send_per_hour: u64,
    /// Mass deletion or access/export in one event or one hour. Default 500.
    pub mass_items_per_hour: u64,
    /// Words that make a hiding rule about money or security (added to the built-in ones:
    /// invoice, payment, wire, bank, 付款, 发票, 汇款, security, phish …).
    pub finance_keywords: Vec<String>,
    /// Extra user-agent fragments of attack tools and scripts (added to the built-in ones:
    /// python-requests, axios, Go-http-client, curl, AADInternals, BAV2ROPC …).
    pub attack_user_agents: Vec<String>,
    /// Users kept in memory at most; beyond it the least recently seen are forgotten.
    /// Default 100,000.
    pub max_users: usize,
    /// Sources (IPs, /64s, ASNs) with recent failures kept at most. Default 100,000.
    pub max_sources: usize,
    /// Event ids remembered to drop duplicates: at most this many, and always the last half
    /// of it. Default 200,000.
    pub max_event_ids: usize,
    /// Column mappings for login logs of other products (CSV or JSON lines), so that a
    /// company can import what its mail provider's admin console exports (`mailrisk events
    /// --input NAME`, or detected from the header).
    pub mapping: Vec<EventMapping>,
}

/// Outcome names an [`EventMapping`] may map to (the event schema's `outcome` values).
pub const MAPPING_OUTCOMES: &[&str] =
    &["success", "failure", "locked_out", "blocked", "mfa_denied"];
/// Protocol names an [`EventMapping`] may map to (the event schema's `protocol` values).
pub const MAPPING_PROTOCOLS: &[&str] = &[
    "web",
    "imap",
    "pop3",
    "smtp",
    "active_sync",
    "ews",
    "mapi",
    "api",
    "other",
];

/// How the columns (CSV) or fields (JSON lines) of a login log map to a login event.
///
/// ```toml
/// [[events.mapping]]
/// name = "qiye-mail"
/// format = "csv"
/// time = "登录时间"
/// time_format = "%Y-%m-%d %H:%M:%S"
/// utc_offset = "+08:00"
/// user = "账号"
/// ip = "登录IP"
/// outcome = "登录结果"
/// outcome_values = { "成功" = "success", "失败" = "failure" }
/// protocol = "登录方式"
/// protocol_values = { "网页" = "web", "IMAP" = "imap" }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct EventMapping {
    /// The name `--input` takes.
    pub name: String,
    /// `csv` or `jsonl`.
    pub format: String,
    /// The column with the time.
    pub time: String,
    /// `rfc3339`, `unix` (seconds), `unix_ms`, or a pattern of `%Y %m %d %H %M %S` and
    /// literal characters (`%Y-%m-%d %H:%M:%S`, `%Y/%m/%d %H:%M`). Default `rfc3339`.
    pub time_format: String,
    /// The UTC offset of times written without one (patterns). Default `+00:00`.
    pub utc_offset: String,
    /// The column with the account.
    pub user: String,
    /// The column with the record's id; without one, the file name and line make the id.
    pub id: Option<String>,
    /// The column with the source address.
    pub ip: Option<String>,
    /// The column with the outcome; without one every record is a success.
    pub outcome: Option<String>,
    /// Values of the outcome column → `success`, `failure`, `locked_out`, `blocked`,
    /// `mfa_denied`. A value not listed is reported as an unread record.
    pub outcome_values: std::collections::BTreeMap<String, String>,
    /// The column with the protocol or client.
    pub protocol: Option<String>,
    /// Values of the protocol column → `web`, `imap`, `pop3`, `smtp`, `active_sync`, `ews`,
    /// `mapi`, `api`, `other` (a value not listed is `other`).
    pub protocol_values: std::collections::BTreeMap<String, String>,
    /// The column with the country (ISO code).
    pub country: Option<String>,
    /// The column with the city or region.
    pub city: Option<String>,
    /// The column with the user agent or client name.
    pub user_agent: Option<String>,
    /// The column with the failure reason.
    pub failure_reason: Option<String>,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            history: 20,
            learning_logins: 10,
            learning_days: 14,
            travel_min_km: 500.0,
            travel_min_kmh: 805.0,
            allowed_countries: Vec::new(),
            trusted_networks: Vec::new(),
            vpn_networks: Vec::new(),
            relay_asns: Vec::new(),
            session_ip_seconds: 60,
            user_failures: 5,
            user_failure_minutes: 10,
            source_failures: 8,
            source_failure_minutes: 2,
            spray_users: 0,
            spray_minutes: 60,
            success_after_attack_minutes: 60,
            legacy_protocols_disabled: false,
            legacy_quiet_days: 7,
            work_hours: WorkHours::default(),
            chain_hours: 72,
            mass_send_per_hour: 200,
            mass_items_per_hour: 500,
            finance_keywords: Vec::new(),
            attack_user_agents: Vec::new(),
            max_users: 100_000,
            max_sources: 100_000,
            max_event_ids: 200_000,
            mapping: Vec::new(),
        }
    }
}

/// Working hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct WorkHours {
    /// The organisation's UTC offset, `+08:00` (no daylight-saving changes are applied).
    pub utc_offset: String,
    /// First working hour (0–23). Default 7.
    pub start: u32,
    /// The hour work ends (1–24, exclusive). Default 21.
    pub end: u32,
    /// Working days, 1 = Monday … 7 = Sunday. Default Monday to Saturday (trading companies
    /// often work Saturdays).
    pub days: Vec<u32>,
}

impl Default for WorkHours {
    fn default() -> Self {
        WorkHours {
            utc_offset: "+08:00".into(),
            start: 7,
            end: 21,
            days: vec![1, 2, 3, 4, 5, 6],
        }
    }
}

impl WorkHours {
    /// The offset in minutes, if `utc_offset` is `±HH:MM`.
    pub(crate) fn offset_minutes(&self) -> Option<i32> {
        crate::events::parse_utc_offset(&self.utc_offset)
    }
}

/// AS numbers of private relays and satellite networks (see `Events::relay_asns`).
pub(crate) const RELAY_ASNS: &[u32] = &[36183, 14593, 7155, 6621];

/// User-agent fragments of scripts, attack tools and password-grant (ROPC) clients,
/// lowercase. Built in; the policy adds `events.attack_user_agents`.
pub(crate) const ATTACK_AGENTS: &[&str] = &[
    "python-requests",
    "python-urllib",
    "aiohttp",
    "axios",
    "go-http-client",
    "curl/",
    "wget/",
    "powershell",
    "aadinternals",
    "bav2ropc",
    "ropc",
    "okhttp",
    "node-fetch",
    "libwww-perl",
    "java/",
    "scrapy",
    "httpie",
    "postmanruntime",
    "hydra",
    "mailsniper",
];
