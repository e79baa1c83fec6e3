//! GoPay's notifications and return redirects: both carry only `?id=<payment id>`, so the
//! state must be read from GoPay itself.

use crate::error::Error;
use crate::model::Payment;
use crate::Client;

/// The payment id from the query string of a GoPay notification or return URL.
///
/// Takes the query with or without the leading `?` (`id=3000006529&parent_id=…`); other
/// parameters are ignored.
///
/// # Errors
///
/// [`Error::InvalidInput`] (field `id`) when `id` is missing, malformed (not a positive
/// decimal number; percent-encoding is not decoded) or repeated with different values.
///
/// ```
/// assert_eq!(gopay::notification_payment_id("?id=3000006529&x=1")?, 3000006529);
/// assert!(gopay::notification_payment_id("foo=bar").is_err());
/// # Ok::<(), gopay::Error>(())
/// ```
pub fn notification_payment_id(query: &str) -> Result<u64, Error> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut found: Option<u64> = None;
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != "id" {
            continue;
        }
        let id = value
            .parse::<u64>()
            .ok()
            .filter(|id| *id > 0 && value.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                Error::invalid_input("id", "the notification's id is not a payment id")
            })?;
        if found.is_some_and(|seen| seen != id) {
            return Err(Error::invalid_input(
                "id",
                "the notification carries two different ids",
            ));
        }
        found = Some(id);
    }
    found.ok_or_else(|| Error::invalid_input("id", "the notification has no id parameter"))
}

impl Client {
    /// Handles a GoPay notification (or the customer's return): parses the payment id from
    /// the query string and reads the payment's authoritative state with
    /// [`get_status`](Client::get_status).
    ///
    /// Answer GoPay's notification with HTTP 200 once this returns `Ok`; it is safe to call
    /// again for repeated notifications.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the query holds no usable id (see
    /// [`notification_payment_id`]), before anything is sent; otherwise the errors of
    /// [`get_status`](Client::get_status). Answer GoPay with an error status then: it
    /// repeats the notification.
    ///
    /// ```no_run
    /// # let client = gopay::Client::new(gopay::Config::from_env()?)?;
    /// let payment = client.handle_notification("id=3000006529")?;
    /// println!("{} is now {:?}", payment.id, payment.state);
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn handle_notification(&self, query: &str) -> Result<Payment, Error> {
        self.get_status(notification_payment_id(query)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_found_among_other_parameters() {
        for query in [
            "id=3000006529",
            "?id=3000006529",
            "parent_id=3000000001&id=3000006529",
            "id=3000006529&id=3000006529",
            "x&id=3000006529&y=",
        ] {
            assert_eq!(
                notification_payment_id(query).unwrap(),
                3000006529,
                "{query}"
            );
        }
    }

    #[test]
    fn bad_or_missing_ids_are_typed_errors() {
        for query in [
            "",
            "?",
            "ID=1",
            "id=",
            "id=0",
            "id=-1",
            "id=+5",
            "id=12a",
            "id=99999999999999999999999",
            "id=1&id=2",
            "id=%31",
        ] {
            let err = notification_payment_id(query).unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput { field: "id", .. }),
                "{query}"
            );
        }
    }
}
