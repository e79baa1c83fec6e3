//! `MemcachedTokenCache` against a real `memcached` (plain and TLS), against hostile fake
//! servers (silent, dripping, oversized, garbage, another key's value, closing mid-reply),
//! each a prompt cache error that lets the API call go through on a token of its own, and
//! in a fleet of processes that make one token request between them.
#![cfg(feature = "memcached")]

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, Client, MemcachedTokenCache, TokenCache};
use support::fleet::{expect_success, marked, spawn_marking_child};
use support::hostile_cache::{
    assert_every_method_fails_within, assert_the_call_goes_through, FakeServer,
};
use support::memcached_server::MemcachedServer;
use support::{FakeGateway, ScratchDir};

fn token_for(lifetime: Duration) -> CachedToken {
    CachedToken::new("ToKeN-cached", "bearer", SystemTime::now() + lifetime)
}

fn token() -> CachedToken {
    token_for(Duration::from_secs(600))
}

/// The seconds left before `key` expires on `memcached` (meta get with the `t` flag).
fn ttl(memcached: &MemcachedServer, key: &str) -> i64 {
    let answer = memcached.command(&format!("mg {key} t\r\n"));
    answer
        .strip_prefix("HD t")
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("mg {key}: {answer}"))
}

fn cache(memcached: &MemcachedServer) -> MemcachedTokenCache {
    MemcachedTokenCache::new(&memcached.url()).unwrap()
}

// ---------------------------------------------------------------------------------------
// A real memcached.
// ---------------------------------------------------------------------------------------

#[test]
fn tokens_round_trip_with_a_server_side_expiry() {
    let memcached = MemcachedServer::start();
    let cache = cache(&memcached);
    let token = token_for(Duration::from_secs(60));
    assert_eq!(cache.get("k").unwrap(), None);
    cache.set("k", &token).unwrap();
    assert_eq!(cache.get("k").unwrap(), Some(token.clone()));
    let left = ttl(&memcached, "gopay:k");
    eprintln!("a 60 s token is stored for {left} s");
    assert!((55..=60).contains(&left), "{left}");
    // Stored as the token's JSON, as the Redis cache does.
    let stored: CachedToken = serde_json::from_str(&memcached.get("gopay:k").unwrap()).unwrap();
    assert_eq!(stored, token);
    // Foreign data under the key is a miss, not an error.
    memcached.set("gopay:k", "not json", 60);
    assert_eq!(cache.get("k").unwrap(), None);
    cache.delete("k").unwrap();
    assert_eq!(memcached.get("gopay:k"), None);
    // Deleting what is not there is no error either.
    cache.delete("k").unwrap();
    // An expired token is not stored at all.
    cache.set("old", &token_for(Duration::ZERO)).unwrap();
    assert_eq!(memcached.get("gopay:old"), None);
}

#[test]
fn an_expiry_past_30_days_is_written_as_a_unix_time() {
    let memcached = MemcachedServer::start();
    let cache = cache(&memcached);
    let forty_days = 40 * 24 * 3600;
    cache
        .set("k", &token_for(Duration::from_secs(forty_days)))
        .unwrap();
    // Written as seconds, memcached would have read it as a time in 1970 and dropped it.
    let left = ttl(&memcached, "gopay:k");
    eprintln!("a 40-day token is stored for {left} s");
    assert!(left > 0 && (left - forty_days as i64).abs() <= 5, "{left}");
}

#[test]
fn the_lock_is_exclusive_and_released_only_by_its_owner() {
    let memcached = MemcachedServer::start();
    let cache = cache(&memcached);
    let ttl_30s = Duration::from_secs(30);
    let lock = cache.try_lock_refresh("k", ttl_30s).unwrap();
    assert!(lock.is_some());
    let left = ttl(&memcached, "gopay:k:lock");
    assert!((25..=30).contains(&left), "{left}");
    // A second taker, in this process or another, is refused.
    assert!(cache.try_lock_refresh("k", ttl_30s).unwrap().is_none());
    let other = MemcachedTokenCache::new(&memcached.url()).unwrap();
    assert!(other.try_lock_refresh("k", ttl_30s).unwrap().is_none());
    // Its owner releases it, and it can be taken again.
    drop(lock);
    assert_eq!(memcached.get("gopay:k:lock"), None);
    let again = cache.try_lock_refresh("k", ttl_30s).unwrap();
    assert!(again.is_some());
    // Once someone else holds it (it expired and was taken), the first owner's release
    // leaves it alone.
    memcached.set("gopay:k:lock", "someone-else", 60);
    drop(again);
    assert_eq!(
        memcached.get("gopay:k:lock").as_deref(),
        Some("someone-else")
    );
    // A lock that expired on its own is free again.
    memcached.command("delete gopay:k:lock\r\n");
    let short = cache
        .try_lock_refresh("k", Duration::from_millis(10))
        .unwrap();
    assert!(short.is_some());
    std::mem::forget(short);
    let start = Instant::now();
    while cache.try_lock_refresh("k", ttl_30s).unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the lock never expired"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "an abandoned 10 ms lock was free again after {} ms",
        start.elapsed().as_millis()
    );
}

#[test]
fn the_prefix_keeps_applications_apart_and_keys_are_made_valid() {
    let memcached = MemcachedServer::start();
    let shop = cache(&memcached).key_prefix("my shop:");
    let other = cache(&memcached).key_prefix("other:");
    let token = token();
    shop.set("k\r\nset x", &token).unwrap();
    assert_eq!(shop.get("k\r\nset x").unwrap(), Some(token.clone()));
    assert_eq!(other.get("k\r\nset x").unwrap(), None);
    assert!(memcached.get("my%20shop:k%0D%0Aset%20x").is_some());
    assert_eq!(memcached.get("x"), None);
    assert_eq!(memcached.key_count(), 1);
    // A key memcached cannot hold is an error (the client then fetches its own token).
    let long = "k".repeat(250);
    let err = shop.get(&long).unwrap_err().to_string();
    assert!(err.contains("250 bytes"), "{err}");
    assert!(shop.set(&long, &token).is_err());
}

#[test]
fn calls_go_on_through_a_restart_and_the_cache_fills_again() {
    let mut memcached = MemcachedServer::start();
    let gw = FakeGateway::start();
    let cache: Arc<dyn TokenCache> = Arc::new(cache(&memcached));
    let client = |cache: &Arc<dyn TokenCache>| {
        Client::builder(gw.config())
            .token_cache(cache.clone())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    };
    // Fresh clients keep calling throughout, each needing a token.
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let (stop, calls, cache) = (stop.clone(), calls.clone(), cache.clone());
            let config = gw.config();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let client = Client::builder(config.clone())
                        .token_cache(cache.clone())
                        .timeout(Duration::from_secs(5))
                        .build()
                        .unwrap();
                    client.get_status(1).unwrap();
                    calls.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let first = client(&cache);
    first.get_status(1).unwrap();
    let key = format!("gopay:{}", first.token_cache_key());
    assert!(memcached.get(&key).is_some());
    std::thread::sleep(Duration::from_millis(200));
    let before = gw.token_requests();
    memcached.restart();
    let restarted = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    for caller in callers {
        caller.join().unwrap();
    }
    eprintln!(
        "restart mid-run: {} calls, {} token requests before the restart and {} in all",
        calls.load(Ordering::SeqCst),
        before,
        gw.token_requests()
    );
    assert_eq!(before, 1);
    // The pooled connections died with the server: replaced, not reported.
    assert!(cache.get(first.token_cache_key()).unwrap().is_some());
    assert!(memcached.get(&key).is_some(), "the cache filled again");
    let after = gw.token_requests();
    assert!(after >= 2, "the restart forgot the token: {after}");
    client(&cache).get_status(2).unwrap();
    first.get_status(3).unwrap();
    assert_eq!(gw.token_requests(), after);
    assert!(restarted.elapsed() < Duration::from_secs(5));
}

#[test]
#[cfg(feature = "extra-roots")]
fn memcaches_speaks_tls_to_a_server_of_a_trusted_ca() {
    let memcached = MemcachedServer::start_tls();
    assert!(memcached.url().starts_with("memcaches://127.0.0.1:"));
    let localhost = format!("memcaches://localhost:{}", memcached.port);
    for url in [memcached.url(), localhost] {
        let cache = MemcachedTokenCache::new(&url)
            .unwrap()
            .add_root_certificate_pem(memcached.ca_pem())
            .unwrap();
        let token = token();
        cache.set("k", &token).unwrap();
        assert_eq!(cache.get("k").unwrap(), Some(token));
        let lock = cache
            .try_lock_refresh("k", Duration::from_secs(30))
            .unwrap();
        assert!(lock.is_some());
        assert!(cache
            .try_lock_refresh("k", Duration::from_secs(30))
            .unwrap()
            .is_none());
        drop(lock);
        assert_eq!(memcached.get("gopay:k:lock"), None);
        cache.delete("k").unwrap();
        assert_eq!(memcached.get("gopay:k"), None);
    }
}

#[test]
#[cfg(feature = "extra-roots")]
fn memcaches_refuses_an_untrusted_ca_and_a_wrong_name_promptly() {
    let memcached = MemcachedServer::start_tls();
    let untrusted = MemcachedTokenCache::new(&memcached.url())
        .unwrap()
        .add_root_certificate_pem(support::tls::untrusted_ca_pem())
        .unwrap();
    let mozilla_only = MemcachedTokenCache::new(&memcached.url()).unwrap();
    let elsewhere =
        MemcachedServer::start_tls_with(support::tls::TlsFiles::for_names(&["cache.example"]));
    let wrong_name = MemcachedTokenCache::new(&elsewhere.url())
        .unwrap()
        .add_root_certificate_pem(elsewhere.ca_pem())
        .unwrap();
    for (name, cache) in [
        ("untrusted CA", untrusted),
        ("Mozilla's roots only", mozilla_only),
        ("wrong name", wrong_name),
    ] {
        let start = Instant::now();
        let err = cache.get("k").unwrap_err().to_string();
        let took = start.elapsed();
        eprintln!("{name}: refused in {} ms: {err}", took.as_millis());
        assert!(err.contains("TLS"), "{name}: {err}");
        assert!(took < Duration::from_millis(500), "{name}: {took:?}");
        assert!(cache.set("k", &token()).is_err(), "{name}");
    }
    assert_eq!(memcached.key_count(), 0);
}

#[test]
#[cfg(feature = "extra-roots")]
fn a_root_certificate_is_refused_for_a_plain_url() {
    let memcached = MemcachedServer::start_tls();
    let plain = format!("memcache://127.0.0.1:{}", memcached.port);
    let err = MemcachedTokenCache::new(&plain)
        .unwrap()
        .add_root_certificate_pem(memcached.ca_pem())
        .unwrap_err();
    assert!(matches!(err, gopay::Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("memcaches://"), "{err}");
    // Plain text to a TLS-only server is a prompt error, not a hang.
    let cache = MemcachedTokenCache::new(&plain).unwrap();
    let start = Instant::now();
    assert!(cache.get("k").is_err());
    assert!(start.elapsed() < Duration::from_millis(700));
}

#[test]
fn a_user_name_or_password_in_the_url_is_refused_without_quoting_it() {
    let err = MemcachedTokenCache::new("memcaches://shop:hunter2@cache.example:11211")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no authentication"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The fleet.
// ---------------------------------------------------------------------------------------

#[test]
fn four_processes_of_8_threads_make_one_token_request() {
    let memcached = MemcachedServer::start();
    let gw = FakeGateway::start();
    let marks = ScratchDir::new("memcached-fleet");
    // The token request is answered only once the three other processes have found the
    // refresh lock held: proof that all four overlapped, whatever the scheduling.
    let watched = marks.path().to_owned();
    gw.on_token(move |request, _, gateway| {
        let give_up = Instant::now() + Duration::from_secs(15);
        while marked(&watched).len() < 3 && Instant::now() < give_up {
            std::thread::sleep(Duration::from_millis(10));
        }
        gateway.issue_token_reply(request)
    });
    let start = Instant::now();
    let children: Vec<_> = (0..4)
        .map(|_| {
            spawn_marking_child(
                &gw.gateway.url,
                &memcached.url(),
                8,
                Duration::from_secs(20),
                marks.path(),
            )
        })
        .collect();
    let pids: Vec<String> = children.iter().map(|c| c.id().to_string()).collect();
    for child in children {
        expect_success(child);
    }
    let waited = marked(marks.path());
    eprintln!(
        "fleet of 4 processes x 8 threads: {} token request(s), {} API calls, {} processes \
         waited on the lock, {} ms",
        gw.token_requests(),
        gw.api_requests(),
        waited.len(),
        start.elapsed().as_millis()
    );
    assert_eq!(
        waited.len(),
        3,
        "processes that found the lock held: {waited:?}"
    );
    assert!(waited.iter().all(|pid| pids.contains(pid)), "{waited:?}");
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 32);
    // The token is there for the next process, and its owner released the lock.
    let key = Client::builder(gw.config()).build().unwrap();
    let key = format!("gopay:{}", key.token_cache_key());
    assert!(memcached.get(&key).is_some());
    assert_eq!(memcached.get(&format!("{key}:lock")), None);
}

// ---------------------------------------------------------------------------------------
// Hostile fake servers.
// ---------------------------------------------------------------------------------------

/// A fake memcached on 127.0.0.1 (see [`FakeServer`]).
struct FakeMemcached(FakeServer);

impl FakeMemcached {
    fn start(behaviour: impl Fn(usize, &mut TcpStream) + Send + Sync + 'static) -> FakeMemcached {
        FakeMemcached(FakeServer::start(behaviour))
    }

    /// Answers every command with `reply`, `{key}` replaced by the command's key.
    fn answering(reply: &'static str) -> FakeMemcached {
        FakeMemcached::start(move |_, stream| {
            while let Some(key) = read_key(stream) {
                if stream
                    .write_all(reply.replace("{key}", &key).as_bytes())
                    .is_err()
                {
                    return;
                }
            }
        })
    }

    fn cache(&self) -> MemcachedTokenCache {
        MemcachedTokenCache::new(&format!("memcache://127.0.0.1:{}", self.0.port)).unwrap()
    }

    fn connections(&self) -> usize {
        self.0.connections()
    }
}

/// Waits for the next command and returns its key (its second word); `None` once the
/// client has closed the connection.
fn read_key(stream: &mut TcpStream) -> Option<String> {
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
    let command = String::from_utf8_lossy(&buf[..n]).into_owned();
    Some(
        command
            .split([' ', '\r'])
            .nth(1)
            .unwrap_or_default()
            .to_owned(),
    )
}

/// Answers the first command with `head` (`{key}` replaced by the command's key), then one
/// byte of `x` every `pause` until the client goes away.
fn drip(stream: &mut TcpStream, head: &str, pause: Duration) {
    let Some(key) = read_key(stream) else {
        return;
    };
    if stream
        .write_all(head.replace("{key}", &key).as_bytes())
        .is_err()
    {
        return;
    }
    loop {
        std::thread::sleep(pause);
        if stream.write_all(b"x").is_err() {
            return;
        }
    }
}

/// Runs both checks against the server `make` starts.
fn check_hostile(name: &str, make: impl Fn() -> FakeMemcached) {
    let budget = Duration::from_millis(300);
    let server = make();
    assert_every_method_fails_within(&server.cache().timeout(budget), budget, name);
    let server = make();
    // The cache costs the call one cache bound at most.
    assert_the_call_goes_through(Arc::new(server.cache()), Duration::from_millis(1200), name);
}

#[test]
fn a_memcached_that_accepts_and_never_answers_is_a_miss() {
    check_hostile("silent", || FakeMemcached::start(|_, _| {}));
}

#[test]
fn a_dripping_reply_of_a_plausible_size_fails_within_the_budget() {
    check_hostile("dripping VALUE of 300 bytes", || {
        FakeMemcached::start(|_, stream| {
            drip(stream, "VALUE {key} 0 300\r\n", Duration::from_millis(50))
        })
    });
    check_hostile("dripping error line", || {
        FakeMemcached::start(|_, stream| drip(stream, "SERVER_ERROR ", Duration::from_millis(50)))
    });
}

#[test]
fn a_dripping_oversized_value_is_refused_from_its_header() {
    check_hostile("dripping VALUE of 100000 bytes", || {
        FakeMemcached::start(|_, stream| {
            drip(
                stream,
                "VALUE {key} 0 100000\r\n",
                Duration::from_millis(300),
            )
        })
    });
}

#[test]
fn garbage_replies_are_refused() {
    check_hostile("HTTP", || {
        FakeMemcached::answering("HTTP/1.1 400 Bad Request\r\n\r\n")
    });
    check_hostile("RESP", || FakeMemcached::answering("+OK\r\n"));
    check_hostile("bare newline", || FakeMemcached::answering("STORED\n"));
    check_hostile("two replies", || {
        FakeMemcached::answering("STORED\r\nSTORED\r\n")
    });
    check_hostile("value without END", || {
        FakeMemcached::answering("VALUE {key} 0 2\r\nhi\r\nSTORED\r\n")
    });
}

#[test]
fn negative_and_huge_lengths_are_refused() {
    check_hostile("length -5", || {
        FakeMemcached::answering("VALUE {key} 0 -5\r\n")
    });
    check_hostile("length 99999999999", || {
        FakeMemcached::answering("VALUE {key} 0 99999999999\r\n")
    });
    check_hostile("length overflowing", || {
        FakeMemcached::answering("VALUE {key} 0 99999999999999999999999\r\n")
    });
}

#[test]
fn a_reply_for_another_key_is_refused() {
    check_hostile("another key", || {
        FakeMemcached::answering("VALUE gopay:other 0 5\r\nhello\r\nEND\r\n")
    });
}

#[test]
fn a_connection_closed_mid_reply_is_an_error() {
    check_hostile("closes mid-reply", || {
        FakeMemcached::start(|_, stream| {
            if let Some(key) = read_key(stream) {
                let head = format!("VALUE {key} 0 300\r\nabc");
                let _ = stream.write_all(head.as_bytes());
            }
            let _ = stream.shutdown(std::net::Shutdown::Both);
        })
    });
}

#[test]
fn an_error_reply_keeps_only_its_code() {
    let server = FakeMemcached::answering("SERVER_ERROR hunter2 out of memory\r\n");
    let err = server.cache().get("k").unwrap_err().to_string();
    assert!(err.contains("SERVER_ERROR"), "{err}");
    assert!(!err.contains("hunter2") && !err.contains("memory"), "{err}");
    check_hostile("error reply", || {
        FakeMemcached::answering("CLIENT_ERROR bad data chunk hunter2\r\n")
    });
}

#[test]
fn a_cache_timeout_longer_than_the_call_is_cut_to_the_call() {
    let server = FakeMemcached::start(|_, _| {});
    let gw = FakeGateway::start();
    let client = Client::builder(gw.config())
        .token_cache(Arc::new(server.cache().timeout(Duration::MAX)))
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let start = Instant::now();
    let _ = client.get_status(1);
    let took = start.elapsed();
    eprintln!(
        "silent, unbounded cache timeout: call returned in {} ms with a 1 s timeout",
        took.as_millis()
    );
    assert!(took <= Duration::from_millis(1300), "{took:?}");
}

/// A proxy to a real `memcached` that counts connections.
fn counting_proxy(port: u16) -> FakeMemcached {
    FakeMemcached::start(move |_, client| {
        let Ok(upstream) = TcpStream::connect(("127.0.0.1", port)) else {
            return;
        };
        let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
        let (mut down_read, mut down_write) =
            (client.try_clone().unwrap(), client.try_clone().unwrap());
        let upward = std::thread::spawn(move || {
            let _ = std::io::copy(&mut down_read, &mut up_write);
            let _ = up_write.shutdown(std::net::Shutdown::Write);
        });
        let _ = std::io::copy(&mut up_read, &mut down_write);
        let _ = down_write.shutdown(std::net::Shutdown::Both);
        let _ = upward.join();
    })
}

#[test]
fn idle_connections_are_reused() {
    let memcached = MemcachedServer::start();
    let proxy = counting_proxy(memcached.port);
    let cache = proxy.cache();
    let token = token();
    for _ in 0..20 {
        cache.set("k", &token).unwrap();
        assert_eq!(cache.get("k").unwrap(), Some(token.clone()));
        drop(cache.try_lock_refresh("k", Duration::from_secs(5)).unwrap());
    }
    cache.delete("k").unwrap();
    assert_eq!(proxy.connections(), 1);
}
