//! The request log: every request the simulator received, as it arrived, with the answer
//! it got once there is one. Bounded by count and by bytes: bodies past
//! [`MAX_RECORDED_BODY`] are kept cut and marked, and the oldest entries go first once the
//! log holds [`MAX_RECORDED_BYTES`].

use std::collections::VecDeque;
use std::sync::Arc;

/// How many requests the log keeps; older ones are dropped first.
pub const MAX_RECORDED_REQUESTS: usize = 10_000;

/// How many bytes of a request's or an answer's body the log keeps (64 KiB); the rest is
/// cut and the entry marked truncated.
pub const MAX_RECORDED_BODY: usize = 64 * 1024;

/// How many bytes the log keeps in all (32 MiB: bodies, paths and headers); older entries
/// are dropped first.
pub const MAX_RECORDED_BYTES: usize = 32 * 1024 * 1024;

/// What an entry costs besides its text: its bookkeeping, counted so that a flood of empty
/// requests is bounded by bytes too.
const ENTRY_OVERHEAD: usize = 128;

/// One request as the simulator received it (see
/// [`Simulator::requests`](crate::Simulator::requests)).
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
    /// The body (empty when there was none). In the request log, at most
    /// [`MAX_RECORDED_BODY`] bytes; see [`body_truncated`](Self::body_truncated).
    pub body: Vec<u8>,
    /// Whether `body` is only the start of what the client sent: cut at
    /// [`MAX_RECORDED_BODY`] in the request log, or at the simulator's
    /// [body limit](crate::MAX_REQUEST_BODY) when it arrived.
    pub body_truncated: bool,
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

    /// The request as the log keeps it: itself, or a copy with the body cut at
    /// [`MAX_RECORDED_BODY`].
    fn as_kept(self: &Arc<Self>) -> Arc<RecordedRequest> {
        if self.body.len() <= MAX_RECORDED_BODY {
            return Arc::clone(self);
        }
        Arc::new(RecordedRequest {
            method: self.method.clone(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            body: self.body[..MAX_RECORDED_BODY].to_vec(),
            body_truncated: true,
        })
    }

    /// Whether `self`, as kept in the log, is what `arrived` became there.
    fn is_kept_form_of(&self, arrived: &RecordedRequest) -> bool {
        std::ptr::eq(self, arrived)
            || self.method == arrived.method
                && self.path == arrived.path
                && self.headers == arrived.headers
                && arrived.body.starts_with(&self.body)
                && self.body.len() == arrived.body.len().min(MAX_RECORDED_BODY)
    }

    /// Bytes this request holds in the log.
    fn bytes(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        self.method.len() + self.path.len() + headers + self.body.len()
    }
}

/// At most [`MAX_RECORDED_BODY`] bytes of `body`, and whether it was cut.
fn kept(mut body: Vec<u8>) -> (Vec<u8>, bool) {
    if body.len() <= MAX_RECORDED_BODY {
        return (body, false);
    }
    body.truncate(MAX_RECORDED_BODY);
    body.shrink_to_fit();
    (body, true)
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
pub(crate) struct LoggedExchange {
    /// Shared with the request being answered while its body is small enough to keep whole.
    pub(crate) request: Arc<RecordedRequest>,
    /// `None` until answered (and for requests the server refused before routing them).
    pub(crate) answer: Option<Answer>,
    /// Whether the answer's body is cut at [`MAX_RECORDED_BODY`].
    pub(crate) answer_truncated: bool,
}

impl LoggedExchange {
    fn bytes(&self) -> usize {
        let answer = self.answer.as_ref().map_or(0, |a| a.body.len());
        ENTRY_OVERHEAD + self.request.bytes() + answer
    }
}

/// The bounded log of recorded requests.
#[derive(Default)]
pub(crate) struct Log {
    exchanges: VecDeque<LoggedExchange>,
    /// What the entries hold, as [`LoggedExchange::bytes`] counts it.
    bytes: usize,
}

impl Log {
    /// Records a request as it arrives, before it is answered.
    pub(crate) fn push(&mut self, request: &Arc<RecordedRequest>) {
        self.push_exchange(LoggedExchange {
            request: request.as_kept(),
            answer: None,
            answer_truncated: false,
        });
    }

    fn push_exchange(&mut self, exchange: LoggedExchange) {
        self.bytes += exchange.bytes();
        self.exchanges.push_back(exchange);
        self.shrink();
    }

    /// Drops the oldest entries until both bounds hold (the newest entry always stays).
    fn shrink(&mut self) {
        while self.exchanges.len() > 1
            && (self.exchanges.len() > MAX_RECORDED_REQUESTS || self.bytes > MAX_RECORDED_BYTES)
        {
            if let Some(dropped) = self.exchanges.pop_front() {
                self.bytes -= dropped.bytes();
            }
        }
    }

    /// The newest unanswered entry of `request`. Equal requests in flight at once are
    /// interchangeable, so the newest one is as good as any.
    fn pending(&self, request: &RecordedRequest) -> Option<usize> {
        self.exchanges
            .iter()
            .rposition(|e| e.answer.is_none() && e.request.is_kept_form_of(request))
    }

    /// Adds `answer` to the entry of `request`; records both when the request was not
    /// recorded on arrival. A body past [`MAX_RECORDED_BODY`] is kept cut.
    pub(crate) fn answered(&mut self, request: &RecordedRequest, mut answer: Answer) {
        let (body, cut) = kept(std::mem::take(&mut answer.body));
        answer.body = body;
        match self.pending(request) {
            Some(index) => {
                let entry = &mut self.exchanges[index];
                self.bytes += answer.body.len();
                entry.answer = Some(answer);
                entry.answer_truncated = cut;
                self.shrink();
            }
            None => self.push_exchange(LoggedExchange {
                request: Arc::new(request.clone()).as_kept(),
                answer: Some(answer),
                answer_truncated: cut,
            }),
        }
    }

    /// Drops the unanswered entry of `request`, if any (control requests are not logged).
    pub(crate) fn discard(&mut self, request: &RecordedRequest) {
        if let Some(index) = self.pending(request) {
            if let Some(dropped) = self.exchanges.remove(index) {
                self.bytes -= dropped.bytes();
            }
        }
    }

    /// Every request, oldest first.
    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.exchanges
            .iter()
            .map(|e| RecordedRequest::clone(&e.request))
            .collect()
    }

    /// Every request with its answer, oldest first.
    pub(crate) fn exchanges(&self) -> Vec<LoggedExchange> {
        self.exchanges.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.exchanges.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, body: Vec<u8>) -> Arc<RecordedRequest> {
        Arc::new(RecordedRequest {
            method: "POST".into(),
            path: path.into(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body,
            body_truncated: false,
        })
    }

    fn answer(status: u16, body: Vec<u8>) -> Answer {
        Answer {
            status,
            content_type: "",
            body,
        }
    }

    #[test]
    fn helpers_and_count_bound() {
        let request = request("/api/x?format=svg&a=1", b"hi \xff".to_vec());
        assert_eq!(request.header("content-type"), Some("text/plain"));
        assert_eq!(request.header("accept"), None);
        assert_eq!(request.route(), "/api/x");
        assert_eq!(request.query(), "format=svg&a=1");
        assert_eq!(request.body_text(), "hi \u{fffd}");
        let mut log = Log::default();
        for _ in 0..=MAX_RECORDED_REQUESTS {
            log.push(&request);
        }
        assert_eq!(log.all().len(), MAX_RECORDED_REQUESTS);
        log.clear();
        assert!(log.all().is_empty());
        assert_eq!(log.bytes, 0);
    }

    #[test]
    fn answers_join_their_requests() {
        let get = |path: &str| request(path, Vec::new());
        let mut log = Log::default();
        log.push(&get("/a"));
        log.push(&get("/b"));
        log.push(&get("/control"));
        log.answered(&get("/a"), answer(200, Vec::new()));
        log.discard(&get("/control"));
        log.answered(&get("/unrecorded"), answer(404, Vec::new()));
        let statuses: Vec<(String, Option<u16>)> = log
            .exchanges()
            .into_iter()
            .map(|e| (e.request.path.clone(), e.answer.map(|a| a.status)))
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

    #[test]
    fn large_bodies_are_kept_cut_and_marked() {
        let big = vec![b'x'; MAX_RECORDED_BODY + 1];
        let arrived = request("/api/big", big.clone());
        let mut log = Log::default();
        log.push(&arrived);
        log.answered(&arrived, answer(200, big));
        let small = request("/api/small", b"{}".to_vec());
        log.push(&small);
        log.answered(&small, answer(200, b"{}".to_vec()));
        let exchanges = log.exchanges();
        assert_eq!(exchanges.len(), 2, "the answers found their requests");
        let [cut, whole] = [&exchanges[0], &exchanges[1]];
        assert_eq!(cut.request.body.len(), MAX_RECORDED_BODY);
        assert!(cut.request.body_truncated);
        assert_eq!(cut.answer.as_ref().unwrap().body.len(), MAX_RECORDED_BODY);
        assert!(cut.answer_truncated);
        assert_eq!(whole.request.body, b"{}");
        assert!(!whole.request.body_truncated && !whole.answer_truncated);
    }

    #[test]
    fn the_log_is_bounded_by_bytes() {
        let arrived = request("/api/big", vec![b'x'; 8 * 1024 * 1024]);
        let mut log = Log::default();
        let entries = 2 * MAX_RECORDED_BYTES / (2 * MAX_RECORDED_BODY);
        for _ in 0..entries {
            log.push(&arrived);
            log.answered(&arrived, answer(200, vec![b'y'; 1024 * 1024]));
            assert!(log.bytes <= MAX_RECORDED_BYTES, "{} bytes", log.bytes);
        }
        let kept = log.exchanges();
        let held: usize = kept.iter().map(LoggedExchange::bytes).sum();
        assert_eq!(held, log.bytes);
        assert!(
            kept.len() < entries && kept.len() > entries / 4,
            "{}",
            kept.len()
        );
        // Each entry is its two cut bodies and a little more.
        assert!(held > kept.len() * 2 * MAX_RECORDED_BODY);
        log.clear();
        assert_eq!(log.bytes, 0);
    }
}
