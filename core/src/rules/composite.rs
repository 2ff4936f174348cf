//! `composite.*`: combinations of findings, computed in `verdict::composite`.

use super::{Family, Rule};

/// `composite.bec_payment_request`
pub(crate) static BEC_PAYMENT_REQUEST: Rule = Rule {
    id: "composite.bec_payment_request",
    family: Family::Composite,
    default_weight: 0.95,
    summary: "Impersonation combined with a payment or bank-detail request: the BEC pattern.",
    description: "One finding that the sender is not who they seem (lookalike domain, display \
        name of a protected person, own-domain spoof, a partner on free mail, a Reply-To \
        elsewhere, first contact, a display name showing another address or a brand, a DMARC \
        failure, a forged Authentication-Results header) and one that the message moves money (changed bank details, \
        new account numbers, an account not on record, gift cards). Either alone has innocent \
        explanations; together they are how business e-mail compromise steals payments, so the \
        verdict is raised to critical.",
    false_positives: "A partner who really changed banks and writes from a new address fires \
        both halves; the right response is still a call-back on a known number.",
    references: &[
        "FBI IC3 PSA I-091019-PSA",
        "rspamd composites (rules combined by expression)",
    ],
    evidence: &[
        ("impersonation", "the impersonation rule ids that matched, comma-separated"),
        ("request", "the payment-request rule ids that matched, comma-separated"),
    ],
    explain_en: "Impersonation ({impersonation}) together with a payment request ({request}): the business e-mail compromise pattern.",
    explain_zh: "冒充迹象（{impersonation}）与付款请求（{request}）同时出现：典型的商业邮件诈骗模式。",
    renamed_from: &[],
};
