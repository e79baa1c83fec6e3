//! Raw HTTP to the simulated gateway, as a shop in another language (or a broken client)
//! sends it: any method, path, `Content-Type` and body bytes, with a `payment-all` token.

use base64::Engine as _;
use gopay_simulator::Simulator;

use super::shop::WAIT;

/// One answer: status, `Content-Type` and body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON (`null` when empty or not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The first error's code, when the body is GoPay's error envelope.
    pub fn error_code(&self) -> Option<u64> {
        self.json()["errors"][0]["error_code"].as_u64()
    }

    /// The first error's field, when it names one.
    pub fn error_field(&self) -> Option<String> {
        self.json()["errors"][0]["field"]
            .as_str()
            .map(str::to_owned)
    }
}

/// One request to the simulator on 127.0.0.1:`port`, headers as given (and `Accept: JSON`).
pub fn raw(
    port: u16,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Answer {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(WAIT))
        .build()
        .new_agent();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://127.0.0.1:{port}{path}"))
        .header("Accept", "application/json");
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    if let Some(value) = content_type {
        request = request.header("Content-Type", value);
    }
    let request = request.body(body.to_vec()).expect("a valid request");
    let mut response = agent.run(request).expect("an answer");
    Answer {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        body: response.body_mut().read_to_vec().expect("a body"),
    }
}

/// A shop's raw connection to one simulator, with a `payment-all` token.
pub struct Gateway {
    port: u16,
    basic: String,
    bearer: String,
}

impl Gateway {
    /// Fetches a `payment-all` token by hand.
    pub fn new(sim: &Simulator) -> Gateway {
        let credentials = format!("{}:{}", sim.client_id(), sim.client_secret());
        let mut gateway = Gateway {
            port: sim.port(),
            basic: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials)
            ),
            bearer: String::new(),
        };
        let token = gateway.token(
            Some("application/x-www-form-urlencoded"),
            b"grant_type=client_credentials&scope=payment-all",
        );
        assert_eq!(
            token.status,
            200,
            "{}",
            String::from_utf8_lossy(&token.body)
        );
        let access = token.json()["access_token"].as_str().unwrap().to_owned();
        gateway.bearer = format!("Bearer {access}");
        gateway
    }

    /// `POST /api/oauth2/token` with the simulator's credentials.
    pub fn token(&self, content_type: Option<&str>, body: &[u8]) -> Answer {
        let path = "/api/oauth2/token";
        raw(
            self.port,
            "POST",
            path,
            Some(&self.basic),
            content_type,
            body,
        )
    }

    /// `method` on `path` (from `/api` on) with the bearer token.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Answer {
        raw(
            self.port,
            method,
            path,
            Some(&self.bearer),
            content_type,
            body,
        )
    }

    /// `POST path` with a JSON body.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Answer {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send("POST", path, Some("application/json"), &bytes)
    }
}
