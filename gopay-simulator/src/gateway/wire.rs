//! The simulator's own reading of the wire: every request body is read through definitions
//! written from GoPay's documentation (GOPAY_API §5: fields, JSON types, required or
//! optional, lengths, enumerations, nesting), never by decoding with the `gopay` client's
//! models, so a mistake on either side fails against the other. A body that does not fit
//! gets GoPay's 409 field errors (110 required, 111 wrong format, and the operation's own:
//! 321, 360); the simulator builds its records from what it read.

mod amounts;
mod body;
mod filters;
mod lists;
mod next;
mod object;
mod order;
mod payment;
mod schema;

pub(crate) use amounts::{capture, refund};
pub(crate) use body::{json_object, object};
pub(crate) use filters::{eet_filter, statement, EetFilter, Statement};
pub(crate) use order::{Eet, Item, Param};
pub(crate) use payment::{Contact, NewPayment, Payer, Recurrence};

use crate::gateway::responses::FieldError;

/// Reads a create-payment body for the e-shop `goid` (see [`payment::read`]).
pub(crate) use payment::read as new_payment;

/// Reads a next payment's body (see [`next::read`]); [`next_fields`] checks its fields
/// alone, before the parent is known.
pub(crate) use next::{check_fields as next_fields, read as next_payment};

/// Whether no error so far concerns `field` or a field inside it.
fn untouched(errors: &[FieldError], field: &str) -> bool {
    !errors.iter().any(|e| {
        e.field
            .strip_prefix(field)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}
