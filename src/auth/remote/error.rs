//! Why talking to a cache server failed, in words that never carry a key, a value, a
//! password or the server's own text.

use std::fmt;
use std::io;

/// A failure of the connection to a cache server (not of a command it refused).
#[derive(Debug)]
pub(crate) enum NetError {
    /// The operation's time was up.
    TimedOut,
    /// Connecting, reading or writing failed.
    Io(io::ErrorKind),
    /// The server closed the connection.
    Closed,
    /// The host name did not resolve to any address.
    Resolve,
    /// The TLS handshake or a TLS record failed (certificate, server name, protocol).
    Tls(String),
}

impl NetError {
    /// Says what happened, naming the server as `server` ("Redis", "memcached").
    pub(crate) fn describe(&self, server: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::TimedOut => write!(f, "{server} did not answer in time"),
            NetError::Io(kind) => write!(f, "{server} connection failed: {kind}"),
            NetError::Closed => write!(f, "{server} closed the connection"),
            NetError::Resolve => write!(f, "the {server} host name did not resolve"),
            NetError::Tls(why) => write!(f, "TLS with {server} failed: {why}"),
        }
    }
}

impl From<io::Error> for NetError {
    fn from(err: io::Error) -> NetError {
        match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => NetError::TimedOut,
            io::ErrorKind::UnexpectedEof => NetError::Closed,
            kind => NetError::Io(kind),
        }
    }
}

impl From<rustls::Error> for NetError {
    fn from(err: rustls::Error) -> NetError {
        // rustls's messages name certificate and protocol problems, never data.
        NetError::Tls(err.to_string())
    }
}
