//! Policy validation: every value is checked and every problem is reported with its path.

use super::{Policy, PolicyIssue};
use crate::domain;

struct Issues(Vec<PolicyIssue>);

impl Issues {
    fn push(&mut self, path: String, message: impl Into<String>) {
        self.0.push(PolicyIssue {
            path,
            message: message.into(),
        });
    }
    fn domains(&mut self, path: &str, list: &[String]) {
        for (i, d) in list.iter().enumerate() {
            if !domain::is_valid_domain(&domain::normalize(d)) {
                self.push(
                    format!("{path}[{i}]"),
                    format!("{d:?} is not a domain name"),
                );
            }
        }
    }
    fn addresses(&mut self, path: &str, list: &[String]) {
        for (i, a) in list.iter().enumerate() {
            if !domain::is_valid_address(a) {
                self.push(
                    format!("{path}[{i}]"),
                    format!("{a:?} is not an e-mail address"),
                );
            }
        }
    }
    fn non_empty(&mut self, path: String, value: &str) {
        if value.trim().is_empty() {
            self.push(path, "must not be empty");
        }
    }
}

pub(super) fn check(p: &Policy) -> Vec<PolicyIssue> {
    let mut is = Issues(Vec::new());
    is.domains("organisation.domains", &p.organisation.domains);
    for (i, partner) in p.partners.iter().enumerate() {
        is.non_empty(format!("partners[{i}].name"), &partner.name);
        is.domains(&format!("partners[{i}].domains"), &partner.domains);
    }
    for (i, person) in p.people.iter().enumerate() {
        is.non_empty(format!("people[{i}].name"), &person.name);
        is.addresses(&format!("people[{i}].addresses"), &person.addresses);
        for (j, alias) in person.aliases.iter().enumerate() {
            is.non_empty(format!("people[{i}].aliases[{j}]"), alias);
        }
    }
    for (i, vendor) in p.vendors.iter().enumerate() {
        is.non_empty(format!("vendors[{i}].name"), &vendor.name);
        is.domains(&format!("vendors[{i}].domains"), &vendor.domains);
        for (j, acct) in vendor.accounts.iter().enumerate() {
            let path = format!("vendors[{i}].accounts[{j}]");
            if acct.iban.is_none() && acct.account.is_none() {
                is.push(path.clone(), "needs an iban or an account number");
            }
            if let Some(iban) = &acct.iban {
                if !crate::banking::is_valid_iban(iban) {
                    is.push(
                        format!("{path}.iban"),
                        format!("{iban:?} is not an IBAN (country length and mod-97 check)"),
                    );
                }
            }
            if let Some(swift) = &acct.swift {
                if !crate::banking::is_valid_bic(&crate::banking::compact(swift)) {
                    is.push(
                        format!("{path}.swift"),
                        format!("{swift:?} is not a SWIFT/BIC code"),
                    );
                }
            }
        }
    }
    for (i, id) in p.auth.trusted_authserv_ids.iter().enumerate() {
        is.non_empty(format!("auth.trusted_authserv_ids[{i}]"), id);
    }
    is.domains("auth.trusted_arc_sealers", &p.auth.trusted_arc_sealers);
    is.domains("allow.reply_to_domains", &p.allow.reply_to_domains);
    is.domains("lists.freemail", &p.lists.freemail);
    is.domains("lists.protected_domains", &p.lists.protected_domains);
    is.domains("allow.lookalike_domains", &p.allow.lookalike_domains);
    for (i, s) in p.lists.notification_senders.iter().enumerate() {
        let ok = match s.strip_prefix('@') {
            Some(d) => domain::is_valid_domain(&domain::normalize(d)),
            None => domain::is_valid_address(s),
        };
        if !ok {
            is.push(
                format!("lists.notification_senders[{i}]"),
                format!("{s:?} is neither an e-mail address nor @domain"),
            );
        }
    }

    for (i, name) in p.lists.disabled_brands.iter().enumerate() {
        if !crate::domain::brands::is_brand(name) {
            is.push(
                format!("lists.disabled_brands[{i}]"),
                format!("{name:?} is not a built-in brand (see core/data/brands.toml)"),
            );
        }
    }

    for (path, problem) in crate::lexicon::check_extra(&p.lexicon) {
        is.push(format!("lexicon.{path}"), problem.to_string());
    }
    for (i, a) in p.outbound.finance_mailboxes.iter().enumerate() {
        if !domain::is_valid_address(&a.trim().to_lowercase()) {
            is.push(
                format!("outbound.finance_mailboxes[{i}]"),
                format!("{a:?} is not an e-mail address"),
            );
        }
    }

    let t = &p.scoring.thresholds;
    if !(t.low < t.medium && t.medium < t.high && t.high < t.critical && t.critical <= 100) {
        is.push(
            "scoring.thresholds".into(),
            format!(
                "must increase strictly and stay within 100 (low {}, medium {}, high {}, critical {})",
                t.low, t.medium, t.high, t.critical
            ),
        );
    }
    for (id, o) in &p.scoring.rules {
        let path = format!("scoring.rules.{id:?}");
        if crate::rules::rule(id).is_none() {
            is.push(path.clone(), "no rule has this id (see `mailrisk rules`)");
        }
        if let Some(w) = o.weight {
            if !(0.0..=1.0).contains(&w) {
                is.push(format!("{path}.weight"), format!("{w} is outside [0, 1]"));
            }
        }
    }

    let l = &p.limits;
    for (name, value) in [
        ("max_message_bytes", l.max_message_bytes),
        ("max_mime_depth", l.max_mime_depth),
        ("max_parts", l.max_parts),
        ("max_headers", l.max_headers),
        ("max_urls", l.max_urls),
        ("max_text_bytes", l.max_text_bytes),
    ] {
        if value == 0 {
            is.push(format!("limits.{name}"), "must be at least 1");
        }
    }
    events(&p.events, &mut is);
    is.0
}

fn events(e: &super::Events, is: &mut Issues) {
    let zero = |n: usize| n == 0;
    for (name, value) in [
        ("history", zero(e.history)),
        ("max_users", zero(e.max_users)),
        ("max_sources", zero(e.max_sources)),
        ("max_event_ids", zero(e.max_event_ids)),
        ("user_failures", e.user_failures == 0),
        ("user_failure_minutes", e.user_failure_minutes == 0),
        ("source_failures", e.source_failures == 0),
        ("source_failure_minutes", e.source_failure_minutes == 0),
        ("spray_minutes", e.spray_minutes == 0),
        ("chain_hours", e.chain_hours == 0),
    ] {
        if value {
            is.push(format!("events.{name}"), "must be at least 1");
        }
    }
    for (name, value) in [
        ("travel_min_km", e.travel_min_km),
        ("travel_min_kmh", e.travel_min_kmh),
    ] {
        if !(value.is_finite() && value > 0.0) {
            is.push(
                format!("events.{name}"),
                format!("{value} is not a positive number"),
            );
        }
    }
    for (i, c) in e.allowed_countries.iter().enumerate() {
        if !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic())) {
            is.push(
                format!("events.allowed_countries[{i}]"),
                format!("{c:?} is not an ISO 3166 two-letter country code"),
            );
        }
    }
    let w = &e.work_hours;
    if w.offset_minutes().is_none() {
        is.push(
            "events.work_hours.utc_offset".into(),
            format!("{:?} is not an offset like \"+08:00\"", w.utc_offset),
        );
    }
    if !(w.start < w.end && w.end <= 24) {
        is.push(
            "events.work_hours".into(),
            format!(
                "start {} must be before end {} (at most 24)",
                w.start, w.end
            ),
        );
    }
    for (i, d) in w.days.iter().enumerate() {
        if !(1..=7).contains(d) {
            is.push(
                format!("events.work_hours.days[{i}]"),
                format!("{d} is not a weekday (1 = Monday … 7 = Sunday)"),
            );
        }
    }
    for (i, m) in e.mapping.iter().enumerate() {
        let path = format!("events.mapping[{i}]");
        is.non_empty(format!("{path}.name"), &m.name);
        if e.mapping[..i].iter().any(|o| o.name == m.name)
            || ["jsonl", "json", "native", "m365", "entra", "syslog"].contains(&m.name.as_str())
        {
            is.push(
                format!("{path}.name"),
                format!(
                    "{:?} is taken (another mapping or a built-in input)",
                    m.name
                ),
            );
        }
        if !["csv", "jsonl"].contains(&m.format.as_str()) {
            is.push(
                format!("{path}.format"),
                format!("{:?} is not csv or jsonl", m.format),
            );
        }
        is.non_empty(format!("{path}.time"), &m.time);
        is.non_empty(format!("{path}.user"), &m.user);
        let tf = m.time_format.as_str();
        if !(["", "rfc3339", "unix", "unix_ms"].contains(&tf)
            || (tf.contains("%Y") && tf.contains("%d") && tf.contains("%H")))
        {
            is.push(
                format!("{path}.time_format"),
                format!("{tf:?} is not rfc3339, unix, unix_ms or a %Y…%d…%H pattern"),
            );
        }
        if !m.utc_offset.is_empty() && crate::events::parse_utc_offset(&m.utc_offset).is_none() {
            is.push(
                format!("{path}.utc_offset"),
                format!("{:?} is not an offset like \"+08:00\"", m.utc_offset),
            );
        }
        for (k, v) in &m.outcome_values {
            if !super::MAPPING_OUTCOMES.contains(&v.as_str()) {
                is.push(
                    format!("{path}.outcome_values.{k:?}"),
                    format!("{v:?} is not one of {}", super::MAPPING_OUTCOMES.join(", ")),
                );
            }
        }
        for (k, v) in &m.protocol_values {
            if !super::MAPPING_PROTOCOLS.contains(&v.as_str()) {
                is.push(
                    format!("{path}.protocol_values.{k:?}"),
                    format!(
                        "{v:?} is not one of {}",
                        super::MAPPING_PROTOCOLS.join(", ")
                    ),
                );
            }
        }
    }
    for (list, values) in [
        ("finance_keywords", &e.finance_keywords),
        ("attack_user_agents", &e.attack_user_agents),
    ] {
        for (i, v) in values.iter().enumerate() {
            is.non_empty(format!("events.{list}[{i}]"), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Policy, PolicyError};

    fn issues(toml: &str) -> Vec<String> {
        match Policy::from_toml_str(toml) {
            Err(PolicyError::Invalid(list)) => list.iter().map(ToString::to_string).collect(),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let found = issues(
            r#"
            [organisation]
            domains = ["acme-trade.com", "not a domain"]
            [[people]]
            name = "Ann"
            addresses = ["ann@acme-trade.com"]
            [[people]]
            name = ""
            addresses = ["bob@"]
            [[vendors]]
            name = "Steel Co"
            accounts = [{ bank = "no number" }, { iban = "12" }]
            [scoring.thresholds]
            low = 50
            medium = 40
            [scoring.rules."sender.nope"]
            weight = 3.0
            [limits]
            max_parts = 0
            [lists]
            disabled_brands = ["Amazon", "Amazonas"]
            protected_domains = ["x"]
            builtin_brands = ["banks"]
            "#,
        );
        let expected = [
            "lists.disabled_brands[1]: \"Amazonas\" is not a built-in brand",
            "lists.protected_domains[0]: \"x\" is not a domain name",
            "organisation.domains[1]: \"not a domain\" is not a domain name",
            "people[1].name: must not be empty",
            "people[1].addresses[0]: \"bob@\" is not an e-mail address",
            "vendors[0].accounts[0]: needs an iban or an account number",
            "vendors[0].accounts[1].iban: \"12\" is not an IBAN",
            "scoring.thresholds: must increase strictly",
            "scoring.rules.\"sender.nope\": no rule has this id",
            "scoring.rules.\"sender.nope\".weight: 3 is outside [0, 1]",
            "limits.max_parts: must be at least 1",
        ];
        for e in expected {
            assert!(
                found.iter().any(|f| f.starts_with(e)),
                "missing {e:?} in {found:#?}"
            );
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn a_realistic_policy_is_accepted() {
        let p = Policy::from_toml_str(
            r#"
            language = "zh"
            [organisation]
            name = "Acme Trade"
            domains = ["acme-trade.com", "ACME-trade.cn."]
            internal_networks = ["10.0.0.0/8", "2001:db8::/32"]
            [[partners]]
            name = "Müller GmbH"
            kind = "customer"
            domains = ["müller.de"]
            [[vendors]]
            name = "Ningbo Steel"
            domains = ["nbsteel.cn"]
            accounts = [{ iban = "DE89 3704 0044 0532 0130 00", swift = "COBADEFFXXX" }]
            [lists]
            notification_senders = ["@calendar.example.org"]
            [scoring.rules."sender.reply_to_mismatch"]
            weight = 0.4
            "#,
        )
        .expect("valid");
        assert_eq!(p.organisation.internal_networks.len(), 2);
    }
}
