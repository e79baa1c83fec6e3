//! API v4's payments on the dashboard over plain HTTP: marked as v4 in the list with their
//! state, amount, order number and charge state; a v4 payment's page with its charge, the
//! 3-D Secure action's state, its refunds and exchanges; the buttons the control API allows
//! on v4 (approve and decline a waiting challenge, pay, cancel, expire), guarded as every
//! dashboard form; shop text shown as text.

use crate::support;

use gopay::{Client, Currency, Item, PaymentRequest};
use gopay_simulator::Simulator;
use serde_json::{json, Value};
use support::http::{send, Answer};
use support::v4::{advance, call, card_charge, merchant_token, payment_body, V4Config, ALL_SCOPES};

const BUTTONS: [&str; 7] = [
    "approve",
    "decline",
    "pay",
    "authorize",
    "cancel",
    "expire",
    "notify",
];
const HOSTILE: &str = "<script>alert(1)</script>";

fn origin(sim: &Simulator) -> String {
    format!("http://127.0.0.1:{}", sim.port())
}

fn page(sim: &Simulator, path: &str) -> String {
    let answer = send("GET", &format!("{}{path}", origin(sim)), &[], b"");
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.body);
    assert!(answer.content_type.starts_with("text/html"), "{path}");
    answer.body
}

fn payment_page(sim: &Simulator, id: &str) -> String {
    page(sim, &format!("/_simulator/ui/payments/{id}"))
}

/// A button's POST as the browser sends the form, from `origin` if any.
fn press(sim: &Simulator, id: &str, action: &str, origin: Option<&str>) -> Answer {
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(origin) = origin {
        headers.push(("Origin", origin));
    }
    let url = format!(
        "http://127.0.0.1:{}/_simulator/ui/payments/{id}/{action}",
        sim.port()
    );
    send("POST", &url, &headers, b"")
}

/// The buttons on a payment's page, in the page's order.
fn buttons(page: &str) -> Vec<&'static str> {
    let mut shown: Vec<(usize, &'static str)> = BUTTONS
        .into_iter()
        .filter_map(|name| {
            page.find(&format!("id=\"action-{name}\""))
                .map(|at| (at, name))
        })
        .collect();
    shown.sort_unstable();
    shown.into_iter().map(|(_, name)| name).collect()
}

/// The text of the element with `id` (no markup inside it).
fn text_of<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no #{id} in {page}"))
        + id.len()
        + 6;
    &page[start..start + page[start..].find('<').expect("the element ends")]
}

/// The `<tr>` of payment `id` in the list.
fn row<'a>(list: &'a str, id: &str) -> &'a str {
    let start = list
        .find(&format!("<tr data-payment-id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row for {id} in {list}"));
    &list[start..start + list[start..].find("</tr>").expect("the row ends")]
}

/// A v4 payment of `amount` with `order_number`, charged with the test card `card`: its id.
fn charged(config: &V4Config, token: &str, amount: i64, order_number: &str, card: &str) -> String {
    let mut body = payment_body(amount, "https://shop.example/return");
    body["order_number"] = json!(order_number);
    let path = format!("/eshops/{}/payments", config.goid);
    let created = call(config, token, "POST", &path, &body);
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let charge_path = format!("/payments/{id}/charge");
    let charge = call(config, token, "POST", &charge_path, &card_charge(card));
    assert_eq!(charge.status, 201, "{}", charge.body);
    id
}

#[test]
fn v4_payments_are_listed_marked_with_their_charge_and_shown_as_text() {
    let sim = Simulator::start().unwrap();
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let waiting = charged(&config, &token, 15000, HOSTILE, "gopay-sim-card-challenge");
    let paid = charged(
        &config,
        &token,
        2550,
        "V4-PAID",
        "gopay-sim-card-frictionless",
    );
    advance(&sim, 5);
    let v3 = Client::new(sim.config())
        .unwrap()
        .create_payment(
            &PaymentRequest::new(100, Currency::Czk, "V3-1").item(Item::new("Cup", 100)),
        )
        .unwrap()
        .id;

    let list = page(&sim, "/_simulator/");
    assert!(list.contains("3 payments"), "{list}");
    let challenged = row(&list, &waiting);
    assert!(challenged.contains("class=\"v4\""), "{challenged}");
    assert!(challenged.contains("<span class=\"pill v4\">v4</span>"));
    assert!(challenged.contains("150.00 CZK"));
    assert!(challenged.contains("<td class=\"state CREATED\">CREATED</td>"));
    assert!(challenged.contains("<td class=\"charge\">ACTION_REQUIRED</td>"));
    assert!(challenged.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let settled = row(&list, &paid);
    assert!(
        settled.contains("<td class=\"state PAID\">PAID</td>"),
        "{settled}"
    );
    assert!(settled.contains("<td class=\"charge\">SUCCEEDED</td>"));
    assert!(settled.contains("V4-PAID") && settled.contains("25.50 CZK"));
    let v3_row = row(&list, &v3.to_string());
    assert!(!v3_row.contains("v4"), "{v3_row}");
    assert!(v3_row.contains("<td class=\"charge\"></td>"));

    let detail = payment_page(&sim, &waiting);
    for shown in [&list, &detail] {
        assert!(!shown.contains("<script"), "{shown}");
    }
    assert_eq!(
        text_of(&detail, "order"),
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    );
    assert!(detail.contains("&quot;order_number&quot;: &quot;&lt;script&gt;"));
}

#[test]
fn a_v4_payment_page_shows_its_charge_refunds_and_exchanges() {
    let sim = Simulator::start().unwrap();
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let id = charged(
        &config,
        &token,
        15000,
        "V4-PAGE",
        "gopay-sim-card-challenge",
    );
    let other = charged(
        &config,
        &token,
        100,
        "V4-OTHER",
        "gopay-sim-card-frictionless",
    );

    let page = payment_page(&sim, &id);
    assert_eq!(text_of(&page, "api"), "API v4");
    assert_eq!(text_of(&page, "state"), "CREATED");
    assert_eq!(text_of(&page, "charge-state"), "ACTION_REQUIRED");
    assert_eq!(text_of(&page, "action-state"), "CHALLENGE_REQUIRED");
    let challenge = format!("{}/gw/v4/3ds/{id}", origin(&sim));
    assert_eq!(text_of(&page, "challenge-url"), challenge);
    assert!(page.contains("&quot;state&quot;: &quot;ACTION_REQUIRED&quot;"));
    assert_eq!(
        buttons(&page),
        ["approve", "decline", "pay", "cancel", "expire"]
    );

    // Approved, settled, refunded: the refund's row and its own read among the exchanges.
    assert_eq!(press(&sim, &id, "approve", None).status, 303);
    advance(&sim, 5);
    let refund = call(
        &config,
        &token,
        "POST",
        &format!("/payments/{id}/refunds"),
        &json!({"amount": 15000}),
    );
    assert_eq!(refund.status, 201, "{}", refund.body);
    let refund_id = refund.json()["id"].as_str().unwrap().to_owned();
    let read = call(
        &config,
        &token,
        "GET",
        &format!("/refunds/{refund_id}"),
        &Value::Null,
    );
    assert_eq!(read.status, 200);

    let page = payment_page(&sim, &id);
    assert_eq!(text_of(&page, "state"), "PAID");
    assert_eq!(text_of(&page, "charge-state"), "SUCCEEDED");
    assert_eq!(text_of(&page, "action-state"), "AUTHENTICATED_CHALLENGE");
    assert!(!page.contains("id=\"challenge-url\""));
    assert!(buttons(&page).is_empty(), "{:?}", buttons(&page));
    let refunds =
        &page[page.find("id=\"refunds\"").unwrap()..page.find("id=\"exchanges\"").unwrap()];
    assert_eq!(
        refunds.matches("<tr class=\"refund\">").count(),
        1,
        "{refunds}"
    );
    assert!(refunds.contains(&refund_id) && refunds.contains("150.00 CZK"));
    assert!(refunds.contains("<td class=\"state REQUESTED\">REQUESTED</td>"));
    // Newest first: the refund's read, its creation, the charge, the create call; the 3-D
    // Secure page is not among them (it was answered from the dashboard).
    let exchanges = &page[page.find("id=\"exchanges\"").unwrap()..];
    let paths: Vec<&str> = exchanges
        .split("<code class=\"path\">")
        .skip(1)
        .map(|rest| &rest[..rest.find('<').unwrap()])
        .collect();
    let goid = &config.goid;
    assert_eq!(
        paths,
        [
            format!("/gp-gw/api/4.0/refunds/{refund_id}"),
            format!("/gp-gw/api/4.0/payments/{id}/refunds"),
            format!("/gp-gw/api/4.0/payments/{id}/charge"),
            format!("/gp-gw/api/4.0/eshops/{goid}/payments"),
        ]
    );
    assert!(!exchanges.contains(&other));
}

#[test]
fn v4_buttons_run_the_control_actions_and_are_guarded() {
    let sim = Simulator::start().unwrap();
    let config = V4Config::of(&sim);
    let token = merchant_token(&config, ALL_SCOPES);
    let own = origin(&sim);
    let declined = charged(
        &config,
        &token,
        1000,
        "V4-DECLINE",
        "gopay-sim-card-challenge",
    );

    // Another site's form is refused before anything changes.
    assert_eq!(
        press(&sim, &declined, "decline", Some("https://evil.example")).status,
        403
    );
    assert_eq!(
        text_of(&payment_page(&sim, &declined), "charge-state"),
        "ACTION_REQUIRED"
    );

    let answer = press(&sim, &declined, "decline", Some(&own));
    assert_eq!(answer.status, 303, "{}", answer.body);
    let back = format!("/_simulator/ui/payments/{declined}");
    assert_eq!(answer.location.as_deref(), Some(back.as_str()));
    let page = payment_page(&sim, &declined);
    assert_eq!(text_of(&page, "charge-state"), "FAILED");
    assert_eq!(text_of(&page, "action-state"), "NOT_AUTHENTICATED");
    assert_eq!(
        text_of(&page, "fail-reason"),
        "3-D Secure authentication failed"
    );
    // Still CREATED: the customer may pay another way.
    assert_eq!(buttons(&page), ["pay", "cancel", "expire"]);

    // No challenge waits any more: the page again with the reason (409).
    let again = press(&sim, &declined, "approve", None);
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(
        text_of(&again.body, "error"),
        "no 3DS challenge is waiting for this payment"
    );
    // Actions v4 payments have not.
    assert_eq!(press(&sim, &declined, "authorize", None).status, 409);
    assert_eq!(press(&sim, &declined, "refund", None).status, 404);

    assert_eq!(press(&sim, &declined, "pay", None).status, 303);
    let page = payment_page(&sim, &declined);
    assert_eq!(
        (text_of(&page, "state"), text_of(&page, "charge-state")),
        ("PAID", "SUCCEEDED")
    );

    let canceled = charged(
        &config,
        &token,
        1000,
        "V4-CANCEL",
        "gopay-sim-card-challenge",
    );
    assert_eq!(press(&sim, &canceled, "cancel", None).status, 303);
    let expired = charged(
        &config,
        &token,
        1000,
        "V4-EXPIRE",
        "gopay-sim-card-frictionless",
    );
    assert_eq!(press(&sim, &expired, "expire", None).status, 303);
    let state = |id: &str| -> Value {
        let answer = call(
            &config,
            &token,
            "GET",
            &format!("/payments/{id}"),
            &Value::Null,
        );
        answer.json()
    };
    assert_eq!(state(&canceled)["state"], "CANCELED");
    assert_eq!(state(&canceled)["charge"]["state"], "FAILED");
    assert_eq!(state(&expired)["state"], "TIMEOUTED");

    // A v3 payment has no challenge to approve.
    let v3 = Client::new(sim.config())
        .unwrap()
        .create_payment(
            &PaymentRequest::new(100, Currency::Czk, "V3-2").item(Item::new("Cup", 100)),
        )
        .unwrap()
        .id;
    let refused = press(&sim, &v3.to_string(), "approve", None);
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("v4 payment"), "{}", refused.body);
}
