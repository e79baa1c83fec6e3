//! [`Config`]: who the merchant is and which gateway to talk to; gateway URL normalisation.

use std::fmt;

use crate::error::Error;
use crate::secret::{Secret, REDACTED};

/// API base of GoPay's sandbox (test) gateway.
pub const SANDBOX_URL: &str = "https://gw.sandbox.gopay.com/api";

/// API base of GoPay's production gateway.
pub const PRODUCTION_URL: &str = "https://gate.gopay.cz/api";

/// The merchant's credentials and the gateway to use.
///
/// `Debug` shows everything but the client secret, and there is no accessor for the secret.
///
/// ```
/// let config = gopay::Config::new(8123456789, "1234567890", "s3cr3t", gopay::SANDBOX_URL);
/// assert_eq!(config.goid(), 8123456789);
/// assert!(!format!("{config:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct Config {
    goid: u64,
    client_id: String,
    client_secret: Secret,
    gateway_url: String,
}

impl Config {
    /// A configuration for the e-shop `goid` with OAuth2 client credentials.
    ///
    /// `gateway_url` is [`SANDBOX_URL`], [`PRODUCTION_URL`] or another gateway;
    /// `https://host`, `https://host/`, `https://host/api` and `https://host/api/` all mean
    /// the same, whatever the case of the scheme, the host and the `/api` suffix. Nothing is
    /// checked here: [`ClientBuilder::build`](crate::ClientBuilder::build) validates the
    /// configuration and explains what is wrong.
    pub fn new(
        goid: u64,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        gateway_url: impl Into<String>,
    ) -> Config {
        Config {
            goid,
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            gateway_url: gateway_url.into(),
        }
    }

    /// Reads the four variables `GOPAY_GOID`, `GOPAY_CLIENT_ID`, `GOPAY_CLIENT_SECRET` and
    /// `GOPAY_GATEWAY_URL`; all four are required.
    ///
    /// `GOPAY_GATEWAY_URL` is a gateway URL, or one of the words `sandbox`
    /// ([`SANDBOX_URL`]) and `production` ([`PRODUCTION_URL`]) in any case. There is no
    /// default gateway: a missing variable must not silently send production credentials
    /// to the sandbox, or test orders to production.
    ///
    /// Fails with [`Error::Config`] naming every variable that is missing or empty, or the
    /// one that is malformed. Messages never repeat a variable's value.
    ///
    /// ```
    /// # // Doc tests run one per process, so changing the environment here is safe.
    /// std::env::set_var("GOPAY_GOID", "8123456789");
    /// std::env::set_var("GOPAY_CLIENT_ID", "1234567890");
    /// std::env::set_var("GOPAY_CLIENT_SECRET", "s3cr3t");
    /// std::env::remove_var("GOPAY_GATEWAY_URL");
    /// let err = gopay::Config::from_env().unwrap_err();
    /// assert!(err.to_string().contains("GOPAY_GATEWAY_URL is not set"));
    ///
    /// std::env::set_var("GOPAY_GATEWAY_URL", "Sandbox");
    /// assert_eq!(gopay::Config::from_env()?.gateway_url(), gopay::SANDBOX_URL);
    /// # Ok::<(), gopay::Error>(())
    /// ```
    pub fn from_env() -> Result<Config, Error> {
        const NAMES: [&str; 4] = [
            "GOPAY_GOID",
            "GOPAY_CLIENT_ID",
            "GOPAY_CLIENT_SECRET",
            "GOPAY_GATEWAY_URL",
        ];
        let mut values = Vec::with_capacity(NAMES.len());
        let (mut unset, mut empty) = (Vec::new(), Vec::new());
        for name in NAMES {
            match std::env::var(name) {
                Ok(value) if !value.trim().is_empty() => values.push(value.trim().to_owned()),
                Ok(_) => empty.push(name),
                Err(std::env::VarError::NotPresent) => unset.push(name),
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Error::config(format!("{name} is not valid UTF-8")))
                }
            }
        }
        let mut problems = Vec::new();
        if !unset.is_empty() {
            problems.push(format!("{} {} not set", and_list(&unset), is_are(&unset)));
        }
        if !empty.is_empty() {
            problems.push(format!("{} {} empty", and_list(&empty), is_are(&empty)));
        }
        if !problems.is_empty() {
            let mut message = problems.join("; ");
            if unset.contains(&"GOPAY_GATEWAY_URL") || empty.contains(&"GOPAY_GATEWAY_URL") {
                message.push_str(
                    " (GOPAY_GATEWAY_URL: sandbox, production or the gateway's https URL)",
                );
            }
            return Err(Error::config(message));
        }
        let [goid, client_id, client_secret, gateway_url] =
            <[String; 4]>::try_from(values).expect("four values");
        let goid = goid
            .parse()
            .ok()
            .filter(|goid| *goid > 0)
            .ok_or_else(|| Error::config("GOPAY_GOID must be a positive number"))?;
        let gateway_url = if gateway_url.eq_ignore_ascii_case("sandbox") {
            SANDBOX_URL.to_owned()
        } else if gateway_url.eq_ignore_ascii_case("production") {
            PRODUCTION_URL.to_owned()
        } else {
            gateway_url
        };
        Ok(Config::new(goid, client_id, client_secret, gateway_url))
    }

    /// The e-shop's GoID.
    pub fn goid(&self) -> u64 {
        self.goid
    }

    /// The OAuth2 client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The gateway URL as it was given (by [`Config::from_env`]: with `sandbox` and
    /// `production` replaced by the URLs). `Debug` shows it without its user-info, query
    /// and fragment.
    pub fn gateway_url(&self) -> &str {
        &self.gateway_url
    }

    pub(crate) fn client_secret(&self) -> &Secret {
        &self.client_secret
    }

    /// Checks everything `build()` needs and normalises the gateway URL.
    pub(crate) fn validate(&self) -> Result<Gateway, Error> {
        if self.goid == 0 {
            return Err(Error::config("goid must not be 0"));
        }
        validate_credentials(&self.client_id, &self.client_secret)?;
        Gateway::parse(&self.gateway_url)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("goid", &self.goid)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field(
                "gateway_url",
                &format_args!("{}", display_url(&self.gateway_url)),
            )
            .finish()
    }
}

/// Checks OAuth2 client credentials for what Basic credentials can carry (RFC 7617).
/// Shared by the v3 and v4 configurations.
pub(crate) fn validate_credentials(client_id: &str, client_secret: &Secret) -> Result<(), Error> {
    if client_id.trim().is_empty() {
        return Err(Error::config("client id is empty"));
    }
    if client_id.contains(':') || client_id.chars().any(char::is_control) {
        // RFC 7617: a user-id with a colon cannot be sent in Basic credentials.
        return Err(Error::config(
            "client id must not contain ':' or control characters",
        ));
    }
    if client_secret.expose().is_empty() {
        return Err(Error::config("client secret is empty"));
    }
    if client_secret.expose().chars().any(char::is_control) {
        return Err(Error::config(
            "client secret must not contain control characters",
        ));
    }
    Ok(())
}

/// Checks a scope for what the token request's form body can carry as it is (v3), or
/// form-encoded with only `:` and spaces encoded (v4): letters, digits and `-_.:`.
pub(crate) fn check_scope_name(scope: &str) -> Result<(), Error> {
    if scope.is_empty()
        || !scope
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
    {
        return Err(Error::config(format!(
            "scope {scope:?} is not a valid OAuth2 scope"
        )));
    }
    Ok(())
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn is_are(names: &[&str]) -> &'static str {
    if names.len() == 1 {
        "is"
    } else {
        "are"
    }
}

/// A gateway URL as it may be shown in a message: the user-info, query and fragment, which
/// may hold credentials or tokens, are replaced by `[redacted]`, control characters are
/// escaped, and it is cut after 100 characters. A value without `://` is not shown at all
/// (only its length): it is more likely a secret in the wrong field than a URL.
///
/// `https://user:pw@host/api?access_token=x#f` is shown as
/// `"https://[redacted]@host/api?[redacted]#[redacted]"` (quoted).
pub(crate) fn display_url(url: &str) -> String {
    const MAX_CHARS: usize = 100;
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        // Not a URL at all: most likely a secret pasted into the wrong field.
        return format!(
            "({} characters without a scheme, not shown)",
            url.chars().count()
        );
    };
    // The user-info ends at the last `@` of the whole URL, before anything else is split:
    // a password holding a raw `/`, `?` or `#` would otherwise end the authority early and
    // be shown as path, query or fragment. A URL with `@` in its path loses that part too;
    // showing less is the safe side.
    let (redacted_user, rest) = match rest.rfind('@') {
        Some(at) => (true, &rest[at + 1..]),
        None => (false, rest),
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, _)) => (rest, true),
        None => (rest, false),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, _)) => (rest, true),
        None => (rest, false),
    };
    let rest = match redacted_user {
        true => format!("{REDACTED}@{rest}"),
        false => rest.to_owned(),
    };
    let mut shown = format!("{scheme}://{rest}");
    if query {
        shown.push('?');
        shown.push_str(REDACTED);
    }
    if fragment {
        shown.push('#');
        shown.push_str(REDACTED);
    }
    if shown.chars().count() > MAX_CHARS {
        shown = shown.chars().take(MAX_CHARS).collect::<String>() + "…";
    }
    format!("{shown:?}")
}

/// A validated gateway: `origin` is `scheme://host[:port]`, `api_base` is where the API lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Gateway {
    pub(crate) origin: String,
    pub(crate) api_base: String,
}

impl Gateway {
    /// Normalises a user-supplied gateway URL to `{origin}{path}/api`.
    pub(crate) fn parse(url: &str) -> Result<Gateway, Error> {
        let (origin, path) = parse_prefix(url)?;
        // `/api`, `/API`, `/Api`: the host is case-insensitive and so is this suffix.
        let path = match path.len().checked_sub(4) {
            Some(cut) if path.is_char_boundary(cut) && path[cut..].eq_ignore_ascii_case("/api") => {
                &path[..cut]
            }
            _ => path,
        };
        Ok(Gateway {
            api_base: format!("{origin}{path}/api"),
            origin,
        })
    }
}

/// Checks a base URL (https, or plain http on a loopback host; no credentials, query or
/// fragment) and splits it into its normalised origin `scheme://host[:port]` and its path
/// without a trailing `/`. Shared by the v3 gateway URL and the v4 base URL.
pub(crate) fn parse_prefix(url: &str) -> Result<(String, &str), Error> {
    let bad = |why: &'static str| Error::gateway_url(&display_url(url), why);
    let url = url.trim();
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("has no scheme (expected https://…)"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(bad("must use https"));
    }
    if rest.contains(['?', '#']) {
        return Err(bad("must not have a query or fragment"));
    }
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("must not contain white space"));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(bad("must not contain credentials"));
    }
    let (host, port) = split_host_port(authority).ok_or_else(|| bad("has an invalid host"))?;
    let host = host.to_ascii_lowercase();
    if scheme == "http" && !is_loopback(&host) {
        return Err(bad(
            "uses plain http, which is allowed only for loopback hosts",
        ));
    }
    let origin = match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    };
    let path = path.trim_end_matches('/');
    if path.contains("//") {
        return Err(bad("has an empty path segment"));
    }
    if !path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b))
    {
        return Err(bad("has characters a URL path cannot hold"));
    }
    Ok((origin, path))
}

/// Splits `host[:port]` or `[v6]:port`; `None` when either part is malformed.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &authority[..end + 2];
        let after = &rest[end + 1..];
        if !rest[..end]
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let valid_label = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if host.is_empty() || host.len() > 253 || !host.split('.').all(valid_label) {
            return None;
        }
        (host, port)
    };
    let port = match port {
        None => None,
        Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            Some(port.parse::<u16>().ok().filter(|p| *p != 0)?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") || host == "[::1]" {
        return true;
    }
    host.parse::<std::net::Ipv4Addr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_spellings_mean_the_same() {
        for url in [
            "https://gw.sandbox.gopay.com",
            "https://gw.sandbox.gopay.com/",
            "https://gw.sandbox.gopay.com/api",
            "https://gw.sandbox.gopay.com/api/",
            "HTTPS://GW.Sandbox.GoPay.com/api/",
            "  https://gw.sandbox.gopay.com/api  ",
        ] {
            let gw = Gateway::parse(url).unwrap();
            assert_eq!(gw.api_base, SANDBOX_URL, "{url}");
            assert_eq!(gw.origin, "https://gw.sandbox.gopay.com", "{url}");
        }
        assert_eq!(
            Gateway::parse(PRODUCTION_URL).unwrap().api_base,
            PRODUCTION_URL
        );
    }

    #[test]
    fn the_api_suffix_is_case_insensitive() {
        for url in [
            "HTTPS://GW.EXAMPLE/API/",
            "https://gw.example/API",
            "https://gw.example/Api",
            "https://gw.example/api",
            "https://gw.example",
        ] {
            assert_eq!(
                Gateway::parse(url).unwrap().api_base,
                "https://gw.example/api",
                "{url}"
            );
        }
        let gw = Gateway::parse("https://proxy.example/GoPay/API").unwrap();
        assert_eq!(gw.api_base, "https://proxy.example/GoPay/api");
        let gw = Gateway::parse("https://proxy.example/rapi").unwrap();
        assert_eq!(gw.api_base, "https://proxy.example/rapi/api");
    }

    #[test]
    fn a_refused_gateway_url_says_why_without_the_url() {
        for (url, problem) in [
            ("gw.example/api", "has no scheme (expected https://…)"),
            ("ftp://gw.example", "must use https"),
            (
                "http://gw.example",
                "uses plain http, which is allowed only for loopback hosts",
            ),
            ("https://secret@gw.example", "must not contain credentials"),
        ] {
            match Gateway::parse(url) {
                Err(Error::Config {
                    message,
                    gateway_url_problem,
                    ..
                }) => {
                    assert_eq!(gateway_url_problem, Some(problem), "{url}");
                    assert!(message.ends_with(problem), "{message}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        match Error::config("other") {
            Error::Config {
                gateway_url_problem,
                ..
            } => assert_eq!(gateway_url_problem, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_never_show_user_info_query_or_fragment() {
        for (url, shown) in [
            (
                "https://user:pa@ss@gw.example/api",
                "\"https://[redacted]@gw.example/api\"",
            ),
            (
                "https://gw.example/api?access_token=T0k3n",
                "\"https://gw.example/api?[redacted]\"",
            ),
            (
                "https://gw.example/api#T0k3n",
                "\"https://gw.example/api#[redacted]\"",
            ),
            ("https://u:p@gw.example?a=b#c@d", "\"https://[redacted]@d\""),
            (
                "gw.example/a@b",
                "(14 characters without a scheme, not shown)",
            ),
            ("T0k3n", "(5 characters without a scheme, not shown)"),
            // A raw `/`, `?` or `#` in the password does not end the redaction early.
            (
                "https://user:pa/ss?x#y@gw.example/api",
                "\"https://[redacted]@gw.example/api\"",
            ),
        ] {
            assert_eq!(display_url(url), shown, "{url}");
            let err = Gateway::parse(url).unwrap_err();
            let text = format!("{err} {err:?}");
            for secret in ["pa@ss", "user", "T0k3n", "a=b", "c@d", "pa/ss"] {
                assert!(!text.contains(secret), "{text}");
            }
            let config = Config::new(1, "id", "secret", url);
            let text = format!("{config:?} {:?}", config.validate().unwrap_err());
            for secret in ["pa@ss", "user", "T0k3n", "a=b", "c@d", "pa/ss"] {
                assert!(!text.contains(secret), "{text}");
            }
        }
        let long = format!("https://gw.example/{}", "a".repeat(500));
        assert!(display_url(&long).chars().count() < 110);
        assert_eq!(
            display_url("https://h/\u{1b}[31m"),
            "\"https://h/\\u{1b}[31m\""
        );
    }

    #[test]
    fn ports_and_prefixes_are_kept() {
        let gw = Gateway::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(gw.api_base, "http://127.0.0.1:8080/api");
        let gw = Gateway::parse("http://[::1]:9/api").unwrap();
        assert_eq!(gw.api_base, "http://[::1]:9/api");
        let gw = Gateway::parse("https://proxy.example/gopay/").unwrap();
        assert_eq!(gw.api_base, "https://proxy.example/gopay/api");
        assert_eq!(gw.origin, "https://proxy.example");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(Gateway::parse("http://localhost:1/api").is_ok());
        assert!(Gateway::parse("http://127.8.9.10").is_ok());
        for url in [
            "http://gate.gopay.cz/api",
            "http://10.0.0.1/api",
            "http://[::2]/api",
        ] {
            let err = Gateway::parse(url).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{url}");
            assert!(err.to_string().contains("http"), "{err}");
        }
    }

    #[test]
    fn malformed_urls_are_refused() {
        for url in [
            "",
            "gw.sandbox.gopay.com",
            "ftp://host/api",
            "https://",
            "https:///api",
            "https://host:/api",
            "https://host:99999/api",
            "https://host:0/api",
            "https://user:pw@host/api",
            "https://host/api?x=1",
            "https://host/api#frag",
            "https://ho st/api",
            "https://host//api",
            "https://-host/api",
            "https://[zz::1]/api",
            "https://[::1/api",
            "https://host/pr\u{e9}fix/api",
            "https://host/a\"b/api",
        ] {
            assert!(
                matches!(Gateway::parse(url), Err(Error::Config { .. })),
                "{url:?} was accepted"
            );
        }
    }

    #[test]
    fn validate_refuses_bad_credentials() {
        let cfg = |goid, id: &str, secret: &str| Config::new(goid, id, secret, SANDBOX_URL);
        assert!(cfg(1, "id", "secret").validate().is_ok());
        for bad in [
            cfg(0, "id", "secret"),
            cfg(1, "", "secret"),
            cfg(1, "  ", "secret"),
            cfg(1, "a:b", "secret"),
            cfg(1, "id", ""),
            cfg(1, "id", "se\ncret"),
        ] {
            let err = bad.validate().unwrap_err();
            assert!(matches!(err, Error::Config { .. }));
            assert!(!err.to_string().contains("secret\n"));
        }
    }
}
