//! Offline verification of DKIM, SPF, DMARC and ARC with mail-auth, against DNS records the
//! caller supplies (feature `verify`).
//!
//! The records form a closed world: every name the verifiers ask for is answered from
//! [`DnsRecords`] through mail-auth's caches, and a name that is not there is NXDOMAIN. mail-auth
//! is built with its `test` feature, under which a cache miss is answered NXDOMAIN by mail-auth
//! itself instead of its resolver (a few magic labels in a name, `_dns_error.`,
//! `_parse_error.`, `_invalid_record.`, give a temporary or parse error instead: never a
//! pass). The resolver is also built with no name servers, so no query could leave the
//! machine in any case. The verification future is polled once with a
//! no-op waker: with every answer in memory it completes at once, and a `Pending` (which would
//! mean a real lookup) is reported as [`VerifyError::WouldBlock`], not waited for.
//!
//! The results become one [`AuthResults`] with authserv-id `mailrisk`, read by the same rules
//! as the MTA's `Authentication-Results`, and trusted ahead of them.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::dkim::DkimError;
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::dmarc::{Dmarc, Policy};
use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};
use mail_auth::spf::verify::SpfParameters;
use mail_auth::spf::Spf;
use mail_auth::{
    AuthenticatedMessage, DkimResult, DmarcResult, DnsError, Error, MessageAuthenticator,
    Parameters, RecordSet, ResolverCache, SpfResult, Txt, MX,
};

use super::results::{AuthResults, MethodResult};

/// DNS records for offline verification: TXT, A, AAAA, MX and PTR, by name. Names are
/// compared without case and without a trailing dot.
///
/// ```
/// # #[cfg(feature = "verify")] {
/// use mailrisk::DnsRecords;
/// let dns = DnsRecords::parse("
///     example.com                 TXT   \"v=spf1 ip4:192.0.2.0/24 -all\"
///     _dmarc.example.com          TXT   v=DMARC1; p=reject
///     mail.example.com            A     192.0.2.10
///     example.com                 MX    10 mail.example.com
///     192.0.2.10                  PTR   mail.example.com
/// ").expect("valid records");
/// assert_eq!(dns.len(), 5);
/// assert!(DnsRecords::parse("example.com TXXT x").is_err());
/// # }
/// ```
#[derive(Default)]
pub struct DnsRecords {
    txt: HashMap<String, Vec<String>>,
    a: HashMap<String, Vec<Ipv4Addr>>,
    aaaa: HashMap<String, Vec<Ipv6Addr>>,
    mx: HashMap<String, Vec<(u16, String)>>,
    ptr: HashMap<IpAddr, Vec<String>>,
    /// The records as mail-auth's caches, built on first use and reset by every change, so a
    /// batch of messages verified against the same records parses them once.
    caches: std::sync::OnceLock<Caches>,
}

impl Clone for DnsRecords {
    fn clone(&self) -> Self {
        DnsRecords {
            txt: self.txt.clone(),
            a: self.a.clone(),
            aaaa: self.aaaa.clone(),
            mx: self.mx.clone(),
            ptr: self.ptr.clone(),
            caches: std::sync::OnceLock::new(),
        }
    }
}

impl PartialEq for DnsRecords {
    fn eq(&self, other: &Self) -> bool {
        (&self.txt, &self.a, &self.aaaa, &self.mx, &self.ptr)
            == (&other.txt, &other.a, &other.aaaa, &other.mx, &other.ptr)
    }
}

impl Eq for DnsRecords {}

impl std::fmt::Debug for DnsRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DnsRecords")
            .field("txt", &self.txt)
            .field("a", &self.a)
            .field("aaaa", &self.aaaa)
            .field("mx", &self.mx)
            .field("ptr", &self.ptr)
            .finish_non_exhaustive()
    }
}

/// A line of a DNS records file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct DnsFileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

fn key(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

impl DnsRecords {
    /// No records: every name is NXDOMAIN.
    pub fn new() -> DnsRecords {
        DnsRecords::default()
    }

    /// Adds a TXT record (the strings of a record concatenated).
    pub fn txt(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.caches.take();
        self.txt.entry(key(name)).or_default().push(value.into());
        self
    }

    /// Adds an A record.
    pub fn a(&mut self, name: &str, ip: Ipv4Addr) -> &mut Self {
        self.caches.take();
        self.a.entry(key(name)).or_default().push(ip);
        self
    }

    /// Adds an AAAA record.
    pub fn aaaa(&mut self, name: &str, ip: Ipv6Addr) -> &mut Self {
        self.caches.take();
        self.aaaa.entry(key(name)).or_default().push(ip);
        self
    }

    /// Adds an MX record.
    pub fn mx(&mut self, name: &str, preference: u16, exchange: &str) -> &mut Self {
        self.caches.take();
        self.mx
            .entry(key(name))
            .or_default()
            .push((preference, key(exchange)));
        self
    }

    /// Adds a PTR record for an address.
    pub fn ptr(&mut self, ip: IpAddr, name: &str) -> &mut Self {
        self.caches.take();
        self.ptr.entry(ip).or_default().push(key(name));
        self
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.txt.values().map(Vec::len).sum::<usize>()
            + self.a.values().map(Vec::len).sum::<usize>()
            + self.aaaa.values().map(Vec::len).sum::<usize>()
            + self.mx.values().map(Vec::len).sum::<usize>()
            + self.ptr.values().map(Vec::len).sum::<usize>()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads records from text, one per line: `NAME TYPE DATA`, where TYPE is `TXT`, `A`,
    /// `AAAA`, `MX` (DATA: `PREFERENCE EXCHANGE`) or `PTR` (NAME: the IP address). TXT data is
    /// one or more quoted strings (concatenated, `\"` and `\\` escaped) or the rest of the line
    /// as it is. `#` starts a comment line; blank lines are skipped.
    ///
    /// # Errors
    /// [`DnsFileError`] with the line number of the first line that cannot be read.
    pub fn parse(text: &str) -> Result<DnsRecords, DnsFileError> {
        let mut dns = DnsRecords::new();
        for (i, line) in text.lines().enumerate() {
            let err = |message: String| DnsFileError {
                line: i + 1,
                message,
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim_start();
            let (rtype, data) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let data = data.trim();
            if data.is_empty() {
                return Err(err("expected NAME TYPE DATA".into()));
            }
            match rtype.to_ascii_uppercase().as_str() {
                "TXT" => {
                    dns.txt(name, txt_data(data).map_err(err)?);
                }
                "A" => {
                    let ip = data
                        .parse()
                        .map_err(|_| err(format!("{data:?} is not an IPv4 address")))?;
                    dns.a(name, ip);
                }
                "AAAA" => {
                    let ip = data
                        .parse()
                        .map_err(|_| err(format!("{data:?} is not an IPv6 address")))?;
                    dns.aaaa(name, ip);
                }
                "MX" => {
                    let mut mx = data.split_whitespace();
                    let (Some(pref), Some(host), None) = (mx.next(), mx.next(), mx.next()) else {
                        return Err(err("MX data is PREFERENCE EXCHANGE".into()));
                    };
                    let pref = pref
                        .parse()
                        .map_err(|_| err(format!("{pref:?} is not an MX preference")))?;
                    dns.mx(name, pref, host);
                }
                "PTR" => {
                    let ip = name
                        .parse()
                        .map_err(|_| err(format!("PTR name {name:?} is not an IP address")))?;
                    dns.ptr(ip, data);
                }
                other => {
                    return Err(err(format!(
                        "unknown record type {other:?} (TXT, A, AAAA, MX or PTR)"
                    )))
                }
            }
        }
        Ok(dns)
    }
}

/// TXT data: quoted strings concatenated, or the text as it is.
fn txt_data(data: &str) -> Result<String, String> {
    if !data.starts_with('"') {
        return Ok(data.to_string());
    }
    let mut out = String::new();
    let mut chars = data.chars();
    loop {
        match chars.next() {
            None => return Ok(out),
            Some(c) if c.is_whitespace() => {}
            Some('"') => loop {
                match chars.next() {
                    None => return Err("unterminated quoted string".into()),
                    Some('"') => break,
                    Some('\\') => out.extend(chars.next()),
                    Some(c) => out.push(c),
                }
            },
            Some(c) => return Err(format!("unexpected {c:?} after a quoted string")),
        }
    }
}

/// The TXT records at `name`, parsed as what the name is for: DKIM keys under `_domainkey`,
/// DMARC policies under `_dmarc`, SPF (the `v=spf1` record) otherwise.
fn parse_txt(name: &str, records: &[String]) -> Txt {
    fn first<T: TxtRecordParser>(records: &[&String]) -> Result<T, Error> {
        let mut result = Err(Error::Dns(DnsError::InvalidRecordType));
        for r in records {
            result = T::parse(r.as_bytes());
            if result.is_ok() {
                break;
            }
        }
        result
    }
    let all: Vec<&String> = records.iter().collect();
    let parsed = if name.contains("._domainkey.") {
        first::<DomainKey>(&all).map(Txt::from)
    } else if name.starts_with("_dmarc.") {
        first::<Dmarc>(&all).map(|d| Txt::Dmarc(Arc::new(d)))
    } else {
        let spf: Vec<&String> = all
            .into_iter()
            .filter(|r| r.trim_start().to_ascii_lowercase().starts_with("v=spf1"))
            .collect();
        first::<Spf>(&spf).map(Txt::from)
    };
    parsed.unwrap_or_else(Txt::Error)
}

fn set<T: Clone>(items: &[T]) -> RecordSet<T> {
    RecordSet {
        rrset: items.into(),
        dnssec_status: Default::default(),
    }
}

/// One cache over the supplied records: a name in the map gets its records; any other name is
/// a miss, which mail-auth (built with its `test` feature) answers with NXDOMAIN itself,
/// without a resolver. `insert` and `remove` do nothing.
struct Closed<K, V> {
    map: HashMap<K, V>,
}

impl<K: Hash + Eq, V: Clone> ResolverCache<K, V> for Closed<K, V> {
    fn get<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(name).cloned()
    }

    fn remove<Q>(&self, _: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _: K, _: V, _: Instant) {}
}

/// mail-auth's verifier parameters with the closed-world caches.
type CachedParameters<'a, P> = Parameters<
    'a,
    P,
    Closed<Box<str>, Txt>,
    Closed<Box<str>, RecordSet<MX>>,
    Closed<Box<str>, RecordSet<Ipv4Addr>>,
    Closed<Box<str>, RecordSet<Ipv6Addr>>,
    Closed<IpAddr, RecordSet<Box<str>>>,
>;

/// The records as mail-auth's caches, keyed as mail-auth asks (lowercase, trailing dot).
struct Caches {
    txt: Closed<Box<str>, Txt>,
    mx: Closed<Box<str>, RecordSet<MX>>,
    a: Closed<Box<str>, RecordSet<Ipv4Addr>>,
    aaaa: Closed<Box<str>, RecordSet<Ipv6Addr>>,
    ptr: Closed<IpAddr, RecordSet<Box<str>>>,
}

fn fqdn(name: &str) -> Box<str> {
    format!("{name}.").into_boxed_str()
}

impl Caches {
    fn new(dns: &DnsRecords) -> Caches {
        Caches {
            txt: Closed {
                map: dns
                    .txt
                    .iter()
                    .map(|(n, r)| (fqdn(n), parse_txt(n, r)))
                    .collect(),
            },
            mx: Closed {
                map: dns
                    .mx
                    .iter()
                    .map(|(n, r)| {
                        let mut sorted = r.clone();
                        sorted.sort();
                        let mx: Vec<MX> = sorted
                            .iter()
                            .map(|(p, h)| MX {
                                exchanges: vec![fqdn(h)].into_boxed_slice(),
                                preference: *p,
                            })
                            .collect();
                        (fqdn(n), set(&mx))
                    })
                    .collect(),
            },
            a: Closed {
                map: dns.a.iter().map(|(n, r)| (fqdn(n), set(r))).collect(),
            },
            aaaa: Closed {
                map: dns.aaaa.iter().map(|(n, r)| (fqdn(n), set(r))).collect(),
            },
            ptr: Closed {
                map: dns
                    .ptr
                    .iter()
                    .map(|(ip, r)| {
                        let names: Vec<Box<str>> = r.iter().map(|n| fqdn(n)).collect();
                        (*ip, set(&names))
                    })
                    .collect(),
            },
        }
    }

    fn params<P>(&self, p: P) -> CachedParameters<'_, P> {
        Parameters::new(p)
            .with_txt_cache(&self.txt)
            .with_mx_cache(&self.mx)
            .with_ipv4_cache(&self.a)
            .with_ipv6_cache(&self.aaaa)
            .with_ptr_cache(&self.ptr)
    }
}

/// Why offline verification could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// mail-auth could not read the message's header section.
    #[error("the message has no header section mail-auth can read")]
    Unreadable,
    /// A verifier waited for a DNS answer that was not among the supplied records. The records
    /// are a closed world, so this is a bug; nothing was looked up.
    #[error("a verifier asked for DNS outside the supplied records")]
    WouldBlock,
    /// The (offline) resolver could not be set up.
    #[error("resolver: {0}")]
    Resolver(String),
}

/// Polls `f` once: every answer is in memory, so it is ready or something is wrong.
fn once<F: Future>(f: F) -> Result<F::Output, VerifyError> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Ok(v),
        Poll::Pending => Err(VerifyError::WouldBlock),
    }
}

/// The SMTP facts SPF and DMARC need.
pub(crate) struct Envelope<'a> {
    pub(crate) client_ip: IpAddr,
    pub(crate) helo: &'a str,
    /// The MAIL FROM address; empty for the null sender.
    pub(crate) mail_from: &'a str,
}

fn dkim_word(r: &DkimResult) -> &'static str {
    match r {
        DkimResult::Pass => "pass",
        // A body that no longer matches its signed hash was changed after signing.
        DkimResult::Neutral(Error::Dkim(DkimError::FailedBodyHashMatch)) => "fail",
        DkimResult::Neutral(_) => "neutral",
        DkimResult::Fail(_) => "fail",
        DkimResult::PermError(_) => "permerror",
        DkimResult::TempError(_) => "temperror",
        DkimResult::None => "none",
    }
}

fn dmarc_word(r: &DmarcResult) -> &'static str {
    match r {
        DmarcResult::Pass => "pass",
        DmarcResult::Fail(_) => "fail",
        DmarcResult::TempError(_) => "temperror",
        DmarcResult::PermError(_) => "permerror",
        DmarcResult::None => "none",
    }
}

fn spf_word(r: SpfResult) -> &'static str {
    match r {
        SpfResult::Pass => "pass",
        SpfResult::Fail => "fail",
        SpfResult::SoftFail => "softfail",
        SpfResult::Neutral => "neutral",
        SpfResult::TempError => "temperror",
        SpfResult::PermError => "permerror",
        SpfResult::None => "none",
    }
}

fn result(method: &str, word: &str, props: Vec<(&str, &str, String)>) -> MethodResult {
    MethodResult {
        method: method.into(),
        result: word.into(),
        reason: None,
        props: props
            .into_iter()
            .map(|(t, p, v)| (t.to_string(), p.to_string(), v))
            .collect(),
    }
}

/// Verifies DKIM, ARC, SPF (when the envelope is known) and DMARC for `raw` against `dns`.
pub(crate) fn verify(
    raw: &[u8],
    envelope: Option<&Envelope<'_>>,
    dns: &DnsRecords,
) -> Result<AuthResults, VerifyError> {
    // Built once per process: a resolver with no name servers (see the module documentation).
    static AUTHENTICATOR: std::sync::OnceLock<Result<MessageAuthenticator, String>> =
        std::sync::OnceLock::new();
    let authenticator = AUTHENTICATOR
        .get_or_init(|| {
            MessageAuthenticator::new(
                ResolverConfig::from_parts(None, vec![], vec![]),
                ResolverOpts::default(),
            )
            .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| VerifyError::Resolver(e.clone()))?;
    let message = AuthenticatedMessage::parse(raw).ok_or(VerifyError::Unreadable)?;
    let caches = dns.caches.get_or_init(|| Caches::new(dns));
    let dkim = once(authenticator.verify_dkim(caches.params(&message)))?;
    let arc = once(authenticator.verify_arc(caches.params(&message)))?;
    let mut out = AuthResults {
        authserv_id: "mailrisk".into(),
        ..AuthResults::default()
    };
    for d in &dkim {
        let mut props = Vec::new();
        if let Some(sig) = d.signature() {
            props.push(("header", "d", sig.d.clone()));
            props.push(("header", "s", sig.s.clone()));
        }
        let mut r = result("dkim", dkim_word(d.result()), props);
        if let DkimResult::Fail(e) | DkimResult::PermError(e) | DkimResult::Neutral(e) = d.result()
        {
            r.reason = Some(e.to_string());
        }
        out.results.push(r);
    }
    if dkim.is_empty() {
        out.results.push(result("dkim", "none", vec![]));
    }
    out.results
        .push(result("arc", dkim_word(arc.result()), vec![]));
    let mail_from_domain = envelope
        .map(|e| e.mail_from.rsplit_once('@').map_or(e.helo, |(_, d)| d))
        .unwrap_or_default()
        .to_string();
    let spf = match envelope {
        Some(e) => {
            let host = "mailrisk.invalid";
            let spf = once(
                authenticator.verify_spf(caches.params(if e.mail_from.is_empty() {
                    SpfParameters::verify_ehlo(e.client_ip, e.helo, host)
                } else {
                    SpfParameters::verify_mail_from(e.client_ip, e.helo, host, e.mail_from)
                })),
            )?;
            out.results.push(result(
                "spf",
                spf_word(spf.result()),
                vec![("smtp", "mailfrom", mail_from_domain.clone())],
            ));
            Some(spf)
        }
        None => None,
    };
    let no_spf = mail_auth::SpfOutput::new(mail_from_domain.clone());
    let dmarc = once(
        authenticator.verify_dmarc(caches.params(DmarcParameters::new(
            &message,
            &dkim,
            &mail_from_domain,
            spf.as_ref().unwrap_or(&no_spf),
        ))),
    )?;
    let word = dmarc_word(&dmarc.result());
    let policy = match dmarc.policy() {
        Policy::Reject => "reject",
        Policy::Quarantine => "quarantine",
        Policy::None => "none",
        Policy::Unspecified => "unknown",
    };
    out.results.push(result(
        "dmarc",
        word,
        vec![
            ("header", "from", dmarc.domain().to_string()),
            ("policy", "dmarc", policy.to_string()),
        ],
    ));
    Ok(out)
}

#[cfg(test)]
mod tests;
