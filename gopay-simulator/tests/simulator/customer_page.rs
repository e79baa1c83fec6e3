//! The customer page at `gw_url` over real HTTP: what it shows, its pay and cancel buttons
//! with the 303 back to the shop, its one-time form tokens, the inline-gateway script, the
//! instruments' images, and the firewall's 403 on `\u`-escaped non-ASCII JSON.

use crate::support;

use gopay::{Client, Currency, Item, PaymentInstrument, PaymentRequest, PaymentState};
use gopay_simulator::{Firewall, Simulator};
use support::http::{send as http, Answer};
use support::shop::Shop;

fn get(url: &str) -> Answer {
    http("GET", url, &[], b"")
}

fn post_form(url: &str, form: &str) -> Answer {
    http(
        "POST",
        url,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
}

/// `http://127.0.0.1:PORT`.
fn origin(sim: &Simulator) -> String {
    format!("http://127.0.0.1:{}", sim.port())
}

fn client(sim: &Simulator) -> Client {
    Client::new(sim.config()).expect("a client for the simulator")
}

/// A 150.00 CZK order of two items, returning to the shop with a query of its own.
fn order(shop: &Shop, number: &str) -> PaymentRequest {
    let base = shop.url.trim_end_matches("/notify");
    PaymentRequest::new(15000, Currency::Czk, number)
        .item(Item::new("Blue mug", 10000))
        .item(Item::new("Tea", 5000))
        .contact_email("payer@example.cz")
        .callback(format!("{base}/return?a=1"), shop.url.clone())
}

/// The value of the first `name="…"` attribute following `marker` in `html`.
fn attribute<'a>(html: &'a str, marker: &str, name: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let rest = &html[start..];
    let key = format!("{name}=\"");
    let from = rest.find(&key).expect("the attribute") + key.len();
    let len = rest[from..].find('"').expect("a closing quote");
    &rest[from..from + len]
}

/// The page's form: its absolute action URL and its one-time token.
fn form_of(sim: &Simulator, html: &str) -> (String, String) {
    let action = attribute(html, "<form", "action");
    let token = attribute(html, "name=\"token\"", "value");
    (
        format!("http://127.0.0.1:{}{action}", sim.port()),
        token.to_owned(),
    )
}

fn status(client: &Client, id: u64) -> PaymentState {
    client
        .get_status(id)
        .expect("the status")
        .state
        .expect("a state")
}

#[test]
fn the_page_shows_the_order_and_opening_it_changes_nothing() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = client(&sim);
    let payment = client.create_payment(&order(&shop, "ORD-7")).unwrap();
    let gw_url = payment.gw_url.clone().unwrap();

    let page = get(&gw_url);
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    for expected in [
        "ORD-7",
        "150.00 CZK",
        "Blue mug",
        "100.00 CZK",
        "Tea",
        "id=\"pay\"",
        "id=\"cancel\"",
        "<select id=\"payment_instrument\" name=\"payment_instrument\">",
        "<option value=\"PAYMENT_CARD\"",
        "<option value=\"BANK_ACCOUNT\"",
        "name=\"token\"",
    ] {
        assert!(page.body.contains(expected), "{expected} in {}", page.body);
    }
    // GoPay's documented shop form opens the page with a POST.
    let posted = post_form(&gw_url, "");
    assert_eq!(posted.status, 200);
    assert!(posted.body.contains("id=\"pay\""));
    assert_eq!(status(&client, payment.id), PaymentState::Created);
    assert!(shop.received.try_recv().is_err(), "opening notified");
}

#[test]
fn the_page_offers_only_the_allowed_instruments() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let request = order(&shop, "ORD-8")
        .allowed_payment_instruments([PaymentInstrument::BankAccount, PaymentInstrument::Gpay])
        .default_payment_instrument(PaymentInstrument::Gpay);
    let payment = client(&sim).create_payment(&request).unwrap();
    let page = get(payment.gw_url.as_deref().unwrap()).body;
    assert!(page.contains("<option value=\"BANK_ACCOUNT\">"), "{page}");
    assert!(page.contains("<option value=\"GPAY\" selected>"), "{page}");
    assert!(!page.contains("PAYMENT_CARD"), "{page}");
}

#[test]
fn paying_notifies_and_sends_the_customer_back_with_303() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = client(&sim);
    let payment = client.create_payment(&order(&shop, "ORD-9")).unwrap();
    let id = payment.id;
    let page = get(payment.gw_url.as_deref().unwrap());
    let (action, token) = form_of(&sim, &page.body);

    let form = format!("token={token}&payment_instrument=BANK_ACCOUNT&action=pay");
    let paid = post_form(&action, &form);
    assert_eq!(paid.status, 303, "{}", paid.body);
    let base = shop.url.trim_end_matches("/notify");
    assert_eq!(
        paid.location.as_deref(),
        Some(format!("{base}/return?a=1&id={id}").as_str())
    );
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    let status = client.get_status(id).unwrap();
    assert_eq!(status.state, Some(PaymentState::Paid));
    assert_eq!(
        status.payment_instrument,
        Some(PaymentInstrument::BankAccount)
    );

    // The same form again acts no more.
    let replayed = post_form(&action, &form);
    assert_eq!(replayed.status, 403);
    assert!(replayed.location.is_none());
}

#[test]
fn cancelling_notifies_and_sends_the_customer_back() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = client(&sim);
    let payment = client.create_payment(&order(&shop, "ORD-10")).unwrap();
    let page = get(payment.gw_url.as_deref().unwrap());
    let (action, token) = form_of(&sim, &page.body);

    let canceled = post_form(
        &action,
        &format!("token={token}&payment_instrument=PAYMENT_CARD&action=cancel"),
    );
    assert_eq!(canceled.status, 303, "{}", canceled.body);
    assert!(canceled
        .location
        .unwrap()
        .ends_with(&format!("/return?a=1&id={}", payment.id)));
    assert_eq!(shop.next(), format!("/notify?id={}", payment.id));
    assert_eq!(status(&client, payment.id), PaymentState::Canceled);
}

#[test]
fn a_preauthorised_payment_is_authorised_by_the_pay_button() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = client(&sim);
    let request = order(&shop, "ORD-11").preauthorization(true);
    let payment = client.create_payment(&request).unwrap();
    let page = get(payment.gw_url.as_deref().unwrap());
    assert!(page.body.contains("Authorise 150.00 CZK"), "{}", page.body);
    assert!(
        !page.body.contains("BANK_ACCOUNT"),
        "cards only: {}",
        page.body
    );
    let (action, token) = form_of(&sim, &page.body);

    let authorized = post_form(
        &action,
        &format!("token={token}&payment_instrument=PAYMENT_CARD&action=pay"),
    );
    assert_eq!(authorized.status, 303, "{}", authorized.body);
    assert_eq!(shop.next(), format!("/notify?id={}", payment.id));
    assert_eq!(status(&client, payment.id), PaymentState::Authorized);
}

#[test]
fn forms_without_this_pages_token_do_nothing() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = client(&sim);
    let first = client.create_payment(&order(&shop, "ORD-12")).unwrap();
    let second = client.create_payment(&order(&shop, "ORD-13")).unwrap();
    let (action, _) = form_of(&sim, &get(first.gw_url.as_deref().unwrap()).body);
    let (_, other_token) = form_of(&sim, &get(second.gw_url.as_deref().unwrap()).body);

    for form in [
        "action=pay".to_owned(),
        "token=forged&action=pay".to_owned(),
        format!("token={other_token}&action=pay"),
    ] {
        let refused = post_form(&action, &form);
        assert_eq!(refused.status, 403, "{form}");
        assert!(refused.body.contains("Form expired"), "{}", refused.body);
    }
    // A stray GET of the action URL is no action either.
    assert_eq!(get(&action).status, 404);
    assert_eq!(status(&client, first.id), PaymentState::Created);
    assert_eq!(status(&client, second.id), PaymentState::Created);
    assert!(shop.received.try_recv().is_err(), "a refused form notified");
}

#[test]
fn a_paid_payment_shows_its_state_and_no_buttons() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let payment = client(&sim)
        .create_payment(&order(&shop, "ORD-14"))
        .unwrap();
    let gw_url = payment.gw_url.as_deref().unwrap();
    // A form rendered before the payment was paid elsewhere is refused with the state.
    let (action, token) = form_of(&sim, &get(gw_url).body);
    sim.pay(payment.id).unwrap();
    assert_eq!(shop.next(), format!("/notify?id={}", payment.id));

    let page = get(gw_url);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"state\""), "{}", page.body);
    assert!(page.body.contains("PAID"), "{}", page.body);
    for absent in ["id=\"pay\"", "id=\"cancel\"", "<form", "<select"] {
        assert!(!page.body.contains(absent), "{absent} in {}", page.body);
    }
    let late = post_form(&action, &format!("token={token}&action=cancel"));
    assert_eq!(late.status, 409);
    assert!(late.body.contains("PAID") && !late.body.contains("id=\"pay\""));
    assert!(late.location.is_none());
}

#[test]
fn shop_supplied_text_is_escaped() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let request = PaymentRequest::new(15000, Currency::Czk, "<script>alert(1)</script>")
        .item(Item::new("<script>alert(2)</script> & \"mug\"", 15000))
        .callback(format!("{}?x=1", shop.url), shop.url.clone());
    let payment = client(&sim).create_payment(&request).unwrap();
    let page = get(payment.gw_url.as_deref().unwrap()).body;
    assert!(!page.contains("<script>"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(2)&lt;/script&gt; &amp; &quot;mug&quot;"),
        "{page}"
    );
}

#[test]
fn embed_js_and_every_advertised_image_are_served() {
    let sim = Simulator::start().unwrap();
    let script = get(&format!("{}/gp-gw/js/embed.js", origin(&sim)));
    assert_eq!(script.status, 200);
    assert!(script.content_type.starts_with("application/javascript"));
    assert!(script.body.contains("_gopay") && script.body.contains("checkout:"));

    let mut urls = Vec::new();
    for currency in [Currency::Czk, Currency::Eur, Currency::Pln] {
        let instruments = client(&sim).get_payment_instruments(currency).unwrap();
        collect_images(&serde_json::to_value(instruments).unwrap(), &mut urls);
    }
    assert!(urls.len() > 20, "{urls:?}");
    assert!(urls.iter().any(|u| u.ends_with("/payment_card@2x.png")));
    for url in urls {
        let image = get(&url);
        assert_eq!(image.status, 200, "{url}");
        assert_eq!(image.content_type, "image/svg+xml", "{url}");
        assert!(image.body.starts_with("<svg") && image.body.ends_with("</svg>"));
    }
    assert_eq!(
        get(&format!("{}/images/checkout/x.gif", origin(&sim))).status,
        404
    );
}

fn collect_images(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if s.contains("/images/") => out.push(s.clone()),
        serde_json::Value::Array(values) => values.iter().for_each(|v| collect_images(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_images(v, out)),
        _ => {}
    }
}

/// JSON with every non-ASCII character `\u`-escaped (UTF-16), as encoders that escape do.
fn escape_non_ascii(json: &str) -> String {
    let mut out = String::new();
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[test]
fn the_firewall_refuses_escaped_non_ascii_json_only() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = client(&sim);
    let request = PaymentRequest::new(15000, Currency::Czk, "ORD-\"15\"\\")
        .item(Item::new("Žluťoučký kůň", 15000))
        .callback(format!("{}?x=1", shop.url), shop.url.clone());
    // The client sends raw UTF-8, which passes.
    let created = client.create_payment(&request).unwrap();
    assert_eq!(created.state, Some(PaymentState::Created));

    let token = bearer(&sim);
    let url = format!("{}/payments/payment", sim.gateway_url());
    let headers = [
        ("Authorization", token.as_str()),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    ];
    let mut body = serde_json::to_value(&request).unwrap();
    body["target"] = serde_json::json!({"type": "ACCOUNT", "goid": sim.goid()});
    let raw = serde_json::to_string(&body).unwrap();
    assert!(raw.contains("Žluťoučký kůň") && raw.contains("\\\""));

    let passed = http("POST", &url, &headers, raw.as_bytes());
    assert_eq!(passed.status, 200, "{}", passed.body);
    // ASCII escapes pass too.
    let ascii = raw.replace("ORD-", "\\u004fRD-");
    assert_eq!(http("POST", &url, &headers, ascii.as_bytes()).status, 200);

    let escaped = escape_non_ascii(&raw);
    assert!(escaped.contains("\\u017d"), "{escaped}");
    let blocked = http("POST", &url, &headers, escaped.as_bytes());
    assert_eq!(blocked.status, 403, "{}", blocked.body);
    assert!(blocked.content_type.starts_with("application/json"));
    let envelope: serde_json::Value = serde_json::from_str(&blocked.body).unwrap();
    assert_eq!(envelope["errors"][0]["scope"], "G");
    assert_eq!(envelope["errors"][0]["error_code"], 100);
    assert!(envelope["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("firewall"));
    assert!(envelope["date_issued"].is_string());
}

#[test]
fn with_the_firewall_off_escaped_non_ascii_json_is_read_like_raw_utf8() {
    let strict = Simulator::start().unwrap();
    assert_eq!(strict.firewall(), Firewall::Strict, "strict by default");
    let sim = Simulator::builder()
        .firewall(Firewall::Off)
        .start()
        .unwrap();
    let request = PaymentRequest::new(15000, Currency::Czk, "ORD-16")
        .order_description("Žluťoučký kůň")
        .item(Item::new("Žluťoučký kůň", 15000));
    let mut body = serde_json::to_value(&request).unwrap();
    for target in [&strict, &sim] {
        body["target"] = serde_json::json!({"type": "ACCOUNT", "goid": target.goid()});
        let escaped = escape_non_ascii(&serde_json::to_string(&body).unwrap());
        assert!(escaped.contains("\\u017d"), "{escaped}");
        let token = bearer(target);
        let headers = [
            ("Authorization", token.as_str()),
            ("Content-Type", "application/json"),
        ];
        let url = format!("{}/payments/payment", target.gateway_url());
        let answer = http("POST", &url, &headers, escaped.as_bytes());
        if target.firewall() == Firewall::Strict {
            assert_eq!(answer.status, 403, "{}", answer.body);
            continue;
        }
        assert_eq!(answer.status, 200, "{}", answer.body);
        let created: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        let id = created["id"].as_u64().unwrap();
        // Read as the text it escapes, like GoPay reads raw UTF-8.
        let page = get(created["gw_url"].as_str().unwrap());
        assert!(page.body.contains("Žluťoučký kůň"), "{}", page.body);
        assert_eq!(
            target.payment(id).unwrap().state,
            Some(PaymentState::Created)
        );
    }
}

/// A bearer header of a fresh `payment-create` token, fetched by hand.
fn bearer(sim: &Simulator) -> String {
    use base64::Engine as _;
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        sim.client_id(),
        sim.client_secret()
    ));
    let answer = http(
        "POST",
        &format!("{}/oauth2/token", sim.gateway_url()),
        &[
            ("Authorization", &format!("Basic {credentials}")),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"grant_type=client_credentials&scope=payment-create",
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let value: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    format!("Bearer {}", value["access_token"].as_str().unwrap())
}
