//! C ABI of mailrisk (`libmailrisk`).
//!
//! Design (after rustls-ffi): opaque handles, one result-code enum with fixed numbers, explicit
//! `_free` functions, and a panic boundary around every export so that a bug in mailrisk
//! becomes an error code instead of taking the host MTA down.
//!
//! Ownership: a `mailrisk_engine` is created by [`mailrisk_engine_new`] and released by
//! [`mailrisk_engine_free`]; strings returned through `char **` out-parameters belong to the
//! caller and are released with [`mailrisk_string_free`]. Thread safety: an engine may be used
//! from many threads at once.
#![deny(missing_docs)]
// C names: types are snake_case like the rest of the C API.
#![allow(non_camel_case_types)]

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use mailrisk::{Engine, MessageContext, Policy};

/// Result codes. The numbers are part of the ABI and never change.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mailrisk_result {
    /// Success.
    MAILRISK_OK = 0,
    /// A required pointer argument was NULL.
    MAILRISK_NULL_ARGUMENT = 1,
    /// The policy text is not valid (the error string says why).
    MAILRISK_INVALID_POLICY = 2,
    /// A text argument is not valid UTF-8.
    MAILRISK_INVALID_UTF8 = 3,
    /// mailrisk hit an internal error (a bug); the operation was abandoned safely.
    MAILRISK_INTERNAL_ERROR = 4,
}

use mailrisk_result::*;

/// A compiled policy, shared by all threads. Opaque.
pub struct mailrisk_engine {
    engine: Engine,
}

/// Runs `f`, turning a panic into `MAILRISK_INTERNAL_ERROR`.
fn boundary(f: impl FnOnce() -> mailrisk_result) -> mailrisk_result {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(MAILRISK_INTERNAL_ERROR)
}

/// Hands `s` to the caller through `out` (when `out` is not NULL). Interior NUL bytes, which
/// JSON and error text never contain, would be replaced rather than truncate silently.
///
/// # Safety
/// `out` is NULL or valid for one pointer write.
unsafe fn give_string(out: *mut *mut c_char, s: String) {
    if out.is_null() {
        return;
    }
    let c = CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default();
    // SAFETY: the caller guarantees `out` is valid for writes when not NULL (checked above).
    unsafe { *out = c.into_raw() };
}

/// Creates an engine from a TOML policy of `policy_len` bytes, or from the built-in default
/// policy when `policy_toml` is NULL.
///
/// On success writes the engine to `*engine_out`. On `MAILRISK_INVALID_POLICY` and
/// `MAILRISK_INVALID_UTF8`, writes a description to `*error_out` when `error_out` is not NULL
/// (free it with `mailrisk_string_free`).
///
/// # Safety
/// `policy_toml` is NULL or points to `policy_len` readable bytes; `engine_out` is valid for a
/// pointer write; `error_out` is NULL or valid for a pointer write.
#[no_mangle]
pub unsafe extern "C" fn mailrisk_engine_new(
    policy_toml: *const c_char,
    policy_len: usize,
    engine_out: *mut *mut mailrisk_engine,
    error_out: *mut *mut c_char,
) -> mailrisk_result {
    boundary(|| {
        if engine_out.is_null() {
            return MAILRISK_NULL_ARGUMENT;
        }
        let policy = if policy_toml.is_null() {
            Policy::default()
        } else {
            // SAFETY: the caller guarantees `policy_len` readable bytes at `policy_toml`.
            let bytes = unsafe { std::slice::from_raw_parts(policy_toml.cast::<u8>(), policy_len) };
            let Ok(text) = std::str::from_utf8(bytes) else {
                // SAFETY: `error_out` is NULL or writable, per the contract.
                unsafe { give_string(error_out, "policy is not valid UTF-8".into()) };
                return MAILRISK_INVALID_UTF8;
            };
            match Policy::from_toml_str(text) {
                Ok(p) => p,
                Err(e) => {
                    // SAFETY: as above.
                    unsafe { give_string(error_out, e.to_string()) };
                    return MAILRISK_INVALID_POLICY;
                }
            }
        };
        match Engine::new(policy) {
            Ok(engine) => {
                let handle = Box::into_raw(Box::new(mailrisk_engine { engine }));
                // SAFETY: `engine_out` was checked non-NULL and is writable per the contract.
                unsafe { *engine_out = handle };
                MAILRISK_OK
            }
            Err(e) => {
                // SAFETY: as above.
                unsafe { give_string(error_out, e.to_string()) };
                MAILRISK_INVALID_POLICY
            }
        }
    })
}

/// Releases an engine. NULL is ignored.
///
/// # Safety
/// `engine` is NULL or was returned by `mailrisk_engine_new` and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn mailrisk_engine_free(engine: *mut mailrisk_engine) {
    if engine.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `engine` came from Box::into_raw in mailrisk_engine_new and is freed once.
        drop(unsafe { Box::from_raw(engine) });
    }));
}

/// Scores one inbound raw RFC 5322 message of `len` bytes and writes the verdict JSON
/// (docs/verdict-schema.md) to `*json_out`; free it with `mailrisk_string_free`.
///
/// # Safety
/// `engine` is a live engine; `raw` points to `len` readable bytes (it may be NULL when `len`
/// is 0); `json_out` is valid for a pointer write.
#[no_mangle]
pub unsafe extern "C" fn mailrisk_score_message(
    engine: *const mailrisk_engine,
    raw: *const u8,
    len: usize,
    json_out: *mut *mut c_char,
) -> mailrisk_result {
    boundary(|| {
        if engine.is_null() || json_out.is_null() || (raw.is_null() && len > 0) {
            return MAILRISK_NULL_ARGUMENT;
        }
        // SAFETY: non-NULL and live per the contract.
        let engine = unsafe { &(*engine).engine };
        let bytes = if len == 0 {
            &[][..]
        } else {
            // SAFETY: the caller guarantees `len` readable bytes at `raw` (non-NULL, checked).
            unsafe { std::slice::from_raw_parts(raw, len) }
        };
        let verdict = engine.score_message(bytes, &MessageContext::inbound());
        match serde_json::to_string(&verdict) {
            Ok(json) => {
                // SAFETY: `json_out` was checked non-NULL.
                unsafe { give_string(json_out, json) };
                MAILRISK_OK
            }
            Err(_) => MAILRISK_INTERNAL_ERROR,
        }
    })
}

/// Releases a string returned by mailrisk. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string returned by a mailrisk function, not freed before.
#[no_mangle]
pub unsafe extern "C" fn mailrisk_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: `s` came from CString::into_raw in give_string and is freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// The library version, a static NUL-terminated string (do not free).
#[no_mangle]
pub extern "C" fn mailrisk_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr;

    #[test]
    fn scores_through_the_c_abi() {
        let mut engine = ptr::null_mut();
        let rc = unsafe { mailrisk_engine_new(ptr::null(), 0, &mut engine, ptr::null_mut()) };
        assert_eq!(rc, MAILRISK_OK);
        let raw = b"From: \"ceo@acme-trade.com\" <x@mailer.example>\r\nTo: a@acme-trade.com\r\n\r\nhi\r\n";
        let mut json = ptr::null_mut();
        let rc = unsafe { mailrisk_score_message(engine, raw.as_ptr(), raw.len(), &mut json) };
        assert_eq!(rc, MAILRISK_OK);
        let text = unsafe { CStr::from_ptr(json) }
            .to_str()
            .unwrap()
            .to_string();
        assert!(text.contains("identity.display_name_address"), "{text}");
        unsafe { mailrisk_string_free(json) };
        let rc = unsafe { mailrisk_score_message(engine, ptr::null(), 5, &mut json) };
        assert_eq!(rc, MAILRISK_NULL_ARGUMENT);
        unsafe { mailrisk_engine_free(engine) };
    }

    #[test]
    fn invalid_policy_is_reported() {
        let policy = b"[limits]\nmax_parts = 0\n";
        let mut engine = ptr::null_mut();
        let mut err = ptr::null_mut();
        let rc = unsafe {
            mailrisk_engine_new(policy.as_ptr().cast(), policy.len(), &mut engine, &mut err)
        };
        assert_eq!(rc, MAILRISK_INVALID_POLICY);
        assert!(engine.is_null());
        let text = unsafe { CStr::from_ptr(err) }.to_str().unwrap().to_string();
        assert!(text.contains("limits.max_parts"), "{text}");
        unsafe { mailrisk_string_free(err) };
    }

    #[test]
    fn header_is_current() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let config = cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).unwrap();
        let mut generated = Vec::new();
        cbindgen::Builder::new()
            .with_crate(dir)
            .with_config(config)
            .generate()
            .unwrap()
            .write(&mut generated);
        let path = format!("{dir}/include/mailrisk.h");
        if std::env::var_os("MAILRISK_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ffi/include/mailrisk.h is stale: run `MAILRISK_BLESS=1 cargo test -p mailrisk-ffi header_is_current`"
        );
    }
}
