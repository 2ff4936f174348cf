//! What is inside an attachment without opening it: the member names of a ZIP archive, read
//! from its central directory (nothing is decompressed), and whether an HTML file asks for a
//! password.
//!
//! Both readers are bounded: at most [`MAX_MEMBERS`] names of at most [`MAX_NAME`] bytes, and
//! HTML is searched in its first [`MAX_HTML`] bytes. Malformed input yields what could be read.

/// Member names read from one archive.
pub(crate) const MAX_MEMBERS: usize = 1000;
/// Bytes of one member name kept.
const MAX_NAME: usize = 255;
/// Bytes of an HTML attachment searched for a password field.
const MAX_HTML: usize = 1 << 20;

/// End of central directory record: signature, then fixed fields; 22 bytes plus a comment of
/// up to 65,535 bytes.
const EOCD_SIG: &[u8; 4] = b"PK\x05\x06";
const EOCD_LEN: usize = 22;
const CENTRAL_SIG: &[u8; 4] = b"PK\x01\x02";
const CENTRAL_LEN: usize = 46;

fn u16_at(d: &[u8], at: usize) -> Option<usize> {
    let b = d.get(at..at + 2)?;
    Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(d: &[u8], at: usize) -> Option<usize> {
    let b = d.get(at..at + 4)?;
    usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
}

/// The member names of a ZIP archive, from its central directory; empty when `data` is not a
/// ZIP archive or its directory cannot be found.
pub(crate) fn zip_members(data: &[u8]) -> Vec<String> {
    // The EOCD record is the last one with its signature, within the last 64 KiB + 22 bytes.
    let from = data.len().saturating_sub(EOCD_LEN + usize::from(u16::MAX));
    let Some(eocd) = data[from..]
        .windows(4)
        .rposition(|w| w == EOCD_SIG)
        .map(|p| from + p)
    else {
        return Vec::new();
    };
    let (Some(entries), Some(offset)) = (u16_at(data, eocd + 10), u32_at(data, eocd + 16)) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut at = offset;
    for _ in 0..entries.min(MAX_MEMBERS) {
        if data.get(at..at + 4) != Some(CENTRAL_SIG.as_slice()) {
            break;
        }
        let (Some(flags), Some(name_len), Some(extra_len), Some(comment_len)) = (
            u16_at(data, at + 8),
            u16_at(data, at + 28),
            u16_at(data, at + 30),
            u16_at(data, at + 32),
        ) else {
            break;
        };
        let Some(raw) = data.get(at + CENTRAL_LEN..at + CENTRAL_LEN + name_len) else {
            break;
        };
        let raw = &raw[..raw.len().min(MAX_NAME)];
        // Bit 11: the name is UTF-8. Otherwise it is CP437, whose ASCII part is ASCII; other
        // bytes become U+FFFD, which is enough to read extensions.
        let name = if flags & 0x0800 != 0 {
            String::from_utf8_lossy(raw).into_owned()
        } else {
            raw.iter()
                .map(|&b| {
                    if b.is_ascii() {
                        char::from(b)
                    } else {
                        '\u{fffd}'
                    }
                })
                .collect()
        };
        names.push(name);
        at += CENTRAL_LEN + name_len + extra_len + comment_len;
    }
    names
}

/// Whether HTML asks for a password: an `<input>` whose type is `password`.
pub(crate) fn html_has_password_field(data: &[u8]) -> bool {
    let head = &data[..data.len().min(MAX_HTML)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut rest = lower.as_slice();
    while let Some(p) = find(rest, b"<input") {
        let tag = &rest[p..];
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let tag = &tag[..end];
        let compact: Vec<u8> = tag
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace() && *b != b'"' && *b != b'\'')
            .collect();
        if find(&compact, b"type=password").is_some() {
            return true;
        }
        rest = &rest[p + 6..];
    }
    false
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stored (uncompressed) ZIP archive with the given members, written by hand.
    pub(crate) fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in members {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x08\x00\x00");
            out.extend_from_slice(&[0; 4]); // time, date
            out.extend_from_slice(&[0; 4]); // crc (not checked here)
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(body);
            central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x08\x00\x00");
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
        let n = (members.len() as u16).to_le_bytes();
        out.extend_from_slice(&n);
        out.extend_from_slice(&n);
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn lists_zip_members_without_extracting() {
        let data = zip(&[("invoice.pdf.exe", b"MZ..."), ("发票/readme.txt", b"hi")]);
        assert_eq!(zip_members(&data), ["invoice.pdf.exe", "发票/readme.txt"]);
    }

    #[test]
    fn broken_archives_give_what_can_be_read() {
        let data = zip(&[("a.exe", b"MZ"), ("b.txt", b"x")]);
        for cut in 0..data.len() {
            let _ = zip_members(&data[..cut]);
            let mut flipped = data.clone();
            flipped[cut] ^= 0xff;
            let _ = zip_members(&flipped);
        }
        assert!(zip_members(b"not a zip").is_empty());
        // A directory that claims more entries than it has stops at the first bad header.
        let mut lying = data.clone();
        let n = lying.len();
        lying[n - 12] = 0xff;
        assert_eq!(zip_members(&lying).len(), 2);
    }

    #[test]
    fn finds_password_fields_in_html() {
        assert!(html_has_password_field(
            b"<form action='https://x.example/p'><INPUT name=pw TYPE = \"Password\"></form>"
        ));
        assert!(html_has_password_field(b"<input type=password>"));
        assert!(!html_has_password_field(
            b"<input type=\"text\" name=\"password\">"
        ));
        assert!(!html_has_password_field(
            b"<p>Enter your password below</p>"
        ));
    }
}
