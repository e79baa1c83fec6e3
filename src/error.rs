//! [`Error`], the one error type of every operation, and GoPay's error details.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::secret::{redact, redact_authorization};
use crate::text::one_line;

/// One element of the `errors[]` list GoPay answers a refused request with.
///
/// GoPay documents the codes in its API reference: `1xx` are global, `2xx` authentication
/// (`200` unauthorised access, `202` wrong credentials), `3xx` payment errors (e.g. `342`
/// recurrence stopped, `351` capture already done, `360` items do not add up to the amount).
///
/// ```
/// let detail: gopay::ApiErrorDetail = serde_json::from_str(
///     r#"{"scope":"F","field":"email","error_code":112,"error_name":"NOT_UNIQUE","message":"E-mail already existed."}"#,
/// ).unwrap();
/// assert_eq!(detail.error_code, 112);
/// assert_eq!(detail.field.as_deref(), Some("email"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    /// `G` for a global error, `F` for an error of one field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The field the error is about, for field errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// GoPay's numeric error code (`0` when GoPay sent none).
    #[serde(default, deserialize_with = "lenient_code")]
    pub error_code: u32,
    /// GoPay's symbolic error name, e.g. `PAYMENT_REFUND_NOT_SUPPORTED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_name: Option<String>,
    /// Human readable text, localised by the client's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Technical description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// GoPay sends codes as numbers; accept numeric strings too, and `null` as 0.
fn lenient_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    use serde::de::Error as _;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(0),
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| D::Error::custom(format!("error_code {n} out of range"))),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| D::Error::custom(format!("error_code {s:?} is not a number"))),
        Some(other) => Err(D::Error::custom(format!(
            "error_code must be a number, got {other}"
        ))),
    }
}

impl ApiErrorDetail {
    /// Whether this is one of GoPay's authentication/authorisation codes (200–203).
    pub fn is_auth_code(&self) -> bool {
        (200..=203).contains(&self.error_code)
    }

    /// Replaces every form of every secret (see [`redact`]) wherever a (misbehaving)
    /// server echoed it back.
    pub(crate) fn redact(&mut self, secrets: &[&str]) {
        for text in [
            &mut self.scope,
            &mut self.field,
            &mut self.error_name,
            &mut self.message,
            &mut self.description,
        ]
        .into_iter()
        .flatten()
        {
            if let Cow::Owned(redacted) = redact(text, secrets) {
                *text = redacted;
            }
        }
    }
}

impl fmt::Display for ApiErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error_code)?;
        if let Some(name) = &self.error_name {
            write!(f, " {}", one_line(name))?;
        }
        if let Some(field) = &self.field {
            write!(f, " (field {})", one_line(field))?;
        }
        if let Some(message) = self.message.as_ref().or(self.description.as_ref()) {
            write!(f, ": {}", one_line(message))?;
        }
        Ok(())
    }
}

/// The error of every `gopay` operation.
///
/// Match on the variant to decide what to do, or use the accessors that work whatever the
/// variant: [`status`](Error::status), [`api_errors`](Error::api_errors),
/// [`is_timeout`](Error::is_timeout) and [`is_auth`](Error::is_auth).
///
/// Neither `Display` nor `Debug` ever contain the client secret, an access token or a whole
/// response body.
///
/// ```
/// # fn handle(result: Result<gopay::Payment, gopay::Error>) {
/// match result {
///     Ok(payment) => println!("created {}", payment.id),
///     Err(err) if err.is_timeout() => eprintln!("timed out, query the status later: {err}"),
///     Err(err) if err.api_errors().iter().any(|e| e.error_code == 360) => {
///         eprintln!("item amounts do not add up: {err}")
///     }
///     Err(err) => eprintln!("payment failed: {err}"),
/// }
/// # }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Error {
    /// GoPay answered with an HTTP error status and usually a list of [`ApiErrorDetail`]s.
    ///
    /// - **4xx**: GoPay refused this request (wrong field, wrong state, missing scope);
    ///   sending the same request again will not help: fix it.
    /// - **429 and 5xx**: GoPay could not handle it now. A GET was already repeated by the
    ///   client (see [`ClientBuilder::max_retries`](crate::ClientBuilder::max_retries)) and
    ///   may be tried again later. A POST or DELETE may still have been carried out:
    ///   [`outcome_unknown`](Error::outcome_unknown) is true, and the operation's
    ///   documentation says how to find out before repeating it.
    #[non_exhaustive]
    Api {
        /// The HTTP status GoPay answered with (4xx or 5xx).
        status: u16,
        /// GoPay's `errors[]`, empty when the body held none.
        errors: Vec<ApiErrorDetail>,
    },
    /// Authentication failed: the token endpoint refused the credentials or the scope, or
    /// the API refused a freshly obtained token. Check the client id, secret and scope.
    #[non_exhaustive]
    Auth {
        /// The HTTP status, when a server answered.
        status: Option<u16>,
        /// GoPay's `errors[]`, empty when there were none.
        errors: Vec<ApiErrorDetail>,
        /// What failed, in one line.
        message: String,
    },
    /// The request or its response did not make it over the network: DNS, connection
    /// refused, TLS, a broken connection or the call's timeout.
    ///
    /// `request_sent` tells the two cases apart: `false` when the request provably never
    /// left this machine (name lookup, connection set-up, TLS handshake, or the time ran out
    /// before sending), `true` when it may have reached GoPay. Then GoPay may have carried it
    /// out ([`outcome_unknown`](Error::outcome_unknown)): for a POST, find out as the
    /// operation's documentation says before you repeat it.
    #[non_exhaustive]
    Transport {
        /// What failed, in one line.
        message: String,
        /// Whether the call ran out of its time budget.
        timeout: bool,
        /// Whether the request may have reached GoPay (`false`: it never left this machine).
        request_sent: bool,
        /// The underlying error, for its `source()` chain.
        source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// The response could not be decoded into the expected type.
    #[non_exhaustive]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// What was wrong, in one line.
        message: String,
        /// The first characters of the body (never of a token response).
        snippet: String,
    },
    /// The input was refused before anything was sent.
    #[non_exhaustive]
    InvalidInput {
        /// The field (or parameter) that was wrong.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The client configuration is invalid: refused by
    /// [`ClientBuilder::build`](crate::ClientBuilder::build) or
    /// [`Config::from_env`](crate::Config::from_env), or shown wrong by the gateway itself
    /// (the token endpoint answered a 404, a redirect or a web page: the gateway URL does not
    /// lead to GoPay's API, so the credentials were never checked).
    #[non_exhaustive]
    Config {
        /// What is wrong with it.
        message: String,
        /// When the gateway URL was refused: why, in words that never quote the URL (e.g.
        /// `"must use https"`), so that a tool can show the URL its own way.
        gateway_url_problem: Option<&'static str>,
    },
}

/// What kind of failure an [`Error`] is, from [`Error::kind`]: the one classification the
/// `gopay` command's exit codes and the C library's `"kind"` are derived from. More kinds
/// may come in later releases, so a `match` on it needs a `_` arm.
///
/// ```
/// # fn pay(client: &gopay::Client) -> Result<(), gopay::Error> {
/// match client.get_status(3000006529) {
///     Ok(payment) => println!("{:?}", payment.state),
///     Err(err) => match err.kind() {
///         gopay::ErrorKind::Transport => eprintln!("try again later: {err}"),
///         gopay::ErrorKind::Auth | gopay::ErrorKind::Config => eprintln!("check the set-up: {err}"),
///         _ => eprintln!("failed: {err}"),
///     },
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// GoPay answered with an error status ([`Error::Api`]), other than a refused token.
    Api,
    /// The credentials, the scope or the token were refused ([`Error::Auth`], or an
    /// [`Error::Api`] refusing the access token: see [`Error::is_auth`]).
    Auth,
    /// The request or its answer did not make it over the network, or the time ran out
    /// ([`Error::Transport`]).
    Transport,
    /// An answer could not be decoded ([`Error::Decode`]).
    Decode,
    /// The input was refused before anything was sent ([`Error::InvalidInput`]).
    InvalidInput,
    /// The configuration is wrong ([`Error::Config`]).
    Config,
}

impl ErrorKind {
    /// The kind's name in `snake_case`: `"api"`, `"auth"`, `"transport"`, `"decode"`,
    /// `"invalid_input"` or `"config"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Api => "api",
            ErrorKind::Auth => "auth",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Config => "config",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// An [`Error::InvalidInput`] for `field`.
    pub fn invalid_input(field: &'static str, message: impl Into<String>) -> Error {
        Error::InvalidInput {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
            gateway_url_problem: None,
        }
    }

    /// The refusal of the gateway URL `shown` (as `config::display_url` shows it, redacted)
    /// because it `problem`.
    pub(crate) fn gateway_url(shown: &str, problem: &'static str) -> Error {
        Error::Config {
            message: format!("gateway URL {shown} {problem}"),
            gateway_url_problem: Some(problem),
        }
    }

    /// The call's time ran out before its request was sent.
    pub(crate) fn timed_out(what: &str) -> Error {
        Error::Transport {
            message: format!("timed out {what}"),
            timeout: true,
            request_sent: false,
            source: None,
        }
    }

    /// What kind of failure this is: the one classification callers and the workspace's
    /// tools decide by. An API answer that refused the access token is
    /// [`ErrorKind::Auth`], like an [`Error::Auth`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api { status, errors } if is_token_refusal(*status, errors) => ErrorKind::Auth,
            Error::Api { .. } => ErrorKind::Api,
            Error::Auth { .. } => ErrorKind::Auth,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Config { .. } => ErrorKind::Config,
        }
    }

    /// The HTTP status GoPay answered with, when the error comes from an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Auth { status, .. } => *status,
            _ => None,
        }
    }

    /// GoPay's `errors[]` list; empty when the error carries none.
    pub fn api_errors(&self) -> &[ApiErrorDetail] {
        match self {
            Error::Api { errors, .. } | Error::Auth { errors, .. } => errors,
            _ => &[],
        }
    }

    /// Whether the call ran out of its time budget.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { timeout: true, .. })
    }

    /// Whether GoPay may have carried out the request although the call failed, so that
    /// repeating it blindly could act twice (create a second payment, refund twice):
    ///
    /// - a transport failure after the request may have reached GoPay
    ///   (`Transport { request_sent: true, .. }`: a timeout while waiting for the answer, a
    ///   connection broken mid-exchange);
    /// - a success status whose body could not be decoded (`Decode` with a 2xx status);
    /// - a 5xx answer (`Api` with status 500–599): GoPay may have failed after acting.
    ///
    /// `false` means GoPay did not act on it: it refused the request (4xx), the request never
    /// left this machine, or the input or configuration was refused before sending. For GETs
    /// the question does not matter: they change nothing. Each money-moving operation's
    /// documentation says how to find out what happened (e.g. read
    /// [`get_status`](crate::Client::get_status) or
    /// [`get_history_of_refunds`](crate::Client::get_history_of_refunds)).
    ///
    /// ```
    /// # fn refund(client: &gopay::Client, id: u64) -> Result<(), gopay::Error> {
    /// match client.refund_payment(id, 5000) {
    ///     Ok(result) => println!("refund {:?}", result.result),
    ///     Err(err) if err.outcome_unknown() => {
    ///         // Do not refund again blindly: look at what GoPay holds first.
    ///         let refunds = client.get_history_of_refunds(id)?;
    ///         println!("{} refunds recorded", refunds.len());
    ///     }
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport { request_sent, .. } => *request_sent,
            Error::Decode { status, .. } => (200..300).contains(status),
            Error::Api { status, .. } => (500..600).contains(status),
            _ => false,
        }
    }

    /// Whether the credentials or the token were refused: an [`Error::Auth`], or an
    /// [`Error::Api`] whose answer refused the access token (401, or 403 with one of
    /// GoPay's authentication codes 200–203).
    pub fn is_auth(&self) -> bool {
        self.kind() == ErrorKind::Auth
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, errors } => {
                write!(f, "GoPay refused the request (HTTP {status})")?;
                write_details(f, errors)
            }
            Error::Auth {
                status,
                errors,
                message,
            } => {
                write!(f, "authentication failed: {}", one_line(message))?;
                if let Some(status) = status {
                    write!(f, " (HTTP {status})")?;
                }
                write_details(f, errors)
            }
            Error::Transport { message, .. } => write!(f, "transport error: {}", one_line(message)),
            Error::Decode {
                status,
                message,
                snippet,
            } => {
                write!(
                    f,
                    "could not decode the response (HTTP {status}): {}",
                    one_line(message)
                )?;
                if !snippet.is_empty() {
                    write!(f, "; body starts with {:?}", snippet)?;
                }
                Ok(())
            }
            Error::InvalidInput { field, message } => {
                write!(f, "invalid {field}: {}", one_line(message))
            }
            Error::Config { message, .. } => {
                write!(f, "invalid configuration: {}", one_line(message))
            }
        }
    }
}

fn write_details(f: &mut fmt::Formatter<'_>, errors: &[ApiErrorDetail]) -> fmt::Result {
    for (i, e) in errors.iter().enumerate() {
        f.write_str(if i == 0 { ": " } else { "; " })?;
        write!(f, "{e}")?;
    }
    Ok(())
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// Whether an API answer refused the access token, so that a new one may help: a 401, or a
/// 403 with one of GoPay's authentication codes (200–203). The one rule for both the
/// client's re-authentication and [`Error::is_auth`].
pub(crate) fn is_token_refusal(status: u16, errors: &[ApiErrorDetail]) -> bool {
    status == 401 || (status == 403 && errors.iter().any(ApiErrorDetail::is_auth_code))
}

/// GoPay's error details with every form of every secret in `secrets` replaced (see
/// [`redact`]).
pub(crate) fn parse_error_details(body: &[u8], secrets: &[&str]) -> Vec<ApiErrorDetail> {
    let mut errors = parse_error_body(body).unwrap_or_default();
    for error in &mut errors {
        error.redact(secrets);
    }
    errors
}

/// Characters of the body an [`Error::Decode`] shows.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// The [`Error::Decode`] of an answer (of any status) whose body is not what was expected.
///
/// Its snippet is the start of the body with every form of every secret in `secrets`
/// replaced (see [`redact`]), and any credential that follows `Bearer` or `Basic` too, so
/// that a gateway or proxy quoting the request's `Authorization` header shows nothing.
/// `secrets` should hold everything the request carried: the access token it was sent
/// with, the client secret, and `client_id:client_secret` (whose base64 forms cover the
/// Basic credentials).
pub(crate) fn decode_error(
    status: u16,
    message: impl Into<String>,
    body: &[u8],
    secrets: &[&str],
) -> Error {
    Error::Decode {
        status,
        message: message.into(),
        snippet: redacted_snippet(body, SNIPPET_CHARS, secrets),
    }
}

/// At most `max` characters of the start of `body`, redacted like [`decode_error`]'s.
///
/// Redaction happens before the cut, on a window long enough to hold any encoded form of
/// a secret that starts within the first `max` characters, so that no secret shows even
/// partly at the cut.
pub(crate) fn redacted_snippet(body: &[u8], max: usize, secrets: &[&str]) -> String {
    let longest = secrets.iter().map(|s| s.len()).max().unwrap_or(0);
    // Percent-encoding the base64 form of a secret takes at most 4 characters per byte.
    let window = snippet(body, max + 4 * longest + 64);
    let redacted = redact(&window, secrets);
    let redacted = redact_authorization(&redacted).into_owned();
    redacted.chars().take(max).collect()
}

/// The envelope GoPay wraps errors in: `{"date_issued": …, "errors": [ … ]}`, or a bare
/// error object. Returns `None` when the body holds neither.
pub(crate) fn parse_error_body(body: &[u8]) -> Option<Vec<ApiErrorDetail>> {
    #[derive(Deserialize)]
    struct Envelope {
        errors: Vec<ApiErrorDetail>,
    }
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
        return Some(envelope.errors);
    }
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .filter(|v| v.get("error_code").is_some())
        .and_then(|v| serde_json::from_value::<ApiErrorDetail>(v).ok())
        .map(|detail| vec![detail])
}

/// At most `max` characters of a body, for error messages.
pub(crate) fn snippet(body: &[u8], max: usize) -> String {
    String::from_utf8_lossy(body).chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_with_string_or_number_date_parses() {
        for date in [r#""2024-09-03T14:12:37.123+0200""#, "1390336022001", "null"] {
            let body = format!(
                r#"{{"date_issued":{date},"errors":[{{"scope":"G","field":null,"error_code":"342","error_name":"PAYMENT_RECURRENCE_STOPPED","message":"Stopped","description":null,"new":1}}]}}"#
            );
            let errors = parse_error_body(body.as_bytes()).unwrap();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].error_code, 342);
            assert_eq!(
                errors[0].error_name.as_deref(),
                Some("PAYMENT_RECURRENCE_STOPPED")
            );
        }
    }

    #[test]
    fn bare_error_object_parses() {
        let errors = parse_error_body(
            br#"{"scope":"G","field":null,"error_code":500,"error_name":null,"message":"Error","description":null}"#,
        )
        .unwrap();
        assert_eq!(errors[0].error_code, 500);
    }

    #[test]
    fn non_error_bodies_are_none() {
        assert!(parse_error_body(b"<html>502</html>").is_none());
        assert!(parse_error_body(br#"{"id":1}"#).is_none());
        assert!(parse_error_body(b"").is_none());
    }

    #[test]
    fn kind_is_the_one_classification() {
        let api = |status, codes: &[u32]| Error::Api {
            status,
            errors: codes
                .iter()
                .map(|code| ApiErrorDetail {
                    scope: None,
                    field: None,
                    error_code: *code,
                    error_name: None,
                    message: None,
                    description: None,
                })
                .collect(),
        };
        assert_eq!(api(409, &[330]).kind(), ErrorKind::Api);
        assert_eq!(api(500, &[]).kind(), ErrorKind::Api);
        assert_eq!(
            api(403, &[]).kind(),
            ErrorKind::Api,
            "403 without an auth code"
        );
        // A refused token is an authentication failure, whichever variant carries it.
        assert_eq!(api(401, &[]).kind(), ErrorKind::Auth);
        assert_eq!(api(403, &[202]).kind(), ErrorKind::Auth);
        assert_eq!(Error::timed_out("x").kind(), ErrorKind::Transport);
        assert_eq!(Error::config("x").kind(), ErrorKind::Config);
        assert_eq!(
            Error::invalid_input("f", "x").kind(),
            ErrorKind::InvalidInput
        );
        for kind in [ErrorKind::Api, ErrorKind::Auth, ErrorKind::InvalidInput] {
            assert!(!kind.as_str().is_empty() && kind.to_string() == kind.as_str());
        }
        assert_eq!(ErrorKind::InvalidInput.as_str(), "invalid_input");
    }

    #[test]
    fn display_is_one_line() {
        let err = Error::Api {
            status: 409,
            errors: vec![ApiErrorDetail {
                error_code: 111,
                error_name: Some("WRONG\nFORMAT".into()),
                field: Some("amount".into()),
                message: Some("bad\r\nvalue".into()),
                ..Default::default()
            }],
        };
        let text = err.to_string();
        assert!(!text.contains('\n') && !text.contains('\r'), "{text}");
        assert!(text.contains("HTTP 409") && text.contains("111"), "{text}");
    }

    #[test]
    fn decode_snippets_never_show_a_secret_even_at_the_cut() {
        let token = "ToKeN-1+/=";
        for start in [0, 150, 195, 199, 200] {
            let body = format!("{}Bearer {token} and {token}", "x".repeat(start));
            let err = decode_error(200, "expected value", body.as_bytes(), &[token]);
            let Error::Decode { snippet, .. } = &err else {
                unreachable!()
            };
            assert!(snippet.chars().count() <= SNIPPET_CHARS);
            let shown = format!("{err} {err:?}");
            for part in ["ToKeN", "+/="] {
                assert!(!shown.contains(part), "{start}: {shown}");
            }
        }
        // An unknown token after `Bearer` is redacted too; the rest of the body stays.
        let err = decode_error(200, "m", b"<p>Authorization: Bearer unknown-1</p>", &[]);
        let shown = err.to_string();
        assert!(shown.contains("Bearer [redacted]</p>"), "{shown}");
    }

    #[test]
    fn error_details_hide_every_form_of_a_secret() {
        let secret = "SeCrEt-h2XzF9q/+";
        let body = format!(
            r#"{{"errors":[{{"error_code":111,"message":"got {}","description":"{}","field":"{}"}}]}}"#,
            "SeCrEt-h2XzF9q%2F%2B", "U2VDckV0LWgyWHpGOXEvKw==", "U2VDckV0LWgyWHpGOXEvKw"
        );
        let errors = parse_error_details(body.as_bytes(), &[secret]);
        let shown = format!("{errors:?}");
        assert!(
            !shown.contains("SeCrEt") && !shown.contains("U2VDckV0"),
            "{shown}"
        );
        assert_eq!(errors[0].message.as_deref(), Some("got [redacted]"));
    }

    #[test]
    fn one_rule_decides_a_refused_token() {
        let auth = |code| ApiErrorDetail {
            error_code: code,
            ..Default::default()
        };
        assert!(is_token_refusal(401, &[]));
        assert!(is_token_refusal(403, &[auth(200)]) && is_token_refusal(403, &[auth(203)]));
        assert!(!is_token_refusal(403, &[]) && !is_token_refusal(403, &[auth(111)]));
        assert!(!is_token_refusal(400, &[auth(202)]) && !is_token_refusal(500, &[auth(200)]));
        let api = |status, errors| Error::Api { status, errors };
        assert!(api(401, vec![]).is_auth() && api(403, vec![auth(202)]).is_auth());
        assert!(!api(409, vec![auth(200)]).is_auth() && !api(403, vec![]).is_auth());
    }

    #[test]
    fn display_neutralises_bidi_overrides() {
        let err = Error::invalid_input("x", "a\u{202e}b\u{2066}c");
        assert_eq!(err.to_string(), "invalid x: a b c");
    }

    #[test]
    fn snippet_respects_char_boundaries() {
        assert_eq!(snippet("žluťoučký".as_bytes(), 3), "žlu");
    }
}
