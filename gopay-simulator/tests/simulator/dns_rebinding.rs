//! A web page can re-point its own domain at the simulator (DNS rebinding); the developer's
//! browser then sends the simulator `Host: evil.example:PORT` and lets the page read the
//! answers. Every request under `/_simulator/` naming such a host is refused with 403 and
//! shows nothing, while the simulator's own names, the public URL's host and the allowed
//! hosts are answered, and GoPay's API and the customer page answer any name.

use crate::support;

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;
use support::http::{with_host, with_host_and_body, Answer};
use support::v4::{basic, V4Config};

/// An order number that must never appear in an answer to a foreign host.
const ORDER: &str = "rebind-order-7f3a";

fn created(sim: &Simulator) -> u64 {
    let request = PaymentRequest::new(1000, Currency::Czk, ORDER).item(Item::new("Mug", 1000));
    sim.create_payment(&request).unwrap().id
}

/// `GET /_simulator/payments` naming `host`.
fn payments(sim: &Simulator, host: &str) -> Answer {
    with_host(sim.port(), "GET", "/_simulator/payments", Some(host), &[])
}

fn assert_listed(answer: &Answer, host: &str) {
    assert_eq!(answer.status, 200, "{host}: {}", answer.body);
    assert!(answer.body.contains(ORDER), "{host}: {}", answer.body);
}

/// A 403 in GoPay's envelope (error 200) that shows nothing of the simulator's state.
fn assert_refused(answer: &Answer) {
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.content_type.starts_with("application/json"),
        "{}",
        answer.content_type
    );
    let json = answer.json();
    assert_eq!(json["errors"][0]["scope"], "G", "{json}");
    assert_eq!(json["errors"][0]["error_code"], 200, "{json}");
    assert!(!answer.body.contains(ORDER), "{}", answer.body);
}

#[test]
fn a_foreign_host_reads_and_changes_nothing() {
    let sim = Simulator::start().unwrap();
    let id = created(&sim);
    // Something in the request log a page would like to read.
    let client = Client::new(sim.config()).unwrap();
    assert_eq!(
        client.get_status(id).unwrap().order_number.as_deref(),
        Some(ORDER)
    );
    let port = sim.port();
    let evil = format!("evil.example:{port}");
    for (method, path) in [
        ("GET", "/_simulator/payments".to_owned()),
        ("GET", format!("/_simulator/payments/{id}")),
        ("GET", "/_simulator/".to_owned()),
        ("GET", "/_simulator".to_owned()),
        ("GET", format!("/_simulator/ui/payments/{id}")),
        ("GET", "/_simulator/ui/requests".to_owned()),
        ("GET", "/_simulator/requests".to_owned()),
        ("GET", "/_simulator/notifications".to_owned()),
        ("HEAD", "/_simulator/payments".to_owned()),
        ("POST", format!("/_simulator/payments/{id}/pay")),
        ("POST", format!("/_simulator/ui/payments/{id}/pay")),
        ("POST", "/_simulator/reset".to_owned()),
    ] {
        let answer = with_host(port, method, &path, Some(&evil), &[]);
        if method == "HEAD" {
            assert_eq!(answer.status, 403, "{path}");
            continue;
        }
        assert_refused(&answer);
        // The refusal says how to allow the name, quoting it without its port.
        assert!(
            answer.body.contains("--allowed-hosts evil.example ")
                && answer.body.contains(&format!("not for {evil}:")),
            "{method} {path}: {}",
            answer.body
        );
    }
    // Neither the POSTs nor the reset happened.
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Created));
    // Letter case does not matter; every Host header counts, not just the first.
    assert_refused(&payments(&sim, "EVIL.Example"));
    let two = with_host(
        port,
        "GET",
        "/_simulator/payments",
        Some("localhost"),
        &[("Host", "evil.example")],
    );
    assert_refused(&two);
    for near_miss in [
        "localhost.evil.example",
        "127.0.0.1.evil.example",
        "simulator.",
    ] {
        assert_refused(&payments(&sim, near_miss));
    }
}

#[test]
fn the_simulators_own_names_are_answered() {
    let sim = Simulator::start().unwrap();
    let id = created(&sim);
    let port = sim.port();
    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_owned(),
        format!("[::1]:{port}"),
        format!("localhost:{port}"),
        "LocalHost".to_owned(),
        format!("app.localhost:{port}"),
        // A docker-compose service name: no public domain is a single label.
        format!("simulator:{port}"),
    ] {
        assert_listed(&payments(&sim, &host), &host);
        let dashboard = with_host(port, "GET", "/_simulator/", Some(&host), &[]);
        assert_eq!(dashboard.status, 200, "{host}: {}", dashboard.body);
        assert!(dashboard.body.contains(ORDER), "{host}");
    }
    // HTTP/1.0 tools may send no Host at all.
    let bare = with_host(port, "GET", "/_simulator/payments", None, &[]);
    assert_listed(&bare, "no Host");
    // A state-changing request by a service name.
    let pay = with_host(
        port,
        "POST",
        &format!("/_simulator/payments/{id}/pay"),
        Some("simulator"),
        &[],
    );
    assert_eq!(pay.status, 200, "{}", pay.body);
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Paid));
}

#[test]
fn the_public_urls_host_is_answered() {
    let sim = Simulator::builder()
        .public_url("http://sim.test:1234")
        .start()
        .unwrap();
    created(&sim);
    assert_listed(&payments(&sim, "sim.test:1234"), "sim.test:1234");
    // The port is not compared: a proxy in front may change it.
    assert_listed(&payments(&sim, "SIM.TEST:80"), "SIM.TEST:80");
    assert_refused(&payments(&sim, "sim.test.evil.example:1234"));
    assert_refused(&payments(&sim, "other.test:1234"));
}

#[test]
fn allowed_hosts_are_answered() {
    let sim = Simulator::builder()
        .allowed_host("sim.ci.internal")
        .allowed_host("Other.Example")
        .start()
        .unwrap();
    created(&sim);
    for host in ["sim.ci.internal:8899", "other.example", "OTHER.example:1"] {
        assert_listed(&payments(&sim, host), host);
    }
    assert_refused(&payments(&sim, "x.sim.ci.internal"));
    assert_refused(&payments(&sim, "evil.example"));
}

#[test]
fn the_api_and_the_customer_page_answer_any_host() {
    let sim = Simulator::start().unwrap();
    let port = sim.port();
    let evil = format!("evil.example:{port}");
    let v3_basic = basic(sim.client_id(), sim.client_secret());
    let token = with_host_and_body(
        port,
        "POST",
        "/api/oauth2/token",
        Some(&evil),
        &[
            ("Authorization", &v3_basic),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"grant_type=client_credentials&scope=payment-all",
    );
    assert_eq!(token.status, 200, "{}", token.body);
    assert!(token.json()["access_token"].is_string(), "{}", token.body);
    let config = V4Config::of(&sim);
    let shareable = basic(&config.client_id, &config.shareable_key);
    let key = with_host(
        port,
        "GET",
        "/gp-gw/api/4.0/cards/public-key",
        Some(&evil),
        &[("Authorization", &shareable)],
    );
    assert_eq!(key.status, 200, "{}", key.body);
    let client = Client::new(sim.config()).unwrap();
    let request = PaymentRequest::new(1000, Currency::Czk, ORDER).item(Item::new("Mug", 1000));
    let gw_url = client.create_payment(&request).unwrap().gw_url.unwrap();
    let page_path = gw_url
        .strip_prefix(&format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("{gw_url}"));
    let page = with_host(port, "GET", page_path, Some(&evil), &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
}

#[test]
fn a_hostile_host_is_never_quoted() {
    let sim = Simulator::start().unwrap();
    created(&sim);
    for hostile in [
        "<script>alert(1)</script>",
        "evil.example\"><img src=x onerror=alert(1)>",
        "evil.example:1' onload='x",
    ] {
        let answer = payments(&sim, hostile);
        assert_refused(&answer);
        assert!(
            !answer.body.contains(['<', '>'])
                && !answer.body.contains("alert(")
                && !answer.body.contains("onerror")
                && !answer.body.contains("onload"),
            "{hostile}: {}",
            answer.body
        );
        assert!(
            answer.body.contains("--allowed-hosts NAME"),
            "{}",
            answer.body
        );
    }
    // The same markup where the dashboard would have shown it as a page.
    let dashboard = with_host(sim.port(), "GET", "/_simulator/", Some("<b>x</b>"), &[]);
    assert_refused(&dashboard);
    assert!(!dashboard.body.contains('<'), "{}", dashboard.body);
}
