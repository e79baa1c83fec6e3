//! OAuth2 for the simulator: the token endpoint (HTTP Basic client credentials), the tokens
//! it issued with their scope and expiry, and the bearer check of every API call.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;

use crate::gateway::form;
use crate::gateway::responses::{
    Refusal, Reply, GRANT_NOT_SUPPORTED, INVALID_REQUEST, UNAUTHORIZED, WRONG_CREDENTIALS,
};
use gopay::Scope;

/// The tokens the simulator issued and has not forgotten, with the test clock their
/// lifetimes are counted on.
#[derive(Default)]
pub(crate) struct Tokens {
    issued: HashMap<String, Issued>,
    /// How far the test clock is ahead of the real one.
    clock_offset: Duration,
}

struct Issued {
    scope: Scope,
    expires: Instant,
}

/// What an API call needs from its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// `payment-create` or `payment-all` (creating a payment).
    Create,
    /// `payment-all` (everything else).
    All,
}

impl Tokens {
    /// Remembers a new token of `scope` valid for `lifetime`, dropping expired ones.
    pub(crate) fn issue(&mut self, token: String, scope: Scope, lifetime: Duration) {
        let now = self.now();
        self.issued.retain(|_, issued| issued.expires > now);
        self.issued.insert(
            token,
            Issued {
                scope,
                expires: now + lifetime,
            },
        );
    }

    /// Checks the `Authorization` header of an API call.
    pub(crate) fn check(&mut self, authorization: Option<&str>, need: Need) -> Result<(), Refusal> {
        let Some(token) = bearer(authorization) else {
            return Err(Refusal::global(
                401,
                UNAUTHORIZED,
                "missing bearer access token (Authorization: Bearer <token>)",
            ));
        };
        let Some(issued) = self.issued.get(token) else {
            return Err(Refusal::global(401, UNAUTHORIZED, "unknown access token"));
        };
        if issued.expires <= self.now() {
            self.issued.remove(token);
            return Err(Refusal::global(
                401,
                UNAUTHORIZED,
                "the access token has expired",
            ));
        }
        if need == Need::All && issued.scope != Scope::PaymentAll {
            return Err(Refusal::global(
                403,
                UNAUTHORIZED,
                "this operation needs a token of scope payment-all",
            ));
        }
        Ok(())
    }

    /// Forgets the token named in `authorization`, if any.
    pub(crate) fn forget(&mut self, authorization: Option<&str>) {
        if let Some(token) = bearer(authorization) {
            self.issued.remove(token);
        }
    }

    /// Forgets every token.
    pub(crate) fn clear(&mut self) {
        self.issued.clear();
    }

    /// Moves the test clock `by` forward: tokens get that much closer to their expiry.
    pub(crate) fn advance_clock(&mut self, by: Duration) {
        self.clock_offset = self.clock_offset.saturating_add(by);
    }

    /// Every token not yet expired, with its scope and its expiry on the test clock, for
    /// the state file. (Expiries are kept as instants, which mean nothing to another
    /// process.)
    pub(crate) fn saved(&self) -> Vec<(String, Scope, SystemTime)> {
        let now = self.now();
        let wall = SystemTime::now() + self.clock_offset;
        let mut saved: Vec<_> = self
            .issued
            .iter()
            .filter(|(_, issued)| issued.expires > now)
            .filter_map(|(token, issued)| {
                let expires = wall.checked_add(issued.expires - now)?;
                Some((token.clone(), issued.scope.clone(), expires))
            })
            .collect();
        saved.sort_by_key(|(_, _, expires)| *expires);
        saved
    }

    /// The tokens of a state file, on a test clock `clock_offset` ahead of the real one;
    /// those expired meanwhile are left out.
    pub(crate) fn restored(
        saved: Vec<(String, Scope, SystemTime)>,
        clock_offset: Duration,
    ) -> Tokens {
        let mut tokens = Tokens {
            issued: HashMap::new(),
            clock_offset,
        };
        let now = tokens.now();
        let wall = SystemTime::now() + clock_offset;
        for (token, scope, expires) in saved {
            let left = expires.duration_since(wall).ok();
            if let Some(expires) = left.and_then(|left| now.checked_add(left)) {
                tokens.issued.insert(token, Issued { scope, expires });
            }
        }
        tokens
    }

    /// Now on the test clock.
    fn now(&self) -> Instant {
        let now = Instant::now();
        // The control API bounds the offset, so this never falls back in practice.
        now.checked_add(self.clock_offset).unwrap_or(now)
    }
}

/// The token of `Bearer <token>` (scheme case-insensitive).
pub(crate) fn bearer(authorization: Option<&str>) -> Option<&str> {
    let value = authorization?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The user id and password of `Basic base64(id:secret)` (RFC 7617, UTF-8).
pub(crate) fn basic(authorization: Option<&str>) -> Option<(String, String)> {
    let value = authorization?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// What the token endpoint needs to know about the simulator.
pub(crate) struct TokenPolicy<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) client_secret: &'a str,
    pub(crate) lifetime: Duration,
}

/// Answers `POST /api/oauth2/token`; on success also returns the new token and its scope so
/// the caller can remember it.
pub(crate) fn token_endpoint(
    policy: &TokenPolicy<'_>,
    authorization: Option<&str>,
    body: &[u8],
    new_token: impl FnOnce() -> String,
) -> Result<(Reply, String, Scope), Refusal> {
    match basic(authorization) {
        Some((id, secret)) if id == policy.client_id && secret == policy.client_secret => {}
        Some(_) => {
            return Err(Refusal::global(
                403,
                WRONG_CREDENTIALS,
                "wrong client id or client secret",
            ))
        }
        None => {
            return Err(Refusal::global(
                403,
                WRONG_CREDENTIALS,
                "missing HTTP Basic client credentials",
            ))
        }
    }
    let Some(fields) = form::parse(body) else {
        return Err(Refusal::global(
            400,
            INVALID_REQUEST,
            "the body must be application/x-www-form-urlencoded UTF-8",
        ));
    };
    let grant = form::get(&fields, "grant_type");
    if grant != Some("client_credentials") {
        return Err(Refusal::field(
            400,
            GRANT_NOT_SUPPORTED,
            "grant_type",
            "only grant_type=client_credentials is supported",
        ));
    }
    let scope = match form::get(&fields, "scope") {
        Some("payment-create") => Scope::PaymentCreate,
        Some("payment-all") => Scope::PaymentAll,
        _ => {
            return Err(Refusal::field(
                400,
                UNAUTHORIZED,
                "scope",
                "scope must be payment-create or payment-all",
            ))
        }
    };
    let token = new_token();
    let answer = serde_json::json!({
        "token_type": "bearer",
        "access_token": token,
        "expires_in": policy.lifetime.as_secs(),
    });
    Ok((Reply::ok(&answer), token, scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: TokenPolicy<'static> = TokenPolicy {
        client_id: "1234",
        client_secret: "sec",
        lifetime: Duration::from_secs(60),
    };

    fn ask(authorization: Option<&str>, body: &str) -> Result<Scope, (u16, u32)> {
        token_endpoint(&POLICY, authorization, body.as_bytes(), || "tok".into())
            .map(|(_, _, scope)| scope)
            .map_err(|r| (r.status, r.code()))
    }

    #[test]
    fn token_endpoint_checks_credentials_grant_and_scope() {
        let good = Some("Basic MTIzNDpzZWM=");
        let all = "grant_type=client_credentials&scope=payment-all";
        assert_eq!(ask(good, all), Ok(Scope::PaymentAll));
        assert_eq!(
            ask(good, "scope=payment-create&grant_type=client_credentials"),
            Ok(Scope::PaymentCreate)
        );
        assert_eq!(
            ask(Some("basic  MTIzNDpzZWM= "), all),
            Ok(Scope::PaymentAll)
        );
        assert_eq!(ask(None, all), Err((403, 202)));
        assert_eq!(ask(Some("Basic MTIzNDp4"), all), Err((403, 202)));
        assert_eq!(ask(Some("Basic !!!"), all), Err((403, 202)));
        assert_eq!(ask(Some("Bearer x"), all), Err((403, 202)));
        assert_eq!(
            ask(good, "grant_type=password&scope=payment-all"),
            Err((400, 201))
        );
        assert_eq!(
            ask(good, "grant_type=client_credentials&scope=account-info"),
            Err((400, 200))
        );
        assert_eq!(ask(good, "grant_type=client_credentials"), Err((400, 200)));
    }

    #[test]
    fn tokens_are_scoped_and_expire() {
        let mut tokens = Tokens::default();
        tokens.issue("c".into(), Scope::PaymentCreate, Duration::from_secs(60));
        tokens.issue("a".into(), Scope::PaymentAll, Duration::from_secs(60));
        tokens.issue("old".into(), Scope::PaymentAll, Duration::ZERO);
        let code = |r: Result<(), Refusal>| r.map_err(|r| (r.status, r.code()));
        assert_eq!(code(tokens.check(Some("Bearer c"), Need::Create)), Ok(()));
        assert_eq!(
            code(tokens.check(Some("Bearer c"), Need::All)),
            Err((403, 200))
        );
        assert_eq!(code(tokens.check(Some("Bearer a"), Need::All)), Ok(()));
        assert_eq!(
            code(tokens.check(Some("Bearer old"), Need::All)),
            Err((401, 200))
        );
        assert_eq!(
            code(tokens.check(Some("Bearer zz"), Need::All)),
            Err((401, 200))
        );
        assert_eq!(code(tokens.check(None, Need::All)), Err((401, 200)));
        assert_eq!(
            code(tokens.check(Some("Bearer"), Need::All)),
            Err((401, 200))
        );
        tokens.forget(Some("Bearer a"));
        assert_eq!(
            code(tokens.check(Some("Bearer a"), Need::All)),
            Err((401, 200))
        );
    }

    #[test]
    fn saved_tokens_keep_their_scope_and_remaining_life() {
        let offset = Duration::from_secs(3600);
        let mut tokens = Tokens::default();
        tokens.advance_clock(offset);
        tokens.issue("a".into(), Scope::PaymentAll, Duration::from_secs(60));
        tokens.issue("c".into(), Scope::PaymentCreate, Duration::from_secs(120));
        tokens.issue("gone".into(), Scope::PaymentAll, Duration::ZERO);
        let saved = tokens.saved();
        assert_eq!(saved.len(), 2, "an expired token is not saved");
        let mut restored = Tokens::restored(saved.clone(), offset);
        assert!(restored.check(Some("Bearer a"), Need::All).is_ok());
        assert_eq!(
            restored
                .check(Some("Bearer c"), Need::All)
                .map_err(|r| r.status),
            Err(403)
        );
        restored.advance_clock(Duration::from_secs(60));
        assert!(restored.check(Some("Bearer a"), Need::All).is_err());
        assert!(restored.check(Some("Bearer c"), Need::Create).is_ok());
        // The same expiries read by a simulator whose test clock is a day further on.
        let mut later = Tokens::restored(saved, offset + Duration::from_secs(86_400));
        assert!(later.check(Some("Bearer c"), Need::Create).is_err());
    }

    #[test]
    fn the_test_clock_expires_tokens() {
        let mut tokens = Tokens::default();
        tokens.issue("a".into(), Scope::PaymentAll, Duration::from_secs(60));
        tokens.advance_clock(Duration::from_secs(59));
        assert!(tokens.check(Some("Bearer a"), Need::All).is_ok());
        tokens.advance_clock(Duration::from_secs(1));
        assert_eq!(
            tokens
                .check(Some("Bearer a"), Need::All)
                .map_err(|r| (r.status, r.code())),
            Err((401, 200))
        );
    }
}
