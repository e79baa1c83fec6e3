//! The dashboard under `/_simulator/` over plain HTTP, as a browser without JavaScript sees
//! it: the payment list, one payment's page with its request, refunds, notifications and
//! exchanges, its buttons, the request log, and hostile shop text shown as text.

use std::time::Duration;

use crate::support;

use gopay::{Client, Currency, Item, PaymentRequest, PaymentState};
use gopay_simulator::Simulator;
use serde_json::json;
use support::http::{send, Answer};
use support::shop::{Shop, WAIT};

const ACTIONS: [&str; 5] = ["pay", "authorize", "cancel", "expire", "notify"];

fn get(sim: &Simulator, path: &str) -> Answer {
    let answer = send("GET", &format!("{}{path}", origin(sim)), &[], b"");
    assert_eq!(answer.status, 200, "GET {path}: {}", answer.body);
    assert!(answer.content_type.starts_with("text/html"), "{path}");
    answer
}

fn origin(sim: &Simulator) -> String {
    format!("http://127.0.0.1:{}", sim.port())
}

/// A dashboard button's POST, as the browser sends the form, with `origin` if any.
fn press(sim: &Simulator, id: u64, action: &str, origin: Option<&str>) -> Answer {
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

/// The `<tr>` of payment `id` in the list.
fn row(list: &str, id: u64) -> &str {
    let start = list
        .find(&format!("<tr data-payment-id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no row for {id} in {list}"));
    let end = start + list[start..].find("</tr>").expect("the row ends");
    &list[start..end]
}

/// The ids of the buttons on a payment's page.
fn buttons(page: &str) -> Vec<&'static str> {
    ACTIONS
        .into_iter()
        .filter(|action| page.contains(&format!("id=\"action-{action}\"")))
        .collect()
}

fn order(number: &str, amount: i64) -> PaymentRequest {
    PaymentRequest::new(amount, Currency::Czk, number).item(Item::new("Blue mug", amount))
}

#[test]
fn the_list_shows_every_payment_newest_first_with_its_state() {
    let sim = Simulator::start().unwrap();
    let empty = get(&sim, "/_simulator/").body;
    assert!(empty.contains("id=\"empty\""), "{empty}");

    let client = Client::new(sim.config()).unwrap();
    let first = client.create_payment(&order("LIST-1", 15000)).unwrap();
    let second = client.create_payment(&order("LIST-2", 2550)).unwrap();
    sim.pay(first.id).unwrap();

    let list = get(&sim, "/_simulator/").body;
    // The same page without the trailing slash.
    assert_eq!(get(&sim, "/_simulator").body, list);
    let at = |id: u64| list.find(&format!("data-payment-id=\"{id}\"")).unwrap();
    assert!(at(second.id) < at(first.id), "newest first");
    let paid = row(&list, first.id);
    assert!(
        paid.contains("LIST-1") && paid.contains("150.00 CZK"),
        "{paid}"
    );
    assert!(
        paid.contains("<td class=\"state PAID\">PAID</td>"),
        "{paid}"
    );
    assert!(
        paid.contains(&format!("href=\"/_simulator/ui/payments/{}\"", first.id)),
        "{paid}"
    );
    let created = row(&list, second.id);
    assert!(created.contains("25.50 CZK"), "{created}");
    assert!(created.contains("<td class=\"state CREATED\">CREATED</td>"));
}

#[test]
fn a_payment_page_shows_the_request_refunds_notifications_and_exchanges() {
    // The shop answers the first notification 500, so GoPay tries again.
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![500]));
    let client = Client::new(sim.config()).unwrap();
    let request = order("PAGE-1", 10000).callback("https://shop.test/return", shop.url.clone());
    let payment = client.create_payment(&request).unwrap();
    let other = client.create_payment(&order("PAGE-2", 100)).unwrap();
    sim.pay(payment.id).unwrap();
    client.get_status(other.id).unwrap();
    assert!(sim.wait_for_notifications(WAIT));
    client.refund_payment(payment.id, 2500).unwrap();
    assert!(sim.wait_for_notifications(WAIT));

    let page = get(&sim, &format!("/_simulator/ui/payments/{}", payment.id)).body;
    assert!(page.contains("id=\"state\">PARTIALLY_REFUNDED<"), "{page}");
    // As GoPay answers it, and the create body the shop sent.
    assert!(page.contains("&quot;state&quot;: &quot;PARTIALLY_REFUNDED&quot;"));
    let request = &page[page.find("<pre id=\"request\">").unwrap()..];
    assert!(request.contains("&quot;name&quot;: &quot;Blue mug&quot;"));
    // One refund row.
    assert_eq!(page.matches("<tr class=\"refund\">").count(), 1, "{page}");
    assert!(page.contains("25.00 CZK"));
    // Two notifications (PAID, then the refund's); the first took two attempts, the last of
    // them answered 200.
    let notifications = &page[page.find("id=\"notifications\"").unwrap()..];
    assert_eq!(notifications.matches("class=\"notification\"").count(), 2);
    assert_eq!(notifications.matches("<tr class=\"attempt\">").count(), 3);
    let paid = &notifications[..notifications.find("PARTIALLY_REFUNDED").unwrap()];
    let attempts: Vec<&str> = paid.split("<tr class=\"attempt\">").skip(1).collect();
    assert_eq!(attempts.len(), 2, "{paid}");
    assert!(
        attempts[1].contains("<td class=\"status s2\">200</td>"),
        "{}",
        attempts[1]
    );
    assert!(paid.contains("delivered 200"));
    // Its exchanges, newest first: the refund, the create call; never the other payment's.
    let exchanges = &page[page.find("id=\"exchanges\"").unwrap()..];
    let refund = exchanges
        .find(&format!("/api/payments/payment/{}/refund", payment.id))
        .expect("the refund call");
    let create = exchanges
        .find("<code class=\"path\">/api/payments/payment</code>")
        .expect("the create call");
    assert!(refund < create);
    assert_eq!(
        exchanges.matches("<details class=\"exchange\">").count(),
        2,
        "{exchanges}"
    );
    assert!(!exchanges.contains(&other.id.to_string()));
    // Bearer tokens are not shown.
    assert!(exchanges.contains("Bearer [redacted]"));
}

#[test]
fn the_buttons_are_those_the_state_allows() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = Client::new(sim.config()).unwrap();
    let page = |id: u64| get(&sim, &format!("/_simulator/ui/payments/{id}")).body;
    let notified = order("BTN-1", 1000).callback("https://shop.test/r", shop.url.clone());
    let open = client.create_payment(&notified).unwrap();
    assert_eq!(buttons(&page(open.id)), ["pay", "cancel", "expire"]);
    let preauthorized = client
        .create_payment(&order("BTN-2", 1000).preauthorization(true))
        .unwrap();
    assert_eq!(
        buttons(&page(preauthorized.id)),
        ["authorize", "cancel", "expire"]
    );
    sim.pay(open.id).unwrap();
    assert_eq!(buttons(&page(open.id)), ["notify"]);
    // Canceled without a notification URL: nothing left to do.
    sim.cancel(preauthorized.id).unwrap();
    assert!(buttons(&page(preauthorized.id)).is_empty());
    assert!(sim.wait_for_notifications(WAIT));
}

#[test]
fn buttons_run_the_control_operations_and_redirect_back() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = Client::new(sim.config()).unwrap();
    let request = order("ACT-1", 1000).callback("https://shop.test/r", shop.url.clone());
    let id = client.create_payment(&request).unwrap().id;
    let own = origin(&sim);
    let back = format!("/_simulator/ui/payments/{id}");

    let paid = press(&sim, id, "pay", Some(&own));
    assert_eq!(paid.status, 303, "{}", paid.body);
    assert_eq!(paid.location.as_deref(), Some(back.as_str()));
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Paid));
    assert_eq!(shop.next(), format!("/notify?id={id}"));

    // The state no longer allows paying: the page again, with the reason.
    let again = press(&sim, id, "pay", None);
    assert_eq!(again.status, 409);
    assert!(again.body.contains("id=\"error\""), "{}", again.body);
    assert!(again.body.contains("id=\"action-notify\""));

    // A new notification, sent now.
    assert!(sim.wait_for_notifications(WAIT));
    let resent = press(&sim, id, "notify", None);
    assert_eq!(resent.status, 303);
    assert_eq!(shop.next(), format!("/notify?id={id}"));
    assert!(sim.wait_for_notifications(WAIT));
    let log = sim.notifications();
    assert_eq!(log.len(), 2);
    assert!(log
        .iter()
        .all(|n| n.payment_id == id && n.state == PaymentState::Paid && n.delivered));

    // Cancel and expire, as the control API's.
    let (cancel, expire) = (
        client.create_payment(&order("ACT-2", 1000)).unwrap().id,
        client.create_payment(&order("ACT-3", 1000)).unwrap().id,
    );
    assert_eq!(press(&sim, cancel, "cancel", None).status, 303);
    assert_eq!(press(&sim, expire, "expire", None).status, 303);
    assert_eq!(
        sim.payment(cancel).unwrap().state,
        Some(PaymentState::Canceled)
    );
    assert_eq!(
        sim.payment(expire).unwrap().state,
        Some(PaymentState::Timeouted)
    );
    // Nothing to notify without a notification URL.
    assert_eq!(press(&sim, cancel, "notify", None).status, 409);

    for (path, status) in [
        ("/_simulator/ui/payments/1", 404),
        ("/_simulator/ui/payments/x", 404),
        ("/_simulator/ui/nothing", 404),
    ] {
        let answer = send("GET", &format!("{own}{path}"), &[], b"");
        assert_eq!(answer.status, status, "{path}");
        assert!(answer.content_type.starts_with("text/html"));
    }
    assert_eq!(press(&sim, 1, "pay", None).status, 404);
    assert_eq!(press(&sim, id, "refund", None).status, 404);
    let read_only = send("GET", &format!("{own}{back}/pay"), &[], b"");
    assert_eq!(read_only.status, 404);
}

#[test]
fn another_sites_forms_cannot_act_but_the_simulators_own_pages_can() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let id = client.create_payment(&order("XO-1", 1000)).unwrap().id;
    for origin in ["https://evil.example", "null"] {
        let refused = press(&sim, id, "pay", Some(origin));
        assert_eq!(refused.status, 403, "{origin}");
        assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Created));
    }
    let localhost = format!("http://localhost:{}", sim.port());
    assert_eq!(press(&sim, id, "pay", Some(&localhost)).status, 303);
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Paid));
    // Reading is allowed from anywhere: a page of another site can link to the dashboard.
    let read = send(
        "GET",
        &format!("{}/_simulator/", origin(&sim)),
        &[("Origin", "https://evil.example")],
        b"",
    );
    assert_eq!(read.status, 200);
}

#[test]
fn the_request_log_is_newest_first_without_the_control_requests() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let id = client.create_payment(&order("LOG-1", 1000)).unwrap().id;
    client.get_status(id).unwrap();
    get(&sim, "/_simulator/");

    let log = get(&sim, "/_simulator/ui/requests").body;
    assert!(log.contains("3 requests recorded"), "{log}");
    let status = log
        .find(&format!(
            "<code class=\"path\">/api/payments/payment/{id}</code>"
        ))
        .expect("the status call");
    let create = log
        .find("<code class=\"path\">/api/payments/payment</code>")
        .expect("the create call");
    let token = log
        .find("<code class=\"path\">/api/oauth2/token</code>")
        .expect("the token call");
    assert!(status < create && create < token);
    assert!(!log.contains("<code class=\"path\">/_simulator"));
}

/// Text a shop or a client sent, meant to break out of the page's HTML.
const HOSTILE: [&str; 3] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "'><svg onload=alert(3)>",
];

#[test]
fn shop_and_client_text_is_shown_as_text() {
    let (sim, shop) = (Simulator::start().unwrap(), Shop::start(vec![]));
    let client = Client::new(sim.config()).unwrap();
    let notify = format!("{}?x=\"><script>", shop.url);
    let request = PaymentRequest::new(1000, Currency::Czk, HOSTILE[0])
        .item(Item::new(HOSTILE[2], 1000))
        .callback(format!("https://shop.test/{}", HOSTILE[1]), notify);
    let id = client.create_payment(&request).unwrap().id;
    sim.pay(id).unwrap();
    // The hostile notification URL can never be called, so it is retried for hours of the
    // test clock: wait only for its first attempt (made by the time this returns).
    sim.advance_clock(Duration::ZERO);
    assert!(sim.notifications().iter().all(|n| n.attempts >= 1));
    // A seeded payment with a hostile state and currency, and a request with hostile
    // headers, path and body.
    let seeded = json!({"id": 77, "order_number": HOSTILE[1], "state": HOSTILE[0],
                        "amount": 1, "currency": HOSTILE[2]});
    let seed = send(
        "POST",
        &format!("{}/_simulator/payments", origin(&sim)),
        &[("Content-Type", "application/json")],
        seeded.to_string().as_bytes(),
    );
    assert_eq!(seed.status, 200, "{}", seed.body);
    send(
        "POST",
        &format!("{}/api/payments/payment/77?q=%3Cscript%3E", origin(&sim)),
        &[("X-Shop", HOSTILE[0]), ("Content-Type", "text/<i>")],
        HOSTILE.join(" ").as_bytes(),
    );

    let pages = [
        get(&sim, "/_simulator/").body,
        get(&sim, &format!("/_simulator/ui/payments/{id}")).body,
        get(&sim, "/_simulator/ui/payments/77").body,
        get(&sim, "/_simulator/ui/requests").body,
    ];
    for page in &pages {
        for markup in ["<script", "<img", "<svg", "<i>"] {
            assert!(!page.contains(markup), "{markup} in {page}");
        }
    }
    let [list, payment, seeded, log] = &pages;
    assert!(list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(list.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    assert!(payment.contains("&#39;&gt;&lt;svg onload=alert(3)&gt;"));
    assert!(
        payment.contains("?x=&quot;&gt;&lt;script&gt;"),
        "the notification URL"
    );
    assert!(seeded.contains("class=\"state &lt;script&gt;"), "{seeded}");
    assert!(log.contains("text/&lt;i&gt;"));
}

#[test]
fn no_other_page_may_frame_the_dashboard_but_the_customer_page_stays_frameable() {
    let sim = Simulator::start().unwrap();
    let client = Client::new(sim.config()).unwrap();
    let payment = client.create_payment(&order("frame-1", 100)).unwrap();
    // A foreign page that framed the dashboard could trick a click on its buttons.
    for path in [
        "/_simulator",
        "/_simulator/",
        &format!("/_simulator/ui/payments/{}", payment.id),
    ] {
        let answer = get(&sim, path);
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(
            answer.security_policy.as_deref(),
            Some("frame-ancestors 'none'"),
            "{path}"
        );
    }
    // GoPay's inline gateway shows the customer page in a frame on the shop's site.
    let page = send("GET", payment.gw_url.as_deref().unwrap(), &[], b"");
    assert_eq!(page.status, 200);
    assert_eq!(page.security_policy, None);
}
