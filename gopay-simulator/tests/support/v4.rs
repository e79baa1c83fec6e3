//! Raw HTTP to the simulator's API v4: tokens of both grants, JSON requests with a bearer
//! token, and the bodies the v4 tests send.

use base64::Engine;
use gopay_simulator::Simulator;
use serde_json::{json, Value};

use super::http::{send, Answer};

/// What raw v4 requests to a simulator need, secrets included (the client's
/// `gopay::v4::Config` keeps its secret to itself).
pub struct V4Config {
    pub base_url: String,
    pub goid: String,
    pub client_id: String,
    pub client_secret: String,
    pub shareable_key: String,
}

impl V4Config {
    pub fn of(sim: &Simulator) -> V4Config {
        V4Config {
            base_url: sim.v4_base_url(),
            goid: sim.goid().to_string(),
            client_id: sim.client_id().to_owned(),
            client_secret: sim.client_secret().to_owned(),
            shareable_key: sim.v4_shareable_key().to_owned(),
        }
    }
}

/// Every merchant scope, space-separated as GoPay spells them.
pub const ALL_SCOPES: &str = "payment:write payment:read card:write card:read shared:read";

/// `Basic base64(id:secret)`.
pub fn basic(id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {encoded}")
}

/// `POST {base}/oauth2/token` with a form-encoded body as the official SDKs send it.
pub fn token_answer(config: &V4Config, grant: &str, id: &str, secret: &str, scope: &str) -> Answer {
    let scope = scope.replace(':', "%3A").replace(' ', "+");
    send(
        "POST",
        &format!("{}/oauth2/token", config.base_url),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
            ("Authorization", &basic(id, secret)),
        ],
        format!("grant_type={grant}&scope={scope}").as_bytes(),
    )
}

/// A merchant token with `scope`.
pub fn merchant_token(config: &V4Config, scope: &str) -> String {
    let answer = token_answer(
        config,
        "client_credentials",
        &config.client_id,
        &config.client_secret,
        scope,
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["access_token"].as_str().unwrap().to_owned()
}

/// `method {base}{path}` with the bearer `token` and a JSON body (none for `Value::Null`).
pub fn call(config: &V4Config, token: &str, method: &str, path: &str, body: &Value) -> Answer {
    let auth = format!("Bearer {token}");
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let mut headers = vec![
        ("Accept", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    if !body.is_null() {
        headers.push(("Content-Type", "application/json"));
    }
    send(
        method,
        &format!("{}{path}", config.base_url),
        &headers,
        &bytes,
    )
}

/// A create-payment body of `amount` CZK cents returning to `return_url` (notifications
/// to a host the simulator never calls).
pub fn payment_body(amount: i64, return_url: &str) -> Value {
    notified_body(amount, "https://shop.example/notify", return_url)
}

/// A create-payment body of `amount` CZK cents notifying `notification_url` and returning
/// to `return_url`.
pub fn notified_body(amount: i64, notification_url: &str, return_url: &str) -> Value {
    json!({
        "amount": amount,
        "currency": "CZK",
        "order_number": "2025010199",
        "order_description": "Test order",
        "customer": {"email": "john.doe@example.com", "country_code": "CZE"},
        "callback": {"notification_url": notification_url, "return_url": return_url},
    })
}

/// Creates a payment and returns its Payment-Details.
pub fn create(config: &V4Config, token: &str, amount: i64, return_url: &str) -> Value {
    let path = format!("/eshops/{}/payments", config.goid);
    let answer = call(
        config,
        token,
        "POST",
        &path,
        &payment_body(amount, return_url),
    );
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.json()
}

/// The eight required Browser-Data fields.
pub fn browser_data() -> Value {
    json!({
        "language": "cs-CZ", "timezone": -60, "screen_width": 1920, "screen_height": 1080,
        "color_depth": 24, "user_agent": "Mozilla/5.0 (test)", "javascript_enabled": true,
        "accept_header": "{\"accept\":\"text/html\",\"accept-language\":\"cs-CZ\"}",
    })
}

/// A charge body with `input`.
pub fn charge_body(input: Value) -> Value {
    json!({"payment_instrument": {
        "payment_instrument": "PAYMENT_CARD",
        "input": input,
        "browser_data": browser_data(),
        "challenge_preference": "AUTO",
    }})
}

/// A `CARD_TOKEN` charge body with `card_token`.
pub fn card_charge(card_token: &str) -> Value {
    charge_body(json!({"input_type": "CARD_TOKEN", "card_token": card_token}))
}

/// Moves the simulator's test clock by `seconds` through the control API.
pub fn advance(sim: &Simulator, seconds: u64) {
    let origin = format!("http://127.0.0.1:{}", sim.port());
    let answer = super::http::control(
        &origin,
        "POST",
        "/clock/advance",
        &json!({"seconds": seconds}),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// `POST /_simulator{path}` with no body.
pub fn control(sim: &Simulator, path: &str) -> Answer {
    let origin = format!("http://127.0.0.1:{}", sim.port());
    super::http::control(&origin, "POST", path, &Value::Null)
}

/// Opens the 3DS page at `redirect_url` and posts its form with `decision` (`approve` or
/// `decline`) and the page's one-time token, as a browser does.
pub fn answer_challenge(redirect_url: &str, decision: &str) -> Answer {
    let page = send("GET", redirect_url, &[], b"");
    assert_eq!(page.status, 200, "{}", page.body);
    let marker = "name=\"token\" value=\"";
    let start = page.body.find(marker).expect("a form token") + marker.len();
    let token = &page.body[start..start + page.body[start..].find('"').unwrap()];
    post_challenge(redirect_url, &format!("token={token}&decision={decision}"))
}

/// Posts `form` to the 3DS page at `redirect_url`.
pub fn post_challenge(redirect_url: &str, form: &str) -> Answer {
    let form_type = [("Content-Type", "application/x-www-form-urlencoded")];
    send("POST", redirect_url, &form_type, form.as_bytes())
}
