//! Child processes sharing one token cache, for the cross-process single-flight tests.
//!
//! A fleet test starts copies of its own test binary running only its ignored
//! `fleet_child` test, which calls the gateway from several threads through a client whose
//! token cache the parent describes in environment variables.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use gopay::{Client, Config, TokenCache};

/// Starts one child: `threads` threads, each one `get_status` call, through a client with
/// the cache `cache` (interpreted by the test's `fleet_child`) and `timeout`.
pub fn spawn_child(gateway_url: &str, cache: &str, threads: usize, timeout: Duration) -> Child {
    Command::new(std::env::current_exe().expect("the test binary"))
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
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn a child test process")
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
    let client = Client::builder(config)
        .token_cache(make_cache(&var("GOPAY_FLEET_CACHE")))
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
