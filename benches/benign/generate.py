#!/usr/bin/env python3
"""Writes a corpus of everyday business mail of an export company (Acme Trade, the company of
examples/policy-acme.toml) as .eml files, for measuring false positives.

Everything is generated here from templates, deterministically (seeded): quotations, orders,
genuine invoices (the vendor's account on record), payment reminders and remittance advice,
shipping notices, bank statements and bank marketing, newsletters full of links, internal
payment runs, IT and HR notices, calendar invitations, out-of-office replies, contracts under
NDA, replies that quote earlier mail, in the languages the company trades in. No message asks
to pay a new account: the corpus is what must stay quiet.

Usage: generate.py OUT_DIR [COUNT]
"""

import base64
import random
import sys
from pathlib import Path

R = random.Random(20261122)

FIRST = ["Anna", "Peter", "Maria", "Carlos", "Jean", "Olga", "Ahmed", "Yuki", "Min-jun", "Lucas",
         "Sofia", "Mehmet", "Priya", "Tom", "Elena", "Hans", "Fatima", "Kenji", "Ivan", "Laura"]
LAST = ["Schneider", "Meyer", "Garcia", "Dubois", "Ivanova", "Hassan", "Tanaka", "Kim", "Silva",
        "Rossi", "Yilmaz", "Sharma", "Brown", "Popescu", "Keller", "Ali", "Sato", "Petrov", "Lopez"]
CUSTOMERS = [("Müller GmbH", "mueller-gmbh.de"), ("Iberia Metales S.L.", "iberiametales.es"),
             ("Atlantic Fasteners Ltd", "atlanticfasteners.co.uk"), ("Sao Paulo Tubos Ltda", "sptubos.com.br"),
             ("Lyon Inox SARL", "lyon-inox.fr"), ("Volga Stal OOO", "volgastal.ru"),
             ("Gulf Steel Trading LLC", "gulfsteel.ae"), ("Osaka Kogyo K.K.", "osaka-kogyo.co.jp"),
             ("Hanseong Metal Co.", "hanseongmetal.co.kr"), ("Midwest Supply Inc.", "midwestsupply.com")]
FREEMAIL = ["gmail.com", "outlook.com", "yahoo.com", "163.com", "qq.com", "hotmail.com"]
COLLEAGUES = [("Zhang Min", "zhang.min"), ("Wang Fang", "wang.fang"), ("Li Wei", "li.wei"),
              ("Chen Jie", "chen.jie"), ("Liu Yang", "liu.yang"), ("Zhao Lei", "zhao.lei")]
PRODUCTS = ["304 stainless steel sheet", "galvanised steel coil", "hex bolts M12", "seamless pipe 2\"",
            "aluminium profile 6063", "copper tube 15 mm", "PPGI coil RAL 9002", "steel wire rod"]
NEWS = ["new tariffs on steel imports", "freight rates update for Asia-Europe", "the new Incoterms guide",
        "port congestion in Rotterdam", "nickel price outlook", "changes to customs declarations"]

DISCLAIMER = ("This e-mail and any attachments are confidential and may be privileged. If you are not "
              "the intended recipient, please notify the sender and delete it.")


def person():
    return f"{R.choice(FIRST)} {R.choice(LAST)}"


def addr(name, domain):
    return f"{name.split()[0].lower()}.{name.split()[-1].lower()}@{domain}".replace("ü", "ue")


def num(a, b):
    return R.randint(a, b)


def date():
    return f"Mon, {num(1, 28)} Nov 2026 {num(8, 18):02d}:{num(0, 59):02d}:00 +0000"


def enc_header(s):
    if all(ord(c) < 128 for c in s):
        return s
    return "=?UTF-8?B?" + base64.b64encode(s.encode()).decode() + "?="


def message(frm, to, subject, body, html=False, attachments=(), cc=None, extra="", internal=False,
            list_mail=False, reply_to=None):
    hops = ("Received: from mail.acme-trade.com (10.20.0.5) by mx.acme-trade.com; " + date()
            if internal else
            f"Received: from mail.{frm[1].split('@')[1]} (203.0.113.{num(2, 250)}) by mx.acme-trade.com; " + date())
    headers = [hops, f"From: {enc_header(frm[0])} <{frm[1]}>", f"To: {to}", f"Subject: {enc_header(subject)}",
               f"Date: {date()}", f"Message-ID: <{num(10**8, 10**9)}@{frm[1].split('@')[1]}>", "MIME-Version: 1.0"]
    if cc:
        headers.append(f"Cc: {cc}")
    if reply_to:
        headers.append(f"Reply-To: {reply_to}")
    if list_mail:
        headers += [f"List-Id: <news.{frm[1].split('@')[1]}>",
                    f"List-Unsubscribe: <https://{frm[1].split('@')[1]}/unsubscribe?u={num(1000, 9999)}>"]
    if extra:
        headers.append(extra)
    if html:
        paras = "".join(f"<p>{p}</p>\r\n" for p in body.split("\n\n"))
        text_part = ("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                     + wrap(base64.b64encode(f"<html><body>{paras}</body></html>".encode()).decode()))
    else:
        text_part = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                     + wrap(base64.b64encode(body.replace("\n", "\r\n").encode()).decode()))
    if not attachments:
        return "\r\n".join(headers) + "\r\n" + text_part + "\r\n"
    parts = ["--b1\r\n" + text_part]
    for name, data in attachments:
        parts.append(f"--b1\r\nContent-Type: application/pdf; name=\"{name}\"\r\n"
                     f"Content-Disposition: attachment; filename=\"{name}\"\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n" + wrap(base64.b64encode(data).decode()))
    return ("\r\n".join(headers) + "\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "\r\n".join(parts) + "\r\n--b1--\r\n")


def wrap(s):
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\r\n"


PDF = b"%PDF-1.4\n1 0 obj <</Type/Catalog>> endobj\ntrailer <<>>\n%%EOF\n"


def sign(name, company):
    return f"\n\nBest regards,\n{name}\n{company}\nTel +{num(1, 90)} {num(100, 999)} {num(1000000, 9999999)}\n\n{DISCLAIMER}"


def quotation_request():
    c, d = R.choice(CUSTOMERS)
    n = person()
    p = R.choice(PRODUCTS)
    lang = R.choice(["en", "es", "de", "fr", "pt", "ru", "ar", "ja", "ko", "zh"])
    q = num(5, 500)
    bodies = {
        "en": f"Dear Sir or Madam,\n\nWe are interested in {q} tons of {p}. Please send us your best price CIF Hamburg, "
              f"delivery time and payment terms.\n\nThank you in advance.",
        "es": f"Estimados señores:\n\nEstamos interesados en {q} toneladas de {p}. Por favor envíen su mejor precio CIF "
              f"Valencia, plazo de entrega y condiciones de pago.\n\nGracias.",
        "de": f"Sehr geehrte Damen und Herren,\n\nwir benötigen {q} Tonnen {p}. Bitte senden Sie uns Ihr Angebot mit "
              f"Lieferzeit und Zahlungsbedingungen.\n\nVielen Dank.",
        "fr": f"Madame, Monsieur,\n\nNous souhaitons recevoir un devis pour {q} tonnes de {p}, avec le délai de "
              f"livraison et les conditions de paiement.\n\nCordialement.",
        "pt": f"Prezados,\n\nTemos interesse em {q} toneladas de {p}. Favor enviar cotação, prazo de entrega e "
              f"condições de pagamento.\n\nObrigado.",
        "ru": f"Добрый день!\n\nПросим направить коммерческое предложение на {q} тонн: {p}. Укажите сроки поставки "
              f"и условия оплаты.\n\nС уважением.",
        "ar": f"السادة المحترمون،\n\nنرجو تزويدنا بعرض سعر لكمية {q} طن من {p} مع مدة التسليم وشروط الدفع.\n\nشكرا لكم.",
        "ja": f"ご担当者様\n\n{p}を{q}トン購入したく、お見積りをお願いいたします。納期とお支払い条件もご教示ください。\n\nよろしくお願いいたします。",
        "ko": f"담당자님께\n\n{p} {q}톤에 대한 견적서를 보내 주시기 바랍니다. 납기와 결제 조건도 알려 주세요.\n\n감사합니다.",
        "zh": f"您好！\n\n我司需要{p} {q}吨，请报最优价格，并告知交货期和付款方式。\n\n谢谢！",
    }
    subject = {"en": f"RFQ: {p}", "es": f"Solicitud de cotización: {p}", "de": f"Anfrage: {p}",
               "fr": f"Demande de devis : {p}", "pt": f"Cotação: {p}", "ru": f"Запрос КП: {p}",
               "ar": f"طلب عرض سعر: {p}", "ja": f"お見積り依頼：{p}", "ko": f"견적 요청: {p}", "zh": f"询价：{p}"}[lang]
    frm = (n, addr(n, d)) if R.random() < 0.8 else (n, f"{n.split()[0].lower()}{num(1, 99)}@{R.choice(FREEMAIL)}")
    return message(frm, "sales@acme-trade.com", subject, bodies[lang] + sign(n, c), html=R.random() < 0.5)


def vendor_invoice():
    n = R.choice(["Chen Hui", "Sun Li", "Accounts"])
    inv = f"NS-{num(1000, 9999)}"
    amount = num(5000, 90000)
    body = R.choice([
        f"Dear Wang Fang,\n\nPlease find attached invoice {inv} for USD {amount:,}. Payment is due within 30 days to our "
        f"account on record:\nIBAN DE89 3704 0044 0532 0130 00\nSWIFT COBADEFFXXX\nBeneficiary: Ningbo Steel Co., Ltd.\n\nThank you.",
        f"王芳您好：\n\n附件是发票 {inv}，金额 USD {amount:,}。请按合同付款至我司账户 IBAN DE89 3704 0044 0532 0130 00。\n\n谢谢！",
        f"Dear Sirs,\n\nInvoice {inv} is attached. Kindly arrange payment as usual.\n\nRegards",
    ])
    return message((f"{n} | Ningbo Steel", "accounts@nbsteel.cn"), "wang.fang@acme-trade.com",
                   f"Invoice {inv}", body, attachments=[(f"Invoice_{inv}.pdf", PDF)])


def payment_reminder():
    c, d = R.choice(CUSTOMERS)
    n = "Zhang Min"
    inv = f"AT-{num(10000, 99999)}"
    body = R.choice([
        f"Dear {R.choice(FIRST)},\n\nThis is a friendly reminder that invoice {inv} is overdue. Please arrange the payment "
        f"as soon as possible to the account stated on the invoice.",
        f"Dear customer,\n\nAccording to our records the balance payment for order {inv} is still outstanding. Kindly "
        f"settle the invoice at your earliest convenience.",
        f"您好，\n\n订单 {inv} 的尾款尚未收到，请尽快安排付款，谢谢。",
    ])
    return message((n, "zhang.min@acme-trade.com"), addr(person(), d), f"Payment reminder {inv}",
                   body + sign(n, "Acme Trade Co., Ltd."), internal=True)


def remittance_advice():
    c, d = R.choice(CUSTOMERS)
    n = person()
    body = R.choice([
        f"Dear Zhang Min,\n\nWe have transferred USD {num(10000, 80000):,} to your account today for PI-{num(2026001, 2026999)}. "
        f"Please find the bank slip attached.",
        f"Hello,\n\nPayment for the deposit was released this morning. The remittance copy is attached for your reference.",
        f"您好，\n\n定金已于今天汇出，请查收水单。",
    ])
    return message((n, addr(n, d)), "zhang.min@acme-trade.com", "Remittance advice", body + sign(n, c),
                   attachments=[("remittance.pdf", PDF)])


def shipping_notice():
    carrier, dom = R.choice([("Maersk", "maersk.com"), ("COSCO Shipping", "coscoshipping.com"),
                             ("DHL Global Forwarding", "dhl.com"), ("Ningbo Forwarding", "nbforwarding.cn")])
    bl = f"{R.choice(['MAEU', 'COSU', 'DHLG'])}{num(100000000, 999999999)}"
    body = R.choice([
        f"Dear customer,\n\nYour shipment under B/L {bl} has been loaded on board. ETD {num(1, 28)} Nov, ETA Hamburg "
        f"{num(1, 28)} Dec. Track it at https://www.{dom}/tracking?bl={bl}",
        f"您好！\n\n您的货物已于今天装船，提单号 {bl}，预计下月到港。请提前安排清关。",
        f"Dear Zhang Min,\n\nPlease check the draft B/L {bl} and confirm the shipper and consignee details before "
        f"tomorrow noon, so that we can release the original bill of lading.",
    ])
    return message((carrier, f"noreply@{dom}"), "zhang.min@acme-trade.com", f"Shipment notice {bl}", body,
                   html=R.random() < 0.5)


def bank_mail():
    bank, dom = R.choice([("HSBC", "hsbc.com.hk"), ("Bank of China", "bankofchina.com"),
                          ("Commerzbank", "commerzbank.de"), ("Citi", "citi.com")])
    body = R.choice([
        f"Dear customer,\n\nYour monthly statement is ready. Log on to {bank} online banking to view it. We will never "
        f"ask for your password by e-mail.",
        f"Discover the new {bank} mobile app: check balances, pay bills and move money in seconds. "
        f"Download it today at https://www.{dom}/app",
        f"Dear client,\n\nFrom 1 January our new cut-off time for same-day payments is 15:00. Find the updated "
        f"schedule at https://www.{dom}/cutoff",
        f"尊敬的客户：\n\n您的对账单已生成，请登录网上银行查看。",
    ])
    return message((bank, f"notifications@{dom}"), "wang.fang@acme-trade.com",
                   R.choice(["Your statement is ready", "Introducing our new app", "Service update"]), body,
                   html=True, list_mail=R.random() < 0.5)


def newsletter():
    src, dom = R.choice([("Steel Trade Weekly", "steeltradeweekly.com"), ("Freight News", "freightnews.io"),
                         ("Global Sourcing Digest", "sourcingdigest.net")])
    items = R.sample(NEWS, 3)
    body = "This week:\n\n" + "\n\n".join(
        f"{t.capitalize()} - read more at https://{dom}/a/{num(1000, 9999)}?utm_source=newsletter" for t in items)
    body += f"\n\nUpdate your preferences or unsubscribe: https://{dom}/prefs"
    return message((src, f"news@{dom}"), "zhang.min@acme-trade.com", f"{src}: {items[0]}", body, html=True,
                   list_mail=True)


def internal():
    n, local = R.choice(COLLEAGUES)
    body = R.choice([
        "Hi,\n\nThe payment run for today is approved as discussed in this morning's meeting. Please use the accounts "
        "on record in the ERP.",
        "Hi all,\n\nPlease find the minutes of today's sales meeting attached. Next meeting Thursday 10:00.",
        "各位好：\n\n本周五下午三点开销售例会，请准时参加。",
        "Hi,\n\nReminder: expense reports for November are due by Friday. Please update your details in the HR "
        "system if you moved house.",
        "Dear colleagues,\n\nIT notice: the new password policy starts next month. The system will ask you to choose "
        "a new password when you next log in.",
        "Hi,\n\nThe new price list for Q1 is attached. Please keep it internal until we send it to customers.",
    ])
    to = R.choice(COLLEAGUES)
    return message((n, f"{local}@acme-trade.com"), f"{to[1]}@acme-trade.com",
                   R.choice(["Payment run", "Meeting", "Reminder", "IT notice", "Price list"]), body,
                   internal=True, attachments=[("minutes.pdf", PDF)] if R.random() < 0.3 else ())


def out_of_office():
    c, d = R.choice(CUSTOMERS)
    n = person()
    body = R.choice([
        f"Thank you for your message. I am travelling until {num(1, 28)} December with limited access to e-mail. "
        f"For urgent matters please contact sales@{d}.",
        f"Ich bin bis zum {num(1, 28)}.12. nicht im Büro. In dringenden Fällen wenden Sie sich bitte an info@{d}.",
    ])
    return message((n, addr(n, d)), "zhang.min@acme-trade.com", "Automatic reply: Order", body,
                   extra="Auto-Submitted: auto-replied")


def contract():
    c, d = R.choice(CUSTOMERS)
    n = person()
    body = (f"Dear Zhang Min,\n\nPlease find attached the draft sales contract for the {R.choice(PRODUCTS)} order. "
            f"Please keep it confidential until both sides have signed. Payment terms: 30% deposit, balance against "
            f"copy of B/L.")
    return message((n, addr(n, d)), "zhang.min@acme-trade.com", "Draft contract", body + sign(n, c),
                   attachments=[("Sales_Contract_draft.pdf", PDF)])


def reply_thread():
    c, d = R.choice(CUSTOMERS)
    n = person()
    body = (f"Dear Zhang Min,\n\nThanks, the PI is confirmed. We will pay the deposit next week.\n\n"
            f"From: Zhang Min <zhang.min@acme-trade.com>\nSent: Monday, {num(1, 28)} November 2026 10:00\n"
            f"To: {n} <{addr(n, d)}>\nSubject: PI-{num(2026001, 2026999)}\n\n"
            f"Dear {n.split()[0]},\n\nPlease find the proforma invoice attached. Our bank details are on the PI "
            f"as in our previous orders: Bank of China Ningbo Branch, account 3587 1234 5678 9012.\n\nBest regards\nZhang Min")
    return message((n, addr(n, d)), "zhang.min@acme-trade.com", "RE: PI", body + sign(n, c))


def calendar():
    n, local = R.choice(COLLEAGUES)
    body = f"{n} has invited you to: Weekly sales review\nWhen: Thursday 10:00-11:00\nJoin: https://meet.google.com/abc-defg-hij"
    return message(("Google Calendar", "calendar-notification@google.com"), "zhang.min@acme-trade.com",
                   f"Invitation: Weekly sales review @ Thursday 10:00 ({local}@acme-trade.com)", body)


def saas():
    svc, dom = R.choice([("LinkedIn", "linkedin.com"), ("Dropbox", "dropbox.com"), ("Zoom", "zoom.us"),
                         ("Alibaba.com", "alibaba.com")])
    body = R.choice([
        f"Hi Zhang,\n\nYou have 3 new messages and 12 profile views this week. See them at https://www.{dom}/inbox",
        f"Your receipt from {svc}: USD {num(10, 200)}.00 paid by card ending {num(1000, 9999)}. Thank you!",
        f"A new sign-in to your {svc} account from Chrome on Windows. If this was you, no action is needed.",
        f"You have a new inquiry on {svc}: a buyer from {R.choice(['Brazil', 'Spain', 'India'])} asks about "
        f"{R.choice(PRODUCTS)}. Reply at https://{dom}/msg/{num(1000, 9999)}",
    ])
    return message((svc, f"no-reply@{dom}"), "zhang.min@acme-trade.com", f"{svc} notification", body, html=True,
                   list_mail=R.random() < 0.5)


KINDS = [quotation_request] * 4 + [vendor_invoice] * 2 + [payment_reminder, remittance_advice, shipping_notice,
         bank_mail, newsletter, newsletter, internal, internal, out_of_office, contract, reply_thread,
         calendar, saas, saas]


def main():
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    out.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        kind = R.choice(KINDS)
        (out / f"{i:05d}-{kind.__name__}.eml").write_text(kind(), encoding="utf-8", newline="")


if __name__ == "__main__":
    main()
