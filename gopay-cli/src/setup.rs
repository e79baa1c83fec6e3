//! The client of a run: credentials from the environment, tokens in the file cache.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use gopay::{Client, Config, ExchangeKind, FileTokenCache};

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
/// Exit code 2 when the settings are missing or wrong.
pub fn client(cli: &Cli) -> Result<Client, Failure> {
    let config = Config::from_env()?;
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
    Ok(builder.build()?)
}
