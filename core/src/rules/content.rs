//! `content.*`: what the message asks for, read with the phrase lexicon (`core/data/lexicon.toml`).

use super::{Family, Rule};

/// Evidence every content finding carries.
macro_rules! phrase_evidence {
    ($($extra:expr),* $(,)?) => {
        &[
            ("phrase", "the matched phrase as written in the message"),
            ("place", "subject | body: where it was found"),
            ("offset", "byte offset of the phrase in the decoded subject or body text"),
            ("lang", "language of the phrase in the lexicon (en, zh_hans, de …, or policy)"),
            $($extra),*
        ]
    };
}

const LEXICON_REF: &str = "core/data/lexicon.toml: phrase sets per category and language";

/// `content.bank_detail_change`
pub(crate) static BANK_DETAIL_CHANGE: Rule = Rule {
    id: "content.bank_detail_change",
    family: Family::Content,
    default_weight: 0.3,
    summary: "The message says the bank or payment details have changed.",
    description: "A change of the account to pay is how supplier-invoice fraud takes the money. \
        The rule fires on a change phrase (\"our bank account has changed\", \"please remit to \
        the new account\", \"收款账号变更\", \"neue Bankverbindung\", \"新しい口座\" …), or on bank \
        details (\"bank account\", \"收款账户\", \"реквизиты\") next to a change word (\"new\", \
        \"updated\", \"变更\") or a pretext (\"audit\", \"tax reasons\", \"账户冻结\") in the same \
        sentence. Text is normalised first, so zero-width characters, full-width letters, digit \
        and Cyrillic lookalikes do not hide a phrase. In text quoted from an earlier message the \
        finding keeps half its strength.",
    false_positives: "Real bank changes happen and this rule reports them; the action is to \
        confirm by phone on a number already on file. Words never fire alone: \"new\" and \
        \"bank account\" must share a sentence, and sign-up mails (\"your new account\") use no \
        bank words. Bank marketing (\"our new bank app\") does not say bank details. A sentence \
        that says nothing changed (\"our bank details remain unchanged\", \"不是新账户\", \
        \"変更はございません\") does not count. On its own the rule stays low (with the other \
        phrase rules it counts at most 0.3): whether the message asks to pay the new account is \
        `content.bec_request`'s call, and impersonation makes it critical.",
    references: &[
        "FBI IC3 PSA I-091019-PSA: Business Email Compromise, the $26 billion scam",
        "Microsoft Security Blog: BEC payment-change lures",
        LEXICON_REF,
    ],
    evidence: phrase_evidence!(("near", "the change word or pretext next to the bank words, when two phrases matched")),
    explain_en: "The {place|t} says payment details have changed: \"{phrase}\" (at {offset}).",
    explain_zh: "{place|t}声称收款信息已变更：“{phrase}”（位置 {offset}）。",
    renamed_from: &[],
};

/// `content.payment_urgency`
pub(crate) static PAYMENT_URGENCY: Rule = Rule {
    id: "content.payment_urgency",
    family: Family::Content,
    default_weight: 0.25,
    summary: "A payment request under time pressure.",
    description:
        "Urgency (\"urgent\", \"today before cut-off\", \"尽快付款\", \"至急\") in the same \
        sentence as a payment request or bank details. Pressure leaves no time to verify, which \
        is why BEC and CEO-fraud mails lean on it.",
    false_positives: "Genuine reminders of overdue invoices use the same words, so the weight \
        is low; it matters when it joins impersonation. Urgency alone, or in a sentence without \
        payment words, does not fire.",
    references: &["FBI IC3 PSA I-091019-PSA", LEXICON_REF],
    evidence: phrase_evidence!(("near", "the payment phrase in the same sentence")),
    explain_en: "The {place|t} presses for payment: \"{phrase}\" next to \"{near}\".",
    explain_zh: "{place|t}催促付款：“{phrase}”与“{near}”同句出现。",
    renamed_from: &[],
};

/// `content.secrecy`
pub(crate) static SECRECY: Rule = Rule {
    id: "content.secrecy",
    family: Family::Content,
    default_weight: 0.3,
    summary: "The message asks to keep it secret or to go around the usual process.",
    description: "\"Keep this confidential\", \"do not call me\", \"bypass the usual approval\", \
        \"绕过公司\", \"私下\", \"不要打电话\". Fraud needs the victim to skip the checks that would \
        expose it: a call-back, a colleague in copy, the finance approval. Full strength when the \
        message also speaks of payment, bank details or gift cards.",
    false_positives: "E-mail disclaimers say \"this message is confidential\"; the lexicon holds \
        requests (\"keep this confidential\"), not the bare word, in English. A single \
        \"confidential\" in other languages keeps 60 % without payment words.",
    references: &["FBI IC3 PSA I-091019-PSA (requests for secrecy)", LEXICON_REF],
    evidence: phrase_evidence!(),
    explain_en: "The {place|t} asks for secrecy or to bypass the usual process: \"{phrase}\".",
    explain_zh: "{place|t}要求保密或绕过正常流程：“{phrase}”。",
    renamed_from: &[],
};

/// `content.authority`
pub(crate) static AUTHORITY: Rule = Rule {
    id: "content.authority",
    family: Family::Content,
    default_weight: 0.2,
    summary: "The sender leans on rank or unavailability.",
    description: "\"I'm in a meeting\", \"I need a favour\", \"the CEO asked\", \"我在开会\", \
        \"你在公司吗\": the opening of CEO fraud, which keeps the victim from calling back. Full \
        strength when the message also asks for payment, gift cards, a phone number or secrecy.",
    false_positives: "Colleagues do write \"I'm in a meeting\"; alone it keeps half its low \
        weight and only counts with impersonation.",
    references: &["FBI IC3 PSA I-091019-PSA (CEO fraud)", LEXICON_REF],
    evidence: phrase_evidence!(),
    explain_en: "The {place|t} leans on authority or unavailability: \"{phrase}\".",
    explain_zh: "{place|t}借用职权或声称不便联系：“{phrase}”。",
    renamed_from: &[],
};

/// `content.gift_cards`
pub(crate) static GIFT_CARDS: Rule = Rule {
    id: "content.gift_cards",
    family: Family::Content,
    default_weight: 0.3,
    summary: "A request to buy gift cards and send their codes.",
    description: "Gift cards (\"iTunes\", \"Google Play\", \"礼品卡\", \"Geschenkkarte\") in the \
        same sentence as buying or sending codes (\"buy\", \"scratch\", \"send me the codes\", \
        \"卡密\"). No business pays suppliers in gift cards; the request is a hallmark of \
        executive impersonation.",
    false_positives: "Shop newsletters mention gift cards without asking the reader to buy and \
        send codes in the same sentence; a retailer's \"buy a gift card\" offer can still fire, \
        at medium weight, and composites need impersonation too.",
    references: &[
        "FTC: Gift card scams",
        "FBI IC3 PSA I-091019-PSA",
        LEXICON_REF,
    ],
    evidence: phrase_evidence!(("near", "the buying or code phrase in the same sentence")),
    explain_en: "The {place|t} asks for gift cards: \"{phrase}\" with \"{near}\".",
    explain_zh: "{place|t}要求购买礼品卡：“{phrase}”与“{near}”。",
    renamed_from: &[],
};

/// `content.phone_harvesting`
pub(crate) static PHONE_HARVESTING: Rule = Rule {
    id: "content.phone_harvesting",
    family: Family::Content,
    default_weight: 0.3,
    summary: "The sender asks for a phone number or a chat contact.",
    description: "\"Send me your cell number\", \"your WhatsApp\", \"手机号发我\", \"加我微信\": \
        attackers move the victim to a channel where mail security cannot follow (text \
        messages, WhatsApp, WeChat) before asking for money.",
    false_positives: "New contacts ask for phone numbers in good faith; the weight is low and \
        it adds up only with impersonation or payment requests.",
    references: &["FBI IC3 PSA I-091019-PSA", LEXICON_REF],
    evidence: phrase_evidence!(),
    explain_en: "The {place|t} asks for a phone number or chat contact: \"{phrase}\".",
    explain_zh: "{place|t}索要手机号或聊天账号：“{phrase}”。",
    renamed_from: &[],
};

/// `content.credential_lure`
pub(crate) static CREDENTIAL_LURE: Rule = Rule {
    id: "content.credential_lure",
    family: Family::Content,
    default_weight: 0.45,
    summary: "A lure to enter a password: account verification, expiry, a full mailbox.",
    description: "\"Verify your account\", \"your password expires\", \"mailbox is full\", \
        \"sign in to view the shared document\", \"邮箱已满\", \"密码即将过期\". Stolen mailbox \
        passwords are how account takeover starts. Full strength when the message has a link.",
    false_positives: "Genuine IT notices use the same words; they come from the organisation's \
        own, authenticated systems, which a policy can exempt. Without a link the rule keeps \
        60 %.",
    references: &["MITRE ATT&CK T1566.002 (spearphishing link)", LEXICON_REF],
    evidence: phrase_evidence!(),
    explain_en: "The {place|t} is a password lure: \"{phrase}\".",
    explain_zh: "{place|t}是诱导输入密码的内容：“{phrase}”。",
    renamed_from: &[],
};

/// `content.bec_request`
pub(crate) static BEC_REQUEST: Rule = Rule {
    id: "content.bec_request",
    family: Family::Content,
    default_weight: 0.7,
    summary: "The message asks the reader to act on something sensitive, as business-email \
        compromise does: pay, buy gift cards, change a salary account, send data or a number.",
    description: "Reads the message as a whole for what it asks: a request (\"can you\", \"I \
        need you to\", \"麻烦你\", \"pouvez-vous\") next to money, bank details, payroll, gift \
        cards, records (W-2, aging report, staff lists) or an unnamed task; an availability \
        check (\"are you at your desk?\", \"在吗\"); a phone or chat switch; with pressure \
        (urgency, secrecy, \"I am in a meeting\"); and what speaks against it (a payment \
        reported as made, pointers to verifying by phone, trade documents). A logistic model \
        fitted on the development corpus (`benches/bec-corpus`, weights in \
        `core/data/request-model.toml`) weighs these features; the rule reports from the \
        model's threshold, at the model's probability, so a strong request reaches medium on \
        its own and joins impersonation in `composite.bec_payment_request`.",
    false_positives: "Genuine requests between colleagues and partners (\"can you process the \
        payment for PO 4471 today?\") read the same; that is why the weight stays below high on \
        its own and the evidence quotes what was read. Remittance advice, invoices sent with \
        their documents, and mail that points to verification by phone weigh against it. \
        A request to pay only accounts on the vendor registry is routine and not reported. \
        Mailing-list and bulk mail (`List-Id`, `List-Unsubscribe`) keeps half the weight: it is \
        written to many; a forged list header buys an attacker no more than low, and \
        impersonation still makes the composite critical.",
    references: &[
        "FBI IC3 PSA I-091019-PSA: Business Email Compromise",
        "FBI IC3 PSA I-050422-PSA: Business Email Compromise, the $43 billion scam",
        "core/data/request-model.toml: the fitted weights and how they were fitted",
        LEXICON_REF,
    ],
    evidence: phrase_evidence!(
        (
            "about",
            "what the request is about (money, payroll, gift cards …), or -"
        ),
        (
            "pressure",
            "urgency, secrecy or unavailability phrases, comma-separated, or -"
        ),
        (
            "probability",
            "the model's probability that this is a BEC request, 0.00–1.00"
        ),
    ),
    explain_en: "The {place|t} asks the reader to act on something sensitive: \"{phrase}\" \
        about \"{about}\" (pressure: {pressure}; model {probability}).",
    explain_zh: "{place|t}要求收件人处理敏感事项：“{phrase}”，涉及“{about}”（施压：{pressure}；\
        模型概率 {probability}）。",
    renamed_from: &[],
};
