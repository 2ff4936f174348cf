//! `auth.*`: sender authentication from the organisation's own `Authentication-Results`.

use super::{Family, Rule};

const RFC8601: &str = "RFC 8601: Message Header Field for Indicating Message Authentication Status";

/// `auth.forged_results_header`
pub(crate) static FORGED_RESULTS_HEADER: Rule = Rule {
    id: "auth.forged_results_header",
    family: Family::Auth,
    default_weight: 0.5,
    summary: "An Authentication-Results header in the organisation's name came with the message.",
    description: "The organisation's servers add Authentication-Results headers above the \
        Received fields they write. A header that names one of the organisation's authserv-ids \
        (or a host in its domains) but stands below the first Received field written by \
        someone else was already in the message when it arrived: the sender wrote it, hoping a \
        mail client or filter would believe \"dmarc=pass\". RFC 8601 section 5 asks receivers \
        to remove such headers; their presence is evidence of intent.",
    false_positives: "Mail relayed between two of the organisation's own servers keeps the first \
        server's header below a later hop; list every server's host domain in \
        `organisation.domains` or its authserv-id in `auth.trusted_authserv_ids` so the \
        boundary is drawn below them.",
    references: &[RFC8601, "RFC 8601 section 5 (removing forged headers)"],
    evidence: &[
        ("authserv_id", "the authserv-id the header claims"),
        ("position", "how many Received fields stand above it"),
    ],
    explain_en: "An Authentication-Results header claiming {authserv_id} was written before the message reached your servers ({position} Received fields above it): it is forged.",
    explain_zh: "一个自称来自 {authserv_id} 的 Authentication-Results 头在邮件到达贵司服务器之前就已存在（其上方有 {position} 个 Received 头）：它是伪造的。",
    renamed_from: &[],
};

/// Evidence keys of the failure rules.
macro_rules! failure_evidence {
    ($($extra:expr),* $(,)?) => {
        &[
            ("domain", "the domain the result is about"),
            ("result", "the result as reported (fail, softfail, permerror …)"),
            ("softened", "no | mailing_list | arc: why the weight was lowered"),
            $($extra),*
        ]
    };
}

/// `auth.dmarc_fail`
pub(crate) static DMARC_FAIL: Rule = Rule {
    id: "auth.dmarc_fail",
    family: Family::Auth,
    default_weight: 0.6,
    summary: "The From domain fails DMARC.",
    description: "DMARC passes when SPF or DKIM passes for a domain aligned with the From \
        domain. A failure means the visible sender's domain did not authorise this message: the \
        From address is forged, or the domain's own systems are misconfigured. The domain's \
        published policy (reject, quarantine, none) says how sure its owner is; a \"reject\" \
        domain failing is strong evidence of spoofing.",
    false_positives: "Mailing lists and forwarders break SPF and often DKIM. A message with list \
        headers, or whose ARC chain validated (arc=pass) and was last sealed by a domain in \
        `auth.trusted_arc_sealers`, keeps 30 %.",
    references: &[
        RFC8601,
        "RFC 7489: Domain-based Message Authentication, Reporting, and Conformance (DMARC)",
        "rspamd DMARC module (DMARC_POLICY_REJECT …)",
    ],
    evidence: failure_evidence!(("policy", "reject | quarantine | none | unknown: the domain's published policy")),
    explain_en: "The sender's domain {domain} fails DMARC ({result}; the domain's policy is {policy|t}; softened: {softened|t}).",
    explain_zh: "发件域 {domain} 未通过 DMARC 验证（{result}；该域策略为 {policy|t}；降权原因：{softened|t}）。",
    renamed_from: &[],
};

/// `auth.spf_fail`
pub(crate) static SPF_FAIL: Rule = Rule {
    id: "auth.spf_fail",
    family: Family::Auth,
    default_weight: 0.3,
    summary: "The envelope sender's domain does not authorise the sending server (SPF).",
    description: "SPF fail (or softfail, at half strength) means the connecting server is not \
        among those the envelope sender's domain lists. Not reported when an aligned DKIM \
        signature passes, which is what forwarding looks like.",
    false_positives: "Forwarding breaks SPF; list and ARC softening apply as for DMARC.",
    references: &[RFC8601, "RFC 7208: Sender Policy Framework (SPF)"],
    evidence: failure_evidence!(),
    explain_en: "The server that sent this is not allowed to send for {domain} (SPF {result}; softened: {softened|t}).",
    explain_zh: "发送服务器未获 {domain} 授权（SPF {result}；降权原因：{softened|t}）。",
    renamed_from: &[],
};

/// `auth.dkim_fail`
pub(crate) static DKIM_FAIL: Rule = Rule {
    id: "auth.dkim_fail",
    family: Family::Auth,
    default_weight: 0.3,
    summary: "The message's DKIM signature does not verify.",
    description: "A DKIM signature that fails verification means the signed headers or body \
        changed after signing, or the signature was made up. Reported when every signature \
        fails and none passes.",
    false_positives: "Mailing lists that rewrite subjects or add footers break signatures; list \
        and ARC softening apply.",
    references: &[RFC8601, "RFC 6376: DomainKeys Identified Mail (DKIM) Signatures"],
    evidence: failure_evidence!(("reason", "the reason the verifier gave, or -")),
    explain_en: "The DKIM signature of {domain} does not verify ({result}: {reason}; softened: {softened|t}).",
    explain_zh: "{domain} 的 DKIM 签名验证失败（{result}：{reason}；降权原因：{softened|t}）。",
    renamed_from: &[],
};

/// `auth.none`
pub(crate) static NONE: Rule = Rule {
    id: "auth.none",
    family: Family::Auth,
    default_weight: 0.15,
    summary: "The message carries no authentication at all.",
    description: "The organisation's server checked the message and found no SPF record, no \
        DKIM signature and no DMARC policy for it. Real companies' mail is almost always \
        signed or covered by SPF today; unauthenticated mail is weak evidence on its own and \
        strengthens impersonation findings.",
    false_positives: "Small partners with old mail setups send unauthenticated mail; the weight \
        is low.",
    references: &[
        RFC8601,
        "Google and Yahoo bulk-sender requirements (2024): SPF or DKIM for all mail",
    ],
    evidence: &[("authserv_id", "the server whose results say so")],
    explain_en: "{authserv_id} found no SPF, DKIM or DMARC authentication for this message.",
    explain_zh: "{authserv_id} 未发现本邮件有任何 SPF、DKIM 或 DMARC 认证。",
    renamed_from: &[],
};

/// `auth.partner_authenticated`
pub(crate) static PARTNER_AUTHENTICATED: Rule = Rule {
    id: "auth.partner_authenticated",
    family: Family::Auth,
    default_weight: 0.0,
    summary: "The message is authenticated for a partner's or vendor's own domain.",
    description: "The From domain belongs to a partner or vendor in the policy and passes \
        aligned authentication (DMARC, or SPF or DKIM for that organisation). Recorded at no \
        weight, it lowers the impersonation signals that such a message can still show \
        (Reply-To elsewhere, an address in the display name, unusual characters, first contact) \
        to half. What the message asks for is not lowered: a partner's mailbox can be stolen \
        too, and a bank change from it is still reported in full.",
    false_positives: "None: this finding lowers weights, it raises none.",
    references: &[
        RFC8601,
        "rspamd composites with remove_weight (authenticated senders)",
    ],
    evidence: &[
        ("partner", "the partner or vendor the domain belongs to"),
        ("domain", "the From domain"),
    ],
    explain_en: "The message is authenticated for {domain}, the domain of {partner}.",
    explain_zh: "本邮件通过了 {partner} 的域名 {domain} 的认证。",
    renamed_from: &[],
};
