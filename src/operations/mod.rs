//! The GoPay operations, as methods on [`Client`](crate::Client), one file per group.

mod cards;
#[cfg(feature = "eet")]
mod eet;
mod eshop;
mod payments;
mod preauthorization;
mod recurrence;
mod refunds;
