//! A small RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside
//! quotes (the JSON in an `AuditData` cell has all three), CRLF or LF, a UTF-8 byte-order mark.
//! Records come with the line they start on.

/// One record: its first line (from 1) and its fields.
pub(crate) type Record = (usize, Vec<String>);

/// Every record of `text`; an unterminated quote ends the last field at the end of the text
/// and is reported as `Err` with the line it started on.
pub(crate) fn records(text: &str) -> (Vec<Record>, Option<usize>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start_line = 1;
    let mut quoted = false;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                quote_line = line;
                any = true;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                any = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if any || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    out.push((start_line, std::mem::take(&mut fields)));
                }
                any = false;
                line += 1;
                start_line = line;
            }
            c => {
                field.push(c);
                any = true;
            }
        }
    }
    if any || !field.is_empty() {
        fields.push(field);
        out.push((start_line, fields));
    }
    (out, quoted.then_some(quote_line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines() {
        let text = "\u{feff}a,b,c\r\n1,\"{\"\"x\"\": 1,\r\n \"\"y\"\": [2]}\",3\r\n\r\n4,,\"\"\n";
        let (recs, open) = records(text);
        assert_eq!(open, None);
        assert_eq!(
            recs,
            [
                (1, vec!["a".to_string(), "b".into(), "c".into()]),
                (
                    2,
                    vec!["1".into(), "{\"x\": 1,\r\n \"y\": [2]}".into(), "3".into()]
                ),
                (5, vec!["4".into(), "".into(), "".into()]),
            ]
        );
        let (recs, open) = records("a,\"unterminated\nmore");
        assert_eq!(open, Some(1));
        assert_eq!(recs.len(), 1);
    }
}
