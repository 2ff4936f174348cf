//! `mailbox.*` and `account.*`: changes to a mailbox or an account, judged by what they do
//! (forward out, hide mail, open legacy access, grant access, switch off defences, move
//! volumes) and by whether a risky login came before.

use super::state::{State, UserState, MAX_FORWARDERS};
use super::{AccountEvent, AccountEventKind, InboxRule};
use crate::compiled::Compiled;
use crate::domain;
use crate::rules;
use crate::verdict::{Evidence, Findings};

/// Folders that hide mail, in the languages of our users' mailboxes (lowercase).
const HIDING_FOLDERS: &[&str] = &[
    "deleted items",
    "deleted",
    "trash",
    "bin",
    "junk",
    "junk email",
    "junk e-mail",
    "spam",
    "rss",
    "rss feeds",
    "rss subscriptions",
    "archive",
    "archives",
    "conversation history",
    "notes",
    "已删除邮件",
    "已删除",
    "垃圾邮件",
    "垃圾箱",
    "rss 源",
    "rss 订阅",
    "存档",
    "归档",
    "对话历史记录",
    "已刪除的郵件",
    "垃圾郵件",
    "封存",
    "gelöschte elemente",
    "junk-e-mail",
    "archiv",
    "elementos eliminados",
    "correo no deseado",
    "éléments supprimés",
    "courrier indésirable",
    "удаленные",
    "нежелательная почта",
    "削除済みアイテム",
    "迷惑メール",
    "지운 편지함",
    "정크 메일",
];

/// Words that make a rule about money or security (lowercase). The policy adds
/// `events.finance_keywords`.
const FINANCE_WORDS: &[&str] = &[
    "invoice",
    "payment",
    "wire",
    "transfer",
    "bank",
    "remittance",
    "swift",
    "iban",
    "account",
    "remit",
    "receipt",
    "statement",
    "proforma",
    "purchase order",
    "security",
    "phish",
    "fraud",
    "password",
    "verify",
    "suspicious",
    "hacked",
    "compromised",
    "alert",
    "mfa",
    "付款",
    "发票",
    "發票",
    "汇款",
    "匯款",
    "转账",
    "轉帳",
    "银行",
    "銀行",
    "账户",
    "帳戶",
    "水单",
    "货款",
    "安全",
    "诈骗",
    "密码",
    "rechnung",
    "zahlung",
    "überweisung",
    "factura",
    "pago",
    "facture",
    "paiement",
    "счет",
    "оплата",
    "請求書",
    "振込",
    "송금",
    "인보이스",
];

/// Whether a rule name is only punctuation, symbols or spaces, or a single character (two
/// Han characters are a word: 发票).
fn suspicious_name(name: &str) -> bool {
    // Control characters (a NUL written through MAPI hides a rule from Outlook) and
    // invisible characters count as nothing.
    if name.chars().any(|c| c.is_control()) {
        return true;
    }
    let t: String = name
        .chars()
        .filter(|c| !crate::lexicon::normalize::is_invisible(*c))
        .collect();
    let t = t.trim();
    t.chars().count() <= 1 || t.chars().all(|c| !c.is_alphanumeric())
}

/// The outside targets among `targets` (organisation domains excluded), lowercased, with
/// `smtp:`/`SMTP:` prefixes, brackets and `;`/`,` lists taken apart.
pub(crate) fn outside_targets(c: &Compiled, targets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for t in targets {
        for part in t.split([';', ',']) {
            let a = part
                .trim()
                .trim_matches(['[', ']', '"', '\'', '<', '>'])
                .trim();
            let a = a
                .strip_prefix("smtp:")
                .or_else(|| a.strip_prefix("SMTP:"))
                .unwrap_or(a)
                .trim()
                .to_lowercase();
            if a.is_empty() || !a.contains('@') {
                continue; // an internal recipient by display name or a legacy DN
            }
            if !c.own_domains.contains_org(&domain::org_of(&a)) && !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

/// Scores one account event and records it. `risky` is the id of a risky login of this
/// mailbox within the chain window, if any.
pub(crate) fn check(
    c: &Compiled,
    state: &mut State,
    (mailbox, uid): (&str, u64),
    e: &AccountEvent,
    risky: Option<&str>,
    out: &mut Findings<'_>,
) {
    let after = risky.unwrap_or("-").to_string();
    let strength = |alone: f64| if risky.is_some() { 1.0 } else { alone };
    match e.kind {
        AccountEventKind::InboxRuleCreated | AccountEventKind::InboxRuleChanged => {
            if let Some(rule) = &e.rule {
                let targets = outside_targets(c, &rule.forward_to);
                let keeps = if rule.delete { "no" } else { "yes" };
                forwarding(c, state, (mailbox, uid), &targets, "inbox_rule", keeps, out);
                hiding(c, rule, out);
            }
        }
        AccountEventKind::ForwardingSet => {
            let targets = outside_targets(c, &e.forward_to);
            let keeps = match e.keep_copy {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            };
            let op = e.operation.to_ascii_lowercase();
            let via = if op.starts_with("sieve") {
                "sieve_redirect"
            } else if op.contains("transportrule") {
                "transport_rule"
            } else {
                "mailbox_forwarding"
            };
            forwarding(c, state, (mailbox, uid), &targets, via, keeps, out);
        }
        AccountEventKind::ProtocolAccessChanged => {
            let enabled: Vec<String> = e
                .settings
                .iter()
                .filter_map(|(k, v)| {
                    let k = k.to_ascii_lowercase();
                    let v = v.trim().to_ascii_lowercase();
                    let on = matches!(v.as_str(), "true" | "enabled" | "1" | "on");
                    let off = matches!(v.as_str(), "false" | "disabled" | "0" | "off");
                    match k.as_str() {
                        "popenabled" | "imapenabled" | "activesyncenabled" | "pop" | "imap"
                        | "smtp" | "activesync"
                            if on =>
                        {
                            Some(k)
                        }
                        "smtpclientauthenticationdisabled" if off => Some("smtp auth".into()),
                        _ => None,
                    }
                })
                .collect();
            if !enabled.is_empty() {
                out.add(
                    &rules::PROTOCOL_ENABLED,
                    strength(0.6),
                    Evidence::new().with("protocols", enabled.join(", ")),
                );
            }
        }
        AccountEventKind::PermissionGranted => {
            let grantee = e.target.clone().unwrap_or_else(|| "-".into());
            let outside =
                grantee.contains('@') && !c.own_domains.contains_org(&domain::org_of(&grantee));
            out.add(
                &rules::PERMISSION_GRANTED,
                if outside { 1.0 } else { strength(0.5) },
                Evidence::new().with("grantee", grantee).with(
                    "actor",
                    e.actor.clone().unwrap_or_else(|| mailbox.to_string()),
                ),
            );
        }
        AccountEventKind::AuditDisabled => out.add(
            &rules::AUDIT_DISABLED,
            1.0,
            Evidence::new().with(
                "target",
                e.target.clone().unwrap_or_else(|| mailbox.to_string()),
            ),
        ),
        AccountEventKind::RecoveryChanged => out.add(
            &rules::RECOVERY_CHANGED,
            strength(0.4),
            Evidence::new()
                .with("target", e.target.clone().unwrap_or_else(|| "-".into()))
                .with("after_risky_login", after),
        ),
        AccountEventKind::MfaDisabled => out.add(
            &rules::MFA_DISABLED,
            strength(0.6),
            Evidence::new()
                .with(
                    "actor",
                    e.actor.clone().unwrap_or_else(|| mailbox.to_string()),
                )
                .with("after_risky_login", after),
        ),
        AccountEventKind::AppConsent => out.add(
            &rules::APP_CONSENT,
            strength(0.5),
            Evidence::new()
                .with(
                    "application",
                    e.target.clone().unwrap_or_else(|| "-".into()),
                )
                .with("after_risky_login", after),
        ),
        AccountEventKind::MessagesSent
        | AccountEventKind::ItemsDeleted
        | AccountEventKind::ItemsAccessed => {
            let now = e.time.unix_millis();
            if let Some(u) = state.users.get_mut(&uid) {
                volume(c, u, e, now, out);
            }
        }
        AccountEventKind::InboxRuleDeleted
        | AccountEventKind::PasswordChanged
        | AccountEventKind::Other => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn forwarding(
    c: &Compiled,
    state: &mut State,
    (mailbox, uid): (&str, u64),
    targets: &[String],
    via: &str,
    keeps: &str,
    out: &mut Findings<'_>,
) {
    if targets.is_empty() {
        return;
    }
    let freemail = targets
        .iter()
        .any(|t| c.freemail.contains_org(&domain::org_of(t)));
    let all_partners = targets.iter().all(|t| c.is_partner_org(&domain::org_of(t)));
    let strength = if all_partners && keeps != "no" {
        1.0 / 3.0
    } else if freemail || keeps == "no" {
        1.0
    } else {
        0.8
    };
    out.add(
        &rules::EXTERNAL_FORWARDING,
        strength,
        Evidence::new()
            .with("targets", targets.join(", "))
            .with("via", via)
            .with("keeps_copy", keeps),
    );
    let now = state.users.get(&uid).map_or(0, |u| u.last_seen);
    for t in targets {
        if !state.forward_targets.contains_key(t.as_str()) {
            let cap = c.policy.events.max_sources.saturating_sub(1);
            super::state::evict(&mut state.forward_targets, cap, |(last, _)| *last);
        }
        let (last, boxes) = state.forward_targets.entry_ref(t.as_str()).or_default();
        *last = (*last).max(now);
        if !boxes.iter().any(|b| b == mailbox) {
            if boxes.len() >= MAX_FORWARDERS {
                boxes.remove(0);
            }
            boxes.push(mailbox.to_string());
        }
        if boxes.len() >= 2 {
            out.add(
                &rules::SHARED_FORWARD_TARGET,
                1.0,
                Evidence::new()
                    .with("target", t.clone())
                    .with("mailboxes", boxes.join(", ")),
            );
        }
    }
}

fn hiding(c: &Compiled, rule: &InboxRule, out: &mut Findings<'_>) {
    let folder = rule.move_to_folder.as_deref().map(|f| {
        // Exchange writes folder paths (`\Deleted Items`, `:\RSS Feeds`, `Inbox\Archive`).
        let last = f.rsplit(['\\', '/']).next().unwrap_or(f);
        last.trim().trim_start_matches(':').trim().to_lowercase()
    });
    let hiding_folder = folder.as_deref().filter(|f| HIDING_FOLDERS.contains(f));
    let action = if rule.delete {
        "delete".to_string()
    } else if let Some(f) = hiding_folder {
        format!("move ({f})")
    } else if rule.mark_as_read {
        "mark_as_read".to_string()
    } else {
        return;
    };
    let name = rule.name.clone().unwrap_or_default();
    let words: Vec<String> = rule
        .keywords
        .iter()
        .filter(|k| {
            let k = k.to_lowercase();
            FINANCE_WORDS.iter().any(|w| k.contains(w.trim()))
                || c.policy
                    .events
                    .finance_keywords
                    .iter()
                    .any(|w| k.contains(&w.to_lowercase()))
        })
        .cloned()
        .collect();
    let partners: Vec<String> = rule
        .senders
        .iter()
        .filter(|s| c.is_partner_org(&domain::org_of(s.trim_start_matches('@'))))
        .cloned()
        .collect();
    let odd = suspicious_name(&name);
    let condition: Vec<String> = words.into_iter().chain(partners).collect();
    let strength = if !condition.is_empty() || odd {
        1.0
    } else {
        0.5
    };
    out.add(
        &rules::HIDING_RULE,
        strength,
        Evidence::new()
            .with("rule", if name.is_empty() { "-".into() } else { name })
            .with("action", action)
            .with(
                "condition",
                if condition.is_empty() {
                    "-".to_string()
                } else {
                    condition.join(", ")
                },
            )
            .with("suspicious_name", if odd { "yes" } else { "no" }),
    );
}

fn volume(c: &Compiled, u: &mut UserState, e: &AccountEvent, now: i64, out: &mut Findings<'_>) {
    let p = &c.policy.events;
    let hour = now.div_euclid(3_600_000);
    if u.hour.0 != hour {
        if u.hour.1 > 0 {
            u.send_hours = u.send_hours.saturating_add(1);
            u.sent_total = u.sent_total.saturating_add(u.hour.1);
        }
        u.hour = (hour, 0, 0, 0);
    }
    let n = e.count.unwrap_or(1);
    let (action, count, cap) = match e.kind {
        AccountEventKind::MessagesSent => {
            u.hour.1 = u.hour.1.saturating_add(n);
            ("send", u.hour.1, p.mass_send_per_hour)
        }
        AccountEventKind::ItemsDeleted => {
            u.hour.2 = u.hour.2.saturating_add(n);
            ("delete", u.hour.2, p.mass_items_per_hour)
        }
        _ => {
            u.hour.3 = u.hour.3.saturating_add(n);
            ("access", u.hour.3, p.mass_items_per_hour)
        }
    };
    let baseline = (u.send_hours >= 3).then(|| u.sent_total as f64 / f64::from(u.send_hours));
    let over_baseline = action != "send" || baseline.is_none_or(|b| count as f64 > 10.0 * b);
    // Report once, when the hour's count first passes the cap.
    if count > cap && count - n <= cap && over_baseline {
        out.add(
            &rules::MASS_ACTION,
            1.0,
            Evidence::new()
                .with("action", action)
                .with("count", count.to_string())
                .with(
                    "baseline",
                    baseline.map_or("-".to_string(), |b| format!("{b:.0}")),
                ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_names_are_suspicious() {
        for n in [".", "..", "   ", "-_-", "x", "。。"] {
            assert!(suspicious_name(n), "{n:?}");
        }
        for n in ["Newsletters", "发票"] {
            assert!(!suspicious_name(n), "{n:?}");
        }
    }

    #[test]
    fn exchange_forwarding_forms_are_read() {
        let c = Compiled::new(
            crate::Policy::from_toml_str("[organisation]\ndomains = [\"acme-trade.com\"]\n")
                .expect("policy"),
        );
        let got = outside_targets(
            &c,
            &[
                "smtp:Attacker@Gmail.com;SMTP:boss@acme-trade.com".into(),
                "[x@evil.example]".into(),
                "Li Wei".into(),
                "\"y@partner.example\", x@evil.example".into(),
            ],
        );
        assert_eq!(
            got,
            ["attacker@gmail.com", "x@evil.example", "y@partner.example"]
        );
    }
}
