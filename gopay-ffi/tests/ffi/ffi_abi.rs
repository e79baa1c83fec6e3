//! The C ABI called from Rust against the simulator: every operation through
//! `gopay_call`, with its arguments by parameter name and its answer as JSON, and the error
//! JSON of GoPay's refusals, of a wrong secret and of a too narrow scope, and error JSON
//! that never shows a credential, whatever the configuration or the gateway said.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use base64::Engine as _;
use gopay_ffi::{gopay_call, gopay_client_free, gopay_client_new, gopay_string_free, GopayClient};
use gopay_simulator::{Fault, FaultTarget, Simulator};
use serde_json::{json, Value};

/// A client handle, freed when dropped.
struct Handle(*mut GopayClient);

impl Handle {
    fn new(config: &Value) -> Result<Handle, Value> {
        let config = CString::new(config.to_string()).unwrap();
        let mut error: *mut c_char = ptr::null_mut();
        // SAFETY: a NUL-terminated string and a writable error pointer.
        let client = unsafe { gopay_client_new(config.as_ptr(), &mut error) };
        if client.is_null() {
            Err(serde_json::from_str(&take(error)).unwrap())
        } else {
            assert!(error.is_null());
            Ok(Handle(client))
        }
    }

    /// [`Handle::new`] on the configuration as it is written (for key order and
    /// duplicates): the error JSON as the library returned it, unparsed.
    fn refused_raw(config: &str) -> String {
        let config = CString::new(config).unwrap();
        let mut error: *mut c_char = ptr::null_mut();
        // SAFETY: a NUL-terminated string and a writable error pointer.
        let client = unsafe { gopay_client_new(config.as_ptr(), &mut error) };
        if !client.is_null() {
            // SAFETY: just made, freed once.
            unsafe { gopay_client_free(client) };
            panic!("the configuration was accepted: {config:?}");
        }
        take(error)
    }

    fn for_simulator(sim: &Simulator, extra: Value) -> Handle {
        let mut config = json!({
            "goid": sim.goid(),
            "client_id": sim.client_id(),
            "client_secret": sim.client_secret(),
            "gateway_url": sim.gateway_url(),
            "timeout_ms": 10_000,
        });
        config
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Handle::new(&config).expect("the simulator's configuration is valid")
    }

    /// Calls `operation`; `Ok` with the answer, `Err` with the `error` object.
    fn call(&self, operation: &str, request: Value) -> Result<Value, Value> {
        let operation = CString::new(operation).unwrap();
        let request = CString::new(request.to_string()).unwrap();
        // SAFETY: a live handle and NUL-terminated strings.
        let answer = take(unsafe { gopay_call(self.0, operation.as_ptr(), request.as_ptr()) });
        let value: Value = serde_json::from_str(&answer).expect("answers are JSON");
        match value.get("error") {
            Some(error) if value.as_object().is_some_and(|o| o.len() == 1) => {
                for key in ["kind", "message", "status", "errors"] {
                    assert!(error.get(key).is_some(), "{answer}");
                }
                Err(error.clone())
            }
            _ => Ok(value),
        }
    }

    /// Calls `operation` with the arguments `request` as written: the answer unparsed.
    fn call_raw(&self, operation: &str, request: &str) -> String {
        let operation = CString::new(operation).unwrap();
        let request = CString::new(request).unwrap();
        // SAFETY: a live handle and NUL-terminated strings.
        take(unsafe { gopay_call(self.0, operation.as_ptr(), request.as_ptr()) })
    }

    fn ok(&self, operation: &str, request: Value) -> Value {
        self.call(operation, request.clone())
            .unwrap_or_else(|e| panic!("{operation} {request}: {e}"))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from `gopay_client_new` and is freed once, here.
        unsafe { gopay_client_free(self.0) };
    }
}

fn take(string: *mut c_char) -> String {
    assert!(!string.is_null());
    // SAFETY: returned by the library; read, then freed once.
    let text = unsafe { CStr::from_ptr(string) }
        .to_str()
        .unwrap()
        .to_owned();
    // SAFETY: as above.
    unsafe { gopay_string_free(string) };
    text
}

fn payment(order: &str, amount: i64, extra: Value) -> Value {
    let mut payment = json!({
        "amount": amount,
        "currency": "CZK",
        "order_number": order,
        "items": [{"name": "T-shirt", "amount": amount, "count": 1}],
        "callback": {"return_url": "https://shop.example/return",
                     "notification_url": "http://127.0.0.1:9/notify"},
    });
    payment
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({ "payment": payment })
}

#[test]
fn create_pay_status_refund_and_history() {
    let sim = Simulator::start().unwrap();
    let client = Handle::for_simulator(&sim, json!({"language": "CS"}));

    let created = client.ok("create_payment", payment("ffi-1", 10000, json!({})));
    let id = created["id"].as_u64().expect("an id");
    assert_eq!(created["state"], "CREATED");
    assert!(created["gw_url"].as_str().unwrap().starts_with("http"));
    assert_eq!(
        created["lang"], "CS",
        "the configured language fills `lang`"
    );

    let refused = client
        .call("refund_payment", json!({"id": id, "amount": 10000}))
        .unwrap_err();
    assert_eq!(refused["kind"], "api", "{refused}");
    assert!(refused["status"].as_u64().is_some(), "{refused}");
    assert!(
        !refused["errors"].as_array().unwrap().is_empty(),
        "{refused}"
    );
    // GoPay's error details, field by field as the client decoded them.
    let detail = &refused["errors"][0];
    assert!(detail["error_code"].as_u64().is_some(), "{refused}");
    assert!(detail["scope"].is_string(), "{refused}");

    sim.pay(id).unwrap();
    assert_eq!(client.ok("get_status", json!({"id": id}))["state"], "PAID");
    assert_eq!(
        client.ok("handle_notification", json!({"query": format!("id={id}")}))["state"],
        "PAID"
    );

    let refund = client.ok("refund_payment", json!({"id": id, "amount": 4000}));
    assert_eq!(refund, json!({"id": id, "result": "FINISHED"}));
    let refund = client.ok(
        "refund_payment_with_items",
        json!({"id": id, "refund": {"amount": 1000,
               "items": [{"name": "T-shirt", "amount": -1000, "count": 1}]}}),
    );
    assert_eq!(refund["result"], "FINISHED", "{refund}");
    let history = client.ok("get_history_of_refunds", json!({"id": id}));
    let amounts: Vec<_> = history
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [4000, 1000], "{history}");

    let status = client
        .call("get_status", json!({"id": 1}))
        .expect_err("no such payment");
    assert_eq!(status["kind"], "api");
    assert_eq!(status["status"], 404, "{status}");
    assert!(sim.token_requests() == 1, "one token for every call");
}

#[test]
fn recurrence_preauthorization_and_cards() {
    let sim = Simulator::start().unwrap();
    let client = Handle::for_simulator(&sim, json!({}));

    let parent = client.ok(
        "create_payment",
        payment(
            "ffi-rec",
            500,
            json!({"recurrence": {"recurrence_cycle": "ON_DEMAND",
                                  "recurrence_date_to": "2099-12-31"}}),
        ),
    );
    let parent_id = parent["id"].as_u64().unwrap();
    sim.pay(parent_id).unwrap();
    let child = client.ok(
        "create_recurrence",
        json!({"id": parent_id, "next": {"amount": 500, "currency": "CZK",
               "order_number": "ffi-rec-2", "order_description": "second",
               "items": [{"name": "Subscription", "amount": 500, "count": 1}]}}),
    );
    assert_eq!(child["parent_id"], parent_id, "{child}");
    let voided = client.ok("void_recurrence", json!({"id": parent_id}));
    assert_eq!(voided["result"], "FINISHED", "{voided}");

    let held = client.ok(
        "create_payment",
        payment("ffi-pre-1", 1000, json!({"preauthorization": true})),
    );
    let held_id = held["id"].as_u64().unwrap();
    sim.authorize(held_id).unwrap();
    let captured = client.ok(
        "capture_authorization_partial",
        json!({"id": held_id, "capture": {"amount": 600,
               "items": [{"name": "T-shirt", "amount": 600, "count": 1}]}}),
    );
    assert_eq!(captured["result"], "FINISHED", "{captured}");

    for (order, operation) in [
        ("ffi-pre-2", "capture_authorization"),
        ("ffi-pre-3", "void_authorization"),
    ] {
        let held = client.ok(
            "create_payment",
            payment(order, 1000, json!({"preauthorization": true})),
        );
        let id = held["id"].as_u64().unwrap();
        sim.authorize(id).unwrap();
        let result = client.ok(operation, json!({"id": id}));
        assert_eq!(result["result"], "FINISHED", "{operation}: {result}");
    }

    let with_card = client.ok(
        "create_payment",
        payment(
            "ffi-card",
            700,
            json!({"payer": {"allowed_payment_instruments": ["PAYMENT_CARD"],
                             "request_card_token": true}}),
        ),
    );
    let with_card_id = with_card["id"].as_u64().unwrap();
    sim.pay(with_card_id).unwrap();
    let status = client.ok("get_status", json!({"id": with_card_id}));
    let card_id = status["payer"]["card_id"]
        .as_u64()
        .unwrap_or_else(|| panic!("a saved card: {status}"));
    let card = client.ok("get_card_details", json!({"card_id": card_id}));
    assert_eq!(card["card_id"], card_id, "{card}");
    assert_eq!(
        client.ok("delete_card", json!({"card_id": card_id})),
        json!({})
    );
}

#[test]
fn eshop_documents_and_urls() {
    let sim = Simulator::start().unwrap();
    let client = Handle::for_simulator(&sim, json!({}));

    let instruments = client.ok("get_payment_instruments", json!({"currency": "CZK"}));
    assert!(
        !instruments["enabledPaymentInstruments"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{instruments}"
    );
    let all = client.ok("get_payment_instruments_all", json!({}));
    assert!(all["enabledPaymentInstruments"].is_array(), "{all}");

    let created = client.ok("create_payment", payment("ffi-doc", 2500, json!({})));
    let id = created["id"].as_u64().unwrap();
    let qr = client.ok("get_qr_payment", json!({"id": id, "format": "svg"}));
    assert!(qr.is_object(), "{qr}");
    client.ok("get_qr_payment", json!({"id": id}));
    sim.pay(id).unwrap();

    let statement = client.ok(
        "get_account_statement",
        json!({"request": {"date_from": "2000-01-01", "date_to": "2099-12-31",
               "goid": sim.goid(), "currency": "CZK", "format": "CSV_A"}}),
    );
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(statement["base64"].as_str().expect("base64"))
        .expect("valid base64");
    assert!(
        String::from_utf8_lossy(&bytes).contains(&id.to_string()),
        "the statement lists the payment"
    );

    let url = client.ok("embed_js_url", json!({}));
    assert_eq!(
        url,
        json!({"url": format!("{}/gp-gw/js/embed.js", sim.gateway_url().trim_end_matches('/').trim_end_matches("/api"))})
    );

    #[cfg(feature = "eet")]
    {
        let receipts = client.ok("get_eet_receipt_by_payment_id", json!({"id": id}));
        assert!(receipts.is_array(), "{receipts}");
        let found = client.ok(
            "find_eet_receipts_by_filter",
            json!({"filter": {"date_from": "2099-01-01", "date_to": "2099-01-30",
                   "id_provozovny": 11}}),
        );
        assert!(found.is_array(), "{found}");
    }
}

#[test]
fn a_wrong_secret_and_a_narrow_scope_are_auth_errors() {
    let sim = Simulator::start().unwrap();
    let impostor = Handle::for_simulator(&sim, json!({"client_secret": "not-the-secret"}));
    let error = impostor
        .call("get_status", json!({"id": 3000006529_u64}))
        .unwrap_err();
    assert_eq!(error["kind"], "auth", "{error}");
    assert!(!error.to_string().contains("not-the-secret"), "{error}");

    let creator = Handle::for_simulator(&sim, json!({"scope": "payment-create"}));
    let created = creator.ok("create_payment", payment("ffi-scope", 100, json!({})));
    let error = creator
        .call("get_status", json!({"id": created["id"]}))
        .unwrap_err();
    assert_eq!(error["kind"], "auth", "{error}");
    assert_eq!(error["status"], 403, "{error}");
}

#[test]
fn configuration_errors_come_back_through_the_error_pointer() {
    let error = Handle::new(&json!({"goid": 1})).err().unwrap();
    assert_eq!(error["error"]["kind"], "config", "{error}");
    let error = Handle::new(&json!({"goid": 1, "client_id": "a", "client_secret": "b",
                                     "gateway_url": "http://shop.example"}))
    .err()
    .unwrap();
    assert_eq!(error["error"]["kind"], "config", "{error}");
    assert!(
        error["error"]["message"].as_str().unwrap().contains("http"),
        "{error}"
    );
}

#[test]
fn a_configuration_error_never_shows_the_gateway_urls_credentials() {
    for url in [
        "https://merchant:pw-SeCrEt-9@gw.example/api",
        "https://gw.example/api?access_token=ToKeN-in-query",
        "https://gw.example/api#ToKeN-in-FrAg",
    ] {
        let error = Handle::new(&json!({"goid": 1, "client_id": "id",
                                         "client_secret": "s3cr3t-value", "gateway_url": url}))
        .err()
        .unwrap();
        assert_eq!(error["error"]["kind"], "config", "{error}");
        let text = error.to_string();
        assert!(text.contains("gw.example"), "{text}");
        for secret in ["pw-SeCrEt-9", "merchant", "ToKeN-in", "s3cr3t-value"] {
            assert!(!text.contains(secret), "{secret:?} in {text}");
        }
    }
}

#[test]
fn a_2xx_answer_quoting_the_token_is_a_decode_error_without_it() {
    let sim = Simulator::start().unwrap();
    let handle = Handle::for_simulator(&sim, json!({}));
    // A first call, for the token the client will send again.
    let payment = handle.ok("create_payment", payment("ffi-echo", 10000, json!({})));
    let token = sim
        .requests()
        .iter()
        .find_map(|r| r.header("Authorization")?.strip_prefix("Bearer "))
        .map(str::to_owned)
        .expect("an API request with a bearer token");
    // A proxy in front of the gateway answers 200 with a page quoting the header, the bare
    // token and the client secret.
    sim.inject(Fault::Answer {
        target: FaultTarget::Api,
        status: 200,
        content_type: "text/plain",
        body: format!(
            "echo Bearer {token} / {token} / {}",
            gopay_simulator::CLIENT_SECRET
        ),
        count: 1,
    });
    let error = handle
        .call("get_status", json!({"id": payment["id"]}))
        .unwrap_err();
    assert_eq!(error["kind"], "decode", "{error}");
    assert_eq!(error["status"], 200, "{error}");
    let text = error.to_string();
    assert!(text.contains("[redacted]"), "{text}");
    for secret in [token.as_str(), gopay_simulator::CLIENT_SECRET] {
        assert!(!text.contains(secret), "{secret:?} in {text}");
    }
}

/// A value pasted into the wrong field, or in place of a key's name.
const PASTED: &str = "pAsTeD-SeCrEt-0xC0FFEE";

/// The `error` object of an error JSON the library returned, which must not hold `PASTED`.
fn config_error(raw: &str) -> Value {
    assert!(!raw.contains(PASTED), "the pasted value came back: {raw}");
    let value: Value = serde_json::from_str(raw).expect("errors are JSON");
    value["error"].clone()
}

#[test]
fn a_configuration_error_quotes_no_value_and_no_unknown_key() {
    let config = |url: &str| {
        json!({"goid": 1, "client_id": "id", "client_secret": "s3cr3t-value",
               "gateway_url": url})
        .to_string()
    };
    // The secret pasted as the gateway URL: it is no URL, so nothing of it is shown.
    for url in [
        PASTED.to_owned(),
        format!("{PASTED}/api"),
        format!("x{PASTED}://"),
    ] {
        let error = config_error(&Handle::refused_raw(&config(&url)));
        assert_eq!(error["kind"], "config", "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("gateway_url (not shown)"), "{message}");
    }
    // A URL the client refuses: its scheme and host at most, never its path.
    for (url, shown, why) in [
        (
            format!("http://gw.example/{PASTED}"),
            "\"http://gw.example…\"",
            "plain http",
        ),
        (
            format!("https://gw.example/api?key={PASTED}"),
            "\"https://gw.example…\"",
            "query",
        ),
        (
            format!("https://{PASTED}@gw.example"),
            "\"https://gw.example…\"",
            "credentials",
        ),
        (
            format!("ftp://gw.example/{PASTED}"),
            "\"ftp://gw.example…\"",
            "https",
        ),
        (
            format!("https://gw.example/a b{PASTED}"),
            "\"https://gw.example…\"",
            "white space",
        ),
        // The client quotes the URL with escapes: the reason after it is still found.
        (
            format!("https://gw.example/\"{PASTED}\\\""),
            "\"https://gw.example…\"",
            "characters a URL path cannot hold",
        ),
    ] {
        let error = config_error(&Handle::refused_raw(&config(&url)));
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("gateway_url {shown}")) && message.contains(why),
            "{url}: {message}"
        );
    }
    // An unknown key: its position and length, never its name.
    let unknown = format!(
        r#"{{"goid": 1, "client_id": "id", "{PASTED}": 1, "client_secret": "s3cr3t-value",
              "gateway_url": "http://127.0.0.1:9"}}"#
    );
    let error = config_error(&Handle::refused_raw(&unknown));
    assert_eq!(error["kind"], "config", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("key 3 of the object, a name of 22 characters"),
        "{message}"
    );
    // A key given twice is refused, not silently the last one.
    let twice = r#"{"goid": 1, "client_id": "id", "client_secret": "a", "client_secret": "b",
                    "gateway_url": "http://127.0.0.1:9"}"#;
    let error = config_error(&Handle::refused_raw(twice));
    assert_eq!(error["kind"], "config", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("client_secret appears more than once"),
        "{error}"
    );
    // Not an object: serde's message would have quoted the string.
    let error = config_error(&Handle::refused_raw(&format!("\"{PASTED}\"")));
    assert_eq!(error["kind"], "ffi", "{error}");
}

/// Characters a terminal or log viewer acts on that JSON leaves raw.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c > '\u{1f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[test]
fn caller_input_quoted_in_errors_is_one_line_without_bidirectional_controls() {
    let handle = Handle::new(&json!({"goid": 1, "client_id": "id", "client_secret": "s",
                                       "gateway_url": "http://127.0.0.1:9"}))
    .unwrap();
    for (operation, request) in [
        ("get_status\u{202e}sutats_teg", "{}"),
        ("get\u{2066}_status\u{2069}\r\n", "{}"),
        ("get_status", "{\"id\": 1, \"x\u{202d}\u{85}y\": 2}"),
        (
            "get_qr_payment",
            "{\"id\": 1, \"format\": \"svg\u{202e}\u{9b}\"}",
        ),
    ] {
        let raw = handle.call_raw(operation, request);
        assert!(!raw.chars().any(acts_on_a_terminal), "{raw:?}");
        let value: Value = serde_json::from_str(&raw).unwrap();
        let error = &value["error"];
        for key in ["message", "field"] {
            let text = error[key].as_str().unwrap_or_default();
            assert!(
                !text
                    .chars()
                    .any(|c| c.is_control() || acts_on_a_terminal(c)),
                "{key}: {text:?}"
            );
        }
    }
}

#[test]
fn answers_quoting_hostile_gateway_text_escape_it_in_the_json() {
    let sim = Simulator::start().unwrap();
    let handle = Handle::for_simulator(&sim, json!({}));
    let hostile = "\u{1b}[2J\u{9b}2J\u{202e}gnp.exe\u{7f}";
    sim.inject(Fault::Answer {
        target: FaultTarget::Api,
        status: 200,
        content_type: "application/json",
        body: json!({"id": 5, "state": "PAID", "order_number": hostile}).to_string(),
        count: 1,
    });
    let raw = handle.call_raw("get_status", r#"{"id": 5}"#);
    assert!(!raw.chars().any(acts_on_a_terminal), "{raw:?}");
    assert!(raw.contains("\\u009b2J\\u202egnp.exe\\u007f"), "{raw}");
    let payment: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        payment["order_number"], hostile,
        "the same value once decoded"
    );
}
