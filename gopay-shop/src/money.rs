//! Prices as the shop writes them ("149.90") and as GoPay wants them (14990).
//!
//! GoPay's amounts are whole numbers of hundredths of the currency (minor units) in every
//! currency, HUF included: 1 000 HUF is `100000`. Converting through `f64` is a classic bug
//! (`149.90 * 100.0` is `14989.999…`, which `as i64` truncates to `14989`), so the text is
//! read digit by digit instead.

/// `price`, a decimal number with at most two decimal places ("149.90", "149.9", "149"),
/// in minor units (14990). `None` for anything else: a sign, a comma, a third decimal, a
/// missing digit on either side of the point, white space, or a value too large for `i64`.
///
/// ```
/// use gopay_shop::price_to_minor_units;
///
/// assert_eq!(price_to_minor_units("149.90"), Some(14990));
/// assert_eq!(price_to_minor_units("0.05"), Some(5));
/// assert_eq!(price_to_minor_units("149.999"), None);
/// ```
pub fn price_to_minor_units(price: &str) -> Option<i64> {
    let (whole, fraction) = price.split_once('.').unwrap_or((price, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (price.contains('.') && !digits(fraction)) || fraction.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    // "9" after the point is 90 hundredths, "09" is 9.
    let hundredths = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse::<i64>().ok()?,
    };
    whole.checked_mul(100)?.checked_add(hundredths)
}

/// `amount` minor units written as a price with two decimal places: 14990 → "149.90".
pub fn format_minor_units(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let amount = amount.unsigned_abs();
    format!("{sign}{}.{:02}", amount / 100, amount % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_prices_become_minor_units() {
        for (price, minor) in [
            ("149.90", 14990),
            ("149.9", 14990),
            ("149", 14900),
            ("0.05", 5),
            ("0.5", 50),
            ("0", 0),
            ("007.10", 710),
            ("1000", 100000),
            ("92233720368547758.07", i64::MAX),
        ] {
            assert_eq!(price_to_minor_units(price), Some(minor), "{price}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for price in [
            "",
            ".",
            ".5",
            "5.",
            "1.234",
            "1,50",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.2.3",
            "1e3",
            "١٢",
            "NaN",
            "92233720368547758.08",
            "99999999999999999999",
        ] {
            assert_eq!(price_to_minor_units(price), None, "{price:?}");
        }
    }

    #[test]
    fn minor_units_are_written_with_two_decimals() {
        assert_eq!(format_minor_units(15000), "150.00");
        assert_eq!(format_minor_units(14990), "149.90");
        assert_eq!(format_minor_units(5), "0.05");
        assert_eq!(format_minor_units(-3000), "-30.00");
        assert_eq!(format_minor_units(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn formatting_and_parsing_agree() {
        for amount in [0, 1, 9, 10, 99, 100, 14990, 15000, 123456789] {
            assert_eq!(
                price_to_minor_units(&format_minor_units(amount)),
                Some(amount)
            );
        }
    }
}
