//! The token manager against a real HTTP server: one token request however many threads,
//! refresh before expiry, shared caches, refresh ahead.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::time::{Duration, SystemTime};

use gopay::{CachedToken, Client, InMemoryTokenCache, TokenCache};
use support::{FakeGateway, Reply};

/// A client with a cache of its own that the test can reach.
fn client_with_cache(gw: &FakeGateway) -> (Client, Arc<InMemoryTokenCache>) {
    let cache = Arc::new(InMemoryTokenCache::new());
    let client = Client::builder(gw.config())
        .token_cache(cache.clone())
        .build()
        .unwrap();
    (client, cache)
}

/// Stores in `cache`, under the client's key, a token the gateway accepts that expires in
/// `lifetime`; returns it.
fn seed(
    gw: &FakeGateway,
    client: &Client,
    cache: &InMemoryTokenCache,
    lifetime: Duration,
) -> String {
    let token = gw.gateway.issue_token();
    let expires = SystemTime::now() + lifetime;
    cache
        .set(
            client.token_cache_key(),
            &CachedToken::new(token.clone(), "bearer", expires),
        )
        .unwrap();
    token
}

#[test]
fn cold_storm_of_64_threads_makes_one_token_request() {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    let barrier = Arc::new(Barrier::new(64));
    let handles: Vec<_> = (0..64u64)
        .map(|i| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                client.get_status(3000000000 + i)
            })
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let payment = handle.join().unwrap().unwrap();
        assert_eq!(payment.id, 3000000000 + i as u64);
    }
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 64);
}

#[test]
fn a_token_inside_the_margin_is_replaced_and_a_fresh_one_reused() {
    // The moment the margin begins is tested on a moved clock (the token manager's unit
    // tests); here the client's whole path, with tokens on either side of it.
    let gw = FakeGateway::start();
    let (client, cache) = client_with_cache(&gw);
    let inside = seed(&gw, &client, &cache, Duration::from_secs(29));
    client.get_status(1).unwrap();
    client.get_status(2).unwrap();
    assert_eq!(
        gw.token_requests(),
        1,
        "a token inside the margin is replaced"
    );
    let bearers: Vec<_> = gw
        .api_requests_log()
        .iter()
        .map(|r| r.bearer().unwrap().to_owned())
        .collect();
    assert_ne!(bearers[0], inside);
    assert_eq!(bearers[0], bearers[1], "the new token is reused");
}

#[test]
fn a_token_lifetime_within_the_margin_is_refreshed_every_call() {
    let gw = FakeGateway::start();
    gw.set_token_lifetime(30);
    let client = Client::new(gw.config()).unwrap();
    client.get_status(1).unwrap();
    client.get_status(2).unwrap();
    assert_eq!(gw.token_requests(), 2);
}

#[test]
fn a_fresh_token_in_a_custom_cache_means_no_token_request() {
    let gw = FakeGateway::start();
    let (client, cache) = client_with_cache(&gw);
    let token = seed(&gw, &client, &cache, Duration::from_secs(1800));
    client.get_status(1).unwrap();
    client.get_status(2).unwrap();
    assert_eq!(gw.token_requests(), 0);
    assert!(gw
        .api_requests_log()
        .iter()
        .all(|r| r.bearer() == Some(token.as_str())));
}

#[test]
fn cache_key_follows_the_official_convention() {
    let gw = FakeGateway::start();
    let client = Client::new(gw.config()).unwrap();
    assert_eq!(
        client.token_cache_key(),
        format!("{}-{}/api-payment-all", support::CLIENT_ID, gw.gateway.url)
    );
    assert!(!client.token_cache_key().contains(support::CLIENT_SECRET));
}

#[test]
fn two_clients_sharing_a_cache_fetch_once() {
    let gw = FakeGateway::start();
    let cache: Arc<dyn TokenCache> = Arc::new(InMemoryTokenCache::new());
    let a = Client::builder(gw.config())
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let b = Client::builder(gw.config())
        .token_cache(cache.clone())
        .build()
        .unwrap();
    a.get_status(1).unwrap();
    b.get_status(2).unwrap();
    a.get_status(3).unwrap();
    b.get_status(4).unwrap();
    assert_eq!(gw.token_requests(), 1);
    let stored = cache.get(a.token_cache_key()).unwrap().unwrap();
    assert!(gw.gateway.is_issued(stored.access_token()));
}

#[test]
fn other_threads_keep_the_old_token_while_a_slow_refresh_runs() {
    let gw = FakeGateway::start();
    let (client, cache) = client_with_cache(&gw);
    // An old token still valid for 20 s: inside the 30 s margin, so a refresh is due.
    let old = seed(&gw, &client, &cache, Duration::from_secs(20));
    // The token endpoint reports that it was reached, then holds until released.
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let entered_tx = Mutex::new(entered_tx);
    let release_rx = Mutex::new(release_rx);
    gw.on_token(move |request, _, gateway| {
        entered_tx.lock().unwrap().send(()).unwrap();
        release_rx.lock().unwrap().recv().unwrap();
        gateway.issue_token_reply(request)
    });
    let refresher = {
        let client = client.clone();
        std::thread::spawn(move || client.get_status(1))
    };
    entered_rx.recv().unwrap();
    // While the refresh hangs, 8 other threads complete their calls with the old token.
    let others: Vec<_> = (0..8u64)
        .map(|i| {
            let client = client.clone();
            std::thread::spawn(move || client.get_status(100 + i))
        })
        .collect();
    for other in others {
        other.join().unwrap().unwrap();
    }
    assert_eq!(gw.api_requests(), 8, "done before the refresh finished");
    assert!(gw
        .api_requests_log()
        .iter()
        .all(|r| r.bearer() == Some(old.as_str())));
    release_tx.send(()).unwrap();
    refresher.join().unwrap().unwrap();
    assert_eq!(gw.token_requests(), 1);
    let newest = gw
        .api_requests_log()
        .last()
        .unwrap()
        .bearer()
        .unwrap()
        .to_owned();
    assert_ne!(newest, old, "the refresher used the new token");
    client.get_status(2).unwrap();
    assert_eq!(gw.token_requests(), 1, "the new token is fresh");
}

#[test]
fn api_401_once_means_one_reauthentication_and_one_retry() {
    let gw = FakeGateway::start();
    gw.on_api(|request, n, gateway| {
        if n == 1 {
            // GoPay revoked the token behind our back.
            gateway.revoke(request.bearer().unwrap());
            Reply::error(401, 200, "UNAUTHORIZED")
        } else {
            gateway.default_api_reply(request)
        }
    });
    let client = Client::new(gw.config()).unwrap();
    let payment = client.get_status(7).unwrap();
    assert_eq!(payment.id, 7);
    assert_eq!(gw.token_requests(), 2);
    assert_eq!(gw.api_requests(), 2);
    let log = gw.api_requests_log();
    assert_ne!(log[0].bearer(), log[1].bearer());
}

#[test]
fn api_refusing_every_token_gives_an_auth_error_after_one_retry() {
    let gw = FakeGateway::start();
    gw.on_api(|_, _, _| Reply::error(401, 200, "UNAUTHORIZED"));
    let client = Client::new(gw.config()).unwrap();
    let err = client.get_status(7).unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.api_errors()[0].error_code, 200);
    assert_eq!(gw.token_requests(), 2);
    assert_eq!(gw.api_requests(), 2);
}

#[test]
fn a_401_does_not_discard_a_newer_token_fetched_meanwhile() {
    let gw = FakeGateway::start();
    let (client, cache) = client_with_cache(&gw);
    client.get_status(1).unwrap();
    let first = cache.get(client.token_cache_key()).unwrap().unwrap();
    // Another process replaced the token in the shared cache, and GoPay revoked the old one.
    let newer = seed(&gw, &client, &cache, Duration::from_secs(1800));
    gw.gateway.revoke(first.access_token());
    client.get_status(2).unwrap();
    // The 401 made the client drop its own token and pick up the newer one from the cache.
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(
        cache
            .get(client.token_cache_key())
            .unwrap()
            .unwrap()
            .access_token(),
        newer
    );
    assert_eq!(
        gw.api_requests_log().last().unwrap().bearer(),
        Some(newer.as_str())
    );
}

/// A cache whose every method fails, counting the calls.
#[derive(Default)]
struct FailingCache {
    calls: AtomicUsize,
}

impl TokenCache for FailingCache {
    fn get(&self, _: &str) -> Result<Option<CachedToken>, gopay::CacheError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err("cache down".into())
    }
    fn set(&self, _: &str, _: &CachedToken) -> Result<(), gopay::CacheError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err("cache down".into())
    }
    fn delete(&self, _: &str) -> Result<(), gopay::CacheError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err("cache down".into())
    }
}

#[test]
fn a_failing_cache_never_fails_a_call() {
    let gw = FakeGateway::start();
    let cache = Arc::new(FailingCache::default());
    let client = Client::builder(gw.config())
        .token_cache(cache.clone())
        .build()
        .unwrap();
    for id in 1..=3 {
        client.get_status(id).unwrap();
    }
    // Consulted once: after its failure the call (and the refresh) went on without it.
    assert_eq!(
        cache.calls.load(Ordering::SeqCst),
        1,
        "the cache was consulted once"
    );
    assert_eq!(gw.token_requests(), 1, "the token stays in memory");
}

/// A cache that panics in `get` or in `set`, as chosen.
struct PanickingCache {
    panic_in_get: bool,
    panic_in_set: bool,
    sets: AtomicUsize,
}

impl TokenCache for PanickingCache {
    fn get(&self, _: &str) -> Result<Option<CachedToken>, gopay::CacheError> {
        if self.panic_in_get {
            panic!("cache get exploded");
        }
        Ok(None)
    }
    fn set(&self, _: &str, _: &CachedToken) -> Result<(), gopay::CacheError> {
        self.sets.fetch_add(1, Ordering::SeqCst);
        if self.panic_in_set {
            panic!("cache set exploded");
        }
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), gopay::CacheError> {
        panic!("cache delete exploded");
    }
}

#[test]
fn a_cache_panicking_in_get_never_fails_a_call() {
    let gw = FakeGateway::start();
    let cache = Arc::new(PanickingCache {
        panic_in_get: true,
        panic_in_set: false,
        sets: AtomicUsize::new(0),
    });
    let client = Client::builder(gw.config())
        .token_cache(cache.clone())
        .build()
        .unwrap();
    client.get_status(1).unwrap();
    client.get_status(2).unwrap();
    assert_eq!(gw.token_requests(), 1);
    // A cache that failed is not asked again within the call, so not to store either.
    assert_eq!(cache.sets.load(Ordering::SeqCst), 0);
}

#[test]
fn a_refresher_whose_cache_set_panics_leaves_no_waiter_hanging() {
    let gw = FakeGateway::start();
    let cache = Arc::new(PanickingCache {
        panic_in_get: false,
        panic_in_set: true,
        sets: AtomicUsize::new(0),
    });
    let client = Client::builder(gw.config())
        .token_cache(cache.clone())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    // Hold the token endpoint until every thread is calling, so they queue behind one refresh.
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let entered_tx = Mutex::new(entered_tx);
    let release_rx = Mutex::new(release_rx);
    gw.on_token(move |request, _, gateway| {
        entered_tx.lock().unwrap().send(()).unwrap();
        release_rx.lock().unwrap().recv().unwrap();
        gateway.issue_token_reply(request)
    });
    let handles: Vec<_> = (0..16u64)
        .map(|i| {
            let client = client.clone();
            std::thread::spawn(move || client.get_status(i + 1))
        })
        .collect();
    entered_rx.recv().unwrap();
    release_tx.send(()).unwrap();
    for handle in handles {
        handle.join().unwrap().unwrap();
    }
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(cache.sets.load(Ordering::SeqCst), 1);
}
