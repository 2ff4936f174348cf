//! `banking.*` rules: bank details in the message, compared with what the policy has on record.

use super::content::Reading;
use crate::banking::{self, Found, Kind};
use crate::compiled::Compiled;
use crate::domain::lookalike::ProtectedSource;
use crate::message::MessageView;
use crate::policy::Vendor;
use crate::rules::{NEW_ACCOUNT_DETAILS, VENDOR_ACCOUNT_CHANGED};
use crate::verdict::{Evidence, Findings};

pub(crate) fn check(
    view: &MessageView,
    compiled: &Compiled,
    reading: &Reading<'_>,
    out: &mut Findings<'_>,
) {
    vendor_account_changed(view, compiled, reading, out);
    new_account_details(compiled, reading, out);
}

/// Whether a found identifier is an account money can be sent to.
pub(crate) fn is_account(f: &Found) -> bool {
    matches!(f.kind, Kind::Iban | Kind::Card | Kind::Aba | Kind::Account)
}

/// Every account on record for any vendor, compact.
pub(crate) fn accounts_on_record<'a>(vendors: impl IntoIterator<Item = &'a Vendor>) -> Vec<String> {
    vendors
        .into_iter()
        .flat_map(|v| &v.accounts)
        .flat_map(|a| [a.iban.as_deref(), a.account.as_deref()])
        .flatten()
        .map(banking::compact)
        .collect()
}

/// Whether `f` is one of the accounts on record.
pub(crate) fn on_record(records: &[String], f: &Found) -> bool {
    records
        .iter()
        .any(|r| r == &f.value || r.ends_with(&f.value))
}

/// `banking.new_account_details`: account numbers together with change language, for any
/// sender, except accounts the registry knows.
fn new_account_details(compiled: &Compiled, reading: &Reading<'_>, out: &mut Findings<'_>) {
    let Some((phrase, _, strength)) = reading.bank_change() else {
        return;
    };
    let records = accounts_on_record(&compiled.policy.vendors);
    let accounts: Vec<&Found> = reading.bank().iter().filter(|f| is_account(f)).collect();
    let Some(first) = accounts.iter().find(|f| !on_record(&records, f)) else {
        return;
    };
    let beneficiary = reading
        .bank()
        .iter()
        .find(|f| f.kind == Kind::Beneficiary)
        .map_or("-", |f| f.value.as_str());
    out.add(
        &NEW_ACCOUNT_DETAILS,
        strength * phrase.factor(),
        Evidence::new()
            .with("kind", first.kind.as_str())
            .with("account", mask(&first.value))
            .with("phrase", phrase.phrase)
            .with("beneficiary", beneficiary)
            .with("count", accounts.len().to_string()),
    );
}

/// `banking.vendor_account_changed`: a message from (or in the name of, or from a lookalike of)
/// a vendor with accounts on record carries an account number that is not one of them.
fn vendor_account_changed(
    view: &MessageView,
    compiled: &Compiled,
    reading: &Reading<'_>,
    out: &mut Findings<'_>,
) {
    let vendors = &compiled.policy.vendors;
    if vendors.iter().all(|v| v.accounts.is_empty()) {
        return;
    }
    let Some(author) = view.author() else {
        return;
    };
    let (Some(addr), Some(org)) = (author.address.as_deref(), author.org.as_deref()) else {
        return;
    };
    let Some((vendor, how)) = which_vendor(view, compiled, org, addr) else {
        return;
    };
    if vendor.accounts.is_empty() {
        return;
    }
    let records = accounts_on_record([vendor]);
    let new: Vec<&Found> = reading
        .bank()
        .iter()
        .filter(|f| is_account(f) && !on_record(&records, f))
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
    compiled: &'a Compiled,
    org: &str,
    addr: &str,
) -> Option<(&'a Vendor, &'static str)> {
    let vendors = &compiled.policy.vendors;
    let by_domain = |d: &str| compiled.vendor_by_org.get(d).and_then(|&i| vendors.get(i));
    if let Some(v) = by_domain(org) {
        return Some((v, "vendor_domain"));
    }
    if let Some((_, host)) = crate::domain::split_address(addr) {
        if let Ok(Some(m)) = compiled.check_domain(host) {
            if m.detail.source == ProtectedSource::Vendor {
                if let Some(v) = by_domain(&m.protected) {
                    return Some((v, "lookalike_domain"));
                }
            }
        }
    }
    let name = view.author().and_then(|a| a.name.as_deref())?;
    let named = compiled.companies.named_in(name);
    let company = named.iter().find(|c| c.kind == "vendor")?;
    vendors
        .iter()
        .find(|v| v.name == company.name)
        .map(|v| (v, "name"))
}

/// An account number with all but its first four and last four characters hidden.
pub(crate) fn mask(s: &str) -> String {
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

    const NEW: &str = "banking.new_account_details";

    #[test]
    fn new_details_with_change_language_from_any_sender() {
        let v = scored(
            "\"Mueller GmbH\" <buchhaltung@mueller-gmbh.de>",
            "Sehr geehrte Damen und Herren,\nbitte beachten Sie unsere neue Bankverbindung:\n\
             IBAN: GB82 WEST 1234 5698 7654 32\nKontoinhaber: Mueller Handels GmbH\n",
        );
        assert_eq!(evidence(&v, NEW, "kind").as_deref(), Some("iban"));
        assert_eq!(
            evidence(&v, NEW, "phrase").as_deref(),
            Some("neue Bankverbindung")
        );
        assert_eq!(
            evidence(&v, NEW, "beneficiary").as_deref(),
            Some("Mueller Handels GmbH")
        );
        // The same details without change language, or the account on record, stay quiet.
        let plain = scored(
            "buchhaltung@mueller-gmbh.de",
            "Rechnung anbei. IBAN: GB82 WEST 1234 5698 7654 32",
        );
        assert!(!plain.has(NEW));
        let known = scored(
            "accounts@nbsteel.cn",
            "Our bank details have been updated: IBAN DE89 3704 0044 0532 0130 00.",
        );
        assert!(!known.has(NEW) && !known.has(RULE));
    }

    #[test]
    fn impersonation_and_a_payment_change_make_the_verdict_critical() {
        // A lookalike of the vendor asking to pay a new account: both halves of the composite.
        let v = scored(
            "accounts@nbstee1.cn",
            "Due to our annual audit our bank account has changed.\n\
             Please remit to IBAN GB82 WEST 1234 5698 7654 32.",
        );
        assert!(v.has("composite.bec_payment_request"), "{:?}", v.findings());
        assert_eq!(v.level(), crate::Level::Critical);
        assert_eq!(
            evidence(&v, "composite.bec_payment_request", "impersonation").as_deref(),
            Some("sender.lookalike_domain")
        );
        // The real vendor domain with the account on record: no impersonation, no composite.
        let real = scored(
            "accounts@nbsteel.cn",
            "Please pay invoice NS-1187 to IBAN DE89 3704 0044 0532 0130 00 as usual.",
        );
        assert!(!real.has("composite.bec_payment_request"));
        assert!(real.level() < crate::Level::Medium);
    }

    #[test]
    fn a_policy_can_switch_the_composite_off() {
        let policy = format!(
            "{POLICY}\n[scoring.rules.\"composite.bec_payment_request\"]\nenabled = false\n"
        );
        let raw = "From: accounts@nbstee1.cn\nTo: ap@acme-trade.com\nSubject: x\n\n\
                   Our bank account has changed. IBAN GB82 WEST 1234 5698 7654 32\n";
        let v = score_with(&policy, raw, &MessageContext::inbound());
        assert!(!v.has("composite.bec_payment_request"));
        assert!(v.has(NEW));
    }

    #[test]
    fn masks_account_numbers() {
        assert_eq!(mask("DE89370400440532013000"), "DE89**************3000");
        assert_eq!(mask("12345678"), "12345678");
    }
}
