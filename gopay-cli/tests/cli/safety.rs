//! What keeps the `gopay` command from moving money by accident: the confirmation rule,
//! the timeout and the exit code of an unknown outcome; and what `--help` and
//! `completions` print.

use crate::support;

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use gopay_simulator::{Fault, FaultTarget, Simulator};

use support::{bare_gopay, create, create_with, gopay, run, TempDir};

/// Every money-moving command line for payment (or card) `id`, without `--yes`.
fn money_moving(id: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["refund", id, "2500"],
        vec!["capture", id],
        vec!["capture", id, "--amount", "100"],
        vec!["void-authorization", id],
        vec![
            "recur",
            id,
            "--amount",
            "500",
            "--currency",
            "CZK",
            "--order",
            "next",
        ],
        vec!["void-recurrence", id],
        vec!["delete-card", id],
    ]
}

#[test]
fn without_yes_and_without_a_terminal_nothing_is_sent() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "no-yes");
    sim.pay(id).unwrap();
    sim.clear_requests();
    let tokens = sim.token_requests();
    let id = id.to_string();

    for args in money_moving(&id) {
        // `output()` gives the child no stdin at all.
        let refused = run(&mut gopay(&sim, &cache), &args);
        let line = refused.failed_with(2);
        assert!(
            line.starts_with("gopay: not confirmed: to ") && line.contains("pass --yes"),
            "{args:?}: {line}"
        );
        assert!(line.contains("nothing was sent"), "{args:?}: {line}");
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    assert_eq!(sim.token_requests(), tokens);
    assert_eq!(
        sim.payment(id.parse().unwrap()).unwrap().state,
        Some(gopay::PaymentState::Paid)
    );
}

#[test]
fn a_yes_in_a_pipe_is_not_a_confirmation() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "piped-yes");
    sim.pay(id).unwrap();
    sim.clear_requests();

    let mut child = gopay(&sim, &cache)
        .args(["refund", &id.to_string(), "10000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The child may exit before reading: a broken pipe here is expected.
    let _ = child.stdin.take().unwrap().write_all(b"y\nyes\n");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("pass --yes"), "{stderr}");
    assert!(
        !stderr.contains("Proceed?"),
        "no question without a terminal: {stderr}"
    );
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    assert_eq!(
        sim.payment(id).unwrap().state,
        Some(gopay::PaymentState::Paid)
    );
}

#[test]
fn creating_asks_nothing() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    // No --yes and no terminal: creating a payment charges nobody.
    let created = create_with(&sim, &cache, "just-create", &["--preauthorize"]);
    assert_eq!(created["preauthorization"]["requested"], true, "{created}");
}

#[test]
fn a_timeout_is_exit_4_within_the_timeout() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "slow-status");
    // Every attempt of the GET (the client repeats GETs) is slower than the timeout.
    sim.inject(Fault::Delay {
        target: FaultTarget::Api,
        delay: Duration::from_secs(20),
        count: 5,
    });
    let started = Instant::now();
    let slow = run(
        &mut gopay(&sim, &cache),
        &["status", &id.to_string(), "--timeout", "1"],
    );
    let elapsed = started.elapsed();
    let line = slow.failed_with(4);
    assert!(line.contains("timed out"), "{line}");
    assert!(
        elapsed < Duration::from_secs(4),
        "{elapsed:?} for a 1 s timeout"
    );
}

#[test]
fn a_money_moving_timeout_is_exit_5_and_says_where_to_look() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "slow-refund");
    sim.pay(id).unwrap();
    // The refund arrives, but its answer comes after the timeout: it may have happened.
    sim.inject(Fault::Delay {
        target: FaultTarget::Api,
        delay: Duration::from_secs(20),
        count: 1,
    });
    let started = Instant::now();
    let slow = run(
        &mut gopay(&sim, &cache),
        &["--timeout", "1", "refund", &id.to_string(), "2500", "--yes"],
    );
    let elapsed = started.elapsed();
    let line = slow.failed_with(5);
    assert!(
        line.contains("the outcome is unknown")
            && line.ends_with(&format!("look before repeating it: gopay refunds {id}")),
        "{line}"
    );
    assert!(
        elapsed < Duration::from_secs(4),
        "{elapsed:?} for a 1 s timeout"
    );
    let posts = sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/refund"))
        .count();
    assert_eq!(posts, 1, "sent once, never repeated");

    // GoPay refusing outright is not an unknown outcome.
    let unpaid = create(&sim, &cache, "unpaid");
    let refused = run(
        &mut gopay(&sim, &cache),
        &["refund", &unpaid.to_string(), "2500", "--yes"],
    );
    let line = refused.failed_with(3);
    assert!(!line.contains("outcome"), "{line}");
}

#[test]
fn help_lists_the_exit_codes_and_the_confirmation_rule() {
    let home = TempDir::new();
    let help = run(&mut bare_gopay(&home), &["--help"]);
    assert_eq!(help.code, Some(0), "{}", help.stderr);
    for expected in [
        "Exit codes:",
        "  0  success",
        "  1  anything else",
        "  2  usage or configuration error, or a money-moving command not confirmed",
        "  3  GoPay refused the request",
        "  4  no usable answer",
        "  5  outcome unknown",
        "A closed stdout",
        "exits with the code it\nhad anyway",
        "Proceed? [y/N]",
        "--yes",
        "void-authorization",
        "completions",
    ] {
        assert!(
            help.stdout.contains(expected),
            "{expected:?} in {}",
            help.stdout
        );
    }
}

#[test]
fn completions_need_no_credentials() {
    let home = TempDir::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = run(&mut bare_gopay(&home), &["completions", shell]);
        assert_eq!(script.code, Some(0), "{shell}: {}", script.stderr);
        assert!(script.stdout.contains("gopay"), "{shell}");
        assert!(script.stdout.contains("void-recurrence"), "{shell}");
    }
    let bash = run(&mut bare_gopay(&home), &["completions", "bash"]);
    assert!(
        bash.stdout.contains("complete -F _gopay"),
        "{}",
        bash.stdout
    );
    assert_eq!(
        run(&mut bare_gopay(&home), &["completions", "tcsh"]).code,
        Some(2)
    );
}

#[test]
fn bad_values_are_usage_errors() {
    let home = TempDir::new();
    for args in [
        &[
            "statement",
            "--from",
            "2025-1-1",
            "--to",
            "2025-01-31",
            "--currency",
            "CZK",
        ][..],
        &[
            "statement",
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "--currency",
            "CZK",
            "--format",
            "csv-z",
        ],
        &["capture", "1", "--amount", "0", "--yes"],
        &["qr", "1", "--code", "sepa"],
        &["qr", "1", "--format", "gif"],
        &[
            "create",
            "--amount",
            "100",
            "--currency",
            "CZK",
            "--order",
            "1",
            "--recurrence",
            "on-demand",
        ],
        &["--timeout", "0", "status", "1"],
        &[
            "recur",
            "1",
            "--amount",
            "100",
            "--currency",
            "CZK",
            "--yes",
        ],
        &["instruments", "XYZ"],
    ] {
        let usage = run(&mut bare_gopay(&home), args);
        assert_eq!(usage.code, Some(2), "{args:?}: {}", usage.stderr);
        assert!(usage.stdout.is_empty(), "{args:?}");
    }
}
