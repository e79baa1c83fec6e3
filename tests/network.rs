//! Real networks: an HTTP CONNECT proxy (explicit, from the environment only when asked,
//! bypassed by `NO_PROXY`), on 127.0.0.1. The private certificate authority is in
//! `private_ca.rs`.
//!
//! The environment tests change process-wide variables, so they run a copy of this test
//! binary as a child (its ignored `network_child` test) with the variables set there only.

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use gopay::{Client, Currency, Error, PaymentRequest};
use support::FakeGateway;

// ---------------------------------------------------------------------------------------
// A loopback HTTP CONNECT proxy.

/// Counts what went through it; `credentials` (`user:password`), when set, are required.
struct ConnectProxy {
    port: u16,
    /// TCP connections accepted, tunnel or not.
    connections: Arc<AtomicUsize>,
    /// Tunnels opened (`200 Connection established` sent).
    tunnels: Arc<AtomicUsize>,
    /// `host:port` of every CONNECT request, in order.
    targets: Arc<Mutex<Vec<String>>>,
    /// CONNECT requests refused for missing or wrong credentials.
    refused: Arc<AtomicUsize>,
}

impl ConnectProxy {
    fn start(credentials: Option<&str>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let proxy = ConnectProxy {
            port: listener.local_addr().unwrap().port(),
            connections: Arc::default(),
            tunnels: Arc::default(),
            targets: Arc::default(),
            refused: Arc::default(),
        };
        let expected = credentials.map(|c| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(c)
            )
        });
        let (connections, tunnels, targets, refused) = (
            proxy.connections.clone(),
            proxy.tunnels.clone(),
            proxy.targets.clone(),
            proxy.refused.clone(),
        );
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                connections.fetch_add(1, Ordering::SeqCst);
                let (tunnels, targets, refused) =
                    (tunnels.clone(), targets.clone(), refused.clone());
                let expected = expected.clone();
                std::thread::spawn(move || {
                    let Some(head) = read_head(&client) else {
                        return;
                    };
                    let mut lines = head.lines();
                    let request_line = lines.next().unwrap_or_default().to_owned();
                    let mut parts = request_line.split(' ');
                    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
                        let _ = (&client).write_all(b"HTTP/1.1 405 Only CONNECT\r\n\r\n");
                        return;
                    };
                    let authorization = lines.find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("Proxy-Authorization")
                            .then(|| value.trim().to_owned())
                    });
                    if expected.is_some() && authorization != expected {
                        refused.fetch_add(1, Ordering::SeqCst);
                        let _ = (&client).write_all(
                            b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                              Proxy-Authenticate: Basic realm=\"test\"\r\n\
                              Content-Length: 0\r\n\r\n",
                        );
                        return;
                    }
                    targets.lock().unwrap().push(target.to_owned());
                    let Ok(upstream) = TcpStream::connect(target) else {
                        let _ = (&client).write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
                        return;
                    };
                    tunnels.fetch_add(1, Ordering::SeqCst);
                    if (&client)
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .is_err()
                    {
                        return;
                    }
                    pipe(client, upstream);
                });
            }
        });
        proxy
    }

    fn url(&self, credentials: Option<&str>) -> String {
        match credentials {
            Some(c) => format!("http://{c}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }
}

/// The request head, read byte by byte so that nothing after it is consumed.
fn read_head(mut stream: &TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 || head.len() > 8192 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}

/// Copies bytes both ways until each side closes.
fn pipe(client: TcpStream, upstream: TcpStream) {
    let (mut client_in, mut upstream_out) =
        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    let forward = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_in, &mut upstream_out);
        let _ = upstream_out.shutdown(Shutdown::Write);
    });
    let (mut upstream_in, mut client_out) = (upstream, client);
    let _ = std::io::copy(&mut upstream_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = forward.join();
}

fn order() -> PaymentRequest {
    PaymentRequest::new(1000, Currency::Czk, "net-1")
}

// ---------------------------------------------------------------------------------------
// Explicit proxies.

#[test]
fn an_explicit_proxy_carries_token_and_api_calls() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(Some("shop:pa55word"));
    let client = Client::builder(gw.config())
        .proxy(proxy.url(Some("shop:pa55word")))
        // A connection per exchange: each one must open its own tunnel.
        .max_idle_connections(0)
        .build()
        .unwrap();
    assert_eq!(client.get_status(7).unwrap().id, 7);
    assert_eq!(client.create_payment(&order()).unwrap().id, 3000006529);
    assert_eq!((gw.token_requests(), gw.api_requests()), (1, 2));
    assert_eq!(
        proxy.tunnels(),
        3,
        "token, status and create each in a tunnel"
    );
    assert_eq!(
        gw.connections(),
        proxy.tunnels(),
        "every gateway connection came through the proxy"
    );
    let gateway_authority = gw.gateway.url.trim_start_matches("http://").to_owned();
    assert!(proxy
        .targets
        .lock()
        .unwrap()
        .iter()
        .all(|t| *t == gateway_authority));
}

#[test]
fn wrong_proxy_credentials_fail_before_sending_and_are_never_shown() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(Some("shop:right"));
    let builder = Client::builder(gw.config())
        .proxy(proxy.url(Some("shop:Wr0ngPa55")))
        .max_retries(0);
    assert!(!format!("{builder:?}").contains("Wr0ngPa55"));
    let client = builder.build().unwrap();
    let err = client.create_payment(&order()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                request_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.outcome_unknown());
    let shown = format!("{err} {err:?} {client:?}");
    assert!(!shown.contains("Wr0ngPa55"), "{shown}");
    assert!(shown.contains("407"), "{shown}");
    assert_eq!(proxy.refused.load(Ordering::SeqCst), 1);
    assert_eq!(gw.connections(), 0, "nothing reached the gateway");
}

#[test]
fn no_proxy_patterns_bypass_an_explicit_proxy() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(None);
    let client = Client::builder(gw.config())
        .proxy(proxy.url(None))
        .no_proxy("gw.internal.example, 127.0.0.1")
        .build()
        .unwrap();
    client.get_status(7).unwrap();
    assert_eq!((gw.token_requests(), gw.api_requests()), (1, 1));
    assert_eq!(proxy.connections(), 0);

    // A pattern that does not match leaves the proxy in use.
    let client = Client::builder(gw.config())
        .proxy(proxy.url(None))
        .no_proxy(".internal.example")
        .build()
        .unwrap();
    client.get_status(8).unwrap();
    assert!(proxy.tunnels() >= 1);
}

#[test]
fn unusable_proxy_settings_are_config_errors() {
    let gw = FakeGateway::start();
    for url in [
        "socks5://user:S3cretPw@127.0.0.1:1080",
        "127.0.0.1:3128",
        "http://user:S3cretPw@",
    ] {
        let err = Client::builder(gw.config()).proxy(url).build().unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        assert!(!format!("{err} {err:?}").contains("S3cretPw"), "{err}");
    }
    let err = Client::builder(gw.config())
        .no_proxy("localhost")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// The environment, in child processes.

const PROXY_VARIABLES: [&str; 8] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Runs `network_child` with `variables` as the only proxy settings; `from_env` tells it to
/// call `proxy_from_env`. Fails the test if the child's call failed.
fn run_child(gateway_url: &str, from_env: bool, variables: &[(&str, String)]) {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args([
            "network_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("GOPAY_NETWORK_CHILD_URL", gateway_url)
        .env("GOPAY_NETWORK_CHILD_FROM_ENV", from_env.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    for (name, value) in variables {
        command.env(name, value);
    }
    let output = command.output().expect("run a child test process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The child's side: one status call through a client built as the parent asked.
#[test]
#[ignore = "run as a child process by the environment tests"]
fn network_child() {
    let url = std::env::var("GOPAY_NETWORK_CHILD_URL").expect("started by run_child");
    let config = gopay::Config::new(
        support::GOID,
        support::CLIENT_ID,
        support::CLIENT_SECRET,
        url,
    );
    let mut builder = Client::builder(config).max_retries(0);
    if std::env::var("GOPAY_NETWORK_CHILD_FROM_ENV").as_deref() == Ok("true") {
        builder = builder.proxy_from_env();
    }
    builder.build().unwrap().get_status(7).unwrap();
}

#[test]
fn proxy_variables_are_ignored_unless_asked() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(None);
    let url = proxy.url(None);
    let every: Vec<_> = PROXY_VARIABLES[..6]
        .iter()
        .map(|name| (*name, url.clone()))
        .collect();
    run_child(&gw.gateway.url, false, &every);
    assert_eq!((gw.token_requests(), gw.api_requests()), (1, 1));
    assert_eq!(proxy.connections(), 0, "the proxy saw nothing");
}

#[test]
fn proxy_from_env_takes_the_environment_proxy() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(None);
    run_child(&gw.gateway.url, true, &[("HTTPS_PROXY", proxy.url(None))]);
    assert_eq!((gw.token_requests(), gw.api_requests()), (1, 1));
    assert!(proxy.tunnels() >= 1);
    assert_eq!(gw.connections(), proxy.tunnels());
}

#[test]
fn no_proxy_in_the_environment_bypasses_the_environment_proxy() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(None);
    run_child(
        &gw.gateway.url,
        true,
        &[
            ("HTTP_PROXY", proxy.url(None)),
            ("NO_PROXY", "localhost,127.0.0.1".into()),
        ],
    );
    assert_eq!((gw.token_requests(), gw.api_requests()), (1, 1));
    assert_eq!(proxy.connections(), 0);
}
