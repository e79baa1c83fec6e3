//! [`Failure`]: every error of the C ABI, and its JSON form
//! `{"error": {"kind", "message", "status", "errors"}}`.

use serde::Serialize;

use gopay::{ApiErrorDetail, Error, ErrorKind};

/// Longest piece of caller input (an operation or key name) quoted in a message.
const MAX_QUOTED: usize = 64;

/// Longest message an error carries: a message that quotes a huge argument (serde's
/// `invalid type: string "…"`) is cut here.
const MAX_MESSAGE: usize = 2000;

/// An error on its way to C.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) status: Option<u16>,
    pub(crate) errors: Vec<ApiErrorDetail>,
    /// The argument an `invalid_input` failure is about.
    pub(crate) field: Option<String>,
}

impl Failure {
    fn new(kind: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            status: None,
            errors: Vec::new(),
            field: None,
        }
    }

    /// Misuse of the ABI itself: NULL, not UTF-8, not JSON, unknown operation.
    pub(crate) fn ffi(message: impl Into<String>) -> Failure {
        Failure::new("ffi", message)
    }

    /// A configuration key that is missing, unknown or malformed.
    pub(crate) fn config(message: impl Into<String>) -> Failure {
        Failure::new("config", message)
    }

    /// An argument that is missing, unknown or malformed.
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Failure {
        Failure {
            field: Some(field.to_owned()),
            ..Failure::new(
                "invalid_input",
                format!("invalid {field}: {}", message.into()),
            )
        }
    }

    /// A panic caught at the boundary.
    pub(crate) fn panic(detail: &str) -> Failure {
        let mut message = String::from("internal error: a panic was caught at the C boundary");
        if !detail.is_empty() {
            message.push_str(": ");
            message.push_str(&one_line(detail, 200));
        }
        Failure::ffi(message)
    }

    /// `{"error": {…}}`.
    pub(crate) fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Body<'a> {
            kind: &'a str,
            message: &'a str,
            status: Option<u16>,
            errors: &'a [ApiErrorDetail],
            #[serde(skip_serializing_if = "Option::is_none")]
            field: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Envelope<'a> {
            error: Body<'a>,
        }
        // Every message, whatever made it, is one line without bidirectional controls.
        let message = one_line(&self.message, MAX_MESSAGE);
        let envelope = Envelope {
            error: Body {
                kind: self.kind,
                message: &message,
                status: self.status,
                errors: &self.errors,
                field: self.field.as_deref(),
            },
        };
        serde_json::to_string(&envelope).unwrap_or_else(|_| {
            String::from(
                r#"{"error":{"kind":"ffi","message":"could not encode an error","status":null,"errors":[]}}"#,
            )
        })
    }
}

/// The `"kind"` of a failure of the client's `kind`: its name, except that a transport
/// failure that ran out of time is `"timeout"` (a C caller waits and tries again after a
/// timeout, not after other failures).
pub(crate) fn kind_name(kind: ErrorKind, timeout: bool) -> &'static str {
    match kind {
        ErrorKind::Transport if timeout => "timeout",
        kind => kind.as_str(),
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let kind = kind_name(error.kind(), error.is_timeout());
        Failure {
            kind,
            message: error.to_string(),
            status: error.status(),
            errors: error.api_errors().to_vec(),
            field: match &error {
                Error::InvalidInput { field, .. } => Some((*field).to_owned()),
                _ => None,
            },
        }
    }
}

/// `text` on one line and at most `max` characters, for quoting caller input: every
/// character a terminal or a log viewer would act on replaced by a space, by the client's
/// rule ([`gopay::text::one_line`]).
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let start: String = text.chars().take(max).collect();
    let mut quoted = gopay::text::one_line(&start).into_owned();
    if text.chars().nth(max).is_some() {
        quoted.push('…');
    }
    quoted
}

/// `text` quoted for a message: one line, at most a few dozen characters.
pub(crate) fn quote(text: &str) -> String {
    format!("{:?}", one_line(text, MAX_QUOTED))
}
