//! Documents GoPay produces from its records: account statements, QR payment details and
//! (obsolete) EET receipts.

use std::time::SystemTime;

use crate::gateway::picture;
use crate::state::clock::{self, Date};
use crate::state::store::{Record, Store};
// EET was abolished in 2023; the simulator still answers its endpoints like GoPay does.
use crate::gateway::wire::{EetFilter, Statement};
use gopay::{
    Currency, QrAddress, QrBankAccount, QrCodes, QrFormat, QrInternationalAccount, QrLocalAccount,
    QrPayment, QrRecipient,
};
#[allow(deprecated)]
use gopay::{EetMode, EetReceipt, EetReceiptState};

/// The e-shop's name in QR payments.
const MERCHANT: &str = "Simulovaný e-shop s.r.o.";
/// The establishment (provozovna) of every EET receipt.
pub(crate) const EET_ESTABLISHMENT: u32 = 11;

/// One statement row: day, payment id, order number, kind, signed amount, method.
struct Row {
    day: Date,
    id: u64,
    order_number: String,
    kind: &'static str,
    amount: i64,
    instrument: String,
}

/// The content type of every statement file, whatever its format: GoPay's documentation of
/// `POST /accounts/account-statement` gives the response as `application/octet-stream`
/// (GOPAY_API §4.12), and clients that keep the raw body only for that type lose the file
/// otherwise.
pub(crate) const STATEMENT_CONTENT_TYPE: &str = "application/octet-stream";

/// The account statement: a row per payment paid and per refund made from `from` to `to`
/// (inclusive, UTC days) in the request's currency, comma-separated for CSV and ABO formats
/// and tab-separated for XLS formats. Always [`STATEMENT_CONTENT_TYPE`].
pub(crate) fn statement(store: &Store, request: &Statement) -> Vec<u8> {
    let (from, to) = (request.from, request.to);
    let mut rows = Vec::new();
    for record in store
        .payments()
        .filter(|r| r.currency.as_str() == request.currency)
    {
        let order_number = record.payment.order_number.clone().unwrap_or_default();
        let instrument = record
            .payment
            .payment_instrument
            .as_ref()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default();
        if let Some(paid) = record.paid {
            rows.push(Row {
                day: Date::of(paid),
                id: record.payment.id,
                order_number: order_number.clone(),
                kind: "PAYMENT",
                amount: record.amount,
                instrument: instrument.clone(),
            });
        }
        for refund in &record.refunds {
            let day = refund
                .date_requested
                .as_deref()
                .and_then(|d| d.get(..10))
                .and_then(Date::parse);
            if let Some(day) = day {
                rows.push(Row {
                    day,
                    id: record.payment.id,
                    order_number: order_number.clone(),
                    kind: "REFUND",
                    amount: -refund.amount,
                    instrument: instrument.clone(),
                });
            }
        }
    }
    rows.retain(|row| from <= row.day && row.day <= to);
    rows.sort_by_key(|row| (row.day, row.id));
    let format = request.format.as_str();
    let separator = if format.starts_with("XLS") { "\t" } else { "," };
    let mut out = [
        "date",
        "payment_id",
        "order_number",
        "type",
        "amount",
        "currency",
        "payment_instrument",
    ]
    .join(separator);
    out.push_str("\r\n");
    for row in rows {
        let fields = [
            row.day.to_string(),
            row.id.to_string(),
            quote(&row.order_number),
            row.kind.to_owned(),
            row.amount.to_string(),
            request.currency.clone(),
            row.instrument,
        ];
        out.push_str(&fields.join(separator));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// A CSV field in double quotes, inner quotes doubled.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `amount` minor units as `123.45`.
pub(crate) fn major_units(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The QR payment details of `record`: the e-shop's account, the payment id as reference,
/// and placeholder images in `format` (SPAYD for CZK, PAY by square and SEPA for EUR,
/// MNB for HUF, none for other currencies).
pub(crate) fn qr_payment(record: &Record, format: &QrFormat) -> QrPayment {
    let id = record.payment.id;
    let iban = "CZ6520100000002345678901";
    let image = |payload: String| {
        let bytes = if *format == QrFormat::Svg {
            picture::svg(&payload)
        } else {
            picture::png(&payload)
        };
        use base64::Engine as _;
        Some(base64::engine::general_purpose::STANDARD.encode(bytes))
    };
    let amount = major_units(record.amount);
    let currency = record.currency.as_str();
    let mut codes = QrCodes::default();
    match record.currency {
        Currency::Czk => {
            codes.spayd = image(format!(
                "SPD*1.0*ACC:{iban}*AM:{amount}*CC:{currency}*X-VS:{id}*MSG:{MERCHANT}"
            ));
        }
        Currency::Eur => {
            codes.paybysquare = image(format!("PBSQ*{iban}*{amount}*{currency}*{id}"));
            codes.sepa = image(format!(
                "BCD\n002\n1\nSCT\nFIOBCZPPXXX\n{MERCHANT}\n{iban}\n{currency}{amount}\n\n{id}"
            ));
        }
        Currency::Huf => {
            codes.mnb_qr = image(format!(
                "HCT\n001\n1\n{MERCHANT}\n{iban}\nHUF{amount}\n{id}"
            ));
        }
        _ => {}
    }
    let local = (record.currency == Currency::Czk).then(|| {
        let mut local = QrLocalAccount::default();
        local.prefix = Some(String::new());
        local.account_number = Some("2345678901".into());
        local.bank_code = Some("2010".into());
        local.variable_symbol = Some(id.to_string());
        local
    });
    let mut international = QrInternationalAccount::default();
    international.bic = Some("FIOBCZPPXXX".into());
    international.iban = Some(iban.into());
    international.reference = Some(id.to_string());
    let mut account = QrBankAccount::default();
    account.local = local;
    account.international = Some(international);
    let mut address = QrAddress::default();
    address.street = Some("Simulační 1".into());
    address.city = Some("Praha".into());
    address.zip_code = Some("11000".into());
    address.country = Some("CZE".into());
    let mut recipient = QrRecipient::default();
    recipient.name = Some(MERCHANT.into());
    recipient.bank_account = Some(account);
    recipient.address = Some(address);
    let mut qr = QrPayment::default();
    qr.amount = Some(record.amount);
    qr.currency = Some(record.currency.clone());
    qr.recipient = Some(recipient);
    qr.qr_code = Some(codes);
    qr
}

/// The EET receipt of a payment created with EET data (none without).
#[allow(deprecated)]
pub(crate) fn eet_receipts(record: &Record) -> Vec<EetReceipt> {
    let Some(eet) = &record.eet else {
        return Vec::new();
    };
    let id = record.payment.id;
    let sold = clock::timestamp(record.created);
    let sent = clock::timestamp(record.paid.unwrap_or(record.created));
    let mut receipt = EetReceipt::default();
    receipt.payment_id = Some(id);
    receipt.state = Some(EetReceiptState::Delivered);
    receipt.date_last_attempt = Some(sent.clone());
    receipt.date_odesl = Some(sent);
    receipt.dat_trzby = Some(sold);
    receipt.eet_mode = Some(EetMode::Eet);
    receipt.uuid_zprava = Some(format!("{:08x}-0000-4000-8000-{id:012x}", id % 0xffff_ffff));
    receipt.dic_popl = Some("CZ1212121218".into());
    receipt.id_provoz = Some(EET_ESTABLISHMENT);
    receipt.id_pokl = Some("SIM-POKLADNA-1".into());
    receipt.porad_cis = Some(id.to_string());
    receipt.fik = Some(format!(
        "{:08x}-0000-4000-8000-{id:012x}-ff",
        id.rotate_left(17) as u32
    ));
    receipt.bkp = Some(format!(
        "{:08X}-{:08X}-00000000-00000000-00000000",
        id >> 32,
        id as u32
    ));
    receipt.pkp = Some(format!("SIMULATED-PKP-{id}"));
    receipt.amounts = eet.clone();
    vec![receipt]
}

/// EET receipts of the filter's establishment for sales in its date range.
#[allow(deprecated)]
pub(crate) fn find_eet_receipts(store: &Store, filter: &EetFilter) -> Vec<EetReceipt> {
    let (from, to) = (filter.from, filter.to);
    if filter.establishment != EET_ESTABLISHMENT {
        return Vec::new();
    }
    let mut found: Vec<(SystemTime, EetReceipt)> = store
        .payments()
        .filter(|r| {
            let day = Date::of(r.created);
            from <= day && day <= to
        })
        .flat_map(|r| eet_receipts(r).into_iter().map(|e| (r.created, e)))
        .collect();
    found.sort_by_key(|(created, receipt)| (*created, receipt.payment_id));
    found.into_iter().map(|(_, receipt)| receipt).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_quotes() {
        assert_eq!(major_units(12_345), "123.45");
        assert_eq!(major_units(5), "0.05");
        assert_eq!(major_units(-1050), "-10.50");
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }
}
