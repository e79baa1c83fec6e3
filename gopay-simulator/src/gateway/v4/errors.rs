//! Errors in API v4's shape: `{code, error, message, detail, path, timestamp}`, one `error`
//! name and message per HTTP status, as GoPay's v4 specification lists them.

use std::time::SystemTime;

use serde_json::json;

use crate::gateway::responses::Reply;
use crate::state::clock;

/// A refused v4 request: the status and what exactly was wrong.
#[derive(Debug)]
pub(crate) struct V4Error {
    pub(crate) status: u16,
    pub(crate) detail: String,
}

impl V4Error {
    pub(crate) fn new(status: u16, detail: impl Into<String>) -> V4Error {
        V4Error {
            status,
            detail: detail.into(),
        }
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> V4Error {
        V4Error::new(400, detail)
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> V4Error {
        V4Error::new(404, detail)
    }

    pub(crate) fn conflict(detail: impl Into<String>) -> V4Error {
        V4Error::new(409, detail)
    }

    /// The answer, naming `path` (the request path after the v4 prefix) at `now`.
    pub(crate) fn reply(&self, path: &str, now: SystemTime) -> Reply {
        let (error, message) = names(self.status);
        Reply::json(
            self.status,
            &json!({
                "code": self.status,
                "error": error,
                "message": message,
                "detail": self.detail,
                "path": path,
                "timestamp": clock::rfc3339(now),
            }),
        )
    }
}

/// The `error` name and message the specification gives each status.
fn names(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("BAD_REQUEST", "Invalid request parameter(s)"),
        401 => ("UNAUTHORIZED", "Wrong credentials"),
        403 => ("FORBIDDEN", "Missing token scope"),
        404 => ("NOT_FOUND", "Resource not found"),
        409 => ("CONFLICT", "Wrong resource state"),
        _ => ("INTERNAL_SERVER_ERROR", "Unexpected error occurred"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_spec_shape() {
        let reply = V4Error::conflict("already charged")
            .reply("/payments/1/charge", SystemTime::UNIX_EPOCH);
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(reply.status, 409);
        assert_eq!(body["code"], 409);
        assert_eq!(body["error"], "CONFLICT");
        assert_eq!(body["message"], "Wrong resource state");
        assert_eq!(body["detail"], "already charged");
        assert_eq!(body["path"], "/payments/1/charge");
        assert_eq!(body["timestamp"], "1970-01-01T00:00:00.000Z");
    }
}
