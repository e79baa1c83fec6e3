//! The binary's access log: one line per exchange on stdout, as text or JSON. The server's
//! threads only append lines to a buffer; a thread of the log's own, woken by the first
//! line, gathers lines for [`GATHER`] and writes them out at once. Under load that is one
//! write and one wake-up per batch instead of per request, and answering never waits for
//! stdout.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use clap::ValueEnum;
use gopay_simulator::Exchange;
use parking_lot::{Condvar, Mutex};
use serde::Serialize;

/// How long the writer lets lines gather after the first one before it writes them out:
/// short enough to look immediate to whoever watches the log.
const GATHER: Duration = Duration::from_millis(2);

/// How each exchange is logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `POST /api/oauth2/token 200 1.234ms`.
    Text,
    /// `{"method":"POST","path":"/api/oauth2/token","status":200,"ms":1.234}`.
    Json,
}

/// The access log; [`close`](AccessLog::close) it to write out what is left.
pub struct AccessLog {
    format: LogFormat,
    shared: Arc<Shared>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// What the server's threads and the writer share.
struct Shared {
    pending: Mutex<Pending>,
    ready: Condvar,
}

#[derive(Default)]
struct Pending {
    /// Lines not written yet.
    text: String,
    /// The writer waits for lines (so it must be woken).
    idle: bool,
    closed: bool,
}

/// One JSON line.
#[derive(Serialize)]
struct JsonLine<'a> {
    method: &'a str,
    path: &'a str,
    status: u16,
    ms: f64,
}

impl AccessLog {
    /// Starts the writer thread.
    ///
    /// # Errors
    ///
    /// When the thread cannot be started.
    pub fn start(format: LogFormat) -> std::io::Result<AccessLog> {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            ready: Condvar::new(),
        });
        let writing = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("gopay-sim-log".into())
            .spawn(move || writing.write_out())?;
        Ok(AccessLog {
            format,
            shared,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Queues the line of `exchange`; the writer prints it at once, with whatever else
    /// arrived meanwhile.
    pub fn write(&self, exchange: &Exchange) {
        let ms = (exchange.duration.as_secs_f64() * 1_000_000.0).round() / 1000.0;
        let mut pending = self.shared.pending.lock();
        let text = &mut pending.text;
        match self.format {
            LogFormat::Text => {
                let _ = writeln!(
                    text,
                    "{} {} {} {ms:.3}ms",
                    exchange.method, exchange.path, exchange.status
                );
            }
            LogFormat::Json => {
                let line = JsonLine {
                    method: &exchange.method,
                    path: &exchange.path,
                    status: exchange.status,
                    ms,
                };
                // Serialising four plain fields cannot fail.
                if let Ok(json) = serde_json::to_string(&line) {
                    text.push_str(&json);
                    text.push('\n');
                }
            }
        }
        if pending.idle {
            pending.idle = false;
            self.shared.ready.notify_one();
        }
    }

    /// Writes out every queued line and stops the writer.
    pub fn close(&self) {
        self.shared.pending.lock().closed = true;
        self.shared.ready.notify_one();
        if let Some(writer) = self.writer.lock().take() {
            let _ = writer.join();
        }
    }
}

impl Shared {
    /// The writer thread: waits for a line, lets more gather, writes them out; until closed
    /// and drained.
    fn write_out(&self) {
        let mut batch = String::new();
        loop {
            {
                let mut pending = self.pending.lock();
                while pending.text.is_empty() && !pending.closed {
                    pending.idle = true;
                    self.ready.wait(&mut pending);
                }
                if pending.text.is_empty() {
                    return;
                }
                if !pending.closed {
                    // Not woken again meanwhile: `idle` stays false until the next wait.
                    self.ready.wait_for(&mut pending, GATHER);
                }
                std::mem::swap(&mut batch, &mut pending.text);
            }
            let mut out = std::io::stdout().lock();
            // A reader that went away is no reason to stop answering.
            let _ = out.write_all(batch.as_bytes());
            let _ = out.flush();
            batch.clear();
        }
    }
}
