//! The `gopay` command (the binary cargo builds for these tests) run as a program against
//! a simulator started here: output, exit codes, the shared file token cache, and errors
//! that stay on one line without the secret.

use crate::support;

use gopay_simulator::{Fault, FaultTarget, Simulator};

use support::{acts_on_a_terminal, bare_gopay, create, gopay, run, TempDir};

#[test]
fn create_status_refund_with_one_token_for_every_invocation() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();

    let created = run(
        &mut gopay(&sim, &cache),
        &[
            "create",
            "--amount",
            "10000",
            "--currency",
            "czk",
            "--order",
            "42",
            "--description",
            "Two T-shirts",
            "--return-url",
            "https://shop.example/return",
            "--notify-url",
            "http://127.0.0.1:9/notify",
            "--email",
            "jan@example.com",
        ],
    )
    .json();
    let id = created["id"].as_u64().expect("an id");
    assert!(
        created["gw_url"]
            .as_str()
            .is_some_and(|url| url.starts_with("http")),
        "{created}"
    );
    assert_eq!(created["state"], "CREATED");
    assert_eq!(created["order_number"], "42");
    assert_eq!(created["amount"], 10000);

    let status = run(&mut gopay(&sim, &cache), &["status", &id.to_string()]).json();
    assert_eq!(status["id"], id);
    assert_eq!(status["state"], "CREATED");

    sim.pay(id).unwrap();
    let status = run(&mut gopay(&sim, &cache), &["status", &id.to_string()]).json();
    assert_eq!(status["state"], "PAID");

    let refund = run(
        &mut gopay(&sim, &cache),
        &["refund", &id.to_string(), "2500", "--yes"],
    )
    .json();
    assert_eq!(refund["id"], id);
    assert_eq!(refund["result"], "FINISHED");

    let instruments = run(&mut gopay(&sim, &cache), &["instruments", "CZK"]).json();
    assert!(
        instruments["enabledPaymentInstruments"].is_array(),
        "{instruments}"
    );

    assert_eq!(
        sim.token_requests(),
        1,
        "five invocations share the cached token"
    );
    let files = std::fs::read_dir(&cache.0).unwrap().count();
    assert!(files >= 1, "the token file is in GOPAY_CACHE_DIR");
}

#[test]
fn cache_dir_option_wins_over_the_environment() {
    let sim = Simulator::start().unwrap();
    let env_cache = TempDir::new();
    let option_cache = TempDir::new();
    for _ in 0..3 {
        let status = run(
            &mut gopay(&sim, &env_cache),
            &[
                "--cache-dir",
                option_cache.0.to_str().unwrap(),
                "instruments",
                "EUR",
            ],
        );
        status.json();
    }
    assert_eq!(sim.token_requests(), 1);
    assert!(std::fs::read_dir(&option_cache.0).unwrap().count() >= 1);
    assert_eq!(std::fs::read_dir(&env_cache.0).unwrap().count(), 0);
}

#[test]
fn table_format_prints_aligned_rows() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "43");
    sim.pay(id).unwrap();

    let status = run(
        &mut gopay(&sim, &cache),
        &["status", &id.to_string(), "--format", "table"],
    );
    assert_eq!(status.code, Some(0), "{}", status.stderr);
    let lines: Vec<&str> = status.stdout.lines().collect();
    assert_eq!(lines[0], format!("id            {id}"), "{}", status.stdout);
    assert!(lines.contains(&"state         PAID"), "{}", status.stdout);
    assert!(
        lines.contains(&"amount        100.00 CZK"),
        "{}",
        status.stdout
    );
    assert!(lines.contains(&"order_number  43"), "{}", status.stdout);

    let refund = run(
        &mut gopay(&sim, &cache),
        &[
            "--format",
            "table",
            "-y",
            "refund",
            &id.to_string(),
            "10000",
        ],
    );
    assert_eq!(refund.code, Some(0), "{}", refund.stderr);
    assert_eq!(
        refund.stdout,
        format!("id      {id}\nresult  FINISHED\n"),
        "{}",
        refund.stdout
    );

    let instruments = run(
        &mut gopay(&sim, &cache),
        &["instruments", "CZK", "--format", "table"],
    );
    assert_eq!(instruments.code, Some(0), "{}", instruments.stderr);
    let mut lines = instruments.stdout.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("INSTRUMENT") && header.contains("GROUP") && header.ends_with("BANKS"),
        "{}",
        instruments.stdout
    );
    assert!(
        instruments.stdout.contains("PAYMENT_CARD"),
        "{}",
        instruments.stdout
    );
}

#[test]
fn refusals_exit_3_with_one_line() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let id = create(&sim, &cache, "44");

    let refund = run(
        &mut gopay(&sim, &cache),
        &["refund", &id.to_string(), "10000", "--yes"],
    );
    let line = refund.failed_with(3);
    assert!(
        line.starts_with("gopay: GoPay refused the request (HTTP "),
        "{line}"
    );

    // A cache of its own: the shared cache would hand it the token the real secret got.
    let impostor_cache = TempDir::new();
    let mut impostor = gopay(&sim, &impostor_cache);
    impostor.env("GOPAY_CLIENT_SECRET", "not-the-secret");
    let denied = run(&mut impostor, &["status", &id.to_string()]);
    let line = denied.failed_with(3);
    assert!(line.contains("authentication failed"), "{line}");
    assert!(!line.contains("not-the-secret"), "{line}");
}

#[test]
fn an_unreachable_gateway_exits_4() {
    // A port that refuses connections: this test holds it bound and never listens.
    let (_held, port) = refusing_port();
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let mut command = gopay(&sim, &cache);
    command.env("GOPAY_GATEWAY_URL", format!("http://127.0.0.1:{port}"));
    let line = run(&mut command, &["status", "3000006529"])
        .failed_with(4)
        .to_owned();
    assert!(line.starts_with("gopay: transport error"), "{line}");
}

#[test]
fn missing_settings_and_bad_usage_exit_2() {
    let home = TempDir::new();
    let missing = run(&mut bare_gopay(&home), &["status", "3000006529"]);
    let line = missing.failed_with(2);
    assert!(line.contains("GOPAY_GOID"), "{line}");

    let mut no_secret = bare_gopay(&home);
    no_secret
        .env("GOPAY_GOID", "8123456789")
        .env("GOPAY_CLIENT_ID", "1744960415");
    let line = run(&mut no_secret, &["status", "3000006529"])
        .failed_with(2)
        .to_owned();
    assert!(line.contains("GOPAY_CLIENT_SECRET"), "{line}");

    let mut bad_url = bare_gopay(&home);
    bad_url
        .env("GOPAY_GOID", "8123456789")
        .env("GOPAY_CLIENT_ID", "1744960415")
        .env("GOPAY_CLIENT_SECRET", "s3cr3t-value")
        .env("GOPAY_GATEWAY_URL", "http://gateway.example");
    let bad = run(&mut bad_url, &["status", "3000006529"]);
    let line = bad.failed_with(2);
    assert!(line.contains("gateway URL"), "{line}");
    assert!(!line.contains("s3cr3t-value"), "{line}");

    for args in [
        &["refund", "abc", "100"][..],
        &["refund", "3000006529"],
        &["status", "0"],
        &[
            "create",
            "--amount",
            "100",
            "--currency",
            "XYZ",
            "--order",
            "1",
        ],
        &[
            "create",
            "--amount",
            "0",
            "--currency",
            "CZK",
            "--order",
            "1",
        ],
        &[
            "create",
            "--amount",
            "100",
            "--currency",
            "CZK",
            "--order",
            "1",
            "--return-url",
            "https://shop.example/return",
        ],
        &["status", "1", "--format", "yaml"],
        &["nonsense"],
        &[],
    ] {
        let usage = run(&mut bare_gopay(&home), args);
        assert_eq!(usage.code, Some(2), "{args:?}: {}", usage.stderr);
        assert!(usage.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn gateway_text_cannot_drive_the_terminal_or_forge_rows() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    // A hostile gateway (or whatever sits in front of it) answers both status calls.
    sim.inject(Fault::Answer {
        target: FaultTarget::Api,
        status: 200,
        content_type: "application/json",
        body: r#"{"id":3000006529,"state":"CREATED","amount":100,"currency":"CZK",
                "order_number":"\u001b[31mred\u001b[0m \u009b2J \u202egnp.exe",
                "gw_url":"https://gw.example/pay\r\nstate         CANCELED\u0007"}"#
            .into(),
        count: 2,
    });

    let table = run(
        &mut gopay(&sim, &cache),
        &["status", "3000006529", "--format", "table"],
    );
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert!(
        !table.stdout.chars().any(acts_on_a_terminal),
        "{:?}",
        table.stdout
    );
    let lines: Vec<&str> = table.stdout.lines().collect();
    let states: Vec<&&str> = lines.iter().filter(|l| l.starts_with("state")).collect();
    assert_eq!(states, [&"state         CREATED"], "{:?}", table.stdout);
    assert_eq!(
        lines.len(),
        5,
        "id, state, amount, order_number, gw_url: {lines:?}"
    );
    assert!(
        lines.contains(
            &"gw_url        https://gw.example/pay\\u{d}\\u{a}state         CANCELED\\u{7}"
        ),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"order_number  \\u{1b}[31mred\\u{1b}[0m \\u{9b}2J \\u{202e}gnp.exe"),
        "{lines:?}"
    );

    // JSON: the same values, escaped where JSON itself leaves them raw.
    let json = run(&mut gopay(&sim, &cache), &["status", "3000006529"]);
    assert!(
        !json.stdout.chars().any(acts_on_a_terminal),
        "{:?}",
        json.stdout
    );
    let value = json.json();
    assert_eq!(
        value["order_number"],
        "\u{1b}[31mred\u{1b}[0m \u{9b}2J \u{202e}gnp.exe"
    );
}

#[test]
fn an_answer_quoting_the_credentials_shows_none_of_them() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    // A first run leaves its token in the cache; the second sends it again.
    let id = create(&sim, &cache, "echo").to_string();
    let token = sim
        .requests()
        .iter()
        .find_map(|r| r.header("Authorization")?.strip_prefix("Bearer "))
        .map(str::to_owned)
        .expect("an API request with a bearer token");
    sim.inject(Fault::Answer {
        target: FaultTarget::Api,
        status: 200,
        content_type: "text/plain",
        body: format!(
            "\u{1b}[2J echo Bearer {token}\r\nsecond line {token} {}",
            sim.client_secret()
        ),
        count: 1,
    });
    let failed = run(&mut gopay(&sim, &cache), &["status", &id]);
    let line = failed.failed_with(4);
    assert!(line.contains("[redacted]"), "{line}");
    assert!(!line.chars().any(acts_on_a_terminal), "{line:?}");
    for secret in [token.as_str(), sim.client_secret()] {
        assert!(!line.contains(secret), "{secret:?} in {line}");
    }
}

#[test]
fn a_gateway_url_with_credentials_is_refused_without_showing_them() {
    let home = TempDir::new();
    for url in [
        "https://merchant:pw-SeCrEt-9@gw.example/api",
        "https://gw.example/api?access_token=ToKeN-in-query",
        "https://gw.example/api#ToKeN-in-FrAg",
    ] {
        let mut command = bare_gopay(&home);
        command
            .env("GOPAY_GOID", "8123456789")
            .env("GOPAY_CLIENT_ID", "1744960415")
            .env("GOPAY_CLIENT_SECRET", "s3cr3t-value")
            .env("GOPAY_GATEWAY_URL", url);
        let failed = run(&mut command, &["status", "3000006529"]);
        let line = failed.failed_with(2);
        assert!(
            line.contains("gateway URL") && line.contains("gw.example"),
            "{line}"
        );
        for secret in ["pw-SeCrEt-9", "merchant", "ToKeN-in", "s3cr3t-value"] {
            assert!(!line.contains(secret), "{secret:?} in {line}");
        }
    }
    // A secret pasted into the gateway URL, whole or in its path, is not shown either: the
    // URL is its scheme and host at most.
    for (url, shown) in [
        (
            "pAsTeD-SeCrEt-0xC0FFEE",
            "(GOPAY_GATEWAY_URL) (not shown) has no scheme",
        ),
        (
            "http://gw.example/pAsTeD-SeCrEt-0xC0FFEE",
            "(GOPAY_GATEWAY_URL) \"http://gw.example…\" uses plain http",
        ),
    ] {
        let mut command = bare_gopay(&home);
        command
            .env("GOPAY_GOID", "8123456789")
            .env("GOPAY_CLIENT_ID", "1744960415")
            .env("GOPAY_CLIENT_SECRET", "s3cr3t-value")
            .env("GOPAY_GATEWAY_URL", url);
        let failed = run(&mut command, &["status", "3000006529"]);
        let line = failed.failed_with(2);
        assert!(line.contains(shown), "{line}");
        assert!(!line.contains("pAsTeD-SeCrEt"), "{line}");
    }
    // And with no gateway at all: named, not silently the sandbox.
    let mut command = bare_gopay(&home);
    command
        .env("GOPAY_GOID", "8123456789")
        .env("GOPAY_CLIENT_ID", "1744960415")
        .env("GOPAY_CLIENT_SECRET", "s3cr3t-value");
    let failed = run(&mut command, &["status", "3000006529"]);
    let line = failed.failed_with(2);
    assert!(line.contains("GOPAY_GATEWAY_URL is not set"), "{line}");
}

#[test]
fn check_asks_gopay_whatever_the_cache_holds() {
    let sim = Simulator::start().unwrap();
    let cache = TempDir::new();
    let ok = run(&mut gopay(&sim, &cache), &["check"]).json();
    assert_eq!(ok, serde_json::json!({"ok": true}));
    let table = run(&mut gopay(&sim, &cache), &["check", "--format", "table"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert_eq!(table.stdout, "credentials OK\n");
    assert!(table.stderr.is_empty(), "{}", table.stderr);
    assert_eq!(sim.token_requests(), 2, "each check asks for a token");

    // The cache holds a good token for this client id: a wrong secret must still fail.
    let mut impostor = gopay(&sim, &cache);
    impostor.env("GOPAY_CLIENT_SECRET", "not-the-secret-42");
    let denied = run(&mut impostor, &["check"]);
    let line = denied.failed_with(3);
    assert!(line.contains("authentication failed"), "{line}");
    assert!(!line.contains("not-the-secret-42"), "{line}");
}

#[test]
fn a_broken_token_cache_is_one_warning_and_no_failure() {
    let sim = Simulator::start().unwrap();
    let home = TempDir::new();
    // A file where the cache directory should be: every cache operation fails.
    let not_a_dir = home.0.join("not-a-directory");
    std::fs::write(&not_a_dir, "x").unwrap();
    let mut command = gopay(&sim, &home);
    command.env("GOPAY_CACHE_DIR", &not_a_dir);
    let id = create(&sim, &TempDir::new(), "45");
    let status = run(&mut command, &["status", &id.to_string()]);
    assert_eq!(status.code, Some(0), "{}", status.stderr);
    let lines: Vec<&str> = status.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one warning: {:?}", status.stderr);
    assert!(
        lines[0].starts_with("gopay: warning: the token cache does not work"),
        "{}",
        lines[0]
    );
}

/// A loopback port nobody accepts on, held (never listening) for as long as the returned
/// sockets live, so no other test can take it meanwhile.
fn refusing_port() -> ([std::net::TcpStream; 2], u16) {
    // The local end of a connection holds its port; with nobody listening there, connecting
    // to it is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let near = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (far, _) = listener.accept().unwrap();
    let port = near.local_addr().unwrap().port();
    ([near, far], port)
}
