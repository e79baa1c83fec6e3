//! The request log: every request the simulator received, as it arrived.

use std::collections::VecDeque;

/// How many requests the log keeps; older ones are dropped first.
pub const MAX_RECORDED_REQUESTS: usize = 10_000;

/// One request as the simulator received it (see
/// [`Simulator::requests`](super::Simulator::requests)).
///
/// Recorded verbatim, credentials and tokens included: the simulator only ever sees its own
/// test credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path with its query, e.g. `/api/payments/payment/3000000001/qr-payment?format=svg`.
    pub path: String,
    /// Every header in the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (empty when there was none; cut at the simulator's body limit).
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced by `U+FFFD`).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The path without its query.
    pub(crate) fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }

    /// The query without `?` (empty when there is none).
    pub(crate) fn query(&self) -> &str {
        self.path.split_once('?').map_or("", |(_, q)| q)
    }
}

/// The bounded log of recorded requests.
#[derive(Default)]
pub(crate) struct Log {
    requests: VecDeque<RecordedRequest>,
}

impl Log {
    pub(crate) fn push(&mut self, request: RecordedRequest) {
        if self.requests.len() == MAX_RECORDED_REQUESTS {
            self.requests.pop_front();
        }
        self.requests.push_back(request);
    }

    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.requests.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.requests.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_and_bound() {
        let request = RecordedRequest {
            method: "GET".into(),
            path: "/api/x?format=svg&a=1".into(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: b"hi \xff".to_vec(),
        };
        assert_eq!(request.header("content-type"), Some("text/plain"));
        assert_eq!(request.header("accept"), None);
        assert_eq!(request.route(), "/api/x");
        assert_eq!(request.query(), "format=svg&a=1");
        assert_eq!(request.body_text(), "hi \u{fffd}");
        let mut log = Log::default();
        for _ in 0..=MAX_RECORDED_REQUESTS {
            log.push(request.clone());
        }
        assert_eq!(log.all().len(), MAX_RECORDED_REQUESTS);
        log.clear();
        assert!(log.all().is_empty());
    }
}
