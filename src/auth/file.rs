//! [`FileTokenCache`]: tokens in private files, shared by every process of one user, with a
//! file lock so that they make one token request between them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::cache::{CacheError, CachedToken, RefreshLock, TokenCache};
use crate::error::Error;

/// Keeps tokens as JSON files in one directory, one file per cache key.
///
/// Meant for command-line tools run again and again (one token per half hour instead of one
/// per run) and for several processes on one machine. The directory is created with mode
/// 0700 on first write and every file with mode 0600; files are replaced atomically (a
/// temporary file renamed over the old one), and a corrupt or truncated file reads as a
/// miss. [`try_lock_refresh`](TokenCache::try_lock_refresh) takes an OS file lock, which
/// the OS releases even when its holder crashes.
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
#[derive(Clone, Debug)]
pub struct FileTokenCache {
    dir: PathBuf,
}

/// Distinguishes the temporary files of concurrent writers within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl FileTokenCache {
    /// A cache in `dir`, created (mode 0700) on first write.
    pub fn new(dir: impl Into<PathBuf>) -> FileTokenCache {
        FileTokenCache { dir: dir.into() }
    }

    /// A cache in the user's cache directory: `$XDG_CACHE_HOME/gopay`, else
    /// `$HOME/.cache/gopay` (on Windows `%LOCALAPPDATA%\gopay`).
    ///
    /// Fails with [`Error::Config`] when neither variable is set.
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

    fn create_dir(&self) -> io::Result<()> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir)
    }

    fn open_private(&self, path: &Path, create_new: bool) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.write(true);
        if create_new {
            options.create_new(true);
        } else {
            options.create(true).truncate(false);
        }
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)
    }
}

impl TokenCache for FileTokenCache {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        match fs::read(self.path(key, "json")) {
            // A half-written or foreign file is a miss: the client fetches a new token.
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        self.create_dir()?;
        let path = self.path(key, "json");
        let temp = path.with_extension(format!(
            "{}.{}.tmp",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = self.open_private(&temp, true)?;
            file.write_all(&serde_json::to_vec(token)?)?;
            file.sync_all()?;
            fs::rename(&temp, &path)?;
            Ok(())
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        match fs::remove_file(self.path(key, "json")) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    fn try_lock_refresh(
        &self,
        key: &str,
        _ttl: Duration,
    ) -> Result<Option<RefreshLock>, CacheError> {
        self.create_dir()?;
        let file = self.open_private(&self.path(key, "lock"), false)?;
        match file.try_lock() {
            // Dropping the file unlocks it; so does the OS if this process dies.
            Ok(()) => Ok(Some(RefreshLock::new(move || drop(file)))),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(e.into()),
        }
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
        let ttl = Duration::from_secs(1);
        let held = cache.try_lock_refresh(KEY, ttl).unwrap();
        assert!(held.is_some());
        // A second open of the lock file (as another process would) is refused.
        assert!(cache.try_lock_refresh(KEY, ttl).unwrap().is_none());
        drop(held);
        assert!(cache.try_lock_refresh(KEY, ttl).unwrap().is_some());
        fs::remove_dir_all(cache.dir()).unwrap();
    }

    #[test]
    fn user_cache_dir_ends_in_gopay() {
        if let Ok(cache) = FileTokenCache::in_user_cache_dir() {
            assert!(cache.dir().ends_with("gopay"));
        }
    }
}
