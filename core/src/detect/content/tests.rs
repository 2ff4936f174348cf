use crate::detect::testutil::{assert_explained, evidence, score, score_with};
use crate::{Level, MessageContext};

fn mail(subject: &str, body: &str) -> String {
    format!(
        "From: Partner <partner@example.net>\nTo: ap@acme-trade.com\nSubject: {subject}\n\
         Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n"
    )
}

fn rules_of(subject: &str, body: &str) -> Vec<String> {
    let v = score(&mail(subject, body));
    assert_explained(&v);
    v.findings().iter().map(|f| f.id().to_string()).collect()
}

const CHANGE: &str = "content.bank_detail_change";

#[test]
fn bank_detail_change_in_every_language() {
    let cases = [
        ("en", "Updated remittance", "Dear customer,\nPlease note that our bank account has changed due to our annual audit. Kindly remit to the new account below."),
        ("zh_hans", "付款通知", "您好！\n由于公司审计，我司收款账号变更，请将货款汇至新账户。谢谢！"),
        ("zh_hant", "付款通知", "您好，\n因稅務原因，我們的銀行帳戶變更，請匯到新帳戶。"),
        ("es", "Datos bancarios", "Estimado cliente:\nLe informamos de nuestros nuevos datos bancarios. Por favor realice el pago a la nueva cuenta bancaria."),
        ("pt", "Dados bancários", "Prezado cliente,\nInformamos a alteração de dados bancários. Favor efetuar o pagamento na nova conta bancária."),
        ("fr", "Coordonnées bancaires", "Bonjour,\nSuite à un audit, veuillez noter nos nouvelles coordonnées bancaires pour le règlement de la facture."),
        ("de", "Bankverbindung", "Sehr geehrte Damen und Herren,\nbitte beachten Sie unsere neue Bankverbindung für die Zahlung der Rechnung."),
        ("ru", "Реквизиты", "Добрый день!\nСообщаем, что у нас новые реквизиты. Прошу оплатить счет по новым реквизитам."),
        ("ar", "تحديث", "السلام عليكم،\nنود إعلامكم بتغيير الحساب البنكي الخاص بشركتنا. يرجى الدفع إلى الحساب البنكي الجديد."),
        ("ja", "お振込先変更のお知らせ", "いつもお世話になっております。\n弊社の振込先の変更についてご案内いたします。新しい口座へお振込みください。"),
        ("ko", "계좌 변경 안내", "안녕하세요.\n당사의 입금 계좌 변경을 안내드립니다. 새로운 계좌로 송금 부탁드립니다."),
    ];
    for (lang, subject, body) in cases {
        let v = score(&mail(subject, body));
        assert_explained(&v);
        assert!(v.has(CHANGE), "{lang}: {:?}", v.findings());
        let found = evidence(&v, CHANGE, "lang").unwrap_or_default();
        assert!(found.split(',').any(|l| l == lang), "{lang}: {found}");
        let phrase = evidence(&v, CHANGE, "phrase").unwrap();
        let offset: usize = evidence(&v, CHANGE, "offset").unwrap().parse().unwrap();
        // The decoded body has the CRLF line ends of the message.
        let text = if evidence(&v, CHANGE, "place").as_deref() == Some("subject") {
            subject.to_string()
        } else {
            body.replace('\n', "\r\n")
        };
        assert_eq!(&text[offset..offset + phrase.len()], phrase, "{lang}");
    }
}

#[test]
fn obfuscated_change_still_matches() {
    let body =
        "Our ba\u{200b}nk acc0unt has been upd\u{0430}ted, please use it for the next payment.";
    let v = score(&mail("Notice", body));
    assert_eq!(
        evidence(&v, CHANGE, "phrase").as_deref(),
        Some("ba\u{200b}nk acc0unt has been upd\u{0430}ted")
    );
    let paired = "The b\u{0430}nk det\u{0430}ils for the next payment are upd\u{0430}ted.";
    let v = score(&mail("Notice", paired));
    assert_eq!(
        evidence(&v, CHANGE, "phrase").as_deref(),
        Some("b\u{0430}nk det\u{0430}ils")
    );
    assert_eq!(
        evidence(&v, CHANGE, "near").as_deref(),
        Some("upd\u{0430}ted")
    );
    let full_width = "ＯＵＲ　ＢＡＮＫ　ＤＥＴＡＩＬＳ　ＨＡＶＥ　ＣＨＡＮＧＥＤ";
    assert!(rules_of("Notice", full_width).contains(&CHANGE.to_string()));
}

#[test]
fn words_in_different_sentences_do_not_combine() {
    let body = "Thank you for the new order. Our bank account details are on the invoice as usual.";
    assert!(!rules_of("Order", body).contains(&CHANGE.to_string()));
    let zh = "感谢您的新订单。付款请按发票上的银行账户。";
    assert!(!rules_of("订单", zh).contains(&CHANGE.to_string()));
}

#[test]
fn quoted_history_weighs_half() {
    let fresh = "Please note our bank account has changed.";
    let quoted = "Thanks, noted.\n\nOn Mon, 3 Nov 2026 at 10:00, Supplier <s@example.net> wrote:\n\
                  Please note our bank account has changed.";
    let w = |body| {
        score(&mail("Re: payment", body))
            .findings()
            .iter()
            .find(|f| f.id() == CHANGE)
            .map(|f| f.weight())
            .unwrap()
    };
    assert!((w(fresh) - 2.0 * w(quoted)).abs() < 1e-9);
    // `> ` quoted lines are separate sentences: no pair crosses into them.
    let gt = "See below.\n> our bank\n> account is new";
    assert!(!rules_of("Re: x", gt).contains(&CHANGE.to_string()));
}

#[test]
fn ceo_fraud_language() {
    let found = rules_of(
        "Quick task",
        "Are you at your desk? I'm in a meeting and can't take calls. I need you to buy 5 Google Play cards \
         for a client today, scratch them and send me the codes. Keep this confidential.",
    );
    for r in ["content.authority", "content.gift_cards", "content.secrecy"] {
        assert!(found.contains(&r.to_string()), "{r}: {found:?}");
    }
    let zh = rules_of(
        "急事",
        "我在开会，不方便接电话。请马上去买5张苹果卡礼品卡，刮开后把卡密拍照发给我，此事保密，不要告诉别人。",
    );
    for r in ["content.authority", "content.gift_cards", "content.secrecy"] {
        assert!(zh.contains(&r.to_string()), "{r}: {zh:?}");
    }
}

#[test]
fn urgency_needs_a_payment_in_the_sentence() {
    let found = rules_of(
        "Payment",
        "Please process the payment urgently today before the cut off.",
    );
    assert!(
        found.contains(&"content.payment_urgency".to_string()),
        "{found:?}"
    );
    let found = rules_of(
        "Meeting",
        "Urgent: the meeting moved to today 3 pm. Payment terms stay as agreed.",
    );
    assert!(
        !found.contains(&"content.payment_urgency".to_string()),
        "{found:?}"
    );
    let es = rules_of(
        "Pago",
        "Necesito que realice el pago hoy mismo, es urgente.",
    );
    assert!(
        es.contains(&"content.payment_urgency".to_string()),
        "{es:?}"
    );
}

#[test]
fn phone_and_credential_lures() {
    let found = rules_of(
        "Hello",
        "Please send me your cell number, I have a task for you.",
    );
    assert!(found.contains(&"content.phone_harvesting".to_string()));
    let zh = rules_of("你好", "把你的手机号发给我，或者加我微信。");
    assert!(
        zh.contains(&"content.phone_harvesting".to_string()),
        "{zh:?}"
    );
    let raw = mail(
        "Mailbox notice",
        "Your mailbox is full. Verify your account at https://mail-quota.example.org/login to keep receiving mail.",
    );
    let v = score(&raw);
    assert_eq!(
        evidence(&v, "content.credential_lure", "phrase").as_deref(),
        Some("mailbox is full")
    );
    let de = rules_of(
        "Postfach",
        "Ihr Postfach ist voll. Bestätigen Sie Ihr Konto hier: https://x.example.org/",
    );
    assert!(
        de.contains(&"content.credential_lure".to_string()),
        "{de:?}"
    );
}

#[test]
fn everyday_business_mail_stays_quiet() {
    let quiet = [
        // A genuine supplier invoice.
        ("Invoice INV-2026-118", "Dear Anna,\nPlease find attached invoice INV-2026-118 for PO 4471. \
          Payment is due within 30 days to the account stated on the invoice.\nBest regards,\nPeter"),
        // A bank's own marketing.
        ("Introducing our new mobile banking app", "Discover the new HSBC app: check balances, pay bills \
          and move money in seconds. Download it today!"),
        // A newsletter.
        ("Weekly digest", "Top stories this week: new tariffs on steel, freight rates update, \
          and the new Incoterms guide. Read more on our website."),
        // A Chinese shipping notice.
        ("船期通知", "您好！您的货物已于今天装船，提单号 COSU6123456789，预计11月30日到港。请提前安排清关。"),
        // A SaaS sign-up.
        ("Welcome", "Your new account is ready. Sign in with your e-mail address to get started."),
        // A disclaimer.
        ("Quotation", "Please find our quotation attached.\n\nThis e-mail is confidential and intended \
          solely for the addressee."),
    ];
    for (subject, body) in quiet {
        let v = score(&mail(subject, body));
        assert!(v.level() < Level::Medium, "{subject}: {:?}", v.findings());
        assert!(!v.has(CHANGE), "{subject}: {:?}", v.findings());
    }
}

#[test]
fn policy_phrases_fire_the_rules() {
    let policy = r#"
        [lexicon]
        secrecy = ["project falcon"]
    "#;
    let v = score_with(
        policy,
        &mail("Falcon", "About Project Falcon: please handle it yourself."),
        &MessageContext::inbound(),
    );
    assert_eq!(
        evidence(&v, "content.secrecy", "lang").as_deref(),
        Some("policy")
    );
}

#[test]
fn quoted_history_is_read_up_to_the_limit() {
    let padding = "Thanks for the update on the shipment schedule.\n".repeat(20);
    let body = format!(
        "Noted, thanks.\n\nOn Mon, 3 Nov 2026 at 10:00, Supplier <s@example.net> wrote:\n\
         {padding}Please note our bank account has changed.\n"
    );
    let raw = mail("Re: schedule", &body);
    let ctx = MessageContext::inbound();
    assert!(
        score_with("", &raw, &ctx).has(CHANGE),
        "read within the default 8 KiB"
    );
    let tight = "[limits]\nmax_quoted_text_bytes = 200\n";
    assert!(!score_with(tight, &raw, &ctx).has(CHANGE), "past the limit");
    // The message's own text is read in full whatever the limit.
    let own = mail(
        "Payment",
        &format!("{padding}Please note our bank account has changed.\n"),
    );
    assert!(score_with("[limits]\nmax_quoted_text_bytes = 0\n", &own, &ctx).has(CHANGE));
}

/// One realistic sentence per content rule (bank-detail change has its own test) in each of
/// the eleven languages.
#[test]
fn every_content_rule_in_every_language() {
    let table: &[(&str, [&str; 6])] = &[
        // urgency + payment, secrecy, authority, gift cards, phone, credential lure
        (
            "en",
            [
                "Please process the payment urgently before the cut off.",
                "Keep this confidential for now.",
                "I'm in a meeting right now.",
                "Buy five gift cards and send me the codes.",
                "Send me your cell number.",
                "Your password will expire, confirm your password at https://x.example/",
            ],
        ),
        (
            "zh_hans",
            [
                "请尽快付款。",
                "此事请保密。",
                "我在开会，不方便接电话。",
                "帮我购买礼品卡，然后把卡密发给我。",
                "把你的手机号发给我。",
                "您的邮箱已满，请登录查看。",
            ],
        ),
        (
            "zh_hant",
            [
                "請盡快付款。",
                "此事請保密。",
                "我在開會，不方便接電話。",
                "幫我購買禮品卡，然後把卡密發給我。",
                "請留個電話給我。",
                "您的密碼即將過期，請確認您的密碼。",
            ],
        ),
        (
            "es",
            [
                "Necesito que realice el pago hoy mismo, es urgente.",
                "Este asunto es confidencial.",
                "Estoy en una reunión y no puedo hablar.",
                "Necesito comprar tarjetas de regalo para un cliente.",
                "Envíame tu número de teléfono.",
                "Verifique su cuenta para no perder el acceso.",
            ],
        ),
        (
            "pt",
            [
                "Favor efetuar o pagamento ainda hoje.",
                "Assunto confidencial.",
                "Estou em reunião agora.",
                "Preciso comprar cartões presente para clientes.",
                "Me passe o número do celular.",
                "Confirme sua senha para continuar.",
            ],
        ),
        (
            "fr",
            [
                "Merci d'effectuer le paiement immédiatement.",
                "Merci de garder ce dossier confidentiel.",
                "Je suis en réunion, je ne peux pas répondre.",
                "Pouvez-vous acheter des cartes cadeaux pour nos clients ?",
                "Envoyez-moi votre numéro de portable.",
                "Votre mot de passe expire aujourd'hui.",
            ],
        ),
        (
            "de",
            [
                "Bitte überweisen Sie den Betrag noch heute.",
                "Bitte behandeln Sie das streng vertraulich.",
                "Ich bin in einem Meeting.",
                "Bitte kaufen Sie Geschenkkarten für unsere Kunden.",
                "Schicken Sie mir bitte Ihre Handynummer.",
                "Ihr Postfach ist voll.",
            ],
        ),
        (
            "ru",
            [
                "Прошу срочно оплатить счет.",
                "Это конфиденциальная информация.",
                "Я на совещании, не могу говорить.",
                "Нужно купить подарочные карты для клиентов.",
                "Пришлите ваш номер телефона.",
                "Подтвердите пароль, чтобы сохранить доступ.",
            ],
        ),
        (
            "ar",
            [
                "يرجى الدفع فوراً، الأمر عاجل.",
                "هذا الأمر سري.",
                "أنا في اجتماع الآن.",
                "أرجو شراء بطاقات هدايا للعملاء.",
                "أرسل لي رقم هاتفك.",
                "صندوق البريد ممتلئ.",
            ],
        ),
        (
            "ja",
            [
                "至急お振込みをお願いします。",
                "この件は内密にお願いします。",
                "今会議中です。",
                "ギフトカードを購入して、コードを送ってください。",
                "携帯番号を教えてください。",
                "パスワードの有効期限が切れます。",
            ],
        ),
        (
            "ko",
            [
                "긴급하게 송금 부탁드립니다.",
                "이 건은 비밀로 해 주세요.",
                "지금 회의 중입니다.",
                "기프트카드를 구매해서 코드를 보내 주세요.",
                "휴대폰 번호를 보내 주세요.",
                "비밀번호가 만료됩니다.",
            ],
        ),
    ];
    let rules = [
        "content.payment_urgency",
        "content.secrecy",
        "content.authority",
        "content.gift_cards",
        "content.phone_harvesting",
        "content.credential_lure",
    ];
    for (lang, sentences) in table {
        for (rule, sentence) in rules.iter().zip(sentences) {
            let v = score(&mail("Hello", sentence));
            assert_explained(&v);
            let found = evidence(&v, rule, "lang").unwrap_or_default();
            assert!(
                found.split(',').any(|l| l == *lang),
                "{rule} in {lang}: {sentence} -> {:?}",
                v.findings()
            );
        }
    }
}

#[test]
fn reply_headers_start_the_quoted_history() {
    use super::quoted_from;
    for (text, header) in [
        (
            "New text.\r\n\r\nOn Mon, 3 Nov 2026 at 10:00, A <a@x.example> wrote:\r\n> old\r\n",
            "On Mon",
        ),
        (
            "New.\r\n-----Original Message-----\r\nFrom: A\r\n",
            "-----Original",
        ),
        (
            "New.\r\n\r\nFrom: Zhang Min <z@acme-trade.com>\r\nSent: Monday\r\nTo: B\r\n",
            "From: Zhang",
        ),
        (
            "新的内容\r\n\r\n发件人： 张敏\r\n发送时间： 2026年11月3日\r\n",
            "发件人",
        ),
        (
            "Neu.\r\nAm 3. Nov. 2026 schrieb A <a@x.example> schrieb:\r\n",
            "Am 3.",
        ),
    ] {
        let at = quoted_from(text);
        assert!(
            text[at..].starts_with(header),
            "{text:?} -> {:?}",
            &text[at..]
        );
    }
    // A From: line that is not followed by Sent:/Date: is text, and forwarded mail is not
    // quoted history.
    let fwd = "FYI\r\n---------- Forwarded message ---------\r\nFrom: A\r\nSubject: x\r\n\r\nbody";
    assert_eq!(quoted_from(fwd), fwd.len());
}

const REQUEST: &str = "content.bec_request";

#[test]
fn a_bec_request_reaches_medium_on_its_own() {
    // Written for this test, not taken from the corpus: plain headers, no impersonation.
    let cases = [
        (
            "en",
            "Quick request",
            "Are you at your desk? I need you to process a wire of USD 18,400 to the account \
             below today. I am in a meeting and can't take calls, keep this between us and \
             confirm once done.",
        ),
        (
            "zh_hans",
            "急",
            "在吗？我在开会，不方便接电话。麻烦你马上安排一笔付款，今天必须汇出去，账户如下，\
             不要告诉别人，办好后回复我。",
        ),
    ];
    for (lang, subject, body) in cases {
        let v = score(&mail(subject, body));
        assert_explained(&v);
        assert!(v.has(REQUEST), "{lang}: {:?}", v.findings());
        assert!(v.level() >= Level::Medium, "{lang}: {:?}", v.level());
        let p: f64 = evidence(&v, REQUEST, "probability")
            .and_then(|p| p.parse().ok())
            .unwrap_or_default();
        assert!(p >= crate::detect::content::request::Model::builtin().threshold);
        assert_ne!(
            evidence(&v, REQUEST, "pressure").as_deref(),
            Some("-"),
            "{lang}"
        );
    }
}

#[test]
fn genuine_payment_mail_is_not_a_request() {
    let cases = [
        (
            "Remittance advice",
            "Dear Supplier,\nWe have paid invoice INV-2231 today, USD 18,400, to your account \
             ending 4471. Please find attached the remittance advice for your records. No action \
             is required.",
        ),
        (
            "Invoice 2026-044",
            "Hi David,\nPlease find attached invoice 2026-044. Payment within 14 days please; our \
             bank details are on the invoice as usual and remain unchanged.",
        ),
        (
            "水单",
            "王经理您好，定金已付款，附件是银行水单，请查收。尾款按合同在发货前付清。",
        ),
        (
            "Beware of fake bank-change emails",
            "Dear all,\nFraudsters are sending emails that ask finance staff to pay a new bank \
             account urgently. Our bank details never change by email; always verify by phone on \
             the number on file.",
        ),
    ];
    for (subject, body) in cases {
        let v = score(&mail(subject, body));
        assert_explained(&v);
        assert!(!v.has(REQUEST), "{subject}: {:?}", v.findings());
        assert!(v.level() < Level::Medium, "{subject}: {:?}", v.findings());
    }
}

#[test]
fn a_sentence_saying_nothing_changed_is_not_a_bank_change() {
    for body in [
        "Our bank details have not changed; please pay to the account on file.",
        "付款账户就是我们一直付的账户，不是新账户。",
        "お振込先は従来通りです。口座情報の変更はございません。",
        "Реквизиты в счёте без изменений, как в договоре.",
    ] {
        assert!(
            !rules_of("Payment", body).contains(&CHANGE.to_string()),
            "{body}"
        );
    }
    // Another sentence of the same mail still counts.
    let body = "Nothing else is unchanged. Please note our bank account has changed.";
    assert!(rules_of("Payment", body).contains(&CHANGE.to_string()));
}

#[test]
fn the_request_model_is_well_formed() {
    use super::request::{Model, FEATURES};
    let m = Model::parse(include_str!("../../../data/request-model.toml"))
        .expect("the built-in model parses");
    for name in m.weights.keys() {
        assert!(FEATURES.contains(&name.as_str()), "unknown feature {name}");
    }
    assert!((0.5..1.0).contains(&m.threshold), "{}", m.threshold);
    // No features at all is not a request; the weights line up with the features.
    let none: Vec<(&'static str, f64)> = FEATURES.iter().map(|f| (*f, 0.0)).collect();
    assert!(m.probability(&none) < m.threshold);
    for (i, f) in FEATURES.iter().enumerate() {
        let mut one = none.clone();
        one[i].1 = 1.0;
        let w = m.weights.get(*f).copied().unwrap_or(0.0);
        let z = m.bias + w;
        assert!(
            (m.probability(&one) - 1.0 / (1.0 + (-z).exp())).abs() < 1e-12,
            "{f}"
        );
    }
}

#[test]
fn list_mail_keeps_half_a_request() {
    let body = "Are you at your desk? I need you to process a wire of USD 18,400 to the account \
                below today. I am in a meeting and can't take calls, keep this between us and \
                confirm once done.";
    let direct = score(&mail("Quick request", body));
    let list = score(&format!(
        "List-Id: <finance.lists.example.org>\n{}",
        mail("Quick request", body)
    ));
    let w = |v: &crate::Verdict| {
        v.findings()
            .iter()
            .find(|f| f.id() == REQUEST)
            .map(|f| f.weight())
            .unwrap_or_default()
    };
    assert!(w(&direct) > 0.0);
    assert!((w(&direct) - 2.0 * w(&list)).abs() < 1e-9);
}

#[test]
fn amounts_are_numbers_next_to_a_currency() {
    use super::request::has_amount;
    for yes in [
        "USD 41,500",
        "a wire of 6 200 € today",
        "马上付 30 万到账户",
        "HK$263,400",
        "£31,000 today",
        "Betrag: 112.400,00 EUR",
        "共 ¥96,800",
    ] {
        assert!(has_amount(yes), "{yes}");
    }
    for no in [
        "PO 4471 ships on 3 May",
        "10 rubber gloves",
        "Europe 2026 tour",
        "call me on 555 1234",
        "",
    ] {
        assert!(!has_amount(no), "{no}");
    }
}
