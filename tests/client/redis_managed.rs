//! `RedisTokenCache` where managed Redis runs: TLS only, ACL users, a cluster that
//! redirects, against real `redis-server`s the tests start (they fail, never skip, when
//! `redis-server` or `redis-cli` is missing).
#![cfg(all(feature = "redis", feature = "extra-roots"))]

use crate::support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, Client, Error, RedisTokenCache, TokenCache};
use support::fleet::{expect_success, spawn_child};
use support::redis_server::{RedisCluster, RedisOptions, RedisServer, ACL_PASSWORD};
use support::tls::{untrusted_ca_pem, TlsFiles};
use support::FakeGateway;

fn token(value: &str) -> CachedToken {
    CachedToken::new(
        value,
        "bearer",
        SystemTime::now() + Duration::from_secs(600),
    )
}

/// A cache on `server`'s ACL URL (TLS when it speaks TLS), trusting its CA.
fn trusted(server: &RedisServer, url: &str) -> RedisTokenCache {
    RedisTokenCache::new(url)
        .unwrap()
        .add_root_certificate_pem(server.ca_pem())
        .unwrap()
}

/// Every operation of `cache` fails, quickly and without quoting `secret`.
fn assert_refused(cache: &RedisTokenCache, secret: &str, within: Duration) -> String {
    let start = Instant::now();
    let err = cache.get("k").unwrap_err();
    assert!(cache.set("k", &token("t")).is_err());
    assert!(cache.try_lock_refresh("k", Duration::from_secs(1)).is_err());
    let elapsed = start.elapsed();
    assert!(elapsed < within, "took {elapsed:?}");
    let shown = format!("{err} {err:?} {cache:?}");
    assert!(!shown.contains(secret), "{shown}");
    err.to_string()
}

/// A client of `gw` through `cache`, whose call must go through whatever the cache does.
fn client(gw: &FakeGateway, cache: RedisTokenCache) -> Client {
    Client::builder(gw.config())
        .token_cache(Arc::new(cache))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[test]
fn tls_with_an_acl_user_whose_password_needs_escaping() {
    let server = RedisServer::start_with(RedisOptions::new().tls().acl_user());
    let cache = trusted(&server, &server.acl_url()).key_prefix("tls:");
    assert!(server.acl_url().starts_with("rediss://"));
    let tok = token("tok-1");
    cache.set("k", &tok).unwrap();
    assert_eq!(cache.get("k").unwrap(), Some(tok));
    let stored = server.get("tls:k").expect("the token is stored over TLS");
    assert!(stored.contains("tok-1"), "{stored}");
    // The lock: taken once, refused to a second taker, released by its owner.
    let lock = cache.try_lock_refresh("k", Duration::from_secs(5)).unwrap();
    assert!(lock.is_some());
    assert!(cache
        .try_lock_refresh("k", Duration::from_secs(5))
        .unwrap()
        .is_none());
    drop(lock);
    assert!(server.get("tls:k:lock").is_none());
    cache.delete("k").unwrap();
    assert_eq!(cache.get("k").unwrap(), None);
}

#[test]
fn a_wrong_password_is_refused_and_never_shown() {
    let server = RedisServer::start_with(RedisOptions::new().tls().acl_user());
    let wrong = "Wr0ng-S3cret";
    let url = format!("rediss://shop:{wrong}@127.0.0.1:{}/0", server.port);
    let message = assert_refused(&trusted(&server, &url), wrong, Duration::from_secs(2));
    assert!(message.contains("WRONGPASS"), "{message}");
    // Without the user, the password is the default user's: refused as well.
    let url = format!("rediss://:{wrong}@127.0.0.1:{}/0", server.port);
    assert_refused(&trusted(&server, &url), wrong, Duration::from_secs(2));
    assert!(!format!("{:?}", trusted(&server, &server.acl_url())).contains(ACL_PASSWORD));
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let server = RedisServer::start_with(
        RedisOptions::new()
            .tls_files(TlsFiles::for_names(&["redis.other.example"]))
            .acl_user(),
    );
    let message = assert_refused(
        &trusted(&server, &server.acl_url()),
        ACL_PASSWORD,
        Duration::from_secs(2),
    );
    assert!(message.contains("TLS"), "{message}");
}

#[test]
fn an_untrusted_ca_is_refused_and_mozillas_roots_alone_do_not_trust_a_private_ca() {
    let server = RedisServer::start_with(RedisOptions::new().tls().acl_user());
    let untrusted = RedisTokenCache::new(&server.acl_url())
        .unwrap()
        .add_root_certificate_pem(untrusted_ca_pem())
        .unwrap();
    let message = assert_refused(&untrusted, ACL_PASSWORD, Duration::from_secs(2));
    assert!(message.contains("TLS"), "{message}");
    let bare = RedisTokenCache::new(&server.acl_url()).unwrap();
    assert_refused(&bare, ACL_PASSWORD, Duration::from_secs(2));
}

#[test]
fn plain_redis_against_the_tls_port_and_tls_against_a_plain_port_fail_within_the_timeout() {
    // Neither server answers what it cannot read: each waits for more bytes, so the
    // cache's own timeout (300 ms per operation here) is what ends the wait.
    let timeout = Duration::from_millis(300);
    let tls = RedisServer::start_with(RedisOptions::new().tls());
    let plain_url = tls.url().replacen("rediss://", "redis://", 1);
    let cache = RedisTokenCache::new(&plain_url).unwrap().timeout(timeout);
    let message = assert_refused(&cache, "-", Duration::from_secs(2));
    println!("redis:// against a TLS port: {message}");
    let plain = RedisServer::start();
    let tls_url = plain.url().replacen("redis://", "rediss://", 1);
    let cache = RedisTokenCache::new(&tls_url)
        .unwrap()
        .add_root_certificate_pem(tls.ca_pem())
        .unwrap()
        .timeout(timeout);
    let message = assert_refused(&cache, "-", Duration::from_secs(2));
    println!("rediss:// against a plain port: {message}");
    // And a root certificate makes no sense without TLS.
    let err = RedisTokenCache::new(&plain.url())
        .unwrap()
        .add_root_certificate_pem(tls.ca_pem())
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}

#[test]
fn a_tls_handshake_that_never_comes_is_bounded_by_the_call() {
    // A listener that accepts and never speaks: the handshake waits for its ServerHello.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let gw = FakeGateway::start();
    let cache = RedisTokenCache::new(&format!("rediss://127.0.0.1:{port}/0"))
        .unwrap()
        .timeout(Duration::MAX);
    let client = Client::builder(gw.config())
        .token_cache(Arc::new(cache))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let start = Instant::now();
    let outcome = client.get_status(1);
    let elapsed = start.elapsed();
    println!("a silent TLS server, Duration::MAX cache timeout, 2 s call: {elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    // The cache's wait took the whole call: the call may time out, but it returns.
    if let Err(err) = outcome {
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    }
    drop(listener);
}

#[test]
fn payments_go_through_while_the_tls_cache_refuses() {
    let server = RedisServer::start_with(RedisOptions::new().tls().acl_user());
    let gw = FakeGateway::start();
    let client = client(&gw, RedisTokenCache::new(&server.acl_url()).unwrap());
    client.get_status(1).unwrap();
    client.get_status(2).unwrap();
    assert_eq!(gw.token_requests(), 1);
}

#[test]
fn four_processes_of_8_threads_over_tls_and_acl_make_one_token_request() {
    let server = RedisServer::start_with(RedisOptions::new().tls().acl_user());
    let gw = FakeGateway::start();
    gw.on_token(|request, _, gateway| {
        std::thread::sleep(Duration::from_millis(300));
        gateway.issue_token_reply(request)
    });
    let ca = server.tls_files().ca_file();
    let cache = format!("{} ca={}", server.acl_url(), ca.display());
    let children: Vec<_> = (0..4)
        .map(|_| spawn_child(&gw.gateway.url, &cache, 8, Duration::from_secs(20)))
        .collect();
    for child in children {
        expect_success(child);
    }
    println!(
        "TLS + ACL fleet, 4 processes x 8 threads: {} token request(s)",
        gw.token_requests()
    );
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 32);
}

/// The key prefix that puts `client`'s token and lock keys on nodes other than the first
/// (the one the URL names), so that every command is redirected.
fn prefix_away_from_the_url_node(cluster: &RedisCluster, gw: &FakeGateway) -> String {
    let key = Client::new(gw.config())
        .unwrap()
        .token_cache_key()
        .to_owned();
    cluster.prefix_away_from_first(&key)
}

#[test]
fn a_cluster_redirects_the_token_and_lock_keys_to_their_nodes() {
    let cluster = RedisCluster::start(3);
    let gw = FakeGateway::start();
    let prefix = prefix_away_from_the_url_node(&cluster, &gw);
    let key = Client::new(gw.config())
        .unwrap()
        .token_cache_key()
        .to_owned();
    let cache = RedisTokenCache::new(&cluster.url())
        .unwrap()
        .key_prefix(prefix.clone());
    let client = client(&gw, cache.clone());
    for id in 1..=5 {
        client.get_status(id).unwrap();
    }
    assert_eq!(gw.token_requests(), 1);
    let stored = cluster
        .get(&format!("{prefix}{key}"))
        .expect("the token is stored on its node");
    assert!(
        stored.contains("access_token") || stored.contains("ToKeN"),
        "{stored}"
    );
    assert_ne!(cluster.node_index_for_key(&format!("{prefix}{key}")), 0);
    assert_ne!(
        cluster.node_index_for_key(&format!("{prefix}{key}:lock")),
        0
    );
    // The lock goes to its node and is released there.
    let lock = cache
        .try_lock_refresh(&key, Duration::from_secs(5))
        .unwrap();
    assert!(lock.is_some());
    assert!(cluster.get(&format!("{prefix}{key}:lock")).is_some());
    drop(lock);
    assert!(cluster.get(&format!("{prefix}{key}:lock")).is_none());
}

#[test]
fn an_ask_redirect_during_a_slot_migration_is_followed_with_asking() {
    let cluster = RedisCluster::start(3);
    let key = cluster.prefix_away_from_first("ask-me") + "ask-me";
    let source = cluster.node_index_for_key(&key);
    let target = (source + 1) % 3;
    let slot = support::redis_server::key_slot(&key).to_string();
    let id = |i: usize| cluster.node(i).command(&["CLUSTER", "MYID"]);
    let (source_id, target_id) = (id(source), id(target));
    let ok = |reply: String| assert_eq!(reply, "OK");
    ok(cluster
        .node(target)
        .command(&["CLUSTER", "SETSLOT", &slot, "IMPORTING", &source_id]));
    ok(cluster
        .node(source)
        .command(&["CLUSTER", "SETSLOT", &slot, "MIGRATING", &target_id]));
    // A key the source does not hold is answered with ASK: it is written on the target.
    let cache = RedisTokenCache::new(&cluster.url()).unwrap().key_prefix("");
    cache.set(&key, &token("asked")).unwrap();
    assert_eq!(cache.get(&key).unwrap().unwrap().access_token(), "asked");
    // Without ASKING the target would have sent it back with MOVED: a second redirect,
    // which the cache refuses. The source never held it: it sends readers on with ASK.
    let on_source = cluster.node(source).command(&["GET", &key]);
    assert!(on_source.starts_with("-ASK "), "{on_source}");
}

#[test]
fn a_cluster_node_stopped_mid_run_is_a_miss_and_payments_go_on() {
    let mut cluster = RedisCluster::start(3);
    let gw = FakeGateway::start();
    let prefix = prefix_away_from_the_url_node(&cluster, &gw);
    let key = Client::new(gw.config())
        .unwrap()
        .token_cache_key()
        .to_owned();
    let cache = RedisTokenCache::new(&cluster.url())
        .unwrap()
        .key_prefix(prefix.clone());
    let client = client(&gw, cache);
    client.get_status(1).unwrap();
    assert_eq!(gw.token_requests(), 1);
    cluster.stop_node(cluster.node_index_for_key(&format!("{prefix}{key}")));
    // A second client (a new process) finds the node gone: it fetches its own token.
    let other = self::client(
        &gw,
        RedisTokenCache::new(&cluster.url())
            .unwrap()
            .key_prefix(prefix),
    );
    let start = Instant::now();
    other.get_status(2).unwrap();
    let elapsed = start.elapsed();
    println!("a call whose cache node was stopped: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(gw.token_requests(), 2);
    // The first client goes on with the token it holds.
    client.get_status(3).unwrap();
}

#[test]
fn four_processes_of_8_threads_on_a_cluster_make_one_token_request() {
    let cluster = RedisCluster::start(3);
    let gw = FakeGateway::start();
    gw.on_token(|request, _, gateway| {
        std::thread::sleep(Duration::from_millis(300));
        gateway.issue_token_reply(request)
    });
    let prefix = prefix_away_from_the_url_node(&cluster, &gw);
    let cache = format!("{} prefix={prefix}", cluster.url());
    let children: Vec<_> = (0..4)
        .map(|_| spawn_child(&gw.gateway.url, &cache, 8, Duration::from_secs(20)))
        .collect();
    for child in children {
        expect_success(child);
    }
    println!(
        "cluster fleet (keys on other nodes), 4 processes x 8 threads: {} token request(s)",
        gw.token_requests()
    );
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 32);
}

#[test]
fn a_tls_cluster_with_an_acl_user_redirects_over_tls() {
    let cluster = RedisCluster::start_with(3, RedisOptions::new().tls().acl_user());
    let gw = FakeGateway::start();
    let prefix = prefix_away_from_the_url_node(&cluster, &gw);
    let cache = RedisTokenCache::new(&cluster.acl_url())
        .unwrap()
        .add_root_certificate_pem(cluster.ca_pem())
        .unwrap()
        .key_prefix(prefix);
    let client = client(&gw, cache);
    for id in 1..=3 {
        client.get_status(id).unwrap();
    }
    assert_eq!(gw.token_requests(), 1);
    // A second process reads the token the first stored on another node, over TLS.
    let key = Client::new(gw.config())
        .unwrap()
        .token_cache_key()
        .to_owned();
    let second = self::client(
        &gw,
        RedisTokenCache::new(&cluster.acl_url())
            .unwrap()
            .add_root_certificate_pem(cluster.ca_pem())
            .unwrap()
            .key_prefix(prefix_away_from_the_url_node(&cluster, &gw)),
    );
    second.get_status(4).unwrap();
    assert_eq!(gw.token_requests(), 1, "the token of {key} was shared");
}
