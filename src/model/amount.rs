//! [`minor_units`]: a decimal price as GoPay's integer amount, without floating point.

use crate::Error;

/// Converts a decimal price such as `"149.90"` to GoPay's integer amount: hundredths of the
/// currency unit, in **every** currency (HUF and JPY-style currencies included: GoPay still
/// counts in hundredths), so `"149.90"` is `14990` and `"1500"` is `150000`.
///
/// The conversion is exact (digits are read as digits, never through `f64`). Accepted: one
/// or more ASCII digits, optionally followed by `.` and one or two digits, optionally
/// preceded by `-` (discount and refunded item rows are negative; GoPay refuses a negative
/// payment amount, which [`PaymentRequest::validate`](crate::PaymentRequest::validate)
/// checks).
///
/// # Errors
///
/// [`Error::InvalidInput`] (field `amount`) for more than two decimals (`"1.005"`: a price
/// that is not a whole number of hundredths), a `+` sign or any sign but a single leading
/// `-`, a decimal comma, spaces, exponents, an empty string or any other character, and a
/// value that does not fit in `i64`.
///
/// ```
/// assert_eq!(gopay::minor_units("149.90")?, 14990);
/// assert_eq!(gopay::minor_units("149.9")?, 14990);
/// assert_eq!(gopay::minor_units("1500")?, 150000);
/// assert_eq!(gopay::minor_units("-25.50")?, -2550);
/// assert!(gopay::minor_units("1.005").is_err());
/// assert!(gopay::minor_units("149,90").is_err());
/// # Ok::<(), gopay::Error>(())
/// ```
pub fn minor_units(price: &str) -> Result<i64, Error> {
    let refuse = |why: &str| {
        // The input is echoed only when short and printable: it may come from a form.
        let shown = if price.len() <= 32 && !price.chars().any(char::is_control) {
            format!("{price:?}")
        } else {
            "the price".to_owned()
        };
        Err(Error::invalid_input(
            "amount",
            format!("{shown} is not a price in hundredths: {why}"),
        ))
    };
    let (negative, unsigned) = match price.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, price),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return refuse("expected digits, optionally one leading '-' and a '.' decimal point");
    }
    let hundredths = match fraction {
        None => 0,
        Some(digits) if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) => {
            return refuse("expected one or two digits after the decimal point");
        }
        Some(digits) if digits.len() > 2 => {
            return refuse("more than two decimals (GoPay amounts are whole hundredths)");
        }
        Some(digits) => {
            let value: i128 = digits.parse().unwrap_or(0);
            if digits.len() == 1 {
                value * 10
            } else {
                value
            }
        }
    };
    // i128 holds any i64 times 100; stop reading once the value cannot fit any more, so a
    // long run of digits is refused instead of overflowing the accumulator.
    let mut units: i128 = 0;
    for digit in whole.bytes() {
        units = units * 10 + i128::from(digit - b'0');
        if units > i128::from(i64::MAX) {
            return refuse("too large");
        }
    }
    let magnitude = units * 100 + hundredths;
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).or_else(|_| refuse("too large"))
}

#[cfg(test)]
mod tests {
    use super::minor_units;
    use proptest::prelude::*;

    #[test]
    fn prices_become_hundredths_exactly() {
        for (price, expected) in [
            ("0", 0),
            ("0.01", 1),
            ("0.1", 10),
            ("149.90", 14990),
            ("149.9", 14990),
            ("149", 14900),
            ("0.29", 29),  // 0.29 * 100.0 is 28.999999999999996 in f64
            ("1.15", 115), // and 1.15 * 100.0 is 114.99999999999999
            ("007.50", 750),
            ("-25.50", -2550),
            ("-0", 0),
            ("92233720368547758.07", i64::MAX),
            ("-92233720368547758.08", i64::MIN),
        ] {
            assert_eq!(minor_units(price).unwrap(), expected, "{price}");
        }
    }

    #[test]
    fn anything_but_a_plain_price_is_refused() {
        for price in [
            "",
            "-",
            ".",
            ".5",
            "5.",
            "-.5",
            "1.005",
            "1.000",
            "+1",
            "--1",
            "-+1",
            "1-",
            "1.-5",
            "1.+5",
            "149,90",
            "1 000",
            " 1",
            "1 ",
            "1e3",
            "0x10",
            "1.2.3",
            "１２",
            "NaN",
            "inf",
            "92233720368547758.08",
            "-92233720368547758.09",
            "99999999999999999999999999999999999999999999",
            "\u{1}1",
        ] {
            let err = minor_units(price).unwrap_err();
            assert!(
                matches!(
                    err,
                    crate::Error::InvalidInput {
                        field: "amount",
                        ..
                    }
                ),
                "{price:?}: {err:?}"
            );
            assert!(!err.to_string().contains('\u{1}'), "{err}");
        }
    }

    proptest! {
        #[test]
        fn formatted_amounts_round_trip(amount in any::<i64>(), short in any::<bool>()) {
            let sign = if amount < 0 { "-" } else { "" };
            let magnitude = amount.unsigned_abs();
            let (whole, cents) = (magnitude / 100, magnitude % 100);
            let price = if short && cents % 10 == 0 {
                format!("{sign}{whole}.{}", cents / 10)
            } else {
                format!("{sign}{whole}.{cents:02}")
            };
            prop_assert_eq!(minor_units(&price).unwrap(), amount);
            if cents == 0 {
                prop_assert_eq!(minor_units(&format!("{sign}{whole}")).unwrap(), amount);
            }
        }

        #[test]
        fn never_panics_and_agrees_with_exact_arithmetic(price in "[-+0-9.,e ]{0,24}") {
            if let Ok(amount) = minor_units(&price) {
                // Whatever is accepted is digits with at most two decimals, read exactly.
                let digits: String = price.chars().filter(char::is_ascii_digit).collect();
                let decimals = price.split_once('.').map_or(0, |(_, f)| f.len());
                let scaled = format!("{digits}{}", "0".repeat(2 - decimals));
                let magnitude: i128 = scaled.parse().unwrap();
                let expected = if price.starts_with('-') { -magnitude } else { magnitude };
                prop_assert_eq!(i128::from(amount), expected);
            }
        }
    }
}
