//! The refresh lock of [`FileTokenCache`](super::FileTokenCache): an OS file lock plus a
//! record of when its holder's right to it ends, so that a holder that stopped running
//! (SIGSTOP, Ctrl-Z, a debugger) keeps the others out for at most its `ttl`.
//!
//! The holder writes `{deadline in ms since the Unix epoch} {pid}` into the lock file right
//! after taking the lock, and empties the file before giving the lock back. A process that
//! finds the lock held reads that record: once the deadline has passed it may fetch a token
//! itself. Nothing here waits: the lock is only ever tried.
//!
//! Where the record cannot be read (not yet written, or on Windows, where a locked file
//! cannot be read by others), the `ttl` runs from when this process first found the lock
//! held without one.

use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;

use super::private::{io_error, read_capped};
use crate::auth::cache::{CacheError, RefreshLock};

/// When this process first saw each lock held with no record in it (a holder between taking
/// the lock and writing the record, or one stopped right there).
pub(super) type Unrecorded = Mutex<HashMap<PathBuf, Instant>>;

/// Tries the lock in `file` (the lock file at `path`) for a holder that needs it for `ttl`.
pub(super) fn try_lock(
    file: File,
    path: &Path,
    ttl: Duration,
    unrecorded: &Unrecorded,
) -> Result<Option<RefreshLock>, CacheError> {
    match file.try_lock() {
        Ok(()) => {
            unrecorded.lock().remove(path);
            write_record(&file, ttl).map_err(|e| io_error("write token lock file", path, e))?;
            // Emptied, then closed: closing unlocks it, as the OS does if this process dies.
            Ok(Some(RefreshLock::new(move || {
                let _ = file.set_len(0);
                drop(file);
            })))
        }
        Err(TryLockError::WouldBlock) => {
            let expired = match read_record(&file, path) {
                Some(deadline_ms) => {
                    unrecorded.lock().remove(path);
                    now_ms() >= deadline_ms
                }
                // No record yet: normally written a moment later. Should it never come, the
                // holder is stuck: give it `ttl` from when this process first noticed.
                None => {
                    let mut unrecorded = unrecorded.lock();
                    let since = unrecorded
                        .entry(path.to_path_buf())
                        .or_insert_with(Instant::now);
                    since.elapsed() >= ttl
                }
            };
            // An expired holder no longer excludes anyone: fetch without the lock.
            Ok(expired.then(RefreshLock::unguarded))
        }
        Err(TryLockError::Error(e)) => Err(io_error("lock token lock file", path, e)),
    }
}

fn write_record(mut file: &File, ttl: Duration) -> std::io::Result<()> {
    let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
    let record = format!(
        "{} {}\n",
        now_ms().saturating_add(ttl_ms),
        std::process::id()
    );
    file.set_len(0)?;
    file.write_all(record.as_bytes())
}

/// The holder's deadline, or `None` when the file holds no (complete) record.
fn read_record(file: &File, path: &Path) -> Option<u64> {
    let bytes = read_capped("token lock file", path, file).ok()?;
    parse_record(&bytes)
}

fn parse_record(bytes: &[u8]) -> Option<u64> {
    let line = std::str::from_utf8(bytes).ok()?.strip_suffix('\n')?;
    line.split(' ').next()?.parse().ok()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse_only_when_complete() {
        assert_eq!(
            parse_record(b"1767225600123 4242\n"),
            Some(1_767_225_600_123)
        );
        assert_eq!(parse_record(b"1767225600123 4242"), None, "half written");
        assert_eq!(parse_record(b"17672"), None);
        assert_eq!(parse_record(b""), None);
        assert_eq!(parse_record(b"\xff\n"), None);
    }
}
