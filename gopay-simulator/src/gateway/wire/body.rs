//! A request body as a JSON object, read the way its content type says: a JSON object, or
//! the pairs of a form as text fields (GoPay's form bodies: `amount=1000`, or empty).

use serde_json::{Map, Value};

use crate::gateway::api::Media;
use crate::gateway::form;
use crate::gateway::responses::{Refusal, INVALID_REQUEST};
use crate::server::record::RecordedRequest;

/// The body of `request` as a JSON object, read as `media` (an ignored body is empty).
///
/// # Errors
///
/// `400` with error 116 for a body that is not a JSON object, or not a UTF-8 form.
pub(crate) fn object(
    request: &RecordedRequest,
    media: Media,
) -> Result<Map<String, Value>, Refusal> {
    match media {
        Media::Ignored => Ok(Map::new()),
        Media::Json => json_object(&request.body),
        Media::Form => {
            let pairs = form::parse(&request.body).ok_or_else(|| {
                Refusal::global(
                    400,
                    INVALID_REQUEST,
                    "the body must be application/x-www-form-urlencoded UTF-8",
                )
            })?;
            let mut fields = Map::new();
            for (name, value) in pairs {
                // The first of repeated names counts, as when reading a form field.
                fields.entry(name).or_insert(Value::String(value));
            }
            Ok(fields)
        }
    }
}

/// `bytes` as a JSON object.
///
/// # Errors
///
/// `400` with error 116 when they are not JSON, or not an object.
pub(crate) fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(Refusal::global(
            400,
            INVALID_REQUEST,
            "the body must be a JSON object",
        )),
        Err(e) => Err(Refusal::global(
            400,
            INVALID_REQUEST,
            format!("the body is not valid JSON: {e}"),
        )),
    }
}
