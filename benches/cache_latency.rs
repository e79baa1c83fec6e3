//! What a token read from a shared cache costs, on a pooled connection: `RedisTokenCache`
//! over plain TCP and over TLS, against real `redis-server`s on 127.0.0.1 started here.
//! Prints p50 and p99 in microseconds, and the TLS / plain ratio of one run.
//!
//! `cargo bench --bench cache_latency --features redis,extra-roots`

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, RedisTokenCache, TokenCache};
use support::redis_server::{RedisOptions, RedisServer};

/// Reads measured per cache, after as many warm-up reads.
const READS: usize = 20_000;

fn main() {
    let plain = RedisServer::start();
    let tls = RedisServer::start_with(RedisOptions::new().tls().acl_user());
    let caches = [
        (
            "redis:// (plain TCP)",
            RedisTokenCache::new(&plain.url()).unwrap(),
        ),
        (
            "rediss:// (TLS + ACL user)",
            RedisTokenCache::new(&tls.acl_url())
                .unwrap()
                .add_root_certificate_pem(tls.ca_pem())
                .unwrap(),
        ),
    ];
    let token = CachedToken::new(
        "A".repeat(300),
        "bearer",
        SystemTime::now() + Duration::from_secs(1800),
    );
    let mut medians = Vec::new();
    for (name, cache) in &caches {
        cache.set("bench", &token).unwrap();
        for _ in 0..READS {
            assert!(cache.get("bench").unwrap().is_some());
        }
        let mut samples: Vec<Duration> = (0..READS)
            .map(|_| {
                let start = Instant::now();
                let found = cache.get("bench").unwrap();
                let elapsed = start.elapsed();
                assert!(found.is_some());
                elapsed
            })
            .collect();
        samples.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "{name:28} token read: p50 {:6.1} µs   p99 {:6.1} µs   ({READS} reads)",
            micros(at(0.50)),
            micros(at(0.99))
        );
        medians.push(at(0.50));
    }
    println!(
        "TLS / plain, p50: {:.2}",
        medians[1].as_secs_f64() / medians[0].as_secs_f64()
    );
}
