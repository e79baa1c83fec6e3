//! Real networks: an HTTP CONNECT proxy (explicit, from the environment only when asked,
//! bypassed by `NO_PROXY`) and hostile proxies (dripping, refusing, garbling, silent,
//! hanging up), on 127.0.0.1. The private certificate authority is in `private_ca.rs`.
//!
//! The environment tests change process-wide variables, so they run a copy of this test
//! binary as a child (its ignored `network_child` test) with the variables set there only.

use crate::support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

#[test]
fn a_proxy_port_that_is_not_a_number_fails_build_without_showing_credentials() {
    let gw = FakeGateway::start();
    for (url, secrets) in [
        ("http://u:p@127.0.0.1:notaport", &["u:p", "//u", ":p@"][..]),
        (
            "http://Us3rName:Pa55Word@127.0.0.1:notaport",
            &["Us3rName", "Pa55Word"][..],
        ),
    ] {
        let err = Client::builder(gw.config()).proxy(url).build().unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        let shown = format!("{err} {err:?}");
        for secret in secrets {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Hostile proxies, and hostile gateways behind a tunnel.

/// A loopback server that hands every connection it accepts to `serve`, on a thread of its
/// own; returns its port.
fn serve_each(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || serve(stream));
        }
    });
    port
}

/// A proxy that reads each CONNECT request and then does `answer` with the connection.
fn hostile_proxy(answer: impl Fn(&TcpStream) + Send + Sync + 'static) -> String {
    let port = serve_each(move |client| {
        if read_head(&client).is_some() {
            answer(&client);
        }
    });
    format!("http://shop:S3cretPw@127.0.0.1:{port}")
}

/// Writes `first`, then one byte every 100 ms for up to a minute, until the peer goes.
fn drip(mut stream: &TcpStream, first: &[u8], byte: u8) {
    if stream.write_all(first).is_err() {
        return;
    }
    for _ in 0..600 {
        std::thread::sleep(Duration::from_millis(100));
        if stream.write_all(&[byte]).is_err() {
            return;
        }
    }
}

/// Holds the connection open without a word for a minute, or until the peer goes.
fn stay_silent(mut stream: &TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let _ = stream.read(&mut [0u8; 1]);
}

/// A client of a fake gateway through `proxy`, with `timeout` for the whole call and no
/// retries unless `retries`.
fn client_through(gw: &FakeGateway, proxy: &str, timeout: Duration, retries: bool) -> Client {
    let mut builder = Client::builder(gw.config()).proxy(proxy).timeout(timeout);
    if !retries {
        builder = builder.max_retries(0);
    }
    builder.build().unwrap()
}

/// Asserts `err` is a transport failure with these flags that shows no proxy credentials.
fn assert_transport(err: &Error, timeout: bool, request_sent: bool) {
    match err {
        Error::Transport {
            timeout: t,
            request_sent: s,
            ..
        } => assert_eq!((*t, *s), (timeout, request_sent), "{err:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("S3cretPw") && !shown.contains("shop:"),
        "{shown}"
    );
}

#[test]
fn a_proxy_dripping_its_answer_is_cut_off_at_the_deadline() {
    let gw = FakeGateway::start();
    let proxy = hostile_proxy(|client| {
        drip(
            client,
            b"HTTP/1.1 200 Connection established\r\nX-Drip: ",
            b'a',
        )
    });
    // Retries allowed: the deadline bounds the whole call, not each attempt.
    let client = client_through(&gw, &proxy, Duration::from_secs(2), true);
    let started = Instant::now();
    let err = client.get_status(7).unwrap_err();
    let elapsed = started.elapsed();
    println!("a dripping proxy answered the call after {elapsed:?}");
    assert_transport(&err, true, false);
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert_eq!(gw.connections(), 0, "nothing reached the gateway");
}

#[test]
fn a_silent_proxy_is_cut_off_at_the_deadline() {
    let gw = FakeGateway::start();
    let proxy = hostile_proxy(stay_silent);
    let client = client_through(&gw, &proxy, Duration::from_secs(1), false);
    let started = Instant::now();
    let err = client.get_status(7).unwrap_err();
    let elapsed = started.elapsed();
    println!("a silent proxy answered the call after {elapsed:?}");
    assert_transport(&err, true, false);
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert_eq!(gw.connections(), 0);
}

#[test]
fn a_proxy_refusing_with_407_fails_before_sending_without_showing_credentials() {
    let gw = FakeGateway::start();
    let proxy = hostile_proxy(|mut client| {
        let _ = client.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\n\
              Proxy-Authenticate: Basic realm=\"corp\"\r\n\
              Content-Length: 0\r\n\r\n",
        );
        stay_silent(client);
    });
    let client = client_through(&gw, &proxy, Duration::from_secs(5), false);
    let started = Instant::now();
    let err = client.get_status(7).unwrap_err();
    assert_transport(&err, false, false);
    assert!(!err.outcome_unknown());
    assert!(err.to_string().contains("407"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "not a timeout");
    let shown = format!("{client:?}");
    assert!(!shown.contains("S3cretPw"), "{shown}");
    assert_eq!(gw.connections(), 0);
}

#[test]
fn a_proxy_answering_garbage_fails_before_sending() {
    let gw = FakeGateway::start();
    let proxy = hostile_proxy(|mut client| {
        let _ = client.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff\xfe garbage\r\n\r\n");
        stay_silent(client);
    });
    let client = client_through(&gw, &proxy, Duration::from_secs(5), false);
    let started = Instant::now();
    let err = client.get_status(7).unwrap_err();
    assert_transport(&err, false, false);
    assert!(started.elapsed() < Duration::from_secs(2), "not a timeout");
    assert_eq!(gw.connections(), 0);
}

#[test]
fn a_proxy_hanging_up_mid_answer_fails_before_sending() {
    let gw = FakeGateway::start();
    let proxy = hostile_proxy(|mut client| {
        let _ = client.write_all(b"HTTP/1.1 200 Conn");
        let _ = client.shutdown(Shutdown::Both);
    });
    let client = client_through(&gw, &proxy, Duration::from_secs(5), false);
    let started = Instant::now();
    let err = client.get_status(7).unwrap_err();
    assert_transport(&err, false, false);
    assert!(started.elapsed() < Duration::from_secs(2), "not a timeout");
    assert_eq!(gw.connections(), 0);
}

#[test]
fn a_gateway_dripping_behind_the_tunnel_is_cut_off_at_the_deadline() {
    let gw = FakeGateway::start();
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Drip: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    gw.on_api(move |_, _, _| support::Reply {
        paced: Some(
            head.iter()
                .map(|b| (Duration::from_millis(100), vec![*b]))
                .collect(),
        ),
        ..support::Reply::json(200, "")
    });
    let proxy = ConnectProxy::start(None);
    let client = client_through(&gw, &proxy.url(None), Duration::from_secs(2), false);
    let started = Instant::now();
    let err = client.get_status(7).unwrap_err();
    let elapsed = started.elapsed();
    println!("a gateway dripping behind the tunnel answered the call after {elapsed:?}");
    // The request went through the tunnel: GoPay may have it.
    assert_transport(&err, true, true);
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert_eq!(gw.api_requests(), 1);
    // The token's tunnel, kept alive, carried the status request too.
    assert_eq!(proxy.tunnels(), 1);
}

#[test]
fn a_tls_handshake_dripping_behind_the_tunnel_is_cut_off_at_the_deadline() {
    // A TLS record header announcing 16 KiB of handshake, then its bytes one by one.
    let port = serve_each(|server| drip(&server, &[0x16, 0x03, 0x03, 0x40, 0x00], 0));
    let config = gopay::Config::new(
        support::GOID,
        support::CLIENT_ID,
        support::CLIENT_SECRET,
        format!("https://127.0.0.1:{port}"),
    );
    let proxy = ConnectProxy::start(None);
    let client = Client::builder(config)
        .proxy(proxy.url(None))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_status(7).unwrap_err();
    let elapsed = started.elapsed();
    println!("a TLS handshake dripping behind the tunnel answered the call after {elapsed:?}");
    assert_transport(&err, true, false);
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    assert!(proxy.tunnels() >= 1);
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
    run_child_expecting(gateway_url, from_env, variables, false);
}

/// [`run_child`], where the child expects `build()` to fail with `Error::Config` if
/// `build_fails`.
fn run_child_expecting(
    gateway_url: &str,
    from_env: bool,
    variables: &[(&str, String)],
    build_fails: bool,
) {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args([
            "network::network_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("GOPAY_NETWORK_CHILD_URL", gateway_url)
        .env("GOPAY_NETWORK_CHILD_FROM_ENV", from_env.to_string())
        .env("GOPAY_NETWORK_CHILD_BUILD_FAILS", build_fails.to_string())
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

/// The child's side: one status call through a client built as the parent asked, or a
/// build that must fail.
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
    let built = builder.build();
    if std::env::var("GOPAY_NETWORK_CHILD_BUILD_FAILS").as_deref() == Ok("true") {
        let err = built.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("S3cretPw") && !shown.contains("shop:"),
            "{shown}"
        );
        return;
    }
    built.unwrap().get_status(7).unwrap();
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

#[test]
fn a_malformed_environment_proxy_fails_build() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(None);
    for url in [
        "http://shop:S3cretPw@127.0.0.1:notaport".to_owned(),
        format!("http://shop:S3cretPw@127.0.0.1:{}/path", proxy.port),
        format!("http://shop:S3cretPw@127.0.0.1:{}0000", proxy.port),
    ] {
        run_child_expecting(&gw.gateway.url, true, &[("HTTPS_PROXY", url)], true);
    }
    // The first variable set is the one: a malformed ALL_PROXY is not skipped for the
    // next.
    run_child_expecting(
        &gw.gateway.url,
        true,
        &[
            ("ALL_PROXY", "http://shop:S3cretPw@127.0.0.1:80x".into()),
            ("HTTPS_PROXY", proxy.url(None)),
        ],
        true,
    );
    assert_eq!(proxy.connections(), 0);
    assert_eq!(gw.connections(), 0);
}

#[test]
fn an_environment_proxy_without_a_scheme_is_an_http_proxy() {
    let gw = FakeGateway::start();
    let proxy = ConnectProxy::start(None);
    run_child(
        &gw.gateway.url,
        true,
        &[("HTTP_PROXY", format!("127.0.0.1:{}", proxy.port))],
    );
    assert_eq!((gw.token_requests(), gw.api_requests()), (1, 1));
    assert!(proxy.tunnels() >= 1);
}
