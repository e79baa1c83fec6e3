//! The `--format table` view of each kind of answer.

use gopay::{Card, Payment, PaymentInstruments, PaymentResult, QrPayment, Refund};

use crate::output::{columns, key_values, money};

/// Text of an optional displayable value.
fn text<T: std::fmt::Display>(value: Option<&T>) -> Option<String> {
    value.map(ToString::to_string)
}

/// A payment: id, state, amount, order, method, parent and gateway URL.
pub fn payment(payment: &Payment) -> String {
    key_values(&[
        ("id", Some(payment.id.to_string())),
        ("state", text(payment.state.as_ref())),
        ("sub_state", text(payment.sub_state.as_ref())),
        (
            "amount",
            payment
                .amount
                .map(|amount| money(amount, payment.currency.as_ref())),
        ),
        ("order_number", payment.order_number.clone()),
        ("instrument", text(payment.payment_instrument.as_ref())),
        ("parent_id", text(payment.parent_id.as_ref())),
        (
            "card_id",
            text(payment.payer.as_ref().and_then(|p| p.card_id).as_ref()),
        ),
        ("gw_url", payment.gw_url.clone()),
    ])
}

/// The result of a refund, capture or void.
pub fn result(result: &PaymentResult) -> String {
    key_values(&[
        ("id", Some(result.id.to_string())),
        ("result", Some(result.result.to_string())),
        ("description", result.description.clone()),
    ])
}

/// One row per refund.
pub fn refunds(refunds: &[Refund]) -> String {
    columns(
        &["ID", "STATE", "AMOUNT", "REQUESTED", "CHANGED"],
        refunds
            .iter()
            .map(|refund| {
                vec![
                    refund.id.to_string(),
                    refund.state.to_string(),
                    money(refund.amount, refund.currency.as_ref()),
                    refund.date_requested.clone().unwrap_or_default(),
                    refund.date_last_change.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    )
}

/// A saved card.
pub fn card(card: &Card) -> String {
    key_values(&[
        ("card_id", Some(card.card_id.to_string())),
        ("status", text(card.status.as_ref())),
        ("number", card.card_number.clone()),
        ("expiration", card.card_expiration.clone()),
        ("brand", card.card_brand.clone()),
        ("issuer_bank", card.card_issuer_bank.clone()),
        ("issuer_country", card.card_issuer_country.clone()),
    ])
}

/// One row per enabled method: its group and banks.
pub fn instruments(instruments: &PaymentInstruments) -> String {
    columns(
        &["INSTRUMENT", "GROUP", "BANKS"],
        instruments
            .enabled_payment_instruments
            .iter()
            .map(|instrument| {
                let banks = instrument
                    .enabled_swifts
                    .iter()
                    .flatten()
                    .map(|bank| bank.swift.to_string())
                    .collect::<Vec<_>>()
                    .join(" ");
                vec![
                    instrument.payment_instrument.to_string(),
                    instrument.group.clone().unwrap_or_default(),
                    banks,
                ]
            })
            .collect(),
    )
}

/// What to pay by bank transfer, and which QR codes there are.
pub fn qr(qr: &QrPayment) -> String {
    let recipient = qr.recipient.as_ref();
    let account = recipient.and_then(|r| r.bank_account.as_ref());
    let local = account.and_then(|a| a.local.as_ref());
    let international = account.and_then(|a| a.international.as_ref());
    let domestic = local.and_then(|local| {
        let number = local.account_number.as_deref()?;
        let bank = local.bank_code.as_deref().unwrap_or_default();
        Some(match local.prefix.as_deref().filter(|p| !p.is_empty()) {
            Some(prefix) => format!("{prefix}-{number}/{bank}"),
            None => format!("{number}/{bank}"),
        })
    });
    let codes = qr.qr_code.as_ref().map(|codes| {
        [
            ("spayd", &codes.spayd),
            ("paybysquare", &codes.paybysquare),
            ("sepa", &codes.sepa),
            ("mnb-qr", &codes.mnb_qr),
        ]
        .iter()
        .filter(|(_, image)| image.is_some())
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(" ")
    });
    key_values(&[
        (
            "amount",
            qr.amount.map(|amount| money(amount, qr.currency.as_ref())),
        ),
        ("recipient", recipient.and_then(|r| r.name.clone())),
        ("account", domestic),
        (
            "variable_symbol",
            local.and_then(|l| l.variable_symbol.clone()),
        ),
        ("iban", international.and_then(|i| i.iban.clone())),
        ("bic", international.and_then(|i| i.bic.clone())),
        ("reference", international.and_then(|i| i.reference.clone())),
        ("qr_codes", codes.filter(|codes| !codes.is_empty())),
    ])
}
