//! `links.*` rules: where the links in the body go.

use crate::domain::lookalike::Lookalike;
use crate::engine::Engine;
use crate::message::MessageView;
use crate::rules::LINK_LOOKALIKE;
use crate::verdict::{Evidence, Findings, Severity};

pub(crate) fn check(view: &MessageView, engine: &Engine, out: &mut Findings<'_>) {
    lookalike_links(view, engine, out);
}

/// `links.lookalike_domain`: the strongest link to a host imitating a protected domain.
fn lookalike_links(view: &MessageView, engine: &Engine, out: &mut Findings<'_>) {
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
        let Ok(Some(m)) = engine.check_domain(host) else {
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
