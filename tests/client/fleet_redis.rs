//! `RedisTokenCache` against a real `redis-server`: one token request for a fleet of
//! processes, recovery after a killed lock holder, and payments going through while Redis
//! is down.
#![cfg(feature = "redis")]

use crate::support;

use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, Client, RedisTokenCache, TokenCache};
use support::fleet::{expect_success, spawn_child};
use support::redis_server::RedisServer;
use support::FakeGateway;

#[test]
fn four_processes_of_16_threads_make_one_token_request() {
    let redis = RedisServer::start();
    let gw = FakeGateway::start();
    gw.on_token(|request, _, gateway| {
        std::thread::sleep(Duration::from_millis(300));
        gateway.issue_token_reply(request)
    });
    let children: Vec<_> = (0..4)
        .map(|_| spawn_child(&gw.gateway.url, &redis.url(), 16, Duration::from_secs(20)))
        .collect();
    for child in children {
        expect_success(child);
    }
    assert_eq!(gw.token_requests(), 1);
    assert_eq!(gw.api_requests(), 64);
}

#[test]
fn a_killed_lock_holder_is_replaced_once_its_lock_expires() {
    let redis = RedisServer::start();
    let gw = FakeGateway::start();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (entered_tx, release_rx) = (Mutex::new(entered_tx), Mutex::new(release_rx));
    gw.on_token(move |request, n, gateway| {
        if n == 1 {
            entered_tx.lock().unwrap().send(()).unwrap();
            let _ = release_rx.lock().unwrap().recv();
        }
        gateway.issue_token_reply(request)
    });
    // The holder's lock lives as long as its timeout: 2 s.
    let mut holder = spawn_child(&gw.gateway.url, &redis.url(), 1, Duration::from_secs(2));
    entered_rx.recv().unwrap();
    let others = spawn_child(&gw.gateway.url, &redis.url(), 8, Duration::from_secs(30));
    holder.kill().unwrap();
    holder.wait().unwrap();
    expect_success(others);
    release_tx.send(()).unwrap();
    assert_eq!(gw.token_requests(), 2);
    assert_eq!(gw.api_requests(), 8);
}

#[test]
fn tokens_are_stored_with_a_server_side_expiry() {
    let redis = RedisServer::start();
    let cache = RedisTokenCache::new(&redis.url())
        .unwrap()
        .key_prefix("test:");
    let token = CachedToken::new("tok", "bearer", SystemTime::now() + Duration::from_secs(60));
    cache.set("k", &token).unwrap();
    assert_eq!(cache.get("k").unwrap(), Some(token.clone()));
    let ttl: i64 = redis.command(&["PTTL", "test:k"]).parse().unwrap();
    assert!((55_000..=60_000).contains(&ttl), "{ttl}");
    // Stored as the token's JSON, as earlier versions did.
    let stored: CachedToken = serde_json::from_str(&redis.command(&["GET", "test:k"])).unwrap();
    assert_eq!(stored, token);
    // Foreign data under the key is a miss, not an error.
    assert_eq!(redis.command(&["SET", "test:k", "not json"]), "OK");
    assert_eq!(cache.get("k").unwrap(), None);
    cache.delete("k").unwrap();
    assert_eq!(redis.command(&["EXISTS", "test:k"]), "0");
}

#[test]
fn a_lock_key_that_never_expires_costs_half_the_timeout_then_the_call_fetches_itself() {
    let redis = RedisServer::start();
    let gw = FakeGateway::start();
    let timeout = Duration::from_secs(2);
    let client = Client::builder(gw.config())
        .timeout(timeout)
        .token_cache(Arc::new(RedisTokenCache::new(&redis.url()).unwrap()))
        .build()
        .unwrap();
    // Someone else's lock, with no expiry: it would hold every client of the fleet.
    let lock = format!("gopay:{}:lock", client.token_cache_key());
    assert_eq!(redis.command(&["SET", &lock, "someone-else"]), "OK");
    let started = Instant::now();
    client.get_status(1).unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < timeout, "{elapsed:?}");
    assert!(
        elapsed >= timeout / 3,
        "it did wait for the lock's holder: {elapsed:?}"
    );
    assert_eq!(gw.token_requests(), 1);
    // The token it fetched serves the fleet; the foreign lock is left alone.
    assert!(redis
        .command(&["GET", &format!("gopay:{}", client.token_cache_key())])
        .contains(support::TOKEN_PREFIX));
    assert_eq!(redis.command(&["GET", &lock]), "someone-else");
}

#[test]
fn the_lock_is_exclusive_and_released_only_by_its_owner() {
    let redis = RedisServer::start();
    let cache = RedisTokenCache::new(&redis.url()).unwrap();
    let ttl = Duration::from_secs(30);
    let lock = cache.try_lock_refresh("k", ttl).unwrap();
    assert!(lock.is_some());
    assert!(cache.try_lock_refresh("k", ttl).unwrap().is_none());
    drop(lock);
    let again = cache
        .try_lock_refresh("k", Duration::from_millis(50))
        .unwrap();
    assert!(again.is_some());
    // Once it expired and someone else took it, the first owner's release leaves it alone.
    assert_eq!(
        redis.command(&["SET", "gopay:k:lock", "someone-else"]),
        "OK"
    );
    drop(again);
    assert_eq!(redis.command(&["GET", "gopay:k:lock"]), "someone-else");
}

#[test]
fn payments_go_through_while_redis_is_down() {
    let mut redis = RedisServer::start();
    let gw = FakeGateway::start();
    let cache: Arc<dyn TokenCache> = Arc::new(
        RedisTokenCache::new(&redis.url())
            .unwrap()
            .timeout(Duration::from_millis(200)),
    );
    let client = Client::builder(gw.config())
        .token_cache(cache.clone())
        .build()
        .unwrap();
    client.get_status(1).unwrap();
    assert_eq!(gw.token_requests(), 1);
    redis.stop();
    // The running client keeps its token in memory.
    client.get_status(2).unwrap();
    // A new client finds no cache and fetches its own token instead of failing.
    let fresh = Client::builder(gw.config())
        .token_cache(cache)
        .build()
        .unwrap();
    let handles: Vec<_> = (0..16u64)
        .map(|i| {
            let fresh = fresh.clone();
            std::thread::spawn(move || fresh.get_status(i + 10))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap().unwrap();
    }
    assert_eq!(gw.token_requests(), 2);
}

#[test]
fn auth_and_select_come_from_the_url() {
    let redis = RedisServer::start_with_password("p@ss:w/rd%");
    let token = CachedToken::new("tok", "bearer", SystemTime::now() + Duration::from_secs(60));
    // The password percent-encoded, once with the `default` user and once without a user.
    for (n, userinfo) in ["default:p%40ss%3Aw%2Frd%25", ":p%40ss%3Aw%2Frd%25"]
        .iter()
        .enumerate()
    {
        let url = format!("redis://{userinfo}@127.0.0.1:{}/3", redis.port);
        let cache = RedisTokenCache::new(&url).unwrap();
        let key = format!("k{n}");
        cache.set(&key, &token).unwrap();
        assert_eq!(cache.get(&key).unwrap(), Some(token.clone()));
        assert_eq!(
            redis.command_in(0, &["EXISTS", &format!("gopay:{key}")]),
            "0"
        );
        assert_eq!(
            redis.command_in(3, &["EXISTS", &format!("gopay:{key}")]),
            "1"
        );
        let lock = cache
            .try_lock_refresh(&key, Duration::from_secs(30))
            .unwrap();
        assert!(lock.is_some());
        drop(lock);
        let lock_key = format!("gopay:{key}:lock");
        assert_eq!(redis.command_in(3, &["EXISTS", &lock_key]), "0");
    }
}

#[test]
fn a_wrong_or_missing_password_is_a_prompt_error_that_does_not_show_it() {
    let redis = RedisServer::start_with_password("right-pass");
    for url in [
        format!("redis://:wrong-pass@127.0.0.1:{}/0", redis.port),
        format!("redis://admin:wrong-pass@127.0.0.1:{}/0", redis.port),
        redis.url(),
    ] {
        let cache = RedisTokenCache::new(&url).unwrap();
        let start = Instant::now();
        let err = cache.get("k").unwrap_err().to_string();
        assert!(start.elapsed() < Duration::from_millis(500), "{url}");
        assert!(!err.contains("wrong-pass"), "{err}");
        assert!(
            err.contains("WRONGPASS") || err.contains("NOAUTH"),
            "{url}: {err}"
        );
    }
}

#[test]
fn an_idle_connection_the_server_closed_is_replaced_not_reported() {
    let redis = RedisServer::start();
    let cache = RedisTokenCache::new(&redis.url()).unwrap();
    let token = CachedToken::new("tok", "bearer", SystemTime::now() + Duration::from_secs(60));
    cache.set("k", &token).unwrap();
    // Closes the cache's pooled connection (not this command's own), as a restart or an
    // idle timeout would.
    assert_eq!(redis.command(&["CLIENT", "KILL", "TYPE", "normal"]), "1");
    assert_eq!(cache.get("k").unwrap(), Some(token));
}

#[test]
fn a_host_name_is_resolved() {
    let redis = RedisServer::start();
    let url = format!("redis://localhost:{}/0", redis.port);
    let cache = RedisTokenCache::new(&url).unwrap();
    let token = CachedToken::new("tok", "bearer", SystemTime::now() + Duration::from_secs(60));
    cache.set("k", &token).unwrap();
    assert_eq!(cache.get("k").unwrap(), Some(token));
}

/// Self-checks of the servers the cache tests run against, used only through the support
/// clients and `redis-cli`.
mod test_servers {
    use super::support::memcached_server::MemcachedServer;
    use super::support::redis_server::{
        key_slot, redis_cli, RedisCluster, RedisOptions, RedisServer, ACL_PASSWORD, ACL_USER,
    };
    use super::support::tls::{self, TlsFiles};

    /// Whether `answer` (to a plain-text request on a TLS port) could be the plain protocol's:
    /// a Redis reply starts with `+`, `-`, `:`, `$` or `*`, a memcached one with a word.
    fn is_plain_reply(answer: &[u8]) -> bool {
        answer
            .first()
            .is_some_and(|b| b"+-:$*".contains(b) || b.is_ascii_alphabetic())
    }

    #[test]
    fn a_tls_redis_answers_over_tls_only() {
        let redis = RedisServer::start_tls();
        assert_eq!(redis.url(), format!("rediss://127.0.0.1:{}/0", redis.port));
        assert_eq!(redis.command(&["SET", "k", "v"]), "OK");
        assert_eq!(redis.get("k").as_deref(), Some("v"));
        assert_eq!(redis.key_count(), 1);
        // A client checking the URL's host trusts it; a client trusting another CA does not.
        assert!(tls::connect(redis.port, "127.0.0.1", redis.ca_pem()).is_ok());
        assert!(tls::connect(redis.port, "localhost", &tls::untrusted_ca_pem()).is_err());
        let answer = tls::plain_text_answer(redis.port, b"*1\r\n$4\r\nPING\r\n");
        assert!(!is_plain_reply(&answer), "{answer:?}");
        let cacert = redis.tls_files().ca_file();
        let cli = [
            "--tls",
            "--cacert",
            cacert.to_str().unwrap(),
            "-u",
            &redis.url(),
        ];
        assert_eq!(redis_cli(&[&cli[..], &["GET", "k"]].concat()), "v");
    }

    #[test]
    fn a_certificate_for_another_name_is_refused_for_127_0_0_1() {
        let files = TlsFiles::for_names(&["cache.example"]);
        let redis = RedisServer::start_with(RedisOptions::new().tls_files(files));
        assert_eq!(redis.command(&["PING"]), "PONG");
        let refused = tls::connect(redis.port, "127.0.0.1", redis.ca_pem()).err();
        let refused = refused.expect("the name is checked").to_string();
        assert!(refused.contains("not valid for name"), "{refused}");
    }

    #[test]
    fn the_acl_user_logs_in_with_its_password_percent_encoded_in_the_url() {
        let redis = RedisServer::start_acl();
        let url = redis.acl_url();
        let encoded = "shop:p%40ss%3Aw%25rd%2F1";
        assert_eq!(url, format!("redis://{encoded}@127.0.0.1:{}/0", redis.port));
        let shop = |args: &[&str]| redis.command_as(ACL_USER, ACL_PASSWORD, args);
        assert_eq!(shop(&["SET", "k", "v"]), "OK");
        let script = "return redis.call('GET', KEYS[1])";
        assert_eq!(shop(&["EVAL", script, "1", "k"]), "v");
        assert!(shop(&["KEYS", "*"]).starts_with("-NOPERM"));
        assert!(redis
            .command_as("default", ACL_PASSWORD, &["PING"])
            .starts_with("-WRONGPASS"));
        // redis-cli decodes the URL's userinfo as a client should.
        assert_eq!(redis_cli(&["-u", &url, "GET", "k"]), "v");
        assert!(redis_cli(&["-u", &redis.url(), "GET", "k"]).starts_with("NOAUTH"));
    }

    #[test]
    fn the_acl_user_logs_in_over_tls() {
        let redis = RedisServer::start_with(RedisOptions::new().tls().acl_user());
        let url = redis.acl_url();
        assert!(
            url.starts_with("rediss://shop:p%40ss%3Aw%25rd%2F1@127.0.0.1:"),
            "{url}"
        );
        let cacert = redis.tls_files().ca_file();
        let cli = ["--tls", "--cacert", cacert.to_str().unwrap(), "-u", &url];
        assert_eq!(redis_cli(&[&cli[..], &["PING"]].concat()), "PONG");
    }

    #[test]
    fn a_cluster_serves_each_key_on_its_node_until_that_node_stops() {
        let mut cluster = RedisCluster::start(3);
        let prefix = cluster.prefix_away_from_first("token-key");
        let token = format!("{prefix}token-key");
        for key in [token.clone(), format!("{token}:lock")] {
            let (slot, node) = (key_slot(&key), cluster.node_index_for_key(&key));
            assert_ne!(node, 0, "{key}");
            let first = cluster.node(0);
            assert_eq!(
                first.command(&["CLUSTER", "KEYSLOT", &key]),
                slot.to_string()
            );
            let moved = first.command(&["SET", &key, "v"]);
            let there = format!("127.0.0.1:{}", cluster.node_for_key(&key));
            assert_eq!(moved, format!("-MOVED {slot} {there}"));
            assert_eq!(cluster.command_for_key(&key, &["SET", &key, "v"]), "OK");
        }
        assert_eq!(cluster.key_count(), 2);
        assert_eq!(cluster.get(&token).as_deref(), Some("v"));
        // A stopped node takes its own slots away, and only those.
        let stopped = cluster.node_index_for_key(&token);
        cluster.stop_node(stopped);
        assert!(tls::connect_plain(cluster.port(stopped)).is_err());
        let other = cluster.prefix_where("k", |node, _| node != stopped) + "k";
        assert_eq!(cluster.command_for_key(&other, &["SET", &other, "v"]), "OK");
    }

    #[test]
    fn a_tls_cluster_redirects_its_acl_user_to_its_tls_ports() {
        let cluster = RedisCluster::start_with(3, RedisOptions::new().tls().acl_user());
        assert!(cluster.acl_url().starts_with("rediss://shop:"));
        let key = cluster.prefix_away_from_first("token-key") + "token-key";
        let shop = |node: usize, args: &[&str]| {
            cluster.node(node).command_as(ACL_USER, ACL_PASSWORD, args)
        };
        let moved = shop(0, &["GET", &key]);
        let there = format!("127.0.0.1:{}", cluster.node_for_key(&key));
        assert!(moved.ends_with(&there), "{moved}");
        let node = cluster.node_index_for_key(&key);
        assert_eq!(shop(node, &["SET", &key, "v"]), "OK");
        assert_eq!(cluster.get(&key).as_deref(), Some("v"));
    }

    #[test]
    fn memcached_keeps_keys_until_it_restarts() {
        let mut memcached = MemcachedServer::start();
        let port = memcached.port;
        assert_eq!(memcached.url(), format!("memcache://127.0.0.1:{port}"));
        memcached.set("k", "v", 60);
        assert_eq!(memcached.get("k").as_deref(), Some("v"));
        assert_eq!(memcached.key_count(), 1);
        memcached.restart();
        assert_eq!(memcached.port, port);
        assert_eq!(memcached.get("k"), None);
    }

    #[test]
    fn a_tls_memcached_answers_over_tls_only() {
        let mut memcached = MemcachedServer::start_tls();
        let port = memcached.port;
        assert_eq!(memcached.url(), format!("memcaches://127.0.0.1:{port}"));
        memcached.set("k", "v", 60);
        assert_eq!(memcached.get("k").as_deref(), Some("v"));
        assert!(tls::connect(port, "127.0.0.1", memcached.ca_pem()).is_ok());
        assert!(!is_plain_reply(&tls::plain_text_answer(
            port,
            b"version\r\n"
        )));
        memcached.restart();
        assert_eq!(memcached.get("k"), None);
    }
}
