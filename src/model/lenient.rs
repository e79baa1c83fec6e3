//! Lenient serde helpers: GoPay numbers, booleans and strings that may arrive in another JSON type.
//!
//! GoPay's own examples send `"amount":"1000"`, `"goid":"8123456789"` and
//! `"preauthorization":"true"`, and its responses carry real numbers; these
//! helpers accept both. Use them with `#[serde(deserialize_with = "...")]`;
//! the `opt_*` forms need `#[serde(default)]` too, and treat `null` and `""`
//! as absent. Serialisation is untouched (proper JSON numbers and booleans).

use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Integer types the lenient helpers can produce.
pub(crate) trait LenientInt: Sized + TryFrom<i128> {
    /// What the helper expects, for error messages.
    const EXPECTED: &'static str;
}

impl LenientInt for u64 {
    const EXPECTED: &'static str = "an unsigned 64-bit integer (JSON number or string)";
}

impl LenientInt for i64 {
    const EXPECTED: &'static str = "a signed 64-bit integer (JSON number or string)";
}

impl LenientInt for u32 {
    const EXPECTED: &'static str = "an unsigned 32-bit integer (JSON number or string)";
}

/// An integer from a JSON number or a string holding one.
pub(crate) fn int<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: LenientInt,
{
    let visitor = IntVisitor {
        empty_is_none: false,
        marker: PhantomData,
    };
    deserializer
        .deserialize_any(visitor)?
        .ok_or_else(|| de::Error::invalid_value(Unexpected::Str(""), &T::EXPECTED))
}

/// Like [`int`], for an optional field: `null` and `""` give `None`.
pub(crate) fn opt_int<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: LenientInt,
{
    deserializer.deserialize_option(OptionVisitor(IntVisitor {
        empty_is_none: true,
        marker: PhantomData,
    }))
}

/// A boolean from a JSON boolean, `0`/`1`, or the strings `"true"`/`"false"`/`"1"`/`"0"`.
// Every bool of the current models is optional; kept for required ones.
pub(crate) fn boolean<'de, D>(deserializer: D) -> Result<bool, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer
        .deserialize_any(BoolVisitor {
            empty_is_none: false,
        })?
        .ok_or_else(|| de::Error::invalid_value(Unexpected::Str(""), &BoolVisitor::EXPECTED))
}

/// Like [`boolean`], for an optional field: `null` and `""` give `None`.
pub(crate) fn opt_boolean<'de, D>(deserializer: D) -> Result<Option<bool>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_option(OptionVisitor(BoolVisitor {
        empty_is_none: true,
    }))
}

/// A string from a JSON string or an integer (GoPay sometimes sends e.g. `ean` as a number).
pub(crate) fn string<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(StringVisitor)
}

/// Like [`string`], for an optional field: `null` gives `None` (an empty string stays `""`).
pub(crate) fn opt_string<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_option(OptionVisitor(StringVisitor))
}

/// A list or map where `null` means empty (use with `#[serde(default)]`).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A visitor whose `Value` is `Option<_>`, so that "" can mean "absent".
trait MaybeEmpty<'de>: Visitor<'de> + Sized {
    type Inner;
    fn into_option(value: Self::Value) -> Option<Self::Inner>;
}

/// Wraps an inner visitor: `null` → `None`, anything else goes to the inner one.
struct OptionVisitor<V>(V);

impl<'de, V: MaybeEmpty<'de>> Visitor<'de> for OptionVisitor<V> {
    type Value = Option<V::Inner>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(", or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self.0).map(V::into_option)
    }
}

struct IntVisitor<T> {
    empty_is_none: bool,
    marker: PhantomData<T>,
}

impl<T: LenientInt> IntVisitor<T> {
    fn convert<E: de::Error>(&self, value: i128, unexpected: Unexpected<'_>) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(unexpected, self))
    }
}

impl<T: LenientInt> Visitor<'_> for IntVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
        self.convert(i128::from(v), Unexpected::Unsigned(v))
            .map(Some)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
        self.convert(i128::from(v), Unexpected::Signed(v)).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<T>, E> {
        // Accept `1000.0`, refuse `10.5`: amounts are whole minor units.
        if v.is_finite() && v.fract() == 0.0 {
            // Saturating cast; out-of-range values are then refused by `convert`.
            self.convert(v as i128, Unexpected::Float(v)).map(Some)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        if v.is_empty() && self.empty_is_none {
            return Ok(None);
        }
        let parsed: i128 = v
            .parse()
            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))?;
        self.convert(parsed, Unexpected::Str(v)).map(Some)
    }
}

impl<'de, T: LenientInt> MaybeEmpty<'de> for IntVisitor<T> {
    type Inner = T;
    fn into_option(value: Option<T>) -> Option<T> {
        value
    }
}

struct BoolVisitor {
    empty_is_none: bool,
}

impl BoolVisitor {
    const EXPECTED: &'static str = "a boolean (true/false, 1/0, or a string holding one)";
}

impl Visitor<'_> for BoolVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(BoolVisitor::EXPECTED)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<bool>, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<bool>, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<bool>, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<bool>, E> {
        if v.is_empty() && self.empty_is_none {
            Ok(None)
        } else if v.eq_ignore_ascii_case("true") || v == "1" {
            Ok(Some(true))
        } else if v.eq_ignore_ascii_case("false") || v == "0" {
            Ok(Some(false))
        } else {
            Err(E::invalid_value(Unexpected::Str(v), &self))
        }
    }
}

impl MaybeEmpty<'_> for BoolVisitor {
    type Inner = bool;
    fn into_option(value: Option<bool>) -> Option<bool> {
        value
    }
}

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl MaybeEmpty<'_> for StringVisitor {
    type Inner = String;
    fn into_option(value: String) -> Option<String> {
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "super::int")]
        id: u64,
        #[serde(deserialize_with = "super::int")]
        amount: i64,
        #[serde(deserialize_with = "super::int")]
        period: u32,
        #[serde(deserialize_with = "super::boolean")]
        flag: bool,
        #[serde(default, deserialize_with = "super::opt_int")]
        parent: Option<u64>,
        #[serde(default, deserialize_with = "super::opt_int")]
        vat: Option<u32>,
        #[serde(default, deserialize_with = "super::opt_boolean")]
        maybe: Option<bool>,
        #[serde(default, deserialize_with = "super::opt_string")]
        ean: Option<String>,
        #[serde(default, deserialize_with = "super::null_as_default")]
        list: Vec<u8>,
    }

    fn parse(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn numbers_and_strings_holding_numbers() {
        let from_numbers =
            parse(r#"{"id": 8123456789, "amount": -1000, "period": 7, "flag": true}"#).unwrap();
        let from_strings = parse(
            r#"{"id": "8123456789", "amount": "-1000", "period": "7", "flag": "true",
                "parent": null, "vat": "", "maybe": null, "ean": null, "list": null}"#,
        )
        .unwrap();
        assert_eq!(from_numbers, from_strings);
        assert_eq!(from_numbers.id, 8_123_456_789);
        assert_eq!(from_numbers.amount, -1000);
        assert_eq!(from_numbers.period, 7);
        assert!(from_numbers.flag);
        assert_eq!(from_numbers.parent, None);
        assert!(from_numbers.list.is_empty());
    }

    #[test]
    fn optional_forms() {
        let s = parse(
            r#"{"id": "1", "amount": "1000", "period": 1, "flag": "FALSE",
                "parent": "3000006529", "vat": 21, "maybe": "1", "ean": 8594000000001,
                "list": [1, 2]}"#,
        )
        .unwrap();
        assert_eq!(s.amount, 1000);
        assert!(!s.flag);
        assert_eq!(s.parent, Some(3_000_006_529));
        assert_eq!(s.vat, Some(21));
        assert_eq!(s.maybe, Some(true));
        assert_eq!(s.ean.as_deref(), Some("8594000000001"));
        assert_eq!(s.list, vec![1, 2]);
    }

    #[test]
    fn whole_floats_are_accepted_fractions_are_not() {
        let s = parse(r#"{"id": 5.0, "amount": "1", "period": 1, "flag": 0}"#).unwrap();
        assert_eq!(s.id, 5);
        assert!(!s.flag);
        assert!(parse(r#"{"id": 5.5, "amount": 1, "period": 1, "flag": true}"#).is_err());
    }

    #[test]
    fn garbage_gives_clear_errors() {
        let cases = [
            (
                r#"{"id": "abc", "amount": 1, "period": 1, "flag": true}"#,
                "abc",
            ),
            (
                r#"{"id": -1, "amount": 1, "period": 1, "flag": true}"#,
                "unsigned 64-bit",
            ),
            (
                r#"{"id": 1, "amount": "99999999999999999999", "period": 1, "flag": true}"#,
                "signed 64-bit",
            ),
            (
                r#"{"id": 1, "amount": 1, "period": 4294967296, "flag": true}"#,
                "32-bit",
            ),
            (
                r#"{"id": 1, "amount": 1, "period": 1, "flag": "yes"}"#,
                "boolean",
            ),
            (
                r#"{"id": 1, "amount": 1, "period": 1, "flag": 2}"#,
                "boolean",
            ),
            (
                r#"{"id": "", "amount": 1, "period": 1, "flag": true}"#,
                "integer",
            ),
            (
                r#"{"id": 1, "amount": 1, "period": 1, "flag": true, "vat": "x"}"#,
                "32-bit",
            ),
            (
                r#"{"id": 1, "amount": 1, "period": 1, "flag": true, "ean": [1]}"#,
                "string or an integer",
            ),
            (
                r#"{"id": [], "amount": 1, "period": 1, "flag": true}"#,
                "integer",
            ),
        ];
        for (json, needle) in cases {
            let err = parse(json).unwrap_err().to_string();
            assert!(err.contains(needle), "{json}: {err}");
        }
    }
}
