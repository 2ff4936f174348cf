//! `banking.*` rules: bank details in the message, compared with what the policy has on record.

use crate::banking::{self, Found, Kind};
use crate::domain::lookalike::ProtectedSource;
use crate::engine::Engine;
use crate::message::MessageView;
use crate::policy::Vendor;
use crate::rules::VENDOR_ACCOUNT_CHANGED;
use crate::verdict::{Evidence, Findings};

/// At most this many identifiers are read from one message.
const MAX_FOUND: usize = 64;

pub(crate) fn check(view: &MessageView, engine: &Engine, out: &mut Findings<'_>) {
    vendor_account_changed(view, engine, out);
}

/// `banking.vendor_account_changed`: a message from (or in the name of, or from a lookalike of)
/// a vendor with accounts on record carries an account number that is not one of them.
fn vendor_account_changed(view: &MessageView, engine: &Engine, out: &mut Findings<'_>) {
    let vendors = &engine.policy.vendors;
    if vendors.iter().all(|v| v.accounts.is_empty()) {
        return;
    }
    let Some(author) = view.author() else {
        return;
    };
    let (Some(addr), Some(org)) = (author.address.as_deref(), author.org.as_deref()) else {
        return;
    };
    let Some((vendor, how)) = which_vendor(view, engine, org, addr) else {
        return;
    };
    if vendor.accounts.is_empty() {
        return;
    }
    let on_record: Vec<String> = vendor
        .accounts
        .iter()
        .flat_map(|a| [a.iban.as_deref(), a.account.as_deref()])
        .flatten()
        .map(banking::compact)
        .collect();
    let found = banking::extract(&view.text, MAX_FOUND);
    let new: Vec<&Found> = found
        .iter()
        .filter(|f| matches!(f.kind, Kind::Iban | Kind::Card | Kind::Aba | Kind::Account))
        .filter(|f| {
            !on_record
                .iter()
                .any(|r| r == &f.value || r.ends_with(&f.value))
        })
        .collect();
    let Some(first) = new.first() else {
        return;
    };
    let strength = if how == "name" { 0.85 } else { 1.0 };
    out.add(
        &VENDOR_ACCOUNT_CHANGED,
        strength,
        Evidence::new()
            .with("vendor", vendor.name.as_str())
            .with("sender", how)
            .with("kind", first.kind.as_str())
            .with("account", mask(&first.value))
            .with("from", addr)
            .with("count", new.len().to_string()),
    );
}

/// The vendor a message comes from or speaks for, and how that was established: its own
/// domain, a lookalike of it, or its name in the display name.
fn which_vendor<'a>(
    view: &MessageView,
    engine: &'a Engine,
    org: &str,
    addr: &str,
) -> Option<(&'a Vendor, &'static str)> {
    let vendors = &engine.policy.vendors;
    let by_domain = |d: &str| engine.vendor_by_org.get(d).and_then(|&i| vendors.get(i));
    if let Some(v) = by_domain(org) {
        return Some((v, "vendor_domain"));
    }
    if let Some((_, host)) = crate::domain::split_address(addr) {
        if let Ok(Some(m)) = engine.check_domain(host) {
            if m.detail.source == ProtectedSource::Vendor {
                if let Some(v) = by_domain(&m.protected) {
                    return Some((v, "lookalike_domain"));
                }
            }
        }
    }
    let name = view.author().and_then(|a| a.name.as_deref())?;
    let named = engine.companies.named_in(name);
    let company = named.iter().find(|c| c.kind == "vendor")?;
    vendors
        .iter()
        .find(|v| v.name == company.name)
        .map(|v| (v, "name"))
}

/// An account number with all but its first four and last four characters hidden.
fn mask(s: &str) -> String {
    let n = s.chars().count();
    if n <= 8 {
        return s.to_string();
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || i >= n - 4 { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::mask;
    use crate::detect::testutil::{assert_explained, evidence, score_with};
    use crate::MessageContext;

    const POLICY: &str = r#"
        [organisation]
        domains = ["acme-trade.com"]
        [[vendors]]
        name = "Ningbo Steel Co., Ltd."
        domains = ["nbsteel.cn"]
        accounts = [{ iban = "DE89 3704 0044 0532 0130 00", swift = "COBADEFFXXX" }]
    "#;
    const RULE: &str = "banking.vendor_account_changed";

    fn scored(from: &str, body: &str) -> crate::Verdict {
        let raw = format!("From: {from}\nTo: ap@acme-trade.com\nSubject: invoice\n\n{body}\n");
        let v = score_with(POLICY, &raw, &MessageContext::inbound());
        assert_explained(&v);
        v
    }

    #[test]
    fn a_new_account_from_the_vendor_its_lookalike_or_its_name() {
        let body = "Due to our audit please remit to our new account\n\
                    IBAN GB82 WEST 1234 5698 7654 32, SWIFT WESTGB2L.";
        for (from, how) in [
            ("accounts@nbsteel.cn", "vendor_domain"),
            ("accounts@nbstee1.cn", "lookalike_domain"),
            ("\"Ningbo Steel Accounts\" <ningbo.steel@gmail.com>", "name"),
        ] {
            let v = scored(from, body);
            assert_eq!(evidence(&v, RULE, "sender").as_deref(), Some(how), "{from}");
            assert_eq!(evidence(&v, RULE, "kind").as_deref(), Some("iban"));
            assert_eq!(
                evidence(&v, RULE, "account").as_deref(),
                Some("GB82**************5432")
            );
        }
    }

    #[test]
    fn the_account_on_record_and_other_senders_are_quiet() {
        let on_record = "Please pay invoice NS-1187 to IBAN DE89 3704 0044 0532 0130 00 as usual.";
        assert!(!scored("accounts@nbsteel.cn", on_record).has(RULE));
        let other = "IBAN GB82 WEST 1234 5698 7654 32";
        assert!(!scored("sales@unrelated.example", other).has(RULE));
        assert!(!scored("accounts@nbsteel.cn", "Invoice attached, thank you.").has(RULE));
    }

    #[test]
    fn chinese_payment_change_from_the_vendor() {
        let v = scored(
            "=?UTF-8?B?5a6B5rOi6ZKi6ZOB?= <caiwu@nbsteel.cn>",
            "您好：因公司审计，我司银行账户已变更，请将货款汇至新账户。\n收款账号：6228 4800 1234 5678\n谢谢！",
        );
        assert_eq!(
            evidence(&v, RULE, "kind").as_deref(),
            Some("account_number")
        );
        assert_eq!(
            evidence(&v, RULE, "account").as_deref(),
            Some("6228********5678")
        );
    }

    #[test]
    fn masks_account_numbers() {
        assert_eq!(mask("DE89370400440532013000"), "DE89**************3000");
        assert_eq!(mask("12345678"), "12345678");
    }
}
