//! What the simulator answers: JSON, file and empty bodies, and GoPay's error envelope with
//! the error codes the simulator uses.

use serde::Serialize;

use crate::state::clock;

/// One HTTP answer, before it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// Empty for an answer without a body.
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
    /// The `Location` header of a redirect (the customer page's 303 back to the shop).
    pub(crate) location: Option<String>,
    /// The `Content-Security-Policy` of a page that runs a script (the card form).
    pub(crate) policy: Option<&'static str>,
    /// A count the control API tells besides its body (the notifications dropped), as a
    /// header: its name and value.
    pub(crate) count: Option<(&'static str, u64)>,
}

pub(crate) const JSON: &str = "application/json;charset=UTF-8";

impl Reply {
    /// `value` as UTF-8 JSON (raw, no `\u` escapes).
    pub(crate) fn json(status: u16, value: &impl Serialize) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply {
                status,
                content_type: JSON,
                body,
                location: None,
                policy: None,
                count: None,
            },
            Err(e) => Refusal::global(
                500,
                SYSTEM_ERROR,
                format!("could not encode the answer: {e}"),
            )
            .into_reply(),
        }
    }

    /// `200 OK` with `value` as JSON.
    pub(crate) fn ok(value: &impl Serialize) -> Reply {
        Reply::json(200, value)
    }

    /// `204 No Content`.
    pub(crate) fn no_content() -> Reply {
        Reply {
            status: 204,
            content_type: "",
            body: Vec::new(),
            location: None,
            policy: None,
            count: None,
        }
    }

    /// `200 OK` with a file.
    pub(crate) fn file(content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body,
            location: None,
            policy: None,
            count: None,
        }
    }

    /// An HTML page (the simulated payment gateway).
    pub(crate) fn html(status: u16, page: String) -> Reply {
        Reply {
            status,
            content_type: "text/html;charset=UTF-8",
            body: page.into_bytes(),
            location: None,
            policy: None,
            count: None,
        }
    }

    /// `303 See Other` to `location`, with a short page linking there.
    pub(crate) fn see_other(location: String, page: String) -> Reply {
        Reply {
            location: Some(location),
            ..Reply::html(303, page)
        }
    }
}

/// A GoPay error code with the symbolic name the simulator reports for it.
///
/// GoPay's documentation gives the numbers; only a few names were ever seen in the wild
/// (`PAYMENT_REFUND_NOT_SUPPORTED`, `PAYMENT_CAPTURE_DONE`, `PAYMENT_AUTH_VOID_FAILED`,
/// `PAYMENT_RECURRENCE_STOPPED`, `NOT_UNIQUE`); the other names are the simulator's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Code {
    pub(crate) number: u32,
    pub(crate) name: &'static str,
}

const fn code(number: u32, name: &'static str) -> Code {
    Code { number, name }
}

pub(crate) const SYSTEM_ERROR: Code = code(100, "SYSTEM_ERROR");
pub(crate) const REQUIRED: Code = code(110, "REQUIRED");
pub(crate) const WRONG_FORMAT: Code = code(111, "WRONG_FORMAT");
pub(crate) const INVALID_REQUEST: Code = code(116, "INVALID_REQUEST");
pub(crate) const UNAUTHORIZED: Code = code(200, "UNAUTHORIZED_ACCESS");
pub(crate) const GRANT_NOT_SUPPORTED: Code = code(201, "GRANT_TYPE_NOT_SUPPORTED");
pub(crate) const WRONG_CREDENTIALS: Code = code(202, "WRONG_ACCESS_CREDENTIALS");
pub(crate) const PAYMENT_CREATE_FAILED: Code = code(301, "PAYMENT_CREATE_FAILED");
pub(crate) const PAYMENT_WRONG_STATE: Code = code(303, "PAYMENT_WRONG_STATE");
pub(crate) const PAYMENT_NOT_FOUND: Code = code(304, "PAYMENT_NOT_FOUND");
pub(crate) const CARD_NOT_FOUND: Code = code(304, "CARD_NOT_FOUND");
pub(crate) const PAYEE_CANNOT_ACCEPT: Code = code(321, "PAYEE_CANNOT_ACCEPT_PAYMENT");
pub(crate) const REFUND_NOT_SUPPORTED: Code = code(330, "PAYMENT_REFUND_NOT_SUPPORTED");
pub(crate) const WRONG_AMOUNT: Code = code(332, "PAYMENT_WRONG_AMOUNT");
pub(crate) const RECURRENCE_NOT_SUPPORTED: Code = code(341, "PAYMENT_RECURRENCE_NOT_SUPPORTED");
pub(crate) const RECURRENCE_STOPPED: Code = code(342, "PAYMENT_RECURRENCE_STOPPED");
pub(crate) const CAPTURE_FAILED: Code = code(350, "PAYMENT_CAPTURE_FAILED");
pub(crate) const CAPTURE_DONE: Code = code(351, "PAYMENT_CAPTURE_DONE");
pub(crate) const AUTH_VOID_FAILED: Code = code(352, "PAYMENT_AUTH_VOID_FAILED");
pub(crate) const AUTH_VOID_DONE: Code = code(353, "PAYMENT_AUTH_VOID_DONE");
pub(crate) const ITEMS_SUM_MISMATCH: Code = code(360, "PAYMENT_ITEMS_AMOUNT_MISMATCH");

/// One element of `errors[]`, with every key present (`null` when unset), as GoPay sends it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ErrorElement {
    scope: &'static str,
    field: Option<String>,
    error_code: u32,
    /// `null` for the errors GoPay reports by number only.
    error_name: Option<&'static str>,
    message: String,
    description: Option<String>,
}

/// A refused request: the HTTP status and GoPay's `errors[]`.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) errors: Vec<ErrorElement>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    date_issued: String,
    errors: &'a [ErrorElement],
}

impl Refusal {
    /// A global (`G`) error.
    pub(crate) fn global(status: u16, code: Code, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            errors: vec![ErrorElement {
                scope: "G",
                field: None,
                error_code: code.number,
                error_name: Some(code.name),
                message: message.into(),
                description: None,
            }],
        }
    }

    /// An error GoPay reports by number only, without a name or a field (its gateway's own
    /// failures, such as a content type an endpoint does not consume).
    pub(crate) fn unnamed(status: u16, scope: &'static str, number: u32, message: &str) -> Refusal {
        Refusal {
            status,
            errors: vec![ErrorElement {
                scope,
                field: None,
                error_code: number,
                error_name: None,
                message: message.to_owned(),
                description: None,
            }],
        }
    }

    /// An error of one field (`F`).
    pub(crate) fn field(
        status: u16,
        code: Code,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Refusal {
        let mut refusal = Refusal::global(status, code, message);
        refusal.errors[0].scope = "F";
        refusal.errors[0].field = Some(field.into());
        refusal
    }

    /// `409` validation errors of several fields at once.
    pub(crate) fn fields(errors: Vec<FieldError>) -> Refusal {
        Refusal {
            status: 409,
            errors: errors
                .into_iter()
                .map(|e| ErrorElement {
                    scope: "F",
                    field: Some(e.field),
                    error_code: e.code.number,
                    error_name: Some(e.code.name),
                    message: e.message,
                    description: None,
                })
                .collect(),
        }
    }

    /// The first error's code number.
    #[cfg(test)]
    pub(crate) fn code(&self) -> u32 {
        self.errors.first().map_or(0, |e| e.error_code)
    }

    /// The errors' messages in one line (each prefixed by its field), for a refusal told
    /// outside HTTP, such as a seed file's entry refused at start.
    pub(crate) fn text(&self) -> String {
        let messages: Vec<String> = self
            .errors
            .iter()
            .map(|e| match &e.field {
                Some(field) => format!("{field}: {}", e.message),
                None => e.message.clone(),
            })
            .collect();
        messages.join("; ")
    }

    /// The refusal in GoPay's envelope.
    pub(crate) fn into_reply(self) -> Reply {
        let envelope = Envelope {
            date_issued: clock::now_timestamp(),
            errors: &self.errors,
        };
        let body = serde_json::to_vec(&envelope).unwrap_or_else(|_| {
            br#"{"errors":[{"scope":"G","error_code":100,"error_name":"SYSTEM_ERROR"}]}"#.to_vec()
        });
        Reply {
            status: self.status,
            content_type: JSON,
            body,
            location: None,
            policy: None,
            count: None,
        }
    }
}

/// A validation error collected while checking a request body.
#[derive(Clone, Debug)]
pub(crate) struct FieldError {
    pub(crate) code: Code,
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            code,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Each error's code and field, to compare with a list in tests.
#[cfg(test)]
pub(crate) fn named(errors: &[FieldError]) -> Vec<(u32, &str)> {
    errors
        .iter()
        .map(|e| (e.code.number, e.field.as_str()))
        .collect()
}

/// The standard "no such payment" answer.
pub(crate) fn payment_not_found(id: impl std::fmt::Display) -> Refusal {
    Refusal::global(404, PAYMENT_NOT_FOUND, format!("payment {id} not found"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_every_key() {
        let reply = Refusal::field(409, WRONG_AMOUNT, "amount", "too much").into_reply();
        assert_eq!(reply.status, 409);
        let value: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        let error = &value["errors"][0];
        assert_eq!(error["scope"], "F");
        assert_eq!(error["field"], "amount");
        assert_eq!(error["error_code"], 332);
        assert_eq!(error["error_name"], "PAYMENT_WRONG_AMOUNT");
        assert_eq!(error["message"], "too much");
        assert!(error["description"].is_null());
        assert!(value["date_issued"].as_str().unwrap().ends_with("+0000"));
        let detail: gopay::ApiErrorDetail = serde_json::from_value(error.clone()).unwrap();
        assert_eq!(detail.error_code, 332);
    }
}
