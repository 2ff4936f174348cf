//! Shared inputs of the mailrisk benchmarks.
#![forbid(unsafe_code)]

use std::path::Path;

use mailrisk::events::{
    AccountEvent, AccountEventKind, Event, Geo, InboxRule, LoginEvent, LoginOutcome, Timestamp,
};

/// The sample messages of `examples/mail`, sorted by name.
pub fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/mail");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .filter_map(|p| {
                    let name = p.file_name()?.to_str()?.to_string();
                    Some((name, std::fs::read(&p).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Sentences of everyday trade correspondence, for the typical-message generator.
const SENTENCES: &[&str] = &[
    "Thank you for your order confirmation for 50 tons of 304 stainless steel sheet.",
    "Please find attached the proforma invoice PI-2026-031 and the packing list.",
    "The goods will be ready for shipment from Ningbo port by the end of the month.",
    "Could you confirm the delivery address and the consignee details for the bill of lading?",
    "We have checked the quality report and the thickness tolerance is within the standard.",
    "Payment terms remain 30% deposit and the balance against the copy of the B/L.",
    "Our logistics team booked space on the vessel leaving on 28 November.",
    "Kindly let us know if you need the certificate of origin legalised by the chamber.",
    "The price is valid for seven days because the nickel price changes every week.",
    "Please note that the 15th is a public holiday here and our office will be closed.",
    "我们已经安排生产，预计下周五完成包装，届时会发送装箱照片给您确认。",
    "Best regards and have a nice weekend.",
];

/// Headers as Microsoft 365 writes them on a message from a partner: a Received chain,
/// DKIM and ARC signatures, authentication results and Exchange headers (about 5 KB).
fn m365_headers() -> String {
    let mut h = String::from("Return-Path: <anna@mueller-gmbh.de>\r\n");
    for (i, host) in [
        "mx.acme-trade.com",
        "AM6PR01MB5000.eurprd01.prod.outlook.com",
        "DB8EUR01FT004.mail.protection.outlook.com",
        "EUR01-DB5-obe.outbound.protection.outlook.com",
    ]
    .iter()
    .enumerate()
    {
        h.push_str(&format!(
            "Received: from {host} (2603:10a6:20b:{i}::1{i}) by mx{i}.acme-trade.com\r\n (2603:10a6:20b:{i}::2{i}) with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7{i}0.1{i}; Mon, 9 Nov 2026\r\n 09:30:0{i} +0000\r\n"
        ));
    }
    let b64 = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu5NqT3Yp0x8Zb2Vw9lQ4y7c6m";
    for name in ["ARC-Seal", "ARC-Message-Signature", "DKIM-Signature"] {
        h.push_str(&format!(
            "{name}: i=1; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=none;\r\n b={b64}{b64}\r\n {b64}{b64}\r\n {b64}{b64}\r\n {b64}==\r\n"
        ));
    }
    h.push_str("ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=pass\r\n smtp.mailfrom=mueller-gmbh.de; dmarc=pass action=none header.from=mueller-gmbh.de;\r\n dkim=pass header.d=mueller-gmbh.de; arc=none\r\n");
    h.push_str("Authentication-Results: mx.acme-trade.com; dkim=pass (signature was verified)\r\n header.d=mueller-gmbh.de;dmarc=pass action=none header.from=mueller-gmbh.de;\r\n");
    for i in 0..14 {
        h.push_str(&format!(
            "X-MS-Exchange-CrossTenant-Header-{i}: 9f3c{i}e2a-54b1-4c9d-8a77-2b6f0e1d{i:04}\r\n"
        ));
    }
    h.push_str("X-MS-Exchange-AntiSpam-MessageData-ChunkCount: 1\r\nX-MS-Exchange-AntiSpam-MessageData-0:\r\n ");
    h.push_str(&format!("{b64}{b64}\r\n {b64}{b64}\r\n"));
    h.push_str(
        "From: Anna Schneider <anna@mueller-gmbh.de>\r\n\
         To: Zhang Min <zhang.min@acme-trade.com>\r\n\
         Cc: sales@acme-trade.com\r\n\
         Subject: RE: RE: Order 4471 - 304 stainless steel sheet\r\n\
         Thread-Topic: Order 4471 - 304 stainless steel sheet\r\n\
         Date: Mon, 9 Nov 2026 09:30:00 +0000\r\n\
         Message-ID: <AM6PR01MB5000AB12CD34EF56@AM6PR01MB5000.eurprd01.prod.outlook.com>\r\n\
         MIME-Version: 1.0\r\n",
    );
    h
}

/// The text of a reply thread: a short new message, then `rounds` quoted earlier ones, each
/// under an Outlook reply header.
fn thread_text(rounds: usize) -> String {
    let mut text = String::new();
    for round in 0..=rounds {
        if round > 0 {
            text.push_str(&format!(
                "\r\nFrom: Zhang Min <zhang.min@acme-trade.com>\r\nSent: Monday, {} November 2026 09:{:02}\r\nTo: Anna Schneider <anna@mueller-gmbh.de>\r\nSubject: RE: Order 4471\r\n\r\n",
                9 - round.min(8),
                round * 7 % 60
            ));
        }
        text.push_str("Dear Anna,\r\n\r\n");
        for i in 0..5 {
            text.push_str(SENTENCES[(round * 5 + i) % SENTENCES.len()]);
            text.push_str("\r\n");
        }
        text.push_str("\r\nBest regards\r\nZhang Min\r\nSales Manager | Acme Trade Co., Ltd.\r\nTel +86 574 8765 4321\r\n");
    }
    text
}

/// A typical 20 KB business message, as Outlook writes a reply in a thread: Microsoft 365
/// headers, then multipart/alternative with the plain text (the new reply and four quoted
/// messages, about 4 KB) and a quoted-printable HTML part with Outlook's style sheet and
/// markup around the same words.
pub fn typical_thread() -> Vec<u8> {
    let text = thread_text(4);
    let css: String = (0..28)
        .map(|i| format!("p.MsoNormal{i}, li.MsoNormal{i}, div.MsoNormal{i}\r\n\t{{margin:0cm;font-size:11.0pt;font-family:\"Calibri\",sans-serif;}}\r\n"))
        .collect();
    let html: String = text
        .lines()
        .map(|l| {
            format!(
                "<p class=3DMsoNormal><span lang=3DEN-US style=3D\"font-size:11.0pt;font-fam=\r\nily:&quot;Calibri&quot;,sans-serif;color:#1F497D\">{}<o:p></o:p></span></p>\r\n",
                qp_line(l)
            )
        })
        .collect();
    format!(
        "{}Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
         --alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         {text}\r\n\
         --alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         <html xmlns:o=3D\"urn:schemas-microsoft-com:office:office\"><head><meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3Dutf-8\"><style><!--\r\n{css}--></style></head>\r\n\
         <body lang=3DEN-US link=3D\"#0563C1\" vlink=3D\"#954F72\"><div class=3DWordSection1>\r\n{html}</div></body></html>\r\n--alt--\r\n",
        m365_headers()
    )
    .into_bytes()
}

/// The worst case for content matching: about 20 KB of plain text, a long thread with no
/// markup at all.
pub fn plain_thread() -> Vec<u8> {
    format!(
        "{}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
        m365_headers(),
        thread_text(24)
    )
    .into_bytes()
}

/// A line in quoted-printable: `=` escaped and bytes beyond ASCII as `=XX`.
fn qp_line(line: &str) -> String {
    let mut out = String::new();
    for b in line.bytes() {
        if b == b'=' || !b.is_ascii() {
            out.push_str(&format!("={b:02X}"));
        } else if b == b'>' {
            out.push_str("&gt;");
        } else {
            out.push(char::from(b));
        }
    }
    out
}

/// Users of the event stream.
pub const EVENT_USERS: usize = 10_000;
const T0: i64 = 1_793_584_800_000;

/// When event `i` happens: on working days, 08:30–19:30 in Beijing (the default policy's
/// working hours are 07:00–21:00 +08:00), one event every 2 s; 1 % of them twelve hours later,
/// at night (those are `login.off_hours`).
fn when(i: usize) -> i64 {
    const PER_DAY: usize = 19_800;
    const DAY: i64 = 86_400_000;
    let day = (i / PER_DAY) as i64;
    let calendar_day = day / 5 * 7 + day % 5;
    let night = if i % 100 == 42 { DAY / 2 } else { 0 };
    // T0 is a Monday, 10:00 in Beijing.
    T0 - 90 * 60_000 + calendar_day * DAY + (i % PER_DAY) as i64 * 2_000 + night
}

/// Events `offset..offset + n` of the benchmarks' stream over `users` users (the benches use
/// [`EVENT_USERS`]). A realistic mix: 85 % successful logins from a few offices and a few
/// travellers, 12 % failures (some from attacking addresses), 3 % mailbox changes, in working
/// hours but 1 %.
pub fn event_stream(users: usize, n: usize, offset: usize) -> Vec<Event> {
    let places = [
        ("CN", 31.23, 121.47, "58.32.17."),
        ("HK", 22.3, 114.2, "203.198.7."),
        ("DE", 52.5, 13.4, "81.2.69."),
        ("US", 40.7, -74.0, "198.51.100."),
    ];
    (offset..offset + n)
        .map(|i| {
            let user = format!("user{}@acme-trade.com", (i * 7919) % users.max(1));
            let t = when(i);
            let id = format!("e{i}");
            match i % 100 {
                0..=84 => {
                    let (c, lat, lon, net) = places[if i % 50 == 0 { 2 + i % 2 } else { i % 2 }];
                    let mut e = LoginEvent::new(id, Timestamp::from_unix_millis(t), user);
                    e.ip = format!("{net}{}", i % 250 + 1).parse().ok();
                    e.geo = Some(Geo {
                        country: Some(c.into()),
                        lat: Some(lat),
                        lon: Some(lon),
                        ..Geo::default()
                    });
                    e.asn = Some(4134 + (i % 3) as u32);
                    e.user_agent =
                        Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Outlook/16.0".into());
                    Event::Login(e)
                }
                85..=96 => {
                    let mut e = LoginEvent::new(id, Timestamp::from_unix_millis(t), user);
                    e.outcome = LoginOutcome::Failure;
                    e.ip = format!("45.9.{}.{}", i % 4, i % 200 + 1).parse().ok();
                    Event::Login(e)
                }
                _ => {
                    let mut e = AccountEvent::new(
                        id,
                        Timestamp::from_unix_millis(t),
                        user,
                        AccountEventKind::InboxRuleCreated,
                    );
                    e.rule = Some(InboxRule {
                        name: Some("Newsletters".into()),
                        move_to_folder: Some("Inbox\\News".into()),
                        ..InboxRule::default()
                    });
                    Event::Account(e)
                }
            }
        })
        .collect()
}
