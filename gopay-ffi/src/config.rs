//! The configuration JSON of `gopay_client_new`: keys read one by one, so that an error can
//! name the key without ever repeating a value (the client secret among them).

use std::str::FromStr;
use std::time::Duration;

use serde_json::{Map, Value};

use super::failure::{quote, Failure};
use gopay::{Client, Config};
use gopay::{Language, Scope};

/// Every key the configuration may hold.
const KEYS: &[&str] = &[
    "goid",
    "client_id",
    "client_secret",
    "gateway_url",
    "scope",
    "language",
    "timeout_ms",
];

/// Builds a client from `{"goid", "client_id", "client_secret", "gateway_url", "scope"?,
/// "language"?, "timeout_ms"?}`. Never touches the network.
pub(crate) fn client_from_json(json: &str) -> Result<Client, Failure> {
    // serde_json's syntax errors give a position, never the text around it.
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Failure::ffi(format!("config_json is not valid JSON: {e}")))?;
    let Value::Object(mut keys) = value else {
        return Err(Failure::ffi("config_json must be a JSON object"));
    };
    if let Some(unknown) = keys.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(Failure::config(format!(
            "unknown configuration key {} (known: {})",
            quote(unknown),
            KEYS.join(", ")
        )));
    }
    let goid = keys
        .remove("goid")
        .ok_or_else(|| missing("goid"))?
        .as_u64()
        .filter(|goid| *goid > 0)
        .ok_or_else(|| Failure::config("goid must be a positive integer"))?;
    let client_id = required_string(&mut keys, "client_id")?;
    let client_secret = required_string(&mut keys, "client_secret")?;
    let gateway_url = required_string(&mut keys, "gateway_url")?;
    let mut builder = Client::builder(Config::new(goid, client_id, client_secret, gateway_url));
    if let Some(scope) = optional_string(&mut keys, "scope")? {
        match Scope::from_str(&scope) {
            Ok(scope @ (Scope::PaymentAll | Scope::PaymentCreate)) => {
                builder = builder.scope(scope)
            }
            _ => {
                return Err(Failure::config(
                    "scope must be \"payment-all\" or \"payment-create\"",
                ))
            }
        }
    }
    if let Some(language) = optional_string(&mut keys, "language")? {
        match Language::from_str(&language) {
            Ok(language) if !language.is_unknown() => builder = builder.language(language),
            _ => {
                return Err(Failure::config(format!(
                    "language must be one of {}",
                    Language::KNOWN
                        .iter()
                        .map(Language::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    match keys.remove("timeout_ms") {
        None | Some(Value::Null) => {}
        Some(value) => {
            let ms = value.as_u64().filter(|ms| *ms > 0).ok_or_else(|| {
                Failure::config("timeout_ms must be a positive integer (milliseconds)")
            })?;
            builder = builder.timeout(Duration::from_millis(ms));
        }
    }
    builder.build().map_err(Failure::from)
}

fn missing(key: &str) -> Failure {
    Failure::config(format!("{key} is required"))
}

fn required_string(keys: &mut Map<String, Value>, key: &str) -> Result<String, Failure> {
    optional_string(keys, key)?.ok_or_else(|| missing(key))
}

/// A string value; `null` counts as absent. The value never appears in the error.
fn optional_string(keys: &mut Map<String, Value>, key: &str) -> Result<Option<String>, Failure> {
    match keys.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(Failure::config(format!("{key} must be a string"))),
    }
}
