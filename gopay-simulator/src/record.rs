//! The request log: every request the simulator received, as it arrived, with the answer
//! it got once there is one.

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

/// The answer a recorded request got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

/// One request and, once answered, its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Exchange {
    pub(crate) request: RecordedRequest,
    /// `None` until answered (and for requests the server refused before routing them).
    pub(crate) answer: Option<Answer>,
}

/// The bounded log of recorded requests.
#[derive(Default)]
pub(crate) struct Log {
    exchanges: VecDeque<Exchange>,
}

impl Log {
    /// Records a request as it arrives, before it is answered.
    pub(crate) fn push(&mut self, request: RecordedRequest) {
        self.push_exchange(Exchange {
            request,
            answer: None,
        });
    }

    fn push_exchange(&mut self, exchange: Exchange) {
        if self.exchanges.len() == MAX_RECORDED_REQUESTS {
            self.exchanges.pop_front();
        }
        self.exchanges.push_back(exchange);
    }

    /// The newest unanswered entry of `request`. Equal requests in flight at once are
    /// interchangeable, so the newest one is as good as any.
    fn pending(&self, request: &RecordedRequest) -> Option<usize> {
        self.exchanges
            .iter()
            .rposition(|e| e.answer.is_none() && e.request == *request)
    }

    /// Adds `answer` to the entry of `request`; records both when the request was not
    /// recorded on arrival.
    pub(crate) fn answered(&mut self, request: &RecordedRequest, answer: Answer) {
        match self.pending(request) {
            Some(index) => self.exchanges[index].answer = Some(answer),
            None => self.push_exchange(Exchange {
                request: request.clone(),
                answer: Some(answer),
            }),
        }
    }

    /// Drops the unanswered entry of `request`, if any (control requests are not logged).
    pub(crate) fn discard(&mut self, request: &RecordedRequest) {
        if let Some(index) = self.pending(request) {
            self.exchanges.remove(index);
        }
    }

    /// Every request, oldest first.
    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.exchanges.iter().map(|e| e.request.clone()).collect()
    }

    /// Every request with its answer, oldest first.
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.exchanges.clear();
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

    #[test]
    fn answers_join_their_requests() {
        let request = |path: &str| RecordedRequest {
            method: "GET".into(),
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let answer = |status| Answer {
            status,
            content_type: "",
            body: Vec::new(),
        };
        let mut log = Log::default();
        log.push(request("/a"));
        log.push(request("/b"));
        log.push(request("/control"));
        log.answered(&request("/a"), answer(200));
        log.discard(&request("/control"));
        log.answered(&request("/unrecorded"), answer(404));
        let statuses: Vec<(String, Option<u16>)> = log
            .exchanges()
            .into_iter()
            .map(|e| (e.request.path, e.answer.map(|a| a.status)))
            .collect();
        assert_eq!(
            statuses,
            vec![
                ("/a".to_owned(), Some(200)),
                ("/b".to_owned(), None),
                ("/unrecorded".to_owned(), Some(404)),
            ]
        );
    }
}
