//! One connection to a cache server, plain or TLS, whose every wait ends by a deadline.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Instant;

use rustls::ClientConnection;

use super::wait::{left, next_wait, wait_again};
use super::{Host, NetError, Node, TlsSettings};

/// A connected socket, with a TLS session over it for `rediss://` and `memcaches://`.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream>),
}

/// A TLS session and the socket under it, driven by hand so that every socket wait is
/// one of ours, bounded by the deadline (rustls's `Stream` would block unbounded).
pub(crate) struct TlsStream {
    session: ClientConnection,
    socket: TcpStream,
}

/// Why reading one reply failed, `M` being the parser's reason for refusing bytes.
pub(crate) enum ReplyError<M> {
    /// The connection failed, timed out or was closed, or TLS failed.
    Net(NetError),
    /// The parser refused the bytes.
    Malformed(M),
    /// The cap was reached without a complete reply.
    TooLarge,
    /// More came than the one reply: not a server to trust.
    Trailing,
}

impl<M> From<NetError> for ReplyError<M> {
    fn from(err: NetError) -> ReplyError<M> {
        ReplyError::Net(err)
    }
}

impl Stream {
    /// Resolves `node`, connects to it and, with `tls`, completes the handshake, all by
    /// `deadline`.
    pub(crate) fn open(
        node: &Node,
        tls: Option<&TlsSettings>,
        deadline: Instant,
    ) -> Result<Stream, NetError> {
        let socket = connect(node, deadline)?;
        let Some(tls) = tls else {
            return Ok(Stream::Plain(socket));
        };
        let session = tls
            .session(node)
            .map_err(|_| NetError::Tls("the server name is not valid for TLS".to_owned()))?;
        let mut stream = TlsStream { session, socket };
        stream.handshake(deadline)?;
        Ok(Stream::Tls(Box::new(stream)))
    }

    /// Writes all of `bytes` by `deadline`.
    pub(crate) fn write_all(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), NetError> {
        match self {
            Stream::Plain(socket) => write_socket(socket, bytes, deadline),
            Stream::Tls(tls) => tls.write_all(bytes, deadline),
        }
    }

    /// Reads at least one byte into `buf` by `deadline`; a closed connection is an error.
    fn read_some(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, NetError> {
        match self {
            Stream::Plain(socket) => loop {
                socket.set_read_timeout(next_wait(deadline)?)?;
                match socket.read(buf) {
                    Ok(0) => return Err(NetError::Closed),
                    Ok(n) => return Ok(n),
                    Err(err) if wait_again(&err) => {}
                    Err(err) => return Err(err.into()),
                }
            },
            Stream::Tls(tls) => tls.read_some(buf, deadline),
        }
    }

    /// Reads exactly one reply by `deadline` into `buf`, never buffering more than `cap`
    /// bytes. `parse` gives a complete reply and the bytes it used, `None` to read more
    /// (which it must never answer once `cap` bytes are there), or why it refuses them.
    ///
    /// On error the connection is in an unknown state and must be dropped.
    pub(crate) fn read_reply<R, M>(
        &mut self,
        buf: &mut Vec<u8>,
        cap: usize,
        deadline: Instant,
        parse: impl Fn(&[u8]) -> Result<Option<(R, usize)>, M>,
    ) -> Result<R, ReplyError<M>> {
        buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            match parse(buf) {
                Ok(Some((reply, used))) if used == buf.len() => return Ok(reply),
                Ok(Some(_)) => return Err(ReplyError::Trailing),
                Ok(None) => {}
                Err(why) => return Err(ReplyError::Malformed(why)),
            }
            let room = cap.saturating_sub(buf.len());
            if room == 0 {
                return Err(ReplyError::TooLarge);
            }
            let want = room.min(chunk.len());
            let n = self.read_some(&mut chunk[..want], deadline)?;
            buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Whether an idle connection is still open with nothing unread: the server may have
    /// closed it (restart, idle timeout) since its last use. Never blocks.
    pub(crate) fn looks_idle(&mut self) -> bool {
        if self.socket().set_nonblocking(true).is_err() {
            return false;
        }
        let idle = match self {
            Stream::Plain(socket) => {
                let mut probe = [0u8; 1];
                matches!(
                    socket.peek(&mut probe),
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock
                )
            }
            Stream::Tls(tls) => tls.nothing_pending(),
        };
        idle && self.socket().set_nonblocking(false).is_ok()
    }

    /// The socket under the stream.
    fn socket(&self) -> &TcpStream {
        match self {
            Stream::Plain(socket) => socket,
            Stream::Tls(tls) => &tls.socket,
        }
    }
}

impl TlsStream {
    /// Runs the handshake to its end, each socket wait bounded by `deadline`.
    fn handshake(&mut self, deadline: Instant) -> Result<(), NetError> {
        while self.session.is_handshaking() {
            if self.session.wants_write() {
                self.flush(deadline)?;
            } else {
                self.read_records(deadline)?;
            }
        }
        self.flush(deadline)
    }

    fn write_all(&mut self, mut bytes: &[u8], deadline: Instant) -> Result<(), NetError> {
        while !bytes.is_empty() {
            // rustls takes what fits in its send buffer; the rest goes after a flush.
            let taken = self.session.writer().write(bytes)?;
            bytes = &bytes[taken..];
            self.flush(deadline)?;
        }
        Ok(())
    }

    fn read_some(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, NetError> {
        loop {
            match self.session.reader().read(buf) {
                Ok(0) => return Err(NetError::Closed),
                Ok(n) => return Ok(n),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(err) => return Err(err.into()),
            }
            self.read_records(deadline)?;
        }
    }

    /// Sends every pending TLS record by `deadline`.
    fn flush(&mut self, deadline: Instant) -> Result<(), NetError> {
        while self.session.wants_write() {
            self.socket.set_write_timeout(next_wait(deadline)?)?;
            match self.session.write_tls(&mut self.socket) {
                Ok(0) => return Err(NetError::Closed),
                Ok(_) => {}
                Err(err) if wait_again(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
        Ok(())
    }

    /// Reads TLS records until some arrive (by `deadline`) and processes them, answering
    /// what the session must answer (alerts, key updates).
    fn read_records(&mut self, deadline: Instant) -> Result<(), NetError> {
        loop {
            self.socket.set_read_timeout(next_wait(deadline)?)?;
            match self.session.read_tls(&mut self.socket) {
                Ok(0) => return Err(NetError::Closed),
                Ok(_) => break,
                Err(err) if wait_again(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
        let processed = self.session.process_new_packets();
        // Send the alert, or whatever the records asked for, before reporting.
        let flushed = self.flush(deadline);
        processed?;
        flushed
    }

    /// On a non-blocking socket: whether no data and no close arrived since the last reply
    /// (records that carry none, such as TLS 1.3 session tickets, are consumed).
    fn nothing_pending(&mut self) -> bool {
        loop {
            match self.session.read_tls(&mut self.socket) {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                Ok(n) if n > 0 => {
                    if self.session.process_new_packets().is_err() {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        let mut probe = [0u8; 1];
        matches!(
            self.session.reader().read(&mut probe),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock
        )
    }
}

fn write_socket(socket: &mut TcpStream, bytes: &[u8], deadline: Instant) -> Result<(), NetError> {
    let mut written = 0;
    while written < bytes.len() {
        socket.set_write_timeout(next_wait(deadline)?)?;
        match socket.write(&bytes[written..]) {
            Ok(0) => return Err(NetError::Closed),
            Ok(n) => written += n,
            Err(err) if wait_again(&err) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Connects to the first of `node`'s addresses that answers, by `deadline`.
fn connect(node: &Node, deadline: Instant) -> Result<TcpStream, NetError> {
    let mut last = NetError::Resolve;
    for addr in resolve(&node.host, node.port, deadline)? {
        match TcpStream::connect_timeout(&addr, left(deadline)?) {
            Ok(socket) => {
                let _ = socket.set_nodelay(true);
                return Ok(socket);
            }
            Err(err) => last = err.into(),
        }
    }
    Err(last)
}

/// The addresses of `host`; a name is resolved on a helper thread so that a slow resolver
/// cannot hold the operation past `deadline`.
fn resolve(host: &Host, port: u16, deadline: Instant) -> Result<Vec<SocketAddr>, NetError> {
    let name = match host {
        Host::Ip(ip) => return Ok(vec![SocketAddr::new(*ip, port)]),
        Host::Name(name) => name.clone(),
    };
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("gopay-cache-resolve".to_owned())
        .spawn(move || {
            let found = (name.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>);
            let _ = tx.send(found);
        })
        .map_err(NetError::from)?;
    match rx.recv_timeout(left(deadline)?) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(_) => Err(NetError::Resolve),
        Err(_) => Err(NetError::TimedOut),
    }
}
