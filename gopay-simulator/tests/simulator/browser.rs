//! The customer page in a real browser: headless Chromium driven over the W3C WebDriver
//! protocol opens `gw_url`, chooses a method, clicks `#pay` and follows the 303 back to the
//! shop; and pages of another site that try to drive the control API through the browser.
//! Needs Debian's `chromium` and `chromium-driver` packages; fails (never skips) without
//! them.

use crate::support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use gopay::{Client, Currency, Item, PaymentInstrument, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;
use serde_json::{json, Value};
use support::shop::Shop;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long the browser gets for starting, loading and navigating.
const BROWSER_WAIT: Duration = Duration::from_secs(60);
/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver and the browser profile directory; both go away on drop.
struct Driver {
    child: Child,
    profile: PathBuf,
    url: String,
    agent: ureq::Agent,
}

impl Driver {
    fn start() -> Driver {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: the browser test needs Debian's `chromium` and \
                 `chromium-driver` (apt-get install -y chromium chromium-driver); {package} \
                 provides it"
            );
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let profile = std::env::temp_dir().join(format!(
            "gopay-simulator-browser-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&profile).expect("a browser profile directory");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(BROWSER_WAIT))
            .build()
            .new_agent();
        let driver = Driver {
            child,
            profile,
            url: format!("http://127.0.0.1:{port}"),
            agent,
        };
        driver.wait_until_ready();
        driver
    }

    /// Polls `/status` until chromedriver listens and is ready.
    fn wait_until_ready(&self) {
        let deadline = Instant::now() + BROWSER_WAIT;
        loop {
            let ready = self
                .agent
                .get(format!("{}/status", self.url))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_vec().ok())
                .and_then(|body| serde_json::from_slice::<Value>(&body).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return;
            }
            assert!(Instant::now() < deadline, "chromedriver did not get ready");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// One WebDriver command; its `value`. Panics on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url);
        let mut answer = match body {
            Some(body) => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(serde_json::to_vec(&body).unwrap()),
            None if method == "DELETE" => self.agent.delete(&url).call(),
            None => self.agent.get(&url).call(),
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = answer.status().as_u16();
        let body = answer.body_mut().read_to_vec().expect("a WebDriver answer");
        let value: Value = serde_json::from_slice(&body).expect("WebDriver JSON");
        assert_eq!(status, 200, "{method} {path}: {value}");
        value["value"].clone()
    }

    fn session(&self) -> Session<'_> {
        let profile = format!("--user-data-dir={}", self.profile.display());
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                // Without the background-networking switches Chromium's own connections
                // can make the page's loads fail on locked-down machines.
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", profile],
            },
        }}});
        let value = self.call("POST", "/session", Some(capabilities));
        let id = value["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Session { driver: self, id }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A browser session; ended on drop.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.id), body)
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .expect("a URL")
            .to_owned()
    }

    /// Runs `script` in the page; it ends by calling `done(value)`, which is answered.
    fn run_async(&self, script: &str) -> Value {
        let script = format!("const done = arguments[arguments.length - 1]; {script}");
        self.call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn click(&self, css: &str) {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        let element = found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no {css} in {}", self.call("GET", "/source", None)));
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let path = format!("{}/session/{}", self.driver.url, self.id);
        let _ = self.driver.agent.delete(&path).call();
    }
}

#[test]
fn a_customer_pays_in_a_real_browser_and_returns_to_the_shop() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = Client::new(sim.config()).unwrap();
    let base = shop.url.trim_end_matches("/notify").to_owned();
    let request = PaymentRequest::new(15000, Currency::Czk, "WEB-1")
        .item(Item::new("Blue mug", 15000))
        .contact_email("payer@example.cz")
        .callback(format!("{base}/return"), shop.url.clone());
    let payment = client.create_payment(&request).unwrap();
    let id = payment.id;

    let driver = Driver::start();
    let session = driver.session();
    session.open(payment.gw_url.as_deref().unwrap());
    session.click("#payment_instrument option[value=\"BANK_ACCOUNT\"]");
    session.click("#pay");

    let returned = format!("{base}/return?id={id}");
    let deadline = Instant::now() + BROWSER_WAIT;
    while session.url() != returned {
        assert!(
            Instant::now() < deadline,
            "the browser is at {}",
            session.url()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The shop sees the notification and the customer's return (and maybe a favicon).
    let (mut notified, mut came_back) = (false, false);
    while !(notified && came_back) {
        let path = shop.next();
        notified |= path == format!("/notify?id={id}");
        came_back |= path == format!("/return?id={id}");
    }
    drop(session);
    drop(driver);

    let status = client.get_status(id).unwrap();
    assert_eq!(status.state, Some(PaymentState::Paid));
    assert_eq!(
        status.payment_instrument,
        Some(PaymentInstrument::BankAccount)
    );
}

/// A site of the attacker's: serves `pages` (path → HTML) on its own port.
struct Site {
    server: Arc<tiny_http::Server>,
    url: String,
}

impl Site {
    fn start(pages: Vec<(String, String)>) -> Site {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind the site"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let serving = Arc::clone(&server);
        std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let page = pages.iter().find(|(path, _)| *path == request.url());
                let response = match page {
                    Some((_, html)) => tiny_http::Response::from_string(html.clone()).with_header(
                        "Content-Type: text/html; charset=utf-8"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    ),
                    None => tiny_http::Response::from_string("").with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        Site {
            server,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

#[test]
fn another_sites_pages_cannot_pay_through_the_browser_but_the_simulators_own_can() {
    // Every control request the simulator answers, as the access log sees it.
    let (seen, answered) = mpsc::channel::<(String, u16)>();
    let seen = Mutex::new(seen);
    let sim = Simulator::builder()
        .on_exchange(move |exchange| {
            if exchange.path.starts_with("/_simulator/") {
                let _ = seen
                    .lock()
                    .unwrap()
                    .send((exchange.path.clone(), exchange.status));
            }
        })
        .start()
        .unwrap();
    let order = |number: &str| {
        let request = PaymentRequest::new(1000, Currency::Czk, number).item(Item::new("Mug", 1000));
        sim.create_payment(&request).unwrap()
    };
    let (top, framed, own) = (order("XO-1"), order("XO-2"), order("XO-3"));
    let form = |id: u64| {
        format!(
            "<form method='post' enctype='text/plain' action='http://127.0.0.1:{}/_simulator/payments/{id}/pay'></form><script>document.forms[0].submit()</script>",
            sim.port()
        )
    };
    // A plain cross-site form, and one in a sandboxed frame (which sends `Origin: null`).
    let framed_page = format!(
        "<iframe sandbox='allow-forms allow-scripts' srcdoc=\"{}\"></iframe>",
        form(framed.id)
    );
    let site = Site::start(vec![
        ("/top".to_owned(), form(top.id)),
        ("/framed".to_owned(), framed_page),
    ]);
    let driver = Driver::start();
    let session = driver.session();
    for (page, id) in [("/top", top.id), ("/framed", framed.id)] {
        session.open(&format!("{}{page}", site.url));
        let (path, status) = answered
            .recv_timeout(BROWSER_WAIT)
            .expect("the form was sent");
        assert_eq!(
            (path.as_str(), status),
            (format!("/_simulator/payments/{id}/pay").as_str(), 403),
            "{page}"
        );
        assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Created));
    }

    // The simulator's own page, reached as localhost rather than 127.0.0.1, may act.
    let gw_url = own.gw_url.unwrap().replace("127.0.0.1", "localhost");
    session.open(&gw_url);
    let status = session.run_async(&format!(
        "fetch('/_simulator/payments/{}/pay', {{method: 'POST'}}).then(r => done(r.status), e => done(String(e)))",
        own.id
    ));
    assert_eq!(status, 200);
    assert_eq!(
        answered.recv_timeout(BROWSER_WAIT).unwrap(),
        (format!("/_simulator/payments/{}/pay", own.id), 200)
    );
    assert_eq!(sim.payment(own.id).unwrap().state, Some(PaymentState::Paid));
}
