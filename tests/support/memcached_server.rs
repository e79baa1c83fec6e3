//! A throwaway `memcached` on 127.0.0.1 for the memcached cache tests, plain or TLS-only, and
//! a minimal text-protocol client to look at what the cache stored.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::tls::{connect_plain, Stream, TlsFiles};

/// How long the server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `memcached`, stopped when dropped.
pub struct MemcachedServer {
    pub port: u16,
    process: Child,
    /// Dropped after the server is stopped: its certificate files stay as long as it runs.
    tls: Option<Arc<TlsFiles>>,
}

impl MemcachedServer {
    /// Starts a server on a free port. Panics when no `memcached` binary is installed,
    /// whatever the environment: a silent skip would hide a broken set-up.
    pub fn start() -> MemcachedServer {
        MemcachedServer::launch(None)
    }

    /// Starts a server that speaks only TLS, with a certificate from a new CA
    /// ([`ca_pem`](Self::ca_pem)) for `localhost` and `127.0.0.1`.
    pub fn start_tls() -> MemcachedServer {
        MemcachedServer::start_tls_with(TlsFiles::localhost())
    }

    /// Starts a server that speaks only TLS, with these certificate files (e.g. for another
    /// name).
    pub fn start_tls_with(files: TlsFiles) -> MemcachedServer {
        MemcachedServer::launch(Some(Arc::new(files)))
    }

    /// Picks a free port and starts the server on it; another port when someone else took
    /// it first (see `RedisServer`).
    fn launch(tls: Option<Arc<TlsFiles>>) -> MemcachedServer {
        for _ in 0..10 {
            let port = super::server_port();
            if let Some(server) = MemcachedServer::try_start(port, tls.clone()) {
                return server;
            }
        }
        panic!("memcached did not start on any of 10 free ports");
    }

    /// The server on `port`, once it serves there; `None` when it could not.
    fn try_start(port: u16, tls: Option<Arc<TlsFiles>>) -> Option<MemcachedServer> {
        let process = super::spawn_server("memcached", &args(port, tls.as_deref()));
        let mut server = MemcachedServer { port, process, tls };
        server.wait_until_serving().then_some(server)
    }

    /// Whether this very process serves the port (its `stats` show our `pid`), once it
    /// accepts connections (over TLS for a TLS server: its handshake is part of the check).
    fn wait_until_serving(&mut self) -> bool {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if self.process.try_wait().ok().flatten().is_some() {
                return false;
            }
            if connect_plain(self.port).is_ok() {
                let pid = self.try_stats().map(|stats| stats.pid);
                return pid.is_ok_and(|pid| pid == self.process.id());
            }
            assert!(Instant::now() < deadline, "memcached did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `memcache://127.0.0.1:{port}` (`memcaches://` for a TLS server).
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() {
            "memcaches"
        } else {
            "memcache"
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The PEM of the CA that signed a TLS server's certificate.
    pub fn ca_pem(&self) -> &[u8] {
        self.tls_files().ca_pem()
    }

    /// The certificate files of a TLS server.
    pub fn tls_files(&self) -> &TlsFiles {
        self.tls.as_deref().expect("a server started with TLS")
    }

    /// Kills the server now, as an outage would.
    pub fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// Kills the server and starts a new one on the same port, with the same certificate:
    /// a restart that forgot every key.
    pub fn restart(&mut self) {
        self.stop();
        // The port was ours a moment ago; memcached binds it with SO_REUSEADDR, so only a
        // rare thief could be there now.
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(server) = MemcachedServer::try_start(self.port, self.tls.clone()) {
                // The stopped process is replaced; its drop kills nothing that runs.
                *self = server;
                return;
            }
            assert!(
                Instant::now() < deadline,
                "memcached did not restart on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The value of `key` (`get`), `None` when there is none.
    pub fn get(&self, key: &str) -> Option<String> {
        self.try_get(key)
            .unwrap_or_else(|e| panic!("memcached did not answer get {key}: {e}"))
    }

    /// Stores `value` under `key` for `ttl_seconds` (0: no expiry) (`set`).
    pub fn set(&self, key: &str, value: &str, ttl_seconds: u32) {
        let request = format!("set {key} 0 {ttl_seconds} {}\r\n{value}\r\n", value.len());
        assert_eq!(self.command(&request), "STORED", "set {key}");
    }

    /// Sends `request` (whole lines, `\r\n` included) and returns the one-line answer
    /// without its `\r\n`: `STORED`, `DELETED`, `NOT_FOUND`, `ERROR`, …
    pub fn command(&self, request: &str) -> String {
        self.try_command(request)
            .unwrap_or_else(|e| panic!("memcached did not answer {request:?}: {e}"))
    }

    /// How many items the server holds (`curr_items`).
    pub fn key_count(&self) -> usize {
        self.try_stats()
            .unwrap_or_else(|e| panic!("memcached did not answer stats: {e}"))
            .items
    }

    fn try_get(&self, key: &str) -> io::Result<Option<String>> {
        let mut connection = self.send(&format!("get {key}\r\n"))?;
        let header = read_line(&mut connection)?;
        if header == "END" {
            return Ok(None);
        }
        // VALUE <key> <flags> <bytes>
        let length: usize = header
            .strip_prefix("VALUE ")
            .and_then(|rest| rest.split(' ').nth(2)?.parse().ok())
            .ok_or_else(|| invalid(header.clone()))?;
        let mut data = vec![0; length + 2];
        connection.read_exact(&mut data)?;
        data.truncate(length);
        let end = read_line(&mut connection)?;
        if end != "END" {
            return Err(invalid(end));
        }
        String::from_utf8(data)
            .map(Some)
            .map_err(|_| invalid("a value that is not UTF-8".into()))
    }

    fn try_command(&self, request: &str) -> io::Result<String> {
        read_line(&mut self.send(request)?)
    }

    fn try_stats(&self) -> io::Result<Stats> {
        let mut connection = self.send("stats\r\n")?;
        let mut stats = Stats { pid: 0, items: 0 };
        loop {
            let line = read_line(&mut connection)?;
            let mut words = line.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some("END"), None, None) => return Ok(stats),
                (Some("STAT"), Some("pid"), Some(pid)) => stats.pid = parse(pid)?,
                (Some("STAT"), Some("curr_items"), Some(n)) => stats.items = parse(n)?,
                (Some("STAT"), Some(_), Some(_)) => {}
                _ => return Err(invalid(line)),
            }
        }
    }

    /// A new connection on which `request` was sent.
    fn send(&self, request: &str) -> io::Result<BufReader<Box<dyn Stream>>> {
        let mut stream: Box<dyn Stream> = match &self.tls {
            Some(tls) => tls.connect(self.port)?,
            None => Box::new(connect_plain(self.port)?),
        };
        stream.write_all(request.as_bytes())?;
        stream.flush()?;
        Ok(BufReader::new(stream))
    }
}

impl Drop for MemcachedServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the support client reads of `stats`.
struct Stats {
    pid: u32,
    items: usize,
}

/// `memcached`'s arguments for serving on `port` only: TCP (no UDP), 16 MB.
fn args(port: u16, tls: Option<&TlsFiles>) -> Vec<String> {
    let mut args: Vec<String> = ["-l", "127.0.0.1", "-p", &port.to_string(), "-U", "0"]
        .iter()
        .chain(&["-m", "16", "-t", "2"])
        // Run as root (tests in containers are), memcached refuses to start without a user
        // to switch to; run as anyone else, it ignores `-u`. Staying root keeps the private
        // key readable in its 0700 directory.
        .chain(&["-u", "root"])
        .map(|arg| (*arg).to_owned())
        .collect();
    if let Some(tls) = tls {
        let files = format!(
            "ssl_chain_cert={},ssl_key={}",
            tls.cert_file().display(),
            tls.key_file().display()
        );
        // `-Z` turns TLS on for every listener: nothing may bypass it.
        args.extend(["-Z".to_owned(), "-o".to_owned(), files]);
    }
    args
}

/// One line of an answer, without its `\r\n`.
fn read_line(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line.trim_end_matches("\r\n").to_owned())
}

fn parse<T: std::str::FromStr>(text: &str) -> io::Result<T> {
    text.parse().map_err(|_| invalid(text.to_owned()))
}

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}
