//! The OAuth2 token request: `POST {api}/oauth2/token` with client credentials.

use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use serde::Deserialize;
use ureq::http::Method;

use super::cache::CachedToken;
use crate::error::{parse_error_details, Error};
use crate::event::ExchangeKind;
use crate::secret::Secret;
use crate::transport::Payload;
use crate::transport::{Exchanger, Request};

/// GoPay documents a 30 minute lifetime; used when an answer omits `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(1800);

/// A token answer is a few hundred bytes; anything far larger is not one.
const MAX_TOKEN_BODY: u64 = 64 * 1024;

/// Everything needed to ask for a token, prepared once per client.
pub(crate) struct TokenEndpoint {
    url: String,
    /// `Basic base64(client_id:client_secret)` (RFC 7617, UTF-8).
    authorization: Secret,
    /// `grant_type=client_credentials&scope=…`.
    form: String,
    client_secret: Secret,
}

impl TokenEndpoint {
    pub(crate) fn new(api_base: &str, client_id: &str, secret: &Secret, scope: &str) -> Self {
        let credentials = format!("{client_id}:{}", secret.expose());
        TokenEndpoint {
            url: format!("{api_base}/oauth2/token"),
            authorization: Secret::new(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials)
            )),
            form: format!("grant_type=client_credentials&scope={scope}"),
            client_secret: secret.clone(),
        }
    }

    /// What an error answer must never quote: the credentials in every form we sent them.
    fn secrets(&self) -> [&str; 3] {
        let header = self.authorization.expose();
        [
            header,
            header.trim_start_matches("Basic "),
            self.client_secret.expose(),
        ]
    }

    /// Asks GoPay for a new token through `exchanger`, before `deadline`; its expiry counts
    /// from the moment the request was sent.
    pub(crate) fn fetch(
        &self,
        exchanger: &Exchanger,
        deadline: Instant,
    ) -> Result<CachedToken, Error> {
        let sent_at = SystemTime::now();
        let response = exchanger.send(
            &Request {
                kind: ExchangeKind::Token,
                method: Method::POST,
                path: "/oauth2/token",
                url: &self.url,
                authorization: self.authorization.expose(),
                origin: None,
                payload: &Payload::Form(self.form.clone()),
                body_limit: MAX_TOKEN_BODY,
                // Creates nothing: repeating it cannot charge anyone.
                repeatable: true,
                token_refreshed: false,
            },
            deadline,
        )?;
        let status = response.status;
        match status {
            200..=299 if !is_not_json(&response.body) => decode(&response.body, status, sent_at),
            // OAuth2's answers to refused credentials or scope (RFC 6749 §5.2).
            400 | 401 | 403 => Err(Error::Auth {
                status: Some(status),
                errors: parse_error_details(&response.body, &self.secrets()),
                message: "the token endpoint refused the client credentials or scope".into(),
            }),
            429 | 500..=599 => Err(Error::Api {
                status,
                errors: parse_error_details(&response.body, &self.secrets()),
            }),
            // A 404, a redirect or a web page: whatever answered is not GoPay's token
            // endpoint, so the credentials were never checked. Say so instead of blaming them.
            _ => Err(Error::config(format!(
                "the token endpoint {} answered HTTP {status}{}: this is not GoPay's API; \
                 check the gateway URL (e.g. {})",
                self.url,
                if (200..300).contains(&status) {
                    " with something that is not a token answer"
                } else {
                    ""
                },
                crate::SANDBOX_URL,
            ))),
        }
    }
}

/// Whether `body` is a web page or text rather than JSON: what sits at a wrong URL answers
/// like that. (An empty or cut-off body is a broken answer, decoded and refused as such.)
fn is_not_json(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| !matches!(b, b'{' | b'['))
}

/// [`decode`] for the fuzz tests.
#[cfg(test)]
pub(crate) fn decode_for_tests(body: &[u8]) -> Result<CachedToken, Error> {
    decode(body, 200, SystemTime::now())
}

/// Decodes a token answer. Errors never quote the body: it may hold a token.
fn decode(body: &[u8], status: u16, sent_at: SystemTime) -> Result<CachedToken, Error> {
    let bad = |message: String| Error::Decode {
        status,
        message,
        snippet: String::new(),
    };
    #[derive(Deserialize)]
    struct Answer {
        access_token: Option<serde_json::Value>,
        token_type: Option<serde_json::Value>,
        expires_in: Option<serde_json::Value>,
    }
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        bad(format!(
            "the token answer is not a JSON object ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    let access_token = match answer.access_token {
        Some(serde_json::Value::String(token)) => token,
        _ => return Err(bad("the token answer has no access_token string".into())),
    };
    // The token goes into a header: refuse what cannot be sent verbatim.
    if !super::cache::is_sendable_access_token(&access_token) {
        return Err(bad(
            "the access_token is empty, too long or not printable ASCII".into(),
        ));
    }
    let token_type = match answer.token_type {
        None | Some(serde_json::Value::Null) => "bearer".to_owned(),
        Some(serde_json::Value::String(kind)) if kind.eq_ignore_ascii_case("bearer") => kind,
        Some(_) => return Err(bad("the token_type is not bearer".into())),
    };
    let lifetime = match answer.expires_in {
        None | Some(serde_json::Value::Null) => DEFAULT_LIFETIME,
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| {
                bad(format!(
                    "expires_in {n} is not a positive number of seconds"
                ))
            })?,
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| bad("expires_in is not a positive number of seconds".into()))?,
        Some(_) => return Err(bad("expires_in is not a number".into())),
    };
    let expires_at = sent_at
        .checked_add(lifetime)
        .ok_or_else(|| bad("expires_in is out of range".into()))?;
    Ok(CachedToken::new(access_token, token_type, expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_follow_rfc_7617() {
        let ep = TokenEndpoint::new(
            "https://gw.sandbox.gopay.com/api",
            "1234",
            &Secret::new("sec"),
            "payment-all",
        );
        assert_eq!(ep.authorization.expose(), "Basic MTIzNDpzZWM=");
        assert_eq!(ep.form, "grant_type=client_credentials&scope=payment-all");
        assert_eq!(ep.url, "https://gw.sandbox.gopay.com/api/oauth2/token");
        // UTF-8 credentials are encoded as UTF-8 bytes.
        let ep = TokenEndpoint::new("x", "ž", &Secret::new("é"), "payment-all");
        assert_eq!(ep.authorization.expose(), "Basic xb46w6k=");
    }

    #[test]
    fn expiry_counts_from_the_request() {
        let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let t = decode(
            br#"{"token_type":"bearer","access_token":"AAA+/=","expires_in":1800}"#,
            200,
            sent,
        )
        .unwrap();
        assert_eq!(t.expires_at(), sent + Duration::from_secs(1800));
        assert_eq!(t.access_token(), "AAA+/=");
        let t = decode(br#"{"access_token":"A","expires_in":"60"}"#, 200, sent).unwrap();
        assert_eq!(t.expires_at(), sent + Duration::from_secs(60));
        let t = decode(br#"{"access_token":"A"}"#, 200, sent).unwrap();
        assert_eq!(t.expires_at(), sent + DEFAULT_LIFETIME);
    }

    #[test]
    fn bad_answers_are_decode_errors_without_the_body() {
        for body in [
            &b"<html>"[..],
            b"",
            br#"{"access_token":""}"#,
            br#"{"access_token":"SECRET TOKEN"}"#,
            br#"{"access_token":"SECRETTOKEN","expires_in":0}"#,
            br#"{"access_token":"SECRETTOKEN","expires_in":-5}"#,
            br#"{"access_token":"SECRETTOKEN","expires_in":"soon"}"#,
            br#"{"access_token":"SECRETTOKEN","token_type":"mac"}"#,
            br#"{"access_token":12345}"#,
            br#"[1,2]"#,
        ] {
            let err = decode(body, 200, SystemTime::now()).unwrap_err();
            assert!(matches!(err, Error::Decode { .. }), "{err:?}");
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("SECRET"), "{shown}");
        }
    }
}
