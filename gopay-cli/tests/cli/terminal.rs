//! What a hostile gateway's text does on a person's terminal, and what a closed pipe does
//! to the `gopay` command: the confirmation prompt on a pseudo-terminal, tables and error
//! lines with escape sequences in every text field, and readers that went away.

use crate::support;

use std::process::{Command, Stdio};

use gopay_simulator::{Fault, FaultTarget, Simulator};
use serde_json::json;

use support::{acts_on_a_terminal, bare_gopay, create, gopay, on_a_terminal, run, TempDir};

/// A currency that moves the cursor up a line, clears it and writes a smaller refund there.
const FORGED_CURRENCY: &str = "CZK\u{1b}[1A\u{1b}[2K\rgopay: about to refund 0.01 CZK";

/// Text the terminal shows, with its `\r\n` line ends made `\n`: the `\r` left over is one
/// the command printed.
fn shown(terminal: &str) -> String {
    terminal.replace("\r\n", "\n")
}

/// Answers the next `count` API requests with `body`, as a hostile gateway (or whatever
/// sits in front of it) would.
fn answer_with(sim: &Simulator, body: serde_json::Value, count: u32) {
    sim.inject(Fault::Answer {
        target: FaultTarget::Api,
        status: 200,
        content_type: "application/json",
        body: body.to_string(),
        count,
    });
}

#[test]
fn the_prompt_shows_what_the_gateway_sent_escaped_on_a_terminal() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "hostile-prompt");
    sim.pay(id).unwrap();
    // The payment read for the prompt.
    answer_with(
        &sim,
        json!({"id": id, "state": "PAID", "amount": 999_900, "currency": FORGED_CURRENCY,
               "order_number": "\u{1b}]0;pwned\u{7}\u{202e}gnp.exe\u{9b}2J"}),
        1,
    );
    sim.clear_requests();

    let terminal = on_a_terminal(
        &gopay(&sim, &cache),
        &["refund", &id.to_string(), "999900"],
        "n\n",
    );
    let screen = shown(&terminal.stdout);
    assert_eq!(terminal.code, Some(2), "{screen:?}");
    assert!(!screen.chars().any(acts_on_a_terminal), "{screen:?}");
    assert!(
        screen.contains(&format!(
            "gopay: about to refund 9999.00 CZK\\u{{1b}}[1A\\u{{1b}}[2K\\u{{d}}gopay: about to \
             refund 0.01 CZK of payment {id}\n"
        )),
        "{screen:?}"
    );
    assert!(
        screen.contains("order \\u{1b}]0;pwned\\u{7}\\u{202e}gnp.exe\\u{9b}2J, 9999.00 CZK\\u{1b}"),
        "{screen:?}"
    );
    assert!(screen.contains("Proceed? [y/N] "), "{screen:?}");
    assert!(
        screen.contains("not confirmed; nothing was done"),
        "{screen:?}"
    );
    let sent: Vec<_> = sim.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(sent, ["GET"], "only the payment was read");
}

#[test]
fn the_card_prompt_shows_what_the_gateway_sent_escaped_on_a_terminal() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    create(&sim, &cache, "hostile-card");
    answer_with(
        &sim,
        json!({"card_id": 3011475940_u64, "card_brand": "VISA\u{1b}[2K\r",
               "card_number": "4444\u{2066}****\u{2069}", "card_expiration": "2030\u{85}",
               "status": "ACTIVE\u{1b}[8m"}),
        1,
    );
    let terminal = on_a_terminal(&gopay(&sim, &cache), &["delete-card", "3011475940"], "n\n");
    let screen = shown(&terminal.stdout);
    assert_eq!(terminal.code, Some(2), "{screen:?}");
    assert!(!screen.chars().any(acts_on_a_terminal), "{screen:?}");
    assert!(
        screen.contains(
            "card 3011475940: VISA\\u{1b}[2K\\u{d} 4444\\u{2066}****\\u{2069}, expires \
             2030\\u{85}, status ACTIVE\\u{1b}[8m\n"
        ),
        "{screen:?}"
    );
}

#[test]
fn tables_and_error_lines_show_a_hostile_currency_escaped() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "hostile-tables").to_string();
    answer_with(
        &sim,
        json!({"id": 1, "state": "PAID", "amount": 999_900, "currency": FORGED_CURRENCY}),
        1,
    );
    let table = run(
        &mut gopay(&sim, &cache),
        &["status", &id, "--format", "table"],
    );
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert!(
        !table.stdout.chars().any(acts_on_a_terminal),
        "{:?}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("amount  9999.00 CZK\\u{1b}[1A\\u{1b}[2K\\u{d}gopay: about"),
        "{:?}",
        table.stdout
    );

    answer_with(
        &sim,
        json!([{"id": 7, "payment_id": 1, "state": "FINISHED\u{1b}[0m", "amount": 1,
                "currency": FORGED_CURRENCY, "date_requested": "2026\u{202e}"}]),
        1,
    );
    let refunds = run(
        &mut gopay(&sim, &cache),
        &["refunds", &id, "--format", "table"],
    );
    assert_eq!(refunds.code, Some(0), "{}", refunds.stderr);
    assert!(
        !refunds.stdout.chars().any(acts_on_a_terminal),
        "{:?}",
        refunds.stdout
    );
    assert_eq!(refunds.stdout.lines().count(), 2, "{:?}", refunds.stdout);

    // GoPay's refusal, its details full of escapes: one clean line on stderr.
    sim.inject(Fault::Answer {
        target: FaultTarget::Api,
        status: 409,
        content_type: "application/json",
        body: json!({"errors": [{"scope": "G", "field": "a\u{1b}[2Kb",
                                 "error_code": 303, "error_name": "X\r\nY\u{9b}",
                                 "message": "m\u{202e}\u{7}"}]})
        .to_string(),
        count: 1,
    });
    let refused = run(&mut gopay(&sim, &cache), &["status", &id]);
    let line = refused.failed_with(3);
    assert!(!line.chars().any(acts_on_a_terminal), "{line:?}");
}

/// Runs `command` with `args`, its stdout a pipe whose reader is gone before it writes (a
/// `| head -c1` that already read its byte): the exit code and stderr.
fn with_stdout_closed(command: &mut Command, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let child = command
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the gopay command");
    let output = child
        .wait_with_output()
        .expect("wait for the gopay command");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_the_command_quietly_with_its_own_status() {
    let home = TempDir::new();
    for shell in ["bash", "zsh"] {
        let (code, stderr) = with_stdout_closed(&mut bare_gopay(&home), &["completions", shell]);
        assert_eq!(code, Some(0), "{shell}: {stderr}");
        assert!(stderr.is_empty(), "{shell}: {stderr}");
    }

    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "closed-pipe");
    let (code, stderr) = with_stdout_closed(&mut gopay(&sim, &cache), &["status", &id.to_string()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let (code, stderr) = with_stdout_closed(
        &mut gopay(&sim, &cache),
        &["status", &id.to_string(), "--format", "table"],
    );
    assert_eq!((code, stderr.as_str()), (Some(0), ""));

    // Money moved whether or not anybody read the answer: the status says it did.
    sim.pay(id).unwrap();
    let (code, stderr) = with_stdout_closed(
        &mut gopay(&sim, &cache),
        &["refund", &id.to_string(), "2500", "--yes"],
    );
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert_eq!(
        sim.payment(id).unwrap().state,
        Some(gopay::PaymentState::PartiallyRefunded)
    );

    // A failure keeps its own status and says why on stderr.
    let (code, stderr) = with_stdout_closed(&mut gopay(&sim, &cache), &["status", "1"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.starts_with("gopay: ") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn a_reader_that_stops_after_one_byte_ends_the_command_quietly() {
    let home = TempDir::new();
    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    let mut command = bare_gopay(&home);
    let child = command
        .args(["completions", "bash"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the gopay command");
    // `command` holds the other copy of the writer: drop it, or the pipe never closes.
    drop(command);
    let mut byte = [0_u8; 1];
    std::io::Read::read_exact(&mut reader, &mut byte).expect("the first byte");
    drop(reader);
    let output = child
        .wait_with_output()
        .expect("wait for the gopay command");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_closed_stderr_keeps_the_status_of_the_failure() {
    let home = TempDir::new();
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = bare_gopay(&home)
        .args(["status", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(writer)
        .output()
        .expect("run the gopay command");
    assert_eq!(output.status.code(), Some(2), "missing settings: usage");
    assert!(output.stdout.is_empty());
}
