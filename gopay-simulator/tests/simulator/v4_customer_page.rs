//! The customer page behind API v4's `gw_url` over real HTTP: what it shows (escaped), a
//! button per test card with the charge it starts (the API's own), the 303 onwards (3DS
//! page or return URL), cancel, and the hostile cases: an unknown id, a payment no longer
//! waiting (never a second charge), a replayed form, a form from another site.

use crate::support;

use serde_json::{json, Value};
use support::http::{send, Answer};
use support::shop::Shop;
use support::v4::{advance, call, merchant_token, V4Config, ALL_SCOPES};

use gopay_simulator::Simulator;

/// A simulator, a shop, and a v4 payment of 150.00 CZK numbered `order` notifying the
/// shop and returning to it.
struct Fixture {
    sim: Simulator,
    shop: Shop,
    config: V4Config,
    token: String,
    id: String,
    gw_url: String,
}

impl Fixture {
    fn new(order: &str) -> Fixture {
        Fixture::returning_to(order, "/return")
    }

    /// The same with the return URL's path `path`.
    fn returning_to(order: &str, path: &str) -> Fixture {
        let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
        let config = V4Config::of(&sim);
        let token = merchant_token(&config, ALL_SCOPES);
        let base = shop.url.trim_end_matches("/notify");
        let body = json!({
            "amount": 15000, "currency": "CZK", "order_number": order,
            "customer": {"email": "payer@example.cz"},
            "callback": {"notification_url": shop.url, "return_url": format!("{base}{path}")},
        });
        let path = format!("/eshops/{}/payments", config.goid);
        let created = call(&config, &token, "POST", &path, &body);
        assert_eq!(created.status, 201, "{}", created.body);
        let created = created.json();
        Fixture {
            id: created["id"].as_str().unwrap().to_owned(),
            gw_url: created["gw_url"].as_str().unwrap().to_owned(),
            sim,
            shop,
            config,
            token,
        }
    }

    /// Payment-Details as the API answers them.
    fn payment(&self) -> Value {
        let path = format!("/payments/{}", self.id);
        let answer = call(&self.config, &self.token, "GET", &path, &Value::Null);
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.json()
    }

    /// Where the customer lands back at the shop.
    fn return_target(&self) -> String {
        let base = self.shop.url.trim_end_matches("/notify");
        format!("{base}/return?payment_id={}", self.id)
    }

    /// Opens the page: 200 and its one-time form token.
    fn open(&self) -> String {
        let page = send("GET", &self.gw_url, &[], b"");
        assert_eq!(page.status, 200, "{}", page.body);
        token_of(&page.body).expect("a form on the page")
    }

    /// Posts the page's form with `fields` after `token=…&`.
    fn post(&self, token: &str, fields: &str) -> Answer {
        let form = [("Content-Type", "application/x-www-form-urlencoded")];
        let body = format!("token={token}&{fields}");
        send(
            "POST",
            &format!("{}/act", self.gw_url),
            &form,
            body.as_bytes(),
        )
    }
}

/// The value of the page's `token` field, if it has a form.
fn token_of(html: &str) -> Option<String> {
    let marker = "name=\"token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_owned())
}

#[test]
fn the_page_shows_the_order_escaped_and_opening_it_changes_nothing() {
    let fixture = Fixture::new("<b>ORD-1</b>&\"x\"");
    assert!(fixture.gw_url.ends_with(&format!("/gw/v4/{}", fixture.id)));
    let page = send("GET", &fixture.gw_url, &[], b"");
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    for expected in [
        "&lt;b&gt;ORD-1&lt;/b&gt;&amp;&quot;x&quot;",
        "150.00 CZK",
        "id=\"pay-frictionless\"",
        "id=\"pay-challenge\"",
        "id=\"pay-declined\"",
        "id=\"cancel\"",
        "name=\"token\"",
    ] {
        assert!(page.body.contains(expected), "{expected} in {}", page.body);
    }
    assert!(!page.body.contains("<b>ORD-1"), "{}", page.body);
    // Opened by a form's POST too, as v3's page is.
    assert_eq!(send("POST", &fixture.gw_url, &[], b"").status, 200);
    assert_eq!(fixture.payment()["state"], "CREATED");
    assert!(fixture.payment().get("charge").is_none());
    assert!(fixture.sim.notifications().is_empty());
}

#[test]
fn an_unknown_payment_is_a_404_page() {
    let fixture = Fixture::new("ORD-2");
    let origin = fixture.gw_url.split("/gw/").next().unwrap().to_owned();
    for path in ["/gw/v4/9400009999", "/gw/v4/%3Cscript%3E", "/gw/v4/3ds"] {
        let page = send("GET", &format!("{origin}{path}"), &[], b"");
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("No such payment"), "{}", page.body);
    }
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let act = format!("{origin}/gw/v4/9400009999/act");
    let posted = send(
        "POST",
        &act,
        &form,
        b"token=x&card=gopay-sim-card-frictionless",
    );
    assert_eq!(posted.status, 404);
}

#[test]
fn the_frictionless_card_charges_once_and_returns_to_the_shop() {
    let fixture = Fixture::new("ORD-3");
    let token = fixture.open();
    let paid = fixture.post(&token, "card=gopay-sim-card-frictionless");
    assert_eq!(paid.status, 303, "{}", paid.body);
    assert_eq!(
        paid.location.as_deref(),
        Some(fixture.return_target().as_str())
    );
    let charge = &fixture.payment()["charge"];
    assert_eq!(charge["state"], "PROCESSING");
    assert_eq!(
        charge["payment_instrument"]["details"]["input_type"],
        "CARD_TOKEN"
    );
    let charge_id = charge["id"].clone();

    // The same form again acts no more.
    let replayed = fixture.post(&token, "card=gopay-sim-card-frictionless");
    assert_eq!(replayed.status, 403, "{}", replayed.body);
    advance(&fixture.sim, 5);
    assert_eq!(fixture.payment()["state"], "PAID");
    assert_eq!(fixture.payment()["charge"]["id"], charge_id);
    assert_eq!(fixture.shop.next(), format!("/notify?id={}", fixture.id));

    // A paid payment shows its state, with no form.
    let page = send("GET", &fixture.gw_url, &[], b"");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"state\">Paid<"), "{}", page.body);
    assert_eq!(token_of(&page.body), None);
}

#[test]
fn a_form_kept_from_before_never_charges_twice() {
    let fixture = Fixture::new("ORD-4");
    // Four tabs of the same page.
    let tokens: Vec<String> = (0..4).map(|_| fixture.open()).collect();
    let paid = fixture.post(&tokens[0], "card=gopay-sim-card-frictionless");
    assert_eq!(paid.status, 303, "{}", paid.body);
    let charge_id = fixture.payment()["charge"]["id"].clone();

    // While the charge is processing, and once the payment is paid: refused, with a reason.
    let processing = fixture.post(&tokens[1], "card=gopay-sim-card-frictionless");
    assert_eq!(processing.status, 409, "{}", processing.body);
    assert!(
        processing.body.contains("already under way"),
        "{}",
        processing.body
    );
    advance(&fixture.sim, 5);
    let again = fixture.post(&tokens[2], "card=gopay-sim-card-declined");
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("the payment is PAID"), "{}", again.body);
    assert_eq!(token_of(&again.body), None, "no form for a paid payment");
    let cancel = fixture.post(&tokens[3], "action=cancel");
    assert_eq!(cancel.status, 409, "{}", cancel.body);

    let payment = fixture.payment();
    assert_eq!(
        (&payment["state"], &payment["charge"]["id"]),
        (&json!("PAID"), &charge_id)
    );
    assert_eq!(payment["charge"]["state"], "SUCCEEDED");
    assert_eq!(fixture.sim.notifications().len(), 1);
}

#[test]
fn another_sites_form_cannot_pay_or_cancel() {
    let fixture = Fixture::new("ORD-5");
    let issued = fixture.open();
    // What a page elsewhere can post: no token, a guessed one, a token of another payment.
    let other = Fixture::new("ORD-5b");
    let elsewhere = other.open();
    for token in ["", "00112233445566778899aabbccddeeff", elsewhere.as_str()] {
        for fields in ["card=gopay-sim-card-frictionless", "action=cancel"] {
            let answer = fixture.post(token, fields);
            assert_eq!(answer.status, 403, "{token} {fields}: {}", answer.body);
            assert!(answer.location.is_none());
        }
    }
    assert_eq!(fixture.payment()["state"], "CREATED");
    assert!(fixture.payment().get("charge").is_none());
    // The page's own form still works, and an unknown card is refused without acting.
    let unknown = fixture.post(&issued, "card=tok_visa");
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert!(fixture.payment().get("charge").is_none());
}

#[test]
fn the_challenge_card_goes_to_the_3ds_page() {
    let fixture = Fixture::new("ORD-6");
    let answer = fixture.post(&fixture.open(), "card=gopay-sim-card-challenge");
    assert_eq!(answer.status, 303, "{}", answer.body);
    let origin = fixture.gw_url.split("/gw/").next().unwrap();
    let challenge = format!("{origin}/gw/v4/3ds/{}", fixture.id);
    assert_eq!(answer.location.as_deref(), Some(challenge.as_str()));
    assert_eq!(fixture.payment()["charge"]["state"], "ACTION_REQUIRED");
    assert_eq!(
        fixture.payment()["charge"]["action"]["redirect_url"],
        json!(challenge)
    );
    // Back on the page meanwhile: a link to the challenge, no buttons.
    let page = send("GET", &fixture.gw_url, &[], b"");
    assert!(page.body.contains("id=\"challenge\""), "{}", page.body);
    assert_eq!(token_of(&page.body), None);
    let approved = support::v4::answer_challenge(&challenge, "approve");
    assert_eq!(approved.status, 303);
    assert_eq!(
        approved.location.as_deref(),
        Some(fixture.return_target().as_str())
    );
}

#[test]
fn a_declined_card_fails_and_the_page_offers_the_cards_again() {
    let fixture = Fixture::new("ORD-7");
    let declined = fixture.post(&fixture.open(), "card=gopay-sim-card-declined");
    assert_eq!(declined.status, 303, "{}", declined.body);
    assert_eq!(
        declined.location.as_deref(),
        Some(fixture.return_target().as_str())
    );
    advance(&fixture.sim, 5);
    assert_eq!(fixture.payment()["charge"]["state"], "FAILED");
    assert_eq!(fixture.payment()["state"], "CREATED");
    assert_eq!(fixture.shop.next(), format!("/notify?id={}", fixture.id));

    let page = send("GET", &fixture.gw_url, &[], b"");
    assert!(page.body.contains("id=\"failed\""), "{}", page.body);
    let retried = fixture.post(
        &token_of(&page.body).unwrap(),
        "card=gopay-sim-card-frictionless",
    );
    assert_eq!(retried.status, 303, "{}", retried.body);
    advance(&fixture.sim, 5);
    assert_eq!(fixture.payment()["state"], "PAID");
}

#[test]
fn cancelling_notifies_and_returns_to_the_shop() {
    let fixture = Fixture::new("ORD-8");
    let canceled = fixture.post(&fixture.open(), "action=cancel");
    assert_eq!(canceled.status, 303, "{}", canceled.body);
    assert_eq!(
        canceled.location.as_deref(),
        Some(fixture.return_target().as_str())
    );
    assert_eq!(fixture.payment()["state"], "CANCELED");
    assert_eq!(fixture.shop.next(), format!("/notify?id={}", fixture.id));
    let page = send("GET", &fixture.gw_url, &[], b"");
    assert!(
        page.body.contains("id=\"state\">Canceled<"),
        "{}",
        page.body
    );
}

#[test]
fn a_return_url_that_is_no_header_value_is_encoded() {
    // A shop's return URL with a space, a line break (a header it would add) and a Czech
    // letter: both pages send the customer back to it percent-encoded.
    let fixture = Fixture::returning_to("ORD-9", "/ná vrat\r\nX-Evil: 1");
    let base = fixture.shop.url.trim_end_matches("/notify").to_owned();
    let expected = format!(
        "{base}/n%C3%A1%20vrat%0D%0AX-Evil:%201?payment_id={}",
        fixture.id
    );
    let answer = fixture.post(&fixture.open(), "card=gopay-sim-card-challenge");
    let challenge = answer.location.expect("the 3DS page");
    let approved = support::v4::answer_challenge(&challenge, "approve");
    assert_eq!(approved.status, 303);
    assert_eq!(approved.location.as_deref(), Some(expected.as_str()));

    let again = Fixture::returning_to("ORD-9b", "/ná vrat\r\nX-Evil: 1");
    let canceled = again.post(&again.open(), "action=cancel");
    let base = again.shop.url.trim_end_matches("/notify").to_owned();
    assert_eq!(
        canceled.location,
        Some(format!(
            "{base}/n%C3%A1%20vrat%0D%0AX-Evil:%201?payment_id={}",
            again.id
        ))
    );
}
