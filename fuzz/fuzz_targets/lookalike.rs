//! Lookalike checks on arbitrary text, against a fixed protected set and against protected
//! sets made of the input itself: never a panic, and every match names a protected domain.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mailrisk::{Engine, Policy};

fn fixed() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut p = Policy::default();
        p.organisation.domains = vec!["acme-trade.com".into(), "acme-trade.cn".into()];
        p.lists.protected_domains = vec!["müller.de".into(), "internationalfreight.com".into()];
        Engine::new(p).expect("valid policy")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or_default();
    if let Ok(Some(m)) = fixed().check_domain(first) {
        assert!(!m.protected.is_empty());
    }
    // The remaining lines: up to 16 protected domains, then candidates.
    let rest: Vec<&str> = lines.collect();
    let (protect, candidates) = rest.split_at(rest.len().min(16));
    let mut p = Policy::default();
    p.lists.builtin_brands.clear();
    p.lists.protected_domains = protect.iter().map(|s| s.to_string()).collect();
    if let Ok(engine) = Engine::new(p) {
        for c in candidates.iter().chain(std::iter::once(&first)) {
            if let Ok(Some(m)) = engine.check_domain(c) {
                assert!(!m.protected.is_empty());
            }
        }
    }
});
