//! Plain HTTP for the tests that speak to the simulator as a browser or curl would: any
//! method and headers, every status as it is, no redirect followed.

use super::shop::WAIT;

/// One answer: status, `Content-Type`, `Location`, the framing rule, body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    /// `Content-Security-Policy`, when sent.
    pub security_policy: Option<String>,
    /// Every header, names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The value of header `name` (lower case), when sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends one request with exactly these headers.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(WAIT))
        .build()
        .new_agent();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(body.to_vec()).expect("a valid request");
    let mut response = agent.run(request).expect("an answer");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let location = header("location");
    let security_policy = header("content-security-policy");
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    Answer {
        status: response.status().as_u16(),
        content_type,
        location,
        security_policy,
        headers,
        body: response.body_mut().read_to_string().expect("a text body"),
    }
}

/// `method` to the control API, `{origin}/_simulator{path}`, with `body` as JSON (no body
/// for `null`) and no `Origin` header, as curl sends it.
pub fn control(origin: &str, method: &str, path: &str, body: &serde_json::Value) -> Answer {
    let url = format!("{origin}/_simulator{path}");
    if body.is_null() {
        send(method, &url, &[], b"")
    } else {
        let body = body.to_string();
        send(
            method,
            &url,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    }
}

/// `(id, state)` of each payment the simulator at `origin` holds, in id order, as
/// `GET /_simulator/payments` lists them.
pub fn held_payments(origin: &str) -> Vec<(u64, String)> {
    let answer = control(origin, "GET", "/payments", &serde_json::Value::Null);
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            let id = p["id"].as_u64().expect("an id");
            (id, p["state"].as_str().expect("a state").to_owned())
        })
        .collect()
}

/// One request written byte for byte on a connection of its own to 127.0.0.1:`port`, with
/// `Host: {host}` when given (else as HTTP/1.0, whose clients may send none), as a browser
/// sends it for a page whose domain was re-pointed at the simulator; read to its end.
pub fn with_host(
    port: u16,
    method: &str,
    path: &str,
    host: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    with_host_and_body(port, method, path, host, headers, b"")
}

/// [`with_host`] with a body.
pub fn with_host_and_body(
    port: u16,
    method: &str,
    path: &str,
    host: Option<&str>,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    use std::io::{Read, Write};

    let version = if host.is_some() {
        "HTTP/1.1"
    } else {
        "HTTP/1.0"
    };
    let mut head = format!("{method} {path} {version}\r\nConnection: close\r\n");
    for (name, value) in host.map(|host| ("Host", host)).iter().chain(headers) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" || !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("a connection");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("the whole answer");
    let text = String::from_utf8(bytes).expect("a text answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head}"));
    let header = |wanted: &str| {
        head.lines().skip(1).find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case(wanted)
                .then(|| value.trim().to_owned())
        })
    };
    Answer {
        status,
        content_type: header("content-type").unwrap_or_default(),
        location: header("location"),
        security_policy: header("content-security-policy"),
        headers: head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
            .collect(),
        body: body.to_owned(),
    }
}
