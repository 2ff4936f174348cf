//! Rendering explanation templates in English and Chinese.
//!
//! Templates come from the rule catalogue. `{key}` inserts the evidence value as is (addresses,
//! domains, numbers); `{key|t}` inserts the translation of a machine term such as
//! `multiple_from_headers`. A term without a translation is inserted as is, so an explanation
//! never loses information.

use super::{Evidence, Lang};

/// Machine terms used in evidence values, with their English and Chinese renderings.
const TERMS: &[(&str, &str, &str)] = &[
    // message.malformed_from reasons
    ("missing", "there is no From header", "缺少 From 头"),
    (
        "multiple_from_headers",
        "it appears more than once",
        "出现了多个 From 头",
    ),
    (
        "multiple_addresses_without_sender",
        "it lists several senders but no Sender header",
        "列出了多个发件人却没有 Sender 头",
    ),
    (
        "no_address",
        "it contains no e-mail address",
        "其中没有电子邮件地址",
    ),
    (
        "invalid_address",
        "its address is not valid",
        "其中的地址无效",
    ),
    (
        "no_header_section",
        "the data has no mail header section",
        "数据中没有邮件头部分",
    ),
    // message.limit_exceeded limits
    ("message_bytes", "message size in bytes", "邮件大小（字节）"),
    ("mime_depth", "MIME nesting depth", "MIME 嵌套深度"),
    ("parts", "number of MIME parts", "MIME 部分数量"),
    ("headers", "number of header fields", "头字段数量"),
    ("urls", "number of links", "链接数量"),
    (
        "text_bytes",
        "decoded text size in bytes",
        "解码后文本大小（字节）",
    ),
    // message.internal_error stages
    ("parse", "reading the message", "解析邮件"),
    ("detect", "running the checks", "运行检测"),
    // login.anonymizer kinds
    ("tor", "a Tor exit node", "Tor 出口节点"),
    ("proxy", "an anonymous proxy", "匿名代理"),
    ("vpn", "a commercial VPN", "商业 VPN"),
    ("hosting", "a hosting provider's network", "托管服务商网络"),
    // login.brute_force scopes and kinds, login.success_after_attack attacks
    ("user", "on one account", "针对同一账号"),
    ("source", "from one source", "来自同一来源"),
    ("guessing", "password guessing", "密码猜测"),
    (
        "stuffing",
        "credential stuffing from many sources",
        "多来源撞库",
    ),
    ("brute_force", "brute force", "暴力破解"),
    ("password_spray", "password spray", "密码喷洒"),
    // login.legacy_protocol reasons
    (
        "disabled",
        "legacy protocols are switched off in the organisation",
        "组织已禁用旧式协议",
    ),
    ("first_use", "first use in a while", "一段时间以来首次使用"),
    // login.provider_risk levels
    ("medium", "medium", "中等"),
    ("high", "high", "高"),
    // mailbox.external_forwarding
    ("inbox_rule", "an inbox rule", "收件箱规则"),
    (
        "mailbox_forwarding",
        "the mailbox's forwarding setting",
        "邮箱转发设置",
    ),
    ("sieve_redirect", "a Sieve redirect", "Sieve 重定向规则"),
    (
        "transport_rule",
        "an organisation-wide transport rule",
        "全组织传输规则",
    ),
    ("unknown", "unknown", "未知"),
    // mailbox.mass_action
    ("send", "sending", "发送"),
    ("delete", "deletion", "删除"),
    ("access", "reading or export", "读取或导出"),
    // sender.reply_to_mismatch kinds
    ("freemail", "a personal free-mail account", "个人免费邮箱"),
    ("other_organisation", "another organisation", "另一个组织"),
    // headers of sender.lookalike_domain
    ("from", "From", "发件人 From"),
    ("sender", "Sender", "代发人 Sender"),
    ("reply_to", "Reply-To", "回复地址 Reply-To"),
    ("return_path", "Return-Path", "退信地址 Return-Path"),
    ("envelope_from", "envelope sender", "信封发件人"),
    ("display_name", "display name", "显示名称"),
    // lookalike techniques
    ("homoglyph", "look-alike characters", "形近字符"),
    ("transposition", "two letters swapped", "字母顺序颠倒"),
    (
        "bitsquatting",
        "one character changed by a bit flip",
        "单个字符位翻转",
    ),
    ("omission", "a letter left out", "漏掉一个字母"),
    ("insertion", "a letter added", "多加一个字母"),
    ("repetition", "a letter doubled", "字母重复"),
    ("vowel_swap", "a vowel changed", "元音被替换"),
    ("hyphenation", "a hyphen added", "加入连字符"),
    ("plural", "a plural form", "复数形式"),
    ("replacement", "one letter replaced", "一个字母被替换"),
    ("edit_distance", "two letters changed", "两处字母改动"),
    ("dot_insertion", "a dot inserted", "插入了点号"),
    (
        "tld_swap",
        "the same name under another ending",
        "同名不同后缀",
    ),
    (
        "glued_tld",
        "the ending glued onto the name",
        "后缀拼接进域名",
    ),
    (
        "combosquat",
        "the name combined with other words",
        "名称加其他词组合",
    ),
    (
        "embedding",
        "the name hidden inside another domain",
        "名称嵌在其他域名中",
    ),
    // claims and roles
    ("company", "a partner company", "合作公司"),
    ("person", "a partner's contact person", "合作方联系人"),
    ("executive", "executive", "高管"),
    ("finance", "finance", "财务人员"),
    ("staff", "staff", "员工"),
    ("organisation", "your organisation", "本单位"),
    ("partner", "a partner", "合作伙伴"),
    ("vendor", "a vendor", "供应商"),
    ("brand", "a well-known brand", "知名品牌"),
    // identity.unusual_characters
    ("address", "address", "地址"),
    ("invisible", "invisible characters", "不可见字符"),
    (
        "mixed_script",
        "letters of different scripts in one word",
        "同一单词混用不同文字",
    ),
    (
        "math_alphanumeric",
        "mathematical letter forms",
        "数学字母变体",
    ),
    ("enclosed", "enclosed letter forms", "带圈字母变体"),
    // banking.vendor_account_changed
    (
        "vendor_domain",
        "sent from the vendor's own domain",
        "发自供应商自己的域名",
    ),
    (
        "lookalike_domain",
        "sent from a lookalike of the vendor's domain",
        "发自仿冒供应商的域名",
    ),
    ("name", "using the vendor's name", "冒用供应商名称"),
    ("iban", "IBAN", "IBAN 账号"),
    ("aba_routing", "US routing number", "美国银行路由号"),
    ("bank_card", "bank card number", "银行卡号"),
    ("account_number", "account number", "银行账号"),
    // auth.* softening and DMARC policies, sender.own_domain_spoof basis
    ("mailing_list", "mailing list", "邮件列表"),
    (
        "arc",
        "forwarded, ARC chain validated",
        "经转发且 ARC 链已验证",
    ),
    ("reject", "reject", "拒收（reject）"),
    ("quarantine", "quarantine", "隔离（quarantine）"),
    ("unknown", "not reported", "未报告"),
    ("none", "none (monitoring only)", "none（仅监测）"),
    ("auth_fail", "fails authentication", "认证失败"),
    // content.* places and outbound.personal_account
    ("subject", "subject", "邮件主题"),
    ("body", "message text", "邮件正文"),
    ("yes", "yes", "是"),
    ("no", "no", "否"),
    // attachments.dangerous_type reasons
    ("extension", "by its extension", "按扩展名判断"),
    ("content", "by its content", "按文件内容判断"),
    (
        "double_extension",
        "hidden behind a document extension",
        "藏在文档扩展名之后",
    ),
    (
        "archive_member",
        "packed inside an attached archive",
        "藏在附件压缩包中",
    ),
    (
        "right_to_left_override",
        "its name is reversed by a right-to-left override character",
        "文件名被从右到左控制字符反转",
    ),
];

/// The rendering of a machine term in `lang`, or the term itself.
pub(crate) fn term(value: &str, lang: Lang) -> &str {
    TERMS
        .iter()
        .find(|(k, _, _)| *k == value)
        .map(|(_, en, zh)| match lang {
            Lang::En => *en,
            Lang::Zh => *zh,
        })
        .unwrap_or(value)
}

/// Fills `template` from `evidence`. Unknown keys are left visible as `{key}`.
pub(crate) fn render(template: &str, evidence: &Evidence, lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let spec = &after[..close];
        let (key, translate) = match spec.strip_suffix("|t") {
            Some(k) => (k, true),
            None => (spec, false),
        };
        match evidence.get(key) {
            Some(v) if translate => out.push_str(term(v, lang)),
            Some(v) => out.push_str(v),
            None => {
                out.push('{');
                out.push_str(spec);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_keys_and_translates_terms() {
        let ev = Evidence::new()
            .with("from", "a@b.example")
            .with("kind", "freemail");
        assert_eq!(
            render("to {from} ({kind|t})", &ev, Lang::En),
            "to a@b.example (a personal free-mail account)"
        );
        assert_eq!(render("{kind|t}", &ev, Lang::Zh), "个人免费邮箱");
    }

    #[test]
    fn unknown_keys_and_unclosed_braces_stay_visible() {
        let ev = Evidence::new();
        assert_eq!(render("x {nope} y", &ev, Lang::En), "x {nope} y");
        assert_eq!(render("x {open", &ev, Lang::En), "x {open");
        let ev = Evidence::new().with("reason", "brand_new_reason");
        assert_eq!(render("{reason|t}", &ev, Lang::En), "brand_new_reason");
    }
}
