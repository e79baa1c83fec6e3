//! The bodies that ask for documents (GOPAY_API §5.11): the account statement and the
//! (obsolete) EET receipt filter, each a date range.

use serde_json::{Map, Value};

use super::lists::{CURRENCIES, STATEMENT_FORMATS};
use super::object::Object;
use super::schema::{self, required, Field, Kind, POSITIVE};
use crate::gateway::responses::{FieldError, WRONG_FORMAT};
use crate::state::clock::Date;

/// The account statement's request.
pub(crate) const STATEMENT: &[Field] = &[
    required("date_from", Kind::Date),
    required("date_to", Kind::Date),
    required("goid", POSITIVE),
    required("currency", Kind::OneOf(CURRENCIES)),
    required("format", Kind::OneOf(STATEMENT_FORMATS)),
];

/// The EET receipt filter.
pub(crate) const EET_FILTER: &[Field] = &[
    required("date_from", Kind::Date),
    required("date_to", Kind::Date),
    required(
        "id_provozovny",
        Kind::Integer {
            min: 0,
            max: u32::MAX as i64,
        },
    ),
];

/// An account statement request as the simulator reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) from: Date,
    pub(crate) to: Date,
    pub(crate) goid: u64,
    pub(crate) currency: String,
    pub(crate) format: String,
}

/// An EET receipt filter as the simulator reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EetFilter {
    pub(crate) from: Date,
    pub(crate) to: Date,
    pub(crate) establishment: u32,
}

/// Reads an account statement request (its GoID is the caller's to check).
///
/// # Errors
///
/// Every field error (110, 111), and 111 for `date_to` before `date_from`.
pub(crate) fn statement(body: &Map<String, Value>) -> Result<Statement, Vec<FieldError>> {
    let (normal, mut errors) = schema::check(body, STATEMENT);
    let statement = Object(&normal);
    let range = range(statement, &mut errors);
    match range {
        Some((from, to)) if errors.is_empty() => Ok(Statement {
            from,
            to,
            goid: statement
                .int("goid")
                .and_then(|g| u64::try_from(g).ok())
                .unwrap_or_default(),
            currency: statement.text("currency").unwrap_or_default(),
            format: statement.text("format").unwrap_or_default(),
        }),
        _ => Err(errors),
    }
}

/// Reads an EET receipt filter.
///
/// # Errors
///
/// As for [`statement`].
pub(crate) fn eet_filter(body: &Map<String, Value>) -> Result<EetFilter, Vec<FieldError>> {
    let (normal, mut errors) = schema::check(body, EET_FILTER);
    let filter = Object(&normal);
    let range = range(filter, &mut errors);
    let establishment = filter
        .int("id_provozovny")
        .and_then(|n| u32::try_from(n).ok());
    match (range, establishment) {
        (Some((from, to)), Some(establishment)) if errors.is_empty() => Ok(EetFilter {
            from,
            to,
            establishment,
        }),
        _ => Err(errors),
    }
}

/// The checked dates, when both passed and `date_to` is not before `date_from`.
fn range(body: Object<'_>, errors: &mut Vec<FieldError>) -> Option<(Date, Date)> {
    let from = Date::parse(&body.text("date_from")?)?;
    let to = Date::parse(&body.text("date_to")?)?;
    if to < from {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "date_to",
            "date_to must not be before date_from",
        ));
        return None;
    }
    Some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::responses::named;
    use serde_json::json;

    #[test]
    fn date_ranges() {
        let body = |from: &str, to: &str| {
            json!({"date_from": from, "date_to": to, "id_provozovny": "11"})
                .as_object()
                .unwrap()
                .clone()
        };
        let filter = eet_filter(&body("2025-01-01", "2025-01-01")).unwrap();
        assert_eq!(filter.establishment, 11);
        let reversed = eet_filter(&body("2025-01-02", "2025-01-01")).unwrap_err();
        assert_eq!(named(&reversed), [(111, "date_to")]);
        let wrong = eet_filter(&body("x", "2025-02-30")).unwrap_err();
        assert_eq!(named(&wrong), [(111, "date_from"), (111, "date_to")]);
    }

    #[test]
    fn statements_need_every_field() {
        let found = statement(json!({"date_from": 1}).as_object().unwrap()).unwrap_err();
        assert_eq!(
            named(&found),
            [
                (111, "date_from"),
                (110, "date_to"),
                (110, "goid"),
                (110, "currency"),
                (110, "format"),
            ]
        );
        let good = json!({"date_from": "2016-07-08", "date_to": "2016-08-08", "goid": "8123456789",
                          "currency": "CZK", "format": "CSV_A"});
        let read = statement(good.as_object().unwrap()).unwrap();
        assert_eq!((read.goid, read.format.as_str()), (8_123_456_789, "CSV_A"));
    }
}
