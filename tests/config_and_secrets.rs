//! `build()` refuses bad settings with clear errors, and no secret ever shows in `Debug`,
//! `Display` or an error.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use gopay::{CachedToken, Client, Config, Error, InMemoryTokenCache, TokenCache};
use support::{FakeGateway, Reply, CLIENT_SECRET, TOKEN_PREFIX};

fn config_error(builder: gopay::ClientBuilder, mentions: &str) {
    match builder.build() {
        Err(err @ Error::Config { .. }) => {
            let text = err.to_string();
            assert!(
                text.contains(mentions),
                "{text:?} should mention {mentions:?}"
            );
            assert!(!text.contains(CLIENT_SECRET));
        }
        Err(other) => panic!("expected a config error, got {other:?}"),
        Ok(_) => panic!("expected a config error mentioning {mentions:?}"),
    }
}

#[test]
fn build_refuses_bad_settings_without_panicking() {
    let cfg = |goid, id: &str, secret: &str, url: &str| Config::new(goid, id, secret, url);
    let url = gopay::SANDBOX_URL;
    config_error(Client::builder(cfg(1, "", CLIENT_SECRET, url)), "client id");
    config_error(Client::builder(cfg(1, "id", "", url)), "client secret");
    config_error(Client::builder(cfg(0, "id", CLIENT_SECRET, url)), "goid");
    config_error(
        Client::builder(cfg(1, "id", CLIENT_SECRET, "not a url")),
        "gateway URL",
    );
    config_error(
        Client::builder(cfg(1, "id", CLIENT_SECRET, "http://gate.gopay.cz/api")),
        "http",
    );
    let ok = || Client::builder(cfg(1, "id", CLIENT_SECRET, url));
    config_error(ok().timeout(Duration::ZERO), "timeout");
    config_error(ok().timeout(Duration::MAX), "timeout");
    config_error(ok().token_refresh_margin(Duration::MAX), "margin");
    config_error(ok().user_agent(""), "user agent");
    config_error(ok().user_agent("bad\nagent"), "user agent");
    config_error(
        ok().scope(gopay::Scope::Unknown(
            "payment-all&grant_type=password".into(),
        )),
        "scope",
    );
    config_error(ok().scope(gopay::Scope::Unknown(String::new())), "scope");
    assert!(ok().build().is_ok());
}

#[test]
fn client_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Client>();
    assert_traits::<Error>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
}

#[test]
fn debug_of_config_client_builder_and_token_hides_secrets() {
    let config = Config::new(1, "id", CLIENT_SECRET, gopay::SANDBOX_URL);
    let builder = Client::builder(config.clone());
    let client = Client::new(config.clone()).unwrap();
    let token = CachedToken::new(
        format!("{TOKEN_PREFIX}abc"),
        "bearer",
        SystemTime::now() + Duration::from_secs(60),
    );
    for shown in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{token:?}"),
    ] {
        assert!(!shown.contains(CLIENT_SECRET), "{shown}");
        assert!(!shown.contains(TOKEN_PREFIX), "{shown}");
    }
    assert!(format!("{config:?}").contains("[redacted]"));
}

#[test]
fn no_error_of_a_failing_flow_shows_a_secret_or_token() {
    let gw = FakeGateway::start();
    let cache = Arc::new(InMemoryTokenCache::new());
    let client = Client::builder(gw.config())
        .token_cache(cache.clone())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut errors = Vec::new();
    // The API echoes the token it got into its error messages, as a misbehaving proxy might.
    gw.on_api(|request, _, _| {
        Reply::json(
            400,
            format!(
                r#"{{"errors":[{{"error_code":111,"message":"bad {}","description":"{}"}}]}}"#,
                request.bearer().unwrap_or(""),
                request.header("Authorization").unwrap_or("")
            ),
        )
    });
    errors.push(client.get_status(1).unwrap_err());
    // Token endpoint answers that quote the credentials it received.
    gw.on_token(|request, _, _| {
        Reply::json(
            401,
            format!(
                r#"{{"errors":[{{"error_code":202,"message":"{}"}}]}}"#,
                request.header("Authorization").unwrap_or("")
            ),
        )
    });
    cache.delete(client.token_cache_key()).unwrap();
    let fresh = Client::new(gw.config()).unwrap();
    errors.push(fresh.get_status(1).unwrap_err());
    gw.on_token(|_, _, _| Reply::json(200, format!(r#"{{"access_token":"{TOKEN_PREFIX}x y"}}"#)));
    errors.push(Client::new(gw.config()).unwrap().get_status(1).unwrap_err());
    gw.on_token(|_, _, _| {
        Reply::json(
            200,
            format!(r#"{{"access_token":"{TOKEN_PREFIX}x","expires_in":"#),
        )
    });
    errors.push(Client::new(gw.config()).unwrap().get_status(1).unwrap_err());

    for err in &errors {
        let shown = format!("{err} | {err:?} | {err:#?}");
        assert!(!shown.contains(CLIENT_SECRET), "{shown}");
        // The Basic credentials, base64-encoded, must not appear either.
        assert!(!shown.contains("MTc0NDk2MDQxNTpTZUNyRXQ"), "{shown}");
        assert!(!shown.contains(TOKEN_PREFIX), "{shown}");
    }
}
