//! A parser for `Authentication-Results` (RFC 8601) and `ARC-Authentication-Results`
//! (RFC 8617) header values.
//!
//! ```text
//! authres-payload = [CFWS] authserv-id [CFWS authres-version] (no-result / 1*resinfo) [CFWS]
//! resinfo         = [CFWS] ";" methodspec [CFWS reasonspec] [CFWS 1*propspec]
//! methodspec      = [CFWS] method [CFWS] "=" [CFWS] result
//! reasonspec      = "reason" [CFWS] "=" [CFWS] value
//! propspec        = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
//! ```
//!
//! Comments (nested, with quoted pairs) are skipped, quoted strings are unquoted, keywords are
//! lowercased. Malformed input gives what could be read and says so: a result clause that
//! cannot be read is skipped up to the next `;` and counted in [`AuthResults::malformed`].
//! The parser works on characters and never slices inside one, so any input is safe.

/// One parsed header value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AuthResults {
    /// The authentication service that wrote the header (lowercased).
    pub(crate) authserv_id: String,
    /// The ARC instance (`i=`), for `ARC-Authentication-Results`.
    pub(crate) instance: Option<u32>,
    /// The results, in order.
    pub(crate) results: Vec<MethodResult>,
    /// Result clauses that could not be read.
    pub(crate) malformed: usize,
}

/// One `method=result` clause with its reason and properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MethodResult {
    /// `spf`, `dkim`, `dmarc`, `arc`, `iprev`, `auth` … (lowercased).
    pub(crate) method: String,
    /// `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`, `permerror`, `policy` …
    pub(crate) result: String,
    pub(crate) reason: Option<String>,
    /// `(ptype, property, value)`, e.g. `("header", "d", "example.com")`; ptype and property
    /// lowercased, the value as written.
    pub(crate) props: Vec<(String, String, String)>,
}

impl MethodResult {
    /// The value of property `ptype.property`, if present.
    pub(crate) fn prop(&self, ptype: &str, property: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(t, p, _)| t == ptype && p == property)
            .map(|(_, _, v)| v.as_str())
    }
}

/// Why a header value could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ResultsError {
    #[error("no authserv-id")]
    NoAuthservId,
    #[error("ARC-Authentication-Results without an i= instance")]
    NoInstance,
}

struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

impl Cursor<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    /// Skips whitespace and comments (nested; `\` quotes the next character).
    fn cfws(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.chars.next();
                }
                Some('(') => {
                    let mut depth = 0usize;
                    while let Some(c) = self.chars.next() {
                        match c {
                            '\\' => {
                                self.chars.next();
                            }
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.chars.next();
            true
        } else {
            false
        }
    }

    /// A keyword: letters, digits, `-` and `_`, lowercased.
    fn keyword(&mut self) -> Option<String> {
        let mut k = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        {
            k.extend(c.to_lowercase());
            self.chars.next();
        }
        (!k.is_empty()).then_some(k)
    }

    /// A value: a quoted string, or a run of characters up to whitespace, `;`, `(` or `"`.
    fn value(&mut self) -> Option<String> {
        if self.eat('"') {
            let mut v = String::new();
            while let Some(c) = self.chars.next() {
                match c {
                    '"' => return Some(v),
                    '\\' => v.extend(self.chars.next()),
                    c => v.push(c),
                }
            }
            return Some(v); // unterminated: what was read
        }
        let mut v = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| !c.is_whitespace() && !matches!(c, ';' | '(' | '"'))
        {
            v.push(c);
            self.chars.next();
        }
        (!v.is_empty()).then_some(v)
    }

    /// Skips to the next `;` (not consumed), for error recovery.
    fn recover(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                ';' => return,
                '(' => self.cfws(),
                '"' => {
                    self.value();
                }
                _ => {
                    self.chars.next();
                }
            }
        }
    }
}

/// Parses an `Authentication-Results` value (`arc == false`) or an
/// `ARC-Authentication-Results` value (`arc == true`, which starts with `i=N;`).
pub(crate) fn parse(value: &str, arc: bool) -> Result<AuthResults, ResultsError> {
    let mut c = Cursor {
        chars: value.chars().peekable(),
    };
    let mut out = AuthResults::default();
    c.cfws();
    if arc {
        let instance = (c.keyword().as_deref() == Some("i"))
            .then(|| {
                c.cfws();
                c.eat('=').then(|| {
                    c.cfws();
                    c.value().and_then(|v| v.parse().ok())
                })
            })
            .flatten()
            .flatten();
        out.instance = Some(instance.ok_or(ResultsError::NoInstance)?);
        c.cfws();
        if !c.eat(';') {
            return Err(ResultsError::NoInstance);
        }
        c.cfws();
    }
    out.authserv_id = c
        .value()
        .map(|v| v.to_lowercase())
        .ok_or(ResultsError::NoAuthservId)?;
    c.cfws();
    // An optional version number.
    if c.peek().is_some_and(|d| d.is_ascii_digit()) {
        c.value();
        c.cfws();
    }
    while c.peek().is_some() {
        if !c.eat(';') {
            out.malformed += 1;
            c.recover();
            continue;
        }
        c.cfws();
        let Some(method) = c.keyword() else {
            if c.peek().is_some() && c.peek() != Some(';') {
                out.malformed += 1;
                c.recover();
            }
            continue;
        };
        c.cfws();
        if method == "none" && c.peek() != Some('=') && c.peek() != Some('/') {
            continue; // no-result
        }
        if c.eat('/') {
            c.cfws();
            while c.peek().is_some_and(|d| d.is_ascii_digit()) {
                c.chars.next(); // method version
            }
            c.cfws();
        }
        if !c.eat('=') {
            out.malformed += 1;
            c.recover();
            continue;
        }
        c.cfws();
        let Some(result) = c.keyword() else {
            out.malformed += 1;
            c.recover();
            continue;
        };
        let mut r = MethodResult {
            method,
            result,
            ..MethodResult::default()
        };
        loop {
            c.cfws();
            if c.peek().is_none() || c.peek() == Some(';') {
                break;
            }
            let Some(word) = c.keyword() else {
                out.malformed += 1;
                c.recover();
                break;
            };
            c.cfws();
            if c.eat('=') {
                // `reason=…`, or a non-standard `key=value` such as Microsoft's
                // `action=quarantine`, kept with an empty ptype.
                c.cfws();
                let v = c.value();
                if word == "reason" {
                    r.reason = v;
                } else if let Some(v) = v {
                    r.props.push((String::new(), word, v));
                }
                continue;
            }
            if !c.eat('.') {
                out.malformed += 1;
                c.recover();
                break;
            }
            c.cfws();
            let property = c.keyword();
            c.cfws();
            if !c.eat('=') {
                out.malformed += 1;
                c.recover();
                break;
            }
            c.cfws();
            if let (Some(p), Some(v)) = (property, c.value()) {
                r.props.push((word, p, v));
            }
        }
        out.results.push(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_results_reasons_properties_and_comments() {
        let v = "mx.Acme-Trade.com 1; spf=pass (sender IP is 203.0.113.25) smtp.mailfrom=billing@nbsteel.cn \
                 smtp.helo=mx1.nbsteel.cn; dkim=pass (2048-bit key) header.d=nbsteel.cn header.i=@nbsteel.cn \
                 header.s=sel1 header.b=\"AbC/12+x\"; dmarc=fail reason=\"policy\" (p=REJECT sp=REJECT dis=NONE) \
                 header.from=nbstee1.cn policy.dmarc=reject";
        let r = parse(v, false).unwrap();
        assert_eq!(r.authserv_id, "mx.acme-trade.com");
        assert_eq!(r.malformed, 0);
        let methods: Vec<(&str, &str)> = r
            .results
            .iter()
            .map(|m| (m.method.as_str(), m.result.as_str()))
            .collect();
        assert_eq!(
            methods,
            [("spf", "pass"), ("dkim", "pass"), ("dmarc", "fail")]
        );
        assert_eq!(
            r.results[0].prop("smtp", "mailfrom"),
            Some("billing@nbsteel.cn")
        );
        assert_eq!(r.results[1].prop("header", "d"), Some("nbsteel.cn"));
        assert_eq!(r.results[1].prop("header", "b"), Some("AbC/12+x"));
        assert_eq!(r.results[2].reason.as_deref(), Some("policy"));
        assert_eq!(r.results[2].prop("policy", "dmarc"), Some("reject"));
    }

    #[test]
    fn reads_no_result_versions_and_arc() {
        let r = parse("example.org 1; none", false).unwrap();
        assert!(r.results.is_empty() && r.malformed == 0);
        let r = parse("example.org; dkim/1=pass header.d=example.org", false).unwrap();
        assert_eq!(r.results[0].method, "dkim");
        let r = parse(
            "i=2; mx.google.com; dkim=pass header.i=@list.example; arc=pass (i=1)",
            true,
        )
        .unwrap();
        assert_eq!(
            (r.instance, r.authserv_id.as_str()),
            (Some(2), "mx.google.com")
        );
        assert_eq!(r.results[1].method, "arc");
        assert_eq!(
            parse("mx.example; spf=pass", true),
            Err(ResultsError::NoInstance)
        );
    }

    #[test]
    fn nested_comments_and_quoted_ids() {
        let r = parse(
            "\"quoted id\" (comment (nested \\) paren) done); spf=softfail (a;b) smtp.mailfrom=x@y.example",
            false,
        )
        .unwrap();
        assert_eq!(r.authserv_id, "quoted id");
        assert_eq!(r.results[0].result, "softfail");
        assert_eq!(r.results[0].prop("smtp", "mailfrom"), Some("x@y.example"));
    }

    #[test]
    fn malformed_clauses_are_skipped_and_counted() {
        let r = parse(
            "mx.example; =pass; spf pass; dkim=pass header.d=ok.example; ;; dmarc=",
            false,
        )
        .unwrap();
        let methods: Vec<&str> = r.results.iter().map(|m| m.method.as_str()).collect();
        assert_eq!(methods, ["dkim"]);
        assert_eq!(r.malformed, 3);
        assert_eq!(parse("   ", false), Err(ResultsError::NoAuthservId));
        assert_eq!(
            parse("(only a comment", false),
            Err(ResultsError::NoAuthservId)
        );
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let v =
            "i=1; mx.example (c\\) (d)) 1; spf=pass reason=\"x\\\"y\" smtp.mailfrom=\"a b\"@c; \
                 dkim=fail header.d=é.example; none";
        for (i, _) in v.char_indices() {
            let _ = parse(&v[..i], false);
            let _ = parse(&v[..i], true);
            let _ = parse(&v[i..], false);
        }
    }
}
