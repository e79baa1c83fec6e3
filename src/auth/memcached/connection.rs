//! One connection to a memcached server: a command out, exactly one bounded reply in, every
//! wait by the operation's deadline.

use std::time::Instant;

use super::text::{self, Malformed, Reply};
use super::MemcachedError;
use crate::auth::remote::{Node, ReplyError, Stream, TlsSettings};

/// A connection to the server (memcached has no login: it is ready once connected).
pub(super) struct Connection {
    stream: Stream,
    /// Bytes of the reply being read.
    buf: Vec<u8>,
}

impl Connection {
    /// Connects to `node`, TLS when `tls` is given, by `deadline`.
    pub(super) fn open(
        node: &Node,
        tls: Option<&TlsSettings>,
        deadline: Instant,
    ) -> Result<Connection, MemcachedError> {
        Ok(Connection {
            stream: Stream::open(node, tls, deadline)?,
            buf: Vec::with_capacity(256),
        })
    }

    /// Sends one command on `key` and reads its reply, both by `deadline`. On error the
    /// connection is in an unknown state and must be dropped (the caller's `?` does that).
    pub(super) fn command(
        &mut self,
        request: &[u8],
        key: &str,
        deadline: Instant,
    ) -> Result<Reply, MemcachedError> {
        self.stream.write_all(request, deadline)?;
        self.read_reply(key.as_bytes(), deadline)
    }

    /// Reads exactly one reply, never buffering more than [`text::MAX_REPLY`] bytes: a
    /// value over the cap is refused from its `VALUE` header.
    fn read_reply(&mut self, key: &[u8], deadline: Instant) -> Result<Reply, MemcachedError> {
        let read = self
            .stream
            .read_reply(&mut self.buf, text::MAX_REPLY, deadline, |buf| {
                text::parse(buf, key)
            });
        read.map_err(|err| match err {
            ReplyError::Net(net) => MemcachedError::Net(net),
            ReplyError::Malformed(why) => MemcachedError::Malformed(why),
            ReplyError::TooLarge => MemcachedError::Malformed(Malformed::TooLarge),
            // More than one reply to one command: not a server we trust.
            ReplyError::Trailing => MemcachedError::Unexpected,
        })
    }

    /// Whether an idle connection is still open with nothing unread.
    pub(super) fn looks_idle(&mut self) -> bool {
        self.stream.looks_idle()
    }
}
