//! Headless Chromium driven over the W3C WebDriver protocol, for the tests that open the
//! simulator's pages in a real browser. Needs Debian's `chromium` and `chromium-driver`
//! packages; fails (never skips) without them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{json, Value};

pub const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long the browser gets for starting, loading and navigating.
pub const BROWSER_WAIT: Duration = Duration::from_secs(60);
/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver and the browser profile directory; both go away on drop.
pub struct Driver {
    child: Child,
    profile: PathBuf,
    url: String,
    agent: ureq::Agent,
}

impl Driver {
    pub fn start() -> Driver {
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
        match self.try_call(method, path, body) {
            Ok(value) => value,
            Err((status, value)) => panic!("{method} {path}: {status} {value}"),
        }
    }

    /// One WebDriver command; its `value`, or the status and the whole error answer.
    fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, (u16, Value)> {
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
        if status == 200 {
            Ok(value["value"].clone())
        } else {
            Err((status, value))
        }
    }

    pub fn session(&self) -> Session<'_> {
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
pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.id), body)
    }

    pub fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .expect("a URL")
            .to_owned()
    }

    /// Runs `script` in the page; it ends by calling `done(value)`, which is answered.
    pub fn run_async(&self, script: &str) -> Value {
        let script = format!("const done = arguments[arguments.length - 1]; {script}");
        self.call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
    }

    pub fn click(&self, css: &str) {
        let element = self.element(css);
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// The rendered text of every element `css` selects, in document order.
    pub fn texts(&self, css: &str) -> Vec<String> {
        // A page that navigates between finding the elements and reading them (a form's
        // POST and its 303) leaves stale references: find them again on the new page.
        let deadline = Instant::now() + BROWSER_WAIT;
        loop {
            match self.try_texts(css) {
                Ok(texts) => return texts,
                Err(stale) => assert!(Instant::now() < deadline, "{css}: {stale}"),
            }
        }
    }

    /// The texts of the elements `css` finds; `Err` when one went stale meanwhile.
    fn try_texts(&self, css: &str) -> Result<Vec<String>, Value> {
        let path = |rest: &str| format!("/session/{}{rest}", self.id);
        let found = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        let mut texts = Vec::new();
        for element in found.as_array().expect("a list of elements") {
            let id = element[ELEMENT].as_str().expect("an element reference");
            match self
                .driver
                .try_call("GET", &path(&format!("/element/{id}/text")), None)
            {
                Ok(text) => texts.push(text.as_str().expect("the element's text").to_owned()),
                Err((_, error)) if error["value"]["error"] == "stale element reference" => {
                    return Err(error["value"]["message"].clone());
                }
                Err((status, error)) => panic!("reading {css}: {status} {error}"),
            }
        }
        Ok(texts)
    }

    /// The reference of the element `css` selects; panics (with the page) when there is none.
    fn element(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no {css} in {}", self.call("GET", "/source", None)))
            .to_owned()
    }

    /// Types `text` into the field `css` selects.
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css);
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Goes into the frame `css` selects: later commands act on its document.
    pub fn enter_frame(&self, css: &str) {
        let element = self.element(css);
        self.call("POST", "/frame", Some(json!({"id": {ELEMENT: element}})));
    }

    /// Back to the top-level document from a frame.
    pub fn leave_frame(&self) {
        self.call("POST", "/frame", Some(json!({"id": null})));
    }

    /// The text of the first element `css` selects once it has any (an answer that comes
    /// by an event, such as a message from a frame); panics after [`BROWSER_WAIT`].
    pub fn wait_for_text(&self, css: &str) -> String {
        let deadline = Instant::now() + BROWSER_WAIT;
        loop {
            if let Some(text) = self.texts(css).into_iter().find(|t| !t.is_empty()) {
                return text;
            }
            assert!(Instant::now() < deadline, "{css} stayed empty");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the browser is at `expected` (after a click's navigation).
    pub fn wait_for_url(&self, expected: &str) {
        let deadline = Instant::now() + BROWSER_WAIT;
        while self.url() != expected {
            assert!(
                Instant::now() < deadline,
                "the browser is at {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Loads the current page again.
    pub fn refresh(&self) {
        self.call("POST", "/refresh", Some(json!({})));
    }

    /// Sets the window's size in CSS pixels (what a screenshot shows).
    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Saves a PNG of the visible page at `path`; returns its size in bytes.
    pub fn screenshot(&self, path: &Path) -> usize {
        let encoded = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("a base64 screenshot"))
            .expect("valid base64");
        assert!(png.starts_with(b"\x89PNG"), "a PNG image");
        std::fs::write(path, &png).expect("the screenshot is written");
        png.len()
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let path = format!("{}/session/{}", self.driver.url, self.id);
        let _ = self.driver.agent.delete(&path).call();
    }
}
