//! `links.*` rules: where the links in the body go.

use std::net::IpAddr;
use std::sync::OnceLock;

use crate::compiled::Compiled;
use crate::domain::lookalike::Lookalike;
use crate::domain::{self, DomainSet};
use crate::message::{urls, MessageView};
use crate::rules::{
    IP_LITERAL, LINK_LOOKALIKE, MIXED_SCRIPT_HOST, SCRIPT_URL, SHORTENER, TEXT_HREF_MISMATCH,
};
use crate::verdict::{Evidence, Findings, Severity};

pub(crate) fn check(view: &MessageView, compiled: &Compiled, out: &mut Findings<'_>) {
    lookalike_links(view, compiled, out);
    text_href_mismatch(view, compiled, out);
    ip_literal(view, out);
    script_url(view, out);
    shortener(view, out);
    mixed_script_host(view, out);
}

static SHORTENER_SET: OnceLock<DomainSet> = OnceLock::new();
static WRAPPER_SET: OnceLock<DomainSet> = OnceLock::new();

/// A built-in list compiled once per process, not once per message.
fn constant_set(cell: &'static OnceLock<DomainSet>, list: &[&str]) -> &'static DomainSet {
    cell.get_or_init(|| DomainSet::new(list.iter().copied()))
}

/// URL shorteners: the link hides where it goes until it is clicked.
const SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "rb.gy",
    "t.ly",
    "tiny.cc",
    "s.id",
    "v.gd",
    "dwz.cn",
    "suo.im",
    "url.cn",
    "t.cn",
    "qrco.de",
    "shorte.st",
];

/// `links.shortener`: a link through a URL shortener.
fn shortener(view: &MessageView, out: &mut Findings<'_>) {
    let set = constant_set(&SHORTENER_SET, SHORTENERS);
    let found: Vec<&crate::message::Url> = view
        .urls
        .iter()
        .filter(|u| {
            u.host
                .as_deref()
                .is_some_and(|h| set.contains_org(domain::registrable(h)))
        })
        .collect();
    if let Some(u) = found.first() {
        out.add(
            &SHORTENER,
            1.0,
            Evidence::new()
                .with("url", u.href.chars().take(200).collect::<String>())
                .with("count", found.len().to_string()),
        );
    }
}

/// `links.mixed_script_host`: a link host with a label that mixes scripts (Latin with
/// Cyrillic or Greek), written in Unicode or punycode. Single-script IDNs (müller.de,
/// 中国银行.cn) are normal.
fn mixed_script_host(view: &MessageView, out: &mut Findings<'_>) {
    use unicode_security::mixed_script::AugmentedScriptSet;
    for u in &view.urls {
        let Some(host) = u.host.as_deref() else {
            continue;
        };
        if host.is_ascii() && !host.contains("xn--") {
            continue;
        }
        let Some(unicode) = crate::domain::lookalike::canonical_host(host) else {
            continue;
        };
        let mixed = unicode.split('.').find(|label| {
            let letters: String = label.chars().filter(|c| c.is_alphabetic()).collect();
            !letters.is_empty() && AugmentedScriptSet::for_str(&letters).is_empty()
        });
        if let Some(label) = mixed {
            out.add(
                &MIXED_SCRIPT_HOST,
                1.0,
                Evidence::new()
                    .with("host", host)
                    .with("label", label.to_string()),
            );
            return;
        }
    }
}

/// Link wrappers and click trackers of mail providers and e-mail service providers: a link
/// that shows one site and goes through one of these is how newsletters are built.
const LINK_WRAPPERS: &[&str] = &[
    "safelinks.protection.outlook.com",
    "urldefense.com",
    "urldefense.proofpoint.com",
    "list-manage.com",
    "mailchimp.com",
    "sendgrid.net",
    "mandrillapp.com",
    "mailgun.org",
    "hubspotlinks.com",
    "hs-sites.com",
    "ct.sendgrid.net",
    "exacttarget.com",
    "rs6.net",
    "mkt.com",
    "mktoweb.com",
    "sparkpostmail.com",
    "awstrack.me",
    "mailjet.com",
    "t.co",
    "lnkd.in",
    "linkedin.com",
    "google.com",
    "doubleclick.net",
    "mimecast.com",
    "messagelabs.com",
    "barracudanetworks.com",
    "bit.ly",
];

/// The host a link's visible text shows (`www.bank.com`, `https://bank.com/login`,
/// `bank.com/invoice`), if the text is a URL or a host name with a known public suffix.
fn shown_host(text: &str) -> Option<String> {
    let t = text.trim();
    if t.contains(char::is_whitespace) {
        return None;
    }
    let host = urls::host(t).or_else(|| {
        let h = t.split(['/', '?', '#']).next()?;
        Some(domain::normalize(h))
    })?;
    let known = psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known());
    (domain::is_valid_domain(&host) && known).then_some(host)
}

/// `links.text_href_mismatch`: a link shows one site and goes to another organisation.
fn text_href_mismatch(view: &MessageView, compiled: &Compiled, out: &mut Findings<'_>) {
    let wrappers = constant_set(&WRAPPER_SET, LINK_WRAPPERS);
    let own = view.author().and_then(|a| a.org.as_deref());
    let mut first: Option<(String, &str, &str, bool)> = None;
    let mut count = 0usize;
    for url in &view.urls {
        let (Some(text), Some(host)) = (url.text.as_deref(), url.host.as_deref()) else {
            continue;
        };
        let Some(shown) = shown_host(text) else {
            continue;
        };
        let (shown_org, href_org) = (domain::registrable(&shown), domain::registrable(host));
        let label = |org: &str| org.split('.').next().unwrap_or_default().to_string();
        if shown_org == href_org
            || label(shown_org) == label(href_org) // the same name under another suffix
            || wrappers.contains_org(href_org)
            || Some(href_org) == own
        // the sender's own tracking domain
        {
            continue;
        }
        count += 1;
        let protected = compiled.lookalikes.is_protected(shown_org);
        if first.as_ref().is_none_or(|f| protected && !f.3) {
            first = Some((shown.clone(), host, url.href.as_str(), protected));
        }
    }
    let Some((shown, host, href, protected)) = first else {
        return;
    };
    out.add(
        &TEXT_HREF_MISMATCH,
        if protected { 1.0 } else { 0.6 },
        Evidence::new()
            .with("shown", shown)
            .with("host", host)
            .with("url", href.chars().take(200).collect::<String>())
            .with("count", count.to_string()),
    );
}

/// `links.ip_literal`: a link to a bare IP address.
fn ip_literal(view: &MessageView, out: &mut Findings<'_>) {
    let ips: Vec<&crate::message::Url> = view
        .urls
        .iter()
        .filter(|u| {
            u.host
                .as_deref()
                .is_some_and(|h| h.parse::<IpAddr>().is_ok())
        })
        .collect();
    if let Some(u) = ips.first() {
        out.add(
            &IP_LITERAL,
            1.0,
            Evidence::new()
                .with("url", u.href.chars().take(200).collect::<String>())
                .with("count", ips.len().to_string()),
        );
    }
}

/// `links.script_url`: a `javascript:`, `vbscript:` or non-image `data:` link.
fn script_url(view: &MessageView, out: &mut Findings<'_>) {
    let bad = |u: &&crate::message::Url| match u.scheme.as_str() {
        "javascript" | "vbscript" => true,
        "data" => !u
            .href
            .trim()
            .get(5..)
            .unwrap_or_default()
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("image/"),
        _ => false,
    };
    if let Some(u) = view.urls.iter().find(bad) {
        out.add(
            &SCRIPT_URL,
            1.0,
            Evidence::new()
                .with("scheme", u.scheme.as_str())
                .with("url", u.href.chars().take(200).collect::<String>()),
        );
    }
}

/// `links.lookalike_domain`: the strongest link to a host imitating a protected domain.
fn lookalike_links(view: &MessageView, compiled: &Compiled, out: &mut Findings<'_>) {
    let own = view.author().and_then(|a| a.org.as_deref());
    let mut best: Option<(Lookalike, &str, &str)> = None;
    let mut count = 0usize;
    let mut checked: Vec<&str> = Vec::new();
    for url in &view.urls {
        let Some(host) = url.host.as_deref() else {
            continue;
        };
        if checked.contains(&host) {
            continue;
        }
        checked.push(host);
        let Ok(Some(m)) = compiled.check_domain(host) else {
            continue;
        };
        // The sender's own site: a lookalike sender is reported as such.
        if Some(m.detail.candidate.as_str()) == own {
            continue;
        }
        count += 1;
        if best
            .as_ref()
            .is_none_or(|(b, _, _)| m.severity > b.severity)
        {
            best = Some((m, host, url.href.as_str()));
        }
    }
    let Some((m, host, href)) = best else {
        return;
    };
    out.add(
        &LINK_LOOKALIKE,
        match_strength(m.severity),
        Evidence::new()
            .with("host", host)
            .with("protected", m.protected)
            .with("technique", m.technique.as_str())
            .with("match", m.severity.as_str())
            .with("url", href.chars().take(200).collect::<String>())
            .with("count", count.to_string()),
    );
}

/// The share of a lookalike rule's weight that a match of this severity carries.
pub(crate) fn match_strength(s: Severity) -> f64 {
    match s {
        Severity::Critical | Severity::High => 1.0,
        Severity::Medium => 0.55,
        _ => 0.25,
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{assert_explained, score_with};
    use crate::MessageContext;

    const POLICY: &str = r#"
        [organisation]
        name = "Acme Trade Co., Ltd."
        domains = ["acme-trade.com"]
    "#;

    fn links(body: &str) -> Option<(String, String, String)> {
        let raw = format!(
            "From: Supplier <sales@supplier-mail.example>\nTo: ap@acme-trade.com\n\
             Subject: documents\nContent-Type: text/html\n\n{body}\n"
        );
        let v = score_with(POLICY, &raw, &MessageContext::inbound());
        assert_explained(&v);
        v.findings()
            .iter()
            .find(|f| f.id() == "links.lookalike_domain")
            .map(|f| {
                let e = f.evidence();
                (
                    e.get("host").unwrap_or("").to_string(),
                    e.get("protected").unwrap_or("").to_string(),
                    e.get("technique").unwrap_or("").to_string(),
                )
            })
    }

    #[test]
    fn lookalike_link_hosts_are_reported() {
        let (host, protected, technique) =
            links(r#"<a href="https://acme-trade.com.secure-docs.io/login">Open invoice</a>"#)
                .expect("embedding");
        assert_eq!(
            (host.as_str(), protected.as_str(), technique.as_str()),
            (
                "acme-trade.com.secure-docs.io",
                "acme-trade.com",
                "embedding"
            )
        );
        let (_, protected, technique) =
            links(r#"<a href="https://www.paypa1.com/signin">PayPal</a>"#).expect("homoglyph");
        assert_eq!(
            (protected.as_str(), technique.as_str()),
            ("paypal.com", "homoglyph")
        );
    }

    fn fired(body: &str) -> Vec<String> {
        let raw = format!(
            "From: Bank <notice@bank-mailer.example>\nTo: ap@acme-trade.com\n\
             Subject: notice\nContent-Type: text/html\n\n{body}\n"
        );
        let v = score_with(POLICY, &raw, &MessageContext::inbound());
        assert_explained(&v);
        v.findings().iter().map(|f| f.id().to_string()).collect()
    }

    #[test]
    fn links_that_show_one_site_and_go_to_another() {
        let has = |body: &str, rule: &str| fired(body).iter().any(|r| r == rule);
        let rule = "links.text_href_mismatch";
        assert!(has(
            r#"<a href="https://evil.example/login">www.hsbc.com</a>"#,
            rule
        ));
        assert!(has(
            r#"<a href="http://203.0.113.9/x">https://acme-trade.com/invoice</a>"#,
            rule
        ));
        for quiet in [
            r#"<a href="https://www.hsbc.com.hk/x">www.hsbc.com</a>"#, // same name, other suffix
            r#"<a href="https://mail.hsbc.com/x">hsbc.com</a>"#,
            r#"<a href="https://nam02.safelinks.protection.outlook.com/?url=x">www.partner.example</a>"#,
            r#"<a href="https://click.bank-mailer.example/t/1">www.partner.example</a>"#, // sender's own tracker
            r#"<a href="https://evil.example/">Click here</a>"#,
            r#"<a href="https://evil.example/">invoice.pdf</a>"#, // .pdf is no public suffix
        ] {
            assert!(!has(quiet, rule), "{quiet}");
        }
    }

    #[test]
    fn ip_and_script_links() {
        assert!(fired(r#"<a href="http://198.51.100.7/pay">pay</a>"#)
            .contains(&"links.ip_literal".to_string()));
        assert!(fired(r#"<a href="http://[2001:db8::1]/pay">pay</a>"#)
            .contains(&"links.ip_literal".to_string()));
        assert!(fired(r#"<a href="javascript:alert(1)">open</a>"#)
            .contains(&"links.script_url".to_string()));
        assert!(
            fired(r#"<a href="data:text/html;base64,PGgxPg==">open</a>"#)
                .contains(&"links.script_url".to_string())
        );
        let quiet = fired(
            r#"<a href="data:image/png;base64,iVBOR">logo</a> <a href="https://example.org/">site</a>"#,
        );
        assert!(
            !quiet
                .iter()
                .any(|r| r == "links.script_url" || r == "links.ip_literal"),
            "{quiet:?}"
        );
    }

    #[test]
    fn links_are_read_as_a_browser_reads_them() {
        let has = |body: &str, rule: &str| fired(body).iter().any(|r| r == rule);
        // Numeric, hexadecimal and IPv4-mapped IPv6 addresses are addresses to a browser.
        for href in [
            "http://3232235777/pay",
            "http://0x7f.1/pay",
            "http://0300.0250.0.1/pay",
            "http://[::ffff:192.168.0.1]/pay",
            "HTTP://198.51.100.7./pay",
        ] {
            assert!(
                has(&format!(r#"<a href="{href}">pay</a>"#), "links.ip_literal"),
                "{href}"
            );
        }
        // Backslashes, a missing slash, user info, percent-encoding and tabs do not hide
        // where a link goes.
        for href in [
            r"https:/\evil.example/signin",
            r"https:\\evil.example/signin",
            "https://www.paypal.com@evil.example/signin",
            "https://www.paypal.com:443@evil.example/signin",
            "https://%65vil.example/signin",
            "https://evil.exa&#9;mple/signin",
            "https://evil.example./signin",
        ] {
            let body = format!(r#"<a href="{href}">https://www.paypal.com/signin</a>"#);
            let v = fired(&body);
            assert!(
                v.iter().any(|r| r == "links.text_href_mismatch"),
                "{href}: {v:?}"
            );
        }
        // The real site, written oddly but going there, stays quiet.
        for href in [
            "HTTPS://WWW.PAYPAL.COM/signin",
            "https://www.paypal.com./signin",
            r"https:/\www.paypal.com/signin",
            "https://user@www.paypal.com/signin",
        ] {
            let body = format!(r#"<a href="{href}">https://www.paypal.com/signin</a>"#);
            let v = fired(&body);
            assert!(
                !v.iter()
                    .any(|r| r == "links.text_href_mismatch" || r == "links.ip_literal"),
                "{href}: {v:?}"
            );
        }
    }

    #[test]
    fn shorteners_and_mixed_script_hosts() {
        let has = |body: &str, rule: &str| fired(body).iter().any(|r| r == rule);
        assert!(has(
            r#"<a href="https://bit.ly/3abcD">invoice</a>"#,
            "links.shortener"
        ));
        assert!(!has(
            r#"<a href="https://example.org/bit.ly">x</a>"#,
            "links.shortener"
        ));
        // pаypal with a Cyrillic а, as punycode and as Unicode.
        let puny = r#"<a href="https://xn--pypal-4ve.com/">login</a>"#;
        assert!(has(puny, "links.mixed_script_host"));
        assert!(has(
            r#"<a href="https://pаypal.com/">login</a>"#,
            "links.mixed_script_host"
        ));
        for quiet in [
            r#"<a href="https://xn--mller-kva.de/">Müller</a>"#,
            r#"<a href="https://中国银行.cn/">BOC</a>"#,
            r#"<a href="https://аррӏе.com/">all Cyrillic</a>"#, // single script: the lookalike rule's case
        ] {
            assert!(!has(quiet, "links.mixed_script_host"), "{quiet}");
        }
    }

    #[test]
    fn ordinary_and_protected_links_are_quiet() {
        assert_eq!(
            links(
                r#"<a href="https://www.acme-trade.com/po/123">PO</a>
                   <a href="https://github.com/x">code</a>
                   <a href="https://www.dhl.com/track?id=1">track</a>
                   <a href="https://example.org/">site</a>"#
            ),
            None
        );
    }
}
