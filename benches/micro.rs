//! Micro-benchmarks of what every call pays on the client side:
//! - the token hit path, a token fresh in memory (targets: ≤ 50 ns median on one thread,
//!   ≤ 200 ns with 16 threads);
//! - decoding GoPay's status answer into a typed `Payment`, the SDK's largest per-call cost
//!   next to the network.
//!
//! `cargo bench --bench micro`

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
    gopay::__bench::token_hit(&client, Instant::now()).unwrap();
    client
});

/// The instant a call starts is read once per call for its deadline anyway; the token
/// manager reuses it, so the benchmark hands it one instead of timing a clock read.
#[divan::bench(threads = [1, 2, 16])]
fn token_hit(bencher: divan::Bencher) {
    let client = &*CLIENT;
    let call_started = Instant::now();
    bencher.bench(|| {
        gopay::__bench::token_hit(divan::black_box(client), divan::black_box(call_started)).unwrap()
    });
}

/// The status answer the throughput benchmark's nginx serves (benches/nginx.conf).
const STATUS: &[u8] = br#"{"id":3000006529,"order_number":"001","state":"PAID","sub_state":"_3002","amount":1000,"currency":"CZK","payment_instrument":"BANK_ACCOUNT","payer":{"allowed_payment_instruments":["BANK_ACCOUNT"],"default_swift":"FIOBCZPP","bank_account":{"prefix":"670100","account_number":"7654322","bank_code":"0100","account_name":"JAN NOVAK"},"contact":{"email":"test@example.com"}},"target":{"type":"ACCOUNT","goid":8123456789},"additional_params":[{"name":"invoicenumber","value":"2015001003"}],"lang":"cs","gw_url":"https://gw.sandbox.gopay.com/gw/v3/bCcvmwTKK5hrJx2aGG8ZnFyBJhAvF"}"#;

#[divan::bench]
fn decode_payment() -> gopay::Payment {
    serde_json::from_slice(divan::black_box(STATUS)).unwrap()
}
