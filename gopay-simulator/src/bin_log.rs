//! The binary's access log: one line per exchange on stdout, as text or JSON.

use std::io::Write;

use clap::ValueEnum;
use gopay_simulator::Exchange;

/// How each exchange is logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `POST /api/oauth2/token 200 1.234ms`.
    Text,
    /// `{"method":"POST","path":"/api/oauth2/token","status":200,"ms":1.234}`.
    Json,
}

/// Writes one line for `exchange` and flushes it, so a reader sees it at once.
pub fn write(format: LogFormat, exchange: &Exchange) {
    let ms = (exchange.duration.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    let line = match format {
        LogFormat::Text => format!(
            "{} {} {} {ms:.3}ms",
            exchange.method, exchange.path, exchange.status
        ),
        LogFormat::Json => serde_json::json!({
            "method": exchange.method,
            "path": exchange.path,
            "status": exchange.status,
            "ms": ms,
        })
        .to_string(),
    };
    let mut out = std::io::stdout().lock();
    // A reader that went away is no reason to stop answering.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
