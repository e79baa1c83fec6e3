//! The fault matrix: every way the gateway, the network or a token cache can misbehave,
//! with the outcome the caller gets, how many requests the gateway saw, and proof that
//! nothing hung. One row per case; `cargo test --test client fault_matrix -- --nocapture` prints
//! the table.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use gopay::{
    CachedToken, Client, ClientBuilder, Currency, Error, Item, PaymentRequest, TokenCache,
};
use support::{FakeGateway, Reply};

/// The client timeout of every case: slow answers take longer than this.
const TIMEOUT: Duration = Duration::from_millis(1500);
/// Far more than any case needs (timeout plus retries' backoff): a case this slow hung.
const HANG: Duration = Duration::from_secs(8);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Ok,
    Api(u16),
    Auth(u16),
    Timeout,
    Transport,
    Decode,
}

fn outcome(result: &Result<(), Error>) -> Outcome {
    match result {
        Ok(()) => Outcome::Ok,
        Err(Error::Api { status, .. }) => Outcome::Api(*status),
        Err(Error::Auth { status, .. }) => Outcome::Auth(status.unwrap_or(0)),
        Err(e) if e.is_timeout() => Outcome::Timeout,
        Err(Error::Transport { .. }) => Outcome::Transport,
        Err(Error::Decode { .. }) => Outcome::Decode,
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

type Setup = Box<dyn Fn(&FakeGateway)>;
type Configure = Box<dyn Fn(ClientBuilder, &FakeGateway) -> ClientBuilder>;
type Call = Box<dyn Fn(&Client) -> Result<(), Error>>;

struct Case {
    name: &'static str,
    setup: Setup,
    configure: Configure,
    call: Call,
    expect: Outcome,
    token_requests: usize,
    api_requests: usize,
}

fn status() -> Call {
    Box::new(|c| c.get_status(3000006529).map(drop))
}

fn create() -> Call {
    Box::new(|c| {
        c.create_payment(
            &PaymentRequest::new(100, Currency::Czk, "1")
                .item(Item::new("x", 100))
                .callback("https://e.example/r", "https://e.example/n"),
        )
        .map(drop)
    })
}

fn defaults() -> Configure {
    Box::new(|b, _| b)
}

fn builder(configure: impl Fn(ClientBuilder) -> ClientBuilder + 'static) -> Configure {
    Box::new(move |b, _| configure(b))
}

fn with_cache(cache: impl TokenCache + 'static) -> Configure {
    let cache: Arc<dyn TokenCache> = Arc::new(cache);
    Box::new(move |b, _| b.token_cache(cache.clone()))
}

fn token(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Setup {
    let reply = Arc::new(reply);
    Box::new(move |gw| {
        let reply = reply.clone();
        gw.on_token(move |_, _, _| reply())
    })
}

/// The API answers `first(n)` for request `n` when it returns `Some`, else normally.
fn api(first: impl Fn(usize) -> Option<Reply> + Send + Sync + 'static) -> Setup {
    let first = Arc::new(first);
    Box::new(move |gw| {
        let first = first.clone();
        gw.on_api(move |request, n, gateway| {
            first(n).unwrap_or_else(|| gateway.default_api_reply(request))
        })
    })
}

fn nothing() -> Setup {
    Box::new(|_| {})
}

fn slow(reply: Reply) -> Reply {
    std::thread::sleep(TIMEOUT + Duration::from_millis(500));
    reply
}

/// A cache that fails (or panics) in the chosen methods.
struct BadCache {
    inner: gopay::InMemoryTokenCache,
    fail: &'static [&'static str],
    panic: bool,
    calls: AtomicUsize,
}

impl BadCache {
    fn new(fail: &'static [&'static str], panic: bool) -> BadCache {
        BadCache {
            inner: gopay::InMemoryTokenCache::new(),
            fail,
            panic,
            calls: AtomicUsize::new(0),
        }
    }

    fn check(&self, method: &str) -> Result<(), gopay::CacheError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.fail.contains(&method) {
            if self.panic {
                panic!("cache {method} exploded");
            }
            return Err(format!("cache {method} failed").into());
        }
        Ok(())
    }
}

impl TokenCache for BadCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, gopay::CacheError> {
        self.check("get")?;
        self.inner.get(key)
    }
    fn set(&self, key: &str, token: &CachedToken) -> Result<(), gopay::CacheError> {
        self.check("set")?;
        self.inner.set(key, token)
    }
    fn delete(&self, key: &str) -> Result<(), gopay::CacheError> {
        self.check("delete")?;
        self.inner.delete(key)
    }
}

/// A cache already holding a token the gateway never issued (as if from a machine whose
/// clock runs far ahead), under the client's key.
fn seeded_cache(expires_at: SystemTime) -> Configure {
    Box::new(move |b, gw| {
        let cache = gopay::InMemoryTokenCache::new();
        let key = format!("{}-{}/api-payment-all", support::CLIENT_ID, gw.gateway.url);
        let token = CachedToken::new("ToKeN-foreign", "bearer", expires_at);
        cache.set(&key, &token).unwrap();
        b.token_cache(Arc::new(cache))
    })
}

fn cases() -> Vec<Case> {
    let row = |name, setup, configure, call, expect, token_requests, api_requests| Case {
        name,
        setup,
        configure,
        call,
        expect,
        token_requests,
        api_requests,
    };
    let html = || {
        Reply::typed(
            502,
            "<html><body>502 Bad Gateway</body></html>",
            "text/html",
        )
    };
    vec![
        // ---- the token endpoint ------------------------------------------------------
        row(
            "token 400",
            token(|| Reply::error(400, 201, "GRANT")),
            defaults(),
            status(),
            Outcome::Auth(400),
            1,
            0,
        ),
        row(
            "token 401",
            token(|| Reply::error(401, 202, "CREDENTIALS")),
            defaults(),
            status(),
            Outcome::Auth(401),
            1,
            0,
        ),
        row(
            "token 403",
            token(|| Reply::error(403, 202, "CREDENTIALS")),
            defaults(),
            status(),
            Outcome::Auth(403),
            1,
            0,
        ),
        row(
            "token 500, retried twice",
            token(|| Reply::error(500, 100, "SYSTEM")),
            defaults(),
            status(),
            Outcome::Api(500),
            3,
            0,
        ),
        row(
            "token 502 HTML, retried",
            token(html),
            defaults(),
            status(),
            Outcome::Api(502),
            3,
            0,
        ),
        row(
            "token 500, no retries",
            token(|| Reply::error(500, 100, "SYSTEM")),
            builder(|b| b.max_retries(0)),
            status(),
            Outcome::Api(500),
            1,
            0,
        ),
        row(
            "token slower than the timeout",
            token(|| slow(Reply::json(200, r#"{"access_token":"a"}"#))),
            defaults(),
            status(),
            Outcome::Timeout,
            1,
            0,
        ),
        row(
            "token malformed JSON",
            token(|| Reply::json(200, r#"{"access_token": "a""#)),
            defaults(),
            status(),
            Outcome::Decode,
            1,
            0,
        ),
        row(
            "token empty body",
            token(|| Reply::json(200, "")),
            defaults(),
            status(),
            Outcome::Decode,
            1,
            0,
        ),
        row(
            "token huge body",
            token(|| {
                Reply::json(
                    200,
                    format!(r#"{{"access_token":"{}"}}"#, "a".repeat(100_000)),
                )
            }),
            defaults(),
            status(),
            Outcome::Decode,
            1,
            0,
        ),
        row(
            "token closed mid-answer",
            token(|| Reply::raw("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"access")),
            defaults(),
            status(),
            Outcome::Transport,
            3,
            0,
        ),
        // ---- the API ---------------------------------------------------------------------
        row(
            "API 401 once: re-authenticated",
            api(|n| (n == 1).then(|| Reply::error(401, 200, "UNAUTHORIZED"))),
            defaults(),
            status(),
            Outcome::Ok,
            2,
            2,
        ),
        row(
            "API 401 always",
            api(|_| Some(Reply::error(401, 200, "UNAUTHORIZED"))),
            defaults(),
            status(),
            Outcome::Auth(401),
            2,
            2,
        ),
        row(
            "API 403 auth code once: re-authenticated",
            api(|n| (n == 1).then(|| Reply::error(403, 200, "UNAUTHORIZED"))),
            defaults(),
            status(),
            Outcome::Ok,
            2,
            2,
        ),
        row(
            "API 403 firewall page",
            api(|_| Some(Reply::typed(403, "<html>Forbidden</html>", "text/html"))),
            defaults(),
            create(),
            Outcome::Api(403),
            1,
            1,
        ),
        row(
            "API 404",
            api(|_| Some(Reply::error(404, 304, "PAYMENT_NOT_FOUND"))),
            defaults(),
            status(),
            Outcome::Api(404),
            1,
            1,
        ),
        row(
            "API 409 validation",
            api(|_| Some(Reply::error(409, 111, "WRONG_FORMAT"))),
            defaults(),
            create(),
            Outcome::Api(409),
            1,
            1,
        ),
        row(
            "API 429 on GET then OK",
            api(|n| {
                (n <= 2).then(|| Reply::error(429, 100, "TOO_MANY").header("Retry-After", "0"))
            }),
            defaults(),
            status(),
            Outcome::Ok,
            1,
            3,
        ),
        row(
            "API 429 on POST: not repeated",
            api(|_| Some(Reply::error(429, 100, "TOO_MANY"))),
            defaults(),
            create(),
            Outcome::Api(429),
            1,
            1,
        ),
        row(
            "API 500 on GET, retried twice",
            api(|_| Some(Reply::error(500, 100, "SYSTEM"))),
            defaults(),
            status(),
            Outcome::Api(500),
            1,
            3,
        ),
        row(
            "API 500 once on GET then OK",
            api(|n| (n == 1).then(|| Reply::error(500, 100, "SYSTEM"))),
            defaults(),
            status(),
            Outcome::Ok,
            1,
            2,
        ),
        row(
            "API 500 on POST: not repeated",
            api(|_| Some(Reply::error(500, 100, "SYSTEM"))),
            defaults(),
            create(),
            Outcome::Api(500),
            1,
            1,
        ),
        row(
            "API 502 HTML on GET",
            api(move |_| Some(html())),
            defaults(),
            status(),
            Outcome::Api(502),
            1,
            3,
        ),
        row(
            "API slower than the timeout",
            api(|_| Some(slow(Reply::json(200, "{}")))),
            defaults(),
            status(),
            Outcome::Timeout,
            1,
            1,
        ),
        row(
            "API closed mid-body on GET, retried",
            api(|_| {
                Some(Reply::raw(
                    "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"id\":",
                ))
            }),
            defaults(),
            status(),
            Outcome::Transport,
            1,
            3,
        ),
        row(
            "API closed mid-body on POST: not repeated",
            api(|_| {
                Some(Reply::raw(
                    "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"id\":",
                ))
            }),
            defaults(),
            create(),
            Outcome::Transport,
            1,
            1,
        ),
        row(
            "API garbage JSON",
            api(|_| Some(Reply::json(200, "{{{ not json"))),
            defaults(),
            status(),
            Outcome::Decode,
            1,
            1,
        ),
        row(
            "API unknown fields and values",
            api(|_| {
                Some(Reply::json(
                    200,
                    r#"{"id":1,"state":"NEW_STATE","brand_new":{"x":[1]}}"#,
                ))
            }),
            defaults(),
            status(),
            Outcome::Ok,
            1,
            1,
        ),
        // ---- token caches ----------------------------------------------------------------
        row(
            "cache get fails",
            nothing(),
            with_cache(BadCache::new(&["get"], false)),
            status(),
            Outcome::Ok,
            1,
            1,
        ),
        row(
            "cache set fails",
            nothing(),
            with_cache(BadCache::new(&["set"], false)),
            status(),
            Outcome::Ok,
            1,
            1,
        ),
        row(
            "cache delete fails after a 401",
            api(|n| (n == 1).then(|| Reply::error(401, 200, "UNAUTHORIZED"))),
            with_cache(BadCache::new(&["delete"], false)),
            status(),
            Outcome::Ok,
            2,
            2,
        ),
        row(
            "cache panics everywhere",
            api(|n| (n == 1).then(|| Reply::error(401, 200, "UNAUTHORIZED"))),
            with_cache(BadCache::new(&["get", "set", "delete"], true)),
            status(),
            Outcome::Ok,
            2,
            2,
        ),
        // ---- clocks ------------------------------------------------------------------------
        row(
            "token expiring during the call (GoPay says 401)",
            api(|n| (n == 1).then(|| Reply::error(401, 200, "TOKEN_EXPIRED"))),
            builder(|b| b.token_refresh_margin(Duration::ZERO)),
            status(),
            Outcome::Ok,
            2,
            2,
        ),
        row(
            "cached token from a clock far ahead, refused",
            nothing(),
            seeded_cache(SystemTime::now() + Duration::from_secs(86_000)),
            status(),
            Outcome::Ok,
            1,
            2,
        ),
        row(
            "cached token already expired by our clock",
            nothing(),
            seeded_cache(SystemTime::now() - Duration::from_secs(60)),
            status(),
            Outcome::Ok,
            1,
            1,
        ),
    ]
}

#[test]
fn the_fault_matrix() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    println!(
        "{:<52} {:<12} {:>6} {:>4} {:>8}",
        "case", "outcome", "tokens", "api", "ms"
    );
    for case in &cases {
        let gw = FakeGateway::start();
        (case.setup)(&gw);
        let builder = Client::builder(gw.config())
            .timeout(TIMEOUT)
            .retry_backoff(Duration::from_millis(20), Duration::from_millis(100));
        let client = (case.configure)(builder, &gw).build().unwrap();
        let started = Instant::now();
        let result = (case.call)(&client);
        let elapsed = started.elapsed();
        let got = outcome(&result);
        let (tokens, api) = (gw.token_requests(), gw.api_requests());
        println!(
            "{:<52} {:<12} {:>6} {:>4} {:>8}",
            case.name,
            format!("{got:?}"),
            tokens,
            api,
            elapsed.as_millis()
        );
        if got != case.expect || tokens != case.token_requests || api != case.api_requests {
            failures.push(format!(
                "{}: expected {:?} with {} token / {} API requests, got {:?} with {tokens} / {api} ({result:?})",
                case.name, case.expect, case.token_requests, case.api_requests, got
            ));
        }
        if elapsed > HANG {
            failures.push(format!("{}: took {elapsed:?}", case.name));
        }
        if let Err(err) = &result {
            let shown = format!("{err} {err:?}");
            if shown.contains(support::CLIENT_SECRET) || shown.contains(support::TOKEN_PREFIX) {
                failures.push(format!("{}: a secret leaked: {shown}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn unreachable_gateway_is_retried_because_nothing_was_sent() {
    let port = support::unused_port();
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let client = Client::builder(gopay::Config::new(
        1,
        "id",
        "s",
        format!("http://127.0.0.1:{port}"),
    ))
    .timeout(TIMEOUT)
    .retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
    .on_event(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    })
    .build()
    .unwrap();
    // Even a payment: a refused connection provably sent nothing.
    let err = create()(&client).unwrap_err();
    assert!(
        matches!(err, Error::Transport { timeout: false, .. }),
        "{err:?}"
    );
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "the token request, tried three times"
    );
}

#[test]
fn a_bogus_host_fails_fast_with_a_transport_error() {
    let client = Client::builder(gopay::Config::new(
        1,
        "id",
        "s",
        "https://gopay-test.invalid",
    ))
    .timeout(Duration::from_secs(5))
    .retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
    .build()
    .unwrap();
    let started = Instant::now();
    let err = client.get_status(1).unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(started.elapsed() < HANG);
}

#[test]
fn retry_after_is_honoured_up_to_the_cap() {
    let gw = FakeGateway::start();
    gw.on_api(|request, n, gateway| {
        if n == 1 {
            Reply::error(503, 100, "BUSY").header("Retry-After", "1")
        } else {
            gateway.default_api_reply(request)
        }
    });
    let client = Client::builder(gw.config())
        .timeout(Duration::from_secs(10))
        .retry_backoff(Duration::from_millis(1), Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_status(1).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as told"
    );
    assert_eq!(gw.api_requests(), 2);

    // A Retry-After beyond the call's timeout is not waited for.
    let gw = FakeGateway::start();
    gw.on_api(|_, _, _| Reply::error(503, 100, "BUSY").header("Retry-After", "3600"));
    let client = Client::builder(gw.config())
        .timeout(Duration::from_millis(800))
        .retry_backoff(Duration::from_millis(1), Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_status(1).unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(gw.api_requests(), 1);
}
