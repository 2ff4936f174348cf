//! The rule catalogue: every detection rule mailrisk can report, with its stable id, family,
//! default weight, description, false-positive notes, references and explanation templates.
//!
//! Rule ids are stable: once released, an id keeps its meaning. A renamed rule keeps its old id
//! in [`Rule::renamed_from`]. Weights here are defaults; the policy may override them
//! (`[scoring.rules."<id>"]`).
//!
//! Explanation templates use `{key}` placeholders filled from the finding's evidence, and
//! `{key|t}` for evidence values that are terms translated by `verdict::explain`.

use serde::Serialize;

mod auth;
mod composite;
mod content;
mod events;
mod outbound;

pub(crate) use auth::{
    DKIM_FAIL, DMARC_FAIL, FORGED_RESULTS_HEADER, NONE as AUTH_NONE, PARTNER_AUTHENTICATED,
    SPF_FAIL,
};
pub(crate) use composite::BEC_PAYMENT_REQUEST;
pub(crate) use content::{
    AUTHORITY, BANK_DETAIL_CHANGE, BEC_REQUEST, CREDENTIAL_LURE, GIFT_CARDS, PAYMENT_URGENCY,
    PHONE_HARVESTING, SECRECY,
};
pub(crate) use events::{
    ACCOUNT_TAKEOVER, ANONYMIZER, APP_CONSENT, ATTACK_TOOL, AUDIT_DISABLED, BRUTE_FORCE,
    EXTERNAL_FORWARDING, HIDING_RULE, IMPOSSIBLE_TRAVEL, LEGACY_PROTOCOL, MASS_ACTION,
    MFA_DISABLED, NEW_COUNTRY, NEW_DEVICE, NEW_NETWORK, OFF_HOURS, OUTSIDE_ALLOWED, PASSWORD_SPRAY,
    PERMISSION_GRANTED, PROTOCOL_ENABLED, PROVIDER_RISK, RECOVERY_CHANGED, SESSION_IP_CHANGE,
    SHARED_FORWARD_TARGET, SUCCESS_AFTER_ATTACK,
};
pub(crate) use outbound::{PERSONAL_ACCOUNT, PI_WITHOUT_FINANCE};

/// The family a rule belongs to, which is also the first part of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Family {
    /// Problems with the message itself: malformed headers, limits exceeded.
    Message,
    /// Who the message claims to be from (display names, people).
    Identity,
    /// Sender addresses and domains (Reply-To, lookalikes, own-domain spoofing).
    Sender,
    /// Links in the body.
    Links,
    /// Bank details: account numbers compared with the vendor registry.
    Banking,
    /// Attached files.
    Attachments,
    /// What the message asks for: payment changes, urgency, secrecy, gift cards.
    Content,
    /// Policy rules for outgoing mail.
    Outbound,
    /// Combinations of other findings.
    Composite,
    /// Sender authentication: SPF, DKIM, DMARC, ARC.
    Auth,
    /// Sign-ins: where from, how, how often they fail.
    Login,
    /// Mailbox settings and actions: forwarding, inbox rules, permissions, volumes.
    Mailbox,
    /// Account security settings: recovery contacts, second factor, application grants.
    Account,
    /// Correlations of events and messages over time (account takeover).
    Chain,
}

impl Family {
    /// The family's name as used in rule ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Message => "message",
            Family::Identity => "identity",
            Family::Sender => "sender",
            Family::Links => "links",
            Family::Banking => "banking",
            Family::Attachments => "attachments",
            Family::Content => "content",
            Family::Outbound => "outbound",
            Family::Composite => "composite",
            Family::Auth => "auth",
            Family::Login => "login",
            Family::Mailbox => "mailbox",
            Family::Account => "account",
            Family::Chain => "chain",
        }
    }
}

/// One entry of the rule catalogue.
#[derive(Debug, Serialize)]
pub struct Rule {
    id: &'static str,
    family: Family,
    default_weight: f64,
    summary: &'static str,
    description: &'static str,
    false_positives: &'static str,
    references: &'static [&'static str],
    evidence: &'static [(&'static str, &'static str)],
    #[serde(skip)]
    explain_en: &'static str,
    #[serde(skip)]
    explain_zh: &'static str,
    renamed_from: &'static [&'static str],
}

impl Rule {
    /// The stable rule id, e.g. `sender.reply_to_mismatch`.
    pub fn id(&self) -> &'static str {
        self.id
    }
    /// The family the rule belongs to.
    pub fn family(&self) -> Family {
        self.family
    }
    /// The weight a finding of this rule carries at full strength, before policy overrides.
    pub fn default_weight(&self) -> f64 {
        self.default_weight
    }
    /// A one-line summary.
    pub fn summary(&self) -> &'static str {
        self.summary
    }
    /// What the rule detects and why it matters.
    pub fn description(&self) -> &'static str {
        self.description
    }
    /// Known false-positive traps and how the rule avoids them.
    pub fn false_positives(&self) -> &'static str {
        self.false_positives
    }
    /// Public sources the rule is based on.
    pub fn references(&self) -> &'static [&'static str] {
        self.references
    }
    /// The evidence keys a finding of this rule carries, with their meaning.
    pub fn evidence_keys(&self) -> &'static [(&'static str, &'static str)] {
        self.evidence
    }
    /// Earlier ids of this rule, if it was renamed.
    pub fn renamed_from(&self) -> &'static [&'static str] {
        self.renamed_from
    }
    pub(crate) fn template(&self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::En => self.explain_en,
            crate::Lang::Zh => self.explain_zh,
        }
    }
}

/// `message.malformed_from`
pub(crate) static MALFORMED_FROM: Rule = Rule {
    id: "message.malformed_from",
    family: Family::Message,
    default_weight: 0.6,
    summary: "The From header is missing, repeated, or has no valid address.",
    description: "RFC 5322 requires exactly one From header. Messages with no From, several From \
        headers, several From addresses without a Sender, or a From without a valid address are \
        malformed. Attackers use duplicate From headers because mail clients and authentication \
        checks may each read a different one, so the user sees one sender while DMARC checks another.",
    false_positives: "Some old automated systems omit From or send an address without a domain; \
        these get the weaker reasons (missing, invalid address). Duplicate From headers have no \
        legitimate use.",
    references: &[
        "RFC 5322 section 3.6 (field counts)",
        "rspamd rules/headers_checks.lua (MULTIPLE_FROM, FROM_INVALID)",
        "Chen et al., 'Composition Kills', USENIX Security 2020 (multiple From headers)",
    ],
    evidence: &[
        ("reason", "missing | multiple_from_headers | multiple_addresses_without_sender | no_address | invalid_address | no_header_section"),
        ("from", "the raw From field value(s), joined by \" | \", at most 200 characters"),
        ("count", "number of From headers"),
    ],
    explain_en: "The sender header is malformed: {reason|t}.",
    explain_zh: "发件人（From）头格式异常：{reason|t}。",
    renamed_from: &[],
};

/// `message.limit_exceeded`
pub(crate) static LIMIT_EXCEEDED: Rule = Rule {
    id: "message.limit_exceeded",
    family: Family::Message,
    default_weight: 0.2,
    summary: "The message exceeds a configured resource limit; only part of it was analysed.",
    description: "Size, MIME depth, part count, header count, URL count and decoded text are \
        limited by the policy. When a message exceeds a limit, mailrisk analyses what it read and \
        reports the limit, so that a verdict is never silently based on a partial message. \
        Deliberately oversized or deeply nested messages are also a way to evade scanners.",
    false_positives: "Large legitimate mails (big attachments, long threads) can exceed the size \
        or text limits; raise the limits in the policy if that is common.",
    references: &["DESIGN.md section 6 (resource limits)"],
    evidence: &[
        ("limit", "message_bytes | mime_depth | parts | headers | urls | text_bytes"),
        ("actual", "the value the message has (at least)"),
        ("max", "the configured limit"),
    ],
    explain_en: "Only part of the message was analysed: the {limit|t} exceeds the limit of {max} (it is at least {actual}).",
    explain_zh: "邮件只被部分分析：{limit|t}超过上限 {max}（至少为 {actual}）。",
    renamed_from: &[],
};

/// `message.internal_error`
pub(crate) static INTERNAL_ERROR: Rule = Rule {
    id: "message.internal_error",
    family: Family::Message,
    default_weight: 0.3,
    summary: "A part of the analysis failed on this message; the verdict covers what was read.",
    description: "The engine scores every message inside a panic boundary: if the mail parser \
        or a detector ever fails on some input (a bug, or a third-party parser's internal \
        check in a debug build), the message still gets a verdict, with the findings made \
        before the failure and this finding naming the stage. A message that makes a scanner \
        fail is suspicious in itself, and the failure must be visible, never a crash of the \
        host (a mail server or a scan of a whole mailbox) and never a silent pass.",
    false_positives: "None expected: every occurrence is a bug to report with the message. \
        The weight is low because the message itself may be harmless.",
    references: &["DESIGN.md section 6 (failure behaviour)", "fuzz/README.md"],
    evidence: &[
        ("stage", "parse | detect"),
        ("detail", "the failure's message, at most 200 characters"),
    ],
    explain_en: "Part of the analysis failed ({stage|t}); the verdict covers only what was read. Please report this message.",
    explain_zh: "部分分析失败（{stage|t}）；结论只基于已读取的内容。请报告这封邮件。",
    renamed_from: &[],
};

/// `identity.display_name_address`
pub(crate) static DISPLAY_NAME_ADDRESS: Rule = Rule {
    id: "identity.display_name_address",
    family: Family::Identity,
    default_weight: 0.75,
    summary:
        "The display name shows an e-mail address of another organisation than the real sender.",
    description: "Mail clients often show only the display name. A From such as \
        \"ceo@acme-trade.com\" <x@attacker.example> makes the reader believe the mail comes from \
        acme-trade.com. The rule compares the registrable domain (public-suffix aware) of every \
        address written in the display name with the real From address. It is strongest when the \
        shown address belongs to the organisation itself or to the recipient's domain.",
    false_positives:
        "Mailing lists rewrite From as \"alice@x.com via List\"; calendar and document \
        notifications show the organiser's address; services sending on behalf of a user set \
        Sender to that user. The rule stays quiet for list mail (List-Id, List-Unsubscribe, \
        Precedence: list/bulk), for the policy's notification senders, and when the Sender header \
        belongs to the shown domain; a text/calendar part halves the weight.",
    references: &[
        "rspamd rules/misc.lua (FROM_NEQ_DISPLAY_NAME, SPOOF_DISPLAY_NAME)",
        "SpamAssassin Mail::SpamAssassin::Plugin::FromNameSpoof",
    ],
    evidence: &[
        ("shown", "the address written in the display name"),
        ("from", "the real From address"),
        ("target", "organisation (shown address is in the policy's own domains) | recipient (in a recipient's domain) | other"),
    ],
    explain_en: "The display name shows {shown}, but the message was actually sent from {from}.",
    explain_zh: "显示名称写的是 {shown}，但邮件实际发自 {from}。",
    renamed_from: &[],
};

/// `sender.reply_to_mismatch`
pub(crate) static REPLY_TO_MISMATCH: Rule = Rule {
    id: "sender.reply_to_mismatch",
    family: Family::Sender,
    default_weight: 0.6,
    summary: "Replies would go to another organisation or to a personal freemail account.",
    description: "A Reply-To outside the sender's organisation diverts the conversation: the \
        victim believes they answer their partner, but the reply reaches the attacker. A Reply-To \
        at a freemail provider while From is a company domain is the classic BEC pattern and \
        weighs most.",
    false_positives: "Mailing lists set Reply-To to the list; web contact forms send From and To \
        the site owner with Reply-To the visitor; help desks and e-mail service providers reply \
        from another domain. The rule stays quiet for list mail, when From equals the only \
        recipient, when Reply-To is a recipient or in the organisation's own domains, and weighs \
        'other organisation' lower than 'freemail'.",
    references: &[
        "rspamd rules/misc.lua (SPOOF_REPLYTO, REPLYTO_DOM_NEQ_FROM_DOM)",
        "FBI IC3 Public Service Announcement I-091019-PSA (BEC)",
    ],
    evidence: &[
        ("reply_to", "the Reply-To address"),
        ("from", "the From address"),
        ("kind", "freemail | other_organisation"),
    ],
    explain_en:
        "Replies to this message would go to {reply_to} ({kind|t}), not to the sender {from}.",
    explain_zh: "回复此邮件会发往 {reply_to}（{kind|t}），而不是发件人 {from}。",
    renamed_from: &[],
};

/// `sender.lookalike_domain`
pub(crate) static SENDER_LOOKALIKE: Rule = Rule {
    id: "sender.lookalike_domain",
    family: Family::Sender,
    default_weight: 0.85,
    summary: "A sender domain imitates a protected domain (own, partner, vendor or well-known brand).",
    description: "The domains in From, Sender, Reply-To, Return-Path, the envelope sender and \
        addresses written in the display name are compared with every protected domain: the \
        organisation's, partners', vendors', protected people's, `lists.protected_domains` and \
        the built-in brands (banks, carriers, webmail, payment services, marketplaces). The \
        comparison works on confusable skeletons (UTS #39 plus extra Cyrillic, Greek and \
        small-capital lookalikes, with diacritics removed and rn/m, vv/w, 0/o, 1/l folded), so \
        homoglyph and IDN domains match exactly, and finds single edits (two on long names), \
        the same name under another suffix, the suffix glued to the name, a dot inserted, the \
        name plus other words (combosquat) and the name inside a foreign host (embedding). A \
        lookalike partner domain is how most supplier-invoice fraud starts.",
    false_positives: "Real companies do have similar names. Matches are graded: homoglyphs, \
        single edits of names of six letters or more, glued suffixes and embedded domains are \
        strong; the same name under another suffix, edits of the first letter, differences only \
        in digits, combinations with short names and everything about names of four letters or \
        fewer are weaker (Chromium's filters). Protected domains and their subdomains never \
        match; a sister company's domain goes into `allow.lookalike_domains`. When the host \
        says the sender is a known correspondent the weight is halved.",
    references: &[
        "Unicode Technical Standard #39, section 4 (confusable detection, skeletons)",
        "Chromium components/lookalikes/core/lookalike_url_util.cc",
        "dnstwist (permutation fuzzers)",
        "Kintis et al., 'Hiding in Plain Sight: A Longitudinal Study of Combosquatting Abuse', CCS 2017",
    ],
    evidence: &[
        ("header", "from | sender | reply_to | return_path | envelope_from | display_name"),
        ("domain", "the sender's registrable domain"),
        ("protected", "the protected domain it imitates"),
        ("technique", "homoglyph | transposition | bitsquatting | omission | insertion | repetition | vowel_swap | hyphenation | plural | replacement | edit_distance | dot_insertion | tld_swap | glued_tld | combosquat | embedding"),
        ("match", "high | medium | low: how strong the resemblance is"),
        ("owner", "who owns the protected domain (organisation, partner, vendor or brand name)"),
    ],
    explain_en: "The sender domain {domain} ({header|t}) imitates {protected} ({technique|t}).",
    explain_zh: "发件域名 {domain}（{header|t}）仿冒了 {protected}（{technique|t}）。",
    renamed_from: &[],
};

/// `sender.freemail_impersonation`
pub(crate) static FREEMAIL_IMPERSONATION: Rule = Rule {
    id: "sender.freemail_impersonation",
    family: Family::Sender,
    default_weight: 0.7,
    summary: "A partner's company or contact person writes from a personal free-mail account.",
    description: "The display name names a partner or vendor company from the policy, or a \
        protected person whose addresses are at a partner's domain, but the message comes from a \
        free-mail provider (gmail.com, qq.com, 163.com, ...). Attackers open free-mail accounts \
        in a supplier's or customer's name and ask for payment to new accounts; genuine partners \
        write from their company domain.",
    false_positives: "Small partners sometimes do use free mail. Tell mailrisk which addresses \
        are known (`MessageContext::known_correspondent`): a known correspondent is not \
        reported.",
    references: &[
        "FBI IC3 Public Service Announcement I-091019-PSA (BEC)",
        "sublime-rules: impersonation of a vendor from free-mail",
    ],
    evidence: &[
        ("from", "the From address"),
        ("name", "the display name"),
        ("claimed", "the partner company or person named"),
        ("kind", "company | person"),
    ],
    explain_en: "{name} <{from}> claims to be {claimed} ({kind|t}) but writes from a personal free-mail account.",
    explain_zh: "{name} <{from}> 自称 {claimed}（{kind|t}），却使用个人免费邮箱发信。",
    renamed_from: &[],
};

/// `sender.own_domain_spoof`
pub(crate) static OWN_DOMAIN_SPOOF: Rule = Rule {
    id: "sender.own_domain_spoof",
    family: Family::Sender,
    default_weight: 0.8,
    summary: "Inbound mail claims to come from the organisation's own domain.",
    description: "The From address is in one of the organisation's own domains, yet the message \
        arrived from outside: the host scored it as inbound and the connecting client (from \
        `MessageContext::client_ip`, else the topmost Received hop, which the receiving server \
        wrote) is not in `organisation.internal_networks`. Forged own-domain mail from \
        \"the boss\" is the classic CEO-fraud opening. When the organisation's own server \
        reports that the message fails authentication for the domain (a trusted \
        Authentication-Results header: DMARC fail, or SPF/DKIM failing with nothing aligned \
        passing), the finding is at full strength whatever the client address.",
    false_positives: "Third-party services that send as your domain (CRM, ticketing, \
        newsletters) arrive from outside. When a trusted Authentication-Results header shows \
        an aligned pass (DMARC, or SPF or DKIM for the organisation's domain), the message is \
        not reported; without authentication results, list their networks in \
        `organisation.internal_networks`. Without a known client address the rule weighs less.",
    references: &[
        "FBI IC3 Public Service Announcement I-091019-PSA (BEC)",
        "rspamd rules (FORGED_SENDER, own-domain spoofing composites)",
        "RFC 7489 (DMARC)",
    ],
    evidence: &[
        ("from", "the From address"),
        ("client", "the connecting client's IP address, or \"unknown\""),
        ("basis", "auth_fail (the organisation's server reports failed authentication) | client_outside (a client address outside the internal networks) | inbound (only the direction says so)"),
    ],
    explain_en: "The message claims to come from your own domain ({from}) but arrived from outside ({client}).",
    explain_zh: "邮件自称来自本单位域名（{from}），却是从外部（{client}）发来的。",
    renamed_from: &[],
};

/// `sender.first_contact`
pub(crate) static FIRST_CONTACT: Rule = Rule {
    id: "sender.first_contact",
    family: Family::Sender,
    default_weight: 0.15,
    summary: "First message from this sender (per the host's correspondence history).",
    description: "The host tells mailrisk which addresses it has exchanged mail with \
        (`MessageContext::known_correspondent`). A first contact is weak on its own but makes \
        impersonation findings stronger, and known correspondents suppress person \
        impersonation, as Microsoft's mailbox intelligence does.",
    false_positives: "Every new customer is a first contact; the weight is low for that reason. \
        The rule is silent when the host supplied no history.",
    references: &["Microsoft Defender for Office 365, anti-phishing: mailbox intelligence"],
    evidence: &[("from", "the From address")],
    explain_en: "This is the first message from {from}.",
    explain_zh: "这是 {from} 第一次来信。",
    renamed_from: &[],
};

/// `identity.person_impersonation`
pub(crate) static PERSON_IMPERSONATION: Rule = Rule {
    id: "identity.person_impersonation",
    family: Family::Identity,
    default_weight: 0.8,
    summary: "The display name is a protected person's name, but the address is not theirs.",
    description: "The display name names a person from the policy's `people` (name or alias) \
        while the address is none of that person's. Names are compared after NFKC, removal of \
        invisible characters, diacritics and tone marks, titles (Mr, CEO, 总经理, 先生) and \
        punctuation, with Han characters spelled out in pinyin and each word reduced to its \
        confusable skeleton: \"Li Wei\", \"LI, Wei\", \"W. Li\", \"LiWei\", \"Lǐ Wěi\", \"李伟\", \
        \"Li Wеi\" with a Cyrillic е and \"𝐋𝐢 𝐖𝐞𝐢\" all name the same person. Executives and \
        finance staff weigh most.",
    false_positives: "Namesakes are common, Chinese names especially. The rule is silent for \
        senders in the organisation's own domains (forged own-domain mail is \
        `sender.own_domain_spoof`), at partner and vendor domains (a supplier's contact who \
        shares the CEO's name), for notification services, and for known correspondents; a \
        partner's contact writing from free mail is `sender.freemail_impersonation` instead. A \
        partner's contact named by someone at an unrelated company domain keeps half the \
        strength: namesakes are common (a benign-corpus finding).",
    references: &[
        "Microsoft Defender for Office 365, anti-phishing: user impersonation protection",
        "Unicode Standard Annex #15 (NFKC), Technical Standard #39 (skeletons)",
    ],
    evidence: &[
        ("name", "the display name"),
        ("person", "the protected person's name in the policy"),
        ("role", "executive | finance | staff"),
        ("from", "the From address"),
        ("match", "exact | reordered | initials"),
    ],
    explain_en: "The sender calls themself {name}, like {person} ({role|t}), but writes from {from}, which is not one of their addresses.",
    explain_zh: "发件人自称 {name}，与{role|t} {person} 同名，但发信地址 {from} 并不是此人的地址。",
    renamed_from: &[],
};

/// `identity.brand_display_name`
pub(crate) static BRAND_DISPLAY_NAME: Rule = Rule {
    id: "identity.brand_display_name",
    family: Family::Identity,
    default_weight: 0.6,
    summary: "The display name uses a protected company or brand name, from an unrelated domain.",
    description: "The display name contains the name of the organisation itself, a partner, a \
        vendor or a built-in brand (\"DHL Express\", \"PayPal\", \"中国银行\"), as whole words \
        after the same normalisation as person names and with legal forms (Co., Ltd, GmbH, \
        有限公司) removed, while the From domain is not one of that company's domains.",
    false_positives: "Resellers, agents and forwarders mention carriers' names (\"Ningbo Agent for \
        Maersk\"); such mail still reaches this rule, which is why it weighs less for built-in \
        brands than for the organisation's own name. Mail from the brand's own domains, and \
        from the organisation's own domains for its own name, is never reported.",
    references: &[
        "rspamd rules/misc.lua (brand spoofing in display names)",
        "sublime-rules: brand impersonation rules",
    ],
    evidence: &[
        ("name", "the display name"),
        ("brand", "the company or brand named"),
        ("kind", "organisation | partner | vendor | brand"),
        ("from", "the From address"),
    ],
    explain_en: "The display name {name} uses the name of {brand} ({kind|t}), but the message comes from {from}.",
    explain_zh: "显示名称 {name} 使用了 {brand}（{kind|t}）的名称，但邮件来自 {from}。",
    renamed_from: &[],
};

/// `identity.unusual_characters`
pub(crate) static UNUSUAL_CHARACTERS: Rule = Rule {
    id: "identity.unusual_characters",
    family: Family::Identity,
    default_weight: 0.45,
    summary: "The display name or address contains invisible characters, mixed scripts or look-alike letter forms.",
    description: "Invisible characters (zero-width, bidirectional controls, tags), words mixing \
        scripts (Latin with Cyrillic or Greek inside one word), mathematical alphanumerics \
        (𝐏𝐚𝐲𝐏𝐚𝐥) and enclosed letters make a name look like another one to people while \
        defeating plain-text filters.",
    false_positives: "Chinese, Japanese and Korean names mixed with Latin (\"李伟 David\") are \
        normal and not reported: mixing is judged per word, and the Latin-with-CJK combinations \
        UTS #39 calls highly restrictive are allowed. Emoji are not reported.",
    references: &[
        "Unicode Technical Standard #39, section 5 (mixed-script detection)",
        "Unicode Technical Report #36 (security considerations)",
    ],
    evidence: &[
        ("where", "display_name | address"),
        ("kind", "invisible | mixed_script | math_alphanumeric | enclosed"),
        ("text", "the word concerned, invisible characters shown as <U+200B>"),
    ],
    explain_en: "The sender's {where|t} contains {kind|t}: {text}.",
    explain_zh: "发件人的{where|t}包含{kind|t}：{text}。",
    renamed_from: &[],
};

/// `links.lookalike_domain`
pub(crate) static LINK_LOOKALIKE: Rule = Rule {
    id: "links.lookalike_domain",
    family: Family::Links,
    default_weight: 0.7,
    summary: "A link goes to a host that imitates a protected domain.",
    description: "Every link host in the body is checked against the protected domains with the \
        same index as sender domains (homoglyphs, edits, suffix swaps, combosquats, embedding \
        such as acme-trade.com.secure-docs.io). A lookalike login or invoice page is where \
        credentials and payments are taken.",
    false_positives: "The same grading as `sender.lookalike_domain`; a link to a protected \
        domain or its subdomains never matches. One finding per message, for the strongest \
        link.",
    references: &[
        "Chromium components/lookalikes/core/lookalike_url_util.cc",
        "rspamd src/plugins/lua/phishing.lua",
    ],
    evidence: &[
        ("host", "the link's host"),
        ("protected", "the protected domain it imitates"),
        ("technique", "as for sender.lookalike_domain"),
        ("match", "high | medium | low"),
        ("url", "the link, at most 200 characters"),
        ("count", "number of links to lookalike hosts"),
    ],
    explain_en: "A link goes to {host}, which imitates {protected} ({technique|t}).",
    explain_zh: "邮件中的链接指向 {host}，该域名仿冒了 {protected}（{technique|t}）。",
    renamed_from: &[],
};

/// `links.text_href_mismatch`
pub(crate) static TEXT_HREF_MISMATCH: Rule = Rule {
    id: "links.text_href_mismatch",
    family: Family::Links,
    default_weight: 0.6,
    summary: "A link shows one site and goes to another organisation.",
    description: "The visible text of an HTML link is itself a URL or host name (www.hsbc.com) \
        while the link goes to a host of another organisation: the classic phishing link. \
        Strongest when the shown site is a protected domain.",
    false_positives: "Newsletters route links through click trackers, and mail gateways rewrite \
        them (Safe Links, URL Defense). The rule stays quiet when the target is a known link \
        wrapper or the sender's own domain, when both hosts share their registrable domain, and \
        when they are the same name under another suffix (hsbc.com / hsbc.com.hk), as rspamd's \
        phishing module does. Text that is not a host name with a known public suffix \
        (\"Click here\", \"invoice.pdf\") is ignored.",
    references: &[
        "rspamd src/plugins/lua/phishing.lua (PHISHING)",
        "SpamAssassin HTML_LINK_CLICK_HERE / URI rules",
    ],
    evidence: &[
        ("shown", "the host the link's text shows"),
        ("host", "the host the link goes to"),
        ("url", "the link, at most 200 characters"),
        ("count", "number of such links"),
    ],
    explain_en: "A link shows {shown} but goes to {host}.",
    explain_zh: "链接显示为 {shown}，实际却指向 {host}。",
    renamed_from: &[],
};

/// `links.ip_literal`
pub(crate) static IP_LITERAL: Rule = Rule {
    id: "links.ip_literal",
    family: Family::Links,
    default_weight: 0.45,
    summary: "A link goes to a bare IP address.",
    description: "Legitimate companies link to their domains; a link to a bare IPv4 or IPv6 \
        address hides who runs the server and is common in phishing and malware mail. Links are \
        read as a browser reads them (the WHATWG URL standard), so the forms that hide an \
        address from a reader are addresses too: `http://3232235777/`, `http://0x7f.1/`, \
        octal parts, percent-encoded digits, IPv4-mapped IPv6.",
    false_positives: "Internal tools and devices (printers, NAS) are reached by IP; such mail is \
        usually internal, and this rule runs on inbound and internal mail alike, so it weighs \
        little on its own.",
    references: &[
        "rspamd rules (HTTP_TO_IP)",
        "SpamAssassin NUMERIC_HTTP_ADDR",
    ],
    evidence: &[
        ("url", "the first such link, at most 200 characters"),
        ("count", "number of links to IP addresses"),
    ],
    explain_en: "A link goes to a bare IP address: {url}.",
    explain_zh: "邮件中的链接直接指向 IP 地址：{url}。",
    renamed_from: &[],
};

/// `links.script_url`
pub(crate) static SCRIPT_URL: Rule = Rule {
    id: "links.script_url",
    family: Family::Links,
    default_weight: 0.6,
    summary: "A link runs script or carries a whole page (javascript:, vbscript:, data:).",
    description: "javascript: and vbscript: links run code when clicked; a data: link that is not \
        an image opens a page carried inside the message itself, a way to show a fake login \
        form without any web server.",
    false_positives: "Inline images as data:image/… are normal and not reported. Mail clients \
        block most script links, but the attempt itself is a strong sign.",
    references: &[
        "rspamd rules (data URI phishing)",
        "OWASP: data: and javascript: URL abuse",
    ],
    evidence: &[
        ("scheme", "javascript | vbscript | data"),
        ("url", "the link, at most 200 characters"),
    ],
    explain_en:
        "A link uses the {scheme}: scheme, which runs code or opens a page carried in the message.",
    explain_zh: "链接使用 {scheme}: 协议，点击后会执行代码或打开邮件内嵌的网页。",
    renamed_from: &[],
};

/// `attachments.dangerous_type`
pub(crate) static DANGEROUS_ATTACHMENT: Rule = Rule {
    id: "attachments.dangerous_type",
    family: Family::Attachments,
    default_weight: 0.7,
    summary: "An attachment is a program, script or disk image.",
    description: "Executables, scripts (js, vbs, ps1, hta …), shortcuts and disk images (iso, \
        img, vhd) run code when opened; businesses do not exchange them by mail. A document \
        extension in front (invoice.pdf.exe) or a right-to-left override character that turns \
        \"invoice<U+202E>fdp.exe\" into what reads as \"invoiceexe.pdf\" makes it stronger. Content is \
        checked too: a program under any name is reported. The member names of attached ZIP \
        archives are read from the archive's directory, without extracting anything, so a \
        program packed into invoice.zip (even a password-protected one, whose names are not \
        encrypted) is reported as well.",
    false_positives: "IT departments and software vendors send installers; they should use \
        download links. Such senders can lower the rule's weight in the policy.",
    references: &[
        "Microsoft Defender for Office 365: common attachments filter",
        "Unicode Technical Report #36, section 2.2 (bidirectional text spoofing)",
        "PKWARE APPNOTE.TXT, section 4.3.12 and 4.3.16 (central directory)",
    ],
    evidence: &[
        (
            "name",
            "the file name, control characters shown as <U+202E>; archive/member for a member",
        ),
        (
            "reason",
            "extension | content | double_extension | right_to_left_override | archive_member",
        ),
    ],
    explain_en: "The attachment {name} is a program or script ({reason|t}).",
    explain_zh: "附件 {name} 是可执行程序或脚本（{reason|t}）。",
    renamed_from: &[],
};

/// `attachments.macro_office`
pub(crate) static MACRO_OFFICE: Rule = Rule {
    id: "attachments.macro_office",
    family: Family::Attachments,
    default_weight: 0.35,
    summary: "An attachment is a macro-enabled Office file.",
    description: "docm, xlsm, pptm and the other macro-enabled Office formats can run code \
        when the reader enables content, the usual way malware is delivered to finance staff.",
    false_positives: "Some companies exchange macro workbooks (price calculators, order \
        forms); the weight is low for that reason.",
    references: &["Microsoft: macros from the internet are blocked by default in Office"],
    evidence: &[("name", "the file name")],
    explain_en: "The attachment {name} is an Office file with macros.",
    explain_zh: "附件 {name} 是带宏的 Office 文件。",
    renamed_from: &[],
};

/// `attachments.type_mismatch`
pub(crate) static TYPE_MISMATCH: Rule = Rule {
    id: "attachments.type_mismatch",
    family: Family::Attachments,
    default_weight: 0.55,
    summary: "An attachment's content is not what its name says.",
    description: "The file's first bytes give its real type. A \"PDF\" that is a program, a \
        \"JPEG\" that is a ZIP archive: the name is a disguise.",
    false_positives: "Only extensions with a known signature are judged (pdf, images, Office, \
        archives, rtf); Office Open XML files are ZIP archives and pass as such.",
    references: &["rspamd mime_types module (MIME_BAD_EXTENSION, MIME_TYPE_MISMATCH)"],
    evidence: &[
        ("name", "the file name"),
        ("declared", "the declared media type"),
        ("content", "the media type its first bytes show"),
    ],
    explain_en:
        "The attachment {name} is named like another type of file than it contains ({content}).",
    explain_zh: "附件 {name} 的文件名与实际内容类型（{content}）不符。",
    renamed_from: &[],
};

/// `links.shortener`
pub(crate) static SHORTENER: Rule = Rule {
    id: "links.shortener",
    family: Family::Links,
    default_weight: 0.2,
    summary: "A link goes through a URL shortener.",
    description: "bit.ly, tinyurl.com, t.cn and the like hide the destination until the link is \
        clicked; in business mail about payments or documents they hide phishing pages.",
    false_positives: "Marketing mail uses shorteners a lot; the weight is low, meant to add to \
        other findings rather than stand alone.",
    references: &[
        "rspamd url_redirector module",
        "SpamAssassin URI_SHORTENER rules",
    ],
    evidence: &[
        ("url", "the first shortened link, at most 200 characters"),
        ("count", "number of shortened links"),
    ],
    explain_en: "A link goes through a URL shortener, which hides where it leads: {url}.",
    explain_zh: "邮件中的链接使用了短网址，隐藏了真实去向：{url}。",
    renamed_from: &[],
};

/// `links.mixed_script_host`
pub(crate) static MIXED_SCRIPT_HOST: Rule = Rule {
    id: "links.mixed_script_host",
    family: Family::Links,
    default_weight: 0.5,
    summary: "A link host mixes scripts in one label (pаypal.com with a Cyrillic а).",
    description: "A host name label that mixes Latin with Cyrillic or Greek letters, written \
        in Unicode or punycode (xn--), exists to look like a Latin name. Browsers show such \
        names as punycode for that reason.",
    false_positives: "Internationalised domain names in one script (müller.de, 中国银行.cn) are \
        normal and not reported; Latin next to Han, kana or Hangul is allowed as in UTS #39's \
        highly restrictive level.",
    references: &[
        "Unicode Technical Standard #39, section 5.2 (restriction levels)",
        "Chromium IDN display policy",
    ],
    evidence: &[
        ("host", "the link's host as written"),
        ("label", "the mixed label, in Unicode"),
    ],
    explain_en:
        "A link goes to {host}, whose label {label} mixes alphabets to imitate another name.",
    explain_zh: "链接指向 {host}，其中 {label} 混用了不同文字来冒充其他名称。",
    renamed_from: &[],
};

/// `banking.vendor_account_changed`
pub(crate) static VENDOR_ACCOUNT_CHANGED: Rule = Rule {
    id: "banking.vendor_account_changed",
    family: Family::Banking,
    default_weight: 0.9,
    summary: "A vendor's message carries a bank account that is not the one on record.",
    description: "The policy's vendor registry lists each vendor's domains and bank accounts. A \
        message from a vendor's domain, from a lookalike of it, or naming the vendor in its \
        display name, that contains an IBAN (country length and mod-97 checked), a US routing \
        number (ABA checksum), a UnionPay card number (Luhn) or an account number (digits after \
        \"account\", \"A/C\", \"账号\", \"cuenta\", \"Konto\" …) other than those on record is the \
        single strongest sign of supplier-invoice fraud: the money goes to the attacker.",
    false_positives: "Vendors do change banks. The rule reports what differs; confirm by \
        phone with a number you already have, never one from the message, and update the \
        registry. Invoices quoting the account on record stay quiet.",
    references: &[
        "FBI IC3 Public Service Announcement I-091019-PSA (BEC, vendor impersonation)",
        "ISO 13616 (IBAN), ISO 7064 (mod 97-10)",
    ],
    evidence: &[
        ("vendor", "the vendor's name in the policy"),
        ("sender", "vendor_domain | lookalike_domain | name: how the message is tied to the vendor"),
        ("kind", "iban | aba_routing | bank_card | account_number"),
        ("account", "the first account not on record, all but its first and last four characters masked"),
        ("from", "the From address"),
        ("count", "number of accounts not on record"),
    ],
    explain_en: "A message for {vendor} ({sender|t}) asks for payment to {account}, which is not the {kind|t} on record.",
    explain_zh: "一封代表 {vendor} 的邮件（{sender|t}）要求付款到 {account}，这不是登记在案的{kind|t}。",
    renamed_from: &[],
};

/// `banking.new_account_details`
pub(crate) static NEW_ACCOUNT_DETAILS: Rule = Rule {
    id: "banking.new_account_details",
    family: Family::Banking,
    default_weight: 0.7,
    summary: "Bank details in the message together with words saying they are new or changed.",
    description: "An IBAN, account, routing or bank card number in the message and, in the \
        message's own text, change language (\"our bank account has changed\", \"请汇到新账户\", \
        or bank words next to \"new\", \"updated\", \"audit\" in one sentence). Unlike \
        `banking.vendor_account_changed` it needs no vendor registry, so it also protects \
        payments to customers and suppliers the policy does not list. The beneficiary name is \
        reported when the message gives one.",
    false_positives: "Accounts on record for any vendor stay quiet. A genuine change notice \
        fires; confirm it by phone on a number already on file.",
    references: &[
        "FBI IC3 PSA I-091019-PSA",
        "ISO 13616 (IBAN), ISO 7064 (mod 97-10)",
    ],
    evidence: &[
        ("kind", "iban | aba_routing | bank_card | account_number"),
        ("account", "the first new account, all but its first and last four characters masked"),
        ("phrase", "the change phrase as written"),
        ("beneficiary", "the beneficiary name given in the message, or -"),
        ("count", "number of account identifiers found"),
    ],
    explain_en: "The message gives a {kind|t} {account} (beneficiary: {beneficiary}) and says the details changed: \"{phrase}\".",
    explain_zh: "邮件给出了{kind|t} {account}（收款人：{beneficiary}），并声称收款信息已变更：“{phrase}”。",
    renamed_from: &[],
};

/// `attachments.html_credential_form`
pub(crate) static HTML_CREDENTIAL_FORM: Rule = Rule {
    id: "attachments.html_credential_form",
    family: Family::Attachments,
    default_weight: 0.7,
    summary: "An HTML attachment asks for a password.",
    description: "An attached .html file with a password field is a login page carried inside \
        the message: it opens locally in the browser, shows a Microsoft 365 or webmail look, and \
        posts the password to the attacker. Because no link is involved, URL filters never see \
        it. The attachment's HTML is searched (first MiB) for an <input> of type password.",
    false_positives: "Legitimate mail almost never attaches login forms. Saved web pages with a \
        login box are the rare exception.",
    references: &[
        "MITRE ATT&CK T1566.001 (spearphishing attachment)",
        "Microsoft Security Blog: HTML smuggling and local login-page phishing",
    ],
    evidence: &[("name", "the attachment's file name")],
    explain_en: "The attachment {name} is a web page that asks for a password.",
    explain_zh: "附件 {name} 是一个要求输入密码的网页。",
    renamed_from: &[],
};

static CATALOGUE: &[&Rule] = &[
    &MALFORMED_FROM,
    &LIMIT_EXCEEDED,
    &INTERNAL_ERROR,
    &DISPLAY_NAME_ADDRESS,
    &PERSON_IMPERSONATION,
    &BRAND_DISPLAY_NAME,
    &UNUSUAL_CHARACTERS,
    &REPLY_TO_MISMATCH,
    &SENDER_LOOKALIKE,
    &FREEMAIL_IMPERSONATION,
    &OWN_DOMAIN_SPOOF,
    &FIRST_CONTACT,
    &LINK_LOOKALIKE,
    &TEXT_HREF_MISMATCH,
    &IP_LITERAL,
    &SCRIPT_URL,
    &SHORTENER,
    &MIXED_SCRIPT_HOST,
    &VENDOR_ACCOUNT_CHANGED,
    &NEW_ACCOUNT_DETAILS,
    &DANGEROUS_ATTACHMENT,
    &HTML_CREDENTIAL_FORM,
    &MACRO_OFFICE,
    &TYPE_MISMATCH,
    &FORGED_RESULTS_HEADER,
    &DMARC_FAIL,
    &SPF_FAIL,
    &DKIM_FAIL,
    &AUTH_NONE,
    &PARTNER_AUTHENTICATED,
    &BANK_DETAIL_CHANGE,
    &PAYMENT_URGENCY,
    &SECRECY,
    &AUTHORITY,
    &GIFT_CARDS,
    &PHONE_HARVESTING,
    &CREDENTIAL_LURE,
    &BEC_REQUEST,
    &PERSONAL_ACCOUNT,
    &PI_WITHOUT_FINANCE,
    &BEC_PAYMENT_REQUEST,
    &IMPOSSIBLE_TRAVEL,
    &SESSION_IP_CHANGE,
    &NEW_COUNTRY,
    &NEW_NETWORK,
    &NEW_DEVICE,
    &OUTSIDE_ALLOWED,
    &ANONYMIZER,
    &OFF_HOURS,
    &BRUTE_FORCE,
    &PASSWORD_SPRAY,
    &SUCCESS_AFTER_ATTACK,
    &LEGACY_PROTOCOL,
    &ATTACK_TOOL,
    &PROVIDER_RISK,
    &EXTERNAL_FORWARDING,
    &SHARED_FORWARD_TARGET,
    &HIDING_RULE,
    &PROTOCOL_ENABLED,
    &PERMISSION_GRANTED,
    &AUDIT_DISABLED,
    &MASS_ACTION,
    &RECOVERY_CHANGED,
    &MFA_DISABLED,
    &APP_CONSENT,
    &ACCOUNT_TAKEOVER,
];

/// Every rule mailrisk knows, in catalogue order.
///
/// ```
/// let ids: Vec<&str> = mailrisk::rules().iter().map(|r| r.id()).collect();
/// assert!(ids.contains(&"sender.reply_to_mismatch"));
/// ```
pub fn rules() -> &'static [&'static Rule] {
    CATALOGUE
}

/// Looks a rule up by id (current or former).
///
/// ```
/// let rule = mailrisk::rule("identity.display_name_address").expect("known rule");
/// assert_eq!(rule.family(), mailrisk::Family::Identity);
/// ```
pub fn rule(id: &str) -> Option<&'static Rule> {
    CATALOGUE
        .iter()
        .copied()
        .find(|r| r.id == id || r.renamed_from.contains(&id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_start_with_their_family() {
        let mut seen = HashSet::new();
        for r in rules() {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.starts_with(&format!("{}.", r.family.as_str())),
                "{} does not start with its family",
                r.id
            );
            assert!((0.0..=1.0).contains(&r.default_weight), "{} weight", r.id);
            assert!(!r.explain_en.is_empty() && !r.explain_zh.is_empty());
            assert!(!r.references.is_empty(), "{} has no references", r.id);
            for lang in [crate::Lang::En, crate::Lang::Zh] {
                let mut rest = r.template(lang);
                while let Some(p) = rest.find('{') {
                    let end = rest[p..].find('}').map_or(rest.len(), |e| p + e);
                    let key = rest[p + 1..end].trim_end_matches("|t");
                    assert!(
                        r.evidence.iter().any(|(k, _)| *k == key),
                        "{} template uses undeclared evidence key {key}",
                        r.id
                    );
                    rest = &rest[end..];
                }
            }
        }
    }

    #[test]
    fn lookup_finds_rules_and_rejects_unknown_ids() {
        assert!(rule("message.limit_exceeded").is_some());
        assert!(rule("no.such_rule").is_none());
    }
}
