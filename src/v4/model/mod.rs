//! Typed wire models of the v4 API: requests, responses and their enums.
//!
//! Ids are strings, money is `i64` minor units. Every struct is `#[non_exhaustive]` and every
//! enum keeps values it does not know in `Unknown(String)`; answers decode leniently (a
//! missing field is empty or `None`, unknown fields are ignored).

mod card;
mod charge;
mod enums;
mod payment;
mod refund;
mod wallet;

pub use card::*;
pub use charge::*;
pub use enums::*;
pub use payment::*;
pub use refund::*;
pub use wallet::*;
