//! The create-payment body (BasePayment, GOPAY_API §5.1–§5.7) as the simulator reads it, and
//! GoPay's checks beyond the fields' own: the e-shop's GoID (321), rows adding up (360), a
//! recurrence's period and end date.

use serde_json::{Map, Value};

use super::lists::{
    BNPL_TYPES, CURRENCIES, INSTRUMENTS, LANGUAGES, RECURRENCE_CYCLES, SWIFTS, TARGET_TYPES,
};
use super::object::Object;
use super::order::{self, Eet, Item, Param, EET, ITEM, PARAM};
use super::schema::{self, optional, required, Field, Kind, POSITIVE, TEXT};
use super::untouched;
use crate::gateway::responses::{FieldError, PAYEE_CANNOT_ACCEPT, REQUIRED, WRONG_FORMAT};
use crate::state::clock::Date;

/// The payer's contact (§5.3).
const CONTACT: &[Field] = &[
    optional("first_name", Kind::Text { max: 256 }),
    optional("last_name", Kind::Text { max: 256 }),
    optional("email", Kind::Text { max: 128 }),
    optional("phone_number", Kind::Text { max: 128 }),
    optional("city", Kind::Text { max: 128 }),
    optional("street", Kind::Text { max: 128 }),
    optional("postal_code", Kind::Text { max: 16 }),
    // ISO 3166-1 alpha-3, e.g. CZE.
    optional("country_code", Kind::Letters(3)),
];

/// The payer (§5.2, request side).
const PAYER: &[Field] = &[
    optional(
        "allowed_payment_instruments",
        Kind::List(&Kind::OneOf(INSTRUMENTS)),
    ),
    optional("default_payment_instrument", Kind::OneOf(INSTRUMENTS)),
    optional("allowed_swifts", Kind::List(&Kind::OneOf(SWIFTS))),
    optional("default_swift", Kind::OneOf(SWIFTS)),
    optional("allowed_bnpl_types", Kind::List(&Kind::OneOf(BNPL_TYPES))),
    optional("default_bnpl_type", Kind::OneOf(BNPL_TYPES)),
    optional("contact", Kind::Object(CONTACT)),
    optional("request_card_token", Kind::Boolean),
    optional("allowed_card_token", TEXT),
    // The PIN of an identification payment, shown on the cardholder's statement.
    optional("verify_pin", Kind::Digits(4)),
];

/// The recipient (§5.4): the e-shop's GoID.
const TARGET: &[Field] = &[
    required("type", Kind::OneOf(TARGET_TYPES)),
    required("goid", POSITIVE),
];

/// Where the customer returns and notifications go (§5.6).
const CALLBACK: &[Field] = &[
    required("return_url", Kind::Url { max: 512 }),
    required("notification_url", Kind::Url { max: 512 }),
];

/// A recurrence (§5.7): any end date after today (the help page's "lower than 2099-12-31"
/// is not what the gateway enforces).
const RECURRENCE: &[Field] = &[
    required("recurrence_cycle", Kind::OneOf(RECURRENCE_CYCLES)),
    // Every n-th cycle unit; the response model holds it in 32 bits.
    optional(
        "recurrence_period",
        Kind::Integer {
            min: 1,
            max: u32::MAX as i64,
        },
    ),
    required("recurrence_date_to", Kind::Date),
];

/// The create-payment body (§5.1). `callback` and `items`, marked required by the 2021
/// documentation, stay optional as GoPay's own SDK examples leave them out.
pub(crate) const BASE_PAYMENT: &[Field] = &[
    optional("payer", Kind::Object(PAYER)),
    required("target", Kind::Object(TARGET)),
    required("amount", POSITIVE),
    required("currency", Kind::OneOf(CURRENCIES)),
    required("order_number", Kind::Text { max: 128 }),
    optional("order_description", Kind::Text { max: 256 }),
    optional("items", Kind::List(&Kind::Object(ITEM))),
    optional("callback", Kind::Object(CALLBACK)),
    optional("additional_params", Kind::List(&Kind::Object(PARAM))),
    optional("lang", Kind::OneOfAnyCase(LANGUAGES)),
    optional("recurrence", Kind::Object(RECURRENCE)),
    optional("preauthorization", Kind::Boolean),
    optional("eet", Kind::Object(EET)),
];

/// A create-payment request as the simulator reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NewPayment {
    pub(crate) payer: Option<Payer>,
    pub(crate) goid: u64,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) order_number: String,
    /// The order rows (GoPay keeps them; the customer page shows them).
    pub(crate) items: Vec<Item>,
    pub(crate) callback: Option<Callback>,
    pub(crate) additional_params: Vec<Param>,
    pub(crate) lang: Option<String>,
    pub(crate) recurrence: Option<Recurrence>,
    pub(crate) preauthorization: bool,
    pub(crate) eet: Option<Eet>,
}

/// The payer of a request (its `verify_pin` is checked, never kept: GoPay does not echo it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Payer {
    pub(crate) allowed_payment_instruments: Vec<String>,
    pub(crate) default_payment_instrument: Option<String>,
    pub(crate) allowed_swifts: Vec<String>,
    pub(crate) default_swift: Option<String>,
    pub(crate) allowed_bnpl_types: Vec<String>,
    pub(crate) default_bnpl_type: Option<String>,
    pub(crate) contact: Option<Contact>,
    pub(crate) request_card_token: Option<bool>,
    pub(crate) allowed_card_token: Option<String>,
}

/// The payer's contact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Contact {
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone_number: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) street: Option<String>,
    pub(crate) postal_code: Option<String>,
    pub(crate) country_code: Option<String>,
}

/// The callback URLs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Callback {
    pub(crate) return_url: String,
    pub(crate) notification_url: String,
}

/// A recurrence as requested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Recurrence {
    pub(crate) cycle: String,
    pub(crate) period: Option<i64>,
    pub(crate) date_to: String,
}

/// Reads a create-payment body for the e-shop `goid`.
///
/// # Errors
///
/// Every field error GoPay answers with 409: 110 and 111 from the definitions, 321 for
/// another e-shop's GoID, 360 for rows not adding up, 110/111 for a recurrence's period
/// and end date.
pub(crate) fn read(body: &Map<String, Value>, goid: u64) -> Result<NewPayment, Vec<FieldError>> {
    let (normal, mut errors) = schema::check(body, BASE_PAYMENT);
    let payment = Object(&normal);
    let target_goid = payment.object("target").and_then(|t| t.int("goid"));
    if let Some(other) = target_goid.filter(|other| u64::try_from(*other).ok() != Some(goid)) {
        errors.push(FieldError::new(
            PAYEE_CANNOT_ACCEPT,
            "target.goid",
            format!("goid {other} is not the e-shop of these credentials ({goid})"),
        ));
    }
    let items = order::items(payment);
    if let (Some(amount), true) = (payment.int("amount"), untouched(&errors, "items")) {
        errors.extend(order::items_sum(&items, amount));
    }
    let recurrence = payment.object("recurrence").map(Recurrence::read);
    if let Some(recurrence) = &recurrence {
        check_recurrence(recurrence, &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewPayment {
        payer: payment.object("payer").map(Payer::read),
        goid,
        amount: payment.int("amount").unwrap_or_default(),
        currency: payment.text("currency").unwrap_or_default(),
        order_number: payment.text("order_number").unwrap_or_default(),
        items,
        callback: payment.object("callback").map(|c| Callback {
            return_url: c.text("return_url").unwrap_or_default(),
            notification_url: c.text("notification_url").unwrap_or_default(),
        }),
        additional_params: order::params(payment),
        lang: payment.text("lang"),
        recurrence,
        preauthorization: payment.flag("preauthorization").unwrap_or(false),
        eet: payment.object("eet").map(Eet::read),
    })
}

/// A DAY/WEEK/MONTH recurrence needs its period; the end date must be after today.
fn check_recurrence(recurrence: &Recurrence, errors: &mut Vec<FieldError>) {
    let automatic = !recurrence.cycle.is_empty() && recurrence.cycle != "ON_DEMAND";
    if automatic && recurrence.period.is_none() && untouched(errors, "recurrence.recurrence_period")
    {
        errors.push(FieldError::new(
            REQUIRED,
            "recurrence.recurrence_period",
            "recurrence.recurrence_period is required for DAY, WEEK and MONTH",
        ));
    }
    let ended = Date::parse(&recurrence.date_to).is_some_and(|date| date <= Date::today());
    if ended {
        errors.push(FieldError::new(
            WRONG_FORMAT,
            "recurrence.recurrence_date_to",
            "recurrence_date_to must be after today",
        ));
    }
}

impl Payer {
    fn read(payer: Object<'_>) -> Payer {
        Payer {
            allowed_payment_instruments: payer.texts("allowed_payment_instruments"),
            default_payment_instrument: payer.text("default_payment_instrument"),
            allowed_swifts: payer.texts("allowed_swifts"),
            default_swift: payer.text("default_swift"),
            allowed_bnpl_types: payer.texts("allowed_bnpl_types"),
            default_bnpl_type: payer.text("default_bnpl_type"),
            contact: payer.object("contact").map(|c| Contact {
                first_name: c.text("first_name"),
                last_name: c.text("last_name"),
                email: c.text("email"),
                phone_number: c.text("phone_number"),
                city: c.text("city"),
                street: c.text("street"),
                postal_code: c.text("postal_code"),
                country_code: c.text("country_code"),
            }),
            request_card_token: payer.flag("request_card_token"),
            allowed_card_token: payer.text("allowed_card_token"),
        }
    }
}

impl Recurrence {
    fn read(recurrence: Object<'_>) -> Recurrence {
        Recurrence {
            cycle: recurrence.text("recurrence_cycle").unwrap_or_default(),
            period: recurrence.int("recurrence_period"),
            date_to: recurrence.text("recurrence_date_to").unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::responses::named;
    use serde_json::json;

    fn codes(body: Value) -> Vec<(u32, String)> {
        let errors = read(body.as_object().unwrap(), 8).err().unwrap_or_default();
        named(&errors)
            .into_iter()
            .map(|(code, field)| (code, field.to_owned()))
            .collect()
    }

    fn good() -> Value {
        json!({
            "target": {"type": "ACCOUNT", "goid": 8},
            "amount": 1000, "currency": "CZK", "order_number": "o-1",
            "items": [{"name": "a", "amount": 400}, {"name": "b", "amount": 600}],
            "callback": {"return_url": "https://shop/return", "notification_url": "http://127.0.0.1:1/n"},
        })
    }

    #[test]
    fn a_good_request_is_read_whole() {
        let mut body = good();
        body["payer"] = json!({"allowed_payment_instruments": ["PAYMENT_CARD"], "verify_pin": "1234",
                               "contact": {"email": "a@b.cz", "country_code": "cze"}});
        body["recurrence"] =
            json!({"recurrence_cycle": "ON_DEMAND", "recurrence_date_to": "2100-04-01"});
        body["lang"] = json!("cs");
        body["preauthorization"] = json!("true");
        let read = read(body.as_object().unwrap(), 8).unwrap();
        assert_eq!(read.amount, 1000);
        assert_eq!(read.items.len(), 2);
        assert_eq!(read.lang.as_deref(), Some("CS"));
        assert!(read.preauthorization);
        let payer = read.payer.unwrap();
        assert_eq!(payer.allowed_payment_instruments, ["PAYMENT_CARD"]);
        assert_eq!(payer.contact.unwrap().country_code.as_deref(), Some("CZE"));
        assert_eq!(read.recurrence.unwrap().cycle, "ON_DEMAND");
        assert_eq!(read.callback.unwrap().return_url, "https://shop/return");
    }

    #[test]
    fn bad_requests_name_their_fields() {
        let mut body = good();
        body["amount"] = json!(0);
        body["order_number"] = json!(" ");
        body["target"]["goid"] = json!(9);
        body["callback"]["return_url"] = json!("shop/return");
        body["recurrence"] = json!({"recurrence_cycle": "DAY", "recurrence_period": 0,
                                    "recurrence_date_to": "2001-01-01"});
        body["payer"] = json!({"allowed_payment_instruments": ["X"], "verify_pin": "12a4",
                               "allowed_swifts": ["NOBANKXX"]});
        let found = codes(body);
        for expected in [
            (111, "amount"),
            (110, "order_number"),
            (321, "target.goid"),
            (111, "callback.return_url"),
            (111, "payer.allowed_payment_instruments"),
            (111, "payer.allowed_swifts"),
            (111, "payer.verify_pin"),
            (111, "recurrence.recurrence_period"),
            (111, "recurrence.recurrence_date_to"),
        ] {
            assert!(
                found.contains(&(expected.0, expected.1.to_owned())),
                "{expected:?} in {found:?}"
            );
        }
        // A rejected amount leaves the rows alone: no 360 on top.
        assert!(!found.iter().any(|(code, _)| *code == 360), "{found:?}");
        let mut body = good();
        body.as_object_mut().unwrap().remove("target");
        body["recurrence"] = json!({"recurrence_cycle": "WEEK"});
        let found = codes(body);
        for expected in [
            (110, "target"),
            (110, "recurrence.recurrence_date_to"),
            (110, "recurrence.recurrence_period"),
        ] {
            assert!(
                found.contains(&(expected.0, expected.1.to_owned())),
                "{found:?}"
            );
        }
    }

    #[test]
    fn rows_must_add_up_without_overflowing() {
        let mut body = good();
        body["amount"] = json!(1);
        body["items"] = json!([{"name": "a", "amount": i64::MAX}, {"name": "b", "amount": 1}]);
        assert_eq!(codes(body), [(360, "items".to_owned())]);
        let mut body = good();
        body["items"][0]["amount"] = json!("lots");
        assert_eq!(codes(body), [(111, "items.amount".to_owned())]);
    }
}
