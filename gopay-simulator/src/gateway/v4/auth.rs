//! v4's token endpoint and token checks: client-credentials tokens with GoPay's colon
//! scopes, payment-credentials tokens limited to one payment, the shareable key on the two
//! public card endpoints; tokens expire on the test clock.

use std::time::SystemTime;

use base64::Engine;
use serde_json::json;

use crate::gateway::auth::{basic, bearer};
use crate::gateway::form;
use crate::gateway::responses::Reply;
use crate::gateway::v4::errors::V4Error;
use crate::gateway::v4::state::{Grant, V4State};
use crate::server::record::RecordedRequest;
use crate::state::shared::Shared;

/// Scopes a merchant's client-credentials token may carry.
pub(crate) const MERCHANT_SCOPES: [&str; 5] = [
    "payment:write",
    "payment:read",
    "card:write",
    "card:read",
    "shared:read",
];

/// Scopes a payment-credentials token may carry.
pub(crate) const PAYMENT_SCOPES: [&str; 2] = ["payment:read", "payment:charge"];

/// The shareable key of the simulator's merchant, for `Basic client_id:shareable_key`.
pub(crate) const SHAREABLE_KEY: &str = "gopay-sim-shareable-key";

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Access<'a> {
    /// The token endpoint itself.
    Open,
    /// A merchant token with one of these scopes.
    Merchant(&'static [&'static str]),
    /// A merchant token, or a token of payment `.1`, with one of these scopes.
    Payment(&'static [&'static str], &'a str),
    /// The shareable key, or a merchant token with `shared:read`.
    Shareable,
}

impl<'a> Access<'a> {
    pub(crate) fn merchant(scopes: &'static [&'static str]) -> Access<'a> {
        Access::Merchant(scopes)
    }

    pub(crate) fn payment(scopes: &'static [&'static str], id: &'a str) -> Access<'a> {
        Access::Payment(scopes, id)
    }
}

/// `POST {base}/oauth2/token`.
pub(crate) fn token(shared: &Shared, request: &RecordedRequest) -> Result<Reply, V4Error> {
    let fields = form::parse(&request.body)
        .ok_or_else(|| V4Error::bad_request("the body is not a valid form"))?;
    let grant_type = form::get(&fields, "grant_type")
        .ok_or_else(|| V4Error::bad_request("grant_type: required"))?;
    let scope =
        form::get(&fields, "scope").ok_or_else(|| V4Error::bad_request("scope: required"))?;
    let scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
    if scopes.is_empty() {
        return Err(V4Error::bad_request("scope: required"));
    }
    let (id, secret) = basic(request.header("Authorization"))
        .ok_or_else(|| V4Error::new(401, "Basic credentials required"))?;
    let settings = &shared.settings;
    let now = shared.store.lock().now();
    let mut v4 = shared.v4.lock();
    let (allowed, payment): (&[&str], _) = match grant_type {
        "client_credentials" => {
            if id != settings.client_id || secret != settings.client_secret {
                return Err(V4Error::new(401, "unknown client or wrong secret"));
            }
            (&MERCHANT_SCOPES, None)
        }
        "payment_credentials" => {
            let known = v4.payments.get(&id).is_some_and(|p| p.secret == secret);
            if !known {
                return Err(V4Error::new(401, "unknown payment or wrong payment secret"));
            }
            (&PAYMENT_SCOPES, Some(id.clone()))
        }
        _ => return Err(V4Error::bad_request("grant_type: unsupported")),
    };
    if let Some(bad) = scopes.iter().find(|s| !allowed.contains(&s.as_str())) {
        return Err(V4Error::new(
            403,
            format!("scope {bad} is not granted to these credentials"),
        ));
    }
    let lifetime = settings.token_lifetime;
    let domain = if payment.is_some() {
        "payment"
    } else {
        "merchant"
    };
    let token = jwt(
        &id,
        scope,
        domain,
        now,
        lifetime.as_secs(),
        &shared.random.token(),
    );
    v4.grants.insert(
        token.clone(),
        Grant {
            scopes,
            payment,
            expires: now + lifetime,
        },
    );
    Ok(Reply::ok(&json!({
        "token_type": "bearer",
        "access_token": token,
        "scope": scope,
        "expires_in": lifetime.as_secs(),
    })))
}

/// A JWT-shaped token (header, claims, and a random stand-in for the signature).
fn jwt(
    sub: &str,
    scope: &str,
    domain: &str,
    now: SystemTime,
    lifetime: u64,
    nonce: &str,
) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let iat = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let header = json!({ "kid": "gopay-sim", "typ": "JWT", "alg": "RS256" });
    let claims =
        json!({ "sub": sub, "scope": scope, "domain": domain, "iat": iat, "exp": iat + lifetime });
    format!(
        "{}.{}.{}",
        engine.encode(header.to_string()),
        engine.encode(claims.to_string()),
        engine.encode(nonce)
    )
}

/// Checks the `Authorization` header against `access`: 401 for a missing, unknown or
/// expired token, 403 for a missing scope or another payment's token.
pub(crate) fn check(
    shared: &Shared,
    v4: &mut V4State,
    authorization: Option<&str>,
    access: Access<'_>,
    now: SystemTime,
) -> Result<(), V4Error> {
    let (scopes, payment): (&[&str], Option<&str>) = match access {
        Access::Open => return Ok(()),
        Access::Merchant(scopes) => (scopes, None),
        Access::Payment(scopes, id) => (scopes, Some(id)),
        Access::Shareable => {
            if let Some((id, key)) = basic(authorization) {
                return if id == shared.settings.client_id && key == SHAREABLE_KEY {
                    Ok(())
                } else {
                    Err(V4Error::new(401, "unknown client or wrong shareable key"))
                };
            }
            (&["shared:read"], None)
        }
    };
    let token =
        bearer(authorization).ok_or_else(|| V4Error::new(401, "a bearer token is required"))?;
    let grant = match v4.grants.get(token) {
        Some(grant) if grant.expires > now => grant,
        Some(_) => {
            v4.grants.remove(token);
            return Err(V4Error::new(401, "the access token has expired"));
        }
        None => return Err(V4Error::new(401, "unknown access token")),
    };
    if !grant.scopes.iter().any(|s| scopes.contains(&s.as_str())) {
        return Err(V4Error::new(
            403,
            format!("one of these scopes is needed: {}", scopes.join(", ")),
        ));
    }
    match (&grant.payment, payment) {
        (None, _) => Ok(()),
        (Some(own), Some(wanted)) if own == wanted => Ok(()),
        (Some(_), _) => Err(V4Error::new(403, "the token is limited to another payment")),
    }
}
