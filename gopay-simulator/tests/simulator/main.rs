//! The simulator's integration tests, one binary: each module is what used to be a test file
//! of its own. The Python shop in `cross_language/` runs against the binary from outside.

#[path = "../support/mod.rs"]
mod support;

mod binary;
mod browser;
mod content_types;
mod control_api;
mod cross_origin;
mod customer_page;
mod dashboard;
mod dashboard_browser;
mod dashboard_v4;
mod dns_rebinding;
mod keep_alive;
mod notification_bound;
mod notifications;
mod request_log;
mod seed_file;
mod simulator_concurrency;
mod simulator_faults;
mod simulator_flows;
mod slow_clients;
mod state_binary;
mod state_process;
mod state_v4;
mod v4_api;
mod v4_browser;
mod v4_card_form;
mod v4_card_form_browser;
mod v4_client;
mod v4_customer_page;
mod v4_notifications;
mod wire_reading;
