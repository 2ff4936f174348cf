//! `message.*` rules: the message's own well-formedness and the resource limits it hit.

use crate::message::MessageView;
use crate::rules::{LIMIT_EXCEEDED, MALFORMED_FROM};
use crate::verdict::{Evidence, Findings};

pub(crate) fn check(view: &MessageView, out: &mut Findings<'_>) {
    malformed_from(view, out);
    for hit in &view.limits {
        out.add(
            &LIMIT_EXCEEDED,
            1.0,
            Evidence::new()
                .with("limit", hit.limit)
                .with("actual", hit.actual.to_string())
                .with("max", hit.max.to_string()),
        );
    }
}

fn malformed_from(view: &MessageView, out: &mut Findings<'_>) {
    let (reason, strength) = if !view.has_headers {
        ("no_header_section", 0.5)
    } else if view.from.is_empty() {
        ("missing", 0.5)
    } else if view.from.len() > 1 {
        ("multiple_from_headers", 1.0)
    } else {
        let field = &view.from[0];
        let with_address: Vec<&str> = field
            .mailboxes
            .iter()
            .filter_map(|m| m.address.as_deref())
            .collect();
        if with_address.is_empty() {
            ("no_address", 0.6)
        } else if with_address
            .iter()
            .any(|a| !crate::domain::is_valid_address(a))
        {
            ("invalid_address", 0.6)
        } else if field.mailboxes.len() > 1 && view.sender.is_none() {
            ("multiple_addresses_without_sender", 0.5)
        } else {
            return;
        }
    };
    let mut evidence = Evidence::new().with("reason", reason);
    if !view.from.is_empty() {
        let raw: Vec<&str> = view.from.iter().map(|f| f.raw.as_str()).collect();
        let mut shown = raw.join(" | ");
        if let Some((cut, _)) = shown.char_indices().nth(200) {
            shown.truncate(cut);
        }
        evidence = evidence
            .with("from", shown)
            .with("count", view.from.len().to_string());
    }
    out.add(&MALFORMED_FROM, strength, evidence);
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{assert_explained, score, score_with};
    use crate::MessageContext;

    const BODY: &str = "To: ap@acme-trade.com\nSubject: Invoice\n\nSee attached.\n";

    fn reason(raw: &str) -> Option<String> {
        let v = score(raw);
        assert_explained(&v);
        v.findings()
            .iter()
            .find(|f| f.id() == "message.malformed_from")
            .and_then(|f| f.evidence().get("reason").map(str::to_string))
    }

    #[test]
    fn flags_each_kind_of_malformed_from() {
        assert_eq!(reason(BODY).as_deref(), Some("missing"));
        let two = format!("From: Boss <ceo@acme-trade.com>\nFrom: x@attacker.example\n{BODY}");
        assert_eq!(reason(&two).as_deref(), Some("multiple_from_headers"));
        let none = format!("From: Accounts Department\n{BODY}");
        assert_eq!(reason(&none).as_deref(), Some("no_address"));
        let bad = format!("From: <billing@localhost>\n{BODY}");
        assert_eq!(reason(&bad).as_deref(), Some("invalid_address"));
        let multi = format!("From: a@x.example, b@y.example\n{BODY}");
        assert_eq!(
            reason(&multi).as_deref(),
            Some("multiple_addresses_without_sender")
        );
        assert_eq!(reason("").as_deref(), Some("no_header_section"));
    }

    #[test]
    fn well_formed_from_is_quiet() {
        assert_eq!(
            reason(&format!("From: Anna <anna@supplier.example>\n{BODY}")),
            None
        );
        let with_sender = format!("From: a@x.example, b@x.example\nSender: a@x.example\n{BODY}");
        assert_eq!(reason(&with_sender), None);
    }

    #[test]
    fn multiple_from_headers_are_high_severity() {
        let v = score(&format!(
            "From: Boss <ceo@acme-trade.com>\nFrom: x@attacker.example\n{BODY}"
        ));
        let f = &v.findings()[0];
        assert_eq!(f.id(), "message.malformed_from");
        assert!(f.severity() >= crate::Severity::Medium);
        assert!(f.explain(crate::Lang::En).contains("more than once"));
    }

    #[test]
    fn limits_are_reported_and_configurable() {
        let raw = format!(
            "From: a@x.example\nTo: b@y.example\nSubject: links\n\n{}",
            (0..20)
                .map(|i| format!("http://h{i}.example/ "))
                .collect::<String>()
        );
        let v = score_with("[limits]\nmax_urls = 5\n", &raw, &MessageContext::inbound());
        let f = v
            .findings()
            .iter()
            .find(|f| f.id() == "message.limit_exceeded")
            .expect("limit");
        assert_eq!(f.evidence().get("limit"), Some("urls"));
        assert_eq!(f.evidence().get("actual"), Some("20"));
        assert_eq!(f.evidence().get("max"), Some("5"));
        assert_explained(&v);
        assert!(!score(&raw).has("message.limit_exceeded"));
    }
}
