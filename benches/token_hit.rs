//! The token hit path: what every call pays to get a token that is fresh in memory.
//! Targets: ≤ 50 ns median on one thread, ≤ 200 ns with 16 threads.
//!
//! `cargo bench --bench token_hit`

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant, SystemTime};

use gopay::{CachedToken, Client, Config, InMemoryTokenCache, TokenCache};

fn main() {
    divan::main();
}

/// A client whose cache holds a fresh token, moved into memory by a first call. No network.
static CLIENT: LazyLock<Client> = LazyLock::new(|| {
    let cache = Arc::new(InMemoryTokenCache::new());
    let client = Client::builder(Config::new(
        8123456789,
        "1234",
        "secret",
        gopay::SANDBOX_URL,
    ))
    .token_cache(cache.clone())
    .build()
    .unwrap();
    let token = CachedToken::new(
        "token",
        "bearer",
        SystemTime::now() + Duration::from_secs(3600),
    );
    cache.set(client.token_cache_key(), &token).unwrap();
    gopay::bench_hooks::token_hit(&client, Instant::now()).unwrap();
    client
});

/// The instant a call starts is read once per call for its deadline anyway; the token
/// manager reuses it, so the benchmark hands it one instead of timing a clock read.
#[divan::bench(threads = [1, 2, 16])]
fn token_hit(bencher: divan::Bencher) {
    let client = &*CLIENT;
    let call_started = Instant::now();
    bencher.bench(|| {
        gopay::bench_hooks::token_hit(divan::black_box(client), divan::black_box(call_started))
            .unwrap()
    });
}
