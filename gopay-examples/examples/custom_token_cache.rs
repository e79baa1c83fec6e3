//! A custom `TokenCache`: here a JSON-string store standing in for memcached or a database,
//! shared by two clients (think: two processes), which then make one token request between
//! them. Implementing `try_lock_refresh` as well would make the single flight hold across
//! processes (see `FileTokenCache` and `RedisTokenCache`). Runs offline on the simulator.
//!
//! ```sh
//! cargo run --example custom_token_cache
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gopay::{CacheError, CachedToken, Client, TokenCache};
use gopay_simulator::Simulator;

/// Stores tokens serialised, as an external cache would.
#[derive(Default)]
struct StringStore {
    entries: Mutex<HashMap<String, String>>,
}

impl TokenCache for StringStore {
    fn get(&self, key: &str) -> Result<Option<CachedToken>, CacheError> {
        let entries = self.entries.lock().map_err(|_| "store poisoned")?;
        match entries.get(key) {
            // A value that does not parse is a miss: the client fetches a new token.
            Some(json) => Ok(serde_json::from_str(json).ok()),
            None => Ok(None),
        }
    }

    fn set(&self, key: &str, token: &CachedToken) -> Result<(), CacheError> {
        let json = serde_json::to_string(token)?;
        self.entries
            .lock()
            .map_err(|_| "store poisoned")?
            .insert(key.to_owned(), json);
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.entries
            .lock()
            .map_err(|_| "store poisoned")?
            .remove(key);
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start()?;
    let store = Arc::new(StringStore::default());
    let first = Client::builder(sim.config())
        .token_cache(store.clone())
        .build()?;
    let second = Client::builder(sim.config())
        .token_cache(store.clone())
        .build()?;

    let payment = first.create_payment(
        &gopay::PaymentRequest::new(1000, gopay::Currency::Czk, "cache-1")
            .item(gopay::Item::new("Coffee", 1000))
            .callback("https://shop.example/return", "https://shop.example/notify"),
    )?;
    second.get_status(payment.id)?;
    first.get_status(payment.id)?;
    println!("cache key: {}", first.token_cache_key());
    println!(
        "token requests for 3 calls by 2 clients: {}",
        sim.token_requests()
    );
    assert_eq!(sim.token_requests(), 1);
    Ok(())
}
