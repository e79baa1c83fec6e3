//! `SimulatorBuilder::state_file` in-process: stopping (or dropping) saves and the next start
//! restores payments, refunds, cards, notifications and ids; an unfinished notification is
//! attempted again; `POST /_simulator/save` is guarded and needs a state file; a reader
//! holding the file keeps reading the old, whole one; a second simulator on the same file
//! refuses to start while the first runs, and a link planted at its lock file is never
//! followed.

use std::fs;
use std::io::Read;
use std::time::Duration;

use gopay::{Card, Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::{Error, Simulator};
use serde_json::Value;

use crate::support::http::{control, send};
use crate::support::scratch::Scratch;
use crate::support::shop::{Shop, WAIT};

fn order(number: &str, notify: &str) -> PaymentRequest {
    PaymentRequest::new(2000, Currency::Czk, number)
        .item(Item::new("Plate", 2000))
        .callback("https://shop.example/return", notify)
}

fn origin(sim: &Simulator) -> String {
    sim.gateway_url().trim_end_matches("/api").to_owned()
}

#[test]
fn stopping_and_starting_again_keeps_what_the_gateway_held() {
    let dir = Scratch::new("state-process");
    let path = dir.join("state.json");
    let shop = Shop::start(Vec::new());
    assert!(!path.exists());
    let first = Simulator::builder().state_file(&path).start().unwrap();
    let client = Client::new(first.config()).unwrap();
    let id = client
        .create_payment(&order("kept-1", &shop.url))
        .unwrap()
        .id;
    first.pay(id).unwrap();
    client.refund_payment(id, 500).unwrap();
    assert!(first.wait_for_notifications(WAIT));
    first.seed_card(Card::new(3_011_000_777)).unwrap();
    let before = first.payment(id).unwrap();
    let notifications = first.notifications();
    assert_eq!(notifications.len(), 2);
    let first_origin = origin(&first);
    first.stop().unwrap();

    let second = Simulator::builder().state_file(&path).start().unwrap();
    let mut expected = before.clone();
    expected.gw_url = before
        .gw_url
        .map(|url| url.replace(&first_origin, &origin(&second)));
    assert_eq!(second.payment(id), Some(expected));
    assert!(second.card(3_011_000_777).is_some());
    assert_eq!(second.notifications(), notifications);
    assert!(second.requests().is_empty(), "the request log is not kept");
    let client = Client::new(second.config()).unwrap();
    let refunds = client.get_history_of_refunds(id).unwrap();
    assert_eq!(refunds.len(), 1);
    client.refund_payment(id, 500).unwrap();
    let refunds = client.get_history_of_refunds(id).unwrap();
    assert_eq!(refunds[1].id, refunds[0].id + 1, "refund ids continue");
    let next = client.create_payment(&order("kept-2", &shop.url)).unwrap();
    assert_eq!(next.id, id + 1, "payment ids continue");
    let detail = control(
        &origin(&second),
        "GET",
        &format!("/payments/{id}"),
        &Value::Null,
    );
    assert_eq!(detail.json()["request"]["order_number"], "kept-1");
    // Dropping saves as stopping does.
    drop(second);

    let third = Simulator::builder().state_file(&path).start().unwrap();
    let client = Client::new(third.config()).unwrap();
    assert_eq!(client.get_history_of_refunds(id).unwrap().len(), 2);
    assert_eq!(
        third.payment(id).unwrap().state,
        Some(PaymentState::PartiallyRefunded)
    );
    assert!(third.payment(id + 1).is_some());
}

#[test]
fn an_unfinished_notification_is_attempted_again_after_a_restart() {
    let dir = Scratch::new("state-notify");
    let path = dir.join("state.json");
    // The first attempt is answered 500; the next one would come an hour later.
    let shop = Shop::start(vec![500]);
    let first = Simulator::builder()
        .state_file(&path)
        .notification_retry_delay(Duration::from_secs(3600))
        .start()
        .unwrap();
    let client = Client::new(first.config()).unwrap();
    let id = client
        .create_payment(&order("retry-1", &shop.url))
        .unwrap()
        .id;
    first.pay(id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    first.stop().unwrap();

    let second = Simulator::builder().state_file(&path).start().unwrap();
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    assert!(second.wait_for_notifications(WAIT));
    let log = second.notifications();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].attempts, log[0].delivered), (2, true));
    assert_eq!(log[0].last_status, Some(200));
}

#[test]
fn saving_over_http_is_guarded_and_needs_a_state_file() {
    let dir = Scratch::new("state-save");
    let path = dir.join("state.json");
    let sim = Simulator::builder().state_file(&path).start().unwrap();
    let save = format!("{}/_simulator/save", origin(&sim));
    let foreign = send("POST", &save, &[("Origin", "http://evil.example")], b"");
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    assert!(!path.exists(), "a refused save writes nothing");
    let own = send("POST", &save, &[("Origin", &origin(&sim))], b"");
    assert_eq!(own.status, 200, "{}", own.body);
    let counts = own.json();
    assert_eq!(
        (&counts["payments"], &counts["cards"], &counts["tokens"]),
        (&Value::from(0), &Value::from(0), &Value::from(0))
    );
    assert!(path.exists());

    let without = Simulator::start().unwrap();
    let refused = control(&origin(&without), "POST", "/save", &Value::Null);
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(matches!(
        without.save(),
        Err(Error::Refused {
            field: "state_file",
            ..
        })
    ));
}

#[test]
fn a_reader_holding_the_file_keeps_reading_the_old_whole_one() {
    let dir = Scratch::new("state-held");
    let path = dir.join("state.json");
    let sim = Simulator::builder().state_file(&path).start().unwrap();
    sim.save().unwrap();
    let mut held = fs::File::open(&path).unwrap();
    sim.seed_payment(gopay::Payment::new(3_000_000_900), None)
        .unwrap();
    sim.save().unwrap();
    let mut old = String::new();
    held.read_to_string(&mut old).unwrap();
    let old: Value = serde_json::from_str(&old).unwrap();
    assert_eq!(old["payments"].as_array().unwrap().len(), 0);
    let new: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(new["payments"][0]["payment"]["id"], 3_000_000_900_u64);
}

#[test]
fn a_state_file_that_cannot_be_restored_is_an_error_naming_it() {
    let dir = Scratch::new("state-error");
    let path = dir.join("state.json");
    fs::write(&path, br#"{"version": 1}"#).unwrap();
    match Simulator::builder().state_file(&path).start() {
        Err(Error::File {
            file,
            path: named,
            message,
            ..
        }) => {
            assert_eq!((file, named), ("state", path.clone()));
            assert!(message.contains("missing field"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    fs::remove_file(&path).unwrap();
    let fresh = Simulator::builder().state_file(&path).start().unwrap();
    assert!(
        fresh.payment(3_000_000_001).is_none(),
        "a missing file: a fresh start"
    );
}

#[test]
fn a_second_simulator_on_the_same_state_file_refuses_until_the_first_is_dropped() {
    let dir = Scratch::new("state-locked");
    let path = dir.join("state.json");
    let first = Simulator::builder().state_file(&path).start().unwrap();
    first
        .seed_payment(gopay::Payment::new(3_000_000_700), None)
        .unwrap();
    // Another spelling of the same path locks the same file.
    let respelled = dir.path().join(".").join("state.json");
    for spelling in [&path, &respelled] {
        let refused = Simulator::builder()
            .state_file(spelling)
            .start()
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            format!(
                "state file {spelling:?}: is in use by another simulator, which holds its lock \
                 file \"state.json.lock\": stop that one first, or give this one a state file \
                 of its own"
            )
        );
        assert!(
            matches!(
                &refused,
                Error::File { file: "state", path: named, source: None, .. } if named == spelling
            ),
            "{refused:?}"
        );
    }
    assert!(!path.exists(), "the refused simulators wrote nothing");
    // The first one still serves, and dropping it saves what it held.
    assert!(first.payment(3_000_000_700).is_some());
    drop(first);

    let second = Simulator::builder().state_file(&path).start().unwrap();
    assert!(second.payment(3_000_000_700).is_some());
    assert_eq!(
        dir.names(),
        ["state.json", "state.json.lock"],
        "the lock file stays"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let lock = fs::metadata(dir.join("state.json.lock")).unwrap();
        assert_eq!(lock.permissions().mode() & 0o777, 0o600);
    }
    // Stopping releases the lock as dropping does.
    second.stop().unwrap();
    let third = Simulator::builder().state_file(&path).start().unwrap();
    assert!(third.payment(3_000_000_700).is_some());
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_the_lock_file_is_never_followed() {
    use std::os::unix::fs::{symlink, PermissionsExt};

    let dir = Scratch::new("state-lock-link");
    let path = dir.join("state.json");
    let lock = dir.join("state.json.lock");
    let refusal = |why: &str| {
        format!("state file {path:?}: cannot be locked: its lock file \"state.json.lock\" {why}")
    };
    let link_refusal = refusal("is a symbolic link, which the simulator never follows: remove it");
    let start = || Simulator::builder().state_file(&path).start();

    // A link to a file of the user's: refused, the file neither locked nor changed.
    let victim = dir.join("victim.txt");
    fs::write(&victim, b"precious").unwrap();
    fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
    symlink(&victim, &lock).unwrap();
    assert_eq!(start().unwrap_err().to_string(), link_refusal);
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    let mode = fs::metadata(&victim).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644, "{mode:o}");

    // A dangling link: nothing is created where it points.
    fs::remove_file(&lock).unwrap();
    let target = dir.join("planted.json");
    symlink(&target, &lock).unwrap();
    assert_eq!(start().unwrap_err().to_string(), link_refusal);
    assert!(!target.exists());

    fs::remove_file(&lock).unwrap();
    fs::create_dir(&lock).unwrap();
    assert_eq!(
        start().unwrap_err().to_string(),
        refusal("is not a regular file")
    );
    assert!(!path.exists());

    // Once the planted name is gone, the simulator makes a lock file of its own.
    fs::remove_dir(&lock).unwrap();
    let sim = start().unwrap();
    assert!(fs::symlink_metadata(&lock).unwrap().file_type().is_file());
    drop(sim);
}
