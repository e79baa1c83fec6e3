//! Amounts as the shop shows them: GoPay's minor units (14990) written as a price
//! ("149.90"). Reading a price is the client's [`gopay::minor_units`], which reads the text
//! digit by digit (`149.90 * 100.0` through `f64` is `14989.999…`, a classic bug).

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
                gopay::minor_units(&format_minor_units(amount)).ok(),
                Some(amount)
            );
        }
    }
}
