//! Processes sharing a `FileTokenCache` make one token request between them, and recover
//! when the process holding the refresh lock dies.

mod support;

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use gopay::{FileTokenCache, TokenCache};
use support::fleet::{expect_success, spawn_child};
use support::FakeGateway;

/// A fresh, empty cache directory for one test.
fn cache_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gopay-fleet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
#[ignore = "a child process of the fleet tests, started by them"]
fn fleet_child() {
    support::fleet::child_main(|dir| Arc::new(FileTokenCache::new(dir)) as Arc<dyn TokenCache>);
}

#[test]
fn four_processes_of_16_threads_make_one_token_request() {
    let gw = FakeGateway::start();
    // A slow token endpoint keeps the refresh window open while all 64 threads arrive.
    gw.on_token(|request, _, gateway| {
        std::thread::sleep(Duration::from_millis(300));
        gateway.issue_token_reply(request)
    });
    let dir = cache_dir("storm");
    let children: Vec<_> = (0..4)
        .map(|_| {
            spawn_child(
                &gw.gateway.url,
                dir.to_str().unwrap(),
                16,
                Duration::from_secs(20),
            )
        })
        .collect();
    for child in children {
        expect_success(child);
    }
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 64);
    // A later run (a CLI invoked again) reuses the stored token.
    expect_success(spawn_child(
        &gw.gateway.url,
        dir.to_str().unwrap(),
        2,
        Duration::from_secs(20),
    ));
    assert_eq!(gw.token_requests(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_killed_lock_holder_does_not_stop_the_others() {
    let gw = FakeGateway::start();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
    gw.on_token(move |request, n, gateway| {
        if n == 1 {
            // The first process to ask hangs here until it is killed.
            entered_tx.lock().unwrap().send(()).unwrap();
            let _ = release_rx.lock().unwrap().recv();
        }
        gateway.issue_token_reply(request)
    });
    let dir = cache_dir("killed");
    let url = gw.gateway.url.clone();
    let mut holder = spawn_child(&url, dir.to_str().unwrap(), 1, Duration::from_secs(60));
    entered_rx.recv().unwrap();
    let others = spawn_child(&url, dir.to_str().unwrap(), 8, Duration::from_secs(30));
    holder.kill().unwrap();
    holder.wait().unwrap();
    // The OS released the dead holder's file lock: one of the others fetched instead.
    expect_success(others);
    release_tx.send(()).unwrap();
    assert_eq!(gw.token_requests(), 2);
    assert_eq!(gw.api_requests(), 8);
    std::fs::remove_dir_all(dir).unwrap();
}
