//! `RedisTokenCache` against hostile fake Redis servers: dripping, silent, garbage,
//! oversized and erroring answers each become a prompt cache error, so that the API call
//! goes through with a token of its own within its timeout; and one stuck connection does
//! not hold up the other threads sharing the cache.
#![cfg(feature = "redis")]

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, Client, RedisTokenCache, TokenCache};
use support::hostile_cache::{
    assert_every_method_fails_within, assert_the_call_goes_through, FakeServer,
};
use support::redis_server::RedisServer;
use support::FakeGateway;

/// A fake Redis on 127.0.0.1 (see [`FakeServer`]).
struct FakeRedis(FakeServer);

impl FakeRedis {
    fn start(behaviour: impl Fn(usize, &mut TcpStream) + Send + Sync + 'static) -> FakeRedis {
        FakeRedis(FakeServer::start(behaviour))
    }

    /// Answers every command with `reply`.
    fn answering(reply: &'static [u8]) -> FakeRedis {
        FakeRedis::start(move |_, stream| {
            while read_command(stream) {
                if stream.write_all(reply).is_err() {
                    return;
                }
            }
        })
    }

    fn cache(&self) -> RedisTokenCache {
        RedisTokenCache::new(&format!("redis://127.0.0.1:{}/0", self.0.port)).unwrap()
    }

    fn connections(&self) -> usize {
        self.0.connections()
    }
}

/// Waits for the next command; false once the client has closed the connection.
fn read_command(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    matches!(stream.read(&mut buf), Ok(n) if n > 0)
}

/// Writes `head`, then one byte of `x` every `pause` until the client goes away.
fn drip(stream: &mut TcpStream, head: &[u8], pause: Duration) {
    if !read_command(stream) || stream.write_all(head).is_err() {
        return;
    }
    loop {
        std::thread::sleep(pause);
        if stream.write_all(b"x").is_err() {
            return;
        }
    }
}

fn token() -> CachedToken {
    CachedToken::new(
        "ToKeN-cached",
        "bearer",
        SystemTime::now() + Duration::from_secs(600),
    )
}

/// Runs both checks against the server `make` starts.
fn check_hostile(name: &str, make: impl Fn() -> FakeRedis) {
    let budget = Duration::from_millis(300);
    let server = make();
    assert_every_method_fails_within(&server.cache().timeout(budget), budget, name);
    let server = make();
    // The cache costs the call one cache bound at most.
    assert_the_call_goes_through(
        Arc::new(server.cache()),
        Duration::from_secs(2) + Duration::from_millis(300),
        name,
    );
}

#[test]
fn a_dripping_oversized_reply_is_refused_from_its_header() {
    // The redis crate restarted its read timeout with every byte: 20 s and more.
    check_hostile("dripping $100000", || {
        FakeRedis::start(|_, stream| drip(stream, b"$100000\r\n", Duration::from_millis(300)))
    });
}

#[test]
fn a_dripping_reply_of_a_plausible_size_fails_within_the_budget() {
    check_hostile("dripping $300", || {
        FakeRedis::start(|_, stream| drip(stream, b"$300\r\n", Duration::from_millis(50)))
    });
    check_hostile("dripping simple string", || {
        FakeRedis::start(|_, stream| drip(stream, b"+", Duration::from_millis(50)))
    });
}

#[test]
fn a_redis_that_accepts_and_never_answers_is_a_miss() {
    check_hostile("silent", || FakeRedis::start(|_, _| {}));
}

#[test]
fn garbage_replies_are_refused() {
    check_hostile("HTTP", || {
        FakeRedis::answering(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    });
    check_hostile("array", || FakeRedis::answering(b"*1\r\n$2\r\nOK\r\n"));
    check_hostile("bare newline", || FakeRedis::answering(b"+OK\n"));
    check_hostile("two replies", || FakeRedis::answering(b"+OK\r\n+OK\r\n"));
    check_hostile("closes", || {
        FakeRedis::start(|_, stream| {
            read_command(stream);
            let _ = stream.shutdown(std::net::Shutdown::Both);
        })
    });
}

#[test]
fn negative_and_huge_lengths_are_refused() {
    check_hostile("$-5", || FakeRedis::answering(b"$-5\r\n"));
    check_hostile("$99999999999", || FakeRedis::answering(b"$99999999999\r\n"));
    check_hostile("$ overflow", || {
        FakeRedis::answering(b"$99999999999999999999999\r\n")
    });
    check_hostile(":garbage", || FakeRedis::answering(b":12ab\r\n"));
}

#[test]
fn an_error_reply_is_an_error_that_does_not_quote_the_server() {
    check_hostile("error reply", || {
        FakeRedis::answering(b"-ERR unknown command, with args beginning with: 'hunter2'\r\n")
    });
}

#[test]
fn a_one_megabyte_token_is_refused_without_being_read() {
    let huge = CachedToken::new(
        "T".repeat(1 << 20),
        "bearer",
        SystemTime::now() + Duration::from_secs(600),
    );
    let json = serde_json::to_vec(&huge).unwrap();
    let mut reply = format!("${}\r\n", json.len()).into_bytes();
    reply.extend_from_slice(&json);
    reply.extend_from_slice(b"\r\n");
    let reply: &'static [u8] = Box::leak(reply.into_boxed_slice());
    check_hostile("1 MB token", || FakeRedis::answering(reply));
}

#[test]
fn a_cache_timeout_longer_than_the_call_is_cut_to_the_call() {
    let server = FakeRedis::start(|_, _| {});
    let gw = FakeGateway::start();
    let client = Client::builder(gw.config())
        .token_cache(Arc::new(server.cache().timeout(Duration::from_secs(30))))
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let start = Instant::now();
    let _ = client.get_status(1);
    let took = start.elapsed();
    eprintln!(
        "silent, 30 s cache timeout: call returned in {} ms with a 1 s timeout",
        took.as_millis()
    );
    assert!(took <= Duration::from_millis(1300), "{took:?}");
}

/// A proxy to a real `redis-server` that leaves its first connection hanging (it reports
/// on `stuck` when that connection arrives) and forwards every other one.
fn proxy_with_a_stuck_first_connection(redis_port: u16, stuck: mpsc::Sender<()>) -> FakeRedis {
    proxy(redis_port, Some(stuck))
}

/// A proxy to a real `redis-server` that counts connections; with `stuck`, its first
/// connection hangs.
fn proxy(redis_port: u16, stuck: Option<mpsc::Sender<()>>) -> FakeRedis {
    let stuck = Mutex::new(stuck);
    FakeRedis::start(move |n, client| {
        if n == 1 {
            if let Some(stuck) = stuck.lock().unwrap().as_ref() {
                let _ = stuck.send(());
                return;
            }
        }
        let Ok(upstream) = TcpStream::connect(("127.0.0.1", redis_port)) else {
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
fn one_stuck_connection_does_not_block_the_other_threads() {
    let redis = RedisServer::start();
    let (stuck_tx, stuck_rx) = mpsc::channel();
    let proxy = proxy_with_a_stuck_first_connection(redis.port, stuck_tx);
    let cache = proxy.cache().timeout(Duration::from_secs(3));
    // The first thread's command hangs on the first connection...
    let first = {
        let cache = cache.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            let outcome = cache.get("k");
            (outcome.is_err(), start.elapsed())
        })
    };
    stuck_rx.recv().unwrap();
    // ...while 7 others share the cache and finish promptly on other connections.
    let barrier = Arc::new(Barrier::new(7));
    let start = Instant::now();
    let others: Vec<_> = (0..7)
        .map(|i| {
            let (cache, barrier) = (cache.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let (key, token) = (format!("k{i}"), token());
                cache.set(&key, &token).unwrap();
                assert_eq!(cache.get(&key).unwrap(), Some(token));
                let lock = cache
                    .try_lock_refresh(&key, Duration::from_secs(5))
                    .unwrap();
                assert!(lock.is_some());
            })
        })
        .collect();
    for other in others {
        other.join().unwrap();
    }
    let others_took = start.elapsed();
    eprintln!(
        "stuck first connection: 7 other threads done in {} ms",
        others_took.as_millis()
    );
    assert!(others_took < Duration::from_secs(1), "{others_took:?}");
    assert!(
        !first.is_finished(),
        "the stuck command should still be waiting"
    );
    let (failed, first_took) = first.join().unwrap();
    eprintln!(
        "stuck first connection: its command failed after {} ms (3 s timeout)",
        first_took.as_millis()
    );
    assert!(failed);
    assert!(first_took <= Duration::from_millis(3150), "{first_took:?}");
    assert!(proxy.connections() >= 2);
}

#[test]
fn eight_clients_sharing_a_cache_with_one_stuck_connection_finish_promptly() {
    let redis = RedisServer::start();
    let (stuck_tx, stuck_rx) = mpsc::channel();
    let proxy = proxy_with_a_stuck_first_connection(redis.port, stuck_tx);
    let cache: Arc<dyn TokenCache> = Arc::new(proxy.cache());
    let gw = FakeGateway::start();
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8u64)
        .map(|i| {
            let client = Client::builder(gw.config())
                .token_cache(cache.clone())
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let start = Instant::now();
                let outcome = client.get_status(i + 1);
                (
                    outcome.map(drop).map_err(|e| e.to_string()),
                    start.elapsed(),
                )
            })
        })
        .collect();
    let mut took: Vec<Duration> = handles
        .into_iter()
        .map(|handle| {
            let (outcome, took) = handle.join().unwrap();
            outcome.unwrap();
            took
        })
        .collect();
    stuck_rx.recv().unwrap();
    took.sort();
    eprintln!(
        "8 clients, one stuck connection: {:?} ms",
        took.iter().map(Duration::as_millis).collect::<Vec<_>>()
    );
    // One client waits out its 500 ms cache bound once; none waits behind it.
    assert!(took[6] < Duration::from_millis(450), "{took:?}");
    assert!(took[7] < Duration::from_millis(1500), "{took:?}");
    // The clients not held up share one token through Redis.
    assert!(gw.token_requests() <= 2, "{}", gw.token_requests());
}

#[test]
fn idle_connections_are_reused() {
    let redis = RedisServer::start();
    let proxy = proxy(redis.port, None);
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
