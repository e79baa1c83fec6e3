//! The shop end to end: the simulated gateway and the shop on 127.0.0.1, driven over HTTP as
//! a browser, GoPay's notifications and an administrator would.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gopay::{Client, PaymentState, RefundState};
use gopay_shop::store::{Email, NewOrder, Recorded};
use gopay_shop::{app, AppState, MemoryOrders, Order, OrderStatus, OrderStore, StoreError};
use gopay_simulator::{Fault, FaultTarget, Simulator};

const ADMIN_TOKEN: &str = "test-admin-token";
const WAIT: Duration = Duration::from_secs(10);

/// The shop, served by its own tokio runtime; the test thread plays the browser.
struct Shop<S> {
    url: String,
    orders: Arc<S>,
    http: ureq::Agent,
    // Last: dropping it stops the server (the simulator, declared before the shop in each
    // test, outlives it).
    _runtime: tokio::runtime::Runtime,
}

impl<S: OrderStore> Shop<S> {
    fn start(sim: &Simulator, orders: Arc<S>) -> Shop<S> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let client = Client::new(sim.config()).unwrap();
        let state = AppState::new(Arc::clone(&orders), client, &url, ADMIN_TOKEN);
        runtime.spawn(async move { axum::serve(listener, app(state)).await });
        let http = ureq::Agent::config_builder()
            // To see the shop's 303 itself rather than the page it leads to.
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(WAIT))
            .build()
            .new_agent();
        Shop {
            url,
            orders,
            http,
            _runtime: runtime,
        }
    }

    /// `GET path`: the status and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut response = self.http.get(format!("{}{path}", self.url)).call().unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), body)
    }

    /// Orders through the "Pay" form: the order and where the shop sent the customer.
    fn order(&self) -> (Order, String) {
        let response = self
            .http
            .post(format!("{}/orders", self.url))
            .send_form([("email", "jan.novak@example.com")])
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let order = self.orders_now().pop().unwrap();
        (order, location)
    }

    /// `POST /orders/{number}/refund` as the administrator: the status and the body.
    fn refund(&self, number: &str, amount: Option<&str>) -> (u16, String) {
        let mut response = self
            .http
            .post(format!("{}/orders/{number}/refund", self.url))
            .header("Authorization", format!("Bearer {ADMIN_TOKEN}"))
            .send_form(amount.map(|amount| ("amount", amount)))
            .unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), body)
    }

    /// Every order, by number (the shop numbers them in sequence).
    fn orders_now(&self) -> Vec<Order> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut orders = Vec::new();
        for n in 1.. {
            match runtime
                .block_on(self.orders.order(&format!("shop-{n:06}")))
                .unwrap()
            {
                Some(order) => orders.push(order),
                None => return orders,
            }
        }
        unreachable!()
    }

    fn order_now(&self, number: &str) -> Order {
        self.orders_now()
            .into_iter()
            .find(|order| order.number == number)
            .unwrap()
    }

    /// The confirmation e-mails queued for order `number`.
    fn confirmations(&self, number: &str) -> usize {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(self.orders.outbox())
            .unwrap()
            .iter()
            .filter(|email| email.order_number == number)
            .count()
    }
}

fn paid(order: &Order) -> bool {
    order.status == OrderStatus::Paid
}

#[test]
fn the_home_page_offers_to_pay() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(&sim, Arc::new(MemoryOrders::new()));
    let (status, body) = shop.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("Pay 150.00 CZK"), "{body}");
    assert!(body.contains("<form method=\"post\" action=\"/orders\">"));
}

#[test]
fn an_order_redirects_to_the_gateway_with_the_payment_gopay_created() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(&sim, Arc::new(MemoryOrders::new()));
    let (order, location) = shop.order();
    let id = order
        .payment_id
        .expect("the payment id is stored with the order");
    let payment = sim.payment(id).unwrap();
    assert_eq!(payment.gw_url.as_deref(), Some(location.as_str()));
    assert_eq!(payment.amount, Some(15000));
    assert_eq!(payment.order_number.as_deref(), Some(order.number.as_str()));
    assert_eq!(payment.state, Some(PaymentState::Created));
    assert_eq!(order.status, OrderStatus::AwaitingPayment);
    assert_eq!(order.email, "jan.novak@example.com");

    // What the shop sent: items, e-mail and both callback URLs pointing at the shop.
    let request = sim
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/api/payments/payment")
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent["items"].as_array().unwrap().len(), 2);
    assert_eq!(sent["payer"]["contact"]["email"], "jan.novak@example.com");
    assert_eq!(
        sent["callback"]["notification_url"],
        format!("{}/notify", shop.url)
    );
    assert_eq!(
        sent["callback"]["return_url"],
        format!("{}/return", shop.url)
    );
}

#[test]
fn a_bad_email_creates_no_order() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(&sim, Arc::new(MemoryOrders::new()));
    let response = shop
        .http
        .post(format!("{}/orders", shop.url))
        .send_form([("email", "no address")])
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(shop.orders_now().is_empty());
}

#[test]
fn a_paid_order_is_confirmed_exactly_once() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(&sim, Arc::new(MemoryOrders::new()));
    let (order, _) = shop.order();
    let id = order.payment_id.unwrap();

    // The customer pays; the simulator notifies the shop's /notify by itself.
    sim.pay(id).unwrap();
    shop.orders
        .wait_for(&order.number, WAIT, paid)
        .expect("the notification marks the order paid");
    assert!(sim.wait_for_notifications(WAIT));
    let notifications = sim.notifications();
    assert_eq!(notifications.len(), 1);
    assert!(notifications[0].delivered);
    assert_eq!(notifications[0].attempts, 1);
    assert_eq!(shop.confirmations(&order.number), 1);

    // The customer comes back.
    let (status, body) = shop.get(&format!("/return?id={id}"));
    assert_eq!(status, 200);
    assert!(body.contains("Your order is paid."), "{body}");

    // GoPay repeats the notification: 200, and nothing more happens.
    for _ in 0..2 {
        assert_eq!(shop.get(&format!("/notify?id={id}")).0, 200);
    }
    assert!(paid(&shop.order_now(&order.number)));
    assert_eq!(shop.confirmations(&order.number), 1);
}

#[test]
fn the_return_page_shows_gopays_state_not_the_querys() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(&sim, Arc::new(MemoryOrders::new()));
    let (order, _) = shop.order();
    let id = order.payment_id.unwrap();

    let (status, body) = shop.get(&format!("/return?state=PAID&id={id}&paid=1"));
    assert_eq!(status, 200);
    assert!(body.contains("Your order is not paid yet."), "{body}");
    assert_eq!(shop.confirmations(&order.number), 0);

    sim.cancel(id).unwrap();
    let (_, body) = shop.get(&format!("/return?id={id}"));
    assert!(body.contains("Your order is canceled."), "{body}");
    assert_eq!(shop.order_now(&order.number).status, OrderStatus::Canceled);

    assert_eq!(shop.get("/return?id=1").0, 404);
    assert_eq!(shop.get("/return").0, 400);
}

#[test]
fn a_notification_for_an_unknown_payment_is_acknowledged_without_asking_gopay() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(&sim, Arc::new(MemoryOrders::new()));
    assert_eq!(shop.get("/notify?id=3000000042").0, 200);
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    assert_eq!(shop.get("/notify").0, 400);
    assert_eq!(shop.get("/notify?id=abc").0, 400);
}

/// Pays an order and waits until the shop has it paid.
fn paid_order<S: OrderStore>(sim: &Simulator, shop: &Shop<S>, orders: &MemoryOrders) -> Order {
    let (order, _) = shop.order();
    sim.pay(order.payment_id.unwrap()).unwrap();
    let order = orders.wait_for(&order.number, WAIT, paid).unwrap();
    // Every notification answered: none is in flight while a test counts requests or faults.
    assert!(sim.wait_for_notifications(WAIT));
    order
}

#[test]
fn partial_then_full_refunds_show_in_the_refund_history() {
    let sim = Simulator::start().unwrap();
    let orders = Arc::new(MemoryOrders::new());
    let shop = Shop::start(&sim, Arc::clone(&orders));
    let order = paid_order(&sim, &shop, &orders);
    let id = order.payment_id.unwrap();
    let client = Client::new(sim.config()).unwrap();

    // Not without the administrator's token.
    let response = shop
        .http
        .post(format!("{}/orders/{}/refund", shop.url, order.number))
        .header("Authorization", "Bearer wrong-token-here")
        .send_form([("amount", "30.00")])
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(client.get_history_of_refunds(id).unwrap().is_empty());

    let (status, body) = shop.refund(&order.number, Some("30.00"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Refunded so far: 30.00 CZK"), "{body}");
    let history = client.get_history_of_refunds(id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].amount, 3000);
    assert_eq!(history[0].state, RefundState::Success);
    assert!(body.contains(&format!("refund {}: 30.00 SUCCESS", history[0].id)));
    let now = shop.order_now(&order.number);
    assert_eq!(
        (now.status, now.refunded),
        (OrderStatus::PartiallyRefunded, 3000)
    );

    // More than is left is refused before GoPay is asked.
    assert_eq!(shop.refund(&order.number, Some("120.01")).0, 400);
    assert_eq!(shop.refund(&order.number, Some("1.234")).0, 400);

    // No amount: what is left.
    let (status, body) = shop.refund(&order.number, None);
    assert_eq!(status, 200, "{body}");
    let history = client.get_history_of_refunds(id).unwrap();
    let amounts: Vec<i64> = history.iter().map(|r| r.amount).collect();
    assert_eq!(amounts, [3000, 12000]);
    let now = shop.order_now(&order.number);
    assert_eq!((now.status, now.refunded), (OrderStatus::Refunded, 15000));
    assert_eq!(sim.payment(id).unwrap().state, Some(PaymentState::Refunded));
    // Nothing left to refund; the customer was confirmed once, not again.
    assert_eq!(shop.refund(&order.number, None).0, 409);
    assert_eq!(shop.confirmations(&order.number), 1);
}

#[test]
fn a_lost_refund_answer_is_settled_from_the_refund_history() {
    let sim = Simulator::start().unwrap();
    let orders = Arc::new(MemoryOrders::new());
    let shop = Shop::start(&sim, Arc::clone(&orders));
    let order = paid_order(&sim, &shop, &orders);
    let id = order.payment_id.unwrap();

    // The shop reads the history, then refunds: the refund is carried out but its answer
    // arrives cut in half, so the outcome is unknown to the client.
    sim.inject(Fault::Delay {
        target: FaultTarget::Api,
        delay: Duration::ZERO,
        count: 1,
    });
    sim.inject(Fault::MalformedBody {
        target: FaultTarget::Api,
        count: 1,
    });
    let (status, body) = shop.refund(&order.number, Some("50.00"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("history shows it: refunded"), "{body}");
    // The refund call was followed by a history read, not by another refund (the last read
    // is the one the page shows).
    let calls: Vec<String> = sim
        .requests()
        .iter()
        .filter(|r| {
            r.path
                .starts_with(&format!("/api/payments/payment/{id}/refund"))
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        calls,
        [
            format!("GET /api/payments/payment/{id}/refunds"),
            format!("POST /api/payments/payment/{id}/refund"),
            format!("GET /api/payments/payment/{id}/refunds"),
            format!("GET /api/payments/payment/{id}/refunds"),
        ]
    );
    let history = Client::new(sim.config())
        .unwrap()
        .get_history_of_refunds(id)
        .unwrap();
    assert_eq!(history.len(), 1, "refunded once, not twice");
    assert_eq!(history[0].amount, 5000);
    assert_eq!(shop.order_now(&order.number).refunded, 5000);
}

#[test]
fn an_unknown_refund_outcome_not_in_the_history_is_reported_not_refunded() {
    let sim = Simulator::start().unwrap();
    let orders = Arc::new(MemoryOrders::new());
    let shop = Shop::start(&sim, Arc::clone(&orders));
    let order = paid_order(&sim, &shop, &orders);

    // The history read passes; the refund gets a 503 (GoPay may have acted: outcome
    // unknown) without taking effect.
    sim.inject(Fault::Delay {
        target: FaultTarget::Api,
        delay: Duration::ZERO,
        count: 1,
    });
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 503,
        count: 1,
    });
    let (status, body) = shop.refund(&order.number, Some("50.00"));
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("nothing was refunded"), "{body}");
    let now = shop.order_now(&order.number);
    assert_eq!((now.status, now.refunded), (OrderStatus::Paid, 0));

    // Then the administrator tries again, and it works.
    assert_eq!(shop.refund(&order.number, Some("50.00")).0, 200);
    assert_eq!(shop.order_now(&order.number).refunded, 5000);
}

/// A store whose status updates fail while `failures_left` is above zero: a database
/// outage, through the same seam a real database sits behind.
#[derive(Default)]
struct FlakyOrders {
    inner: MemoryOrders,
    failures_left: AtomicU32,
    failed: AtomicU32,
}

impl OrderStore for FlakyOrders {
    async fn create_order(&self, order: NewOrder) -> Result<Order, StoreError> {
        self.inner.create_order(order).await
    }

    async fn attach_payment(&self, number: &str, payment_id: u64) -> Result<(), StoreError> {
        self.inner.attach_payment(number, payment_id).await
    }

    async fn order(&self, number: &str) -> Result<Option<Order>, StoreError> {
        self.inner.order(number).await
    }

    async fn order_by_payment(&self, payment_id: u64) -> Result<Option<Order>, StoreError> {
        self.inner.order_by_payment(payment_id).await
    }

    async fn record_status(
        &self,
        payment_id: u64,
        status: OrderStatus,
    ) -> Result<Option<Recorded>, StoreError> {
        let failing = self
            .failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            self.failed.fetch_add(1, Ordering::SeqCst);
            return Err(StoreError("the database is down".into()));
        }
        self.inner.record_status(payment_id, status).await
    }

    async fn record_refund(&self, number: &str, amount: i64) -> Result<(), StoreError> {
        self.inner.record_refund(number, amount).await
    }

    async fn outbox(&self) -> Result<Vec<Email>, StoreError> {
        self.inner.outbox().await
    }
}

#[test]
fn a_notification_not_stored_is_answered_500_and_gopay_retries_until_200() {
    let sim = Simulator::start().unwrap();
    let orders = Arc::new(FlakyOrders::default());
    let shop = Shop::start(&sim, Arc::clone(&orders));
    let (order, _) = shop.order();
    let id = order.payment_id.unwrap();

    orders.failures_left.store(2, Ordering::SeqCst);
    sim.pay(id).unwrap();
    orders
        .inner
        .wait_for(&order.number, WAIT, paid)
        .expect("a later attempt stores it");
    assert!(sim.wait_for_notifications(WAIT));
    let notifications = sim.notifications();
    assert_eq!(notifications.len(), 1);
    let notification = &notifications[0];
    assert_eq!(notification.payment_id, id);
    assert_eq!(notification.attempts, 3, "two 500s, then 200");
    assert!(notification.delivered);
    assert_eq!(notification.last_status, Some(200));
    assert_eq!(orders.failed.load(Ordering::SeqCst), 2);
    assert_eq!(shop.confirmations(&order.number), 1);

    // By hand: 500 while the store fails, 200 once it works, and still one confirmation.
    orders.failures_left.store(1, Ordering::SeqCst);
    assert_eq!(shop.get(&format!("/notify?id={id}")).0, 500);
    assert_eq!(shop.get(&format!("/notify?id={id}")).0, 200);
    assert_eq!(shop.confirmations(&order.number), 1);
}

#[test]
fn a_notification_gopay_cannot_answer_is_answered_500() {
    let sim = Simulator::start().unwrap();
    let shop = Shop::start(&sim, Arc::new(MemoryOrders::new()));
    let (order, _) = shop.order();
    let id = order.payment_id.unwrap();
    // The status read fails: the client repeats a GET on a 5xx twice, so fail all three.
    sim.inject(Fault::Status {
        target: FaultTarget::Api,
        status: 503,
        count: 3,
    });
    assert_eq!(shop.get(&format!("/notify?id={id}")).0, 500);
    sim.clear_faults();
    assert_eq!(shop.get(&format!("/notify?id={id}")).0, 200);
}
