//! GoPay's API as the simulator serves it: routing ([`api`]), the token endpoint, one handler
//! per endpoint, the payment life cycle (create, customer, merchant, recurring charges),
//! notifications, documents, and the simulator's own reading of request bodies ([`wire`]);
//! API v4 (preview) beside it in [`v4`].

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod cards;
pub(crate) mod catalog;
pub(crate) mod create;
pub(crate) mod customer;
pub(crate) mod documents;
pub(crate) mod echo;
pub(crate) mod endpoints;
pub(crate) mod form;
pub(crate) mod merchant;
pub(crate) mod notify;
pub(crate) mod picture;
pub(crate) mod recurring;
pub(crate) mod responses;
pub(crate) mod v4;
pub(crate) mod wire;
