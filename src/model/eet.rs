//! EET (Czech electronic sales registration, abolished on 1 January 2023): `Eet`, `EetCode`,
//! `EetReceipt`, `EetReceiptFilter`. All deprecated; kept so that old payments still decode.
// The items of this file use each other.
#![allow(deprecated)]

use super::lenient;
use super::{Currency, EetMode, EetReceiptState};
use serde::{Deserialize, Serialize};

/// EET data of a payment, refund or capture (`eet`). Amounts in hundredths of a koruna.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
#[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
pub struct Eet {
    /// Total amount of the sale.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub celk_trzba: Option<i64>,
    /// Amount exempt from VAT.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub zakl_nepodl_dph: Option<i64>,
    /// Tax base at the standard VAT rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub zakl_dan1: Option<i64>,
    /// VAT at the standard rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub dan1: Option<i64>,
    /// Tax base at the first reduced VAT rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub zakl_dan2: Option<i64>,
    /// VAT at the first reduced rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub dan2: Option<i64>,
    /// Tax base at the second reduced VAT rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub zakl_dan3: Option<i64>,
    /// VAT at the second reduced rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub dan3: Option<i64>,
    /// Amount of travel services.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub cest_sluz: Option<i64>,
    /// Used goods at the standard VAT rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub pouzit_zboz1: Option<i64>,
    /// Used goods at the first reduced VAT rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub pouzit_zboz2: Option<i64>,
    /// Used goods at the second reduced VAT rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub pouzit_zboz3: Option<i64>,
    /// Amount meant for later drawing or settlement.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub urceno_cerp_zuct: Option<i64>,
    /// Amount drawn or settled.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub cerp_zuct: Option<i64>,
    /// Tax id (DIČ) of the principal taxpayer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dic_poverujiciho: Option<String>,
    /// Currency of the amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mena: Option<Currency>,
}

option_setters!(Eet {
    /// Sets the total amount of the sale (hundredths).
    celk_trzba: i64,
    /// Sets the amount exempt from VAT (hundredths).
    zakl_nepodl_dph: i64,
    /// Sets the tax base at the standard VAT rate (hundredths).
    zakl_dan1: i64,
    /// Sets the VAT at the standard rate (hundredths).
    dan1: i64,
    /// Sets the tax base at the first reduced VAT rate (hundredths).
    zakl_dan2: i64,
    /// Sets the VAT at the first reduced rate (hundredths).
    dan2: i64,
    /// Sets the tax base at the second reduced VAT rate (hundredths).
    zakl_dan3: i64,
    /// Sets the VAT at the second reduced rate (hundredths).
    dan3: i64,
    /// Sets the amount of travel services (hundredths).
    cest_sluz: i64,
    /// Sets the used goods at the standard VAT rate (hundredths).
    pouzit_zboz1: i64,
    /// Sets the used goods at the first reduced VAT rate (hundredths).
    pouzit_zboz2: i64,
    /// Sets the used goods at the second reduced VAT rate (hundredths).
    pouzit_zboz3: i64,
    /// Sets the amount meant for later drawing or settlement (hundredths).
    urceno_cerp_zuct: i64,
    /// Sets the amount drawn or settled (hundredths).
    cerp_zuct: i64,
    /// Sets the tax id (DIČ) of the principal taxpayer.
    dic_poverujiciho: String,
    /// Sets the currency of the amounts.
    mena: Currency,
});

impl Eet {
    /// Empty EET data (`{}`): set the amounts with the setters.
    pub fn new() -> Eet {
        Eet::default()
    }
}

/// EET codes of a registered sale (`eet_code` of a payment).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
#[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
pub struct EetCode {
    /// FIK: fiscal identification code from the tax authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fik: Option<String>,
    /// BKP: security code of the taxpayer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bkp: Option<String>,
    /// PKP: signature code of the taxpayer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkp: Option<String>,
}

/// One EET receipt. Amounts in hundredths of a koruna; timestamps as GoPay sends them
/// (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`, e.g. `2017-03-03T15:21:00.450+0100`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
#[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
pub struct EetReceipt {
    /// Id of the payment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub payment_id: Option<u64>,
    /// Delivery state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EetReceiptState>,
    /// Time of the last delivery attempt.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub date_last_attempt: Option<String>,
    /// Time of the next delivery attempt.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub date_next_attempt: Option<String>,
    /// Time the receipt was sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub date_odesl: Option<String>,
    /// Time of the sale.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub dat_trzby: Option<String>,
    /// Registration mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eet_mode: Option<EetMode>,
    /// UUID of the message sent to the tax authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid_zprava: Option<String>,
    /// Tax id (DIČ) of the taxpayer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dic_popl: Option<String>,
    /// Id of the establishment (provozovna).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub id_provoz: Option<u32>,
    /// Id of the cash register.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub id_pokl: Option<String>,
    /// Serial number of the receipt (e.g. `3048468774-4000000573` for refunds).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub porad_cis: Option<String>,
    /// Error code from the tax authority.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub kod_chyby: Option<i64>,
    /// GoPay's error code.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_int"
    )]
    pub error_code: Option<i64>,
    /// Warning codes from the tax authority.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string"
    )]
    pub kody_varovani: Option<String>,
    /// FIK: fiscal identification code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fik: Option<String>,
    /// BKP: security code of the taxpayer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bkp: Option<String>,
    /// PKP: signature code of the taxpayer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkp: Option<String>,
    /// The sale's amounts, currency and principal taxpayer, as in [`Eet`].
    #[serde(flatten)]
    pub amounts: Eet,
}

/// Body of "find EET receipts" (`EETReceiptFilter`); at most 30 days apart.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
#[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
pub struct EetReceiptFilter {
    /// First day, `yyyy-MM-dd`.
    pub date_from: String,
    /// Last day, `yyyy-MM-dd`.
    pub date_to: String,
    /// Id of the establishment (provozovna).
    #[serde(deserialize_with = "lenient::int")]
    pub id_provozovny: u32,
}

impl EetReceiptFilter {
    /// Receipts of establishment `id_provozovny` from `date_from` to `date_to` (`yyyy-MM-dd`).
    pub fn new(
        date_from: impl Into<String>,
        date_to: impl Into<String>,
        id_provozovny: u32,
    ) -> EetReceiptFilter {
        EetReceiptFilter {
            date_from: date_from.into(),
            date_to: date_to.into(),
            id_provozovny,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn eet_object_round_trips() {
        let json = json!({"celk_trzba": -119990, "zakl_dan1": -99165, "dan1": -20825,
                          "zakl_dan2": 0, "mena": "CZK", "dic_poverujiciho": "CZ1234"});
        let eet: Eet = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(eet.celk_trzba, Some(-119990));
        assert_eq!(serde_json::to_value(&eet).unwrap(), json);
        assert_eq!(serde_json::to_string(&Eet::default()).unwrap(), "{}");
        let lenient: Eet = serde_json::from_value(json!({"celk_trzba": "139950"})).unwrap();
        assert_eq!(lenient.celk_trzba, Some(139950));
    }

    #[test]
    fn receipt_decodes() {
        let receipt: EetReceipt = serde_json::from_value(json!({
            "payment_id": 3048468774_u64, "state": "DELIVERED",
            "date_last_attempt": "2017-03-03T15:21:00.450+0100",
            "date_next_attempt": null, "date_odesl": "2017-03-03T15:21:00.450+0100",
            "dat_trzby": "2017-03-03T15:20:58.000+0100", "eet_mode": "EET",
            "uuid_zprava": "6f2c0d3a", "dic_popl": "CZ1212121218", "id_provoz": "11",
            "id_pokl": 1, "porad_cis": 3048468774_u64, "kod_chyby": -1, "error_code": "0",
            "kody_varovani": null, "fik": "f", "bkp": "b", "pkp": "p",
            "celk_trzba": 139950, "zakl_dan1": 115661, "dan1": 24289, "unexpected": 1
        }))
        .unwrap();
        assert_eq!(receipt.payment_id, Some(3_048_468_774));
        assert_eq!(receipt.state, Some(EetReceiptState::Delivered));
        assert_eq!(receipt.eet_mode, Some(EetMode::Eet));
        assert_eq!(receipt.id_provoz, Some(11));
        assert_eq!(receipt.id_pokl.as_deref(), Some("1"));
        assert_eq!(receipt.porad_cis.as_deref(), Some("3048468774"));
        assert_eq!(receipt.kod_chyby, Some(-1));
        assert_eq!(receipt.error_code, Some(0));
        assert_eq!(receipt.date_next_attempt, None);
    }

    #[test]
    fn filter_wire_form() {
        let filter = EetReceiptFilter::new("2017-03-02", "2017-04-02", 11);
        let json = json!({"date_from": "2017-03-02", "date_to": "2017-04-02", "id_provozovny": 11});
        assert_eq!(serde_json::to_value(&filter).unwrap(), json);
        let parsed: EetReceiptFilter = serde_json::from_value(
            json!({"date_from": "2017-03-02", "date_to": "2017-04-02", "id_provozovny": "11"}),
        )
        .unwrap();
        assert_eq!(parsed, filter);
    }
}
