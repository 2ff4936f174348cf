//! HTML to text, with the links found on the way.
//!
//! A small, linear tokenizer written for mail bodies: it never backtracks, skips comments,
//! `<script>`, `<style>` and `<head>` content, decodes the common character references, turns
//! block elements into line breaks and records every `<a href>` with its visible text. It does
//! not build a DOM: mail HTML is often broken, and all mailrisk needs is the text a reader sees
//! and where each link really goes.

/// A link in an HTML body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Anchor {
    pub(crate) href: String,
    pub(crate) text: String,
}

/// Longest anchor text kept.
const MAX_ANCHOR_TEXT: usize = 512;

/// Text and links of an HTML document.
pub(crate) fn extract(html: &str) -> (String, Vec<Anchor>) {
    let mut x = Extractor {
        text: String::with_capacity(html.len() / 2),
        anchors: Vec::new(),
        open: None,
    };
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => i = x.tag(html, i),
            b'&' => {
                let (s, len) = entity(&html[i..]);
                x.push_text(s.as_str());
                i += len;
            }
            _ => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'<' || c == b'&')
                    .map_or(b.len(), |p| i + p);
                x.push_text(&html[i..end]);
                i = end;
            }
        }
    }
    x.close_anchor();
    let text = x.text.trim().to_string();
    (text, x.anchors)
}

struct Extractor {
    text: String,
    anchors: Vec<Anchor>,
    /// The open `<a>`: its href and where its text starts.
    open: Option<(String, usize)>,
}

impl Extractor {
    /// Appends text, collapsing runs of white space into one space.
    fn push_text(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
            }
        }
    }

    fn newline(&mut self) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    fn close_anchor(&mut self) {
        if let Some((href, start)) = self.open.take() {
            let text: String = self
                .text
                .get(start..)
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let text = truncate_chars(&text, MAX_ANCHOR_TEXT);
            self.anchors.push(Anchor { href, text });
        }
    }

    /// Handles the markup starting at `start` (a `<`) and returns the index after it.
    fn tag(&mut self, html: &str, start: usize) -> usize {
        let b = html.as_bytes();
        let rest = &b[start..];
        if rest.starts_with(b"<!--") {
            return find(b, start + 4, b"-->").map_or(b.len(), |p| p + 3);
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            return find(b, start + 2, b">").map_or(b.len(), |p| p + 1);
        }
        let mut j = start + 1;
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == name_start {
            // A lone '<' is text ("a < b").
            self.push_text("<");
            return start + 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let end = tag_end(b, j);
        let attrs = &html[j..end.min(b.len())];
        let after = (end + 1).min(b.len());
        match (name.as_str(), closing) {
            ("script" | "style" | "head" | "title" | "template", false) => {
                return skip_element(b, after, name.as_bytes());
            }
            ("a", false) => {
                self.close_anchor();
                let href = attr(attrs, "href").map(|h| decode_entities(h.trim()));
                if let Some(href) = href {
                    self.open = Some((href, self.text.len()));
                }
            }
            ("a", true) => self.close_anchor(),
            ("br" | "p" | "div" | "tr" | "li" | "ul" | "ol" | "table" | "blockquote" | "hr", _)
            | ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "section" | "article", _) => {
                self.newline()
            }
            ("td" | "th", _) => self.push_text(" "),
            _ => {}
        }
        after
    }
}

/// Index of the `>` that ends a tag whose attributes start at `from`, honouring quotes.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &c) in b.iter().enumerate().skip(from) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return k,
            None => {}
        }
    }
    b.len()
}

/// Skips to after `</name ...>` (case-insensitive), or to the end.
fn skip_element(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut k = from;
    while let Some(p) = find(b, k, b"</") {
        let n = p + 2;
        if b.len() >= n + name.len() && b[n..n + name.len()].eq_ignore_ascii_case(name) {
            return find(b, n, b">").map_or(b.len(), |q| q + 1);
        }
        k = n;
    }
    b.len()
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The value of attribute `name` in a tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let b = attrs.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let key = &attrs[ns..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let vs = i + 1;
                    let ve = b[vs..]
                        .iter()
                        .position(|&c| c == q)
                        .map_or(b.len(), |p| vs + p);
                    value = &attrs[vs..ve];
                    i = ve + 1;
                }
                _ => {
                    let vs = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = &attrs[vs..i];
                }
            }
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
        if key.is_empty() && i == ns {
            i += 1;
        }
    }
    None
}

const NAMED: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", " "),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("ndash", "–"),
    ("mdash", "—"),
    ("hellip", "…"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("middot", "·"),
    ("bull", "•"),
    ("shy", "\u{ad}"),
    ("zwj", "\u{200d}"),
    ("zwnj", "\u{200c}"),
];

/// Decodes the character reference at the start of `s` (which begins with `&`). Returns the
/// text and how many bytes were consumed; an unknown reference is a literal `&`.
fn entity(s: &str) -> (String, usize) {
    let b = s.as_bytes();
    let limit = b.len().min(12);
    let Some(semi) = b[..limit].iter().position(|&c| c == b';') else {
        return ("&".into(), 1);
    };
    let body = &s[1..semi];
    let decoded = if let Some(num) = body.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        n.and_then(char::from_u32).map(String::from)
    } else {
        NAMED
            .iter()
            .find(|(k, _)| *k == body)
            .map(|(_, v)| v.to_string())
    };
    match decoded {
        Some(d) => (d, semi + 1),
        None => ("&".into(), 1),
    }
}

/// Decodes every character reference in an attribute value.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let (d, len) = entity(&rest[p..]);
        out.push_str(&d);
        rest = &rest[p + len..];
    }
    out.push_str(rest);
    out
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_text_and_anchors() {
        let html = r#"<html><head><title>T</title><style>p{color:red}</style></head>
            <body><p>Dear customer,</p><p>Please <a class="btn" href="https://evil.example/login?a=1&amp;b=2">visit
            <b>www.bank.com</b></a> today.</p><!-- <a href="http://hidden"> --><script>var a="<a href=x>";</script>
            <table><tr><td>A</td><td>B</td></tr></table></body></html>"#;
        let (text, anchors) = extract(html);
        assert_eq!(
            anchors,
            vec![Anchor {
                href: "https://evil.example/login?a=1&b=2".into(),
                text: "visit www.bank.com".into()
            }]
        );
        assert!(
            text.starts_with("Dear customer,\nPlease visit www.bank.com today."),
            "{text:?}"
        );
        assert!(text.contains("A B"), "{text:?}");
        assert!(
            !text.contains("color") && !text.contains("var a"),
            "{text:?}"
        );
    }

    #[test]
    fn decodes_entities_and_survives_broken_markup() {
        let (text, _) = extract("Tom &amp; Jerry &#20184;&#x6B3E; &bogus; a < b <a href='x'");
        assert_eq!(text, "Tom & Jerry 付款 &bogus; a < b");
        let (text, anchors) = extract("<a href=http://x.example/p>unterminated");
        assert_eq!(anchors[0].href, "http://x.example/p");
        assert_eq!(anchors[0].text, "unterminated");
        assert_eq!(text, "unterminated");
        for junk in [
            "<",
            "<<<<",
            "<a",
            "<!--",
            "<script>",
            "&",
            "&#99999999;",
            "<a href=\"",
            "</",
        ] {
            let _ = extract(junk);
        }
    }

    #[test]
    fn unquoted_and_single_quoted_attributes() {
        assert_eq!(attr(" href=a.html class=x", "href"), Some("a.html"));
        assert_eq!(attr(" class='x' HREF='b c'", "href"), Some("b c"));
        assert_eq!(attr(" hidden data-x = \"1\"", "data-x"), Some("1"));
        assert_eq!(attr(" title=\"href=no\"", "href"), None);
    }
}
