//! Child processes sharing one token cache, for the cross-process single-flight tests.
//!
//! A fleet test starts copies of its own test binary running only the ignored
//! `fleet_child` test, which calls the gateway from several threads through a client whose
//! token cache the parent describes in environment variables (see [`described_cache`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use gopay::{CacheError, CachedToken, Client, Config, RefreshLock, TokenCache};

/// The directory where a child marks that it found the refresh lock held, when set.
const MARKS_VAR: &str = "GOPAY_FLEET_MARKS";

/// Starts one child: `threads` threads, each one `get_status` call, through a client with
/// the cache `cache` (see [`described_cache`]) and `timeout`.
pub fn spawn_child(gateway_url: &str, cache: &str, threads: usize, timeout: Duration) -> Child {
    child_command(gateway_url, cache, threads, timeout)
        .spawn()
        .expect("spawn a child test process")
}

/// [`spawn_child`], whose child also leaves a file named by its pid in `marks` (see
/// [`marked`]) each time it finds the refresh lock held by another client: proof that it
/// overlapped with the holder.
pub fn spawn_marking_child(
    gateway_url: &str,
    cache: &str,
    threads: usize,
    timeout: Duration,
    marks: &Path,
) -> Child {
    child_command(gateway_url, cache, threads, timeout)
        .env(MARKS_VAR, marks)
        .spawn()
        .expect("spawn a child test process")
}

/// The pids of the children that left a mark in `marks`.
pub fn marked(marks: &Path) -> BTreeSet<String> {
    std::fs::read_dir(marks)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn child_command(gateway_url: &str, cache: &str, threads: usize, timeout: Duration) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args([
            "fleet_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("GOPAY_FLEET_URL", gateway_url)
        .env("GOPAY_FLEET_CACHE", cache)
        .env("GOPAY_FLEET_THREADS", threads.to_string())
        .env("GOPAY_FLEET_TIMEOUT_MS", timeout.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits for a child and fails the test with its output if it failed.
pub fn expect_success(child: Child) {
    let output = child.wait_with_output().expect("wait for the child");
    assert!(
        output.status.success(),
        "child failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The body of `fleet_child`: every thread's call must succeed.
pub fn child_main(make_cache: impl Fn(&str) -> Arc<dyn TokenCache>) {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} unset"));
    let url = var("GOPAY_FLEET_URL");
    let threads: usize = var("GOPAY_FLEET_THREADS").parse().unwrap();
    let timeout = Duration::from_millis(var("GOPAY_FLEET_TIMEOUT_MS").parse().unwrap());
    let config = Config::new(super::GOID, super::CLIENT_ID, super::CLIENT_SECRET, url);
    let mut cache = make_cache(&var("GOPAY_FLEET_CACHE"));
    if let Ok(marks) = std::env::var(MARKS_VAR) {
        cache = Arc::new(Marking {
            cache,
            marks: PathBuf::from(marks),
        });
    }
    let client = Client::builder(config)
        .token_cache(cache)
        .timeout(timeout)
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads as u64)
        .map(|i| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                client.get_status(i + 1)
            })
        })
        .collect();
    for handle in handles {
        if let Err(err) = handle.join().unwrap() {
            panic!("a call failed: {err}");
        }
    }
}

/// The cache a fleet test describes for its children: a directory (a `FileTokenCache`), or
/// a `memcache(s)://` (feature `memcached`) or `redis(s)://` (feature `redis`) URL followed
/// by optional words `ca=PEM-FILE` (a private CA, feature `extra-roots`) and `prefix=KEY`.
pub fn described_cache(described: &str) -> Arc<dyn TokenCache> {
    let mut words = described.split(' ');
    let target = words.next().unwrap();
    let words: Vec<(&str, &str)> = words
        .map(|word| {
            word.split_once('=')
                .unwrap_or_else(|| panic!("no = in {word}"))
        })
        .collect();
    if target.starts_with('/') {
        assert!(words.is_empty(), "a file cache takes no words");
        return Arc::new(gopay::FileTokenCache::new(target));
    }
    #[cfg(feature = "memcached")]
    if target.starts_with("memcache://") || target.starts_with("memcaches://") {
        let mut cache = gopay::MemcachedTokenCache::new(target).unwrap();
        for (name, value) in words {
            cache = match name {
                #[cfg(feature = "extra-roots")]
                "ca" => cache
                    .add_root_certificate_pem(std::fs::read(value).unwrap())
                    .unwrap(),
                "prefix" => cache.key_prefix(value),
                _ => panic!("unknown cache word {name}"),
            };
        }
        return Arc::new(cache);
    }
    #[cfg(feature = "redis")]
    if target.starts_with("redis://") || target.starts_with("rediss://") {
        let mut cache = gopay::RedisTokenCache::new(target).unwrap();
        for (name, value) in words {
            cache = match name {
                #[cfg(feature = "extra-roots")]
                "ca" => cache
                    .add_root_certificate_pem(std::fs::read(value).unwrap())
                    .unwrap(),
                "prefix" => cache.key_prefix(value),
                _ => panic!("unknown cache word {name}"),
            };
        }
        return Arc::new(cache);
    }
    panic!("no shared cache for this description in this build: {target}");
}

/// A cache that leaves a mark each time its lock is found held.
struct Marking {
    cache: Arc<dyn TokenCache>,
    marks: PathBuf,
}

impl TokenCache for Marking {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        self.cache.get(key)
    }
    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        self.cache.set(key, token)
    }
    fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.cache.delete(key)
    }
    fn try_lock_refresh(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<RefreshLock>, CacheError> {
        let lock = self.cache.try_lock_refresh(key, ttl)?;
        if lock.is_none() {
            std::fs::create_dir_all(&self.marks)?;
            std::fs::write(self.marks.join(std::process::id().to_string()), b"")?;
        }
        Ok(lock)
    }
}
