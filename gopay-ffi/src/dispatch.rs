//! `gopay_call`'s dispatcher: an operation name and its JSON arguments in, the answer's JSON
//! out. Pure Rust on `&str`, so it is tested without C.

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::failure::{one_line, quote, Failure};
use gopay::Client;
use gopay::{Currency, QrFormat};

/// Every operation and its parameter names, in the order of the `Client` docs.
pub(crate) const OPERATIONS: &[(&str, &[&str])] = &[
    ("create_payment", &["payment"]),
    ("get_status", &["id"]),
    ("refund_payment", &["id", "amount"]),
    ("refund_payment_with_items", &["id", "refund"]),
    ("get_history_of_refunds", &["id"]),
    ("create_recurrence", &["id", "next"]),
    ("void_recurrence", &["id"]),
    ("capture_authorization", &["id"]),
    ("capture_authorization_partial", &["id", "capture"]),
    ("void_authorization", &["id"]),
    ("get_qr_payment", &["id", "format"]),
    ("get_card_details", &["card_id"]),
    ("delete_card", &["card_id"]),
    ("get_payment_instruments", &["currency"]),
    ("get_payment_instruments_all", &[]),
    ("get_account_statement", &["request"]),
    ("embed_js_url", &[]),
    ("handle_notification", &["query"]),
    // EET was abolished in 2023: the calls are deprecated, only with the `eet` feature.
    #[cfg(feature = "eet")]
    ("get_eet_receipt_by_payment_id", &["id"]),
    #[cfg(feature = "eet")]
    ("find_eet_receipts_by_filter", &["filter"]),
];

/// Runs `operation` with the arguments object `request_json` and returns the answer's JSON.
pub(crate) fn call(
    client: &Client,
    operation: &str,
    request_json: &str,
) -> Result<String, Failure> {
    let Some((name, parameters)) = OPERATIONS.iter().find(|(name, _)| *name == operation) else {
        return Err(Failure::ffi(format!(
            "unknown operation {}",
            quote(operation)
        )));
    };
    let value: Value = serde_json::from_str(request_json)
        .map_err(|e| Failure::ffi(format!("request_json is not valid JSON: {e}")))?;
    let Value::Object(arguments) = value else {
        return Err(Failure::ffi(
            "request_json must be a JSON object (\"{}\" when there are no arguments)",
        ));
    };
    if let Some(unknown) = arguments
        .keys()
        .find(|key| !parameters.contains(&key.as_str()))
    {
        let expected = if parameters.is_empty() {
            "none".to_owned()
        } else {
            parameters.join(", ")
        };
        return Err(Failure::invalid(
            &one_line(unknown, 64),
            format!("not an argument of {name} (expected: {expected})"),
        ));
    }
    let mut args = Arguments(arguments);
    let answer = match *name {
        "create_payment" => answer(client.create_payment(&args.model("payment")?)),
        "get_status" => answer(client.get_status(args.id("id")?)),
        "refund_payment" => {
            let id = args.id("id")?;
            answer(client.refund_payment(id, args.amount("amount")?))
        }
        "refund_payment_with_items" => {
            let id = args.id("id")?;
            answer(client.refund_payment_with_items(id, &args.model("refund")?))
        }
        "get_history_of_refunds" => answer(client.get_history_of_refunds(args.id("id")?)),
        "create_recurrence" => {
            let id = args.id("id")?;
            answer(client.create_recurrence(id, &args.model("next")?))
        }
        "void_recurrence" => answer(client.void_recurrence(args.id("id")?)),
        "capture_authorization" => answer(client.capture_authorization(args.id("id")?)),
        "capture_authorization_partial" => {
            let id = args.id("id")?;
            answer(client.capture_authorization_partial(id, &args.model("capture")?))
        }
        "void_authorization" => answer(client.void_authorization(args.id("id")?)),
        "get_qr_payment" => {
            let id = args.id("id")?;
            let format: Option<QrFormat> = args.optional_model("format")?;
            answer(client.get_qr_payment(id, format))
        }
        "get_card_details" => answer(client.get_card_details(args.id("card_id")?)),
        "delete_card" => client
            .delete_card(args.id("card_id")?)
            .map(|()| json!({}))
            .map_err(Failure::from),
        "get_payment_instruments" => {
            let currency: Currency = args.model("currency")?;
            answer(client.get_payment_instruments(currency))
        }
        "get_payment_instruments_all" => answer(client.get_payment_instruments_all()),
        "get_account_statement" => client
            .get_account_statement(&args.model("request")?)
            .map(|bytes| json!({ "base64": base64::engine::general_purpose::STANDARD.encode(bytes) }))
            .map_err(Failure::from),
        "embed_js_url" => Ok(json!({ "url": client.embed_js_url() })),
        "handle_notification" => {
            let query: String = args.model("query")?;
            answer(client.handle_notification(&query))
        }
        // EET was abolished in 2023: the calls are deprecated, only with the `eet` feature.
        #[cfg(feature = "eet")]
        #[allow(deprecated)]
        "get_eet_receipt_by_payment_id" => {
            answer(client.get_eet_receipt_by_payment_id(args.id("id")?))
        }
        #[cfg(feature = "eet")]
        #[allow(deprecated)]
        "find_eet_receipts_by_filter" => {
            answer(client.find_eet_receipts_by_filter(&args.model("filter")?))
        }
        other => Err(Failure::ffi(format!(
            "operation {other} is listed but not dispatched"
        ))),
    }?;
    serde_json::to_string(&answer)
        .map_err(|e| Failure::ffi(format!("could not encode the answer: {e}")))
}

/// The answer of an operation as JSON.
fn answer<T: Serialize>(result: Result<T, gopay::Error>) -> Result<Value, Failure> {
    let value = result?;
    serde_json::to_value(&value)
        .map_err(|e| Failure::ffi(format!("could not encode the answer: {e}")))
}

/// The arguments object, taken apart by parameter name.
struct Arguments(Map<String, Value>);

impl Arguments {
    fn take(&mut self, name: &str) -> Result<Value, Failure> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Err(Failure::invalid(name, "is required")),
            Some(value) => Ok(value),
        }
    }

    /// A GoPay id: a JSON integer from 0 to 2^64 - 1 (0 is refused by the client).
    fn id(&mut self, name: &str) -> Result<u64, Failure> {
        self.take(name)?
            .as_u64()
            .ok_or_else(|| Failure::invalid(name, "must be a positive integer"))
    }

    /// An amount in minor units: a JSON integer.
    fn amount(&mut self, name: &str) -> Result<i64, Failure> {
        self.take(name)?
            .as_i64()
            .ok_or_else(|| Failure::invalid(name, "must be an integer (minor units)"))
    }

    /// Any of the crate's serde models, with GoPay's wire field names.
    fn model<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Failure> {
        serde_json::from_value(self.take(name)?).map_err(|e| Failure::invalid(name, e.to_string()))
    }

    /// Like [`Arguments::model`]; absent or `null` is `None`.
    fn optional_model<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.model(name).map(Some),
        }
    }
}
