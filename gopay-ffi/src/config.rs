//! The configuration JSON of `gopay_client_new`: keys read one by one, so that an error can
//! name the key without ever repeating a value (the client secret among them).
//!
//! A secret pasted into the wrong field, or in place of a key's name, must not come back in
//! the error JSON (which tends to end up in logs): no error quotes a value, an unknown key
//! is named by its position and length only, and a gateway URL the client refuses is shown
//! as its scheme and host at most (see [`gopay::text::shown_url`]).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::error::Category;
use serde_json::{Map, Value};

use super::failure::Failure;
use gopay::{Client, Config, Error};
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
    let Members(members) = serde_json::from_str(json).map_err(|e| match e.classify() {
        // Not an object: serde_json's message would quote the value (a string, a number).
        Category::Data => Failure::ffi("config_json must be a JSON object"),
        // Its syntax errors give a position, never the text around it.
        _ => Failure::ffi(format!("config_json is not valid JSON: {e}")),
    })?;
    let mut keys = Map::new();
    for (position, (key, value)) in members.into_iter().enumerate() {
        let Some(known) = KEYS.iter().find(|known| **known == key) else {
            return Err(Failure::config(format!(
                "unknown configuration key: key {} of the object, a name of {} characters, is \
                 none of {} (the name is not shown: it may be a value pasted in the wrong \
                 place)",
                position + 1,
                key.chars().count(),
                KEYS.join(", ")
            )));
        };
        if keys.insert(key, value).is_some() {
            return Err(Failure::config(format!(
                "configuration key {known} appears more than once"
            )));
        }
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
    let mut builder = Client::builder(Config::new(
        goid,
        client_id,
        client_secret,
        gateway_url.as_str(),
    ));
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
    builder
        .build()
        .map_err(|error| without_the_gateway_url(error, &gateway_url))
}

/// The members of a JSON object in the order they were written, duplicates included (a
/// `Map` keeps one of each, and sorts them).
struct Members(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Members, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

/// The failure of `error`. The client's refusal of a gateway URL quotes it (without
/// user-info, query and fragment, but a value with no `://` whole, and its path too): that
/// one becomes the same refusal (the client's `gateway_url_problem`) with the URL shown as
/// [`gopay::text::shown_url`] shows it.
fn without_the_gateway_url(error: Error, url: &str) -> Failure {
    let reason = match &error {
        Error::Config {
            gateway_url_problem: Some(problem),
            ..
        } => Some(*problem),
        _ => None,
    };
    match reason {
        Some(reason) => Failure::config(format!(
            "invalid configuration: gateway_url {} {reason}",
            gopay::text::shown_url(url)
        )),
        None => Failure::from(error),
    }
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
