//! Connections to a token-cache server (Redis, memcached), shared by the caches that talk
//! to one: plain TCP or TLS, every wait (resolving, connecting, the handshake, each read and
//! write) bounded by the operation's deadline, and a pool of idle connections per node.

mod address;
mod connections;
mod error;
mod owner;
mod pool;
mod stream;
mod tls;
mod wait;

#[cfg(feature = "redis")]
pub(crate) use address::decode_percent;
pub(crate) use address::{parse_host_port, split_url, Host, Node, UrlParts, UrlProblem};
pub(crate) use connections::Connections;
pub(crate) use error::NetError;
pub(crate) use owner::lock_owner;
use pool::Pool;
pub(crate) use stream::{ReplyError, Stream};
pub(crate) use tls::TlsSettings;
pub(crate) use wait::{deadline_after, deadline_within, left};
