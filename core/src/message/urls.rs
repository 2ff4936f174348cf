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

/// The scheme and host of an `href` as a browser reads it (the WHATWG URL standard, through
/// the `url` crate): backslashes as slashes, user info dropped, numeric and hexadecimal IPv4
/// forms (`http://3232235777/`, `http://0x7f.1/`) as addresses, percent-encoded host names
/// decoded, tabs and newlines inside removed. The host is lowercased, in Unicode, without a
/// trailing dot; `None` for URLs without one (`mailto:`, relative links). A plain ASCII URL
/// whose host has nothing a browser would reinterpret takes the fast splitter, which gives the
/// same answer.
pub(crate) fn parse(href: &str) -> (String, Option<String>) {
    let t = href.trim_matches(|c: char| c <= ' ');
    if plain(t) {
        return (scheme(t), host(t));
    }
    let absolute = if t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) {
        url::Url::parse(&format!("http://{t}"))
    } else {
        url::Url::parse(t)
    };
    let Ok(u) = absolute else {
        // Not a URL a browser would open (or a relative one): the splitter's best reading.
        return (scheme(t), host(t));
    };
    let host = match u.host() {
        // The browser's host is ASCII (punycode); a host written in Unicode is kept in
        // Unicode, as the splitter keeps it, for the detectors that read its letters.
        Some(url::Host::Domain(d)) if d.contains("xn--") && !t.is_ascii() => {
            let (unicode, _) = idna::domain_to_unicode(d);
            Some(unicode.trim_end_matches('.').to_lowercase())
        }
        Some(url::Host::Domain(d)) => Some(d.trim_end_matches('.').to_lowercase()),
        Some(url::Host::Ipv4(ip)) => Some(ip.to_string()),
        Some(url::Host::Ipv6(ip)) => Some(ip.to_string()),
        None => None,
    };
    (u.scheme().to_string(), host.filter(|h| !h.is_empty()))
}

/// Whether the splitter reads `url` exactly as a browser does: `http://` or `https://` (any
/// case) and an authority of lowercase-insensitive ASCII letters, digits, dots, hyphens and
/// an optional port, whose last label is not a number (which a browser would read as IPv4).
fn plain(url: &str) -> bool {
    let lower = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    if url.contains(['\t', '\n', '\r']) {
        return false;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        Some(_) => return false,
        None => authority,
    };
    let host = host.trim_end_matches('.');
    let last = host.rsplit('.').next().unwrap_or("");
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !last.bytes().all(|b| b.is_ascii_digit())
        && !last.to_ascii_lowercase().starts_with("0x")
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

    #[test]
    fn hrefs_are_parsed_as_browsers_parse_them() {
        let host = |h: &str| parse(h).1;
        assert_eq!(host("http://3232235777/").as_deref(), Some("192.168.1.1"));
        assert_eq!(host("http://0x7f.1/").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            host("http://0300.0250.0.1/").as_deref(),
            Some("192.168.0.1")
        );
        assert_eq!(
            host("http://[::ffff:192.168.0.1]/").as_deref(),
            Some("::ffff:192.168.0.1")
        );
        assert_eq!(
            host(r"https:/\evil.example/x").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            host(r"https:\\evil.example").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            host("https://www.paypal.com@evil.example/").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            host("https://%65vil.example/").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            host("https://evil.exa\tmple/").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            host("https://Evil.Example./").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            host("  https://evil.example/  ").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            host("www.evil.example/x").as_deref(),
            Some("www.evil.example")
        );
        // Unicode stays Unicode, punycode stays punycode (the detectors read both).
        assert_eq!(host("https://pаypal.com/").as_deref(), Some("pаypal.com"));
        assert_eq!(
            host("https://xn--pypal-4ve.com/").as_deref(),
            Some("xn--pypal-4ve.com")
        );
        // No host.
        assert_eq!(parse("mailto:a@b.example"), ("mailto".to_string(), None));
        assert_eq!(parse("javascript:alert(1)").0, "javascript");
        assert_eq!(host("/relative/path"), None);
        // The fast path and the standard agree wherever the fast path is taken.
        for plain_url in [
            "https://www.paypal.com/signin?x=1",
            "http://mail.acme-trade.com:8080/a",
            "HTTPS://Example.ORG",
            "https://a-b.c-d.example/#frag",
        ] {
            assert!(plain(plain_url), "{plain_url}");
            let standard = url::Url::parse(plain_url).expect("url");
            assert_eq!(
                host(plain_url).as_deref(),
                standard.host_str().map(|h| h.trim_end_matches('.')),
                "{plain_url}"
            );
            assert_eq!(parse(plain_url).0, standard.scheme());
        }
        for tricky in [
            "http://3232235777/",
            "http://0x7f.1/",
            r"https:/\\evil.example/",
            "https://a@b.example/",
            "https://%65vil.example/",
            "https://evil.exa\tmple/",
            "https://example.123/",
        ] {
            assert!(!plain(tricky), "{tricky}");
        }
    }
}
