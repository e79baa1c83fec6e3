//! `build()` and `Config::from_env` refuse bad settings with clear errors, requests GoPay
//! would refuse are refused before sending, and no secret ever shows in `Debug`, `Display`
//! or an error.

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

/// `Config::from_env` with exactly `vars` set among the four GoPay variables.
///
/// The only test of this process that touches the environment, so it runs alone.
fn from_env_with(vars: &[(&str, &str)]) -> Result<Config, Error> {
    for name in [
        "GOPAY_GOID",
        "GOPAY_CLIENT_ID",
        "GOPAY_CLIENT_SECRET",
        "GOPAY_GATEWAY_URL",
    ] {
        std::env::remove_var(name);
    }
    for (name, value) in vars {
        std::env::set_var(name, value);
    }
    Config::from_env()
}

#[test]
fn from_env_needs_all_four_variables_and_knows_the_two_gateways() {
    let all = [
        ("GOPAY_GOID", "8123456789"),
        ("GOPAY_CLIENT_ID", "1744960415"),
        ("GOPAY_CLIENT_SECRET", CLIENT_SECRET),
        ("GOPAY_GATEWAY_URL", "https://gw.example/api"),
    ];
    let config = from_env_with(&all).unwrap();
    assert_eq!(config.goid(), 8123456789);
    assert_eq!(config.gateway_url(), "https://gw.example/api");

    // No silent sandbox: a missing gateway is an error that names the variable.
    let err = from_env_with(&all[..3]).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(text.contains("GOPAY_GATEWAY_URL is not set"), "{text}");
    assert!(
        text.contains("sandbox") && text.contains("production"),
        "{text}"
    );

    // Every missing one is named at once.
    let err = from_env_with(&all[..1]).unwrap_err().to_string();
    assert!(
        err.contains("GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET and GOPAY_GATEWAY_URL are not set"),
        "{err}"
    );
    let mut blank = all;
    blank[2].1 = "  ";
    let err = from_env_with(&blank).unwrap_err().to_string();
    assert!(err.contains("GOPAY_CLIENT_SECRET is empty"), "{err}");

    for (word, url) in [
        ("sandbox", gopay::SANDBOX_URL),
        ("SANDBOX", gopay::SANDBOX_URL),
        (" Production ", gopay::PRODUCTION_URL),
        ("production", gopay::PRODUCTION_URL),
    ] {
        let mut vars = all;
        vars[3].1 = word;
        let config = from_env_with(&vars).unwrap();
        assert_eq!(config.gateway_url(), url, "{word:?}");
        assert_eq!(Client::new(config).unwrap().api_base_url(), url);
    }

    // A malformed GoID is named, and no value is repeated (it may be a misplaced secret).
    let mut vars = all;
    vars[0].1 = CLIENT_SECRET;
    let err = from_env_with(&vars).unwrap_err().to_string();
    assert!(err.contains("GOPAY_GOID"), "{err}");
    assert!(!err.contains(CLIENT_SECRET), "{err}");

    // A gateway URL with credentials: build() refuses it without repeating them.
    let mut vars = all;
    vars[3].1 = "https://merchant:pw-SeCrEt-9@gw.example/api?access_token=ToKeN-x";
    let err = Client::new(from_env_with(&vars).unwrap()).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("pw-SeCrEt-9") && !text.contains("ToKeN-x"),
        "{text}"
    );
    for name in [
        "GOPAY_GOID",
        "GOPAY_CLIENT_ID",
        "GOPAY_CLIENT_SECRET",
        "GOPAY_GATEWAY_URL",
    ] {
        std::env::remove_var(name);
    }
}

#[test]
fn control_characters_are_refused_before_anything_is_sent() {
    use gopay::{Currency, Item, PaymentRequest, RecurrenceRequest, RefundRequest};
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    let payment = |order: &str, description: &str, item: &str| {
        PaymentRequest::new(100, Currency::Czk, order)
            .order_description(description)
            .item(Item::new(item, 100))
    };
    for (request, field) in [
        (payment("1\u{1}", "d", "i"), "order_number"),
        (payment("1", "two\r\nlines", "i"), "order_description"),
        (payment("1", "d", "\u{1b}[31mred"), "items.name"),
    ] {
        match client.create_payment(&request).unwrap_err() {
            Error::InvalidInput {
                field: got,
                message,
                ..
            } => {
                assert_eq!(got, field, "{message}");
                assert!(message.contains("control character"), "{message}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    let err = client
        .create_recurrence(1, &RecurrenceRequest::new(100, Currency::Czk, "a\tb"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "order_number",
                ..
            }
        ),
        "{err:?}"
    );
    let err = client
        .refund_payment_with_items(1, &RefundRequest::new(100).item(Item::new("x\u{7f}", 100)))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "items.name",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        gw.token_requests() + gw.api_requests(),
        0,
        "nothing was sent"
    );
}
