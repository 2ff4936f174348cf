//! The native module `mailrisk._mailrisk`. The Python package `mailrisk` wraps it; see
//! `python/mailrisk/__init__.py` for the public API and `_mailrisk.pyi` for its types.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;

create_exception!(
    _mailrisk,
    MailriskError,
    PyException,
    "Base class of mailrisk errors."
);
create_exception!(
    _mailrisk,
    PolicyError,
    MailriskError,
    "The policy is not valid."
);

/// Runs `f` inside a panic boundary: a panic in the library becomes `mailrisk.Error` (with
/// the panic's message), never pyo3's `PanicException` (a `BaseException` that ordinary
/// `except Exception` handlers miss) and never an abort of the interpreter.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Err(MailriskError::new_err(format!(
            "internal error in mailrisk: {detail}"
        )))
    })
}

/// A compiled policy. Immutable and safe to share between threads.
#[pyclass(frozen, module = "mailrisk._mailrisk")]
struct Engine {
    inner: mailrisk::Engine,
}

#[pymethods]
impl Engine {
    /// Compiles a policy given as TOML text (or JSON when `format="json"`); the built-in
    /// default policy when `policy` is None.
    #[new]
    #[pyo3(signature = (policy=None, format="toml"))]
    fn new(policy: Option<&str>, format: &str) -> PyResult<Self> {
        guarded(|| Self::compile(policy, format))
    }

    /// Scores raw message bytes and returns the verdict as JSON text. The GIL is released
    /// while scoring.
    #[pyo3(signature = (raw, direction="inbound", user=None))]
    fn score_json(
        &self,
        py: Python<'_>,
        raw: &[u8],
        direction: &str,
        user: Option<&str>,
    ) -> PyResult<String> {
        let ctx = match (direction, user) {
            ("inbound", _) => mailrisk::MessageContext::inbound(),
            ("internal", _) => mailrisk::MessageContext::internal(),
            ("outbound", Some(u)) => mailrisk::MessageContext::outbound(u),
            ("outbound", None) => {
                return Err(PyValueError::new_err("direction=\"outbound\" needs user="))
            }
            (other, _) => {
                return Err(PyValueError::new_err(format!(
                    "direction must be inbound, outbound or internal, not {other:?}"
                )))
            }
        };
        let engine = &self.inner;
        let verdict = py.detach(|| guarded(|| Ok(engine.score_message(raw, &ctx))))?;
        serde_json::to_string(&verdict).map_err(|e| MailriskError::new_err(e.to_string()))
    }

    /// Checks a domain against the protected domains: the match as JSON text, or None.
    /// Raises ValueError when `domain` is not a host name.
    fn check_domain_json(&self, domain: &str) -> PyResult<Option<String>> {
        let found = guarded(|| {
            self.inner
                .check_domain(domain)
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })?;
        found
            .map(|m| serde_json::to_string(&m))
            .transpose()
            .map_err(|e| MailriskError::new_err(e.to_string()))
    }

    /// The content lexicon's phrases in `text`, as JSON text (a list).
    fn find_phrases_json(&self, text: &str) -> PyResult<String> {
        guarded(|| {
            serde_json::to_string(&self.inner.find_phrases(text))
                .map_err(|e| MailriskError::new_err(e.to_string()))
        })
    }
}

impl Engine {
    fn compile(policy: Option<&str>, format: &str) -> PyResult<Self> {
        let policy = match (policy, format) {
            (None, _) => mailrisk::Policy::default(),
            (Some(text), "toml") => mailrisk::Policy::from_toml_str(text)
                .map_err(|e| PolicyError::new_err(e.to_string()))?,
            (Some(text), "json") => mailrisk::Policy::from_json_str(text)
                .map_err(|e| PolicyError::new_err(e.to_string()))?,
            (Some(_), other) => {
                return Err(PyValueError::new_err(format!(
                    "format must be \"toml\" or \"json\", not {other:?}"
                )))
            }
        };
        let inner =
            mailrisk::Engine::new(policy).map_err(|e| PolicyError::new_err(e.to_string()))?;
        Ok(Engine { inner })
    }
}

/// The rule catalogue as JSON text.
#[pyfunction]
fn rules_json() -> PyResult<String> {
    serde_json::to_string(mailrisk::rules()).map_err(|e| MailriskError::new_err(e.to_string()))
}

/// The default policy as commented TOML.
#[pyfunction]
fn default_policy_toml() -> &'static str {
    mailrisk::Policy::default_toml()
}

#[pymodule]
fn _mailrisk(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_function(wrap_pyfunction!(rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(default_policy_toml, m)?)?;
    m.add("MailriskError", m.py().get_type::<MailriskError>())?;
    m.add("PolicyError", m.py().get_type::<PolicyError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
