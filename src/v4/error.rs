//! v4's error body (`{code, error, message, detail, path, timestamp}`) read into
//! [`ApiErrorDetail`]s, so that v4 errors are the same [`gopay::Error`](crate::Error) as v3's.

use serde::Deserialize;

use crate::error::{parse_error_details, ApiErrorDetail};

/// v4's `Error-Response-Body`; every field optional here, because a gateway or proxy may
/// answer otherwise.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: Option<serde_json::Value>,
    error: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

/// The details of a v4 error answer, every form of every secret redacted. v4's body maps to
/// one detail: `error_code` = `code`, `error_name` = `error`, `message`, and `description` =
/// `detail`. A v3-style body (`errors[]`, which GoPay's own documentation shows from a v4
/// charge) is read as v3 reads it; anything else gives none.
pub(crate) fn parse_v4_error_details(body: &[u8], secrets: &[&str]) -> Vec<ApiErrorDetail> {
    let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) else {
        return parse_error_details(body, secrets);
    };
    let code = match parsed.code {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let mut detail = ApiErrorDetail {
        error_code: code.and_then(|c| u32::try_from(c).ok()).unwrap_or(0),
        error_name: Some(parsed.error),
        message: parsed.message,
        description: parsed.detail,
        ..ApiErrorDetail::default()
    };
    detail.redact(secrets);
    vec![detail]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_maps_into_one_detail() {
        let body = br#"{"code":409,"error":"CONFLICT","message":"Wrong resource state","detail":"Error Details","path":"/payments/123/charge","timestamp":"2025-12-10T10:30:00Z"}"#;
        let details = parse_v4_error_details(body, &[]);
        assert_eq!(details.len(), 1);
        assert_eq!(details[0].error_code, 409);
        assert_eq!(details[0].error_name.as_deref(), Some("CONFLICT"));
        assert_eq!(details[0].message.as_deref(), Some("Wrong resource state"));
        assert_eq!(details[0].description.as_deref(), Some("Error Details"));
    }

    #[test]
    fn a_v3_style_body_and_garbage_are_survived() {
        let body = br#"{"date_time":"2026-01-01","errors":[{"error_code":400,"error_name":"PAYMENT_VALIDATION_ERROR","field":"amount"}]}"#;
        let details = parse_v4_error_details(body, &[]);
        assert_eq!(details[0].field.as_deref(), Some("amount"));
        assert!(parse_v4_error_details(b"<html>", &[]).is_empty());
        // The 422 body one SDK's documentation shows (`message` a list) is survived too: the
        // error keeps its status, without details.
        let body = br#"{"date_time":"2026-01-01T00:00:00Z","error_code":400,"error_name":"PAYMENT_VALIDATION_ERROR","message":[{"field":"amount","message":"INVALID"}]}"#;
        assert!(parse_v4_error_details(body, &[]).is_empty());
    }

    #[test]
    fn secrets_echoed_in_an_error_are_redacted() {
        let body =
            br#"{"code":400,"error":"BAD_REQUEST","message":"bad token T0k3nX","detail":"T0k3nX"}"#;
        let details = parse_v4_error_details(body, &["T0k3nX"]);
        let text = format!("{:?}", details);
        assert!(!text.contains("T0k3nX"), "{text}");
    }
}
