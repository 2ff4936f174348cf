//! Sender authentication as the receiving MTA reported it: `Authentication-Results` headers
//! (RFC 8601) written by the organisation's own servers.
//!
//! Only headers whose authserv-id is in `auth.trusted_authserv_ids` and that stand above the
//! trust boundary count. The boundary is the first Received field, from the top, that was not
//! written by the organisation's own servers (its `by` host is neither in the organisation's
//! domains nor under a trusted authserv-id's domain): anything below it came with the message
//! and could have been written by the sender. A results header below the boundary that claims
//! to be the organisation's is reported as forged.
//!
//! DMARC alignment is computed on registrable domains (relaxed mode), as the results carry no
//! `adkim`/`aspf` tags.

pub(crate) mod results;
#[cfg(feature = "verify")]
pub(crate) mod verify;

use crate::compiled::Compiled;
use crate::domain::{org_of, registrable};
use crate::message::MessageView;
use results::{AuthResults, MethodResult};

/// What the trusted results headers say about a message.
#[derive(Debug, Default)]
pub(crate) struct Authentication {
    /// Results of trusted `Authentication-Results` headers above the boundary, top first.
    pub(crate) trusted: Vec<AuthResults>,
    /// Results headers below the boundary that claim an authserv-id of the organisation:
    /// `(authserv-id, Received fields above it)`.
    pub(crate) forged: Vec<(String, usize)>,
}

/// Whether `host` is `id` or under the registrable domain of one of `ids`.
fn under_any(host: &str, ids: &[String]) -> bool {
    let org = registrable(host);
    ids.iter().any(|id| host == id || registrable(id) == org)
}

impl Authentication {
    /// The trusted results for a message: its own verification when the context carries DNS
    /// records (feature `verify`), then the trusted `Authentication-Results` headers.
    pub(crate) fn read(
        raw: &[u8],
        view: &MessageView,
        compiled: &Compiled,
        ctx: &crate::MessageContext,
    ) -> Authentication {
        #[cfg_attr(not(feature = "verify"), allow(unused_mut))]
        let mut auth = Authentication::from_headers(view, compiled);
        #[cfg(feature = "verify")]
        if let Some(dns) = ctx.get_dns_records() {
            let helo = ctx.get_helo().unwrap_or_default();
            let envelope = ctx.get_client_ip().map(|client_ip| verify::Envelope {
                client_ip,
                helo,
                mail_from: ctx.get_envelope_from().unwrap_or_default(),
            });
            match verify::verify(raw, envelope.as_ref(), dns) {
                Ok(results) => auth.trusted.insert(0, results),
                // Unreadable input has no authentication to verify; a verifier that waited
                // for DNS is a bug, caught in tests.
                Err(e) => debug_assert!(e == verify::VerifyError::Unreadable, "{e}"),
            }
        }
        #[cfg(not(feature = "verify"))]
        let _ = (raw, ctx);
        auth
    }

    fn from_headers(view: &MessageView, compiled: &Compiled) -> Authentication {
        let trusted_ids = &compiled.trusted_authserv_ids;
        let own = |host: &str| {
            compiled.own_domains.contains_org(registrable(host)) || under_any(host, trusted_ids)
        };
        // How many Received fields from the top our own servers wrote.
        let boundary = view
            .received
            .iter()
            .take_while(|hop| hop.by_host.as_deref().is_some_and(own))
            .count();
        let mut auth = Authentication::default();
        for h in &view.auth_results {
            let Ok(parsed) = results::parse(&h.value, false) else {
                continue;
            };
            let id = parsed.authserv_id.as_str();
            let ours = trusted_ids.iter().any(|t| t == id);
            let claims_ours = ours || compiled.own_domains.contains_org(registrable(id));
            if h.received_above > boundary {
                if claims_ours {
                    auth.forged
                        .push((parsed.authserv_id.clone(), h.received_above));
                }
            } else if ours {
                auth.trusted.push(parsed);
            }
        }
        auth
    }

    /// The topmost trusted result of `method`.
    pub(crate) fn result<'a>(&'a self, method: &'a str) -> Option<&'a MethodResult> {
        self.results(method).next()
    }

    /// Every trusted result of `method` in the topmost header that has one (a message can
    /// carry several DKIM signatures).
    pub(crate) fn results<'a>(&'a self, method: &'a str) -> impl Iterator<Item = &'a MethodResult> {
        self.trusted
            .iter()
            .find(|h| h.results.iter().any(|r| r.method == method))
            .into_iter()
            .flat_map(move |h| h.results.iter().filter(move |r| r.method == method))
    }

    /// Whether an authentication pass is aligned with the From domain's organisation
    /// `from_org`: DMARC pass, or SPF pass for the same organisation's envelope sender, or a
    /// DKIM pass signed by the same organisation.
    pub(crate) fn aligned_pass(&self, from_org: &str) -> bool {
        let same = |d: Option<&str>| d.is_some_and(|d| org_of(d) == from_org);
        self.result("dmarc").is_some_and(|r| r.result == "pass")
            || self
                .results("spf")
                .any(|r| r.result == "pass" && same(r.prop("smtp", "mailfrom")))
            || self.results("dkim").any(|r| {
                r.result == "pass" && same(r.prop("header", "d").or(r.prop("header", "i")))
            })
    }

    /// Whether any trusted header was read.
    pub(crate) fn has_results(&self) -> bool {
        !self.trusted.is_empty()
    }
}
