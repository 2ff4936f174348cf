//! The engine: a policy compiled once into lookup structures, then shared by all threads to
//! score messages.

use std::sync::Arc;

use crate::compiled::Compiled;
use crate::context::MessageContext;
use crate::domain::lookalike::{InvalidDomain, Lookalike};
use crate::lexicon::PhraseMatch;
use crate::policy::{Policy, PolicyError};
use crate::verdict::{Findings, MessageSummary, Verdict};
use crate::{detect, message, rules};

/// A compiled policy. Build it once, share it (`Engine` is `Send + Sync`), and score messages
/// with [`Engine::score_message`].
///
/// ```
/// use mailrisk::{Engine, Level, MessageContext};
/// let engine = Engine::default();
/// let raw = b"From: Anna <anna@supplier.example>\r\n\
///             Reply-To: anna.supplier@gmail.com\r\n\
///             To: ap@acme-trade.com\r\n\
///             Subject: New bank details\r\n\r\nPlease update our account.\r\n";
/// let verdict = engine.score_message(raw, &MessageContext::inbound());
/// assert!(verdict.has("sender.reply_to_mismatch"));
/// assert!(verdict.level() >= Level::Medium);
/// ```
#[derive(Debug)]
pub struct Engine {
    pub(crate) compiled: Arc<Compiled>,
    parser: message::Parser,
}

impl Default for Engine {
    /// The engine of the built-in default policy.
    fn default() -> Self {
        Self::compile(Policy::default())
    }
}

impl Engine {
    /// Validates and compiles `policy`.
    ///
    /// # Errors
    /// [`PolicyError::Invalid`] when the policy fails validation (a policy built in code rather
    /// than parsed has not been validated yet).
    pub fn new(policy: Policy) -> Result<Engine, PolicyError> {
        policy.validate()?;
        Ok(Self::compile(policy))
    }

    fn compile(policy: Policy) -> Engine {
        Engine {
            compiled: Arc::new(Compiled::new(policy)),
            parser: message::Parser::default(),
        }
    }

    /// The policy this engine was compiled from.
    pub fn policy(&self) -> &Policy {
        &self.compiled.policy
    }

    /// Scores one raw RFC 5322 message.
    ///
    /// Never panics and never fails: malformed or oversized input yields findings
    /// (`message.malformed_from`, `message.limit_exceeded`) and a verdict on what could be read.
    ///
    /// A panic boundary surrounds parsing and the detectors: should either ever fail on some
    /// input (a bug; or mail-parser's internal checks, which only debug builds run), the
    /// verdict keeps the findings made so far and adds `message.internal_error` naming the
    /// stage. (With `panic = "abort"` there is nothing to catch: the process ends.)
    pub fn score_message(&self, raw: &[u8], ctx: &MessageContext) -> Verdict {
        let c = &self.compiled;
        let mut findings = Findings::new(&c.settings);
        let view = guarded("parse", &mut findings, |_| {
            self.parser.parse(raw, &c.policy.limits)
        })
        .unwrap_or_default();
        // Verification reads the same bounded input as the parser.
        let bounded = raw.get(..c.policy.limits.max_message_bytes).unwrap_or(raw);
        guarded("detect", &mut findings, |findings| {
            detect::run(bounded, &view, c, ctx, findings);
        });
        let summary = MessageSummary {
            from: view
                .author()
                .and_then(|m| m.address.clone())
                .or_else(|| view.from.first().map(|f| f.raw.clone())),
            subject: view.subject.clone(),
            message_id: view.message_id.clone(),
        };
        Verdict::build(findings.finish(), &c.policy.scoring, Some(summary))
    }

    /// Checks whether `domain` (a host name, in Unicode or punycode) imitates one of the
    /// protected domains: the organisation's, partners', vendors', protected people's, those in
    /// `lists.protected_domains` and the enabled built-in brands.
    ///
    /// Protected domains, their subdomains and `allow.lookalike_domains` never match.
    ///
    /// # Errors
    /// [`InvalidDomain`] when `domain` is not a host name.
    ///
    /// ```
    /// use mailrisk::{Engine, Policy, Technique};
    /// let engine = Engine::new(Policy::from_toml_str(r#"
    ///     [organisation]
    ///     domains = ["acme-trade.com"]
    /// "#)?)?;
    /// let m = engine.check_domain("acrne-trade.com")?.expect("a lookalike");
    /// assert_eq!(m.protected, "acme-trade.com");
    /// assert_eq!(m.technique, Technique::Homoglyph);
    /// assert!(engine.check_domain("mail.acme-trade.com")?.is_none());
    /// assert_eq!(engine.check_domain("paypa1.com")?.map(|m| m.protected), Some("paypal.com".into()));
    /// assert!(engine.check_domain("not a domain").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_domain(&self, domain: &str) -> Result<Option<Lookalike>, InvalidDomain> {
        self.compiled.check_domain(domain)
    }

    /// The lexicon's phrases in `text` (built-in plus the policy's `[lexicon]`), in order, as
    /// the content rules see them: after normalisation, so obfuscated phrases are found and
    /// quoted as written. Useful to check what a policy's phrases match.
    ///
    /// ```
    /// use mailrisk::Engine;
    /// let engine = Engine::default();
    /// let found = engine.find_phrases("Our ba\u{200b}nk acc0unt has changed. Pay today before cut-off.");
    /// let change = found.iter().find(|m| m.category == "bank_change").expect("a change phrase");
    /// assert_eq!(change.text, "Our ba\u{200b}nk acc0unt has changed");
    /// assert_eq!((change.offset, change.sentence), (0, 0));
    /// let pay = found.iter().find(|m| m.category == "payment").expect("a payment word");
    /// assert_eq!((pay.text, pay.sentence), ("Pay", 1));
    /// ```
    pub fn find_phrases<'a>(&'a self, text: &'a str) -> Vec<PhraseMatch<'a>> {
        self.compiled.lexicon.find(text)
    }

    /// The features `content.bec_request` reads from a raw message, by name, with their
    /// values (1 for new text, 0.5 for text quoted from earlier mail, 0 when absent): what the
    /// fitting script (`benches/bec-corpus/fit-model`, through `mailrisk eval --features`) fits the
    /// rule's model on, and a way to see why a message scored as it did.
    ///
    /// ```
    /// use mailrisk::Engine;
    /// let engine = Engine::default();
    /// let raw = b"From: Tom <tom.ceo.office@gmail.com>\r\nSubject: quick\r\n\r\n\
    ///     Are you at your desk? I need you to process a wire today, I am in a meeting.\r\n";
    /// let f = engine.request_features(raw);
    /// let value = |name| f.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    /// assert_eq!(value("request_money"), Some(1.0));
    /// assert_eq!(value("availability"), Some(1.0));
    /// assert_eq!(value("done"), Some(0.0));
    /// ```
    pub fn request_features(&self, raw: &[u8]) -> Vec<(&'static str, f64)> {
        let c = &self.compiled;
        // Behind the same panic boundary as scoring; a message that cannot be read has no
        // features.
        let mut findings = Findings::new(&c.settings);
        guarded("parse", &mut findings, |_| {
            let view = self.parser.parse(raw, &c.policy.limits);
            detect::request_features(&view, c)
        })
        .unwrap_or_default()
    }
}

/// Runs one stage of scoring inside a panic boundary. A panic becomes the finding
/// `message.internal_error` (with the stage and the panic's message) and `None`; findings
/// added before it are kept (each `Findings::add` leaves the list whole).
fn guarded<T>(
    stage: &'static str,
    findings: &mut Findings<'_>,
    f: impl FnOnce(&mut Findings<'_>) -> T,
) -> Option<T> {
    // The engine is immutable and the findings list stays consistent between pushes, so
    // nothing observes a half-done state after an unwind.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *findings))) {
        Ok(v) => Some(v),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("panic");
            let detail: String = detail.chars().take(200).collect();
            findings.add(
                &rules::INTERNAL_ERROR,
                1.0,
                crate::verdict::Evidence::new()
                    .with("stage", stage)
                    .with("detail", detail),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_stage_becomes_a_finding_and_keeps_earlier_ones() {
        let engine = Engine::default();
        let mut findings = Findings::new(&engine.compiled.settings);
        let ok = guarded("parse", &mut findings, |_| 7);
        assert_eq!(ok, Some(7));
        let failed: Option<()> = guarded("detect", &mut findings, |f| {
            f.add(
                &rules::LIMIT_EXCEEDED,
                1.0,
                crate::verdict::Evidence::new()
                    .with("limit", "parts")
                    .with("actual", "9")
                    .with("max", "8"),
            );
            let text = "İ\u{212A}";
            let _ = &text[..1]; // the class of bug issue 10 was about
        });
        assert_eq!(failed, None);
        let (list, _) = findings.finish();
        let ids: Vec<&str> = list.iter().map(|f| f.id()).collect();
        assert_eq!(ids, ["message.limit_exceeded", "message.internal_error"]);
        let internal = &list[1];
        assert_eq!(internal.evidence().get("stage"), Some("detect"));
        assert!(internal
            .evidence()
            .get("detail")
            .is_some_and(|d| d.contains("char boundary")));
        assert!(internal.explain(crate::Lang::Zh).contains("运行检测"));
    }
}
