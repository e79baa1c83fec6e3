//! Processes sharing a `FileTokenCache` make one token request between them, and recover
//! when the process holding the refresh lock dies.

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use support::fleet::{expect_success, marked, spawn_child, spawn_marking_child};
use support::FakeGateway;

/// A fresh, empty cache directory for one test.
fn cache_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gopay-fleet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(contention_dir(&dir));
    dir
}

/// Where the children of the fleet sharing `cache_dir` report that they found the refresh
/// lock held: one file per process, named by its pid.
fn contention_dir(cache_dir: &Path) -> PathBuf {
    let mut dir = cache_dir.as_os_str().to_owned();
    dir.push(".contention");
    PathBuf::from(dir)
}

/// Removes the cache directory and the contention marks of one test.
fn clean_up(dir: &Path) {
    std::fs::remove_dir_all(dir).unwrap();
    let _ = std::fs::remove_dir_all(contention_dir(dir));
}

#[test]
fn four_processes_of_16_threads_make_one_token_request() {
    let gw = FakeGateway::start();
    let dir = cache_dir("storm");
    // The token request is answered only once the three other processes have found the
    // refresh lock held: proof that all four overlapped, whatever the scheduling.
    let watched = dir.clone();
    gw.on_token(move |request, _, gateway| {
        let give_up = Instant::now() + Duration::from_secs(15);
        while marked(&contention_dir(&watched)).len() < 3 && Instant::now() < give_up {
            std::thread::sleep(Duration::from_millis(10));
        }
        gateway.issue_token_reply(request)
    });
    let children: Vec<_> = (0..4)
        .map(|_| {
            spawn_marking_child(
                &gw.gateway.url,
                dir.to_str().unwrap(),
                16,
                Duration::from_secs(20),
                &contention_dir(&dir),
            )
        })
        .collect();
    let pids: BTreeSet<String> = children.iter().map(|c| c.id().to_string()).collect();
    for child in children {
        expect_success(child);
    }
    let waited = marked(&contention_dir(&dir));
    assert_eq!(
        waited.len(),
        3,
        "processes that found the lock held: {waited:?}"
    );
    assert!(waited.is_subset(&pids), "{waited:?} not among {pids:?}");
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
    clean_up(&dir);
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
    clean_up(&dir);
}
