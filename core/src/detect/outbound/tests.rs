use crate::detect::testutil::{assert_explained, evidence, score_with};
use crate::MessageContext;

const POLICY: &str = r#"
    [organisation]
    name = "Acme Trade"
    domains = ["acme-trade.com"]
    [outbound]
    finance_mailboxes = ["finance@acme-trade.com"]
"#;
const PERSONAL: &str = "outbound.personal_account";
const PI: &str = "outbound.pi_without_finance";

/// An outgoing message from Zhang Min with one PDF attachment named `file`.
fn outgoing(to: &str, cc: &str, subject: &str, body: &str, file: &str) -> String {
    format!(
        "From: Zhang Min <zhang.min@acme-trade.com>\nTo: {to}\nCc: {cc}\nSubject: {subject}\n\
         MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n\
         --b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n\
         --b1\nContent-Type: application/pdf; name=\"{file}\"\n\
         Content-Disposition: attachment; filename=\"{file}\"\nContent-Transfer-Encoding: base64\n\n\
         JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK\n--b1--\n"
    )
}

fn scored(raw: &str, ctx: MessageContext) -> crate::Verdict {
    let v = score_with(POLICY, raw, &ctx);
    assert_explained(&v);
    v
}

fn out() -> MessageContext {
    MessageContext::outbound("zhang.min@acme-trade.com")
}

#[test]
fn documents_to_a_private_mailbox_that_resembles_the_sender() {
    let raw = outgoing(
        "zhangmin1988@163.com",
        "",
        "PI for Mueller order",
        "见附件。",
        "PI-2026-031 Mueller GmbH.pdf",
    );
    let v = scored(&raw, out());
    assert_eq!(
        evidence(&v, PERSONAL, "recipient").as_deref(),
        Some("zhangmin1988@163.com")
    );
    assert_eq!(
        evidence(&v, PERSONAL, "resembles_sender").as_deref(),
        Some("yes")
    );
    assert_eq!(
        evidence(&v, PERSONAL, "document").as_deref(),
        Some("PI-2026-031 Mueller GmbH.pdf")
    );
    // Chinese name in pinyin against a Han display name works too.
    let raw = raw.replace("Zhang Min <", "=?UTF-8?B?5byg5pWP?= <");
    assert_eq!(
        evidence(&scored(&raw, out()), PERSONAL, "resembles_sender").as_deref(),
        Some("yes")
    );
}

#[test]
fn a_free_mail_customer_is_weaker_and_a_known_one_weaker_still() {
    let raw = outgoing(
        "ahmed.trading@gmail.com",
        "finance@acme-trade.com",
        "Quotation",
        "Dear Ahmed, please find our quotation attached.",
        "Quotation_Q-5521.pdf",
    );
    let weight = |ctx: MessageContext| {
        scored(&raw, ctx)
            .findings()
            .iter()
            .find(|f| f.id() == PERSONAL)
            .map(|f| f.weight())
            .unwrap()
    };
    let new = weight(out());
    let known = weight(out().known_correspondents(["ahmed.trading@gmail.com"]));
    assert!(known < new && new < crate::rules::PERSONAL_ACCOUNT.default_weight());
}

#[test]
fn no_document_or_no_free_mail_is_quiet() {
    let lunch = outgoing(
        "zhangmin1988@163.com",
        "",
        "Lunch",
        "See you at noon.",
        "menu.pdf",
    );
    assert!(!scored(&lunch, out()).has(PERSONAL));
    let customer = outgoing(
        "buyer@mueller-gmbh.de",
        "finance@acme-trade.com",
        "PI",
        "Please find the PI attached.",
        "PI-2026-031.pdf",
    );
    let v = scored(&customer, out());
    assert!(!v.has(PERSONAL) && !v.has(PI), "{:?}", v.findings());
    // Inbound mail is not checked by outbound rules.
    assert!(!scored(&lunch, MessageContext::inbound()).has(PERSONAL));
}

#[test]
fn pi_needs_the_finance_mailbox_in_copy() {
    let raw = outgoing(
        "buyer@mueller-gmbh.de",
        "sales@acme-trade.com",
        "Proforma invoice",
        "Dear Anna, please find the proforma invoice attached.",
        "PI-2026-031.pdf",
    );
    let v = scored(&raw, out());
    assert_eq!(
        evidence(&v, PI, "recipients").as_deref(),
        Some("buyer@mueller-gmbh.de")
    );
    // A payment instruction (an IBAN in the text) counts too; Bcc via the envelope satisfies it.
    let instruction = outgoing(
        "buyer@mueller-gmbh.de",
        "",
        "Payment",
        "Please pay to IBAN DE89 3704 0044 0532 0130 00.",
        "note.pdf",
    );
    assert_eq!(
        evidence(&scored(&instruction, out()), PI, "document").as_deref(),
        Some("iban DE89**************3000")
    );
    let bcc = out().recipients(["buyer@mueller-gmbh.de", "finance@acme-trade.com"]);
    assert!(!scored(&instruction, bcc).has(PI));
    // Off without finance mailboxes in the policy.
    let v = score_with("", &raw, &out());
    assert!(!v.has(PI));
    // Internal only: not checked.
    let internal = raw.replace("buyer@mueller-gmbh.de", "boss@acme-trade.com");
    assert!(!scored(&internal, out()).has(PI));
}

#[test]
fn outgoing_payment_change_from_a_stolen_mailbox_is_read_too() {
    let raw = outgoing(
        "buyer@mueller-gmbh.de",
        "finance@acme-trade.com",
        "Bank change",
        "Dear Anna, our bank account has changed. Please remit to IBAN GB82 WEST 1234 5698 7654 32.",
        "letter.pdf",
    );
    let v = scored(&raw, out());
    assert!(v.has("content.bank_detail_change") && v.has("banking.new_account_details"));
}
