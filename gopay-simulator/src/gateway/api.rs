//! Routing: which endpoint a request is for, the faults it suffers, the firewall, the
//! content type and token checks, the handler that answers it, and the recording of the
//! answer.

pub(crate) mod firewall;
mod media;

use std::sync::atomic::Ordering;

use crate::control;
use crate::gateway::auth::{self, Need, TokenPolicy};
use crate::gateway::endpoints;
use crate::gateway::responses::{Refusal, Reply, INVALID_REQUEST, SYSTEM_ERROR, UNAUTHORIZED};
use crate::gateway::v4;
use crate::page;
use crate::server::record::{Answer, RecordedRequest};
use crate::state::faults::{Action, FaultTarget};
use crate::state::shared::Shared;
pub(crate) use media::Media;

/// Path of the token endpoint.
const TOKEN_PATH: &str = "/api/oauth2/token";

/// The API endpoints (GOPAY_API §3 rows 1–18), with their path parameters.
#[derive(Debug, PartialEq, Eq)]
enum Endpoint<'a> {
    CreatePayment,
    Status(&'a str),
    Refund(&'a str),
    Refunds(&'a str),
    CreateRecurrence(&'a str),
    VoidRecurrence(&'a str),
    Capture(&'a str),
    VoidAuthorization(&'a str),
    QrPayment(&'a str),
    EetReceipts(&'a str),
    Instruments(&'a str, Option<&'a str>),
    AccountStatement,
    Card(&'a str),
    DeleteCard(&'a str),
    FindEetReceipts,
}

impl<'a> Endpoint<'a> {
    /// The endpoint of `method` and the path segments after `/api`.
    fn resolve(method: &str, segments: &[&'a str]) -> Option<Endpoint<'a>> {
        use Endpoint as E;
        Some(match (method, segments) {
            ("POST", ["payments", "payment"]) => E::CreatePayment,
            ("GET", ["payments", "payment", id]) => E::Status(id),
            ("POST", ["payments", "payment", id, "refund"]) => E::Refund(id),
            ("GET", ["payments", "payment", id, "refunds"]) => E::Refunds(id),
            ("POST", ["payments", "payment", id, "create-recurrence"]) => E::CreateRecurrence(id),
            ("POST", ["payments", "payment", id, "void-recurrence"]) => E::VoidRecurrence(id),
            ("POST", ["payments", "payment", id, "capture"]) => E::Capture(id),
            ("POST", ["payments", "payment", id, "void-authorization"]) => E::VoidAuthorization(id),
            ("GET", ["payments", "payment", id, "qr-payment"]) => E::QrPayment(id),
            ("GET", ["payments", "payment", id, "eet-receipts"]) => E::EetReceipts(id),
            ("GET", ["eshops", "eshop", goid, "payment-instruments"]) => E::Instruments(goid, None),
            ("GET", ["eshops", "eshop", goid, "payment-instruments", currency]) => {
                E::Instruments(goid, Some(currency))
            }
            ("POST", ["accounts", "account-statement"]) => E::AccountStatement,
            ("GET", ["payments", "cards", id]) => E::Card(id),
            ("DELETE", ["payments", "cards", id]) => E::DeleteCard(id),
            ("POST", ["eet-receipts"]) => E::FindEetReceipts,
            _ => return None,
        })
    }

    fn run(
        &self,
        shared: &Shared,
        request: &RecordedRequest,
        media: Media,
    ) -> Result<Reply, Refusal> {
        use Endpoint as E;
        match *self {
            E::CreatePayment => endpoints::create_payment(shared, request, media),
            E::Status(id) => endpoints::status(shared, id),
            E::Refund(id) => endpoints::refund(shared, request, media, id),
            E::Refunds(id) => endpoints::refunds(shared, id),
            E::CreateRecurrence(id) => endpoints::create_recurrence(shared, request, media, id),
            E::VoidRecurrence(id) => endpoints::void_recurrence(shared, id),
            E::Capture(id) => endpoints::capture(shared, request, media, id),
            E::VoidAuthorization(id) => endpoints::void_authorization(shared, id),
            E::QrPayment(id) => endpoints::qr_payment(shared, request, id),
            E::EetReceipts(id) => endpoints::eet_receipts(shared, id),
            E::Instruments(goid, currency) => endpoints::instruments(shared, goid, currency),
            E::AccountStatement => endpoints::account_statement(shared, request, media),
            E::Card(id) => endpoints::card(shared, id),
            E::DeleteCard(id) => endpoints::delete_card(shared, id),
            E::FindEetReceipts => endpoints::find_eet_receipts(shared, request, media),
        }
    }
}

/// Which fault queue a request draws from, if any.
fn target(route: &str) -> Option<FaultTarget> {
    if route == TOKEN_PATH {
        Some(FaultTarget::Token)
    } else if route == "/api" || route.starts_with("/api/") {
        Some(FaultTarget::Api)
    } else {
        None
    }
}

/// The whole answer to one request, recorded in the request log with it. Requests to the
/// control API are answered by [`control`] and left out of the log (and of faults), so a
/// test's own inspection never shows up in what it inspects.
pub(crate) fn answer(shared: &Shared, request: &RecordedRequest) -> Reply {
    if control::is_control(request.route()) {
        shared.log.lock().discard(request);
        return control::answer(shared, request);
    }
    let reply = answer_gateway(shared, request);
    let answer = Answer {
        status: reply.status,
        content_type: reply.content_type,
        body: reply.body.clone(),
    };
    shared.log.lock().answered(request, answer);
    reply
}

/// The gateway's answer: faults first, then the endpoint.
fn answer_gateway(shared: &Shared, request: &RecordedRequest) -> Reply {
    let target = target(request.route());
    if target == Some(FaultTarget::Token) && request.method == "POST" {
        shared.token_requests.fetch_add(1, Ordering::SeqCst);
    }
    let action = shared
        .faults
        .lock()
        .take_for(&request.method, request.route(), target);
    if let Some(reply) = action
        .as_ref()
        .and_then(|a| v4::faulted(shared, request, a))
    {
        return reply;
    }
    match action {
        Some(Action::Status(status)) => {
            return Refusal::global(status, SYSTEM_ERROR, "simulated gateway failure").into_reply()
        }
        Some(Action::RefuseToken) => {
            shared.tokens.lock().forget(request.header("Authorization"));
            return Refusal::global(401, UNAUTHORIZED, "the access token has been revoked")
                .into_reply();
        }
        Some(Action::Answer(reply)) => return Reply::clone(&reply),
        Some(Action::Delay(delay)) => shared.pause(delay),
        Some(Action::Malformed) | None => {}
    }
    let mut reply = route(shared, request);
    if action == Some(Action::Malformed) {
        let half = reply.body.len() / 2;
        reply.body.truncate(half);
    }
    reply
}

fn route(shared: &Shared, request: &RecordedRequest) -> Reply {
    let segments: Vec<&str> = request
        .route()
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let method = request.method.as_str();
    if segments.first() == Some(&"api") && firewall::blocks(shared.settings.firewall, request) {
        return firewall::refusal().into_reply();
    }
    match segments.as_slice() {
        ["api", "oauth2", "token"] if method == "POST" => {
            match media::negotiate(media::TOKEN, request) {
                Ok(_) => token(shared, request),
                Err(refusal) => refusal.into_reply(),
            }
        }
        ["api", rest @ ..] => api(shared, request, method, rest),
        ["gp-gw", "api", "4.0", rest @ ..] => v4::answer(shared, request, rest),
        // v4's card_form_url and its script (before the payment pages' `{id}`).
        ["gw", "v4", "card-form"] if method == "GET" => page::card_form::show(request.query()),
        ["gw", "v4", "card-form.js"] if method == "GET" => page::card_form::script(),
        ["gw", "v4", "3ds", payment] if method == "GET" => page::challenge::page(shared, payment),
        ["gw", "v4", "3ds", payment] if method == "POST" => {
            page::challenge::act(shared, payment, request)
        }
        // v4's gw_url: opened as v3's is, by a link or a form.
        ["gw", "v4", id] if method == "GET" || method == "POST" => {
            page::v4_checkout::show(shared, id)
        }
        ["gw", "v4", id, page::ACTION] if method == "POST" => {
            page::v4_checkout::act(shared, id, request)
        }
        // The customer page: opened by a link (GET) or by the shop's form (POST).
        ["gw", "v3", key] if method == "GET" || method == "POST" => {
            endpoints::gateway_page(shared, key)
        }
        ["gw", "v3", key, page::ACTION] if method == "POST" => page::act(shared, key, request),
        ["gp-gw", "js", "embed.js"] if method == "GET" => page::embed_js(),
        ["images", "checkout", file] if method == "GET" => {
            page::image(file).unwrap_or_else(|| not_found(method))
        }
        _ => not_found(method),
    }
}

fn not_found(method: &str) -> Reply {
    Refusal::global(
        404,
        INVALID_REQUEST,
        format!(
            "no such service ({} request)",
            method.chars().take(10).collect::<String>()
        ),
    )
    .into_reply()
}

fn token(shared: &Shared, request: &RecordedRequest) -> Reply {
    let settings = &shared.settings;
    let policy = TokenPolicy {
        client_id: &settings.client_id,
        client_secret: &settings.client_secret,
        lifetime: settings.token_lifetime,
    };
    let issued = auth::token_endpoint(
        &policy,
        request.header("Authorization"),
        &request.body,
        || shared.random.token(),
    );
    match issued {
        Ok((reply, token, scope)) => {
            shared
                .tokens
                .lock()
                .issue(token, scope, settings.token_lifetime);
            reply
        }
        Err(refusal) => refusal.into_reply(),
    }
}

fn api(shared: &Shared, request: &RecordedRequest, method: &str, segments: &[&str]) -> Reply {
    let Some(endpoint) = Endpoint::resolve(method, segments) else {
        return not_found(method);
    };
    // Like GoPay's gateway, the content type is matched with the endpoint, before the token
    // is looked at.
    let media = match media::negotiate(media::consumes(&endpoint), request) {
        Ok(media) => media,
        Err(refusal) => return refusal.into_reply(),
    };
    let need = if endpoint == Endpoint::CreatePayment {
        Need::Create
    } else {
        Need::All
    };
    let checked = shared
        .tokens
        .lock()
        .check(request.header("Authorization"), need);
    if let Err(refusal) = checked {
        return refusal.into_reply();
    }
    let reply = endpoint
        .run(shared, request, media)
        .unwrap_or_else(Refusal::into_reply);
    if endpoint == Endpoint::CreatePayment && reply.status == 200 {
        keep_create_body(shared, request, &reply);
    }
    reply
}

/// Keeps the body of a successful create-payment request with the new payment, for the
/// control API's view of what the shop sent.
fn keep_create_body(shared: &Shared, request: &RecordedRequest, reply: &Reply) {
    let id = serde_json::from_slice::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|payment| payment.get("id")?.as_u64());
    let body = serde_json::from_slice::<serde_json::Value>(&request.body);
    if let (Some(id), Ok(body)) = (id, body) {
        shared.store.lock().keep_request(id, body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_endpoint_resolves() {
        let cases: [(&str, &str, Endpoint<'_>); 16] = [
            ("POST", "payments/payment", Endpoint::CreatePayment),
            ("GET", "payments/payment/7", Endpoint::Status("7")),
            ("POST", "payments/payment/7/refund", Endpoint::Refund("7")),
            ("GET", "payments/payment/7/refunds", Endpoint::Refunds("7")),
            (
                "POST",
                "payments/payment/7/create-recurrence",
                Endpoint::CreateRecurrence("7"),
            ),
            (
                "POST",
                "payments/payment/7/void-recurrence",
                Endpoint::VoidRecurrence("7"),
            ),
            ("POST", "payments/payment/7/capture", Endpoint::Capture("7")),
            (
                "POST",
                "payments/payment/7/void-authorization",
                Endpoint::VoidAuthorization("7"),
            ),
            (
                "GET",
                "payments/payment/7/qr-payment",
                Endpoint::QrPayment("7"),
            ),
            (
                "GET",
                "payments/payment/7/eet-receipts",
                Endpoint::EetReceipts("7"),
            ),
            (
                "GET",
                "eshops/eshop/8/payment-instruments/CZK",
                Endpoint::Instruments("8", Some("CZK")),
            ),
            (
                "GET",
                "eshops/eshop/8/payment-instruments",
                Endpoint::Instruments("8", None),
            ),
            (
                "POST",
                "accounts/account-statement",
                Endpoint::AccountStatement,
            ),
            ("GET", "payments/cards/5", Endpoint::Card("5")),
            ("DELETE", "payments/cards/5", Endpoint::DeleteCard("5")),
            ("POST", "eet-receipts", Endpoint::FindEetReceipts),
        ];
        for (method, path, expected) in cases {
            let segments: Vec<&str> = path.split('/').collect();
            assert_eq!(
                Endpoint::resolve(method, &segments),
                Some(expected),
                "{path}"
            );
        }
        assert_eq!(Endpoint::resolve("GET", &["payments", "payment"]), None);
        assert_eq!(
            Endpoint::resolve("PUT", &["payments", "payment", "7"]),
            None
        );
    }

    #[test]
    fn fault_targets() {
        assert_eq!(target("/api/oauth2/token"), Some(FaultTarget::Token));
        assert_eq!(target("/api/payments/payment"), Some(FaultTarget::Api));
        assert_eq!(target("/api"), Some(FaultTarget::Api));
        assert_eq!(target("/apix"), None);
        assert_eq!(target("/gw/v3/abc"), None);
    }
}
