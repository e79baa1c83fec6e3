//! Payment instruments enabled for an e-shop (`PaymentInstrumentRoot`); camelCase on the wire.

use super::lenient;
use super::{BnplType, PaymentInstrument, Swift};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Texts by locale code, e.g. `{"cs": "Platební karta", "en": "Payment card"}`.
pub type Label = BTreeMap<String, String>;

/// The payment methods enabled for an e-shop in one currency.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PaymentInstruments {
    /// Groups keyed by group code (`card-payment`, `bank-transfer`, `wallet`, `others`, `bnpl`, ...).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub groups: BTreeMap<String, InstrumentGroup>,
    /// The enabled methods (wire key `enabledPaymentInstruments`).
    #[serde(
        rename = "enabledPaymentInstruments",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub enabled_payment_instruments: Vec<EnabledPaymentInstrument>,
}

/// A group of payment methods as shown on the gateway.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InstrumentGroup {
    /// Name of the group by locale.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub label: Label,
}

/// One enabled payment method.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnabledPaymentInstrument {
    /// The method (wire key `paymentInstrument`).
    #[serde(rename = "paymentInstrument")]
    pub payment_instrument: PaymentInstrument,
    /// Name of the method by locale.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub label: Label,
    /// Logo of the method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<InstrumentImage>,
    /// Code of the group the method belongs to (a key of `groups`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Enabled banks, for `BANK_ACCOUNT` only (`null` otherwise; wire key `enabledSwifts`).
    #[serde(
        rename = "enabledSwifts",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enabled_swifts: Option<Vec<EnabledSwift>>,
    /// Enabled buy-now-pay-later variants (wire key `enabledBnplTypes`, may be `null`).
    #[serde(
        rename = "enabledBnplTypes",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enabled_bnpl_types: Option<Vec<EnabledBnplType>>,
}

/// Logo URLs of a method, bank or BNPL variant.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InstrumentImage {
    /// Normal resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<String>,
    /// Double resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large: Option<String>,
}

impl EnabledPaymentInstrument {
    /// The method `payment_instrument` with no label, image or group (for tests and
    /// simulators; the client decodes GoPay's answers).
    pub fn new(payment_instrument: PaymentInstrument) -> EnabledPaymentInstrument {
        EnabledPaymentInstrument {
            payment_instrument,
            label: Label::new(),
            image: None,
            group: None,
            enabled_swifts: None,
            enabled_bnpl_types: None,
        }
    }
}

/// A bank enabled for bank transfers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnabledSwift {
    /// SWIFT code of the bank.
    pub swift: Swift,
    /// Name of the bank by locale.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub label: Label,
    /// Logo of the bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<InstrumentImage>,
    /// Whether the bank confirms the payment online (wire key `isOnline`).
    #[serde(
        rename = "isOnline",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_boolean"
    )]
    pub is_online: Option<bool>,
}

impl EnabledSwift {
    /// The bank `swift` with no label or image (for tests and simulators).
    pub fn new(swift: Swift) -> EnabledSwift {
        EnabledSwift {
            swift,
            label: Label::new(),
            image: None,
            is_online: None,
        }
    }
}

/// A buy-now-pay-later variant enabled for a method.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnabledBnplType {
    /// The variant (wire key `bnplType`).
    #[serde(rename = "bnplType")]
    pub bnpl_type: BnplType,
    /// Name of the variant by locale.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "lenient::null_as_default"
    )]
    pub label: Label,
    /// Logo of the variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<InstrumentImage>,
}

impl EnabledBnplType {
    /// The variant `bnpl_type` with no label or image (for tests and simulators).
    pub fn new(bnpl_type: BnplType) -> EnabledBnplType {
        EnabledBnplType {
            bnpl_type,
            label: Label::new(),
            image: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reference_example_decodes_and_round_trips() {
        let json = json!({
          "groups": {
            "card-payment":  {"label": {"cs": "Platební karta"}},
            "bank-transfer": {"label": {"cs": "Rychlý bankovní převod"}},
            "wallet":        {"label": {"cs": "Elektronické peněženky"}},
            "others":        {"label": {"cs": "Ostatní"}}
          },
          "enabledPaymentInstruments": [
            {"paymentInstrument": "BANK_ACCOUNT",
             "label": {"cs": "Rychlý bankovní převod"},
             "image": {"normal": "https://x/bank_account.png", "large": "https://x/bank_account@2x.png"},
             "group": "bank-transfer",
             "enabledSwifts": [{"swift": "GIBACZPX", "label": {"cs": "Platba 24"},
                                "image": {"normal": "n", "large": "l"}, "isOnline": true}],
             "enabledBnplTypes": null},
            {"paymentInstrument": "TWISTO", "label": {"cs": "Twisto"}, "group": "bnpl",
             "enabledSwifts": null,
             "enabledBnplTypes": [{"bnplType": "PAY_IN_THREE", "label": {"en": "Pay in three"},
                                   "image": {"normal": "n", "large": "l"}},
                                  {"bnplType": "PAY_IN_TEN", "label": {}}]},
            {"paymentInstrument": "HOLOGRAM_PAY", "label": {"cs": "?"}, "group": "future",
             "newKey": 1}
          ]
        });
        let root: PaymentInstruments = serde_json::from_value(json).unwrap();
        assert_eq!(root.groups.len(), 4);
        assert_eq!(root.groups["card-payment"].label["cs"], "Platební karta");
        let bank = &root.enabled_payment_instruments[0];
        assert_eq!(bank.payment_instrument, PaymentInstrument::BankAccount);
        let swifts = bank.enabled_swifts.as_ref().unwrap();
        assert_eq!(swifts[0].swift, Swift::GIBACZPX);
        assert_eq!(swifts[0].is_online, Some(true));
        assert_eq!(bank.enabled_bnpl_types, None);
        let twisto = &root.enabled_payment_instruments[1];
        assert_eq!(twisto.enabled_swifts, None);
        let bnpl = twisto.enabled_bnpl_types.as_ref().unwrap();
        assert_eq!(bnpl[0].bnpl_type, BnplType::PayInThree);
        assert_eq!(bnpl[1].bnpl_type, BnplType::Unknown("PAY_IN_TEN".into()));
        assert_eq!(
            root.enabled_payment_instruments[2].payment_instrument,
            PaymentInstrument::Unknown("HOLOGRAM_PAY".into())
        );

        let back = serde_json::to_value(&root).unwrap();
        assert_eq!(
            back["enabledPaymentInstruments"][0]["paymentInstrument"],
            "BANK_ACCOUNT"
        );
        assert_eq!(
            back["enabledPaymentInstruments"][0]["enabledSwifts"][0]["isOnline"],
            true
        );
        assert_eq!(
            back["enabledPaymentInstruments"][1]["enabledBnplTypes"][0]["bnplType"],
            "PAY_IN_THREE"
        );
        let again: PaymentInstruments = serde_json::from_value(back).unwrap();
        assert_eq!(again, root);
    }

    #[test]
    fn empty_root() {
        let root: PaymentInstruments = serde_json::from_str("{}").unwrap();
        assert_eq!(root, PaymentInstruments::default());
        let root: PaymentInstruments =
            serde_json::from_str(r#"{"groups": null, "enabledPaymentInstruments": null}"#).unwrap();
        assert!(root.enabled_payment_instruments.is_empty());
    }
}
