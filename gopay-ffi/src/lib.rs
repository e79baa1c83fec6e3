//! The C ABI of the [`gopay`] client: clients created from JSON, operations called by name
//! with JSON.
//!
//! Five functions, declared in `include/gopay.h`:
//!
//! | C function | What it does |
//! |---|---|
//! | [`gopay_client_new`] | builds a client from a JSON configuration |
//! | [`gopay_call`] | runs one operation, arguments and answer as JSON |
//! | [`gopay_client_free`] | frees a client |
//! | [`gopay_string_free`] | frees every string this library returned |
//! | [`gopay_version`] | the library's version, a static string |
//!
//! Build the shared and the static library with `cargo build --release -p gopay-ffi`: they
//! land in `target/release/` as `libgopay_ffi.so` (`.dylib`, `gopay_ffi.dll`) and
//! `libgopay_ffi.a`. On Linux the shared library's SONAME is `libgopay_ffi.so.<major>`
//! (`@rpath/libgopay_ffi.<major>.dylib` on macOS); `install.sh` installs both libraries, the
//! header and a pkg-config file.
//!
//! # Configuration
//!
//! `config_json` is an object with the keys `goid` (number), `client_id`, `client_secret`,
//! `gateway_url` (strings), and optionally `scope` (`"payment-all"`, the default, or
//! `"payment-create"`), `language` (`"CS"`, `"EN"`, …; default `"EN"`) and `timeout_ms`
//! (the bound on every call; default 30000). Unknown and repeated keys are refused, so a
//! typo cannot silently fall back to a default.
//!
//! # Operations
//!
//! The operation names are the [`Client`] method names, and the arguments
//! are passed by parameter name:
//!
//! | Operation | Arguments | Answer |
//! |---|---|---|
//! | `create_payment` | `{"payment": PaymentRequest}` | `Payment` |
//! | `get_status` | `{"id": 3000006529}` | `Payment` |
//! | `refund_payment` | `{"id": …, "amount": 500}` | `PaymentResult` |
//! | `refund_payment_with_items` | `{"id": …, "refund": RefundRequest}` | `PaymentResult` |
//! | `get_history_of_refunds` | `{"id": …}` | array of `Refund` |
//! | `create_recurrence` | `{"id": …, "next": RecurrenceRequest}` | `Payment` |
//! | `void_recurrence` | `{"id": …}` | `PaymentResult` |
//! | `capture_authorization` | `{"id": …}` | `PaymentResult` |
//! | `capture_authorization_partial` | `{"id": …, "capture": CaptureRequest}` | `PaymentResult` |
//! | `void_authorization` | `{"id": …}` | `PaymentResult` |
//! | `get_qr_payment` | `{"id": …, "format": "svg"}` (`format` optional) | `QrPayment` |
//! | `get_card_details` | `{"card_id": …}` | `Card` |
//! | `delete_card` | `{"card_id": …}` | `{}` |
//! | `get_payment_instruments` | `{"currency": "CZK"}` | `PaymentInstruments` |
//! | `get_payment_instruments_all` | `{}` | `PaymentInstruments` |
//! | `get_account_statement` | `{"request": AccountStatementRequest}` | `{"base64": "…"}` |
//! | `embed_js_url` | `{}` | `{"url": "…"}` |
//! | `handle_notification` | `{"query": "id=3000006529"}` | `Payment` |
//! | `get_eet_receipt_by_payment_id` (deprecated: EET was abolished in 2023; feature `eet`) | `{"id": …}` | array of `EetReceipt` |
//! | `find_eet_receipts_by_filter` (deprecated; feature `eet`) | `{"filter": EetReceiptFilter}` | array of `EetReceipt` |
//!
//! The models are the crate's serde models with GoPay's wire field names. Unknown argument
//! names are refused.
//!
//! # Errors
//!
//! Every failure is an object with the single key `error`:
//!
//! ```json
//! {"error": {"kind": "api", "message": "GoPay refused the request (HTTP 409): …",
//!            "status": 409, "errors": [{"error_code": 303, "error_name": "PAYMENT_WRONG_STATE"}]}}
//! ```
//!
//! `status` is `null` unless GoPay answered, `errors` is GoPay's `errors[]` (often empty),
//! and `kind` is one of `api`, `auth`, `transport`, `timeout`, `decode`, `invalid_input`
//! (then a `field` key names the argument), `config`, or `ffi` (a NULL pointer, a string
//! that is not UTF-8, JSON that does not parse or is not an object, an unknown operation, or
//! a panic caught at the boundary). Messages are one line, hold no control characters and
//! no bidirectional overrides, and never contain the client secret or an access token, in
//! any encoding, even when the gateway quoted them back in an answer. A configuration error
//! never quotes a value or the name of an unknown key (a secret pasted into the wrong field
//! or in place of a key stays out of logs): an unknown key is named by its position and
//! length, a refused gateway URL is shown as its scheme and host at most, and a duplicated
//! key is refused.
//!
//! Every string returned is JSON in which the characters a terminal or log viewer acts on
//! and JSON leaves raw (DEL, C1 controls, bidirectional controls) are `\uXXXX` escapes: the
//! same value once decoded, safe to print as it is.
//!
//! # Ownership and threads
//!
//! Every `char *` this library returns is owned by the caller and freed with
//! [`gopay_string_free`]; the `const char *` of [`gopay_version`] is static and never freed;
//! input strings stay owned by the caller and are not kept. A
//! [`GopayClient`] may be used from many threads at once (it shares one token and one
//! connection pool); free it once, after every call on it has returned. No panic crosses
//! the boundary.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

mod config;
mod dispatch;
mod failure;

use std::ffi::{c_char, CStr, CString};
use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use self::failure::Failure;
use gopay::Client;

/// A GoPay client behind an opaque pointer, made by [`gopay_client_new`] and freed by
/// [`gopay_client_free`].
///
/// It is `Send + Sync`: one handle may serve any number of threads at once.
pub struct GopayClient {
    client: Client,
}

// The header promises that one handle serves many threads.
const _: fn() = || {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<GopayClient>();
};

/// Creates a client from the JSON configuration `config_json`.
///
/// Returns a handle to free with [`gopay_client_free`]. On failure returns NULL and, when
/// `error` is not NULL, stores in `*error` an error JSON (`{"error": {"kind": "config", …}}`)
/// that the caller frees with [`gopay_string_free`]; on success `*error` is set to NULL.
/// Never touches the network: the first call fetches the first token.
///
/// # Safety
///
/// `config_json` must be NULL or point to a NUL-terminated string that stays valid during
/// the call; `error` must be NULL or point to writable storage for one `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gopay_client_new(
    config_json: *const c_char,
    error: *mut *mut c_char,
) -> *mut GopayClient {
    let result = guard(|| {
        // SAFETY: the caller guarantees that a non-NULL `config_json` is NUL-terminated
        // and valid for the duration of this call.
        let json = unsafe { input(config_json, "config_json") }?;
        config::client_from_json(json)
    });
    let (handle, message) = match result {
        Ok(client) => (
            Box::into_raw(Box::new(GopayClient { client })),
            ptr::null_mut(),
        ),
        Err(failure) => (ptr::null_mut(), into_c_string(failure.to_json())),
    };
    if error.is_null() {
        // Nobody will read or free the message.
        // SAFETY: `message` is NULL or was made by `into_c_string` just above.
        unsafe { free_string(message) };
    } else {
        // SAFETY: the caller guarantees that a non-NULL `error` points to writable storage
        // for one pointer.
        unsafe { error.write(message) };
    }
    handle
}

/// Frees a client made by [`gopay_client_new`]; NULL is ignored.
///
/// # Safety
///
/// `client` must be NULL or a handle from [`gopay_client_new`] that has not been freed,
/// and no other thread may be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gopay_client_free(client: *mut GopayClient) {
    if client.is_null() {
        return;
    }
    // SAFETY: the caller passes a handle made by `Box::into_raw` in `gopay_client_new`,
    // freed only here and only once, that no other thread still uses.
    let client = unsafe { Box::from_raw(client) };
    // Dropping closes connections; a panic there must not unwind into C.
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(client)));
}

/// Runs the operation `operation` (a [`Client`] method name) with the
/// arguments `request_json` (a JSON object, `{}` when there are none).
///
/// Returns the operation's answer as JSON, or an error object `{"error": {…}}`; never NULL.
/// The caller frees the string with [`gopay_string_free`]. Blocks until the answer arrives
/// or the client's timeout passes. Safe to call from many threads with the same client.
///
/// # Safety
///
/// `client` must be NULL or a live handle from [`gopay_client_new`]; `operation` and
/// `request_json` must each be NULL or point to a NUL-terminated string that stays valid
/// during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gopay_call(
    client: *mut GopayClient,
    operation: *const c_char,
    request_json: *const c_char,
) -> *mut c_char {
    let result = guard(|| {
        if client.is_null() {
            return Err(Failure::ffi("client is NULL"));
        }
        // SAFETY: a non-NULL `client` is a live handle from `gopay_client_new` (the
        // caller's promise); only shared access is taken, and `Client` is `Sync`.
        let client = unsafe { &(*client).client };
        // SAFETY: the caller guarantees that non-NULL strings are NUL-terminated and valid
        // for the duration of this call.
        let operation = unsafe { input(operation, "operation") }?;
        // SAFETY: as above.
        let request_json = unsafe { input(request_json, "request_json") }?;
        dispatch::call(client, operation, request_json)
    });
    into_c_string(match result {
        Ok(json) => json,
        Err(failure) => failure.to_json(),
    })
}

/// Frees a string returned by [`gopay_call`] or stored by [`gopay_client_new`] in its
/// `error` argument; NULL is ignored.
///
/// # Safety
///
/// `string` must be NULL or a string returned by this library that has not been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gopay_string_free(string: *mut c_char) {
    // SAFETY: the caller passes NULL or a string from this library, not freed before.
    unsafe { free_string(string) };
}

/// The crate version with a NUL byte, for [`gopay_version`].
const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => panic!("the crate version holds a NUL byte"),
    };

/// The version of this library, `"MAJOR.MINOR.PATCH"` (the crate version), as a static
/// NUL-terminated string.
///
/// The string lives as long as the library is loaded: the caller must not free it (not with
/// [`gopay_string_free`], not with `free`) nor write to it. It is the library's answer at
/// run time, which may differ from the `GOPAY_VERSION_*` macros of the header a program was
/// compiled with when a newer shared library was installed since.
#[unsafe(no_mangle)]
pub extern "C" fn gopay_version() -> *const c_char {
    VERSION.as_ptr()
}

/// Frees a string made by [`into_c_string`]; NULL is ignored.
///
/// # Safety
///
/// `string` must be NULL or come from [`into_c_string`], and not have been freed.
unsafe fn free_string(string: *mut c_char) {
    if !string.is_null() {
        // SAFETY: made by `CString::into_raw` in `into_c_string` and freed only now, by
        // this function's contract.
        drop(unsafe { CString::from_raw(string) });
    }
}

/// Reads an input string: NULL and bytes that are not UTF-8 are [`Failure`]s.
///
/// # Safety
///
/// `string` must be NULL or point to a NUL-terminated string valid for `'a`.
unsafe fn input<'a>(string: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if string.is_null() {
        return Err(Failure::ffi(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL, NUL-terminated and valid for 'a by this function's contract.
    let bytes = unsafe { CStr::from_ptr(string) };
    bytes.to_str().map_err(|e| {
        Failure::ffi(format!(
            "{name} is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// Runs `body`, turning a panic into an `ffi` [`Failure`] so that it never unwinds into C.
fn guard<T>(body: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Failure::panic(&detail))
    })
}

/// Hands a JSON string to C, with the characters serde_json leaves raw that a terminal or
/// log viewer acts on (DEL, C1 controls, bidirectional controls) written as `\uXXXX`
/// escapes: the same JSON value, safe to print as it is. serde_json escapes NUL, so the
/// fallback never shows in practice; it exists so that no input can make this fail.
fn into_c_string(json: String) -> *mut c_char {
    CString::new(escape_json(json))
        .unwrap_or_else(|_| {
            CString::from(
                c"{\"error\":{\"kind\":\"ffi\",\"message\":\"answer held a NUL byte\",\"status\":null,\"errors\":[]}}",
            )
        })
        .into_raw()
}

/// `json` with every unsafe character serde_json leaves raw as a `\uXXXX` escape
/// ([`gopay::text::escape_json`]): the same value, safe to print.
fn escape_json(json: String) -> String {
    match gopay::text::escape_json(&json) {
        std::borrow::Cow::Borrowed(_) => json,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

#[cfg(test)]
mod tests;
