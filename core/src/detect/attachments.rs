//! `attachments.*` rules: what is attached, by name, declared type and content.

use crate::message::MessageView;
use crate::rules::{DANGEROUS_ATTACHMENT, HTML_CREDENTIAL_FORM, MACRO_OFFICE, TYPE_MISMATCH};
use crate::verdict::{Evidence, Findings};

/// Extensions that run code when opened on Windows or macOS, or mount as a disk.
const DANGEROUS: &[&str] = &[
    "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "hta",
    "ps1", "msi", "msix", "lnk", "iso", "img", "vhd", "jar", "reg", "cpl", "dll", "app", "command",
];
/// Extensions of documents a reader expects to be harmless.
const DOCUMENT: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "gif", "txt", "csv",
    "rtf", "zip",
];
/// Office formats that carry macros.
const MACRO: &[&str] = &[
    "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "sldm",
];
/// Sniffed types that are programs.
const PROGRAM_TYPES: &[&str] = &[
    "application/x-msdownload",
    "application/x-elf",
    "text/x-shellscript",
];

pub(crate) fn check(view: &MessageView, out: &mut Findings<'_>) {
    dangerous(view, out);
    html_credential_form(view, out);
    macro_office(view, out);
    type_mismatch(view, out);
}

/// The extensions of a file name, last first, lowercased, with invisible and bidirectional
/// control characters removed.
fn extensions(name: &str) -> Vec<String> {
    let clean: String = name
        .chars()
        .filter(|&c| !crate::lexicon::normalize::is_invisible(c))
        .collect();
    clean
        .trim()
        .trim_end_matches('.')
        .rsplit('.')
        .take(3)
        .map(|e| e.trim().to_ascii_lowercase())
        .collect()
}

/// Why a file is dangerous, if it is: a program by extension (with a right-to-left override or
/// a document extension in front as the stronger reasons) or by content.
fn danger(name: &str, sniffed: Option<&str>) -> Option<&'static str> {
    let ext = extensions(name);
    let by_name = ext.len() > 1 && ext.first().is_some_and(|e| DANGEROUS.contains(&e.as_str()));
    let by_content = sniffed.is_some_and(|t| PROGRAM_TYPES.contains(&t));
    Some(if name.contains('\u{202e}') && (by_name || by_content) {
        "right_to_left_override"
    } else if by_name && ext.get(1).is_some_and(|e| DOCUMENT.contains(&e.as_str())) {
        "double_extension"
    } else if by_name {
        "extension"
    } else if by_content {
        "content"
    } else {
        return None;
    })
}

/// `attachments.dangerous_type`: a program, script or disk image, by name or by content, or
/// listed inside an attached archive; a right-to-left override or a document extension in
/// front makes it stronger.
fn dangerous(view: &MessageView, out: &mut Findings<'_>) {
    let direct = view.attachments.iter().find_map(|a| {
        let name = a.name.as_deref().unwrap_or("");
        danger(name, a.sniffed_type).map(|r| (shown_name(name), r))
    });
    let inside = || {
        view.attachments.iter().find_map(|a| {
            let archive = a.name.as_deref().unwrap_or("archive");
            a.members.iter().find_map(|m| {
                let file = m.rsplit(['/', '\\']).next().unwrap_or(m);
                danger(file, None)
                    .map(|_| (shown_name(&format!("{archive}/{m}")), "archive_member"))
            })
        })
    };
    let Some((name, reason)) = direct.or_else(inside) else {
        return;
    };
    let strength = match reason {
        "extension" | "content" => 0.8,
        _ => 1.0,
    };
    out.add(
        &DANGEROUS_ATTACHMENT,
        strength,
        Evidence::new().with("name", name).with("reason", reason),
    );
}

/// `attachments.html_credential_form`: an HTML file that asks for a password.
fn html_credential_form(view: &MessageView, out: &mut Findings<'_>) {
    if let Some(a) = view.attachments.iter().find(|a| a.password_form) {
        out.add(
            &HTML_CREDENTIAL_FORM,
            1.0,
            Evidence::new().with("name", shown_name(a.name.as_deref().unwrap_or(""))),
        );
    }
}

/// `attachments.macro_office`: a macro-enabled Office file.
fn macro_office(view: &MessageView, out: &mut Findings<'_>) {
    let found = view.attachments.iter().find(|a| {
        let ext = extensions(a.name.as_deref().unwrap_or(""));
        ext.len() > 1 && ext.first().is_some_and(|e| MACRO.contains(&e.as_str()))
    });
    if let Some(a) = found {
        out.add(
            &MACRO_OFFICE,
            1.0,
            Evidence::new().with("name", shown_name(a.name.as_deref().unwrap_or(""))),
        );
    }
}

/// `attachments.type_mismatch`: the name says document or image, the content says otherwise.
fn type_mismatch(view: &MessageView, out: &mut Findings<'_>) {
    for a in &view.attachments {
        let Some(sniffed) = a.sniffed_type else {
            continue;
        };
        let ext = extensions(a.name.as_deref().unwrap_or(""));
        let Some(claimed) = ext.first().filter(|_| ext.len() > 1) else {
            continue;
        };
        if !compatible(claimed, sniffed) {
            out.add(
                &TYPE_MISMATCH,
                1.0,
                Evidence::new()
                    .with("name", shown_name(a.name.as_deref().unwrap_or("")))
                    .with("declared", a.declared_type.as_str())
                    .with("content", sniffed),
            );
            return;
        }
    }
}

/// Whether content sniffed as `sniffed` may have extension `ext`. Only extensions with a known
/// signature are judged; anything else is compatible.
fn compatible(ext: &str, sniffed: &str) -> bool {
    let expected: &[&str] = match ext {
        "pdf" => &["application/pdf"],
        "jpg" | "jpeg" => &["image/jpeg"],
        "png" => &["image/png"],
        "gif" => &["image/gif"],
        "zip" | "docx" | "xlsx" | "pptx" | "docm" | "xlsm" | "pptm" | "odt" | "ods" => {
            &["application/zip"]
        }
        "doc" | "xls" | "ppt" | "msg" => &["application/x-ole-storage", "application/rtf"],
        "rar" => &["application/vnd.rar"],
        "7z" => &["application/x-7z-compressed"],
        "gz" | "tgz" => &["application/gzip"],
        "rtf" => &["application/rtf"],
        _ => return true,
    };
    expected.contains(&sniffed)
}

/// The name as evidence: control characters shown as `<U+202E>`.
fn shown_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if crate::lexicon::normalize::is_invisible(c) || c.is_control() {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{compatible, extensions};
    use crate::detect::testutil::{assert_explained, evidence, score};

    /// A message with one attachment of `name`, declared `ctype`, containing `data`.
    fn with_attachment(name: &str, ctype: &str, data: &[u8]) -> crate::Verdict {
        use std::fmt::Write as _;
        let b64 = crate::detect::testutil::base64(data);
        let mut raw = String::new();
        let _ = write!(
            raw,
            "From: supplier@partner.example\nTo: ap@acme-trade.com\nSubject: documents\n\
             MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n\
             --b\nContent-Type: text/plain\n\nPlease see the attachment.\n\
             --b\nContent-Type: {ctype}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\n\
             Content-Transfer-Encoding: base64\n\n{b64}\n--b--\n"
        );
        let v = score(&raw);
        assert_explained(&v);
        v
    }

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n";

    #[test]
    fn programs_inside_archives_are_read_from_the_directory() {
        use crate::message::archive::tests::zip;
        let bad = zip(&[
            ("scan/invoice.pdf", PDF),
            ("scan/Invoice_0923.pdf.js", b"var x"),
        ]);
        let v = with_attachment("invoice.zip", "application/zip", &bad);
        assert_eq!(
            evidence(&v, "attachments.dangerous_type", "reason").as_deref(),
            Some("archive_member")
        );
        assert_eq!(
            evidence(&v, "attachments.dangerous_type", "name").as_deref(),
            Some("invoice.zip/scan/Invoice_0923.pdf.js")
        );
        let fine = zip(&[("PI-2026-031.pdf", PDF), ("packing list.xlsx", b"PK")]);
        assert!(!with_attachment("docs.zip", "application/zip", &fine)
            .has("attachments.dangerous_type"));
        // An Office file is a ZIP archive too; its parts are not programs.
        let docx = zip(&[
            ("[Content_Types].xml", b"<x/>"),
            ("word/document.xml", b"<w/>"),
        ]);
        let v = with_attachment(
            "contract.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &docx,
        );
        assert!(v.findings().is_empty(), "{:?}", v.findings());
    }

    #[test]
    fn html_attachments_asking_for_a_password() {
        let page = b"<html><body><img src=\"data:image/png;base64,AA==\"><form action=\"https://login-m365.example/p\" method=post>\
                     <input type=\"email\" name=\"u\"><input type=\"password\" name=\"p\"></form></body></html>";
        let v = with_attachment("Remittance_Advice.html", "text/html", page);
        assert_eq!(
            evidence(&v, "attachments.html_credential_form", "name").as_deref(),
            Some("Remittance_Advice.html")
        );
        // Declared as something else, named .htm: still read.
        assert!(
            with_attachment("scan.htm", "application/octet-stream", page)
                .has("attachments.html_credential_form")
        );
        let newsletter = b"<html><body><p>Forgot your password? Visit our site.</p></body></html>";
        assert!(!with_attachment("news.html", "text/html", newsletter)
            .has("attachments.html_credential_form"));
    }
    const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00";

    #[test]
    fn programs_by_name_content_double_extension_and_rtlo() {
        let reason = |v: &crate::Verdict| evidence(v, "attachments.dangerous_type", "reason");
        assert_eq!(
            reason(&with_attachment(
                "setup.exe",
                "application/octet-stream",
                EXE
            ))
            .as_deref(),
            Some("extension")
        );
        assert_eq!(
            reason(&with_attachment("invoice.pdf.exe", "application/pdf", EXE)).as_deref(),
            Some("double_extension")
        );
        assert_eq!(
            reason(&with_attachment(
                "invoice.bin",
                "application/octet-stream",
                EXE
            ))
            .as_deref(),
            Some("content")
        );
        let rtlo = with_attachment("invoice\u{202e}fdp.exe", "application/octet-stream", EXE);
        assert_eq!(reason(&rtlo).as_deref(), Some("right_to_left_override"));
        assert_eq!(
            evidence(&rtlo, "attachments.dangerous_type", "name").as_deref(),
            Some("invoice<U+202E>fdp.exe")
        );
        let v = with_attachment("PI-2026-118.pdf", "application/pdf", PDF);
        assert!(
            v.findings()
                .iter()
                .all(|f| !f.id().starts_with("attachments.")),
            "a real PDF"
        );
    }

    #[test]
    fn macros_and_mismatched_content() {
        assert!(with_attachment(
            "order.xlsm",
            "application/vnd.ms-excel.sheet.macroEnabled.12",
            b"PK\x03\x04x"
        )
        .has("attachments.macro_office"));
        assert!(!with_attachment(
            "order.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK\x03\x04x"
        )
        .has("attachments.macro_office"));
        let v = with_attachment("invoice.pdf", "application/pdf", EXE);
        assert_eq!(
            evidence(&v, "attachments.type_mismatch", "content").as_deref(),
            Some("application/x-msdownload")
        );
        assert!(
            !with_attachment("report.docx", "application/octet-stream", b"PK\x03\x04x")
                .has("attachments.type_mismatch")
        );
        assert!(
            compatible("csv", "application/zip"),
            "no signature to judge by"
        );
        assert_eq!(extensions("a.PDF.exe"), ["exe", "pdf", "a"]);
    }
}
