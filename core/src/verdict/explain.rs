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
    // sender.reply_to_mismatch kinds
    ("freemail", "a personal free-mail account", "个人免费邮箱"),
    ("other_organisation", "another organisation", "另一个组织"),
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
