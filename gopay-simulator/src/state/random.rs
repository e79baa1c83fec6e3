//! Unpredictable-looking strings for tokens, gateway URLs and card tokens (not cryptographic:
//! the simulator guards nothing of value).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;

/// A source of random-looking bytes: std's randomly keyed SipHash over a counter and the
/// clock, so no extra crate is needed.
pub(crate) struct Random {
    keys: RandomState,
    counter: AtomicU64,
}

impl Random {
    pub(crate) fn new() -> Random {
        Random {
            keys: RandomState::new(),
            counter: AtomicU64::new(0),
        }
    }

    fn next_u64(&self) -> u64 {
        let mut hasher = self.keys.build_hasher();
        hasher.write_u64(self.counter.fetch_add(1, Ordering::Relaxed));
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        hasher.write_u128(nanos);
        hasher.finish()
    }

    /// `len` random bytes.
    pub(crate) fn bytes(&self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }

    /// `len` random bytes as lower-case hex.
    pub(crate) fn hex(&self, len: usize) -> String {
        self.bytes(len).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// An opaque access token in the base64 alphabet (with `+`, `/`), like GoPay's.
    pub(crate) fn token(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.bytes(33))
    }

    /// A URL-safe card token of 32 characters.
    pub(crate) fn card_token(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.bytes(24))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_differ_and_have_their_shape() {
        let random = Random::new();
        let (a, b) = (random.token(), random.token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 44);
        assert!(a.bytes().all(|c| c.is_ascii_graphic()));
        assert_eq!(random.hex(16).len(), 32);
        assert_eq!(random.card_token().len(), 32);
    }
}
