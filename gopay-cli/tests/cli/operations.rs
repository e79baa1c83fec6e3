//! Every operation of the `gopay` command against a simulator, with the customer's part
//! played by the simulator: refunds, captures, voids, recurrences, saved cards, payment
//! methods, statements and QR codes.

use crate::support;

use gopay::{AccountStatementRequest, Client, Currency, PaymentInstrument, StatementFormat};
use gopay_simulator::Simulator;
use serde_json::Value;

use support::{create, create_with, gopay, run, run_bytes, TempDir};

/// The JSON body of the last request to `path`.
fn last_body(sim: &Simulator, method: &str, path: &str) -> Value {
    let request = sim
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path.ends_with(path))
        .unwrap_or_else(|| panic!("no {method} {path}"));
    serde_json::from_slice(&request.body).expect("a JSON body")
}

#[test]
fn refund_then_refunds_lists_it() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "r-1");
    sim.pay(id).unwrap();
    let id = id.to_string();

    let refund = run(&mut gopay(&sim, &cache), &["refund", &id, "2500", "--yes"]).json();
    assert_eq!(refund["result"], "FINISHED");
    assert_eq!(
        sim.payment(id.parse().unwrap()).unwrap().state,
        Some(gopay::PaymentState::PartiallyRefunded)
    );

    let refunds = run(&mut gopay(&sim, &cache), &["refunds", &id]).json();
    let refunds = refunds.as_array().expect("a list");
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["amount"], 2500);
    assert_eq!(refunds[0]["state"], "SUCCESS");

    let table = run(
        &mut gopay(&sim, &cache),
        &["refunds", &id, "--format", "table"],
    );
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", table.stdout);
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("AMOUNT"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("SUCCESS  25.00 CZK"), "{}", lines[1]);
}

#[test]
fn capture_in_part_and_in_full() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let partial = create_with(&sim, &cache, "c-1", &["--preauthorize"])["id"]
        .as_u64()
        .unwrap();
    let full = create_with(&sim, &cache, "c-2", &["--preauthorize"])["id"]
        .as_u64()
        .unwrap();
    sim.authorize(partial).unwrap();
    sim.authorize(full).unwrap();

    let captured = run(
        &mut gopay(&sim, &cache),
        &["capture", &partial.to_string(), "--amount", "4000", "--yes"],
    )
    .json();
    assert_eq!(captured["result"], "FINISHED");
    let body = last_body(
        &sim,
        "POST",
        &format!("/payments/payment/{partial}/capture"),
    );
    assert_eq!(body["amount"], 4000);
    assert_eq!(body["items"][0]["amount"], 4000);
    let status = run(&mut gopay(&sim, &cache), &["status", &partial.to_string()]).json();
    assert_eq!(status["state"], "PAID");
    assert_eq!(status["amount"], 4000);

    let captured = run(
        &mut gopay(&sim, &cache),
        &["-y", "capture", &full.to_string()],
    )
    .json();
    assert_eq!(captured["result"], "FINISHED");
    let status = sim.payment(full).unwrap();
    assert_eq!(status.state, Some(gopay::PaymentState::Paid));
    assert_eq!(status.amount, Some(10000));

    // A second capture is GoPay's to refuse.
    let again = run(
        &mut gopay(&sim, &cache),
        &["capture", &full.to_string(), "--yes"],
    );
    again.failed_with(3);
}

#[test]
fn void_authorization_releases_the_hold() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create_with(&sim, &cache, "v-1", &["--preauthorize"])["id"]
        .as_u64()
        .unwrap();
    sim.authorize(id).unwrap();
    let voided = run(
        &mut gopay(&sim, &cache),
        &["void-authorization", &id.to_string(), "--yes"],
    )
    .json();
    assert_eq!(voided["result"], "FINISHED");
    assert_eq!(
        sim.payment(id).unwrap().state,
        Some(gopay::PaymentState::Canceled)
    );
}

#[test]
fn on_demand_recurrence_charges_then_stops() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let parent = create_with(
        &sim,
        &cache,
        "sub-1",
        &[
            "--recurrence",
            "on-demand",
            "--recurrence-until",
            "2099-12-31",
        ],
    );
    assert_eq!(
        parent["recurrence"]["recurrence_cycle"], "ON_DEMAND",
        "{parent}"
    );
    let id = parent["id"].as_u64().unwrap();
    sim.pay(id).unwrap();
    let id = id.to_string();

    let recur = [
        "recur",
        &id,
        "--amount",
        "500",
        "--currency",
        "CZK",
        "--order",
        "sub-2",
        "--yes",
    ];
    let child = run(&mut gopay(&sim, &cache), &recur).json();
    assert_eq!(
        child["parent_id"].as_u64().map(|p| p.to_string()),
        Some(id.clone())
    );
    assert_eq!(child["amount"], 500);
    assert_eq!(child["order_number"], "sub-2");
    assert_ne!(child["id"].to_string(), id);

    let stopped = run(&mut gopay(&sim, &cache), &["void-recurrence", &id, "--yes"]).json();
    assert_eq!(stopped["result"], "FINISHED");
    let status = run(&mut gopay(&sim, &cache), &["status", &id]).json();
    assert_eq!(
        status["recurrence"]["recurrence_state"], "STOPPED",
        "{status}"
    );

    // A stopped recurrence charges nobody: GoPay refuses.
    run(&mut gopay(&sim, &cache), &recur).failed_with(3);
}

#[test]
fn saved_card_details_then_delete() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create_with(&sim, &cache, "card-1", &["--save-card"])["id"]
        .as_u64()
        .unwrap();
    sim.pay_with(id, PaymentInstrument::PaymentCard).unwrap();
    let status = run(&mut gopay(&sim, &cache), &["status", &id.to_string()]).json();
    let card_id = status["payer"]["card_id"]
        .as_u64()
        .unwrap_or_else(|| panic!("a saved card: {status}"))
        .to_string();

    let card = run(&mut gopay(&sim, &cache), &["card", &card_id]).json();
    assert_eq!(card["card_id"].to_string(), card_id);
    assert_eq!(card["status"], "ACTIVE");
    let table = run(
        &mut gopay(&sim, &cache),
        &["card", &card_id, "--format", "table"],
    );
    assert!(
        table.stdout.contains("status          ACTIVE"),
        "{}",
        table.stdout
    );

    let deleted = run(
        &mut gopay(&sim, &cache),
        &["delete-card", &card_id, "--yes"],
    )
    .json();
    assert_eq!(
        deleted,
        serde_json::json!({"card_id": card_id.parse::<u64>().unwrap(), "deleted": true})
    );
    let card = run(&mut gopay(&sim, &cache), &["card", &card_id]).json();
    assert_eq!(card["status"], "DELETED");
}

#[test]
fn instruments_of_every_currency_are_the_clients_answer() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let printed = run(&mut gopay(&sim, &cache), &["instruments"]).json();
    let direct = Client::new(sim.config())
        .unwrap()
        .get_payment_instruments_all()
        .unwrap();
    assert_eq!(printed, serde_json::to_value(&direct).unwrap());
    assert!(!direct.enabled_payment_instruments.is_empty());
    assert!(sim
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path.ends_with("/payment-instruments")));
}

#[test]
fn statement_to_a_file_or_a_pipe_is_the_clients_bytes() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    for order in ["s-1", "s-2"] {
        sim.pay(create(&sim, &cache, order)).unwrap();
    }
    let dir = TempDir::new();
    let file = dir.0.join("statement.csv");
    let args = [
        "statement",
        "--from",
        "2000-01-01",
        "--to",
        "2099-12-31",
        "--currency",
        "CZK",
        "--format",
        "csv-b",
    ];
    let mut to_file = args.to_vec();
    to_file.extend(["--output", file.to_str().unwrap()]);
    let written = run(&mut gopay(&sim, &cache), &to_file).json();

    let direct = Client::new(sim.config())
        .unwrap()
        .get_account_statement(&AccountStatementRequest::new(
            "2000-01-01",
            "2099-12-31",
            sim.goid(),
            Currency::Czk,
            StatementFormat::CsvB,
        ))
        .unwrap();
    let saved = std::fs::read(&file).unwrap();
    assert_eq!(saved, direct);
    assert!(
        String::from_utf8_lossy(&saved).contains("s-2"),
        "both payments are in it"
    );
    assert_eq!(written["bytes"], direct.len());
    assert_eq!(written["output"], file.to_str().unwrap());
    let body = last_body(&sim, "POST", "/accounts/account-statement");
    assert_eq!(body["format"], "CSV_B");
    assert_eq!(body["goid"], sim.goid());

    // Without --output the file goes to stdout (a pipe here), and nothing else does.
    let piped = run_bytes(&mut gopay(&sim, &cache), &args);
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(piped.stdout, direct);
}

#[test]
fn qr_image_to_a_file_and_details_as_json() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "q-1").to_string();
    let dir = TempDir::new();

    let png = dir.0.join("qr.png");
    let written = run(
        &mut gopay(&sim, &cache),
        &["qr", &id, "--output", png.to_str().unwrap()],
    )
    .json();
    assert_eq!(written["code"], "spayd");
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{:?}",
        &bytes[..8.min(bytes.len())]
    );
    assert_eq!(written["bytes"], bytes.len());

    let svg = dir.0.join("qr.svg");
    let table = run(
        &mut gopay(&sim, &cache),
        &[
            "--format",
            "table",
            "qr",
            &id,
            "--format",
            "svg",
            "--output",
            svg.to_str().unwrap(),
        ],
    );
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert!(table.stdout.starts_with("wrote "), "{}", table.stdout);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("<svg"), "{text}");
    let last = sim.requests().pop().unwrap();
    assert!(
        last.path.ends_with("/qr-payment?format=svg"),
        "{}",
        last.path
    );

    let details = run(&mut gopay(&sim, &cache), &["qr", &id]).json();
    assert_eq!(details["amount"], 10000);
    assert!(details["qr_code"]["spayd"].is_string(), "{details}");

    // A kind of code GoPay did not send for a CZK payment: no usable answer.
    let sepa = dir.0.join("sepa.png");
    let missing = run(
        &mut gopay(&sim, &cache),
        &[
            "qr",
            &id,
            "--code",
            "sepa",
            "--output",
            sepa.to_str().unwrap(),
        ],
    );
    missing.failed_with(4);
    assert!(!sepa.exists());
}

/// A shared directory where another local user planted symbolic links under the names a
/// download writes to first and ends at: the download goes into a file of its own, private
/// to the user, and never through a link into the file the link points to.
#[cfg(unix)]
#[test]
fn a_download_never_writes_through_a_planted_symbolic_link() {
    use std::os::unix::fs::{symlink, PermissionsExt};

    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    sim.pay(create(&sim, &cache, "planted")).unwrap();
    let shared = TempDir::new();
    let victim = shared.0.join("victim-file");
    std::fs::write(&victim, "the victim's own content").unwrap();
    let file = shared.0.join("jan.csv");
    for planted in ["jan.csv", "jan.csv.part", "jan.csv.1.part"] {
        symlink(&victim, shared.0.join(planted)).unwrap();
    }
    let written = run(
        &mut gopay(&sim, &cache),
        &[
            "statement",
            "--from",
            "2000-01-01",
            "--to",
            "2099-12-31",
            "--currency",
            "CZK",
            "--output",
            file.to_str().unwrap(),
        ],
    )
    .json();

    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "the victim's own content"
    );
    let metadata = std::fs::symlink_metadata(&file).unwrap();
    assert!(metadata.is_file(), "the link was replaced by the download");
    assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
    let saved = std::fs::read(&file).unwrap();
    assert_eq!(written["bytes"], saved.len());
    assert!(String::from_utf8_lossy(&saved).contains("planted"));
    // The planted links that were in the way are still there, still links; the temporary
    // file of this run is gone.
    for planted in ["jan.csv.part", "jan.csv.1.part"] {
        assert!(std::fs::symlink_metadata(shared.0.join(planted))
            .unwrap()
            .is_symlink());
    }
    assert!(!shared.0.join("jan.csv.2.part").exists());
}
