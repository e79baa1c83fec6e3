//! Typed wire models of the GoPay REST API v3: requests, responses and their enums.
//!
//! Every model serialises with GoPay's field names, omits unset optional fields
//! and empty lists, and decodes leniently: unknown fields are ignored, unknown
//! enum values land in an `Unknown(String)` variant, and numbers or booleans
//! sent as strings (`"1000"`, `"true"`) are accepted. Money is `i64` minor
//! units, ids and GoIDs are `u64`, dates are `yyyy-MM-dd` strings.
//!
//! Every struct is `#[non_exhaustive]`, so GoPay can add a field in a minor release: build
//! requests with their `new(…)` constructors and chained setters, and responses (in your
//! own tests) from `Default` or their constructors.

/// By-value setters for optional fields: `field(value)` sets the field to
/// `Some(value.into())` and hands the struct back, for chaining.
macro_rules! option_setters {
    ($ty:ident { $( $(#[$doc:meta])* $field:ident : $value:ty ),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, value: impl Into<$value>) -> $ty {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}
// Used by the v4 models too.
#[allow(unused_imports)]
pub(crate) use option_setters;

mod amount;
mod card;
#[cfg(feature = "eet")]
mod eet;
pub(crate) mod enums;
mod instruments;
pub(crate) mod lenient;
mod payer;
mod payment;
mod qr;
mod recurrence;
mod refund;
mod statement;
mod swift;
mod validate;

pub use amount::minor_units;
pub use card::*;
#[cfg(feature = "eet")]
pub use eet::*;
pub use enums::*;
pub use instruments::*;
pub use payer::*;
pub use payment::*;
pub use qr::*;
pub use recurrence::*;
pub use refund::*;
pub use statement::*;
pub use swift::*;
