//! `content.bec_request`: what the message asks the reader to do, read as a whole.
//!
//! Business-email compromise asks: pay this, buy these cards, change my salary account, send
//! me your number, send me the aging report; with pressure (urgency, secrecy, "I am in a
//! meeting") and often no link or attachment at all. Single phrases say little (genuine mail
//! talks about wires and invoices all day); what they say together does. [`features`] turns
//! the [`Reading`] into a fixed set of named features (a request next to money, payroll,
//! records or gift cards; availability checks; pressure; what is reported as done; pointers to
//! verification), and a logistic model whose weights are fitted offline on the development
//! corpus (`benches/bec-corpus`, script `benches/bec-corpus/fit-model`, numbers in
//! `core/data/request-model.toml`) turns them into a probability. The finding quotes the
//! phrases it read.

use std::sync::OnceLock;

use super::{Quote, Reading};
use crate::compiled::Compiled;
use crate::detect::banking;
use crate::lexicon::Category;
use crate::message::MessageView;
use crate::rules::BEC_REQUEST;
use crate::verdict::Findings;

/// The fitted model, part of the binary.
const MODEL: &str = include_str!("../../../data/request-model.toml");

/// Every feature, in a fixed order (the model file names them).
pub(crate) const FEATURES: &[&str] = &[
    "request",
    "request_money",
    "request_gift",
    "request_payroll",
    "request_records",
    "request_task",
    "phone",
    "bank_change",
    "availability",
    "money",
    "urgency",
    "urgent_money",
    "secrecy",
    "authority",
    "unavailable",
    "done",
    "caution",
    "document",
    "short",
    "long",
    "question",
    "quoted",
    "warning",
    "broadcast",
    "pressure",
    "ask_pressure",
    "amount",
    "bank_ids",
    "ask_amount",
    "ask_bank_ids",
    "contact",
];

/// A logistic model: `p = 1 / (1 + e^-(bias + Σ weight·feature))`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Model {
    pub(crate) bias: f64,
    /// Feature name → weight; a feature left out weighs 0.
    #[serde(default)]
    pub(crate) weights: std::collections::BTreeMap<String, f64>,
    /// The probability from which the rule reports (its strength is the probability).
    pub(crate) threshold: f64,
    /// The weights in [`FEATURES`] order, looked up once when the model is read.
    #[serde(skip)]
    aligned: Vec<f64>,
}

impl Model {
    /// The built-in model. The file is part of the binary and checked by a test; should it
    /// fail to parse anyway, the rule stays silent (threshold above 1).
    pub(crate) fn builtin() -> &'static Model {
        static BUILT: OnceLock<Model> = OnceLock::new();
        BUILT.get_or_init(|| {
            Model::parse(MODEL).unwrap_or(Model {
                threshold: 2.0,
                ..Model::default()
            })
        })
    }

    /// A model from the text of a model file.
    pub(crate) fn parse(text: &str) -> Result<Model, toml::de::Error> {
        let mut m: Model = toml::from_str(text)?;
        m.aligned = FEATURES
            .iter()
            .map(|f| m.weights.get(*f).copied().unwrap_or(0.0))
            .collect();
        Ok(m)
    }

    /// The probability the model gives `features` (in [`FEATURES`] order, as `read` makes
    /// them).
    pub(crate) fn probability(&self, features: &[(&'static str, f64)]) -> f64 {
        let z = self.bias
            + features
                .iter()
                .zip(&self.aligned)
                .map(|((_, x), w)| w * x)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// The quotes behind the features, for the evidence.
#[derive(Default)]
struct Read<'a> {
    /// The request and what it is about, the strongest pair found.
    ask: Option<(Quote<'a>, Option<Quote<'a>>)>,
    pressure: Vec<&'a str>,
}

/// New text scores 1, text quoted from earlier mail 0.5, absence 0.
fn value(q: Option<Quote<'_>>) -> f64 {
    q.map_or(0.0, |q| q.factor())
}

/// The features of a message, in [`FEATURES`] order, with the quotes behind them. Without
/// `scan_bank` the bank-identifier features are left at 0 (see [`set_bank`]).
fn read<'a>(reading: &Reading<'a>, scan_bank: bool) -> (Vec<(&'static str, f64)>, Read<'a>) {
    let mut r = Read::default();
    let near = |a: Category, b: Category| reading.near(a, b);
    let first = |c: Category| reading.first(c);
    // The request and its object, strongest kind first.
    let money = near(Category::Request, Category::Payment)
        .or_else(|| near(Category::Request, Category::BankDetails))
        .or_else(|| near(Category::Request, Category::BankChange));
    let gift = near(Category::GiftCard, Category::GiftRequest)
        .or_else(|| near(Category::Request, Category::GiftCard));
    let payroll = near(Category::Payroll, Category::Request)
        .or_else(|| near(Category::Payroll, Category::Change))
        .or_else(|| near(Category::Payroll, Category::BankDetails));
    let records = near(Category::Records, Category::Request);
    let task = near(Category::Task, Category::Request).or_else(|| {
        first(Category::Task).map(|q| (q, q)) // "I need a favour" is its own request
    });
    let request = first(Category::Request);
    let phone = first(Category::PhoneHarvest);
    let availability = first(Category::Availability);
    for pair in [money, gift, payroll, records, task] {
        if r.ask.is_none() {
            r.ask = pair.map(|(a, b)| (a, Some(b)));
        }
    }
    r.ask = r
        .ask
        .or_else(|| phone.map(|q| (q, None)))
        .or_else(|| availability.map(|q| (q, None)));
    let urgency = first(Category::Urgency);
    let secrecy = first(Category::Secrecy);
    let authority = first(Category::Authority);
    let unavailable = first(Category::Unavailable);
    for q in [urgency, secrecy, unavailable, authority]
        .into_iter()
        .flatten()
    {
        if !r.pressure.contains(&q.phrase) {
            r.pressure.push(q.phrase);
        }
    }
    let pressure_kinds = [urgency, secrecy, unavailable, authority]
        .iter()
        .filter(|q| q.is_some())
        .count() as f64;
    let asked = r.ask.as_ref().map_or(0.0, |(q, _)| q.factor());
    let new_text = reading.new_text();
    let amount = f64::from(u8::from(has_amount(new_text)));
    // Bank identifiers in the body (an account, IBAN, SWIFT code or beneficiary: the payee's,
    // or a signature's), read only when asked for: finding them scans the whole body.
    let bank_ids = f64::from(u8::from(scan_bank && !reading.bank().is_empty()));
    let chars = new_text.chars().filter(|c| !c.is_whitespace()).count();
    let pair = |p: Option<(Quote<'_>, Quote<'_>)>| p.map_or(0.0, |(a, _)| a.factor());
    let money_words = value(first(Category::Payment)).max(value(first(Category::BankDetails)));
    let features = vec![
        ("request", value(request)),
        ("request_money", pair(money)),
        ("request_gift", pair(gift)),
        ("request_payroll", pair(payroll)),
        ("request_records", pair(records)),
        ("request_task", pair(task)),
        ("phone", value(phone)),
        (
            "bank_change",
            reading
                .bank_change()
                .map_or(0.0, |(q, _, s)| s * q.factor()),
        ),
        ("availability", value(availability)),
        ("money", money_words),
        ("urgency", value(urgency)),
        (
            "urgent_money",
            pair(near(Category::Urgency, Category::Payment)),
        ),
        ("secrecy", value(secrecy)),
        ("authority", value(authority)),
        ("unavailable", value(unavailable)),
        ("done", value(first(Category::Done))),
        ("caution", value(first(Category::Caution))),
        (
            "document",
            value(first(Category::Document)).max(value(first(Category::Proforma))),
        ),
        ("short", f64::from(u8::from(chars <= 400))),
        ("long", f64::from(u8::from(chars > 2000))),
        (
            "question",
            f64::from(u8::from(new_text.contains(['?', '？']))),
        ),
        ("quoted", f64::from(u8::from(reading.has_quoted_text()))),
        ("warning", value(first(Category::Warning))),
        ("broadcast", value(first(Category::Broadcast))),
        // How many kinds of pressure (of four), and whether pressure meets something asked:
        // the combination, which no single phrase carries.
        ("pressure", pressure_kinds / 4.0),
        (
            "ask_pressure",
            asked * f64::from(u8::from(pressure_kinds > 0.0)),
        ),
        ("amount", amount),
        ("bank_ids", bank_ids),
        ("ask_amount", asked * amount),
        ("ask_bank_ids", asked * bank_ids),
        ("contact", value(first(Category::Contact))),
    ];
    debug_assert!(features.iter().map(|f| f.0).eq(FEATURES.iter().copied()));
    (features, r)
}

/// Currency marks that make a number next to them an amount of money. ASCII ones are matched
/// without regard to case.
const CURRENCY: &[&str] = &[
    "$", "€", "£", "¥", "￥", "₩", "₽", "usd", "eur", "gbp", "hkd", "sgd", "cad", "aud", "rmb",
    "cny", "chf", "jpy", "inr", "aed", "sar", "rub", "brl", "mxn", "krw", "twd", "euro", "dollars",
    "руб", "元", "万", "円", "원", "ريال", "درهم",
];

/// Whether `text` names an amount of money: a currency mark right before or after a number,
/// with at most two spaces between ("USD 41,500", "6 200 €", "30 万", "HK$263,400"). A mark
/// made of letters must be a word of its own ("10 rubber" is no amount).
pub(crate) fn has_amount(text: &str) -> bool {
    let b = text.as_bytes();
    let alpha = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphabetic);
    // A mark ending at `end` / starting at `start`, as a word of its own.
    let ends_at = |end: usize| {
        CURRENCY.iter().any(|c| {
            let c = c.as_bytes();
            end >= c.len()
                && b[end - c.len()..end].eq_ignore_ascii_case(c)
                && !(c[0].is_ascii_alphabetic() && end > c.len() && alpha(end - c.len() - 1))
        })
    };
    let starts_at = |start: usize| {
        CURRENCY.iter().any(|c| {
            let c = c.as_bytes();
            b.get(start..start + c.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(c))
                && !(c[c.len() - 1].is_ascii_alphabetic() && alpha(start + c.len()))
        })
    };
    let number = |b: u8| b.is_ascii_digit() || matches!(b, b',' | b'.');
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && number(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && number(b[i]) {
            i += 1;
        }
        // Thousands separated by single spaces ("6 200").
        while i + 1 < b.len() && b[i] == b' ' && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && number(b[i]) {
                i += 1;
            }
        }
        let gap_before = b[..start].iter().rev().take_while(|&&c| c == b' ').count();
        let gap_after = b[i..].iter().take_while(|&&c| c == b' ').count();
        if (gap_before <= 2 && ends_at(start - gap_before))
            || (gap_after <= 2 && starts_at(i + gap_after))
        {
            return true;
        }
    }
    false
}

/// The features of the message `reading` read, in [`FEATURES`] order.
pub(crate) fn features(reading: &Reading<'_>) -> Vec<(&'static str, f64)> {
    read(reading, true).0
}

/// Sets the bank-identifier features of `features` to `x`, their combination with the
/// request (`asked`: its strength) accordingly.
fn set_bank(features: &mut [(&'static str, f64)], x: f64, asked: f64) {
    for f in features.iter_mut() {
        match f.0 {
            "bank_ids" => f.1 = x,
            "ask_bank_ids" => f.1 = asked * x,
            _ => {}
        }
    }
}

/// Whether every account `reading` names (at least one) is one of the vendors' accounts on
/// record.
fn known_payee(reading: &Reading<'_>, compiled: &Compiled) -> bool {
    let known = banking::accounts_on_record(&compiled.policy.vendors);
    let mut accounts = reading
        .bank()
        .iter()
        .filter(|f| banking::is_account(f))
        .peekable();
    accounts.peek().is_some() && accounts.all(|f| banking::on_record(&known, f))
}

/// `content.bec_request`: reports the request when the model's probability reaches its
/// threshold, at that probability; half of it for mailing-list or bulk mail (`List-Id`,
/// `List-Unsubscribe`, `Precedence: list`), written to many, never the one-to-one request
/// BEC is.
///
/// A request to pay accounts that are all on the vendor registry is routine (the registry is
/// how a company says whom it pays), and is not reported.
pub(crate) fn check(
    reading: &Reading<'_>,
    view: &MessageView,
    compiled: &Compiled,
    out: &mut Findings<'_>,
) {
    let model = Model::builtin();
    // Most mail cannot reach the threshold whatever its bank identifiers: the better of the
    // two cases decides whether the body is scanned for them at all.
    let (mut features, r) = read(reading, false);
    let without = model.probability(&features);
    let asked = r.ask.as_ref().map_or(0.0, |(q, _)| q.factor());
    set_bank(&mut features, 1.0, asked);
    let with = model.probability(&features);
    if without.max(with) < model.threshold {
        return;
    }
    let p = if reading.bank().is_empty() {
        without
    } else {
        with
    };
    if p < model.threshold || known_payee(reading, compiled) {
        return;
    }
    let Some((ask, about)) = r.ask else {
        return; // nothing asked that can be quoted: pressure alone is not a request
    };
    let mut ev = ask.evidence().with(
        "about",
        about.filter(|a| a != &ask).map_or("-", |a| a.phrase),
    );
    ev = ev
        .with(
            "pressure",
            if r.pressure.is_empty() {
                "-".to_string()
            } else {
                r.pressure.join(", ")
            },
        )
        .with("probability", format!("{p:.2}"));
    let list = if view.list.is_list() { 0.5 } else { 1.0 };
    out.add(&BEC_REQUEST, p * list, ev);
}
