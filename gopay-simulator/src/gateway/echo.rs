//! What GoPay echoes of a request in the payment it answers: the payer, recurrence,
//! additional parameters (and, for the records, the rows and EET data), built field by field
//! from the simulator's own reading of the request ([`crate::wire`]) into the response
//! models a status call answers.

use crate::gateway::wire;
// EET was abolished in 2023; the simulator still keeps the data for its EET endpoints.
#[allow(deprecated)]
use gopay::Eet;
use gopay::{
    AdditionalParam, BnplType, Contact, Currency, Item, ItemType, Language, Payer,
    PaymentInstrument, Recurrence, RecurrenceCycle, RecurrenceState, Swift,
};

/// A value of one of the client's string enumerations, from a checked wire string.
fn parsed<T: std::str::FromStr<Err = std::convert::Infallible>>(text: &str) -> T {
    match text.parse() {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// The currency of a checked request.
pub(crate) fn currency(text: &str) -> Currency {
    parsed(text)
}

/// The language of a checked request.
pub(crate) fn language(text: &str) -> Language {
    parsed(text)
}

/// The payer as GoPay echoes it (without the identification PIN).
pub(crate) fn payer(payer: &wire::Payer) -> Payer {
    let mut echo = Payer::default();
    echo.allowed_payment_instruments = payer
        .allowed_payment_instruments
        .iter()
        .map(|i| parsed::<PaymentInstrument>(i))
        .collect();
    echo.default_payment_instrument = payer.default_payment_instrument.as_deref().map(parsed);
    echo.allowed_swifts = payer
        .allowed_swifts
        .iter()
        .map(|s| Swift::new(s.as_str()))
        .collect();
    echo.default_swift = payer.default_swift.as_deref().map(Swift::new);
    echo.allowed_bnpl_types = payer
        .allowed_bnpl_types
        .iter()
        .map(|t| parsed::<BnplType>(t))
        .collect();
    echo.default_bnpl_type = payer.default_bnpl_type.as_deref().map(parsed);
    echo.contact = payer.contact.as_ref().map(contact);
    echo.request_card_token = payer.request_card_token;
    echo.allowed_card_token = payer.allowed_card_token.clone();
    echo
}

fn contact(contact: &wire::Contact) -> Contact {
    let mut echo = Contact::default();
    echo.first_name = contact.first_name.clone();
    echo.last_name = contact.last_name.clone();
    echo.email = contact.email.clone();
    echo.phone_number = contact.phone_number.clone();
    echo.city = contact.city.clone();
    echo.street = contact.street.clone();
    echo.postal_code = contact.postal_code.clone();
    echo.country_code = contact.country_code.clone();
    echo
}

/// The recurrence as GoPay answers a new one: REQUESTED until the first payment is paid.
pub(crate) fn recurrence(recurrence: &wire::Recurrence) -> Recurrence {
    let mut echo = Recurrence::default();
    echo.recurrence_cycle = Some(parsed::<RecurrenceCycle>(&recurrence.cycle));
    echo.recurrence_period = recurrence.period.and_then(|p| u32::try_from(p).ok());
    echo.recurrence_date_to = Some(recurrence.date_to.clone());
    echo.recurrence_state = Some(RecurrenceState::Requested);
    echo
}

/// The name/value pairs, echoed as given.
pub(crate) fn params(params: &[wire::Param]) -> Vec<AdditionalParam> {
    params
        .iter()
        .map(|p| AdditionalParam::new(p.name.as_str(), p.value.as_str()))
        .collect()
}

/// The order rows, kept for the customer page.
pub(crate) fn items(items: &[wire::Item]) -> Vec<Item> {
    items
        .iter()
        .map(|row| {
            let mut item = Item::default();
            item.item_type = row.item_type.as_deref().map(parsed::<ItemType>);
            item.name = row.name.clone();
            item.amount = row.amount;
            item.count = row.count.and_then(|c| u64::try_from(c).ok());
            item.vat_rate = row.vat_rate.and_then(|v| u32::try_from(v).ok());
            item.ean = row.ean.clone();
            item.product_url = row.product_url.clone();
            item
        })
        .collect()
}

/// The EET data, kept for the EET receipts.
#[allow(deprecated)]
pub(crate) fn eet(eet: &wire::Eet) -> Eet {
    let mut echo = Eet::default();
    for (name, amount) in &eet.amounts {
        let field = match *name {
            "celk_trzba" => &mut echo.celk_trzba,
            "zakl_nepodl_dph" => &mut echo.zakl_nepodl_dph,
            "zakl_dan1" => &mut echo.zakl_dan1,
            "dan1" => &mut echo.dan1,
            "zakl_dan2" => &mut echo.zakl_dan2,
            "dan2" => &mut echo.dan2,
            "zakl_dan3" => &mut echo.zakl_dan3,
            "dan3" => &mut echo.dan3,
            "cest_sluz" => &mut echo.cest_sluz,
            "pouzit_zboz1" => &mut echo.pouzit_zboz1,
            "pouzit_zboz2" => &mut echo.pouzit_zboz2,
            "pouzit_zboz3" => &mut echo.pouzit_zboz3,
            "urceno_cerp_zuct" => &mut echo.urceno_cerp_zuct,
            "cerp_zuct" => &mut echo.cerp_zuct,
            _ => continue,
        };
        *field = Some(*amount);
    }
    echo.dic_poverujiciho = eet.dic_poverujiciho.clone();
    echo.mena = eet.mena.as_deref().map(currency);
    echo
}
