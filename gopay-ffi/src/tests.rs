//! Unit tests of the C ABI: the configuration reader, the dispatcher (pure `&str` functions)
//! and the `extern "C"` functions' handling of NULL and of bytes that are not UTF-8.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use serde_json::{json, Value};

use super::*;
use gopay::Error;

const SECRET: &str = "SeCrEt-ffi-7Hq2";

fn config_json(extra: Value) -> String {
    let mut config = json!({
        "goid": 8123456789_u64,
        "client_id": "1744960415",
        "client_secret": SECRET,
        // Nothing listens there; only tests that expect a transport error reach it.
        "gateway_url": "http://127.0.0.1:9",
    });
    if let (Some(config), Value::Object(extra)) = (config.as_object_mut(), extra) {
        config.extend(extra);
    }
    config.to_string()
}

fn offline_client() -> Client {
    config::client_from_json(&config_json(json!({"timeout_ms": 2000}))).expect("valid config")
}

/// The `error` object of an error JSON, or a panic naming what came instead.
fn error_of(json: &str) -> Value {
    let value: Value = serde_json::from_str(json).expect("answers are JSON");
    let object = value.as_object().expect("errors are objects");
    assert_eq!(object.len(), 1, "an error has only the `error` key: {json}");
    let error = object["error"].clone();
    for key in ["kind", "message", "status", "errors"] {
        assert!(error.get(key).is_some(), "missing {key}: {json}");
    }
    assert!(error["errors"].is_array(), "{json}");
    assert!(!json.contains(SECRET), "the secret leaked: {json}");
    error
}

fn dispatch_error(operation: &str, request: &str) -> Value {
    let failure =
        dispatch::call(&offline_client(), operation, request).expect_err("the call must fail");
    error_of(&failure.to_json())
}

// --- configuration ---------------------------------------------------------------------

#[test]
fn a_complete_configuration_builds_a_client() {
    let client = config::client_from_json(&config_json(json!({
        "scope": "payment-create", "language": "cs", "timeout_ms": 1500,
    })))
    .unwrap();
    assert_eq!(client.config().goid(), 8123456789);
    assert_eq!(client.language(), &gopay::Language::Cs);
    assert_eq!(client.api_base_url(), "http://127.0.0.1:9/api");
    assert!(client.token_cache_key().ends_with("-payment-create"));
    // `null` optional keys are the defaults.
    config::client_from_json(&config_json(
        json!({"scope": null, "language": null, "timeout_ms": null}),
    ))
    .unwrap();
}

#[test]
fn configuration_errors_name_the_key_and_never_the_secret() {
    let cases = [
        (
            config_json(json!({"timeout": 5})),
            "config",
            "unknown configuration key",
        ),
        (
            config_json(json!({"scope": "account-info"})),
            "config",
            "scope",
        ),
        (
            config_json(json!({"scope": "everything"})),
            "config",
            "scope",
        ),
        (config_json(json!({"language": "xx"})), "config", "language"),
        (
            config_json(json!({"timeout_ms": 0})),
            "config",
            "timeout_ms",
        ),
        (
            config_json(json!({"timeout_ms": -1})),
            "config",
            "timeout_ms",
        ),
        (
            config_json(json!({"timeout_ms": 86_400_001})),
            "config",
            "timeout",
        ),
        (config_json(json!({"goid": 0})), "config", "goid"),
        (config_json(json!({"goid": "8123456789"})), "config", "goid"),
        (
            config_json(json!({"client_id": 1744960415})),
            "config",
            "client_id",
        ),
        (
            config_json(json!({"client_secret": 12345})),
            "config",
            "client_secret",
        ),
        (
            config_json(json!({"client_secret": ""})),
            "config",
            "secret",
        ),
        (
            config_json(json!({"gateway_url": "ftp://gw"})),
            "config",
            "",
        ),
        (
            json!({"client_id": "1", "client_secret": SECRET, "gateway_url": "http://127.0.0.1:9"})
                .to_string(),
            "config",
            "goid is required",
        ),
        (
            json!({"goid": 1, "client_id": "1", "gateway_url": "http://127.0.0.1:9"}).to_string(),
            "config",
            "client_secret is required",
        ),
        (
            format!("{{\"client_secret\": \"{SECRET}\""),
            "ffi",
            "not valid JSON",
        ),
        (format!("[\"{SECRET}\"]"), "ffi", "object"),
    ];
    for (json, kind, needle) in cases {
        let failure = config::client_from_json(&json).expect_err(&json);
        let error = error_of(&failure.to_json());
        assert_eq!(error["kind"], kind, "{json}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(needle), "{json}: {message}");
        assert!(!message.contains(SECRET), "{message}");
    }
}

// --- dispatcher --------------------------------------------------------------------------

#[test]
fn unknown_operations_and_malformed_requests_are_ffi_errors() {
    for (operation, request, needle) in [
        (
            "no_such_operation",
            "{}",
            "unknown operation \"no_such_operation\"",
        ),
        ("GET_STATUS", "{}", "unknown operation"),
        ("", "{}", "unknown operation"),
        ("get_status", "", "not valid JSON"),
        ("get_status", "{\"id\": ", "not valid JSON"),
        ("get_status", "[3000006529]", "JSON object"),
        ("get_status", "3000006529", "JSON object"),
        ("get_status", "null", "JSON object"),
    ] {
        let error = dispatch_error(operation, request);
        assert_eq!(error["kind"], "ffi", "{operation} {request}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains(needle),
            "{operation} {request}: {error}"
        );
        assert_eq!(error["status"], Value::Null);
    }
}

#[test]
fn bad_arguments_are_invalid_input_naming_the_argument() {
    for (operation, request, field) in [
        ("get_status", "{}", "id"),
        ("get_status", r#"{"id": null}"#, "id"),
        ("get_status", r#"{"id": "3000006529"}"#, "id"),
        ("get_status", r#"{"id": -1}"#, "id"),
        ("get_status", r#"{"id": 1.5}"#, "id"),
        // Refused by the client itself, before anything is sent.
        ("get_status", r#"{"id": 0}"#, "id"),
        ("get_status", r#"{"id": 1, "payment_id": 1}"#, "payment_id"),
        ("embed_js_url", r#"{"id": 1}"#, "id"),
        ("refund_payment", r#"{"id": 1}"#, "amount"),
        ("refund_payment", r#"{"id": 1, "amount": "500"}"#, "amount"),
        ("refund_payment", r#"{"id": 1, "amount": 0}"#, "amount"),
        ("delete_card", r#"{"id": 1}"#, "id"),
        ("get_card_details", r#"{"card_id": 0}"#, "card_id"),
        (
            "create_payment",
            r#"{"payment": {"amount": 100}}"#,
            "payment",
        ),
        ("create_payment", r#"{"payment": []}"#, "payment"),
        (
            "create_payment",
            r#"{"payment": {"amount": 0, "currency": "CZK", "order_number": "1"}}"#,
            "amount",
        ),
        ("get_payment_instruments", r#"{"currency": 5}"#, "currency"),
        (
            "get_payment_instruments",
            r#"{"currency": "XYZ"}"#,
            "currency",
        ),
        ("get_qr_payment", r#"{"id": 1, "format": "gif"}"#, "format"),
        ("handle_notification", r#"{"query": 1}"#, "query"),
        ("handle_notification", r#"{"query": "x=1"}"#, "id"),
        (
            "refund_payment_with_items",
            r#"{"id": 1, "refund": {}}"#,
            "refund",
        ),
        (
            "create_recurrence",
            r#"{"id": 1, "next": {"amount": 1}}"#,
            "next",
        ),
        (
            "capture_authorization_partial",
            r#"{"id": 1, "capture": 7}"#,
            "capture",
        ),
        (
            "get_account_statement",
            r#"{"request": {"goid": 1}}"#,
            "request",
        ),
    ] {
        let error = dispatch_error(operation, request);
        assert_eq!(
            error["kind"], "invalid_input",
            "{operation} {request}: {error}"
        );
        assert_eq!(error["field"], field, "{operation} {request}: {error}");
        assert_eq!(error["status"], Value::Null);
    }
}

#[test]
fn every_operation_is_dispatched() {
    // With an id of 0 (or arguments that fail validation) every operation must reach its
    // `Client` method, which refuses before the network; none may fall through.
    let client = offline_client();
    for (operation, parameters) in dispatch::OPERATIONS {
        let request = match *operation {
            "embed_js_url" => continue,
            "get_payment_instruments_all" => continue,
            "create_payment" => {
                json!({"payment": {"amount": 0, "currency": "CZK", "order_number": "1"}})
            }
            "get_payment_instruments" => json!({"currency": "XYZ"}),
            "get_account_statement" => continue,
            "handle_notification" => json!({"query": ""}),
            "find_eet_receipts_by_filter" => continue,
            _ => {
                let mut request = json!({});
                for parameter in *parameters {
                    request[*parameter] = match *parameter {
                        "id" | "card_id" => json!(0),
                        "amount" => json!(1),
                        "format" => Value::Null,
                        "refund" => json!({"amount": 1}),
                        "capture" => json!({"amount": 1}),
                        "next" => json!({"amount": 1, "currency": "CZK", "order_number": "2"}),
                        other => panic!("no test value for {other}"),
                    };
                }
                request
            }
        };
        let failure =
            dispatch::call(&client, operation, &request.to_string()).expect_err(operation);
        assert_eq!(failure.kind, "invalid_input", "{operation}: {failure:?}");
        assert!(!failure.message.contains("not dispatched"), "{operation}");
    }
}

#[test]
fn embed_js_url_answers_an_object() {
    let json = dispatch::call(&offline_client(), "embed_js_url", "{}").unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&json).unwrap(),
        json!({"url": "http://127.0.0.1:9/gp-gw/js/embed.js"})
    );
}

#[test]
fn an_unreachable_gateway_is_a_transport_error() {
    let json = match dispatch::call(&offline_client(), "get_status", r#"{"id": 3000006529}"#) {
        Ok(json) => panic!("port 9 answered: {json}"),
        Err(failure) => failure.to_json(),
    };
    let error = error_of(&json);
    assert!(
        error["kind"] == "transport" || error["kind"] == "timeout",
        "{error}"
    );
}

#[test]
fn kinds_are_the_clients_with_timeouts_apart() {
    use gopay::ErrorKind;
    let cases = [
        (ErrorKind::Api, false, "api"),
        (ErrorKind::Auth, false, "auth"),
        (ErrorKind::Transport, false, "transport"),
        (ErrorKind::Transport, true, "timeout"),
        (ErrorKind::Decode, false, "decode"),
        (ErrorKind::InvalidInput, false, "invalid_input"),
        (ErrorKind::Config, false, "config"),
    ];
    for (kind, timeout, name) in cases {
        assert_eq!(crate::failure::kind_name(kind, timeout), name, "{kind:?}");
    }
}

#[test]
fn an_error_becomes_json_with_its_message_status_and_field() {
    let error = Error::invalid_input("amount", "bad");
    let message = error.to_string();
    let json = Failure::from(error).to_json();
    let value = error_of(&json);
    assert_eq!(value["kind"], "invalid_input", "{json}");
    assert_eq!(value["status"], json!(null), "{json}");
    assert_eq!(value["message"], message, "{json}");
    assert_eq!(value["field"], "amount", "{json}");
    assert_eq!(value["errors"], json!([]), "{json}");
}

#[test]
fn quoted_input_stays_short_and_on_one_line() {
    let long = format!("op\nwith\r{}", "x".repeat(500));
    let error = dispatch_error(&long, "{}");
    let message = error["message"].as_str().unwrap();
    assert!(
        !message.contains('\n') && !message.contains('\r'),
        "{message}"
    );
    assert!(message.len() < 200, "{message}");
}

#[test]
fn panics_become_ffi_errors() {
    let failure = guard::<()>(|| panic!("boom {}", 42)).unwrap_err();
    assert_eq!(failure.kind, "ffi");
    assert!(failure.message.contains("panic") && failure.message.contains("boom 42"));
    let failure = guard::<()>(|| std::panic::panic_any(7_u8)).unwrap_err();
    assert_eq!(failure.kind, "ffi");
}

// --- the extern "C" functions ------------------------------------------------------------

/// Takes a string returned by the library: its text, then frees it.
fn take(string: *mut c_char) -> String {
    assert!(!string.is_null());
    // SAFETY: `string` was just returned by the library and is freed right after.
    let text = unsafe { CStr::from_ptr(string) }
        .to_str()
        .unwrap()
        .to_owned();
    // SAFETY: returned by the library, not freed before.
    unsafe { gopay_string_free(string) };
    text
}

fn new_client(config: &CStr) -> (*mut GopayClient, Option<String>) {
    let mut error: *mut c_char = c"not reset".as_ptr().cast_mut();
    // SAFETY: `config` is NUL-terminated; `error` is a writable pointer.
    let client = unsafe { gopay_client_new(config.as_ptr(), &mut error) };
    let error = (!error.is_null()).then(|| take(error));
    assert_eq!(client.is_null(), error.is_some());
    (client, error)
}

#[test]
fn client_new_reports_null_bad_utf8_and_bad_config() {
    let mut error: *mut c_char = ptr::null_mut();
    // SAFETY: NULL is allowed; `error` is writable.
    let client = unsafe { gopay_client_new(ptr::null(), &mut error) };
    assert!(client.is_null());
    let value = error_of(&take(error));
    assert_eq!(value["kind"], "ffi");
    assert!(value["message"]
        .as_str()
        .unwrap()
        .contains("config_json is NULL"));

    let (client, error) = new_client(c"{\"goid\": \"\xff\"}");
    assert!(client.is_null());
    let value = error_of(&error.unwrap());
    assert_eq!(value["kind"], "ffi");
    assert!(
        value["message"].as_str().unwrap().contains("UTF-8"),
        "{value}"
    );

    let (client, error) = new_client(c"{\"goid\": 1}");
    assert!(client.is_null());
    assert_eq!(error_of(&error.unwrap())["kind"], "config");

    // A NULL `error` is allowed: the message is dropped, not leaked or written.
    // SAFETY: both arguments may be NULL.
    assert!(unsafe { gopay_client_new(ptr::null(), ptr::null_mut()) }.is_null());
}

#[test]
fn call_reports_null_and_bad_utf8_arguments() {
    let config = CString::new(config_json(json!({}))).unwrap();
    let (client, error) = new_client(&config);
    assert!(error.is_none(), "{error:?}");

    let cases: [(*mut GopayClient, *const c_char, *const c_char, &str); 5] = [
        (
            ptr::null_mut(),
            c"get_status".as_ptr(),
            c"{}".as_ptr(),
            "client is NULL",
        ),
        (client, ptr::null(), c"{}".as_ptr(), "operation is NULL"),
        (
            client,
            c"get_status".as_ptr(),
            ptr::null(),
            "request_json is NULL",
        ),
        (
            client,
            c"get_\xc3status".as_ptr(),
            c"{}".as_ptr(),
            "operation is not valid UTF-8",
        ),
        (
            client,
            c"get_status".as_ptr(),
            c"{\"id\":\"\xe2\x82\"}".as_ptr(),
            "request_json is not valid UTF-8",
        ),
    ];
    for (client, operation, request, needle) in cases {
        // SAFETY: every pointer is NULL or a NUL-terminated literal; `client` is NULL or live.
        let answer = take(unsafe { gopay_call(client, operation, request) });
        let value = error_of(&answer);
        assert_eq!(value["kind"], "ffi", "{answer}");
        assert!(
            value["message"].as_str().unwrap().contains(needle),
            "{answer}"
        );
    }

    // SAFETY: live handle and NUL-terminated literals.
    let answer = take(unsafe { gopay_call(client, c"embed_js_url".as_ptr(), c"{}".as_ptr()) });
    assert_eq!(answer, r#"{"url":"http://127.0.0.1:9/gp-gw/js/embed.js"}"#);

    // SAFETY: a live handle, freed once; NULL is ignored by both free functions.
    unsafe {
        gopay_client_free(client);
        gopay_client_free(ptr::null_mut());
        gopay_string_free(ptr::null_mut());
    }
}

#[test]
fn one_client_serves_many_threads() {
    let config = CString::new(config_json(json!({}))).unwrap();
    let (client, _) = new_client(&config);
    struct Handle(*mut GopayClient);
    // SAFETY: `GopayClient` is `Send + Sync`; the pointer is only used for shared calls
    // while the handle is alive.
    unsafe impl Sync for Handle {}
    let handle = Handle(client);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                let handle = &handle;
                for _ in 0..50 {
                    // SAFETY: the handle outlives the scope; literals are NUL-terminated.
                    let answer = take(unsafe {
                        gopay_call(handle.0, c"get_status".as_ptr(), c"{\"id\": 0}".as_ptr())
                    });
                    assert!(answer.contains("\"invalid_input\""), "{answer}");
                }
            });
        }
    });
    // SAFETY: every thread has finished; freed once.
    unsafe { gopay_client_free(client) };
}
