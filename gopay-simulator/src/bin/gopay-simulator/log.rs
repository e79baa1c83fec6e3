//! The binary's access log: one line per exchange on stdout, as text or JSON. The server's
//! threads only append lines to a buffer; a thread of the log's own, woken by the first
//! line, gathers lines for [`GATHER`] and writes them out at once. Under load that is one
//! write and one wake-up per batch instead of per request, and answering never waits for
//! stdout. A stdout nobody reads (a pipe whose reader went to sleep) can neither fill memory
//! (lines past [`MAX_PENDING`] bytes are counted and dropped) nor hold the exit (closing
//! waits at most [`CLOSE_WAIT`] for the writer).

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use gopay_simulator::Exchange;
use parking_lot::{Condvar, Mutex};
use serde::Serialize;

/// How long the writer lets lines gather after the first one before it writes them out:
/// short enough to look immediate to whoever watches the log.
const GATHER: Duration = Duration::from_millis(2);

/// The most the lines waiting for stdout may hold, in bytes; later lines are dropped (and
/// counted) until the writer catches up.
const MAX_PENDING: usize = 1024 * 1024;

/// How long closing waits for the writer to write out what is left: a stdout that is not
/// read must not keep a stopped simulator from exiting.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

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
    /// Gets a message (or hangs up) when the writer is done.
    writer_done: Mutex<Option<Receiver<()>>>,
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
    /// Lines dropped since the last batch because `text` was full.
    dropped: u64,
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
        let (done, writer_done) = mpsc::channel();
        std::thread::Builder::new()
            .name("gopay-sim-log".into())
            .spawn(move || {
                writing.write_out();
                let _ = done.send(());
            })?;
        Ok(AccessLog {
            format,
            shared,
            writer_done: Mutex::new(Some(writer_done)),
        })
    }

    /// Queues the line of `exchange`; the writer prints it at once, with whatever else
    /// arrived meanwhile.
    pub fn write(&self, exchange: &Exchange) {
        let ms = (exchange.duration.as_secs_f64() * 1_000_000.0).round() / 1000.0;
        let mut pending = self.shared.pending.lock();
        if pending.text.len() >= MAX_PENDING {
            pending.dropped += 1;
            return;
        }
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

    /// Writes out every queued line and stops the writer, waiting for it at most
    /// [`CLOSE_WAIT`] (a stdout nobody reads would block it for ever).
    pub fn close(&self) {
        self.shared.pending.lock().closed = true;
        self.shared.ready.notify_one();
        if let Some(done) = self.writer_done.lock().take() {
            let _ = done.recv_timeout(CLOSE_WAIT);
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
                if pending.dropped > 0 {
                    // After the lines kept: the dropped ones came after them.
                    let _ = writeln!(
                        batch,
                        "gopay-simulator: {} log lines dropped: stdout is not read fast enough",
                        pending.dropped
                    );
                    pending.dropped = 0;
                }
            }
            let mut out = std::io::stdout().lock();
            // A reader that went away is no reason to stop answering.
            let _ = out.write_all(batch.as_bytes());
            let _ = out.flush();
            batch.clear();
        }
    }
}
