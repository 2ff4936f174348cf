//! Content sniffing: the real type of an attachment from its first bytes, whatever its name and
//! declared type say.

/// The media type suggested by the magic bytes of `data`, if known.
pub(crate) fn sniff(data: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"PK\x05\x06", "application/zip"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "application/x-ole-storage",
        ),
        (b"MZ", "application/x-msdownload"),
        (b"\x7FELF", "application/x-elf"),
        (b"\x89PNG\r\n\x1A\n", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"Rar!\x1A\x07", "application/vnd.rar"),
        (b"7z\xBC\xAF\x27\x1C", "application/x-7z-compressed"),
        (b"\x1F\x8B", "application/gzip"),
        (b"{\\rtf", "application/rtf"),
        (b"#!", "text/x-shellscript"),
    ];
    if let Some((_, t)) = MAGIC.iter().find(|(m, _)| data.starts_with(m)) {
        return Some(t);
    }
    if data.len() > 0x8006 && &data[0x8001..0x8006] == b"CD001" {
        return Some("application/x-iso9660-image");
    }
    let head = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let start = head
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..head.len().min(start + 64)];
    let html = [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<script",
        b"<form",
        b"<svg",
    ];
    if html
        .iter()
        .any(|p| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p))
    {
        return Some("text/html");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn recognises_common_types() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\x00\x03"), Some("application/x-msdownload"));
        assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Some("application/zip"));
        assert_eq!(
            sniff(b"\xEF\xBB\xBF\n  <!DOCTYPE HTML><html>"),
            Some("text/html")
        );
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b""), None);
    }
}
