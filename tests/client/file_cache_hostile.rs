//! `FileTokenCache` against another local user: planted directories, files, links and FIFOs,
//! and a lock holder that stops running. Each case goes through the public API and, where a
//! payment is at stake, through a real `Client` against the fake gateway.
#![cfg(unix)]

use crate::support;

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, Client, FileTokenCache, TokenCache};
use support::{FakeGateway, TOKEN_PREFIX};

/// What another user put in the cache; the gateway accepts it (it is the attacker's own).
const PLANTED: &str = "PLANTED-attacker-token";
/// The uid of `nobody`, the "other user" of these tests.
const OTHER_UID: u32 = 65534;

static DIRS: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty, private (0700) scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "gopay-hostile-{name}-{}-{}",
        std::process::id(),
        DIRS.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

/// Whether this process can hand files to another user (CI runs as root).
fn is_root() -> bool {
    let probe = scratch("uid");
    let uid = fs::metadata(&probe).unwrap().uid();
    fs::remove_dir(probe).unwrap();
    uid == 0
}

fn give_to_other_user(path: &Path) {
    std::os::unix::fs::chown(path, Some(OTHER_UID), Some(OTHER_UID)).unwrap();
}

fn planted_json() -> Vec<u8> {
    let token = CachedToken::new(
        PLANTED,
        "bearer",
        SystemTime::now() + Duration::from_secs(3600),
    );
    serde_json::to_vec(&token).unwrap()
}

/// The names the cache gives the token and lock files of `key` (found through the public
/// API, in a scratch directory).
fn file_names(key: &str) -> (String, String) {
    let dir = scratch("names");
    let cache = FileTokenCache::new(&dir);
    cache
        .set(key, &CachedToken::new("t", "bearer", SystemTime::now()))
        .unwrap();
    let json = fs::read_dir(&dir).unwrap().next().unwrap().unwrap();
    let json = json.file_name().into_string().unwrap();
    fs::remove_dir_all(dir).unwrap();
    let lock = json.replace(".json", ".lock");
    (json, lock)
}

/// A client on `gw` with a file cache in `dir`, and its cache key.
fn client(gw: &FakeGateway, dir: &Path) -> (Client, String) {
    let client = Client::builder(gw.config())
        .token_cache(Arc::new(FileTokenCache::new(dir)))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let key = client.token_cache_key().to_owned();
    (client, key)
}

/// The call succeeded with one fresh token from the gateway, never with the planted one.
fn assert_went_out_with_a_fresh_token(gw: &FakeGateway, client: &Client) {
    client.get_status(1).unwrap();
    assert_eq!(gw.token_requests(), 1);
    let api = gw.api_requests_log();
    assert_eq!(api.len(), 1);
    for request in api {
        let bearer = request.bearer().unwrap();
        assert_ne!(bearer, PLANTED, "the call went out with the planted token");
        assert!(bearer.starts_with(TOKEN_PREFIX), "{bearer}");
    }
}

/// Runs `f` on its own thread and returns its result and duration; fails (instead of
/// hanging) when it takes more than 5 s.
fn timed<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> (T, Duration) {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let start = Instant::now();
        let value = f();
        let _ = tx.send((value, start.elapsed()));
    });
    rx.recv_timeout(Duration::from_secs(5))
        .expect("the cache call was still blocked after 5 s")
}

fn assert_one_line_refusal(err: &gopay::CacheError, reason: &str) {
    let message = err.to_string();
    assert!(message.contains(reason), "{message}");
    assert!(message.ends_with("; not used"), "{message}");
    assert!(!message.contains('\n'), "{message}");
    assert!(!message.contains(PLANTED), "{message}");
}

#[test]
fn a_directory_owned_by_another_user_is_not_used() {
    if !is_root() {
        eprintln!("SKIPPED: handing a directory to uid {OTHER_UID} needs root");
        return;
    }
    let gw = FakeGateway::start();
    gw.accept_token(PLANTED);
    let dir = scratch("foreign").join("cache");
    let (client, key) = client(&gw, &dir);
    let (json, _) = file_names(&key);
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    fs::write(dir.join(&json), planted_json()).unwrap();
    give_to_other_user(&dir.join(&json));
    give_to_other_user(&dir);

    assert_went_out_with_a_fresh_token(&gw, &client);
    let err = FileTokenCache::new(&dir).get(&key).unwrap_err();
    assert_one_line_refusal(
        &err,
        &format!("is owned by uid {OTHER_UID}, not by this user (uid 0)"),
    );
    // Nor did the client leave its own token (or a lock file) there.
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[test]
fn a_directory_writable_by_others_is_not_used() {
    let gw = FakeGateway::start();
    gw.accept_token(PLANTED);
    let dir = scratch("open").join("cache");
    let (client, key) = client(&gw, &dir);
    let (json, _) = file_names(&key);
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join(&json), planted_json()).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();

    assert_went_out_with_a_fresh_token(&gw, &client);
    let err = FileTokenCache::new(&dir).get(&key).unwrap_err();
    assert_one_line_refusal(&err, "is writable by group or others");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[test]
fn a_symlinked_directory_is_not_used() {
    let gw = FakeGateway::start();
    gw.accept_token(PLANTED);
    let base = scratch("dirlink");
    let (target, dir) = (base.join("elsewhere"), base.join("cache"));
    let (client, key) = client(&gw, &dir);
    let (json, _) = file_names(&key);
    fs::create_dir(&target).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o700)).unwrap();
    fs::write(target.join(&json), planted_json()).unwrap();
    if is_root() {
        give_to_other_user(&target.join(&json));
        give_to_other_user(&target);
    } else {
        eprintln!("SKIPPED (part): handing the link's target to uid {OTHER_UID} needs root");
    }
    std::os::unix::fs::symlink(&target, &dir).unwrap();

    assert_went_out_with_a_fresh_token(&gw, &client);
    let err = FileTokenCache::new(&dir).get(&key).unwrap_err();
    assert_one_line_refusal(&err, "is a symbolic link");
    assert_eq!(fs::read_dir(&target).unwrap().count(), 1);
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn planted_files_in_a_private_directory_are_not_used() {
    let dir = scratch("files");
    let cache = FileTokenCache::new(&dir);
    let key = "1234-http://gw.example/api-payment-all";
    let (json, _) = file_names(key);
    let path = dir.join(&json);

    fs::write(&path, planted_json()).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
    let err = cache.get(key).unwrap_err();
    assert_one_line_refusal(&err, "is writable by group or others");

    fs::remove_file(&path).unwrap();
    fs::create_dir(&path).unwrap();
    let err = cache.get(key).unwrap_err();
    assert_one_line_refusal(&err, "is not a regular file");
    fs::remove_dir(&path).unwrap();

    if is_root() {
        fs::write(&path, planted_json()).unwrap();
        give_to_other_user(&path);
        let err = cache.get(key).unwrap_err();
        assert_one_line_refusal(&err, &format!("is owned by uid {OTHER_UID}"));
    } else {
        eprintln!("SKIPPED (part): handing a token file to uid {OTHER_UID} needs root");
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_symlink_at_the_lock_path_is_not_followed() {
    let gw = FakeGateway::start();
    let base = scratch("locklink");
    let dir = base.join("cache");
    let (client, key) = client(&gw, &dir);
    let (_, lock) = file_names(&key);
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    let cache = FileTokenCache::new(&dir);

    // A link to a file that does not exist yet: following it would create the file.
    let missing = base.join("created-by-root");
    std::os::unix::fs::symlink(&missing, dir.join(&lock)).unwrap();
    let err = cache
        .try_lock_refresh(&key, Duration::from_secs(2))
        .unwrap_err();
    assert_one_line_refusal(&err, "is a symbolic link");
    assert!(!missing.exists(), "the link's target was created");

    // A link to an existing file: following it would lock and overwrite it.
    let precious = base.join("precious");
    fs::write(&precious, b"keep me").unwrap();
    let before = fs::metadata(&precious).unwrap().modified().unwrap();
    fs::remove_file(dir.join(&lock)).unwrap();
    std::os::unix::fs::symlink(&precious, dir.join(&lock)).unwrap();
    let err = cache
        .try_lock_refresh(&key, Duration::from_secs(2))
        .unwrap_err();
    assert_one_line_refusal(&err, "is a symbolic link");

    // The client, refused the lock, fetches its own token; the target stays as it was.
    client.get_status(1).unwrap();
    assert_eq!(gw.token_requests(), 1);
    assert!(!missing.exists());
    assert_eq!(fs::read(&precious).unwrap(), b"keep me");
    assert_eq!(fs::metadata(&precious).unwrap().modified().unwrap(), before);
    fs::File::open(&precious).unwrap().try_lock().unwrap();
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn a_fifo_at_the_token_path_does_not_block() {
    let gw = FakeGateway::start();
    let dir = scratch("fifo");
    let (client, key) = client(&gw, &dir);
    let (json, _) = file_names(&key);
    let made = Command::new("mkfifo")
        .arg(dir.join(&json))
        .status()
        .expect("mkfifo");
    assert!(made.success());

    let cache = FileTokenCache::new(&dir);
    let (result, took) = timed({
        let key = key.clone();
        move || cache.get(&key)
    });
    eprintln!("get on a FIFO returned in {took:?}");
    assert_one_line_refusal(&result.unwrap_err(), "is not a regular file");
    assert!(took < Duration::from_secs(1), "{took:?}");

    let (result, took) = timed(move || client.get_status(1));
    eprintln!("a call with a FIFO as its token file took {took:?}");
    result.unwrap();
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert_eq!(gw.token_requests(), 1);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_symlink_to_dev_zero_is_not_read() {
    let dir = scratch("zero");
    let key = "1234-http://gw.example/api-payment-all";
    let (json, _) = file_names(key);
    std::os::unix::fs::symlink("/dev/zero", dir.join(&json)).unwrap();
    let cache = FileTokenCache::new(&dir);
    let (result, took) = timed(move || cache.get(key));
    eprintln!("get on a link to /dev/zero returned in {took:?}");
    assert_one_line_refusal(&result.unwrap_err(), "is a symbolic link");
    assert!(took < Duration::from_secs(1), "{took:?}");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_huge_token_file_is_not_read() {
    let dir = scratch("huge");
    let key = "1234-http://gw.example/api-payment-all";
    let (json, _) = file_names(key);
    let path = dir.join(&json);
    // 1 GiB, sparse: costs no disk, but reading it whole would cost 1 GiB of memory.
    fs::File::create(&path).unwrap().set_len(1 << 30).unwrap();
    let cache = FileTokenCache::new(&dir);
    let (result, took) = timed(move || cache.get(key));
    eprintln!("get on a 1 GiB token file returned in {took:?}");
    assert_one_line_refusal(&result.unwrap_err(), "is larger than 4096 bytes");
    assert!(took < Duration::from_secs(1), "{took:?}");

    // Just over the cap is refused too; a file within it is read.
    fs::File::create(&path).unwrap().set_len(4097).unwrap();
    let cache = FileTokenCache::new(&dir);
    assert_one_line_refusal(&cache.get(key).unwrap_err(), "is larger than 4096 bytes");
    fs::write(&path, planted_json()).unwrap();
    assert!(cache.get(key).unwrap().is_some());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_empty_directory_name_writes_nothing_into_the_current_directory() {
    let gw = FakeGateway::start();
    let cwd = scratch("cwd");
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "file_cache_hostile::child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("GOPAY_HOSTILE_CHILD", "empty-dir")
        .env("GOPAY_HOSTILE_URL", &gw.gateway.url)
        .current_dir(&cwd)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let left: Vec<_> = fs::read_dir(&cwd)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        left.is_empty(),
        "written into the current directory: {left:?}"
    );
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 1);
    fs::remove_dir_all(cwd).unwrap();
}

/// A child process holding the refresh lock of `key` in `dir`, stopped with SIGSTOP once it
/// has it; killed when dropped.
struct StoppedHolder(Child);

impl StoppedHolder {
    fn start(dir: &Path, key: &str, ttl: Duration) -> StoppedHolder {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "file_cache_hostile::child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("GOPAY_HOSTILE_CHILD", "hold-lock")
            .env("GOPAY_HOSTILE_DIR", dir)
            .env("GOPAY_HOSTILE_KEY", key)
            .env("GOPAY_HOSTILE_TTL_MS", ttl.as_millis().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let holder = StoppedHolder(child);
        loop {
            let line = lines.next().expect("the holder's report").unwrap();
            if line.contains("GOPAY-LOCK-HELD") {
                break;
            }
        }
        signal(&holder.0, "-STOP");
        holder
    }
}

fn signal(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill {signal}");
}

impl Drop for StoppedHolder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn guards(lock: &gopay::RefreshLock) -> bool {
    format!("{lock:?}").contains("guards: true")
}

#[test]
fn a_stopped_lock_holder_excludes_the_others_within_its_ttl() {
    let dir = scratch("stopped-within");
    let key = "1234-http://gw.example/api-payment-all";
    let _holder = StoppedHolder::start(&dir, key, Duration::from_secs(60));
    let cache = FileTokenCache::new(&dir);
    for _ in 0..3 {
        assert!(cache
            .try_lock_refresh(key, Duration::from_secs(60))
            .unwrap()
            .is_none());
        std::thread::sleep(Duration::from_millis(100));
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_stopped_lock_holder_excludes_the_others_only_until_its_ttl_passes() {
    let gw = FakeGateway::start();
    let dir = scratch("stopped-after");
    let (client, key) = client(&gw, &dir);
    let ttl = Duration::from_millis(700);
    let started = Instant::now();
    let holder = StoppedHolder::start(&dir, &key, ttl);
    let cache = FileTokenCache::new(&dir);
    if started.elapsed() < ttl / 2 {
        assert!(cache.try_lock_refresh(&key, ttl).unwrap().is_none());
    }

    // The client waits out the holder's ttl, then fetches a token itself.
    let (result, took) = timed(move || client.get_status(1));
    result.unwrap();
    eprintln!("a call behind a stopped lock holder took {took:?}");
    assert_eq!(gw.token_requests(), 1);
    let lock = cache.try_lock_refresh(&key, ttl).unwrap().unwrap();
    assert!(!guards(&lock), "the OS lock is still the stopped holder's");

    // Once it runs again and lets go, the lock is an ordinary one again.
    signal(&holder.0, "-CONT");
    drop(holder);
    let lock = cache.try_lock_refresh(&key, ttl).unwrap().unwrap();
    assert!(guards(&lock));
    drop(lock);
    fs::remove_dir_all(dir).unwrap();
}

/// The tests' "nothing listens here" port cannot be squatted by another process's server
/// between the test picking it and connecting to it.
#[test]
fn the_unused_port_refuses_connections_and_cannot_be_taken() {
    use std::net::{TcpListener, TcpStream};
    let port = support::unused_port();
    let refused = TcpStream::connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(
        TcpListener::bind(("127.0.0.1", port)).is_err(),
        "another server could listen on port {port}"
    );
    assert_ne!(support::unused_port(), port);
    // A port for a server process is one it can bind.
    TcpListener::bind(("127.0.0.1", support::server_port())).unwrap();
}

#[test]
#[ignore = "a child process of the hostile tests, started by them"]
fn child() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} unset"));
    match var("GOPAY_HOSTILE_CHILD").as_str() {
        "hold-lock" => {
            let cache = FileTokenCache::new(var("GOPAY_HOSTILE_DIR"));
            let ttl = Duration::from_millis(var("GOPAY_HOSTILE_TTL_MS").parse().unwrap());
            let lock = cache
                .try_lock_refresh(&var("GOPAY_HOSTILE_KEY"), ttl)
                .unwrap()
                .expect("the lock is free");
            assert!(guards(&lock));
            println!("GOPAY-LOCK-HELD");
            // Holds the lock until the parent kills this process.
            let _ = std::io::stdin().read_line(&mut String::new());
            drop(lock);
        }
        "empty-dir" => {
            let cache = FileTokenCache::new("");
            let key = "1234-http://gw.example/api-payment-all";
            let token = CachedToken::new("t", "bearer", SystemTime::now());
            let errors = [
                cache.set(key, &token).unwrap_err(),
                cache.get(key).unwrap_err(),
                cache.delete(key).unwrap_err(),
                cache
                    .try_lock_refresh(key, Duration::from_secs(1))
                    .unwrap_err(),
            ];
            for err in errors {
                assert_eq!(err.to_string(), "token cache directory is empty");
            }
            let config = gopay::Config::new(
                support::GOID,
                support::CLIENT_ID,
                support::CLIENT_SECRET,
                var("GOPAY_HOSTILE_URL"),
            );
            let client = Client::builder(config)
                .token_cache(Arc::new(cache))
                .timeout(Duration::from_secs(2))
                .build()
                .unwrap();
            client.get_status(1).unwrap();
        }
        other => panic!("unknown child {other}"),
    }
}
