//! The GoPay operations, as methods on [`Client`](crate::Client), one file per group.

mod payments;
