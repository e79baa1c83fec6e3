//! A small fake GoPay gateway on 127.0.0.1 for the integration tests.
//!
//! It issues tokens, accepts only tokens it issued, answers payment creation and status, and
//! records every request. Tests replace the token or API behaviour with closures to inject
//! failures, delays or gates (channels), and read counters instead of sleeping.
#![allow(dead_code)]

pub mod fleet;
pub mod hostile_cache;
pub mod memcached_server;
pub mod redis_server;
pub mod tls;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub const GOID: u64 = 8123456789;
pub const CLIENT_ID: &str = "1744960415";
/// Recognisable, so tests can prove it never leaks.
pub const CLIENT_SECRET: &str = "SeCrEt-h2XzF9q";
/// Every token the gateway issues starts with this, so tests can look for leaks.
pub const TOKEN_PREFIX: &str = "ToKeN-";

/// One request as the gateway received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, e.g. `/api/payments/payment/1`.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn bearer(&self) -> Option<&str> {
        self.header("Authorization")?.strip_prefix("Bearer ")
    }

    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("request body is UTF-8")
    }
}

/// What the gateway answers.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    pub headers: Vec<(String, String)>,
    /// Bytes written instead of a proper answer, after which the connection is closed.
    pub raw: Option<Vec<u8>>,
    /// Bytes written in parts, each after its pause (a slow or hostile server); the
    /// connection is closed after the last.
    pub paced: Option<Vec<(std::time::Duration, Vec<u8>)>>,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::typed(status, body, "application/json")
    }

    pub fn typed(status: u16, body: impl Into<String>, content_type: &'static str) -> Reply {
        Reply {
            status,
            body: body.into(),
            content_type,
            headers: Vec::new(),
            raw: None,
            paced: None,
        }
    }

    /// A JSON answer whose head comes after `before_head` and whose body after a further
    /// `before_body`: a server that pauses twice.
    pub fn pausing(
        before_head: std::time::Duration,
        before_body: std::time::Duration,
        status: u16,
        body: &str,
    ) -> Reply {
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        Reply {
            paced: Some(vec![
                (before_head, head.into_bytes()),
                (before_body, body.as_bytes().to_vec()),
            ]),
            ..Reply::json(status, "")
        }
    }

    /// A JSON answer whose head comes at once and whose body one byte every `every`.
    pub fn dripping(every: std::time::Duration, status: u16, body: &str) -> Reply {
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut parts = vec![(std::time::Duration::ZERO, head.into_bytes())];
        parts.extend(body.bytes().map(|b| (every, vec![b])));
        Reply {
            paced: Some(parts),
            ..Reply::json(status, "")
        }
    }

    /// Writes `bytes` as they are and closes the connection (broken answers).
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply {
            raw: Some(bytes.into()),
            ..Reply::json(200, "")
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn error(status: u16, code: u32, name: &str) -> Reply {
        Reply::json(
            status,
            format!(
                r#"{{"date_issued":"2026-11-25T10:00:00.000+0100","errors":[{{"scope":"G","error_code":{code},"error_name":"{name}","message":"{name}"}}]}}"#
            ),
        )
    }
}

/// Decides the answer to a request; `n` counts requests of its kind from 1.
pub type Handler = Arc<dyn Fn(&Recorded, usize, &Gateway) -> Reply + Send + Sync>;

pub struct FakeGateway {
    pub gateway: Arc<Gateway>,
}

/// The shared state the handlers see.
pub struct Gateway {
    pub url: String,
    token_requests: AtomicUsize,
    api_requests: AtomicUsize,
    connections: AtomicUsize,
    issued: Mutex<HashSet<String>>,
    recorded: Mutex<Vec<Recorded>>,
    token_handler: Mutex<Handler>,
    api_handler: Mutex<Handler>,
    /// `expires_in` of issued tokens.
    pub token_lifetime: AtomicUsize,
    token_counter: AtomicUsize,
}

impl FakeGateway {
    /// Starts the gateway on a free port: one thread accepts, one thread serves each
    /// connection (keep-alive included). The threads live as long as the test process.
    pub fn start() -> FakeGateway {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("bound address").port();
        let gateway = Arc::new(Gateway {
            url: format!("http://127.0.0.1:{port}"),
            token_requests: AtomicUsize::new(0),
            api_requests: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            issued: Mutex::new(HashSet::new()),
            recorded: Mutex::new(Vec::new()),
            token_handler: Mutex::new(Arc::new(|r, _, gw| gw.issue_token_reply(r))),
            api_handler: Mutex::new(Arc::new(|r, _, gw| gw.default_api_reply(r))),
            token_lifetime: AtomicUsize::new(1800),
            token_counter: AtomicUsize::new(0),
        });
        let shared = gateway.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let gateway = shared.clone();
                std::thread::spawn(move || gateway.serve_connection(stream));
            }
        });
        FakeGateway { gateway }
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.gateway.connections.load(Ordering::SeqCst)
    }

    /// A client config for this gateway with the accepted credentials.
    pub fn config(&self) -> gopay::Config {
        gopay::Config::new(GOID, CLIENT_ID, CLIENT_SECRET, self.gateway.url.clone())
    }

    pub fn on_token(
        &self,
        handler: impl Fn(&Recorded, usize, &Gateway) -> Reply + Send + Sync + 'static,
    ) {
        *self.gateway.token_handler.lock().unwrap() = Arc::new(handler);
    }

    pub fn on_api(
        &self,
        handler: impl Fn(&Recorded, usize, &Gateway) -> Reply + Send + Sync + 'static,
    ) {
        *self.gateway.api_handler.lock().unwrap() = Arc::new(handler);
    }

    /// Back to issuing tokens normally.
    pub fn default_token_handler(&self) {
        self.on_token(|r, _, gw| gw.issue_token_reply(r));
    }

    pub fn token_requests(&self) -> usize {
        self.gateway.token_requests.load(Ordering::SeqCst)
    }

    pub fn api_requests(&self) -> usize {
        self.gateway.api_requests.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.gateway.recorded.lock().unwrap().clone()
    }

    pub fn api_requests_log(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| !r.url.ends_with("/oauth2/token"))
            .collect()
    }

    pub fn set_token_lifetime(&self, seconds: usize) {
        self.gateway.token_lifetime.store(seconds, Ordering::SeqCst);
    }

    /// Makes `token` acceptable, as if the gateway had issued it (e.g. to a cache's owner).
    pub fn accept_token(&self, token: &str) {
        self.gateway.issued.lock().unwrap().insert(token.to_owned());
    }
}

impl Gateway {
    /// Serves HTTP/1.1 requests on one connection until the client closes it.
    fn serve_connection(&self, stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let Ok(write_half) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(stream);
        let mut writer = write_half;
        while let Some(request) = read_request(&mut reader) {
            let close = request
                .header("Connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"));
            let reply = self.handle(request);
            if let Some(raw) = reply.raw {
                let _ = writer.write_all(&raw);
                return;
            }
            if let Some(parts) = reply.paced {
                for (pause, bytes) in parts {
                    std::thread::sleep(pause);
                    if writer
                        .write_all(&bytes)
                        .and_then(|()| writer.flush())
                        .is_err()
                    {
                        return;
                    }
                }
                return;
            }
            let mut head = format!(
                "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
                reply.status,
                reply.content_type,
                reply.body.len()
            );
            for (name, value) in &reply.headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let mut out = head.into_bytes();
            out.extend_from_slice(reply.body.as_bytes());
            if writer.write_all(&out).is_err() || close {
                return;
            }
        }
    }

    fn handle(&self, recorded: Recorded) -> Reply {
        self.recorded.lock().unwrap().push(recorded.clone());
        // v3's token endpoint, or v4's under its base URL's prefix.
        if recorded.url == "/api/oauth2/token" || recorded.url == "/gp-gw/api/4.0/oauth2/token" {
            let n = self.token_requests.fetch_add(1, Ordering::SeqCst) + 1;
            let handler = self.token_handler.lock().unwrap().clone();
            handler(&recorded, n, self)
        } else {
            let n = self.api_requests.fetch_add(1, Ordering::SeqCst) + 1;
            let handler = self.api_handler.lock().unwrap().clone();
            handler(&recorded, n, self)
        }
    }

    /// Checks Basic credentials and the form, then issues a new token.
    pub fn issue_token_reply(&self, request: &Recorded) -> Reply {
        use base64::Engine as _;
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        );
        if request.header("Authorization") != Some(expected.as_str()) {
            return Reply::error(403, 202, "WRONG_CREDENTIALS");
        }
        if request.body_text() != "grant_type=client_credentials&scope=payment-all"
            && request.body_text() != "grant_type=client_credentials&scope=payment-create"
        {
            return Reply::error(400, 201, "GRANT_NOT_SUPPORTED");
        }
        let token = self.issue_token();
        Reply::json(
            200,
            format!(
                r#"{{"token_type":"bearer","access_token":"{token}","expires_in":{}}}"#,
                self.token_lifetime.load(Ordering::SeqCst)
            ),
        )
    }

    /// A new token the gateway accepts from now on.
    pub fn issue_token(&self) -> String {
        let mut issued = self.issued.lock().unwrap();
        let token = format!(
            "{TOKEN_PREFIX}{}+/=",
            self.token_counter.fetch_add(1, Ordering::SeqCst) + 1
        );
        issued.insert(token.clone());
        token
    }

    pub fn revoke(&self, token: &str) {
        self.issued.lock().unwrap().remove(token);
    }

    pub fn is_issued(&self, token: &str) -> bool {
        self.issued.lock().unwrap().contains(token)
    }

    /// Bearer check, then payment creation (echo with an id) and status.
    pub fn default_api_reply(&self, request: &Recorded) -> Reply {
        match request.bearer() {
            Some(token) if self.is_issued(token) => {}
            _ => return Reply::error(401, 200, "UNAUTHORIZED"),
        }
        if request.method == "POST" && request.url == "/api/payments/payment" {
            let mut payment: serde_json::Value =
                serde_json::from_slice(&request.body).expect("JSON payment");
            payment["id"] = 3000006529u64.into();
            payment["state"] = "CREATED".into();
            payment["gw_url"] = "https://gw.example/gw/v3/abc".into();
            return Reply::json(200, payment.to_string());
        }
        if request.method == "GET" {
            if let Some(id) = request.url.strip_prefix("/api/payments/payment/") {
                if let Ok(id) = id.parse::<u64>() {
                    return Reply::json(200, payment_json(id, "PAID"));
                }
            }
        }
        Reply::error(404, 304, "PAYMENT_NOT_FOUND")
    }
}

/// Reads one request (head and `Content-Length` body); `None` at the end of the connection
/// or on a request this test server does not understand.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        if reader.read_until(b'\n', &mut head).ok()? == 0 {
            return None;
        }
        if head[before..] == *b"\r\n" || head[before..] == *b"\n" {
            break;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    parsed.parse(&head).ok()?;
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .map_or(Some(0), |(_, v)| v.trim().parse::<usize>().ok())?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method: parsed.method?.to_owned(),
        url: parsed.path?.to_owned(),
        headers,
        body,
    })
}

/// A loopback port on which every connection is refused, for as long as this process runs.
///
/// The port is the local end of a connection this process keeps open (to a listener it
/// closes at once) and never listens on. That socket has no `SO_REUSEADDR`, so no other
/// socket can bind the port meanwhile: a server started by a parallel test (asking for port
/// 0 or for this port) cannot take it. Not for starting a server on: see [`server_port`].
pub fn unused_port() -> u16 {
    static KEPT: Mutex<Vec<(TcpStream, TcpStream)>> = Mutex::new(Vec::new());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let near = TcpStream::connect(listener.local_addr().expect("bound address"))
        .expect("connect to our own listener");
    let (far, _) = listener.accept().expect("accept our own connection");
    let port = near.local_addr().expect("connected address").port();
    KEPT.lock().unwrap().push((near, far));
    port
}

/// A loopback port that was free a moment ago, for a server in another process (e.g.
/// `redis-server`) to listen on.
///
/// It is picked at random below the kernel's ephemeral range, so the ports the OS hands
/// out for port 0 (every other test server, every outgoing connection) never collide with
/// it. It can still be taken between this check and the server's start (by anyone binding
/// that exact port), so a caller retries with a new port when its server fails to start.
pub fn server_port() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    const LOWEST: u16 = 10_000;
    let span = u64::from(ephemeral_low.saturating_sub(LOWEST).max(1));
    for _ in 0..100 {
        // Each `RandomState` is freshly seeded: a cheap random number without a crate.
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let port = LOWEST + u16::try_from(random % span).unwrap();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Starts `program` with `args`, its output discarded. Panics when it is not installed,
/// whatever the environment: a silent skip would hide a broken set-up.
pub fn spawn_server(program: &str, args: &[String]) -> std::process::Child {
    match std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(process) => process,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "{program} is not installed: the cache tests need the {program} binary on PATH \
             (e.g. apt-get install {program})"
        ),
        Err(e) => panic!("could not start {program}: {e}"),
    }
}

/// A private (0700) directory of its own for one server's files (certificates, keys, cluster
/// state), removed with everything in it when dropped.
pub struct ScratchDir {
    path: std::path::PathBuf,
}

impl ScratchDir {
    /// Creates `gopay-{name}-…` under the system's temporary directory. The name is new for
    /// every call (process id and a counter), so parallel tests never share one.
    pub fn new(name: &str) -> ScratchDir {
        use std::os::unix::fs::DirBuilderExt;
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "gopay-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // Left over by an earlier process with the same id, which cannot still be using it.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .unwrap_or_else(|e| panic!("could not create {}: {e}", path.display()));
        ScratchDir { path }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The path of `file` in this directory.
    pub fn join(&self, file: &str) -> std::path::PathBuf {
        self.path.join(file)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A realistic status answer.
pub fn payment_json(id: u64, state: &str) -> String {
    format!(
        r#"{{"id":{id},"order_number":"001","state":"{state}","sub_state":"_3002","amount":1000,"currency":"CZK","payment_instrument":"BANK_ACCOUNT","payer":{{"allowed_payment_instruments":["BANK_ACCOUNT"],"default_swift":"FIOBCZPP","bank_account":{{"prefix":"670100","account_number":"7654322","bank_code":"0100","account_name":"JAN NOVAK"}},"contact":{{"email":"test@example.com"}}}},"target":{{"type":"ACCOUNT","goid":{GOID}}},"additional_params":[{{"name":"invoicenumber","value":"2015001003"}}],"lang":"cs","gw_url":"https://gw.sandbox.gopay.com/gw/v3/bCcv"}}"#
    )
}
