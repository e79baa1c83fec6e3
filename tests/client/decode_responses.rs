//! Decoding of realistic GoPay responses (fixtures in `tests/fixtures/`, written from the
//! field tables of the API reference) into the crate's models, field by field, and
//! re-serialisation that keeps unknown enum values unchanged.

use gopay::{
    ApiErrorDetail, BnplType, Card, CardStatus, Currency, Language, Payment, PaymentInstrument,
    PaymentInstruments, PaymentResult, PaymentState, PreAuthState, QrPayment, RecurrenceCycle,
    RecurrenceState, Refund, RefundState, ResultCode, SubState, Swift, TargetType, ThreeDsResult,
};
#[cfg(feature = "eet")]
#[allow(deprecated)] // EET receipts (abolished in 2023) must still decode
use gopay::{EetMode, EetReceipt, EetReceiptState};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const PAYMENT_CREATED: &str = include_str!("fixtures/payment_created.json");
const PAYMENT_PAID_CARD: &str = include_str!("fixtures/payment_paid_card.json");
const PAYMENT_PAID_BANK: &str = include_str!("fixtures/payment_paid_bank.json");
const PAYMENT_PREAUTHORIZED: &str = include_str!("fixtures/payment_preauthorized.json");
const PAYMENT_RECURRENCE_CHILD: &str = include_str!("fixtures/payment_recurrence_child.json");
const PAYMENT_UNKNOWN_VALUES: &str = include_str!("fixtures/payment_unknown_values.json");
const PAYMENT_RESULT_FINISHED: &str = include_str!("fixtures/payment_result_finished.json");
const PAYMENT_RESULT_FAILED: &str = include_str!("fixtures/payment_result_failed.json");
const REFUND_HISTORY: &str = include_str!("fixtures/refund_history.json");
const CARD_DETAILS: &str = include_str!("fixtures/card_details.json");
const CARD_DELETED: &str = include_str!("fixtures/card_deleted.json");
const PAYMENT_INSTRUMENTS_CZK: &str = include_str!("fixtures/payment_instruments_czk.json");
const QR_PAYMENT: &str = include_str!("fixtures/qr_payment.json");
#[cfg(feature = "eet")]
const EET_RECEIPTS: &str = include_str!("fixtures/eet_receipts.json");
const ERROR_ENVELOPE: &str = include_str!("fixtures/error_envelope.json");
const ERROR_ENVELOPE_EPOCH: &str = include_str!("fixtures/error_envelope_epoch.json");
const ERROR_BARE: &str = include_str!("fixtures/error_bare.json");

/// Decodes a fixture, naming the serde error (with line and column) when it fails.
fn decode<T: DeserializeOwned>(fixture: &str) -> T {
    serde_json::from_str(fixture).unwrap_or_else(|e| {
        panic!(
            "fixture does not decode into {}: {e}",
            std::any::type_name::<T>()
        )
    })
}

/// The fixture as a plain JSON tree.
fn raw(fixture: &str) -> Value {
    serde_json::from_str(fixture).expect("fixture is valid JSON")
}

/// What the model serialises to.
fn wire<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("model serialises")
}

/// The `errors[]` of an error envelope; `date_issued` is ignored.
#[derive(Deserialize)]
struct ErrorEnvelope {
    errors: Vec<ApiErrorDetail>,
}

// ---------------------------------------------------------------------------
// Payment
// ---------------------------------------------------------------------------

#[test]
fn created_payment_decodes_state_amount_target_and_gateway_url() {
    let payment: Payment = decode(PAYMENT_CREATED);
    assert_eq!(payment.id, 3_000_006_542);
    assert_eq!(payment.parent_id, None);
    assert_eq!(payment.order_number.as_deref(), Some("OBJ-2025-0142"));
    assert_eq!(payment.state, Some(PaymentState::Created));
    assert_eq!(payment.sub_state, None);
    assert_eq!(payment.amount, Some(139_950));
    assert_eq!(payment.currency, Some(Currency::Czk));
    assert_eq!(payment.payment_instrument, None);
    assert_eq!(payment.lang, Some(Language::Cs));
    assert_eq!(
        payment.gw_url.as_deref(),
        Some("https://gw.sandbox.gopay.com/gw/v3/3f8c1e5a7b2d4960a1e8c7f3b9d2e6a4")
    );
    let target = payment.target.as_ref().expect("target");
    assert_eq!(target.target_type, TargetType::Account);
    assert_eq!(target.goid, Some(8_123_456_789));
    assert_eq!(target.email, None);
    assert!(payment.recurrence.is_none());
    assert!(payment.preauthorization.is_none());
}

#[test]
fn created_payment_echoes_payer_offer_and_czech_contact() {
    let payment: Payment = decode(PAYMENT_CREATED);
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(
        payer.allowed_payment_instruments,
        [
            PaymentInstrument::PaymentCard,
            PaymentInstrument::BankAccount,
            PaymentInstrument::Gpay,
            PaymentInstrument::ApplePay,
        ]
    );
    assert_eq!(
        payer.default_payment_instrument,
        Some(PaymentInstrument::PaymentCard)
    );
    assert_eq!(
        payer.allowed_swifts,
        [Swift::GIBACZPX, Swift::KOMBCZPP, Swift::FIOBCZPP]
    );
    assert_eq!(payer.default_swift, Some(Swift::FIOBCZPP));
    assert!(payer.payment_card.is_none());
    assert!(payer.bank_account.is_none());
    let contact = payer.contact.as_ref().expect("contact");
    assert_eq!(contact.first_name.as_deref(), Some("Jiří"));
    assert_eq!(contact.last_name.as_deref(), Some("Dvořák"));
    assert_eq!(contact.email.as_deref(), Some("jiri.dvorak@example.cz"));
    assert_eq!(contact.phone_number.as_deref(), Some("+420602123456"));
    assert_eq!(contact.city.as_deref(), Some("České Budějovice"));
    assert_eq!(contact.street.as_deref(), Some("Žižkova 12"));
    assert_eq!(contact.postal_code.as_deref(), Some("37001"));
    assert_eq!(contact.country_code.as_deref(), Some("CZE"));
    assert_eq!(payment.additional_params.len(), 2);
    assert_eq!(payment.additional_params[0].name, "invoicenumber");
    assert_eq!(payment.additional_params[0].value, "2025000142");
    assert_eq!(payment.additional_params[1].name, "poznámka");
    assert_eq!(payment.additional_params[1].value, "doručit před 12:00");
}

#[test]
fn card_payment_decodes_payment_card_with_3ds_result_and_card_token() {
    let payment: Payment = decode(PAYMENT_PAID_CARD);
    assert_eq!(payment.id, 3_000_006_543);
    assert_eq!(payment.state, Some(PaymentState::Paid));
    assert_eq!(payment.amount, Some(59_900));
    assert_eq!(
        payment.payment_instrument,
        Some(PaymentInstrument::PaymentCard)
    );
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(
        payer.payment_instrument,
        Some(PaymentInstrument::PaymentCard)
    );
    assert_eq!(payer.request_card_token, Some(true));
    assert_eq!(payer.card_id, Some(3_011_475_940));
    assert_eq!(payer.masked_pan.as_deref(), Some("444444******4448"));
    let card = payer.payment_card.as_ref().expect("payment_card");
    assert_eq!(card.card_number.as_deref(), Some("444444******4448"));
    assert_eq!(card.card_expiration.as_deref(), Some("2712"));
    assert_eq!(card.card_brand.as_deref(), Some("VISA"));
    assert_eq!(card.card_issuer_country.as_deref(), Some("CZE"));
    assert_eq!(
        card.card_issuer_bank.as_deref(),
        Some("ČESKÁ SPOŘITELNA, A.S.")
    );
    assert_eq!(
        card.card_token.as_deref(),
        Some("Xq7Vb2kR9mT4wZ1nLp8sYc3dHf6gJa0e")
    );
    assert_eq!(card.three_ds_result, Some(ThreeDsResult::Authenticated));
    assert_eq!(card.card_fingerprint.as_deref(), Some("9f2c4a7e1b3d5f60"));
    let contact = payer.contact.as_ref().expect("contact");
    assert_eq!(contact.last_name.as_deref(), Some("Křížová"));
}

#[test]
fn card_payment_re_serialises_3ds_result_under_its_wire_key() {
    let back = wire(&decode::<Payment>(PAYMENT_PAID_CARD));
    assert_eq!(back["payer"]["payment_card"]["3ds_result"], json!("Y/Y"));
    assert!(back["payer"]["payment_card"]
        .get("three_ds_result")
        .is_none());
}

#[test]
fn reference_bank_payment_decodes_sub_state_and_bank_account() {
    let payment: Payment = decode(PAYMENT_PAID_BANK);
    assert_eq!(payment.id, 3_000_006_529);
    assert_eq!(payment.order_number.as_deref(), Some("001"));
    assert_eq!(payment.state, Some(PaymentState::Paid));
    assert_eq!(payment.sub_state, Some(SubState::S3002));
    assert_eq!(payment.amount, Some(1000));
    assert_eq!(payment.currency, Some(Currency::Czk));
    assert_eq!(
        payment.payment_instrument,
        Some(PaymentInstrument::BankAccount)
    );
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(
        payer.allowed_payment_instruments,
        [PaymentInstrument::BankAccount]
    );
    assert_eq!(payer.default_swift, Some(Swift::FIOBCZPP));
    let account = payer.bank_account.as_ref().expect("bank_account");
    assert_eq!(account.prefix.as_deref(), Some("670100"));
    assert_eq!(account.account_number.as_deref(), Some("7654322"));
    assert_eq!(account.bank_code.as_deref(), Some("0100"));
    assert_eq!(account.account_name.as_deref(), Some("JAN NOVAK"));
    assert_eq!(account.iban, None);
    assert_eq!(
        payer.contact.as_ref().and_then(|c| c.email.as_deref()),
        Some("test@example.com")
    );
    assert_eq!(
        payment.target.as_ref().and_then(|t| t.goid),
        Some(8_123_456_789)
    );
    assert_eq!(payment.additional_params[0].value, "2015001003");
}

#[test]
fn reference_bank_payment_lower_case_lang_decodes_and_encodes_upper_case() {
    let payment: Payment = decode(PAYMENT_PAID_BANK);
    assert_eq!(payment.lang, Some(Language::Cs));
    assert_eq!(wire(&payment)["lang"], json!("CS"));
}

#[test]
fn preauthorized_payment_decodes_preauthorization_object() {
    let payment: Payment = decode(PAYMENT_PREAUTHORIZED);
    assert_eq!(payment.id, 3_000_006_551);
    assert_eq!(payment.state, Some(PaymentState::Authorized));
    assert_eq!(payment.amount, Some(250_000));
    assert_eq!(payment.currency, Some(Currency::Eur));
    assert_eq!(payment.lang, Some(Language::Sk));
    let preauth = payment.preauthorization.as_ref().expect("preauthorization");
    assert_eq!(preauth.requested, Some(true));
    assert_eq!(preauth.state, Some(PreAuthState::Authorized));
    let payer = payment.payer.as_ref().expect("payer");
    let card = payer.payment_card.as_ref().expect("payment_card");
    assert_eq!(card.card_number.as_deref(), Some("520000******1096"));
    assert_eq!(card.card_brand.as_deref(), Some("MASTERCARD"));
    assert_eq!(card.card_issuer_country.as_deref(), Some("SVK"));
    assert_eq!(card.three_ds_result, Some(ThreeDsResult::Attempted));
    assert_eq!(card.card_token, None);
    let contact = payer.contact.as_ref().expect("contact");
    assert_eq!(contact.first_name.as_deref(), Some("Ľubomír"));
    assert_eq!(contact.last_name.as_deref(), Some("Šťastný"));
}

#[test]
fn recurrence_child_payment_decodes_parent_id_and_recurrence_state() {
    let payment: Payment = decode(PAYMENT_RECURRENCE_CHILD);
    assert_eq!(payment.id, 3_000_006_588);
    assert_eq!(payment.parent_id, Some(3_000_006_560));
    assert_eq!(payment.state, Some(PaymentState::Paid));
    assert_eq!(payment.amount, Some(19_900));
    let recurrence = payment.recurrence.as_ref().expect("recurrence");
    assert_eq!(recurrence.recurrence_cycle, Some(RecurrenceCycle::Month));
    assert_eq!(recurrence.recurrence_period, Some(1));
    assert_eq!(recurrence.recurrence_date_to.as_deref(), Some("2026-12-31"));
    assert_eq!(recurrence.recurrence_state, Some(RecurrenceState::Started));
    let card = payment
        .payer
        .as_ref()
        .and_then(|p| p.payment_card.as_ref())
        .expect("payment_card");
    assert_eq!(card.three_ds_result, Some(ThreeDsResult::NotSupported));
    assert_eq!(payment.additional_params[0].value, "březen 2025");
}

#[test]
fn fully_known_payments_re_serialise_to_the_fixture_json() {
    for (name, fixture) in [
        ("payment_created", PAYMENT_CREATED),
        ("payment_paid_card", PAYMENT_PAID_CARD),
        ("payment_preauthorized", PAYMENT_PREAUTHORIZED),
        ("payment_recurrence_child", PAYMENT_RECURRENCE_CHILD),
    ] {
        let payment: Payment = decode(fixture);
        assert_eq!(wire(&payment), raw(fixture), "{name}");
    }
    // The reference example differs only in the case of `lang`.
    let mut expected = raw(PAYMENT_PAID_BANK);
    expected["lang"] = json!("CS");
    assert_eq!(wire(&decode::<Payment>(PAYMENT_PAID_BANK)), expected);
}

// ---------------------------------------------------------------------------
// Payment with values this crate does not know
// ---------------------------------------------------------------------------

#[test]
fn unknown_payment_values_land_in_unknown_variants_verbatim() {
    let payment: Payment = decode(PAYMENT_UNKNOWN_VALUES);
    assert_eq!(
        payment.state,
        Some(PaymentState::Unknown("AWAITING_CONFIRMATION".into()))
    );
    assert_eq!(payment.sub_state, Some(SubState::Unknown("_5051".into())));
    assert_eq!(payment.currency, Some(Currency::Unknown("HRK".into())));
    assert_eq!(
        payment.payment_instrument,
        Some(PaymentInstrument::Unknown("REVOLUT_PAY".into()))
    );
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(
        payer.allowed_payment_instruments,
        [
            PaymentInstrument::PaymentCard,
            PaymentInstrument::Unknown("REVOLUT_PAY".into()),
        ]
    );
    assert_eq!(
        payer.default_payment_instrument,
        Some(PaymentInstrument::Unknown("REVOLUT_PAY".into()))
    );
    assert_eq!(
        payer.allowed_bnpl_types,
        [
            BnplType::DeferredPayment,
            BnplType::Unknown("PAY_IN_FOUR".into())
        ]
    );
    let card = payer.payment_card.as_ref().expect("payment_card");
    assert_eq!(
        card.three_ds_result,
        Some(ThreeDsResult::Unknown("Y/N".into()))
    );
    let recurrence = payment.recurrence.as_ref().expect("recurrence");
    assert_eq!(
        recurrence.recurrence_cycle,
        Some(RecurrenceCycle::Unknown("QUARTER".into()))
    );
    assert_eq!(
        recurrence.recurrence_state,
        Some(RecurrenceState::Unknown("PAUSED".into()))
    );
    let preauth = payment.preauthorization.as_ref().expect("preauthorization");
    assert_eq!(
        preauth.state,
        Some(PreAuthState::Unknown("PARTIALLY_CAPTURED".into()))
    );
}

#[test]
fn unknown_payment_values_re_serialise_unchanged() {
    let original = raw(PAYMENT_UNKNOWN_VALUES);
    let back = wire(&decode::<Payment>(PAYMENT_UNKNOWN_VALUES));
    for pointer in [
        "/state",
        "/sub_state",
        "/currency",
        "/payment_instrument",
        "/payer/allowed_payment_instruments/1",
        "/payer/default_payment_instrument",
        "/payer/allowed_bnpl_types/1",
        "/payer/payment_instrument",
        "/payer/payment_card/3ds_result",
        "/recurrence/recurrence_cycle",
        "/recurrence/recurrence_state",
        "/preauthorization/state",
    ] {
        let sent = original.pointer(pointer).expect(pointer);
        assert!(sent.is_string(), "{pointer}");
        assert_eq!(back.pointer(pointer), Some(sent), "{pointer}");
    }
    // And each value on its own serialises to the same JSON string.
    let payment: Payment = decode(PAYMENT_UNKNOWN_VALUES);
    assert_eq!(
        serde_json::to_string(&payment.state).unwrap(),
        r#""AWAITING_CONFIRMATION""#
    );
    assert_eq!(
        serde_json::to_string(&payment.sub_state).unwrap(),
        r#""_5051""#
    );
    assert_eq!(
        serde_json::to_string(&payment.currency).unwrap(),
        r#""HRK""#
    );
    assert_eq!(
        serde_json::to_string(&payment.payment_instrument).unwrap(),
        r#""REVOLUT_PAY""#
    );
}

#[test]
fn unknown_payment_values_decode_again_to_the_same_model() {
    let payment: Payment = decode(PAYMENT_UNKNOWN_VALUES);
    let again: Payment = serde_json::from_value(wire(&payment)).unwrap();
    assert_eq!(again, payment);
}

#[test]
fn numbers_and_booleans_sent_as_strings_decode_and_re_serialise_as_json_numbers() {
    let payment: Payment = decode(PAYMENT_UNKNOWN_VALUES);
    assert_eq!(payment.id, 3_000_006_600);
    assert_eq!(payment.parent_id, Some(3_000_006_599));
    assert_eq!(payment.amount, Some(1000));
    assert_eq!(
        payment.target.as_ref().and_then(|t| t.goid),
        Some(8_123_456_789)
    );
    assert_eq!(
        payment
            .recurrence
            .as_ref()
            .and_then(|r| r.recurrence_period),
        Some(7)
    );
    assert_eq!(
        payment.preauthorization.as_ref().and_then(|p| p.requested),
        Some(true)
    );
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(payer.card_id, Some(3_011_475_941));
    // Numbers where GoPay's tables say string are kept as their digits.
    let card = payer.payment_card.as_ref().expect("payment_card");
    assert_eq!(card.card_expiration.as_deref(), Some("2712"));
    let contact = payer.contact.as_ref().expect("contact");
    assert_eq!(contact.phone_number.as_deref(), Some("420777000000"));
    assert_eq!(contact.postal_code.as_deref(), Some("11000"));
    assert_eq!(payment.additional_params[0].value, "2031000001");

    let back = wire(&payment);
    assert_eq!(back["id"], json!(3_000_006_600_u64));
    assert_eq!(back["parent_id"], json!(3_000_006_599_u64));
    assert_eq!(back["amount"], json!(1000));
    assert_eq!(back["target"]["goid"], json!(8_123_456_789_u64));
    assert_eq!(back["recurrence"]["recurrence_period"], json!(7));
    assert_eq!(back["preauthorization"]["requested"], json!(true));
    assert_eq!(back["payer"]["card_id"], json!(3_011_475_941_u64));
}

#[test]
fn lower_case_slovak_lang_decodes_as_known_language() {
    let payment: Payment = decode(PAYMENT_UNKNOWN_VALUES);
    assert_eq!(payment.lang, Some(Language::Sk));
    assert_eq!(wire(&payment)["lang"], json!("SK"));
}

#[test]
fn extra_top_level_and_nested_fields_are_ignored() {
    let back = wire(&decode::<Payment>(PAYMENT_UNKNOWN_VALUES));
    for pointer in [
        "/risk_score",
        "/fraud_check",
        "/payer/loyalty",
        "/payer/contact/date_of_birth",
        "/payer/payment_card/card_wallet",
        "/target/branch",
    ] {
        assert_eq!(back.pointer(pointer), None, "{pointer}");
    }
    assert_eq!(back["target"]["type"], json!("ACCOUNT"));
    assert_eq!(
        back["gw_url"],
        json!("https://gw.sandbox.gopay.com/gw/v3/0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    );
}

// ---------------------------------------------------------------------------
// PaymentResult
// ---------------------------------------------------------------------------

#[test]
fn finished_payment_result_decodes_without_description() {
    let result: PaymentResult = decode(PAYMENT_RESULT_FINISHED);
    assert_eq!(result.id, 3_000_006_529);
    assert_eq!(result.result, ResultCode::Finished);
    assert_eq!(result.description, None);
    assert_eq!(wire(&result), raw(PAYMENT_RESULT_FINISHED));
}

#[test]
fn failed_payment_result_keeps_czech_description() {
    let result: PaymentResult = decode(PAYMENT_RESULT_FAILED);
    assert_eq!(result.id, 3_000_006_543);
    assert_eq!(result.result, ResultCode::Failed);
    assert_eq!(
        result.description.as_deref(),
        Some("Platbu nelze vrátit: částka převyšuje zaplacenou částku.")
    );
    assert_eq!(wire(&result), raw(PAYMENT_RESULT_FAILED));
}

// ---------------------------------------------------------------------------
// Refund history
// ---------------------------------------------------------------------------

#[test]
fn refund_history_decodes_every_item_with_its_state() {
    let history: Vec<Refund> = decode(REFUND_HISTORY);
    assert_eq!(history.len(), 4);

    assert_eq!(history[0].id, 3_000_115_093);
    assert_eq!(history[0].state, RefundState::Success);
    assert_eq!(history[0].amount, 20_000);
    assert_eq!(history[0].currency, Some(Currency::Czk));
    assert_eq!(
        history[0].date_requested.as_deref(),
        Some("2025-03-04T09:15:22.481+0100")
    );
    assert_eq!(
        history[0].date_last_change.as_deref(),
        Some("2025-03-04T09:15:24.112+0100")
    );

    assert_eq!(history[1].id, 3_000_115_107);
    assert_eq!(history[1].state, RefundState::Failed);
    assert_eq!(history[1].amount, 150_000);

    assert_eq!(history[2].id, 3_000_115_120);
    assert_eq!(history[2].state, RefundState::Requested);
    assert_eq!(history[2].amount, 5_000);
    assert_eq!(history[2].date_last_change, None);

    assert_eq!(history[3].id, 3_000_115_134);
    assert_eq!(
        history[3].state,
        RefundState::Unknown("PENDING_BANK_CONFIRMATION".into())
    );
    assert_eq!(history[3].amount, 3_500);
}

#[test]
fn refund_history_unknown_state_re_serialises_unchanged() {
    let history: Vec<Refund> = decode(REFUND_HISTORY);
    let back = wire(&history);
    assert_eq!(back[3]["state"], json!("PENDING_BANK_CONFIRMATION"));
    assert_eq!(
        serde_json::to_string(&history[3].state).unwrap(),
        r#""PENDING_BANK_CONFIRMATION""#
    );
    // A null date is dropped, everything else comes back as sent.
    let mut expected = raw(REFUND_HISTORY);
    expected[2]
        .as_object_mut()
        .unwrap()
        .remove("date_last_change");
    assert_eq!(back, expected);
}

// ---------------------------------------------------------------------------
// Saved cards
// ---------------------------------------------------------------------------

#[test]
fn card_details_decode_every_field() {
    let card: Card = decode(CARD_DETAILS);
    assert_eq!(card.card_id, 3_011_475_940);
    assert_eq!(card.card_number.as_deref(), Some("444444******4448"));
    assert_eq!(card.card_expiration.as_deref(), Some("2712"));
    assert_eq!(card.card_brand.as_deref(), Some("VISA"));
    assert_eq!(card.card_issuer_country.as_deref(), Some("CZE"));
    assert_eq!(
        card.card_issuer_bank.as_deref(),
        Some("ČESKÁ SPOŘITELNA, A.S.")
    );
    assert_eq!(card.card_fingerprint.as_deref(), Some("9f2c4a7e1b3d5f60"));
    assert_eq!(
        card.card_token.as_deref(),
        Some("Xq7Vb2kR9mT4wZ1nLp8sYc3dHf6gJa0e")
    );
    assert_eq!(card.status, Some(CardStatus::Active));
    assert_eq!(card.real_masked_pan.as_deref(), Some("444444******4448"));
    assert_eq!(
        card.card_art_url.as_deref(),
        Some("https://gate.gopay.cz/images/card-art/visa-classic.png")
    );
    assert_eq!(wire(&card), raw(CARD_DETAILS));
}

#[test]
fn deleted_card_decodes_status_deleted_and_null_token() {
    let card: Card = decode(CARD_DELETED);
    assert_eq!(card.card_id, 3_011_475_877);
    assert_eq!(card.status, Some(CardStatus::Deleted));
    assert_eq!(card.card_token, None);
    assert_eq!(card.card_number.as_deref(), Some("520000******1096"));
    assert_eq!(
        card.card_issuer_bank.as_deref(),
        Some("KOMERČNÍ BANKA, A.S.")
    );
    let back = wire(&card);
    assert_eq!(back["status"], json!("DELETED"));
    assert!(back.get("card_token").is_none());
}

// ---------------------------------------------------------------------------
// Payment instruments (camelCase keys)
// ---------------------------------------------------------------------------

#[test]
fn instrument_groups_decode_with_localised_labels() {
    let root: PaymentInstruments = decode(PAYMENT_INSTRUMENTS_CZK);
    let codes: Vec<&str> = root.groups.keys().map(String::as_str).collect();
    assert_eq!(
        codes,
        ["bank-transfer", "bnpl", "card-payment", "others", "wallet"]
    );
    assert_eq!(root.groups["card-payment"].label["cs"], "Platební karta");
    assert_eq!(root.groups["card-payment"].label["en"], "Payment card");
    assert_eq!(
        root.groups["bank-transfer"].label["cs"],
        "Rychlý bankovní převod"
    );
    assert_eq!(root.groups["wallet"].label["cs"], "Elektronické peněženky");
    assert_eq!(root.groups["bnpl"].label["cs"], "Kup teď, zaplať později");
    assert_eq!(root.groups["others"].label["cs"], "Ostatní");
}

#[test]
fn enabled_instruments_decode_camel_case_instrument_and_group() {
    let root: PaymentInstruments = decode(PAYMENT_INSTRUMENTS_CZK);
    let listed: Vec<(PaymentInstrument, Option<&str>)> = root
        .enabled_payment_instruments
        .iter()
        .map(|i| (i.payment_instrument.clone(), i.group.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            (PaymentInstrument::PaymentCard, Some("card-payment")),
            (PaymentInstrument::BankAccount, Some("bank-transfer")),
            (PaymentInstrument::Gopay, Some("wallet")),
            (PaymentInstrument::Twisto, Some("bnpl")),
            (PaymentInstrument::Skippay, Some("bnpl")),
            (
                PaymentInstrument::Unknown("CRYPTO_WALLET".into()),
                Some("others")
            ),
        ]
    );
    let card = &root.enabled_payment_instruments[0];
    assert_eq!(card.label["cs"], "Platební karta");
    let image = card.image.as_ref().expect("image");
    assert_eq!(
        image.normal.as_deref(),
        Some("https://gate.gopay.cz/images/checkout/payment_card.png")
    );
    assert_eq!(
        image.large.as_deref(),
        Some("https://gate.gopay.cz/images/checkout/payment_card@2x.png")
    );
}

#[test]
fn bank_transfer_lists_enabled_swifts_with_is_online() {
    let root: PaymentInstruments = decode(PAYMENT_INSTRUMENTS_CZK);
    let bank = &root.enabled_payment_instruments[1];
    assert_eq!(bank.payment_instrument, PaymentInstrument::BankAccount);
    assert_eq!(bank.enabled_bnpl_types, None);
    let swifts = bank.enabled_swifts.as_ref().expect("enabledSwifts");
    let banks: Vec<(&Swift, &str, Option<bool>)> = swifts
        .iter()
        .map(|s| (&s.swift, s.label["cs"].as_str(), s.is_online))
        .collect();
    assert_eq!(
        banks,
        [
            (&Swift::GIBACZPX, "Česká spořitelna", Some(true)),
            (&Swift::KOMBCZPP, "Komerční banka", Some(true)),
            (&Swift::CEKOCZPP, "ČSOB", Some(true)),
            (&Swift::OTHERS, "Jiná banka", Some(false)),
        ]
    );
    assert_eq!(
        swifts[0].image.as_ref().and_then(|i| i.large.as_deref()),
        Some("https://gate.gopay.cz/images/checkout/GIBACZPX@2x.png")
    );
}

#[test]
fn bnpl_instruments_list_enabled_bnpl_types() {
    let root: PaymentInstruments = decode(PAYMENT_INSTRUMENTS_CZK);
    let twisto = &root.enabled_payment_instruments[3];
    assert_eq!(twisto.payment_instrument, PaymentInstrument::Twisto);
    assert_eq!(twisto.enabled_swifts, None);
    let types = twisto
        .enabled_bnpl_types
        .as_ref()
        .expect("enabledBnplTypes");
    assert_eq!(types.len(), 2);
    assert_eq!(types[0].bnpl_type, BnplType::DeferredPayment);
    assert_eq!(types[0].label["cs"], "Zaplaťte za 30 dní");
    assert_eq!(types[1].bnpl_type, BnplType::PayInThree);
    assert_eq!(types[1].label["cs"], "Rozložte platbu na třetiny");
    assert_eq!(
        types[1].image.as_ref().and_then(|i| i.normal.as_deref()),
        Some("https://gate.gopay.cz/images/checkout/twisto_three.png")
    );
    let skippay = &root.enabled_payment_instruments[4];
    let types = skippay
        .enabled_bnpl_types
        .as_ref()
        .expect("enabledBnplTypes");
    assert_eq!(types.len(), 1);
    assert_eq!(types[0].bnpl_type, BnplType::DeferredPayment);
}

#[test]
fn null_enabled_swifts_and_bnpl_types_decode_as_none() {
    let root: PaymentInstruments = decode(PAYMENT_INSTRUMENTS_CZK);
    for instrument in &root.enabled_payment_instruments {
        if instrument.payment_instrument != PaymentInstrument::BankAccount {
            assert_eq!(
                instrument.enabled_swifts, None,
                "{}",
                instrument.payment_instrument
            );
        }
    }
    assert_eq!(root.enabled_payment_instruments[0].enabled_bnpl_types, None);
    assert_eq!(root.enabled_payment_instruments[5].enabled_bnpl_types, None);
}

#[test]
fn instrument_list_re_serialises_camel_case_and_keeps_unknown_instrument() {
    let root: PaymentInstruments = decode(PAYMENT_INSTRUMENTS_CZK);
    let unknown = &root.enabled_payment_instruments[5];
    assert_eq!(
        unknown.payment_instrument,
        PaymentInstrument::Unknown("CRYPTO_WALLET".into())
    );
    assert_eq!(unknown.label["cs"], "Kryptoměnová peněženka");
    assert_eq!(
        serde_json::to_string(&unknown.payment_instrument).unwrap(),
        r#""CRYPTO_WALLET""#
    );
    let back = wire(&root);
    let list = &back["enabledPaymentInstruments"];
    assert_eq!(list[5]["paymentInstrument"], json!("CRYPTO_WALLET"));
    assert_eq!(list[1]["enabledSwifts"][3]["isOnline"], json!(false));
    assert_eq!(
        list[3]["enabledBnplTypes"][1]["bnplType"],
        json!("PAY_IN_THREE")
    );
    // `null` lists are omitted; otherwise the answer comes back exactly as sent.
    let mut expected = raw(PAYMENT_INSTRUMENTS_CZK);
    for item in expected["enabledPaymentInstruments"]
        .as_array_mut()
        .unwrap()
    {
        item.as_object_mut()
            .unwrap()
            .retain(|_, value| !value.is_null());
    }
    assert_eq!(back, expected);
}

// ---------------------------------------------------------------------------
// QR payment
// ---------------------------------------------------------------------------

#[test]
fn qr_payment_decodes_recipient_accounts_address_and_codes() {
    let qr: QrPayment = decode(QR_PAYMENT);
    assert_eq!(qr.amount, Some(139_950));
    assert_eq!(qr.currency, Some(Currency::Czk));
    let recipient = qr.recipient.as_ref().expect("recipient");
    assert_eq!(
        recipient.name.as_deref(),
        Some("Zahradnictví Šťastná s.r.o.")
    );
    let account = recipient.bank_account.as_ref().expect("bank_account");
    let local = account.local.as_ref().expect("local");
    assert_eq!(local.prefix.as_deref(), Some(""));
    assert_eq!(local.account_number.as_deref(), Some("2345678901"));
    assert_eq!(local.bank_code.as_deref(), Some("2010"));
    assert_eq!(local.variable_symbol.as_deref(), Some("3000006542"));
    let international = account.international.as_ref().expect("international");
    assert_eq!(international.bic.as_deref(), Some("FIOBCZPPXXX"));
    assert_eq!(
        international.iban.as_deref(),
        Some("CZ3520100000002345678901")
    );
    assert_eq!(international.reference.as_deref(), Some("3000006542"));
    let address = recipient.address.as_ref().expect("address");
    assert_eq!(address.street.as_deref(), Some("Květná 1234/5"));
    assert_eq!(address.city.as_deref(), Some("Plzeň"));
    assert_eq!(address.zip_code.as_deref(), Some("30100"));
    assert_eq!(address.country.as_deref(), Some("CZE"));
    let codes = qr.qr_code.as_ref().expect("qr_code");
    assert!(codes
        .spayd
        .as_deref()
        .is_some_and(|png| png.starts_with("iVBORw0KGgo")));
    assert!(codes.sepa.is_some());
    assert_eq!(codes.paybysquare, None);
    assert_eq!(codes.mnb_qr, None);
    assert_eq!(wire(&qr), raw(QR_PAYMENT));
}

// ---------------------------------------------------------------------------
// EET receipts (obsolete)
// ---------------------------------------------------------------------------

#[cfg(feature = "eet")]
#[test]
#[allow(deprecated)]
fn delivered_eet_receipt_decodes_codes_and_amounts() {
    let receipts: Vec<EetReceipt> = decode(EET_RECEIPTS);
    assert_eq!(receipts.len(), 2);
    let sale = &receipts[0];
    assert_eq!(sale.payment_id, Some(3_048_468_774));
    assert_eq!(sale.state, Some(EetReceiptState::Delivered));
    assert_eq!(
        sale.date_last_attempt.as_deref(),
        Some("2017-03-03T15:21:00.450+0100")
    );
    assert_eq!(sale.date_next_attempt, None);
    assert_eq!(
        sale.date_odesl.as_deref(),
        Some("2017-03-03T15:21:00.450+0100")
    );
    assert_eq!(
        sale.dat_trzby.as_deref(),
        Some("2017-03-03T15:20:58.000+0100")
    );
    assert_eq!(sale.eet_mode, Some(EetMode::Eet));
    assert_eq!(
        sale.uuid_zprava.as_deref(),
        Some("8f3b2a1c-7d4e-4f60-9a8b-1c2d3e4f5a6b")
    );
    assert_eq!(sale.dic_popl.as_deref(), Some("CZ1212121218"));
    assert_eq!(sale.id_provoz, Some(11));
    assert_eq!(sale.id_pokl.as_deref(), Some("EET-POKLADNA-1"));
    assert_eq!(sale.porad_cis.as_deref(), Some("3048468774"));
    assert_eq!(sale.kod_chyby, None);
    assert_eq!(sale.error_code, None);
    assert_eq!(sale.kody_varovani, None);
    assert_eq!(
        sale.fik.as_deref(),
        Some("b3a09b52-7c87-4014-a496-4c7a53cf9120-ff")
    );
    assert_eq!(
        sale.bkp.as_deref(),
        Some("0E1C4F3A-5B2D8E71-9C6A0F4B-3D2E1A8C-7B5F9E02")
    );
    assert_eq!(
        sale.pkp.as_deref(),
        Some("W1Fq8cH4n2Lb0mZr5tYv7xKs3dGj6pQa")
    );
    assert_eq!(sale.amounts.celk_trzba, Some(139_950));
    assert_eq!(sale.amounts.zakl_nepodl_dph, Some(0));
    assert_eq!(sale.amounts.zakl_dan1, Some(115_661));
    assert_eq!(sale.amounts.dan1, Some(24_289));
    assert_eq!(sale.amounts.zakl_dan2, Some(0));
    assert_eq!(sale.amounts.dan3, Some(0));
    assert_eq!(sale.amounts.cest_sluz, None);
    // Non-amount EET fields are kept too, and survive a round trip.
    assert_eq!(sale.amounts.mena, Some(Currency::Czk));
    let again = serde_json::to_value(sale).unwrap();
    assert_eq!(again["mena"], "CZK");
}

#[test]
fn recurrence_without_its_cycle_still_decodes() {
    let payment: Payment = serde_json::from_str(
        r#"{"id":3000006700,"parent_id":3000006529,"recurrence":{"recurrence_state":"STARTED"}}"#,
    )
    .unwrap();
    let recurrence = payment.recurrence.unwrap();
    assert_eq!(recurrence.recurrence_cycle, None);
    assert_eq!(
        recurrence.recurrence_state,
        Some(gopay::RecurrenceState::Started)
    );
}

#[cfg(feature = "eet")]
#[test]
#[allow(deprecated)]
fn failed_refund_eet_receipt_decodes_error_fields_and_negative_amounts() {
    let receipts: Vec<EetReceipt> = decode(EET_RECEIPTS);
    let refund = &receipts[1];
    assert_eq!(refund.state, Some(EetReceiptState::DeliveryFailed));
    assert_eq!(refund.eet_mode, Some(EetMode::Auto));
    assert_eq!(
        refund.date_next_attempt.as_deref(),
        Some("2017-03-04T10:32:13.027+0100")
    );
    assert_eq!(refund.date_odesl, None);
    assert_eq!(refund.porad_cis.as_deref(), Some("3048468774-4000000573"));
    assert_eq!(refund.kod_chyby, Some(-1));
    assert_eq!(refund.error_code, Some(0));
    assert_eq!(refund.kody_varovani.as_deref(), Some("5"));
    assert_eq!(refund.fik, None);
    assert_eq!(refund.amounts.celk_trzba, Some(-139_950));
    assert_eq!(refund.amounts.zakl_dan1, Some(-115_661));
    assert_eq!(refund.amounts.dan1, Some(-24_289));
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[test]
fn error_envelope_with_string_date_decodes_field_errors() {
    assert!(raw(ERROR_ENVELOPE)["date_issued"].is_string());
    let envelope: ErrorEnvelope = decode(ERROR_ENVELOPE);
    let errors = envelope.errors;
    assert_eq!(errors.len(), 2);

    assert_eq!(errors[0].scope.as_deref(), Some("F"));
    assert_eq!(errors[0].field.as_deref(), Some("email"));
    assert_eq!(errors[0].error_code, 112);
    assert_eq!(errors[0].error_name.as_deref(), Some("NOT_UNIQUE"));
    assert_eq!(
        errors[0].message.as_deref(),
        Some("E-mail already existed.")
    );
    assert_eq!(errors[0].description, None);

    assert_eq!(errors[1].scope.as_deref(), Some("F"));
    assert_eq!(errors[1].field.as_deref(), Some("mobile_phone"));
    assert_eq!(errors[1].error_code, 111);
    assert_eq!(errors[1].error_name, None);
    assert_eq!(
        errors[1].message.as_deref(),
        Some("Chybně zadaný formát telefonního čísla.")
    );
    assert_eq!(
        errors[1].description.as_deref(),
        Some("mobile_phone must start with the country prefix, e.g. +420")
    );
}

#[test]
fn error_envelope_with_epoch_millis_date_decodes_global_error() {
    assert_eq!(
        raw(ERROR_ENVELOPE_EPOCH)["date_issued"],
        json!(1_390_336_022_001_u64)
    );
    let envelope: ErrorEnvelope = decode(ERROR_ENVELOPE_EPOCH);
    let errors = envelope.errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].scope.as_deref(), Some("G"));
    assert_eq!(errors[0].field, None);
    assert_eq!(errors[0].error_code, 342);
    assert_eq!(
        errors[0].error_name.as_deref(),
        Some("PAYMENT_RECURRENCE_STOPPED")
    );
    assert_eq!(
        errors[0].message.as_deref(),
        Some("Opakování platby bylo zastaveno.")
    );
}

#[test]
fn bare_global_error_object_decodes_as_one_detail() {
    let detail: ApiErrorDetail = decode(ERROR_BARE);
    assert_eq!(detail.scope.as_deref(), Some("G"));
    assert_eq!(detail.field, None);
    assert_eq!(detail.error_code, 500);
    assert_eq!(detail.error_name, None);
    assert_eq!(detail.message.as_deref(), Some("Chyba systému."));
    assert_eq!(detail.description, None);
}
