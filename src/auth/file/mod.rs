//! [`FileTokenCache`]: tokens in private files, shared by every process of one user, with a
//! file lock so that they make one token request between them.

mod lock;
mod private;

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::cache::{CacheError, CachedToken, RefreshLock, TokenCache};
use crate::error::Error;

/// Keeps tokens as JSON files in one directory, one file per cache key.
///
/// Meant for command-line tools run again and again (one token per half hour instead of one
/// per run) and for several processes of one user on one machine. Files are replaced
/// atomically (a temporary file renamed over the old one), and a corrupt or truncated file
/// reads as a miss.
///
/// # Whom it trusts (unix)
///
/// A token file decides which bearer token your payments go out with, so the cache uses
/// only what no other local user can have put there:
///
/// - **The directory** must be owned by the process's effective user and not writable by
///   group or others (`mode & 0o022 == 0`), and must itself be a directory, not a symbolic
///   link to one (links in the parent path are followed as usual). A missing directory is
///   created with mode 0700 on first write (missing parents with default modes). A
///   directory that names none (`""`, `"."`) is refused rather than taken to mean the
///   current directory.
/// - **Files** (token, lock, temporary) are opened without following a symbolic link and
///   without blocking, and must be regular files owned by the effective user, writable by
///   nobody else, and at most 4 KiB (a token file holds about 200 bytes); at most that much
///   is ever read. New files get mode 0600.
/// - **The refresh lock** ([`try_lock_refresh`](TokenCache::try_lock_refresh)) is an OS file
///   lock, released by the OS when its holder dies. Its holder also records in the lock file
///   when its `ttl` ends: once that has passed, another process may fetch a token even
///   though the lock is still held, so a holder that is stopped (SIGSTOP, Ctrl-Z, a
///   debugger) keeps the others waiting for at most `ttl` (the client's timeout). The
///   record is wall-clock time: a clock jump moves the expiry with it.
///
/// Anything else (a directory owned by someone else or open to others, a symbolic link, a
/// FIFO or device, an oversized file) is never read or written: the operation returns an
/// error with a one-line reason naming the path, which the client counts as a miss (it
/// fetches its own token) and passes to its event hook. The effective user id is read once,
/// from `/proc/self/status` on Linux; elsewhere, or without `/proc`, it is the owner of a
/// file the cache creates (and removes at once) in the temporary directory.
///
/// The checks open files with `O_NOFOLLOW | O_NONBLOCK` on Linux (x86, x86-64, AArch64,
/// RISC-V 64), Android on those, macOS, iOS and the BSDs. On other unix targets those flag
/// values are not known here: a symbolic link is then refused by a check just before the
/// open (a small race) and a FIFO could block the open. On non-unix platforms (Windows)
/// only the symbolic-link, regular-file and size checks apply; ownership and modes are not
/// checked, and as a held lock file cannot be read there, a process that finds the lock
/// held counts the `ttl` from when it first found it so.
///
/// No operation waits: files are read without blocking, the lock is only ever tried, and
/// nothing is synced to disk (a file torn by a crash reads as a miss). So the call's
/// [`token_cache_deadline`](crate::token_cache_deadline) has nothing to bound here.
///
/// ```no_run
/// use std::sync::Arc;
///
/// let cache = gopay::FileTokenCache::in_user_cache_dir()?;
/// let client = gopay::Client::builder(gopay::Config::from_env()?)
///     .token_cache(Arc::new(cache))
///     .build()?;
/// # Ok::<(), gopay::Error>(())
/// ```
#[derive(Clone)]
pub struct FileTokenCache {
    dir: PathBuf,
    /// Shared by clones: see [`lock::Unrecorded`].
    unrecorded: Arc<lock::Unrecorded>,
}

/// Distinguishes the temporary files of concurrent writers within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl FileTokenCache {
    /// A cache in `dir`, created (mode 0700) on first write. Nothing is checked yet: every
    /// operation checks `dir` and fails while it is not private (see above), or when it is
    /// empty.
    pub fn new(dir: impl Into<PathBuf>) -> FileTokenCache {
        FileTokenCache {
            dir: dir.into(),
            unrecorded: Arc::default(),
        }
    }

    /// A cache in the user's cache directory: `$XDG_CACHE_HOME/gopay`, else
    /// `$HOME/.cache/gopay` (on Windows `%LOCALAPPDATA%\gopay`).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when neither variable is set (nothing is created yet: the
    /// directory is made on the first write).
    pub fn in_user_cache_dir() -> Result<FileTokenCache, Error> {
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let base = if cfg!(windows) {
            non_empty("LOCALAPPDATA").map(PathBuf::from)
        } else {
            non_empty("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| non_empty("HOME").map(|home| PathBuf::from(home).join(".cache")))
        };
        base.map(|base| FileTokenCache::new(base.join("gopay")))
            .ok_or_else(|| Error::config("no user cache directory: set XDG_CACHE_HOME or HOME"))
    }

    /// The directory the token files live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `{readable part of the key}-{hash of the key}.json`: keys hold `/` and `:`, and two
    /// keys that read the same once cleaned must not share a file.
    fn path(&self, key: &str, extension: &str) -> PathBuf {
        let readable: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        self.dir.join(format!(
            "{readable}-{:016x}.{extension}",
            fnv1a(key.as_bytes())
        ))
    }
}

impl fmt::Debug for FileTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileTokenCache")
            .field("dir", &self.dir)
            .finish()
    }
}

impl TokenCache for FileTokenCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        if !private::check_dir(&self.dir, false)? {
            return Ok(None);
        }
        // A half-written or foreign file is a miss: the client fetches a new token.
        Ok(private::read_token_file(&self.path(key, "json"))?
            .and_then(|bytes| serde_json::from_slice(&bytes).ok()))
    }

    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        private::check_dir(&self.dir, true)?;
        let path = self.path(key, "json");
        let temp = path.with_extension(format!(
            "{}.{}.tmp",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = private::create_temp_file(&temp)?;
        // Renaming replaces whatever is at `path`, a planted link included, never its target.
        let written = file
            .write_all(&serde_json::to_vec(token)?)
            .and_then(|()| fs::rename(&temp, &path))
            .map_err(|e| private::io_error("write token file", &path, e));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        if !private::check_dir(&self.dir, false)? {
            return Ok(());
        }
        let path = self.path(key, "json");
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(private::io_error("remove token file", &path, e))
            }
            _ => Ok(()),
        }
    }

    fn try_lock_refresh(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<RefreshLock>, CacheError> {
        private::check_dir(&self.dir, true)?;
        let path = self.path(key, "lock");
        let file = private::open_lock_file(&path)?;
        lock::try_lock(file, &path, ttl, &self.unrecorded)
    }
}

/// FNV-1a, 64 bits: a stable hash (std's `DefaultHasher` may change between releases, and
/// file names must not).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "gopay-file-cache-{name}-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn token() -> CachedToken {
        CachedToken::new(
            "tok+/=",
            "bearer",
            SystemTime::now() + Duration::from_secs(60),
        )
    }

    const KEY: &str = "1234-https://gw.sandbox.gopay.com/api-payment-all";

    #[test]
    fn stores_reads_and_deletes() {
        let cache = FileTokenCache::new(temp_dir("rw").join("nested"));
        assert_eq!(cache.get(KEY).unwrap(), None);
        let stored = token();
        cache.set(KEY, &stored).unwrap();
        assert_eq!(cache.get(KEY).unwrap(), Some(stored));
        cache.delete(KEY).unwrap();
        assert_eq!(cache.get(KEY).unwrap(), None);
        cache.delete(KEY).unwrap();
        fs::remove_dir_all(cache.dir().parent().unwrap()).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn directory_is_0700_and_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let cache = FileTokenCache::new(temp_dir("modes"));
        cache.set(KEY, &token()).unwrap();
        let _lock = cache.try_lock_refresh(KEY, Duration::from_secs(1)).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(cache.dir()), 0o700);
        let mut files = 0;
        for entry in fs::read_dir(cache.dir()).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{path:?}");
            files += 1;
        }
        assert_eq!(
            files, 2,
            "the token file and the lock file, no temporary left"
        );
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn corrupt_or_truncated_files_are_a_miss() {
        let cache = FileTokenCache::new(temp_dir("corrupt"));
        cache.set(KEY, &token()).unwrap();
        let path = cache.path(KEY, "json");
        let full = fs::read(&path).unwrap();
        for bad in [
            &full[..full.len() / 2],
            b"",
            b"\xff\xfe garbage",
            b"{\"access_token\":1}",
        ] {
            fs::write(&path, bad).unwrap();
            assert_eq!(cache.get(KEY).unwrap(), None);
        }
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn keys_that_clean_up_alike_get_different_files() {
        let cache = FileTokenCache::new("/nowhere");
        assert_ne!(cache.path("a/b", "json"), cache.path("a:b", "json"));
        let name = cache.path(KEY, "json");
        let name = name.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("1234-https___gw.sandbox.gopay.com_api-payment-all-"),
            "{name}"
        );
    }

    #[test]
    fn the_refresh_lock_excludes_others_until_dropped() {
        let cache = FileTokenCache::new(temp_dir("lock"));
        let ttl = Duration::from_secs(60);
        let held = cache.try_lock_refresh(KEY, ttl).unwrap();
        assert!(held.is_some());
        // A second open of the lock file (as another process would) is refused.
        assert!(cache.try_lock_refresh(KEY, ttl).unwrap().is_none());
        drop(held);
        assert!(cache.try_lock_refresh(KEY, ttl).unwrap().is_some());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    // Unix only: on Windows a locked file cannot be read by others, nor its record checked
    // here.
    #[cfg(unix)]
    #[test]
    fn a_held_lock_stops_excluding_once_its_ttl_has_passed() {
        let cache = FileTokenCache::new(temp_dir("ttl"));
        let held = cache.try_lock_refresh(KEY, Duration::ZERO).unwrap();
        assert!(held
            .as_ref()
            .is_some_and(|lock| format!("{lock:?}").contains("true")));
        let record = fs::read_to_string(cache.path(KEY, "lock")).unwrap();
        let pid = std::process::id().to_string();
        assert_eq!(record.trim_end().split(' ').nth(1), Some(pid.as_str()));
        // Expired at once: the next caller may fetch, though the OS lock is still held.
        let overtaken = cache.try_lock_refresh(KEY, Duration::ZERO).unwrap();
        assert!(overtaken.is_some_and(|lock| format!("{lock:?}").contains("false")));
        drop(held);
        assert_eq!(
            fs::read(cache.path(KEY, "lock")).unwrap(),
            b"",
            "emptied on release"
        );
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn a_lock_held_without_a_record_expires_after_ttl_from_first_sight() {
        let cache = FileTokenCache::new(temp_dir("norecord"));
        drop(cache.try_lock_refresh(KEY, Duration::ZERO).unwrap());
        // Locked by someone who never writes a record (stopped right after locking).
        let holder = fs::File::open(cache.path(KEY, "lock")).unwrap();
        holder.try_lock().unwrap();
        let ttl = Duration::from_millis(200);
        assert!(cache.try_lock_refresh(KEY, ttl).unwrap().is_none());
        std::thread::sleep(ttl);
        assert!(cache.try_lock_refresh(KEY, ttl).unwrap().is_some());
        drop(holder);
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    /// The errors of `get`, `set`, `delete` and `try_lock_refresh`, each of which must fail.
    fn every_operation_error(cache: &FileTokenCache) -> [CacheError; 4] {
        [
            cache.get(KEY).unwrap_err(),
            cache.set(KEY, &token()).unwrap_err(),
            cache.delete(KEY).unwrap_err(),
            cache
                .try_lock_refresh(KEY, Duration::from_secs(1))
                .unwrap_err(),
        ]
    }

    #[test]
    fn an_empty_directory_is_refused_by_every_operation() {
        for dir in ["", "."] {
            let cache = FileTokenCache::new(dir);
            for err in every_operation_error(&cache) {
                assert_eq!(err.to_string(), "token cache directory is empty");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_open_to_others_or_behind_a_link_is_refused_by_every_operation() {
        use std::os::unix::fs::PermissionsExt;
        let base = temp_dir("refused");
        let open = base.join("open");
        let link = base.join("link");
        fs::create_dir_all(&open).unwrap();
        let private = base.join("private");
        fs::create_dir(&private).unwrap();
        fs::set_permissions(&private, fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::symlink(&private, &link).unwrap();
        for (mode, dir, reason) in [
            (0o770, &open, "is writable by group or others; not used"),
            (0o702, &open, "is writable by group or others; not used"),
            (0o700, &link, "is a symbolic link; not used"),
        ] {
            fs::set_permissions(&open, fs::Permissions::from_mode(mode)).unwrap();
            let cache = FileTokenCache::new(dir);
            for err in every_operation_error(&cache) {
                let message = err.to_string();
                assert_eq!(
                    message,
                    format!("token cache directory {dir:?} {reason}"),
                    "{mode:o}"
                );
            }
        }
        assert_eq!(fs::read_dir(&open).unwrap().count(), 0);
        assert_eq!(fs::read_dir(&private).unwrap().count(), 0);
        fs::remove_dir_all(base).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_new_directory_is_private_though_its_parents_need_not_be() {
        use std::os::unix::fs::PermissionsExt;
        let base = temp_dir("parents");
        let cache = FileTokenCache::new(base.join("a").join("b"));
        let stored = token();
        cache.set(KEY, &stored).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(cache.dir()), 0o700);
        assert_eq!(cache.get(KEY).unwrap(), Some(stored));
        fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn user_cache_dir_ends_in_gopay() {
        if let Ok(cache) = FileTokenCache::in_user_cache_dir() {
            assert!(cache.dir().ends_with("gopay"));
        }
    }
}
