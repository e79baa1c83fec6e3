//! Each failure classified once: the request never left this machine (name lookup,
//! connection set-up, TLS handshake, a proxy's refusal), or it may have reached GoPay.
//! Set-up failures are marked where they happen ([`not_sent`]) and read here as a type,
//! never from an error text.

use std::fmt;
use std::sync::Arc;

use crate::error::Error;

/// Marks `error` as one that happened before the request left this machine (once: the
/// proxy's own connection is set up by a nested run of the same chain).
pub(super) fn not_sent(error: ureq::Error) -> ureq::Error {
    match error {
        ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<NotSent>()) => {
            ureq::Error::Io(io)
        }
        other => ureq::Error::Io(std::io::Error::other(NotSent(Arc::new(other)))),
    }
}

/// A connection set-up failure carried through ureq inside an I/O error, so that the
/// classification below reads a type, not an error text.
#[derive(Debug)]
struct NotSent(Arc<ureq::Error>);

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for NotSent {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref())
    }
}

/// Maps a ureq error to [`Error::Transport`], deciding once whether the request may have
/// reached GoPay: only connection set-up failures and errors ureq raises before it opens a
/// connection mean it did not.
pub(super) fn map_ureq_error(err: ureq::Error) -> Error {
    let (err, request_sent) = match err {
        ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<NotSent>()) => {
            let set_up = io
                .into_inner()
                .and_then(|inner| inner.downcast::<NotSent>().ok())
                .map(|not_sent| not_sent.0);
            match set_up {
                Some(inner) => (inner, false),
                None => unreachable!("checked to hold a NotSent above"),
            }
        }
        other => {
            let sent = !fails_before_connecting(&other);
            (Arc::new(other), sent)
        }
    };
    let timeout = match err.as_ref() {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        _ => false,
    };
    let message = match err.as_ref() {
        ureq::Error::HostNotFound => "could not resolve the gateway host".to_owned(),
        ureq::Error::ConnectionFailed => "could not connect to the gateway".to_owned(),
        ureq::Error::Timeout(_) if request_sent => {
            "timed out waiting for the gateway (the request may have reached it)".to_owned()
        }
        ureq::Error::Timeout(_) => "timed out connecting to the gateway".to_owned(),
        other if request_sent => other.to_string(),
        other => format!("could not connect to the gateway: {other}"),
    };
    Error::Transport {
        message,
        timeout,
        request_sent,
        source: Some(err),
    }
}

/// Errors ureq raises before it opens (or reuses) a connection.
fn fails_before_connecting(err: &ureq::Error) -> bool {
    matches!(
        err,
        ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::BadUri(_)
            | ureq::Error::TlsRequired
            | ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_set_up_failure_is_marked_not_sent_once() {
        // The proxy's own connection fails inside a nested run of the chain.
        let twice = not_sent(not_sent(ureq::Error::Timeout(ureq::Timeout::Connect)));
        match map_ureq_error(twice) {
            Error::Transport {
                timeout,
                request_sent,
                message,
                ..
            } => {
                assert!(timeout && !request_sent, "{message}");
                assert_eq!(message, "timed out connecting to the gateway");
            }
            other => panic!("{other:?}"),
        }
        let unresolved = map_ureq_error(not_sent(not_sent(ureq::Error::HostNotFound)));
        assert!(
            unresolved.to_string().contains("could not resolve"),
            "{unresolved}"
        );
    }
}
