//! The GoPay operations, as methods on [`Client`](crate::Client), one file per group.

mod cards;
#[cfg(feature = "eet")]
mod eet;
mod eshop;
mod payments;
mod preauthorization;
mod recurrence;
mod refunds;

/// GoPay's ids are positive: 0 is always a caller's mistake, refused before sending.
pub(crate) fn positive_id(field: &'static str, id: u64) -> Result<u64, crate::Error> {
    if id == 0 {
        Err(crate::Error::invalid_input(field, "an id must be positive"))
    } else {
        Ok(id)
    }
}
