//! The JSON form of a [`Fault`] that `POST /_simulator/faults` accepts.
//!
//! ```json
//! {"kind": "status", "target": {"method": "POST", "path": "/api/payments/payment/{id}/refund"},
//!  "status": 503, "count": 1}
//! ```
//!
//! - `kind` (required): `"delay"`, `"status"`, `"refuse_token"`, `"malformed_body"` or
//!   `"answer"` — [`Fault::Delay`], [`Fault::Status`], [`Fault::RefuseToken`],
//!   [`Fault::MalformedBody`], [`Fault::Answer`].
//! - `target`: `"token"`, `"api"` (the default) or `{"method": M, "path": P}` — a
//!   [`FaultTarget`]; in `P` a segment in braces such as `{id}` matches any segment.
//!   `refuse_token` takes only `"api"`.
//! - `count`: how many requests (default 1; 0 queues nothing).
//! - `status`: the HTTP status, required for `status` and `answer`.
//! - `delay_ms`: milliseconds, required for `delay`.
//! - `content_type` (default `application/json`) and `body` (default empty): for `answer`.
//!
//! Other keys, and keys a kind does not use, are refused, so a typo never silently
//! injects a different fault.

use std::time::Duration;

use parking_lot::Mutex;
use serde::Deserialize;

use crate::state::faults::{Fault, FaultTarget};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultJson {
    kind: Kind,
    #[serde(default)]
    target: Option<TargetJson>,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Delay,
    Status,
    RefuseToken,
    MalformedBody,
    Answer,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TargetJson {
    Named(Named),
    Route { method: String, path: String },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Named {
    Token,
    Api,
}

/// The faults a JSON fault stands for (several only for a `refuse_token` with a `count`),
/// or why it is not one.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Fault>, String> {
    let json: FaultJson = serde_json::from_slice(body).map_err(|e| format!("not a fault: {e}"))?;
    let count = json.count.unwrap_or(1);
    let target = match json.target {
        None | Some(TargetJson::Named(Named::Api)) => FaultTarget::Api,
        Some(TargetJson::Named(Named::Token)) => FaultTarget::Token,
        Some(TargetJson::Route { method, path }) => {
            if method.is_empty() || !path.starts_with('/') {
                return Err("a route target needs a method and a path starting with /".into());
            }
            FaultTarget::route(method.to_ascii_uppercase(), path)
        }
    };
    let unused = |name: &str, given: bool| {
        if given {
            Err(format!("{name} does not apply to a fault of this kind"))
        } else {
            Ok(())
        }
    };
    let answer_keys = json.content_type.is_some() || json.body.is_some();
    match json.kind {
        Kind::Delay => {
            unused("status", json.status.is_some())?;
            unused("content_type/body", answer_keys)?;
            let delay_ms = json.delay_ms.ok_or("a delay fault needs delay_ms")?;
            Ok(vec![Fault::Delay {
                target,
                delay: Duration::from_millis(delay_ms),
                count,
            }])
        }
        Kind::Status => {
            unused("delay_ms", json.delay_ms.is_some())?;
            unused("content_type/body", answer_keys)?;
            let status = json.status.ok_or("a status fault needs status")?;
            Ok(vec![Fault::Status {
                target,
                status,
                count,
            }])
        }
        Kind::RefuseToken => {
            unused("status", json.status.is_some())?;
            unused("delay_ms", json.delay_ms.is_some())?;
            unused("content_type/body", answer_keys)?;
            if target != FaultTarget::Api {
                return Err("refuse_token applies to the API only (target \"api\")".into());
            }
            Ok((0..count).map(|_| Fault::RefuseToken).collect())
        }
        Kind::MalformedBody => {
            unused("status", json.status.is_some())?;
            unused("delay_ms", json.delay_ms.is_some())?;
            unused("content_type/body", answer_keys)?;
            Ok(vec![Fault::MalformedBody { target, count }])
        }
        Kind::Answer => {
            unused("delay_ms", json.delay_ms.is_some())?;
            let status = json.status.ok_or("an answer fault needs status")?;
            if !(100..=999).contains(&status) {
                return Err(format!("{status} is not an HTTP status"));
            }
            let content_type = json
                .content_type
                .unwrap_or_else(|| "application/json".to_owned());
            if content_type.chars().any(char::is_control) {
                return Err("content_type must not contain control characters".into());
            }
            Ok(vec![Fault::Answer {
                target,
                status,
                content_type: intern(&content_type),
                body: json.body.unwrap_or_default(),
                count,
            }])
        }
    }
}

/// Content types given over the control API, each kept once for the life of the process
/// ([`Fault::Answer`] holds a `&'static str`, which the Rust API fills from literals).
static CONTENT_TYPES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

fn intern(content_type: &str) -> &'static str {
    let mut known = CONTENT_TYPES.lock();
    if let Some(found) = known.iter().find(|known| **known == content_type) {
        return found;
    }
    let leaked: &'static str = Box::leak(content_type.to_owned().into_boxed_str());
    known.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(json: &str) -> Result<Vec<Fault>, String> {
        parse(json.as_bytes())
    }

    #[test]
    fn every_kind_parses() {
        assert_eq!(
            faults(r#"{"kind": "status", "status": 503}"#).unwrap(),
            vec![Fault::Status {
                target: FaultTarget::Api,
                status: 503,
                count: 1
            }]
        );
        assert_eq!(
            faults(r#"{"kind": "delay", "target": "token", "delay_ms": 20, "count": 2}"#).unwrap(),
            vec![Fault::Delay {
                target: FaultTarget::Token,
                delay: Duration::from_millis(20),
                count: 2
            }]
        );
        assert_eq!(
            faults(r#"{"kind": "refuse_token", "count": 2}"#).unwrap(),
            vec![Fault::RefuseToken, Fault::RefuseToken]
        );
        assert_eq!(
            faults(
                r#"{"kind": "malformed_body", "target": {"method": "get", "path": "/api/x/{id}"}}"#
            )
            .unwrap(),
            vec![Fault::MalformedBody {
                target: FaultTarget::route("GET", "/api/x/{id}"),
                count: 1
            }]
        );
        let answer = faults(
            r#"{"kind": "answer", "status": 200, "content_type": "text/html", "body": "<p>"}"#,
        )
        .unwrap();
        assert_eq!(
            answer,
            vec![Fault::Answer {
                target: FaultTarget::Api,
                status: 200,
                content_type: "text/html",
                body: "<p>".into(),
                count: 1
            }]
        );
    }

    #[test]
    fn mistakes_are_refused() {
        for bad in [
            r#"{"kind": "status"}"#,
            r#"{"kind": "delay"}"#,
            r#"{"kind": "explode"}"#,
            r#"{"kind": "status", "status": 503, "delay_ms": 5}"#,
            r#"{"kind": "status", "status": 503, "stauts": 1}"#,
            r#"{"kind": "refuse_token", "target": "token"}"#,
            r#"{"kind": "status", "status": 503, "target": {"method": "GET", "path": "api"}}"#,
            r#"{"kind": "answer", "status": 42}"#,
            r#"[]"#,
        ] {
            assert!(faults(bad).is_err(), "{bad}");
        }
    }
}
