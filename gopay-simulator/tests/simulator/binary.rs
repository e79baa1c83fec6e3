//! The `gopay-simulator` binary: flags and their environment variables, the first line, the
//! access log (never a query, never a hang when stdout is not read), a clean stop on
//! SIGTERM, and clients holding connections open past the open-file limit.
#![cfg(unix)]

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::Stdio;
use std::time::{Duration, Instant};

use gopay::{Client, Config, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::DEFAULT_GOID;

use crate::support::binary::{command, fetch_token, Running, Unread};

/// Creates a payment and reads its status; the payment's id and `gw_url`.
fn create_and_read(config: Config) -> (u64, String) {
    let client = Client::new(config).unwrap();
    let payment = client
        .create_payment(
            &PaymentRequest::new(4200, Currency::Czk, "bin-1").item(Item::new("Mug", 4200)),
        )
        .unwrap();
    let status = client.get_status(payment.id).unwrap();
    assert_eq!(status.state, Some(PaymentState::Created));
    (payment.id, payment.gw_url.unwrap_or_default())
}

#[test]
fn flags_set_the_credentials_and_each_exchange_is_logged_as_text() {
    let secret = "flag-secret-9f2c";
    let mut sim = Running::start(
        &[
            "--port",
            "0",
            "--client-id",
            "flag-id",
            "--client-secret",
            secret,
        ],
        &[],
    );
    let url = sim.gateway_url().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/api"),
        "{url}"
    );
    let token = fetch_token(&url, "flag-id", secret);
    let token_line = sim.next_line();
    assert!(
        token_line.starts_with("POST /api/oauth2/token 200 ") && token_line.ends_with("ms"),
        "{token_line}"
    );
    let (id, _) = create_and_read(Config::new(DEFAULT_GOID, "flag-id", secret, &url));
    let lines = [sim.next_line(), sim.next_line(), sim.next_line()];
    assert!(
        lines[0].starts_with("POST /api/oauth2/token 200 "),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("POST /api/payments/payment 200 "),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with(&format!("GET /api/payments/payment/{id} 200 ")),
        "{lines:?}"
    );
    for line in lines.iter().chain([&token_line]) {
        assert!(!line.contains(secret) && !line.contains(&token), "{line}");
    }
    // Other credentials are refused.
    let wrong = Client::new(Config::new(DEFAULT_GOID, "flag-id", "wrong", &url)).unwrap();
    assert!(wrong.get_status(id).is_err());
    assert!(sim.next_line().starts_with("POST /api/oauth2/token 403 "));
    assert_eq!(sim.terminate().code(), Some(0));
}

#[test]
fn environment_variables_set_the_flags_and_a_flag_wins() {
    let mut sim = Running::start(
        &["--client-secret", "flag-wins"],
        &[
            ("GOPAY_SIMULATOR_PORT", "0"),
            ("GOPAY_SIMULATOR_CLIENT_ID", "env-id"),
            ("GOPAY_SIMULATOR_CLIENT_SECRET", "env-loses"),
            ("GOPAY_SIMULATOR_LOG", "json"),
        ],
    );
    let url = sim.gateway_url().to_owned();
    assert!(
        !url.ends_with(":8899/api"),
        "GOPAY_SIMULATOR_PORT=0 ignored: {url}"
    );
    let refused = Client::new(Config::new(DEFAULT_GOID, "env-id", "env-loses", &url)).unwrap();
    assert!(refused.get_status(1).is_err());
    let line = sim.next_line();
    let json: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(json["method"], "POST", "{line}");
    assert_eq!(json["path"], "/api/oauth2/token", "{line}");
    assert_eq!(json["status"], 403, "{line}");
    assert!(json["ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
    let token = fetch_token(&url, "env-id", "flag-wins");
    let token_line = sim.next_line();
    let (id, _) = create_and_read(Config::new(DEFAULT_GOID, "env-id", "flag-wins", &url));
    let lines = [
        token_line,
        sim.next_line(),
        sim.next_line(),
        sim.next_line(),
    ];
    let seen: Vec<(String, String, u64)> = lines
        .iter()
        .map(|line| {
            assert!(
                !line.contains("flag-wins") && !line.contains(&token),
                "{line}"
            );
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            let (method, path) = (json["method"].as_str(), json["path"].as_str());
            (
                method.unwrap().to_owned(),
                path.unwrap().to_owned(),
                json["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("POST", "/api/oauth2/token".to_owned()),
        ("POST", "/api/oauth2/token".to_owned()),
        ("POST", "/api/payments/payment".to_owned()),
        ("GET", format!("/api/payments/payment/{id}")),
    ];
    for ((method, path, status), (want_method, want_path)) in seen.iter().zip(&expected) {
        assert_eq!(
            (method.as_str(), path, *status),
            (*want_method, want_path, 200)
        );
    }
    assert_eq!(sim.terminate().code(), Some(0));
}

#[test]
fn the_public_url_names_the_gateway() {
    // The first line names the public URL, not the port: choose a free one beforehand.
    let port = std::net::TcpListener::bind("0.0.0.0:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let mut sim = Running::start(
        &[
            "--bind",
            "0.0.0.0",
            "--port",
            &port,
            "--public-url",
            "http://sim.test:1234",
        ],
        &[],
    );
    assert_eq!(
        sim.first,
        "gopay-simulator listening on http://sim.test:1234/api"
    );
    // The server listens on every interface, whatever the public URL says: reach it on
    // loopback.
    let local = format!("http://127.0.0.1:{port}/api");
    let (_, gw_url) = create_and_read(Config::new(
        DEFAULT_GOID,
        gopay_simulator::CLIENT_ID,
        gopay_simulator::CLIENT_SECRET,
        &local,
    ));
    assert!(gw_url.starts_with("http://sim.test:1234/"), "{gw_url}");
    assert_eq!(sim.terminate().code(), Some(0));
}

/// Posts a create-payment body whose Czech letters are `\u`-escaped; the answer's status.
fn create_escaped(gateway_url: &str) -> u16 {
    let token = fetch_token(
        gateway_url,
        gopay_simulator::CLIENT_ID,
        gopay_simulator::CLIENT_SECRET,
    );
    let body = format!(
        r#"{{"target":{{"type":"ACCOUNT","goid":{DEFAULT_GOID}}},"amount":100,"currency":"CZK","order_number":"esc-1","order_description":"\u017dlu\u0165ou\u010dk\u00fd k\u016f\u0148"}}"#
    );
    let agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .new_agent();
    agent
        .post(format!("{gateway_url}/payments/payment"))
        .header("Authorization", format!("Bearer {token}"))
        .content_type("application/json")
        .send(body)
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn the_firewall_is_strict_unless_turned_off_by_flag_or_variable() {
    for (args, env, expected) in [
        (&["--port", "0"][..], &[][..], 403),
        (&["--port", "0", "--firewall", "off"][..], &[][..], 200),
        (
            &["--port", "0"][..],
            &[("GOPAY_SIMULATOR_FIREWALL", "off")][..],
            200,
        ),
        (
            &["--port", "0", "--firewall", "strict"][..],
            &[("GOPAY_SIMULATOR_FIREWALL", "off")][..],
            403,
        ),
    ] {
        let mut sim = Running::start(args, env);
        let url = sim.gateway_url().to_owned();
        assert_eq!(create_escaped(&url), expected, "{args:?} {env:?}");
        assert_eq!(sim.terminate().code(), Some(0));
    }
    // Anything but strict or off is refused at start.
    let refused = command()
        .args(["--port", "0", "--firewall", "lenient"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("strict") && stderr.contains("off"),
        "{stderr}"
    );
}

#[test]
fn the_access_log_never_shows_a_query() {
    let agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .new_agent();
    for format in ["text", "json"] {
        let mut sim = Running::start(&["--port", "0", "--log", format], &[]);
        let url = format!(
            "{}/payments/payment/1?access_token=leaked-7c1e&x=1",
            sim.gateway_url()
        );
        let status = agent.get(&url).call().unwrap().status();
        assert_eq!(status, 401);
        let line = sim.next_line();
        assert!(
            !line.contains("leaked-7c1e") && !line.contains('?'),
            "{format}: {line}"
        );
        if format == "text" {
            assert!(
                line.starts_with("GET /api/payments/payment/1 401 "),
                "{line}"
            );
        } else {
            let json: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(json["path"], "/api/payments/payment/1", "{line}");
        }
        assert_eq!(sim.terminate().code(), Some(0));
    }
}

#[test]
fn connections_held_open_past_the_open_file_limit_do_not_starve_a_client() {
    let files = 256;
    let mut sim = Running::start_with_open_files(files, &["--port", "0"]);
    let url = sim.gateway_url().to_owned();
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches("/api")
        .parse()
        .unwrap();
    // More half-open connections than the process may have files: each sends the start of
    // a request head and stops.
    let held: Vec<TcpStream> = (0..files + 64)
        .filter_map(|_| {
            let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
            stream.write_all(b"GET /api HTTP/1.1\r\nHost: x\r\n").ok()?;
            Some(stream)
        })
        .collect();
    assert!(held.len() > files as usize, "{} connected", held.len());
    let client = Client::builder(Config::new(
        DEFAULT_GOID,
        gopay_simulator::CLIENT_ID,
        gopay_simulator::CLIENT_SECRET,
        &url,
    ))
    .timeout(Duration::from_secs(5))
    .build()
    .unwrap();
    let asked = Instant::now();
    let error = client.get_status(1).unwrap_err();
    assert_eq!(error.status(), Some(404), "{error}");
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "answered after {:?}",
        asked.elapsed()
    );
    drop(held);
    assert_eq!(sim.terminate().code(), Some(0));
}

#[test]
fn a_stdout_nobody_reads_holds_up_neither_answers_nor_the_exit() {
    let mut sim = Unread::start(&["--port", "0"]);
    let api = sim
        .first
        .strip_prefix("gopay-simulator listening on ")
        .unwrap()
        .to_owned();
    // Far more log lines than a pipe holds (64 KiB): the log's writer blocks on the pipe.
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .new_agent();
    let url = format!("{api}/no-such-endpoint");
    for _ in 0..4000 {
        let answer = agent.get(&url).call().unwrap();
        assert_eq!(answer.status().as_u16(), 404);
    }
    let started = Instant::now();
    let status = sim.terminate();
    assert!(
        status.success(),
        "{status:?}: the stop hung on the full pipe"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_binary_serves_api_v4_beside_v3() {
    use crate::support::http::send;
    use crate::support::v4::{basic, card_charge, payment_body};

    let mut sim = Running::start(
        &[
            "--port",
            "0",
            "--client-id",
            "v4-id",
            "--client-secret",
            "v4-secret",
            "--v4-acquirer-delay",
            "3600",
        ],
        &[],
    );
    let origin = sim.origin().to_owned();
    let base = format!("{origin}/gp-gw/api/4.0");
    let token = send(
        "POST",
        &format!("{base}/oauth2/token"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &basic("v4-id", "v4-secret")),
        ],
        b"grant_type=client_credentials&scope=payment%3Awrite+payment%3Aread",
    );
    assert_eq!(token.status, 200, "{}", token.body);
    let bearer = format!("Bearer {}", token.json()["access_token"].as_str().unwrap());
    let json = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];
    let created = send(
        "POST",
        &format!("{base}/eshops/{DEFAULT_GOID}/payments"),
        &json,
        payment_body(100, "https://shop.example/return")
            .to_string()
            .as_bytes(),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let body = card_charge("gopay-sim-card-frictionless").to_string();
    let charged = send(
        "POST",
        &format!("{base}/payments/{id}/charge"),
        &json,
        body.as_bytes(),
    );
    assert_eq!(charged.status, 201, "{}", charged.body);
    let advanced = crate::support::http::control(
        &origin,
        "POST",
        "/clock/advance",
        &serde_json::json!({"seconds": 5}),
    );
    assert_eq!(advanced.status, 200);
    let payment = send("GET", &format!("{base}/payments/{id}"), &json[..1], b"");
    assert_eq!(payment.json()["state"], "PAID", "{}", payment.body);
    // The acquirer delay flag: a partial refund is refused within the hour.
    let refund = send(
        "POST",
        &format!("{base}/payments/{id}/refunds"),
        &json,
        br#"{"amount":50}"#,
    );
    assert_eq!(refund.status, 409, "{}", refund.body);
    sim.terminate();
}

#[test]
fn the_v4_notifications_variable_makes_them_posts() {
    use crate::support::http::{control, send};
    use crate::support::shop::Shop;
    use crate::support::v4::{basic, notified_body};
    use gopay_simulator::{CLIENT_ID, CLIENT_SECRET};

    let shop = Shop::start(vec![]);
    let mut sim = Running::start(
        &["--port", "0"],
        &[("GOPAY_SIMULATOR_V4_NOTIFICATIONS", "post")],
    );
    let origin = sim.origin().to_owned();
    let base = format!("{origin}/gp-gw/api/4.0");
    let token = send(
        "POST",
        &format!("{base}/oauth2/token"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &basic(CLIENT_ID, CLIENT_SECRET)),
        ],
        b"grant_type=client_credentials&scope=payment%3Awrite",
    );
    assert_eq!(token.status, 200, "{}", token.body);
    let bearer = format!("Bearer {}", token.json()["access_token"].as_str().unwrap());
    let body = notified_body(100, &shop.url, "https://shop.example/return").to_string();
    let created = send(
        "POST",
        &format!("{base}/eshops/{DEFAULT_GOID}/payments"),
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let paid = control(
        &origin,
        "POST",
        &format!("/payments/{id}/pay"),
        &serde_json::Value::Null,
    );
    assert_eq!(paid.status, 200, "{}", paid.body);
    let received = shop.next_request();
    assert_eq!(
        (received.method.as_str(), received.url.as_str()),
        ("POST", "/notify")
    );
    assert_eq!(received.body, format!("{{\"id\":\"{id}\"}}"));
    sim.terminate();

    // A value that is no mode stops the start, naming the flag.
    let (status, _, stderr) = crate::support::binary::run_to_exit(
        command(),
        &[("GOPAY_SIMULATOR_V4_NOTIFICATIONS", "sometimes")],
    );
    assert!(!status.success());
    assert!(stderr.contains("--v4-notifications"), "{stderr}");
    let mut help = command();
    help.arg("--help");
    let (status, stdout, _) = crate::support::binary::run_to_exit(help, &[]);
    assert!(status.success());
    for expected in [
        "--v4-notifications",
        "GOPAY_SIMULATOR_V4_NOTIFICATIONS",
        "post",
    ] {
        assert!(stdout.contains(expected), "{expected} in {stdout}");
    }
}

/// The port of a running binary, from its first line.
fn port_of(sim: &Running) -> u16 {
    let origin = sim.origin();
    let port = origin.rsplit_once(':').map(|(_, port)| port);
    port.and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in {origin}"))
}

#[test]
fn allowed_hosts_come_from_the_flag_and_the_variable() {
    use crate::support::http::with_host;

    let allowed_hosts = "GOPAY_SIMULATOR_ALLOWED_HOSTS";
    for (args, env, answered, refused) in [
        (
            &[
                "--port",
                "0",
                "--allowed-hosts",
                "sim.ci.internal",
                "--allowed-hosts",
                "Second.Example",
            ][..],
            &[][..],
            &["sim.ci.internal:8899", "second.example"][..],
            "other.example",
        ),
        (
            &["--port", "0"][..],
            &[(allowed_hosts, "env-one.example, env-two.example")][..],
            &["env-one.example", "env-two.example:1"][..],
            "sim.ci.internal",
        ),
        // A flag wins over the variable.
        (
            &["--port", "0", "--allowed-hosts", "flag.example"][..],
            &[(allowed_hosts, "env-one.example")][..],
            &["flag.example"][..],
            "env-one.example",
        ),
        // An empty variable allows nothing more, and is no reason not to start.
        (
            &["--port", "0"][..],
            &[(allowed_hosts, "")][..],
            &["localhost"][..],
            "env-one.example",
        ),
    ] {
        let mut sim = Running::start(args, env);
        let port = port_of(&sim);
        for host in answered {
            let answer = with_host(port, "GET", "/_simulator/payments", Some(host), &[]);
            assert_eq!(
                answer.status, 200,
                "{host} {args:?} {env:?}: {}",
                answer.body
            );
        }
        let answer = with_host(port, "GET", "/_simulator/payments", Some(refused), &[]);
        assert_eq!(answer.status, 403, "{refused} {args:?} {env:?}");
        assert_eq!(sim.terminate().code(), Some(0));
    }
    // A name with a port stops the start, naming the setting.
    let mut bad = command();
    bad.args(["--port", "0", "--allowed-hosts", "sim.test:8899"]);
    let (status, stdout, stderr) = crate::support::binary::run_to_exit(bad, &[]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "it never listened: {stdout}");
    assert!(
        stderr.contains("allowed_host") && stderr.contains("sim.test:8899"),
        "{stderr}"
    );
    let mut help = command();
    help.arg("--help");
    let (status, stdout, _) = crate::support::binary::run_to_exit(help, &[]);
    assert!(status.success());
    for expected in [
        "--allowed-hosts <NAME[,NAME…]>",
        allowed_hosts,
        "DNS rebinding",
    ] {
        assert!(stdout.contains(expected), "{expected} in {stdout}");
    }
}

#[test]
fn the_notification_bound_comes_from_the_flag_or_the_variable() {
    use crate::support::http::control;
    use serde_json::{json, Value};

    for (args, env) in [
        (&["--port", "0", "--max-notifications", "1"][..], &[][..]),
        (
            &["--port", "0"][..],
            &[("GOPAY_SIMULATOR_MAX_NOTIFICATIONS", "1")][..],
        ),
    ] {
        let mut sim = Running::start(args, env);
        let origin = sim.origin().to_owned();
        let seeded = control(
            &origin,
            "POST",
            "/payments",
            &json!({"id": 3_000_000_777u64, "order_number": "bound", "state": "PAID",
                    "amount": 100, "currency": "CZK",
                    "notification_url": "https://shop.example/notify"}),
        );
        assert_eq!(seeded.status, 200, "{}", seeded.body);
        for _ in 0..3 {
            let sent = control(&origin, "POST", "/payments/3000000777/notify", &Value::Null);
            assert_eq!(sent.status, 200, "{}", sent.body);
        }
        let listed = control(&origin, "GET", "/notifications", &Value::Null);
        assert_eq!(
            listed.json().as_array().unwrap().len(),
            1,
            "{args:?} {env:?}"
        );
        assert_eq!(
            listed.header("x-simulator-notifications-dropped"),
            Some("2"),
            "{args:?} {env:?}"
        );
        assert_eq!(sim.terminate().code(), Some(0));
    }
    // A bound of zero stops the start, naming the setting.
    let (status, _, stderr) = crate::support::binary::run_to_exit(
        command(),
        &[("GOPAY_SIMULATOR_MAX_NOTIFICATIONS", "0")],
    );
    assert!(!status.success());
    assert!(stderr.contains("max_notifications"), "{stderr}");
}
