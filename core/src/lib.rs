//! # mailrisk
//!
//! Catches business-email compromise (BEC) and mailbox account takeover before money moves.
//! mailrisk scores raw RFC 5322 messages for impersonation and risky requests and explains
//! every finding in English and Chinese. It is a pure detection core: no network, no files, no
//! threads of its own.
//!
//! The flow is one way: `bytes → MessageView → detectors → findings → Verdict`. A [`Policy`]
//! (TOML or JSON, with a built-in default) is compiled once into an [`Engine`], which is
//! immutable and shared by all threads.
//!
//! ```
//! use mailrisk::{Engine, Lang, Level, MessageContext, Policy};
//!
//! let policy = Policy::from_toml_str(r#"
//!     [organisation]
//!     name = "Acme Trade Co."
//!     domains = ["acme-trade.com"]
//! "#)?;
//! let engine = Engine::new(policy)?;
//!
//! let raw = b"From: \"li.wei@acme-trade.com\" <li.wei.office@gmail.com>\r\n\
//!             To: finance@acme-trade.com\r\n\
//!             Subject: urgent transfer\r\n\r\nAre you at your desk?\r\n";
//! let ctx = MessageContext::inbound().recipients(["finance@acme-trade.com"]);
//! let verdict = engine.score_message(raw, &ctx);
//!
//! assert!(verdict.level() >= Level::High);
//! for f in verdict.findings() {
//!     println!("{} {:?}: {}", f.id(), f.severity(), f.explain(Lang::Zh));
//! }
//! let json = serde_json::to_string(&verdict)?;
//! assert!(json.contains("identity.display_name_address"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// No unsafe code anywhere in the core: the C ABI lives in the `mailrisk-ffi` crate.
#![forbid(unsafe_code)]
// Every public item is part of the documented API.
#![deny(missing_docs)]

pub mod audit;
mod auth;
mod banking;
mod compiled;
mod context;
mod detect;
mod domain;
mod engine;
pub mod events;
mod lexicon;
mod message;
mod names;
mod policy;
mod rules;
mod text;
mod verdict;
mod vocab;

#[cfg(feature = "verify")]
pub use auth::verify::{DnsFileError, DnsRecords};
pub use context::{Direction, MessageContext};
pub use domain::lookalike::{
    InvalidDomain, Lookalike, LookalikeDetail, ProtectedSource, Technique,
};
pub use engine::Engine;
pub use events::{Event, Monitor};
pub use lexicon::PhraseMatch;
pub use policy::{
    Actions, Allow, Auth, BankAccount, BrandCategory, EventMapping, Events, Limits, Lists,
    Organisation, Outbound, Partner, PartnerKind, Person, Policy, PolicyError, PolicyIssue, Role,
    RuleOverride, Scoring, Thresholds, Vendor, WorkHours,
};
pub use rules::{rule, rules, Family, Rule};
pub use verdict::{
    Action, EventSummary, Evidence, Finding, Lang, Level, MessageSummary, Severity, Verdict,
};

/// The README's Rust examples, compiled and run as doc tests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[cfg(test)]
mod testoibits {
    //! Auto traits of the public types: the engine and verdicts cross threads.
    use super::*;

    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        send_sync::<Engine>();
        send_sync::<Policy>();
        send_sync::<Verdict>();
        send_sync::<Finding>();
        send_sync::<MessageContext>();
        send_sync::<PolicyError>();
        send_sync::<Monitor>();
    }
}
