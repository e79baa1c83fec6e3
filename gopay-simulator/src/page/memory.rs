//! What the page remembers beside the store: each payment's return URL and items (the wire
//! view of a payment keeps neither), and the one-time tokens of rendered forms.
//!
//! Kept per gateway key, which is random per payment, so the simulators of one process can
//! share these tables; both are bounded, dropping their oldest entries first.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use gopay::Item;
use parking_lot::Mutex;

use crate::random::Random;

/// How many payments' return URLs and items are kept.
const MAX_ORDERS: usize = 100_000;
/// How many unused form tokens are kept.
const MAX_TOKENS: usize = 10_000;

/// The part of the create request the page needs later.
#[derive(Clone, Debug, Default)]
pub(crate) struct Order {
    pub(crate) return_url: Option<String>,
    pub(crate) items: Vec<Item>,
}

/// A map that forgets its oldest entries beyond `limit`.
struct Bounded<V> {
    entries: HashMap<String, V>,
    age: VecDeque<String>,
    limit: usize,
}

impl<V> Bounded<V> {
    fn new(limit: usize) -> Bounded<V> {
        Bounded {
            entries: HashMap::new(),
            age: VecDeque::new(),
            limit,
        }
    }

    fn insert(&mut self, key: String, value: V) {
        if self.entries.insert(key.clone(), value).is_none() {
            self.age.push_back(key);
        }
        while self.entries.len() > self.limit {
            match self.age.pop_front() {
                Some(old) => {
                    self.entries.remove(&old);
                }
                None => break,
            }
        }
        // Keys removed early (redeemed tokens) leave stale names in `age`; trim them.
        if self.age.len() > 2 * self.limit {
            self.age.retain(|k| self.entries.contains_key(k));
        }
    }
}

struct Memory {
    orders: Bounded<Order>,
    /// Token → the gateway key whose page issued it.
    tokens: Bounded<String>,
}

fn memory() -> &'static Mutex<Memory> {
    static MEMORY: OnceLock<Mutex<Memory>> = OnceLock::new();
    MEMORY.get_or_init(|| {
        Mutex::new(Memory {
            orders: Bounded::new(MAX_ORDERS),
            tokens: Bounded::new(MAX_TOKENS),
        })
    })
}

/// Keeps the return URL and items of the payment behind gateway key `key`.
pub(crate) fn remember(key: &str, return_url: Option<String>, items: Vec<Item>) {
    memory()
        .lock()
        .orders
        .insert(key.to_owned(), Order { return_url, items });
}

/// The return URL and items of the payment behind `key`, if they are still kept.
pub(crate) fn order(key: &str) -> Option<Order> {
    memory().lock().orders.entries.get(key).cloned()
}

/// A new one-time token for a form of the page of `key`.
pub(crate) fn issue(random: &Random, key: &str) -> String {
    let token = random.hex(16);
    memory().lock().tokens.insert(token.clone(), key.to_owned());
    token
}

/// Uses up `token`: true when the page of `key` issued it and it was not used before.
pub(crate) fn redeem(key: &str, token: &str) -> bool {
    let mut memory = memory().lock();
    match memory.tokens.entries.get(token) {
        Some(owner) if owner == key => {
            memory.tokens.entries.remove(token);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_single_use_and_bound_to_their_page() {
        let random = Random::new();
        let token = issue(&random, "page-a");
        assert!(!redeem("page-b", &token));
        assert!(redeem("page-a", &token));
        assert!(!redeem("page-a", &token));
        assert!(!redeem("page-a", ""));
    }

    #[test]
    fn bounded_forgets_the_oldest() {
        let mut map = Bounded::new(2);
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.insert("c".into(), 3);
        assert!(!map.entries.contains_key("a"));
        assert_eq!(map.entries.get("c"), Some(&3));
        map.entries.remove("b");
        for n in 0..10 {
            map.insert(format!("k{n}"), n);
        }
        assert_eq!(map.entries.len(), 2);
        assert!(map.age.len() <= 4);
    }
}
