//! One logged-in connection to a Redis node: commands out, exactly one bounded reply in,
//! every wait by the operation's deadline.

use std::time::Instant;

use super::address::Address;
use super::resp::{self, Malformed, Reply};
use super::RedisError;
use crate::auth::remote::{Node, ReplyError, Stream, TlsSettings};

/// A connection to one node, logged in and on the URL's database.
pub(super) struct Connection {
    stream: Stream,
    /// Bytes of the reply being read.
    buf: Vec<u8>,
}

impl Connection {
    /// Connects to `node` (TLS when `tls` is given), logs in with the URL's credentials and
    /// selects its database, all by `deadline`.
    pub(super) fn open(
        node: &Node,
        address: &Address,
        tls: Option<&TlsSettings>,
        deadline: Instant,
    ) -> Result<Connection, RedisError> {
        let mut connection = Connection {
            stream: Stream::open(node, tls, deadline)?,
            buf: Vec::with_capacity(256),
        };
        if let Some(auth) = &address.auth {
            let mut args: Vec<&[u8]> = vec![b"AUTH"];
            args.extend(auth.user.as_deref());
            args.push(&auth.password);
            connection.expect_ok(&args, deadline)?;
        }
        if address.db != 0 {
            let db = address.db.to_string();
            connection.expect_ok(&[b"SELECT", db.as_bytes()], deadline)?;
        }
        Ok(connection)
    }

    /// Sends a command that must answer `+OK` (AUTH, SELECT, ASKING).
    pub(super) fn expect_ok(
        &mut self,
        args: &[&[u8]],
        deadline: Instant,
    ) -> Result<(), RedisError> {
        match self.command(args, deadline)? {
            Reply::Simple(_) => Ok(()),
            Reply::Error(code) => Err(RedisError::Server(code)),
            _ => Err(RedisError::Unexpected),
        }
    }

    /// Sends one command and reads its reply, both by `deadline`. On error the connection
    /// is in an unknown state and must be dropped (the caller's `?` does that).
    pub(super) fn command(
        &mut self,
        args: &[&[u8]],
        deadline: Instant,
    ) -> Result<Reply, RedisError> {
        self.stream.write_all(&resp::encode(args), deadline)?;
        self.read_reply(deadline)
    }

    /// Reads exactly one reply, never buffering more than [`resp::MAX_REPLY`] bytes: a
    /// reply over the cap is refused from its header.
    fn read_reply(&mut self, deadline: Instant) -> Result<Reply, RedisError> {
        let read = self
            .stream
            .read_reply(&mut self.buf, resp::MAX_REPLY, deadline, resp::parse);
        read.map_err(|err| match err {
            ReplyError::Net(net) => RedisError::Net(net),
            ReplyError::Malformed(why) => RedisError::Malformed(why),
            ReplyError::TooLarge => RedisError::Malformed(Malformed::TooLarge),
            // More than one reply to one command: not a server we trust.
            ReplyError::Trailing => RedisError::Unexpected,
        })
    }

    /// Whether an idle connection is still open with nothing unread.
    pub(super) fn looks_idle(&mut self) -> bool {
        self.stream.looks_idle()
    }
}
