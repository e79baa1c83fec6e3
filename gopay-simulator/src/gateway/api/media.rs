//! The request content types each endpoint consumes, and the answer to any other: one table
//! for the whole API (GOPAY_API §3, column "CT").
//!
//! GoPay's gateway is a JAX-RS application (RESTEasy): an endpoint consumes the media types
//! it declares, a request without `Content-Type` is matched to the endpoint anyway (GoPay's
//! Python SDK sends its body-less POSTs without one), and any other type is answered `500`
//! with RESTEasy's message "RESTEASY003065: Cannot consume content type", error 500 in
//! scope `F`, as a community PHP client met on `void-recurrence` with a JSON body
//! (contributte/gopay-inline, pull request 98). Endpoints without a body (GETs, DELETE)
//! take any `Content-Type`: GoPay's SDKs send none, the form type or JSON there.

use super::Endpoint;
use crate::gateway::responses::Refusal;
use crate::server::record::RecordedRequest;

/// `application/json`.
const JSON: MediaType<'static> = MediaType {
    kind: "application",
    subtype: "json",
};
/// `application/x-www-form-urlencoded`.
const FORM: MediaType<'static> = MediaType {
    kind: "application",
    subtype: "x-www-form-urlencoded",
};

/// What an endpoint's request body may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Consumes {
    /// No body is read: any `Content-Type` passes.
    Anything,
    /// `application/json` only.
    Json,
    /// `application/x-www-form-urlencoded` only (empty for GoPay's body-less POSTs).
    Form,
    /// Either: the form for the amount-only variant, JSON for the one with items.
    FormOrJson,
}

/// The content types of every endpoint, as GoPay's gateway consumes them.
pub(super) fn consumes(endpoint: &Endpoint<'_>) -> Consumes {
    use Endpoint as E;
    match endpoint {
        E::CreatePayment | E::CreateRecurrence(_) | E::AccountStatement | E::FindEetReceipts => {
            Consumes::Json
        }
        E::Refund(_) | E::Capture(_) => Consumes::FormOrJson,
        E::VoidRecurrence(_) | E::VoidAuthorization(_) => Consumes::Form,
        E::Status(_)
        | E::Refunds(_)
        | E::QrPayment(_)
        | E::EetReceipts(_)
        | E::Instruments(..)
        | E::Card(_)
        | E::DeleteCard(_) => Consumes::Anything,
    }
}

/// The token endpoint's: the OAuth2 form (RFC 6749 §4.4).
pub(super) const TOKEN: Consumes = Consumes::Form;

/// How the body of an accepted request is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Media {
    /// Not at all (the endpoint takes no body).
    Ignored,
    /// As JSON.
    Json,
    /// As `application/x-www-form-urlencoded`.
    Form,
}

/// How `request`'s body is read by an endpoint that `consumes` it.
///
/// # Errors
///
/// GoPay's `500` "RESTEASY003065: Cannot consume content type" when its `Content-Type` is
/// not one the endpoint consumes.
pub(super) fn negotiate(consumes: Consumes, request: &RecordedRequest) -> Result<Media, Refusal> {
    if consumes == Consumes::Anything {
        return Ok(Media::Ignored);
    }
    let sent = request.header("Content-Type").map(MediaType::parse);
    let json = consumes != Consumes::Form && sent.is_none_or(|t| t.compatible(&JSON));
    let form = consumes != Consumes::Json && sent.is_none_or(|t| t.compatible(&FORM));
    match (json, form) {
        (true, true) => {
            // No type, or a wildcard, with both accepted: JSON bodies are objects.
            let object = request.body.trim_ascii_start().starts_with(b"{");
            Ok(if object { Media::Json } else { Media::Form })
        }
        (true, false) => Ok(Media::Json),
        (false, true) => Ok(Media::Form),
        (false, false) => Err(cannot_consume()),
    }
}

/// GoPay's answer to a content type the endpoint does not consume.
fn cannot_consume() -> Refusal {
    Refusal::unnamed(500, "F", 500, "RESTEASY003065: Cannot consume content type")
}

/// A media type without its parameters, e.g. `application/json` of
/// `application/json; charset=UTF-8`.
#[derive(Clone, Copy, Debug)]
struct MediaType<'a> {
    kind: &'a str,
    subtype: &'a str,
}

impl<'a> MediaType<'a> {
    /// The type of a `Content-Type` value; one that does not parse matches nothing.
    fn parse(value: &'a str) -> MediaType<'a> {
        let essence = value.split(';').next().unwrap_or("").trim();
        let (kind, subtype) = essence.split_once('/').unwrap_or((essence, ""));
        MediaType {
            kind: kind.trim(),
            subtype: subtype.trim(),
        }
    }

    /// JAX-RS's compatibility: equal types and subtypes (case-insensitive), `*` matching any.
    fn compatible(&self, other: &MediaType<'_>) -> bool {
        let part =
            |a: &str, b: &str| !a.is_empty() && (a == "*" || b == "*" || a.eq_ignore_ascii_case(b));
        part(self.kind, other.kind) && part(self.subtype, other.subtype)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(content_type: Option<&str>, body: &[u8]) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            path: "/api/x".into(),
            headers: content_type
                .map(|t| vec![("Content-Type".to_owned(), t.to_owned())])
                .unwrap_or_default(),
            body: body.to_vec(),
            body_truncated: false,
        }
    }

    #[test]
    fn each_kind_takes_its_types_and_a_missing_one() {
        use Consumes as C;
        use Media as M;
        // (what the endpoint consumes, the request's type, its body, how it is read or
        // `None` when refused)
        type Case = (C, Option<&'static str>, &'static [u8], Option<M>);
        let cases: [Case; 16] = [
            (C::Json, Some("application/json"), b"{}", Some(M::Json)),
            (
                C::Json,
                Some("Application/JSON; charset=UTF-8"),
                b"{}",
                Some(M::Json),
            ),
            (C::Json, None, b"", Some(M::Json)),
            (
                C::Json,
                Some("application/x-www-form-urlencoded"),
                b"",
                None,
            ),
            (C::Json, Some("text/plain"), b"{}", None),
            (C::Json, Some("application/merge-patch+json"), b"{}", None),
            (
                C::Form,
                Some("application/x-www-form-urlencoded"),
                b"",
                Some(M::Form),
            ),
            (C::Form, None, b"", Some(M::Form)),
            (C::Form, Some("application/json"), b"{}", None),
            (C::Form, Some("garbage"), b"", None),
            (
                C::FormOrJson,
                Some("application/json"),
                b"{}",
                Some(M::Json),
            ),
            (
                C::FormOrJson,
                Some("application/x-www-form-urlencoded"),
                b"amount=1",
                Some(M::Form),
            ),
            (C::FormOrJson, None, b" {\"amount\":1}", Some(M::Json)),
            (C::FormOrJson, None, b"amount=1", Some(M::Form)),
            (C::FormOrJson, Some("*/*"), b"amount=1", Some(M::Form)),
            (C::Anything, Some("text/plain"), b"x", Some(M::Ignored)),
        ];
        for (consumes, content_type, body, expected) in cases {
            let got = negotiate(consumes, &request(content_type, body));
            match expected {
                Some(media) => assert_eq!(got.unwrap(), media, "{consumes:?} {content_type:?}"),
                None => {
                    let refusal = got.unwrap_err();
                    assert_eq!(
                        (refusal.status, refusal.code()),
                        (500, 500),
                        "{content_type:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_refusal_is_resteasys() {
        let reply = cannot_consume().into_reply();
        let value: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        let error = &value["errors"][0];
        assert_eq!(reply.status, 500);
        assert_eq!(error["scope"], "F");
        assert_eq!(error["error_code"], 500);
        assert!(error["field"].is_null() && error["error_name"].is_null());
        assert_eq!(
            error["message"],
            "RESTEASY003065: Cannot consume content type"
        );
    }
}
