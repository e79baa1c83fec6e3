//! The payment methods the simulated e-shop has enabled, per currency (`PaymentInstrumentRoot`).

use std::collections::BTreeMap;

use gopay::{
    BnplType, Currency, EnabledBnplType, EnabledPaymentInstrument, EnabledSwift, InstrumentGroup,
    InstrumentImage, Label, PaymentInstrument, PaymentInstruments, Swift,
};

fn label(cs: &str, en: &str) -> Label {
    BTreeMap::from([
        ("cs".to_owned(), cs.to_owned()),
        ("en".to_owned(), en.to_owned()),
    ])
}

fn image(origin: &str, name: &str) -> Option<InstrumentImage> {
    let name = name.to_ascii_lowercase();
    let mut image = InstrumentImage::default();
    image.normal = Some(format!("{origin}/images/checkout/{name}.png"));
    image.large = Some(format!("{origin}/images/checkout/{name}@2x.png"));
    Some(image)
}

/// The groups methods belong to, with their labels.
const GROUPS: [(&str, &str, &str); 5] = [
    ("card-payment", "Platební karta", "Payment card"),
    ("bank-transfer", "Rychlý bankovní převod", "Bank transfer"),
    ("wallet", "Elektronické peněženky", "Electronic wallets"),
    ("bnpl", "Kup teď, zaplať později", "Buy now, pay later"),
    ("others", "Ostatní", "Others"),
];

/// Banks enabled for bank transfers, by currency: (SWIFT, name, online).
fn banks(currency: &Currency) -> &'static [(&'static str, &'static str, bool)] {
    match currency {
        Currency::Czk => &[
            ("GIBACZPX", "Česká spořitelna", true),
            ("KOMBCZPP", "Komerční banka", true),
            ("CEKOCZPP", "ČSOB", true),
            ("FIOBCZPP", "Fio banka", true),
            ("OTHERS", "Jiná banka", false),
        ],
        Currency::Eur => &[
            ("TATRSKBX", "Tatra banka", true),
            ("SUBASKBX", "VÚB banka", true),
            ("GIBASKBX", "Slovenská sporiteľňa", true),
            ("OTHERS", "Iná banka", false),
        ],
        Currency::Pln => &[
            ("BREXPLPW", "mBank", true),
            ("PKOPPLPW", "Bank Pekao", true),
            ("OTHERS", "Inny bank", false),
        ],
        _ => &[],
    }
}

/// Methods enabled for `currency`: (method, group).
fn methods(currency: &Currency) -> Vec<(PaymentInstrument, &'static str)> {
    use PaymentInstrument as P;
    let mut methods = vec![(P::PaymentCard, "card-payment")];
    if !banks(currency).is_empty() {
        methods.push((P::BankAccount, "bank-transfer"));
    }
    match currency {
        Currency::Czk => methods.extend([
            (P::Gopay, "wallet"),
            (P::Gpay, "wallet"),
            (P::ApplePay, "wallet"),
            (P::Twisto, "bnpl"),
            (P::Skippay, "bnpl"),
        ]),
        Currency::Eur => methods.extend([
            (P::Gpay, "wallet"),
            (P::ApplePay, "wallet"),
            (P::Paypal, "wallet"),
        ]),
        _ => methods.extend([(P::Gpay, "wallet"), (P::ApplePay, "wallet")]),
    }
    methods
}

fn method_label(instrument: &PaymentInstrument) -> Label {
    use PaymentInstrument as P;
    match instrument {
        P::PaymentCard => label("Platební karta", "Payment card"),
        P::BankAccount => label("Rychlý bankovní převod", "Bank transfer"),
        P::Gopay => label("GoPay účet", "GoPay account"),
        P::Gpay => label("Google Pay", "Google Pay"),
        P::ApplePay => label("Apple Pay", "Apple Pay"),
        P::Paypal => label("PayPal", "PayPal"),
        P::Twisto => label("Twisto", "Twisto"),
        P::Skippay => label("Skip Pay", "Skip Pay"),
        other => label(other.as_str(), other.as_str()),
    }
}

fn bnpl_types(origin: &str, instrument: &PaymentInstrument) -> Option<Vec<EnabledBnplType>> {
    let variant = |bnpl_type, label: Label, image: Option<InstrumentImage>| {
        let mut variant = EnabledBnplType::new(bnpl_type);
        variant.label = label;
        variant.image = image;
        variant
    };
    let deferred = variant(
        BnplType::DeferredPayment,
        label("Zaplaťte za 30 dní", "Pay in 30 days"),
        image(origin, &format!("{}_deferred", instrument.as_str())),
    );
    match instrument {
        PaymentInstrument::Twisto => Some(vec![
            deferred,
            variant(
                BnplType::PayInThree,
                label("Rozložte platbu na třetiny", "Pay in three"),
                image(origin, "twisto_three"),
            ),
        ]),
        PaymentInstrument::Skippay => Some(vec![deferred]),
        _ => None,
    }
}

/// The methods enabled for `currency`, with banks and BNPL variants; image URLs point at
/// the simulator (`origin`), which answers them with 404.
pub(crate) fn instruments(origin: &str, currency: &Currency) -> PaymentInstruments {
    let mut result = PaymentInstruments::default();
    for (instrument, group) in methods(currency) {
        let enabled_swifts = (instrument == PaymentInstrument::BankAccount).then(|| {
            banks(currency)
                .iter()
                .map(|(swift, name, online)| {
                    let mut bank = EnabledSwift::new(Swift::new(*swift));
                    bank.label = label(name, name);
                    bank.image = image(origin, swift);
                    bank.is_online = Some(*online);
                    bank
                })
                .collect()
        });
        add_group(&mut result, group);
        let mut method = EnabledPaymentInstrument::new(instrument.clone());
        method.label = method_label(&instrument);
        method.image = image(origin, instrument.as_str());
        method.group = Some(group.to_owned());
        method.enabled_swifts = enabled_swifts;
        method.enabled_bnpl_types = bnpl_types(origin, &instrument);
        result.enabled_payment_instruments.push(method);
    }
    result
}

/// The methods enabled in any currency (each listed once, banks of every currency merged).
pub(crate) fn all_instruments(origin: &str) -> PaymentInstruments {
    let mut result = PaymentInstruments::default();
    for currency in Currency::KNOWN {
        for method in instruments(origin, currency).enabled_payment_instruments {
            if let Some(group) = &method.group {
                add_group(&mut result, group);
            }
            let existing = result
                .enabled_payment_instruments
                .iter_mut()
                .find(|m| m.payment_instrument == method.payment_instrument);
            match existing {
                None => result.enabled_payment_instruments.push(method),
                Some(existing) => {
                    if let (Some(all), Some(more)) =
                        (existing.enabled_swifts.as_mut(), method.enabled_swifts)
                    {
                        for swift in more {
                            if !all.iter().any(|s| s.swift == swift.swift) {
                                all.push(swift);
                            }
                        }
                    }
                }
            }
        }
    }
    result
}

fn add_group(result: &mut PaymentInstruments, code: &str) {
    if let Some((code, cs, en)) = GROUPS.iter().find(|(c, _, _)| *c == code) {
        let mut group = InstrumentGroup::default();
        group.label = label(cs, en);
        result.groups.insert((*code).to_owned(), group);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn czk_has_cards_banks_wallets_and_bnpl_in_camel_case() {
        let json = serde_json::to_value(instruments("http://o", &Currency::Czk)).unwrap();
        let methods = json["enabledPaymentInstruments"].as_array().unwrap();
        assert_eq!(methods[0]["paymentInstrument"], "PAYMENT_CARD");
        assert_eq!(methods[1]["enabledSwifts"][0]["swift"], "GIBACZPX");
        assert_eq!(methods[1]["enabledSwifts"][0]["isOnline"], true);
        assert!(methods
            .iter()
            .any(|m| m["enabledBnplTypes"][1]["bnplType"] == "PAY_IN_THREE"));
        for method in methods {
            let group = method["group"].as_str().unwrap();
            assert!(json["groups"].get(group).is_some(), "{group}");
        }
    }

    #[test]
    fn all_currencies_merge_without_duplicates() {
        let all = all_instruments("http://o");
        let cards = all
            .enabled_payment_instruments
            .iter()
            .filter(|m| m.payment_instrument == PaymentInstrument::PaymentCard)
            .count();
        assert_eq!(cards, 1);
        let bank = all
            .enabled_payment_instruments
            .iter()
            .find(|m| m.payment_instrument == PaymentInstrument::BankAccount)
            .unwrap();
        let swifts = bank.enabled_swifts.as_ref().unwrap();
        assert!(swifts.iter().any(|s| s.swift.as_str() == "TATRSKBX"));
        assert_eq!(
            swifts
                .iter()
                .filter(|s| s.swift.as_str() == "OTHERS")
                .count(),
            1
        );
    }
}
