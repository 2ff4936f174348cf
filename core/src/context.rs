//! What the host knows about a message beyond its bytes: direction, envelope, connecting IP,
//! and which correspondents are already known.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

/// Which way a message travels relative to the protected organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// Received from outside.
    Inbound,
    /// Sent by `user` (an address of the organisation) to the outside.
    Outbound {
        /// The authenticated sending user.
        user: String,
    },
    /// Between two users of the organisation.
    Internal,
}

type KnownFn = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Context for scoring one message. Cheap to build per message.
///
/// ```
/// use mailrisk::MessageContext;
/// let known = ["buyer@partner.example".to_string()];
/// let ctx = MessageContext::inbound()
///     .envelope_from("bounce@partner.example")
///     .recipients(["ap@acme-trade.com"])
///     .client_ip("203.0.113.5".parse()?)
///     .known_correspondent(move |addr| known.iter().any(|k| k == addr));
/// assert!(ctx.is_known_correspondent("buyer@partner.example"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct MessageContext {
    direction: Direction,
    envelope_from: Option<String>,
    recipients: Vec<String>,
    client_ip: Option<IpAddr>,
    helo: Option<String>,
    known: Option<KnownFn>,
    #[cfg(feature = "verify")]
    dns: Option<std::sync::Arc<crate::DnsRecords>>,
}

impl fmt::Debug for MessageContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageContext")
            .field("direction", &self.direction)
            .field("envelope_from", &self.envelope_from)
            .field("recipients", &self.recipients)
            .field("client_ip", &self.client_ip)
            .field("helo", &self.helo)
            .field("known_correspondent", &self.known.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for MessageContext {
    fn default() -> Self {
        Self::inbound()
    }
}

impl MessageContext {
    fn with_direction(direction: Direction) -> Self {
        MessageContext {
            direction,
            envelope_from: None,
            recipients: Vec::new(),
            client_ip: None,
            helo: None,
            known: None,
            #[cfg(feature = "verify")]
            dns: None,
        }
    }

    /// DNS records for offline verification of DKIM, SPF, DMARC and ARC (feature `verify`):
    /// the message is verified with mail-auth against these records only (any other name is
    /// NXDOMAIN, nothing is looked up), and the results are trusted ahead of the MTA's
    /// `Authentication-Results`. SPF needs [`client_ip`](Self::client_ip),
    /// [`helo`](Self::helo) and [`envelope_from`](Self::envelope_from) too.
    #[cfg(feature = "verify")]
    pub fn dns_records(mut self, dns: std::sync::Arc<crate::DnsRecords>) -> Self {
        self.dns = Some(dns);
        self
    }

    /// The DNS records for offline verification, if any.
    #[cfg(feature = "verify")]
    pub fn get_dns_records(&self) -> Option<&crate::DnsRecords> {
        self.dns.as_deref()
    }
    /// A message received from outside the organisation.
    pub fn inbound() -> Self {
        Self::with_direction(Direction::Inbound)
    }
    /// A message sent by `user` to the outside.
    pub fn outbound(user: impl Into<String>) -> Self {
        Self::with_direction(Direction::Outbound {
            user: user.into().trim().to_lowercase(),
        })
    }
    /// A message between users of the organisation.
    pub fn internal() -> Self {
        Self::with_direction(Direction::Internal)
    }
    /// The SMTP envelope sender (MAIL FROM).
    pub fn envelope_from(mut self, addr: impl Into<String>) -> Self {
        self.envelope_from = Some(addr.into().trim().to_lowercase());
        self
    }
    /// The SMTP envelope recipients (RCPT TO).
    pub fn recipients<I, S>(mut self, rcpts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.recipients = rcpts
            .into_iter()
            .map(|s| s.into().trim().to_lowercase())
            .collect();
        self
    }
    /// The IP address of the connecting client.
    pub fn client_ip(mut self, ip: IpAddr) -> Self {
        self.client_ip = Some(ip);
        self
    }
    /// The HELO/EHLO name of the connecting client.
    pub fn helo(mut self, name: impl Into<String>) -> Self {
        self.helo = Some(name.into());
        self
    }
    /// Host-supplied knowledge of past correspondence: `f(address)` is true when the
    /// organisation has exchanged mail with `address` before. Addresses are passed lowercased.
    pub fn known_correspondent(mut self, f: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.known = Some(Arc::new(f));
        self
    }
    /// Host-supplied knowledge of past correspondence as a set of addresses (compared
    /// case-insensitively); see [`MessageContext::known_correspondent`] for a callback.
    ///
    /// ```
    /// use mailrisk::MessageContext;
    /// let ctx = MessageContext::inbound().known_correspondents(["Buyer@Partner.example"]);
    /// assert!(ctx.is_known_correspondent("buyer@partner.example"));
    /// assert!(!ctx.is_known_correspondent("new@partner.example"));
    /// ```
    pub fn known_correspondents<I, S>(self, addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let set: std::collections::HashSet<String> = addresses
            .into_iter()
            .map(|a| a.as_ref().trim().to_lowercase())
            .collect();
        self.known_correspondent(move |a| set.contains(a))
    }
    /// The direction.
    pub fn direction(&self) -> &Direction {
        &self.direction
    }
    /// The envelope sender, lowercased.
    pub fn get_envelope_from(&self) -> Option<&str> {
        self.envelope_from.as_deref()
    }
    /// The envelope recipients, lowercased.
    pub fn get_recipients(&self) -> &[String] {
        &self.recipients
    }
    /// The connecting client's IP address.
    pub fn get_client_ip(&self) -> Option<IpAddr> {
        self.client_ip
    }
    /// The HELO/EHLO name.
    pub fn get_helo(&self) -> Option<&str> {
        self.helo.as_deref()
    }
    /// Whether the host says `address` is a known correspondent (false when it gave no
    /// knowledge).
    pub fn is_known_correspondent(&self, address: &str) -> bool {
        let addr = address.trim().to_lowercase();
        self.known.as_ref().is_some_and(|f| f(&addr))
    }
    /// Whether the host supplied correspondent knowledge at all.
    pub fn has_correspondent_knowledge(&self) -> bool {
        self.known.is_some()
    }
}
