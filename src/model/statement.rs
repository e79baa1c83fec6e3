//! `AccountStatementRequest`: body of the account statement download.

use super::lenient;
use super::{Currency, StatementFormat};
use serde::{Deserialize, Serialize};

/// Body of "account statement" (`AccountStatement`); GoPay answers with the file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountStatementRequest {
    /// First day, `yyyy-MM-dd`.
    pub date_from: String,
    /// Last day, `yyyy-MM-dd`.
    pub date_to: String,
    /// GoID of the e-shop.
    #[serde(deserialize_with = "lenient::int")]
    pub goid: u64,
    /// Currency of the account.
    pub currency: Currency,
    /// File format of the statement.
    pub format: StatementFormat,
}

impl AccountStatementRequest {
    /// A statement of `goid`'s `currency` account from `date_from` to `date_to`
    /// (both `yyyy-MM-dd`) in `format`.
    pub fn new(
        date_from: impl Into<String>,
        date_to: impl Into<String>,
        goid: u64,
        currency: Currency,
        format: StatementFormat,
    ) -> AccountStatementRequest {
        AccountStatementRequest {
            date_from: date_from.into(),
            date_to: date_to.into(),
            goid,
            currency,
            format,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_form() {
        let request = AccountStatementRequest::new(
            "2025-01-01",
            "2025-01-31",
            8_123_456_789,
            Currency::Czk,
            StatementFormat::CsvA,
        );
        let json = json!({"date_from": "2025-01-01", "date_to": "2025-01-31",
                          "goid": 8123456789_u64, "currency": "CZK", "format": "CSV_A"});
        assert_eq!(serde_json::to_value(&request).unwrap(), json);
        let mut lenient = json;
        lenient["goid"] = json!("8123456789");
        assert_eq!(
            serde_json::from_value::<AccountStatementRequest>(lenient).unwrap(),
            request
        );
    }
}
