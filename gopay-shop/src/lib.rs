//! A small web shop that takes payments through GoPay: the pattern a Rust shop can copy.
//!
//! [`app`] builds the axum router from an [`AppState`]: the shop's order store (any
//! [`OrderStore`]), the GoPay client and the shop's public URL. `src/main.rs` starts it
//! against GoPay or the bundled simulator; the tests start it on 127.0.0.1.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod handlers;
mod money;
pub mod pages;
pub mod payments;
pub mod store;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

pub use money::format_minor_units;
pub use payments::{GatewayError, Payments, RefundOutcome};
pub use store::{MemoryOrders, Order, OrderStatus, OrderStore, StoreError};

/// The one product on sale.
pub const PRODUCT_NAME: &str = "GoPay T-shirt";
/// Its price in minor units (hundredths): 120.00 CZK.
pub const PRODUCT_PRICE: i64 = 12000;
/// The delivery's price in minor units: 30.00 CZK.
pub const DELIVERY_PRICE: i64 = 3000;
/// The shop's currency.
pub const CURRENCY: gopay::Currency = gopay::Currency::Czk;

/// What every handler shares: cheap to clone.
pub struct AppState<S> {
    orders: Arc<S>,
    payments: Payments,
    public_url: Arc<str>,
    admin_token: Arc<str>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState {
            orders: Arc::clone(&self.orders),
            payments: self.payments.clone(),
            public_url: Arc::clone(&self.public_url),
            admin_token: Arc::clone(&self.admin_token),
        }
    }
}

impl<S: OrderStore> AppState<S> {
    /// The shop's state.
    ///
    /// - `orders`: where orders live.
    /// - `client`: the GoPay client (the real gateway or the simulator).
    /// - `public_url`: the origin customers and GoPay reach the shop at, without a trailing
    ///   `/` (`https://shop.example`); the return and notification URLs are built from it.
    ///   GoPay must be able to reach `{public_url}/notify`.
    /// - `admin_token`: what the refund action expects after `Authorization: Bearer `.
    pub fn new(
        orders: Arc<S>,
        client: gopay::Client,
        public_url: &str,
        admin_token: &str,
    ) -> AppState<S> {
        AppState {
            orders,
            payments: Payments::new(client),
            public_url: public_url.trim_end_matches('/').into(),
            admin_token: admin_token.into(),
        }
    }

    /// The order store.
    pub fn orders(&self) -> &Arc<S> {
        &self.orders
    }
}

/// The shop's routes:
///
/// - `GET /`: the product and its "Pay" form;
/// - `POST /orders`: creates the order and its payment, then `303` to GoPay's gateway;
/// - `GET /return?id=…`: the customer is back; shows the order's state, read from GoPay;
/// - `GET /notify?id=…`: GoPay's notification of a state change;
/// - `POST /orders/{order}/refund`: refunds all or part of a paid order (administrators
///   only: `Authorization: Bearer <admin token>`).
pub fn app<S: OrderStore>(state: AppState<S>) -> Router {
    Router::new()
        .route("/", get(handlers::home))
        .route("/orders", post(handlers::create_order::<S>))
        .route("/return", get(handlers::customer_return::<S>))
        .route("/notify", get(handlers::notify::<S>))
        .route("/orders/{order}/refund", post(handlers::refund::<S>))
        .with_state(state)
}
