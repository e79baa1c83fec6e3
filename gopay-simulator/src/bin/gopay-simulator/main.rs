//! The `gopay-simulator` binary: the simulated GoPay gateway as a server of its own, for the
//! test suites of shops in any language.

mod args;
mod log;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use args::Args;
use log::AccessLog;

fn main() -> ExitCode {
    let args = Args::parse();
    let log = match AccessLog::start(args.log) {
        Ok(log) => Arc::new(log),
        Err(e) => {
            eprintln!("gopay-simulator: cannot start the access log: {e}");
            return ExitCode::FAILURE;
        }
    };
    let logging = Arc::clone(&log);
    let started = args
        .builder()
        .on_exchange(move |exchange| logging.write(exchange))
        .start();
    let sim = match started {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("gopay-simulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        // A closed stdout is no reason not to serve.
        let _ = writeln!(out, "gopay-simulator listening on {}", sim.gateway_url());
        let _ = out.flush();
    }
    if let Err(e) = wait_for_signal() {
        eprintln!("gopay-simulator: cannot wait for signals: {e}");
        return ExitCode::FAILURE;
    }
    // Stopping answers the requests in flight and saves the state file; then the lines
    // of those requests are written out.
    let stopped = sim.stop();
    log.close();
    match stopped {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gopay-simulator: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Blocks until SIGINT or (on Unix) SIGTERM.
///
/// # Errors
///
/// When the signal handlers cannot be installed.
fn wait_for_signal() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut terminate = signal(SignalKind::terminate())?;
            tokio::select! {
                interrupted = tokio::signal::ctrl_c() => interrupted,
                _ = terminate.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await
        }
    })
}
