//! `gopay`: a command-line client for the GoPay gateway.
//!
//! ```sh
//! export GOPAY_GOID=8123456789 GOPAY_CLIENT_ID=… GOPAY_CLIENT_SECRET=… GOPAY_GATEWAY_URL=sandbox
//! gopay create --amount 10000 --currency CZK --order 42
//! gopay check
//! gopay status 3000006529
//! gopay refund 3000006529 5000
//! gopay instruments CZK --format table
//! ```
//!
//! Every operation of GoPay's REST API v3 that [`gopay::Client`] offers is a subcommand.
//! The access token is kept in a [`gopay::FileTokenCache`] (`--cache-dir`, else
//! `$GOPAY_CACHE_DIR`, else `~/.cache/gopay`), so invocations within a token's lifetime
//! make one token request between them. Answers are printed as JSON, or as a short table
//! with `--format table`, and text that came from the gateway is made harmless for a
//! terminal (see `output`).
//!
//! Commands that move money ask first (see `confirm`); the exit codes are in `--help` and
//! `failure`. A closed stdout ends the output quietly and leaves the exit status as it was.
//! Errors are one line on stderr and never contain the client secret or a token. When the token cache does not work, one warning line goes to stderr and the
//! command goes on (with a token of its own).

mod args;
mod commands;
mod confirm;
mod failure;
mod files;
mod moves;
mod output;
mod setup;
mod tables;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2.
    let cli = args::Cli::parse();
    let result = commands::run(&cli).and_then(|answer| match answer {
        // A closed stdout is not a failure: the command did its work (see `output`).
        Some(answer) => output::to_stdout(format!("{answer}\n").as_bytes()),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output::to_stderr(&failure.message);
            ExitCode::from(failure.code)
        }
    }
}
