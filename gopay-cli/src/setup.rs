//! The client of a run: credentials from the environment, tokens in the file cache.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use gopay::{Client, Config, Error, ExchangeKind, FileTokenCache};

use crate::args::Cli;
use crate::failure::Failure;
use crate::output::to_stderr;

/// A client from the environment, with its tokens in the file cache (`--cache-dir`, else
/// `$GOPAY_CACHE_DIR`, else the user's cache directory) and `--timeout` as its bound.
///
/// A token cache that does not work costs a token request per run but fails nothing:
/// the first problem of a run is reported as one warning line on stderr, the rest are not.
///
/// # Errors
///
/// Exit code 2 when the settings are missing or wrong. No error quotes a value of the
/// settings: a refused gateway URL is shown as its scheme and host at most.
pub fn client(cli: &Cli) -> Result<Client, Failure> {
    let config = Config::from_env()?;
    let gateway_url = config.gateway_url().to_owned();
    let from_env = std::env::var_os("GOPAY_CACHE_DIR").filter(|dir| !dir.is_empty());
    let cache = match cli.cache_dir.clone().or(from_env.map(PathBuf::from)) {
        Some(dir) => FileTokenCache::new(dir),
        None => FileTokenCache::in_user_cache_dir()?,
    };
    let warned = AtomicBool::new(false);
    let mut builder = Client::builder(config)
        .token_cache(Arc::new(cache))
        .on_event(move |event| {
            if event.kind == ExchangeKind::TokenCache && !warned.swap(true, Ordering::Relaxed) {
                let why = event.error.as_deref().unwrap_or("no detail");
                to_stderr(&format!(
                    "warning: the token cache does not work (this run asks GoPay for a token \
                     of its own): {why}"
                ));
            }
        });
    if let Some(timeout) = cli.timeout {
        builder = builder.timeout(timeout);
    }
    builder
        .build()
        .map_err(|error| without_the_gateway_url(error, &gateway_url))
}

/// The failure of `error`. The client's refusal of a gateway URL quotes it (without
/// user-info, query and fragment, but a value with no `://` whole, and its path too), and a
/// client secret pasted into `GOPAY_GATEWAY_URL` would end up on stderr and in logs: that
/// one becomes the same refusal (the client's `gateway_url_problem`) with the URL shown as
/// [`gopay::text::shown_url`] shows it.
fn without_the_gateway_url(error: Error, url: &str) -> Failure {
    let reason = match &error {
        Error::Config {
            gateway_url_problem: Some(problem),
            ..
        } => Some(*problem),
        _ => None,
    };
    match reason {
        Some(reason) => Failure::usage(format!(
            "invalid configuration: the gateway URL (GOPAY_GATEWAY_URL) {} {reason}",
            gopay::text::shown_url(url)
        )),
        None => Failure::from(error),
    }
}
