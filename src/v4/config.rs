//! [`Config`] of the v4 client: the merchant, the base URL and the scopes tokens are asked
//! for.

use std::fmt;

use super::model::Scope;
use crate::config::{check_scope_name, display_url, parse_prefix, validate_credentials};
use crate::error::Error;
use crate::secret::Secret;

/// Base URL of GoPay's v4 sandbox.
pub const SANDBOX_URL: &str = "https://gw.sandbox.gopay.com/gp-gw/api/4.0";

/// Base URL of GoPay's v4 production API (note `.com`; v3 production is on `.cz`).
pub const PRODUCTION_URL: &str = "https://gate.gopay.com/gp-gw/api/4.0";

/// The scopes tokens are asked for by default: everything the client's methods need.
const DEFAULT_SCOPES: [Scope; 5] = [
    Scope::PaymentWrite,
    Scope::PaymentRead,
    Scope::CardWrite,
    Scope::CardRead,
    Scope::SharedRead,
];

/// The merchant's credentials, the v4 base URL and the scopes.
///
/// `Debug` shows everything but the client secret, and there is no accessor for it.
///
/// ```
/// use gopay::v4::{Config, Scope, SANDBOX_URL};
/// let config = Config::new("8123456789", "1234567890", "s3cr3t", SANDBOX_URL)
///     .scopes([Scope::PaymentWrite, Scope::PaymentRead]);
/// assert_eq!(config.goid(), "8123456789");
/// assert!(!format!("{config:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct Config {
    goid: String,
    client_id: String,
    client_secret: Secret,
    base_url: String,
    scopes: Vec<Scope>,
}

impl Config {
    /// A configuration for the e-shop `goid` (a string in v4) with OAuth2 client
    /// credentials, against `base_url`: [`SANDBOX_URL`], [`PRODUCTION_URL`] or any full
    /// prefix (`https://…`, or plain `http://` on a loopback host); every path is appended
    /// to it. Nothing is checked here: [`ClientBuilder::build`](super::ClientBuilder::build)
    /// does.
    pub fn new(
        goid: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        base_url: impl Into<String>,
    ) -> Config {
        Config {
            goid: goid.into(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            base_url: base_url.into(),
            scopes: DEFAULT_SCOPES.to_vec(),
        }
    }

    /// The scopes tokens are asked for, sent space-separated. Defaults to what every method
    /// of the client needs: `payment:write payment:read card:write card:read shared:read`.
    #[must_use]
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = Scope>) -> Config {
        self.scopes = scopes.into_iter().collect();
        self
    }

    /// The e-shop's GoID.
    pub fn goid(&self) -> &str {
        &self.goid
    }

    /// The OAuth2 client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The base URL as it was given.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The scopes tokens are asked for.
    pub fn scope_list(&self) -> &[Scope] {
        &self.scopes
    }

    pub(crate) fn client_secret(&self) -> &Secret {
        &self.client_secret
    }

    /// The scopes as GoPay spells them: space-separated.
    pub(crate) fn scope_string(&self) -> String {
        let names: Vec<&str> = self.scopes.iter().map(Scope::as_str).collect();
        names.join(" ")
    }

    /// Checks everything `build()` needs; the normalised base URL (no trailing `/`).
    pub(crate) fn validate(&self) -> Result<String, Error> {
        if self.goid.is_empty() || !self.goid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::config("goid must be letters and digits only"));
        }
        validate_credentials(&self.client_id, &self.client_secret)?;
        if self.scopes.is_empty() {
            return Err(Error::config("at least one scope is needed"));
        }
        for scope in &self.scopes {
            check_scope_name(scope.as_str())?;
        }
        let (origin, path) = parse_prefix(&self.base_url)?;
        Ok(format!("{origin}{path}"))
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("goid", &self.goid)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("base_url", &format_args!("{}", display_url(&self.base_url)))
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_is_a_full_prefix() {
        let config = |url: &str| Config::new("1", "id", "secret", url);
        assert_eq!(config(SANDBOX_URL).validate().unwrap(), SANDBOX_URL);
        assert_eq!(
            config("HTTPS://Gate.GoPay.com/gp-gw/api/4.0/")
                .validate()
                .unwrap(),
            PRODUCTION_URL
        );
        assert_eq!(
            config("http://127.0.0.1:8080/gp-gw/api/4.0")
                .validate()
                .unwrap(),
            "http://127.0.0.1:8080/gp-gw/api/4.0"
        );
        for bad in ["http://gate.gopay.com/gp-gw/api/4.0", "https://h/a?b", ""] {
            assert!(config(bad).validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn goid_credentials_and_scopes_are_checked() {
        assert!(Config::new("", "id", "s", SANDBOX_URL).validate().is_err());
        assert!(Config::new("1/2", "id", "s", SANDBOX_URL)
            .validate()
            .is_err());
        assert!(Config::new("1", "a:b", "s", SANDBOX_URL)
            .validate()
            .is_err());
        assert!(Config::new("1", "id", "", SANDBOX_URL).validate().is_err());
        let none = Config::new("1", "id", "s", SANDBOX_URL).scopes([]);
        assert!(none.validate().is_err());
        let odd = Config::new("1", "id", "s", SANDBOX_URL).scopes([Scope::Unknown("a b".into())]);
        assert!(odd.validate().is_err());
    }

    #[test]
    fn scopes_are_space_separated_as_gopay_spells_them() {
        let config = Config::new("1", "id", "s", SANDBOX_URL);
        assert_eq!(
            config.scope_string(),
            "payment:write payment:read card:write card:read shared:read"
        );
        let config = config.scopes([Scope::PaymentRead]);
        assert_eq!(config.scope_string(), "payment:read");
    }
}
