//! The language the simulator's wire definitions are written in — fields, their JSON types
//! and formats, whether they are required, their lengths, enumerations and nesting — and the
//! check of a JSON object against them. The check answers GoPay's field errors (110
//! required, 111 wrong format, named by their dotted path such as `payer.contact.email`) and
//! a normalised copy holding only the fields that passed, with GoPay's lenient numbers and
//! booleans (`"1000"`, `"true"`) as JSON numbers and booleans.

use serde_json::{Map, Value};

use crate::gateway::responses::{FieldError, REQUIRED, WRONG_FORMAT};
use crate::state::clock::Date;

/// At most this much of a received value is quoted back in a message.
const QUOTE_LIMIT: usize = 40;

/// One field of a JSON object.
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    /// Missing, `null` or (for text) blank is error 110.
    pub(crate) required: bool,
}

/// A required field.
pub(crate) const fn required(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

/// An optional field.
pub(crate) const fn optional(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

/// What a field's value must be.
pub(crate) enum Kind {
    /// A whole number from `min` to `max`: a JSON number, or a string holding one (GoPay's
    /// own examples send `"amount":"1000"`).
    Integer { min: i64, max: i64 },
    /// `true` or `false`, also as the strings `"true"`/`"false"` or as `1`/`0`.
    Boolean,
    /// Text of at most `max` characters; a number or boolean is taken as its text.
    Text { max: usize },
    /// Exactly this many ASCII digits (text or a number).
    Digits(usize),
    /// Exactly this many ASCII letters, kept in upper case.
    Letters(usize),
    /// One of these values, exactly.
    OneOf(&'static [&'static str]),
    /// One of these values in any case, kept as listed.
    OneOfAnyCase(&'static [&'static str]),
    /// A `yyyy-MM-dd` date of the calendar.
    Date,
    /// An `http(s)://` URL of at most `max` characters.
    Url { max: usize },
    /// A JSON object with these fields (others are ignored).
    Object(&'static [Field]),
    /// A JSON array of values of this kind.
    List(&'static Kind),
}

/// Amounts in minor units: any `long`.
pub(crate) const AMOUNT: Kind = Kind::Integer {
    min: i64::MIN,
    max: i64::MAX,
};

/// A count, a period, an amount that must be more than zero (`long > 0`).
pub(crate) const POSITIVE: Kind = Kind::Integer {
    min: 1,
    max: i64::MAX,
};

/// Text without a documented length.
pub(crate) const TEXT: Kind = Kind::Text { max: usize::MAX };

/// Checks the JSON object `object` against `fields`: the normalised object (only the fields
/// that passed) and every error, in the order of `fields`, each (code, field) once.
pub(crate) fn check(
    object: &Map<String, Value>,
    fields: &[Field],
) -> (Map<String, Value>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let normal = check_object(object, fields, "", &mut errors);
    let mut seen = Vec::new();
    errors.retain(|e: &FieldError| {
        let key = (e.code.number, e.field.clone());
        let first = !seen.contains(&key);
        seen.push(key);
        first
    });
    (normal, errors)
}

fn check_object(
    object: &Map<String, Value>,
    fields: &[Field],
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    let mut normal = Map::new();
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.to_owned()
        } else {
            format!("{prefix}.{}", field.name)
        };
        let value = object.get(field.name).filter(|v| !v.is_null());
        let Some(value) = value else {
            if field.required {
                errors.push(FieldError::new(
                    REQUIRED,
                    &path,
                    format!("{path} is required"),
                ));
            }
            continue;
        };
        let Some(checked) = check_value(value, &field.kind, &path, errors) else {
            continue;
        };
        if field.required && checked.as_str().is_some_and(|t| t.trim().is_empty()) {
            errors.push(FieldError::new(
                REQUIRED,
                &path,
                format!("{path} is required"),
            ));
            continue;
        }
        normal.insert(field.name.to_owned(), checked);
    }
    normal
}

/// `value` checked against `kind`: its normal form, or `None` after pushing the error.
fn check_value(
    value: &Value,
    kind: &Kind,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Value> {
    let mut wrong = |message: String| {
        errors.push(FieldError::new(WRONG_FORMAT, path, message));
        None
    };
    match kind {
        Kind::Integer { min, max } => match integer(value) {
            None => wrong(format!(
                "{path} must be a whole number, got {}",
                quote(value)
            )),
            Some(n) if n < *min && *min == 1 => {
                wrong(format!("{path} must be greater than 0, got {n}"))
            }
            Some(n) if n < *min || n > *max => {
                wrong(format!("{path} must be from {min} to {max}, got {n}"))
            }
            Some(n) => Some(Value::from(n)),
        },
        Kind::Boolean => match boolean(value) {
            Some(flag) => Some(Value::Bool(flag)),
            None => wrong(format!(
                "{path} must be true or false, got {}",
                quote(value)
            )),
        },
        Kind::Text { max } => match text(value) {
            None => wrong(format!("{path} must be text, got {}", quote(value))),
            Some(t) if t.chars().count() > *max => {
                wrong(format!("{path} is longer than {max} characters"))
            }
            Some(t) => Some(Value::String(t)),
        },
        Kind::Digits(len) => match text(value) {
            Some(t) if t.len() == *len && t.bytes().all(|b| b.is_ascii_digit()) => {
                Some(Value::String(t))
            }
            _ => wrong(format!("{path} must be {len} digits")),
        },
        Kind::Letters(len) => match text(value) {
            Some(t) if t.len() == *len && t.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(Value::String(t.to_ascii_uppercase()))
            }
            _ => wrong(format!(
                "{path} must be {len} letters, got {}",
                quote(value)
            )),
        },
        Kind::OneOf(values) => match value.as_str() {
            Some(t) if values.contains(&t) => Some(Value::String(t.to_owned())),
            _ => wrong(format!("{path}: unknown value {}", quote(value))),
        },
        Kind::OneOfAnyCase(values) => {
            let found = value
                .as_str()
                .and_then(|t| values.iter().find(|v| v.eq_ignore_ascii_case(t)));
            match found {
                Some(canonical) => Some(Value::String((*canonical).to_owned())),
                None => wrong(format!("{path}: unknown value {}", quote(value))),
            }
        }
        Kind::Date => match value.as_str().and_then(Date::parse) {
            Some(_) => Some(value.clone()),
            None => wrong(format!(
                "{path} must be a yyyy-MM-dd date, got {}",
                quote(value)
            )),
        },
        Kind::Url { max } => match value.as_str() {
            Some(url) if !is_http_url(url) => wrong(format!("{path} must be an http(s) URL")),
            Some(url) if url.chars().count() > *max => {
                wrong(format!("{path} is longer than {max} characters"))
            }
            Some(url) => Some(Value::String(url.to_owned())),
            None => wrong(format!("{path} must be an http(s) URL")),
        },
        Kind::Object(fields) => match value.as_object() {
            Some(object) => Some(Value::Object(check_object(object, fields, path, errors))),
            None => wrong(format!("{path} must be an object")),
        },
        Kind::List(element) => match value.as_array() {
            Some(values) => Some(Value::Array(
                values
                    .iter()
                    .filter_map(|v| check_value(v, element, path, errors))
                    .collect(),
            )),
            None => wrong(format!("{path} must be a list")),
        },
    }
}

/// A whole number from a JSON number (an integral float included) or a string holding one.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            // Within i64 and without a fraction: 1000.0 is 1000, 1000.5 is no whole number.
            (f.fract() == 0.0 && (-9.2e18..=9.2e18).contains(&f)).then_some(f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Text, from a string or the text of a number or boolean (scalars are coerced to text).
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    !rest.is_empty()
}

/// A received value as quoted in a message: at most [`QUOTE_LIMIT`] characters.
fn quote(value: &Value) -> String {
    let shown = value.to_string();
    if shown.chars().count() > QUOTE_LIMIT {
        format!("{}…", shown.chars().take(QUOTE_LIMIT).collect::<String>())
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::responses::named;
    use serde_json::json;

    const INNER: &[Field] = &[
        required("name", Kind::Text { max: 3 }),
        optional("count", POSITIVE),
    ];
    const OUTER: &[Field] = &[
        required("amount", POSITIVE),
        optional("flag", Kind::Boolean),
        optional("pin", Kind::Digits(4)),
        optional("country", Kind::Letters(3)),
        optional("kind", Kind::OneOf(&["A", "B"])),
        optional("lang", Kind::OneOfAnyCase(&["CS"])),
        optional("day", Kind::Date),
        optional("url", Kind::Url { max: 20 }),
        optional("inner", Kind::Object(INNER)),
        optional("rows", Kind::List(&Kind::Object(INNER))),
    ];

    fn errors(value: Value) -> Vec<FieldError> {
        check(value.as_object().unwrap(), OUTER).1
    }

    #[test]
    fn lenient_values_are_normalised() {
        let (normal, errors) = check(
            json!({"amount": "1000", "flag": "true", "pin": 1234, "country": "cze",
                   "lang": "cs", "day": "2100-04-01", "url": "HTTPS://a.b/c",
                   "inner": {"name": 7, "count": 2.0}, "unknown": [1],
                   "rows": [{"name": "x"}, {"name": "y", "count": "3"}]})
            .as_object()
            .unwrap(),
            OUTER,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            Value::Object(normal),
            json!({"amount": 1000, "flag": true, "pin": "1234", "country": "CZE",
                   "lang": "CS", "day": "2100-04-01", "url": "HTTPS://a.b/c",
                   "inner": {"name": "7", "count": 2},
                   "rows": [{"name": "x"}, {"name": "y", "count": 3}]})
        );
    }

    #[test]
    fn every_error_is_named_by_its_path() {
        assert_eq!(named(&errors(json!({}))), [(110, "amount")]);
        assert_eq!(named(&errors(json!({"amount": null}))), [(110, "amount")]);
        let found = errors(json!({
            "amount": 0, "flag": "yes", "pin": "12a4", "country": "CZ", "kind": "a",
            "lang": "xx", "day": "2025-02-30", "url": "ftp://x",
            "inner": {"name": " ", "count": "lots"},
            "rows": [{"name": "long"}, {"count": 0}, 5],
        }));
        let expected: [(u32, &str); 14] = [
            (111, "amount"),
            (111, "flag"),
            (111, "pin"),
            (111, "country"),
            (111, "kind"),
            (111, "lang"),
            (111, "day"),
            (111, "url"),
            (110, "inner.name"),
            (111, "inner.count"),
            (111, "rows.name"),
            (110, "rows.name"),
            (111, "rows.count"),
            (111, "rows"),
        ];
        assert_eq!(named(&found), expected);
        let shapes = errors(
            json!({"amount": 1, "inner": [], "rows": {}, "url": "https://way-too-long.example"}),
        );
        assert_eq!(
            named(&shapes),
            [(111, "url"), (111, "inner"), (111, "rows")]
        );
    }

    #[test]
    fn numbers_are_whole_and_within_long() {
        for (value, expected) in [
            (json!(5), Some(5)),
            (json!("-5"), Some(-5)),
            (json!(" 7 "), Some(7)),
            (json!(1e3), Some(1000)),
            (json!(1.5), None),
            (json!(1e300), None),
            (json!(u64::MAX), None),
            (json!("9223372036854775808"), None),
            (json!(true), None),
        ] {
            assert_eq!(integer(&value), expected, "{value}");
        }
    }
}
