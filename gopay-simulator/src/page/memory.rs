//! The one-time tokens of the forms the customer page rendered, bounded: the oldest unused
//! ones are forgotten first.

use std::collections::{HashMap, VecDeque};

use crate::state::random::Random;

/// How many unused form tokens are kept.
const MAX_TOKENS: usize = 10_000;

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

/// The one-time tokens of the forms the page rendered: token → the gateway key of the page
/// that issued it. One per simulator (in [`Shared`](crate::state::shared::Shared)), so a reset
/// forgets them.
pub(crate) struct PageTokens(Bounded<String>);

impl Default for PageTokens {
    fn default() -> PageTokens {
        PageTokens(Bounded::new(MAX_TOKENS))
    }
}

impl PageTokens {
    /// A new one-time token for a form of the page of `key`.
    pub(crate) fn issue(&mut self, random: &Random, key: &str) -> String {
        let token = random.hex(16);
        self.0.insert(token.clone(), key.to_owned());
        token
    }

    /// Uses up `token`: true when the page of `key` issued it and it was not used before.
    pub(crate) fn redeem(&mut self, key: &str, token: &str) -> bool {
        match self.0.entries.get(token) {
            Some(owner) if owner == key => {
                self.0.entries.remove(token);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_single_use_and_bound_to_their_page() {
        let random = Random::new();
        let mut tokens = PageTokens::default();
        let token = tokens.issue(&random, "page-a");
        assert!(!tokens.redeem("page-b", &token));
        assert!(tokens.redeem("page-a", &token));
        assert!(!tokens.redeem("page-a", &token));
        assert!(!tokens.redeem("page-a", ""));
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
