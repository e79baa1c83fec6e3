//! `--state FILE` through the binary: what SIGTERM saves comes back on the next start (the
//! payments, ids continuing, the test clock, valid tokens, customer pages on the new port;
//! API v4's payments with a 3-D Secure challenge waiting and their tokens), a save that
//! cannot be written leaves the old file whole, a file the simulator cannot read stops
//! the start with one line naming it, and so does a file another running binary uses, until
//! that one is gone (even killed).
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;

use gopay::{Client, Config, Currency, Item, PaymentRequest};
use gopay_simulator::{CLIENT_ID, CLIENT_SECRET, DEFAULT_GOID};
use serde_json::{json, Value};

use crate::support::binary::{command, fetch_token, refused_start, Running};
use crate::support::http::{control, held_payments, send};
use crate::support::scratch::Scratch;
use crate::support::v4::{answer_challenge, call, card_charge, merchant_token, V4Config};

/// A user without privileges, to run the binary as when the tests run as root (whom no
/// directory permission stops).
const NOBODY: u32 = 65_534;

fn client(gateway_url: &str) -> Client {
    Client::new(Config::new(
        DEFAULT_GOID,
        CLIENT_ID,
        CLIENT_SECRET,
        gateway_url,
    ))
    .unwrap()
}

fn create(client: &Client, order: &str) -> u64 {
    client
        .create_payment(
            &PaymentRequest::new(1500, Currency::Czk, order).item(Item::new("Cup", 1500)),
        )
        .unwrap()
        .id
}

/// The status of a status call made with `token`.
fn status_with(gateway_url: &str, token: &str, id: u64) -> u16 {
    let url = format!("{gateway_url}/payments/payment/{id}");
    let bearer = format!("Bearer {token}");
    send("GET", &url, &[("Authorization", &bearer)], b"").status
}

/// Moves the test clock; the payments that timed out.
fn advance(origin: &str, seconds: u64) -> Vec<u64> {
    let answer = control(
        origin,
        "POST",
        "/clock/advance",
        &json!({ "seconds": seconds }),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_value(answer.json()["timed_out"].clone()).unwrap()
}

#[test]
fn a_restart_with_the_same_state_file_continues_where_sigterm_stopped() {
    let dir = Scratch::new("state-restart");
    let state = dir.join("state.json");
    let args = [
        "--port",
        "0",
        "--token-lifetime",
        "7200",
        "--state",
        state.to_str().unwrap(),
    ];

    let mut first = Running::start(&args, &[]);
    let url = first.gateway_url().to_owned();
    let shop = client(&url);
    let waiting = create(&shop, "state-1");
    let paid = create(&shop, "state-2");
    let pay = control(
        first.origin(),
        "POST",
        &format!("/payments/{paid}/pay"),
        &Value::Null,
    );
    assert_eq!(pay.status, 200, "{}", pay.body);
    // Eleven of the twelve hours an unpaid payment waits; then a token valid for two more.
    assert!(advance(first.origin(), 11 * 3600).is_empty());
    let token = fetch_token(&url, CLIENT_ID, CLIENT_SECRET);
    assert_eq!(status_with(&url, &token, waiting), 200);
    assert_eq!(first.terminate().code(), Some(0));
    for line in first.remaining_lines() {
        assert!(!line.contains(&token), "{line}");
    }
    let saved = fs::read_to_string(&state).unwrap();
    assert!(saved.contains("\"version\": 1"), "{saved}");
    assert_eq!(fs::metadata(&state).unwrap().mode() & 0o777, 0o600);
    assert_eq!(
        dir.names(),
        ["state.json", "state.json.lock"],
        "no temporary file stays"
    );
    let lock = fs::metadata(dir.join("state.json.lock")).unwrap();
    assert_eq!(lock.mode() & 0o777, 0o600);

    let mut second = Running::start(&args, &[]);
    let url = second.gateway_url().to_owned();
    let origin = second.origin().to_owned();
    assert_eq!(
        held_payments(&origin),
        [(waiting, "CREATED".to_owned()), (paid, "PAID".to_owned())]
    );
    // The token of the first run still opens the API, with its expiry on the kept clock.
    assert_eq!(status_with(&url, &token, waiting), 200);
    assert_eq!(create(&client(&url), "state-3"), paid + 1, "ids continue");
    // The twelfth hour: the waiting payment times out (the clock and its time-out kept).
    assert_eq!(advance(&origin, 3600), [waiting]);
    assert_eq!(status_with(&url, &token, waiting), 200);
    assert_eq!(advance(&origin, 3600), Vec::<u64>::new());
    assert_eq!(status_with(&url, &token, waiting), 401, "two hours passed");
    // The customer page of a payment of the first run opens on this run's port.
    let detail = control(&origin, "GET", &format!("/payments/{paid}"), &Value::Null).json();
    let gw_url = detail["gw_url"].as_str().unwrap();
    assert!(gw_url.starts_with(&format!("{origin}/gw/v3/")), "{gw_url}");
    assert_eq!(send("GET", gw_url, &[], b"").status, 200);
    assert_eq!(detail["request"]["order_number"], "state-2");
    assert_eq!(second.terminate().code(), Some(0));
}

/// The v4 side of the binary whose origin is `origin`, with the default credentials.
fn v4_config(origin: &str) -> V4Config {
    V4Config {
        base_url: format!("{origin}/gp-gw/api/4.0"),
        goid: DEFAULT_GOID.to_string(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: CLIENT_SECRET.to_owned(),
        shareable_key: String::new(),
    }
}

/// `method {v4 base}{path}` with `token`: the status and the JSON.
fn v4_call(origin: &str, token: &str, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let answer = call(&v4_config(origin), token, method, path, body);
    let json = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
    (answer.status, json)
}

#[test]
fn a_v4_challenge_waiting_at_sigterm_is_answered_after_the_restart() {
    let dir = Scratch::new("state-v4-restart");
    let state = dir.join("state.json");
    let args = ["--port", "0", "--state", state.to_str().unwrap()];

    let mut first = Running::start(&args, &[]);
    let origin = first.origin().to_owned();
    let token = merchant_token(&v4_config(&origin), "payment:write payment:read");
    let body = json!({
        "amount": 4200, "currency": "EUR", "order_number": "v4-sigterm",
        "customer": {"email": "payer@example.com"},
        "callback": {"notification_url": "https://shop.example/notify",
                     "return_url": "https://shop.example/return"},
    });
    let path = format!("/eshops/{DEFAULT_GOID}/payments");
    let (status, payment) = v4_call(&origin, &token, "POST", &path, &body);
    assert_eq!(status, 201, "{payment}");
    let id = payment["id"].as_str().unwrap().to_owned();
    let charge_path = format!("/payments/{id}/charge");
    let challenge = card_charge("gopay-sim-card-challenge");
    let (status, charge) = v4_call(&origin, &token, "POST", &charge_path, &challenge);
    assert_eq!((status, &charge["state"]), (201, &json!("ACTION_REQUIRED")));
    assert_eq!(first.terminate().code(), Some(0));
    for line in first.remaining_lines() {
        assert!(!line.contains(&token), "{line}");
    }

    let mut second = Running::start(&args, &[]);
    let origin = second.origin().to_owned();
    // The first run's token reads the charge, still waiting, its page on this run's port.
    let (status, charge) = v4_call(&origin, &token, "GET", &charge_path, &Value::Null);
    assert_eq!(status, 200, "{charge}");
    assert_eq!(charge["action"]["state"], "CHALLENGE_REQUIRED");
    let redirect = charge["action"]["redirect_url"].as_str().unwrap();
    assert!(redirect.starts_with(&format!("{origin}/")), "{redirect}");
    assert_eq!(answer_challenge(redirect, "approve").status, 303);
    advance(&origin, 5);
    let (_, payment) = v4_call(
        &origin,
        &token,
        "GET",
        &format!("/payments/{id}"),
        &Value::Null,
    );
    assert_eq!(
        (&payment["state"], &payment["charge"]["state"]),
        (&json!("PAID"), &json!("SUCCEEDED"))
    );
    assert_eq!(payment["order_number"], "v4-sigterm");
    assert_eq!(second.terminate().code(), Some(0));

    // A hostile v4 section stops the next start with one line that quotes none of it.
    let mut saved: Value = serde_json::from_slice(&fs::read(&state).unwrap()).unwrap();
    saved["v4"]["payments"][0]["refunds"] = json!([{
        "id": "<script>", "state": "SUCCESS", "amount": 1,
        "created_ms": 0, "updated_ms": null, "settles_ms": null,
    }]);
    fs::write(&state, saved.to_string()).unwrap();
    let why = refused_start("state", &state);
    assert!(
        why.contains(&format!("v4 payment {id}: refund 0: its id is not one")),
        "{why}"
    );
    assert!(!why.contains("<script>"), "{why}");
}

/// Whether this process runs as root: the owner of a directory it just made.
fn running_as_root(dir: &Path) -> bool {
    fs::metadata(dir).unwrap().uid() == 0
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_save_that_cannot_be_written_leaves_the_old_file_whole() {
    let dir = Scratch::new("state-readonly");
    let state = dir.join("state.json");
    let root = running_as_root(dir.path());
    if root {
        std::os::unix::fs::chown(dir.path(), Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let start = || {
        let mut binary = command();
        binary.args(["--port", "0", "--state", state.to_str().unwrap()]);
        if root {
            binary.uid(NOBODY).gid(NOBODY);
        }
        Running::spawn(binary, &[])
    };
    let seed = |origin: &str, id: u64| {
        let body = json!({"id": id, "state": "PAID", "amount": 100, "currency": "CZK"});
        assert_eq!(control(origin, "POST", "/payments", &body).status, 200);
    };

    let mut first = start();
    seed(first.origin(), 3_000_000_100);
    let saved = control(first.origin(), "POST", "/save", &Value::Null);
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["payments"], 1);
    let old = fs::read(&state).unwrap();

    // The directory turns read-only: no temporary file can be made beside the state file.
    set_mode(dir.path(), 0o555);
    seed(first.origin(), 3_000_000_200);
    let refused = control(first.origin(), "POST", "/save", &Value::Null);
    assert_eq!(refused.status, 500, "{}", refused.body);
    let message = refused.json()["errors"][0]["message"].to_string();
    assert!(
        message.contains("state.json") && message.contains("left as it was"),
        "{message}"
    );
    assert_eq!(fs::read(&state).unwrap(), old);
    // The save at the stop fails the same way, and says so with the exit status.
    assert_eq!(first.terminate().code(), Some(1));
    assert_eq!(fs::read(&state).unwrap(), old);
    assert_eq!(dir.names(), ["state.json", "state.json.lock"]);

    set_mode(dir.path(), 0o755);
    let mut second = start();
    assert_eq!(
        held_payments(second.origin()),
        [(3_000_000_100, "PAID".to_owned())]
    );
    assert_eq!(second.terminate().code(), Some(0));
}

#[test]
fn a_state_file_it_cannot_read_stops_the_start_with_one_line() {
    let dir = Scratch::new("state-refused");
    let state = dir.join("state.json");

    fs::write(&state, b"\x00\x01 not json at all").unwrap();
    assert!(refused_start("state", &state).starts_with("is not JSON"));

    fs::write(&state, br#"{"version": 99, "payments": "from the future"}"#).unwrap();
    let why = refused_start("state", &state);
    assert!(
        why.contains("has version 99") && why.contains("version 1 only"),
        "{why}"
    );

    // A token where a number belongs is refused without being shown.
    let secret = "Zm9yZ290dGVuLXRva2VuLXNlY3JldA==";
    let misplaced = json!({
        "version": 1, "origin": "http://127.0.0.1:1", "clock_offset_ms": 0,
        "next_ids": {"payment": 1, "card": 1, "refund": 1},
        "payments": [], "cards": [], "notifications": [],
        "tokens": [{"token": "t", "scope": "payment-all", "expires_ms": secret}],
    });
    fs::write(&state, misplaced.to_string()).unwrap();
    let why = refused_start("state", &state);
    assert!(
        why.contains("invalid type") && !why.contains(secret),
        "{why}"
    );

    // Planted links are refused, even to a valid file.
    let elsewhere = dir.join("elsewhere.json");
    fs::write(&elsewhere, b"{}").unwrap();
    fs::remove_file(&state).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &state).unwrap();
    assert!(refused_start("state", &state).contains("symbolic link"));
    assert_eq!(fs::read(&elsewhere).unwrap(), b"{}");

    fs::remove_file(&state).unwrap();
    fs::create_dir(&state).unwrap();
    assert_eq!(refused_start("state", &state), "is not a regular file");
}

#[test]
fn a_second_binary_on_a_used_state_file_refuses_until_the_first_is_gone_even_killed() {
    let dir = Scratch::new("state-locked-binary");
    let state = dir.join("state.json");
    let args = ["--port", "0", "--state", state.to_str().unwrap()];
    let seed = |origin: &str, id: u64| {
        let body = json!({"id": id, "state": "PAID", "amount": 100, "currency": "CZK"});
        assert_eq!(control(origin, "POST", "/payments", &body).status, 200);
    };

    let mut first = Running::start(&args, &[]);
    seed(first.origin(), 3_000_000_300);
    let saved = control(first.origin(), "POST", "/save", &Value::Null);
    assert_eq!(saved.status, 200, "{}", saved.body);
    let on_disk = fs::read(&state).unwrap();

    let why = refused_start("state", &state);
    assert_eq!(
        why,
        "is in use by another simulator, which holds its lock file \"state.json.lock\": stop \
         that one first, or give this one a state file of its own"
    );
    assert!(
        first.child.try_wait().unwrap().is_none(),
        "the first runs on"
    );
    assert_eq!(
        held_payments(first.origin()),
        [(3_000_000_300, "PAID".to_owned())]
    );
    assert_eq!(
        fs::read(&state).unwrap(),
        on_disk,
        "the refused one wrote nothing"
    );

    // SIGKILL: no save at the stop, and no chance to unlock; the operating system does.
    seed(first.origin(), 3_000_000_301);
    first.child.kill().unwrap();
    assert_eq!(first.child.wait().unwrap().signal(), Some(9));
    let mut second = Running::start(&args, &[]);
    assert_eq!(
        held_payments(second.origin()),
        [(3_000_000_300, "PAID".to_owned())],
        "only the last save"
    );
    assert_eq!(second.terminate().code(), Some(0));
}
