//! `outbound.*`: policy rules for mail leaving the organisation (`--direction outbound`).

use super::{Family, Rule};

/// `outbound.personal_account`
pub(crate) static PERSONAL_ACCOUNT: Rule = Rule {
    id: "outbound.personal_account",
    family: Family::Outbound,
    default_weight: 0.55,
    summary: "Business documents sent to a personal free-mail address.",
    description: "A proforma invoice, quotation, contract, invoice or price list (by attachment \
        name or by the words of the subject and body) leaving for a free-mail address. When the \
        address resembles the sender's own name, an employee is diverting orders to a private \
        mailbox (\"飞单\"): customers then pay an account the company does not control. A \
        stolen mailbox whose owner's documents are forwarded out looks the same.",
    false_positives: "Small buyers do use Gmail or QQ Mail. A recipient the host knows as a \
        correspondent keeps half the strength; full strength needs a recipient that resembles \
        the sender (same name words) or is new.",
    references: &[
        "Interpol: 'Operation First Light' (order diversion in trade)",
        "core/data/lexicon.toml (document and proforma phrases)",
    ],
    evidence: &[
        ("recipient", "the free-mail recipient"),
        ("document", "the attachment name or phrase that marks a business document"),
        ("resembles_sender", "yes | no: whether the address shares the sender's name words"),
    ],
    explain_en: "Business documents (\"{document}\") are going to the personal address {recipient} (resembles the sender: {resembles_sender|t}).",
    explain_zh: "业务文件（“{document}”）正发往个人邮箱 {recipient}（与发件人姓名相似：{resembles_sender|t}）。",
    renamed_from: &[],
};

/// `outbound.pi_without_finance`
pub(crate) static PI_WITHOUT_FINANCE: Rule = Rule {
    id: "outbound.pi_without_finance",
    family: Family::Outbound,
    default_weight: 0.35,
    summary: "A proforma invoice or payment instruction leaves without the finance mailbox in copy.",
    description: "Many trading companies require every proforma invoice (PI) and payment \
        instruction sent to a customer to copy the finance mailbox, so that bank details on it \
        cannot be changed unseen. The rule checks To, Cc and the envelope recipients against \
        `outbound.finance_mailboxes`; it is off until that list is set.",
    false_positives: "Internal drafts sent to colleagues are not checked (all recipients \
        inside the organisation). Add every finance address, including shared ones.",
    references: &["Company payment-control policies (four-eyes principle on payment instructions)"],
    evidence: &[
        ("document", "what marks the message as a PI or payment instruction"),
        ("recipients", "the external recipients"),
    ],
    explain_en: "A proforma invoice or payment instruction (\"{document}\") goes to {recipients} without the finance mailbox in copy.",
    explain_zh: "形式发票或付款指示（“{document}”）发送给 {recipients}，但未抄送财务邮箱。",
    renamed_from: &[],
};
