//! One connection to a memcached server: a command out, exactly one bounded reply in, every
//! wait by the operation's deadline.

use std::time::Instant;

use super::text::{self, Malformed, Reply};
use super::MemcachedError;
use crate::auth::remote::{Node, Stream, TlsSettings};

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
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            match text::parse(&self.buf, key) {
                Ok(Some((reply, used))) => {
                    if used != self.buf.len() {
                        // More than one reply to one command: not a server we trust.
                        return Err(MemcachedError::Unexpected);
                    }
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(why) => return Err(MemcachedError::Malformed(why)),
            }
            let room = text::MAX_REPLY.saturating_sub(self.buf.len());
            if room == 0 {
                return Err(MemcachedError::Malformed(Malformed::TooLarge));
            }
            let want = room.min(chunk.len());
            let n = self.stream.read_some(&mut chunk[..want], deadline)?;
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Whether an idle connection is still open with nothing unread.
    pub(super) fn looks_idle(&mut self) -> bool {
        self.stream.looks_idle()
    }
}
