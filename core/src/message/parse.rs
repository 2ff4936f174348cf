//! The walk over mail-parser's structures that builds a [`MessageView`].

use mail_parser::{
    Addr, Address, HeaderName, HeaderValue, Host, Message, MessageParser, MessagePart, MimeHeaders,
    PartType,
};

use super::{
    addresses_in, archive, html, sniff, urls, Attachment, FromField, Hop, LimitHit, Mailbox,
    MessageView, ResultsHeader, Url,
};
use crate::policy::Limits;

/// A configured mail-parser, built once per engine (building one allocates its header table).
#[derive(Debug, Default)]
pub(crate) struct Parser(MessageParser);

impl Parser {
    /// Parses `raw` under `limits`. Never panics; input without a header section gives a view
    /// with `has_headers == false`.
    pub(crate) fn parse(&self, raw: &[u8], limits: &Limits) -> MessageView {
        parse_with(&self.0, raw, limits)
    }
}

/// Parses with a fresh parser (tests).
#[cfg(test)]
pub(crate) fn parse(raw: &[u8], limits: &Limits) -> MessageView {
    parse_with(&MessageParser::default(), raw, limits)
}

fn parse_with(parser: &MessageParser, raw: &[u8], limits: &Limits) -> MessageView {
    let mut view = MessageView::default();
    let raw = if raw.len() > limits.max_message_bytes {
        view.limits.push(LimitHit {
            limit: "message_bytes",
            actual: raw.len(),
            max: limits.max_message_bytes,
        });
        &raw[..limits.max_message_bytes]
    } else {
        raw
    };
    let Some(message) = parser.parse(raw) else {
        return view;
    };
    view.has_headers = !message.headers().is_empty();
    read_headers(&message, limits, &mut view);
    Body::new(limits, &mut view).walk(&message);
    view
}

fn mailbox(a: &Addr<'_>) -> Mailbox {
    Mailbox::new(a.name(), a.address())
}

fn mailboxes(value: &HeaderValue<'_>) -> Vec<Mailbox> {
    match value {
        HeaderValue::Address(Address::List(list)) => list.iter().map(mailbox).collect(),
        HeaderValue::Address(Address::Group(groups)) => groups
            .iter()
            .flat_map(|g| g.addresses.iter())
            .map(mailbox)
            .collect(),
        _ => Vec::new(),
    }
}

fn host_name(h: &Host<'_>) -> String {
    match h {
        Host::Name(n) => n.to_lowercase(),
        Host::IpAddr(ip) => ip.to_string(),
    }
}

fn text(value: &HeaderValue<'_>) -> Option<String> {
    match value {
        HeaderValue::Text(t) => Some(t.trim().to_string()),
        HeaderValue::TextList(l) => l.first().map(|t| t.trim().to_string()),
        _ => None,
    }
}

fn read_headers(message: &Message<'_>, limits: &Limits, view: &mut MessageView) {
    let headers = message.headers();
    if headers.len() > limits.max_headers {
        view.limits.push(LimitHit {
            limit: "headers",
            actual: headers.len(),
            max: limits.max_headers,
        });
    }
    let raw = message.raw_message();
    let mut arc_instance = 0u32;
    for h in headers.iter().take(limits.max_headers) {
        let value = h.value();
        match &h.name {
            HeaderName::From => {
                view.from.push(FromField {
                    raw: raw_text(raw, h)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    mailboxes: mailboxes(value)
                        .into_iter()
                        .map(|mut m| {
                            m.shown = m.name.as_deref().map(addresses_in).unwrap_or_default();
                            m
                        })
                        .collect(),
                });
            }
            HeaderName::Sender if view.sender.is_none() => {
                view.sender = mailboxes(value).into_iter().next();
            }
            HeaderName::ReplyTo => view.reply_to.extend(mailboxes(value)),
            HeaderName::To => view.to.extend(mailboxes(value)),
            HeaderName::Cc => view.cc.extend(mailboxes(value)),
            HeaderName::Subject if view.subject.is_none() => view.subject = text(value),
            HeaderName::MessageId if view.message_id.is_none() => view.message_id = text(value),
            HeaderName::Date if view.date.is_none() => {
                view.date = value.as_datetime().map(|d| d.to_rfc3339());
            }
            HeaderName::ReturnPath if view.return_path.is_none() => {
                view.return_path = text(value)
                    .or_else(|| mailboxes(value).into_iter().find_map(|m| m.address))
                    .map(|s| s.trim_matches(['<', '>']).to_lowercase());
            }
            HeaderName::Received => {
                if let Some(r) = value.as_received() {
                    view.received.push(Hop {
                        from_ip: r.from_ip(),
                        from_host: r.from().map(host_name),
                        by_host: r.by().map(host_name),
                    });
                } else {
                    view.received.push(Hop::default());
                }
            }
            HeaderName::ListId => view.list.list_id = text(value).or(Some(String::new())),
            HeaderName::ListUnsubscribe => view.list.unsubscribe = true,
            HeaderName::ArcSeal => {
                let seal = raw_text(raw, h);
                let tag = |name: &str| {
                    seal.split(';').find_map(|t| {
                        let (k, v) = t.split_once('=')?;
                        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().to_string())
                    })
                };
                let instance: u32 = tag("i").and_then(|i| i.parse().ok()).unwrap_or(0);
                if let Some(d) = tag("d") {
                    if instance >= arc_instance {
                        arc_instance = instance;
                        view.arc_sealer = Some(d.to_ascii_lowercase());
                    }
                }
            }
            HeaderName::AuthenticationResults => {
                view.auth_results.push(ResultsHeader {
                    value: unfold(&raw_text(raw, h)),
                    received_above: view.received.len(),
                });
            }
            HeaderName::Other(name) if name.eq_ignore_ascii_case("Precedence") => {
                view.list.precedence = Some(raw_text(raw, h).to_ascii_lowercase());
            }
            _ => {}
        }
    }
}

/// The raw value of a header field, trimmed (folding kept as is).
fn raw_text(raw: &[u8], h: &mail_parser::Header<'_>) -> String {
    let bytes = raw
        .get(h.offset_start as usize..h.offset_end as usize)
        .unwrap_or_default();
    String::from_utf8_lossy(bytes).trim().to_string()
}

/// A folded header value on one line: each line break and the whitespace around it become one
/// space.
fn unfold(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Walks the MIME tree iteratively (no recursion, so hostile nesting cannot exhaust the stack).
struct Body<'v> {
    limits: &'v Limits,
    view: &'v mut MessageView,
    parts_seen: usize,
    parts_total: usize,
    deepest: usize,
    text_total: usize,
    urls_total: usize,
}

impl<'v> Body<'v> {
    fn new(limits: &'v Limits, view: &'v mut MessageView) -> Self {
        Body {
            limits,
            view,
            parts_seen: 0,
            parts_total: 0,
            deepest: 0,
            text_total: 0,
            urls_total: 0,
        }
    }

    fn walk(mut self, root: &Message<'_>) {
        self.parts_total = root.parts.len();
        let mut stack: Vec<(&Message<'_>, u32, usize)> = vec![(root, 0, 0)];
        while let Some((msg, id, depth)) = stack.pop() {
            let Some(part) = msg.parts.get(id as usize) else {
                continue;
            };
            if depth > self.limits.max_mime_depth {
                self.deepest = self.deepest.max(depth);
                continue;
            }
            self.parts_seen += 1;
            if self.parts_seen > self.limits.max_parts {
                break;
            }
            match &part.body {
                PartType::Multipart(children) => {
                    let chosen = if subtype(part) == "alternative" {
                        self.note_calendar(msg, children);
                        preferred_alternative(msg, children).map(|c| vec![c])
                    } else {
                        None
                    };
                    let children = chosen.as_deref().unwrap_or(children);
                    for &c in children.iter().rev() {
                        stack.push((msg, c, depth + 1));
                    }
                }
                PartType::Message(nested) => {
                    self.attachment(part, part.contents(), depth);
                    self.parts_total += nested.parts.len();
                    stack.push((nested, 0, depth + 1));
                }
                PartType::Text(t) if is_attachment(part) => {
                    self.attachment(part, t.as_bytes(), depth)
                }
                PartType::Html(h) if is_attachment(part) => {
                    self.attachment(part, h.as_bytes(), depth)
                }
                PartType::Text(t) => {
                    if media_type(part).as_deref() == Some("text/calendar") {
                        self.view.has_calendar = true;
                    } else {
                        self.plain_text(t);
                    }
                }
                PartType::Html(h) => self.html(h),
                PartType::Binary(b) | PartType::InlineBinary(b) => self.attachment(part, b, depth),
            }
        }
        let limits = self.limits;
        // The walk stops one part past the limit; report the message's part count then (parts
        // skipped as unread alternatives do not count towards the limit).
        let parts = if self.parts_seen > limits.max_parts {
            self.parts_total.max(self.parts_seen)
        } else {
            self.parts_seen
        };
        let checks = [
            ("mime_depth", self.deepest, limits.max_mime_depth),
            ("parts", parts, limits.max_parts),
            ("text_bytes", self.text_total, limits.max_text_bytes),
            ("urls", self.urls_total, limits.max_urls),
        ];
        for (limit, actual, max) in checks {
            if actual > max {
                self.view.limits.push(LimitHit { limit, actual, max });
            }
        }
    }

    fn note_calendar(&mut self, msg: &Message<'_>, children: &[u32]) {
        if children
            .iter()
            .filter_map(|&c| msg.parts.get(c as usize))
            .any(|p| media_type(p).as_deref() == Some("text/calendar"))
        {
            self.view.has_calendar = true;
        }
    }

    /// Appends body text within the text budget.
    fn push_text(&mut self, t: &str) {
        self.text_total += t.len();
        let room = self
            .limits
            .max_text_bytes
            .saturating_sub(self.view.text.len());
        if room == 0 {
            return;
        }
        if !self.view.text.is_empty() {
            self.view.text.push_str("\n\n");
        }
        self.view.text.push_str(&t[..t.floor_char_boundary(room)]);
    }

    fn push_url(&mut self, href: &str, text: Option<String>) {
        self.urls_total += 1;
        if self.view.urls.len() >= self.limits.max_urls {
            return;
        }
        let (scheme, host) = urls::parse(href);
        self.view.urls.push(Url {
            href: href.to_string(),
            scheme,
            host,
            text,
        });
    }

    fn plain_text(&mut self, t: &str) {
        let mut found = Vec::new();
        urls::find_in_text(t, |u| {
            found.push(u.to_string());
            true
        });
        for u in found {
            self.push_url(&u, None);
        }
        self.push_text(t);
    }

    fn html(&mut self, h: &str) {
        let (text, anchors) = html::extract(h);
        for a in anchors {
            let visible = (!a.text.is_empty()).then_some(a.text);
            self.push_url(&a.href, visible);
        }
        self.push_text(&text);
    }

    fn attachment(&mut self, part: &MessagePart<'_>, data: &[u8], depth: usize) {
        let name = part.attachment_name().map(str::to_string);
        let declared_type = media_type(part).unwrap_or_else(|| "application/octet-stream".into());
        let sniffed_type = sniff::sniff(data);
        let members = if sniffed_type == Some("application/zip") {
            archive::zip_members(data)
        } else {
            Vec::new()
        };
        let html_ext = name.as_deref().is_some_and(|n| {
            let n = n.trim().to_ascii_lowercase();
            [".htm", ".html", ".shtml", ".xhtml"]
                .iter()
                .any(|e| n.ends_with(e))
        });
        let is_html = html_ext || declared_type == "text/html" || sniffed_type == Some("text/html");
        self.view.attachments.push(Attachment {
            password_form: is_html && archive::html_has_password_field(data),
            name,
            declared_type,
            size: data.len(),
            sniffed_type,
            depth,
            members,
        });
    }
}

fn media_type(part: &MessagePart<'_>) -> Option<String> {
    let ct = part.content_type()?;
    Some(match ct.subtype() {
        Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
        None => ct.ctype().to_ascii_lowercase(),
    })
}

fn subtype(part: &MessagePart<'_>) -> String {
    part.content_type()
        .and_then(|c| c.subtype())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// An explicit attachment: `Content-Disposition: attachment` or a file name.
fn is_attachment(part: &MessagePart<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
        || part.attachment_name().is_some()
}

/// In multipart/alternative, the richest readable child: the last HTML or multipart one, else
/// the last text one (RFC 2046 orders alternatives from plainest to richest).
fn preferred_alternative(msg: &Message<'_>, children: &[u32]) -> Option<u32> {
    let kind = |c: &u32| msg.parts.get(*c as usize).map(|p| (p, media_type(p)));
    let rich = children.iter().rev().find(|c| {
        kind(c).is_some_and(|(p, t)| {
            matches!(p.body, PartType::Html(_) | PartType::Multipart(_))
                && t.as_deref() != Some("text/calendar")
        })
    });
    let plain = || {
        children.iter().rev().find(|c| {
            kind(c).is_some_and(|(p, t)| {
                matches!(p.body, PartType::Text(_)) && t.as_deref() != Some("text/calendar")
            })
        })
    };
    rich.or_else(plain).copied()
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::message::MessageView;
    use crate::policy::Limits;

    fn sample(name: &str) -> MessageView {
        let path = format!("{}/../examples/mail/{name}", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parse(&raw, &Limits::default())
    }

    #[test]
    fn decodes_cjk_charsets_to_utf8() {
        let v = sample("02-benign-shipping-notice-zh-gb2312.eml");
        assert!(v.text.contains("集装箱号：CSNU7384910"), "{}", v.text);
        assert_eq!(v.urls[0].host.as_deref(), Some("elines.coscoshipping.com"));
        assert_eq!(
            v.author().and_then(|m| m.name.as_deref()),
            Some("中远海运客户服务")
        );
        assert!(sample("06-benign-quotation-request-big5.eml")
            .text
            .contains("不鏽鋼板"));
        assert!(sample("07-benign-order-confirmation-iso2022jp.eml")
            .text
            .contains("出荷予定日"));
        let gbk = sample("11-malicious-payment-change-zh-gbk.eml");
        assert!(gbk.text.contains("收款账户暂停使用"), "{}", gbk.text);
        assert_eq!(
            gbk.reply_to[0].address.as_deref(),
            Some("nbsteel_caiwu@163.com")
        );
        assert!(sample("08-benign-proforma-invoice-from-customer.eml")
            .text
            .contains("überweisen"));
    }

    #[test]
    fn reads_headers_received_chain_and_auth_results() {
        let v = sample("01-benign-supplier-invoice.eml");
        assert_eq!(v.received.len(), 1);
        assert_eq!(v.received[0].from_ip, "203.0.113.25".parse().ok());
        assert_eq!(v.received[0].by_host.as_deref(), Some("mx.acme-trade.com"));
        assert_eq!(v.auth_results[0].received_above, 1);
        assert!(
            v.auth_results[0]
                .value
                .starts_with("mx.acme-trade.com; spf=pass"),
            "{:?}",
            v.auth_results
        );
        assert_eq!(v.return_path.as_deref(), Some("billing@nbsteel.cn"));
        assert_eq!(
            v.message_id.as_deref(),
            Some("20261110091240.8812@nbsteel.cn")
        );
        assert_eq!(v.date.as_deref(), Some("2026-11-10T09:12:40+08:00"));
        assert_eq!(v.to[0].address.as_deref(), Some("ap@acme-trade.com"));
        assert!(!v.list.is_list());
        assert!(sample("03-benign-newsletter-mailing-list.eml")
            .list
            .is_list());
        assert!(sample("05-benign-calendar-invitation.eml").has_calendar);
    }

    #[test]
    fn collects_attachments_with_sniffed_types() {
        let v = sample("01-benign-supplier-invoice.eml");
        assert_eq!(v.attachments.len(), 1);
        let a = &v.attachments[0];
        assert_eq!(a.name.as_deref(), Some("NBS-2026-1187.pdf"));
        assert_eq!(a.declared_type, "application/pdf");
        assert_eq!(a.sniffed_type, Some("application/pdf"));
        assert!(a.size > 50);
        let x = sample("08-benign-proforma-invoice-from-customer.eml");
        assert_eq!(x.attachments[0].sniffed_type, Some("application/zip"));
    }

    #[test]
    fn html_links_keep_their_visible_text() {
        let v = sample("13-malicious-supplier-spoof-html-link.eml");
        let link = v.urls.iter().find(|u| u.text.is_some()).expect("anchor");
        assert_eq!(link.host.as_deref(), Some("198.51.100.66"));
        assert_eq!(
            link.text.as_deref(),
            Some("https://www.nbsteel.cn/statement")
        );
        // multipart/alternative: the HTML alternative is read, the plain one is not repeated.
        assert_eq!(v.text.matches("Dear customer").count(), 1, "{}", v.text);
        let n = sample("03-benign-newsletter-mailing-list.eml");
        assert_eq!(n.urls.iter().filter(|u| u.text.is_some()).count(), 9);
    }

    #[test]
    fn nested_messages_are_read() {
        let v = sample("16-benign-forwarded-contract.eml");
        assert!(v.text.contains("Draft contract MG-2027-01"), "{}", v.text);
        assert_eq!(v.attachments[0].declared_type, "message/rfc822");
    }

    fn nested_multipart(depth: usize) -> Vec<u8> {
        let mut m = String::from(
            "From: a@x.example\r\nTo: b@y.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n",
        );
        for d in 0..depth {
            m.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{d}\"\r\n\r\n--b{d}\r\n"
            ));
        }
        m.push_str("Content-Type: text/plain\r\n\r\ninnermost text\r\n");
        for d in (0..depth).rev() {
            m.push_str(&format!("--b{d}--\r\n"));
        }
        m.into_bytes()
    }

    #[test]
    fn limits_stop_reading_and_are_recorded() {
        let limits = Limits::default();
        let v = parse(&nested_multipart(40), &limits);
        let hit = v
            .limits
            .iter()
            .find(|l| l.limit == "mime_depth")
            .expect("depth limit");
        assert_eq!(hit.max, 20);
        assert!(!v.text.contains("innermost"));
        let shallow = parse(&nested_multipart(5), &limits);
        assert!(shallow.limits.is_empty());
        assert!(shallow.text.contains("innermost text"));

        // Thousands of levels: no stack overflow, a bounded walk.
        let v = parse(&nested_multipart(5000), &limits);
        assert!(v.limits.iter().any(|l| l.limit == "mime_depth"));

        let small = Limits {
            max_message_bytes: 100,
            max_headers: 2,
            max_text_bytes: 10,
            ..limits
        };
        let raw = b"From: a@x.example\r\nTo: b@y.example\r\nSubject: s\r\n\r\n0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij";
        let v = parse(raw, &small);
        let names: Vec<&str> = v.limits.iter().map(|l| l.limit).collect();
        assert_eq!(names, ["message_bytes", "headers", "text_bytes"]);
        assert_eq!(v.text, "0123456789");
        assert!(v.subject.is_none(), "third header is past max_headers");

        let many_parts = {
            let mut m = String::from(
                "From: a@x.example\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n",
            );
            for i in 0..50 {
                m.push_str(&format!(
                    "--p\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
                ));
            }
            m.push_str("--p--\r\n");
            m
        };
        let v = parse(
            many_parts.as_bytes(),
            &Limits {
                max_parts: 10,
                ..limits
            },
        );
        let hit = v
            .limits
            .iter()
            .find(|l| l.limit == "parts")
            .expect("parts limit");
        assert_eq!(hit.max, 10);
        assert!(hit.actual >= 50);
        assert!(
            v.text.contains("part 8") && !v.text.contains("part 9"),
            "{}",
            v.text
        );
    }

    #[test]
    fn unread_alternatives_do_not_count_towards_the_parts_limit() {
        let mut m = String::from(
            "From: a@x.example\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n",
        );
        for i in 0..20 {
            m.push_str(&format!(
                "--a\r\nContent-Type: text/plain\r\n\r\nversion {i}\r\n"
            ));
        }
        m.push_str("--a--\r\n");
        let v = parse(
            m.as_bytes(),
            &Limits {
                max_parts: 5,
                ..Limits::default()
            },
        );
        assert!(v.limits.is_empty(), "{:?}", v.limits);
        assert_eq!(v.text, "version 19");
    }

    #[test]
    fn garbage_never_panics() {
        let inputs: [&[u8]; 8] = [
            b"",
            b"\r\n\r\n",
            b"\xff\xfe\x00\x01",
            b"From:\r\n",
            b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n--\r\n",
            b"From: =?utf-8?B?!!!?= <a@b>\r\n\r\n",
            b"Content-Type: text/html\r\n\r\n<a href=\"",
            b"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nFrom: x\r\n",
        ];
        for raw in inputs {
            let _ = parse(raw, &Limits::default());
        }
    }
}
