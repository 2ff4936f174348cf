//! Finding URLs in plain text and taking them apart.

/// Calls `found` for every `http://`, `https://` or `www.` URL in `text`, in order.
pub(crate) fn find_in_text(text: &str, mut found: impl FnMut(&str) -> bool) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] | 0x20;
        if c != b'h' && c != b'w' {
            i += 1;
            continue;
        }
        let rest = &b[i..];
        let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        let is_url = starts(b"http://") || starts(b"https://") || starts(b"www.");
        let boundary = i == 0
            || !(b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'.' | b'/' | b'@' | b'-'));
        if !(is_url && boundary) {
            i += 1;
            continue;
        }
        let len = text[i..]
            .char_indices()
            .find(|&(_, ch)| ends_url(ch))
            .map_or(text.len() - i, |(p, _)| p);
        let url = text[i..i + len]
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"', '*']);
        let has_host = host(url).is_some_and(|h| h.contains(['.', ':']));
        if has_host && !found(url) {
            return;
        }
        i += len.max(1);
    }
}

fn ends_url(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '<' | '>' | '"' | '`' | '{' | '}' | '|' | '\\' | '^')
        // Full-width and CJK punctuation ends a URL written in Chinese or Japanese text.
        || matches!(c, '，' | '。' | '、' | '；' | '：' | '！' | '？' | '）' | '（' | '】' | '【' | '」' | '「' | '》' | '《' | '\u{3000}')
}

/// The scheme of a URL, lowercased (`https`), or `http` for a bare `www.` link.
pub(crate) fn scheme(url: &str) -> String {
    let url = url.trim();
    match url.find(':') {
        Some(p)
            if p > 0
                && url[..p]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            url[..p].to_ascii_lowercase()
        }
        _ => "http".into(),
    }
}

/// The host of a URL: lowercased, without user info, port or trailing dot. `None` for URLs
/// without an authority (`mailto:`, `javascript:`, relative links).
pub(crate) fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let lower_prefix = url.get(..4).map(str::to_ascii_lowercase);
    let rest = if lower_prefix.as_deref() == Some("www.") {
        url
    } else {
        let p = url.find("://")?;
        let sch = &url[..p];
        if sch.is_empty()
            || !sch
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return None;
        }
        &url[p + 3..]
    };
    let auth_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.').to_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        find_in_text(text, |u| {
            v.push(u.to_string());
            true
        });
        v
    }

    #[test]
    fn finds_urls_in_prose() {
        assert_eq!(
            all("See https://acme-trade.com/pi?id=7. Or www.example.org, (http://x.example/a)"),
            [
                "https://acme-trade.com/pi?id=7",
                "www.example.org",
                "http://x.example/a"
            ]
        );
        assert_eq!(
            all("请点击https://pay.example.cn/x，谢谢。"),
            ["https://pay.example.cn/x"]
        );
        assert!(all("nowww.example.com, shttp://a, the http:// alone, mail@www.x.com").is_empty());
    }

    #[test]
    fn stops_when_asked() {
        let mut n = 0;
        find_in_text("http://a.example http://b.example http://c.example", |_| {
            n += 1;
            n < 2
        });
        assert_eq!(n, 2);
    }

    #[test]
    fn takes_hosts_apart() {
        assert_eq!(
            host("https://User:pw@Login.Example.COM.:8443/x?y").as_deref(),
            Some("login.example.com")
        );
        assert_eq!(
            host("http://[2001:db8::1]:80/").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(host("www.acme.com/path").as_deref(), Some("www.acme.com"));
        assert_eq!(
            host("http://203.0.113.9\\@evil").as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(host("mailto:a@b.com"), None);
        assert_eq!(host("javascript:alert(1)"), None);
        assert_eq!(host("/relative/link"), None);
        assert_eq!(scheme("HTTPS://x"), "https");
        assert_eq!(scheme("www.x.com"), "http");
        assert_eq!(scheme("javascript:void(0)"), "javascript");
    }
}
