//! Throwaway `redis-server`s on 127.0.0.1 for the Redis cache tests: plain or TLS-only, with
//! with an ACL user; and a minimal client to look at what the cache stored.

use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::tls::{connect_plain, Stream, TlsFiles};

/// The ACL user of [`RedisOptions::acl_user`].
pub const ACL_USER: &str = "shop";
/// Its password: every character that must be percent-encoded in a URL's userinfo.
pub const ACL_PASSWORD: &str = "p@ss:w%rd/1";
/// The commands it may run, on every key: what a token cache needs, and nothing else.
pub const ACL_COMMANDS: &[&str] = &[
    "get", "set", "del", "eval", "ping", "select", "asking", "auth",
];
/// The `default` user's password on a server with the ACL user, used by the inspection
/// helpers only: a client that forgets its user is refused.
const ADMIN_PASSWORD: &str = "admin-only-Q7w";

/// How long a server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// What to start besides a plain server: TLS only, an ACL user.
#[derive(Default)]
pub struct RedisOptions {
    tls: Option<Arc<TlsFiles>>,
    acl_user: bool,
}

impl RedisOptions {
    pub fn new() -> RedisOptions {
        RedisOptions::default()
    }

    /// Speaks only TLS, with a certificate for `localhost` and `127.0.0.1` from a new CA.
    pub fn tls(self) -> RedisOptions {
        self.tls_files(TlsFiles::localhost())
    }

    /// Speaks only TLS, with these certificate files (e.g. for another name).
    pub fn tls_files(mut self, files: TlsFiles) -> RedisOptions {
        self.tls = Some(Arc::new(files));
        self
    }

    /// Adds the user [`ACL_USER`] with [`ACL_PASSWORD`] and [`ACL_COMMANDS`]; the `default`
    /// user gets a password of its own.
    pub fn acl_user(mut self) -> RedisOptions {
        self.acl_user = true;
        self
    }
}

/// How to start one server.
struct Setup {
    /// `--requirepass`: the `default` user's password.
    password: Option<String>,
    tls: Option<Arc<TlsFiles>>,
    acl_user: bool,
}

impl Setup {
    fn new(options: RedisOptions) -> Setup {
        Setup {
            password: options.acl_user.then(|| ADMIN_PASSWORD.to_owned()),
            tls: options.tls,
            acl_user: options.acl_user,
        }
    }

    /// `redis-server`'s arguments for serving on `port`.
    fn args(&self, port: u16) -> Vec<String> {
        let mut args = strings(&["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        match &self.tls {
            None => args.extend(strings(&["--port", &port.to_string()])),
            // `--port 0` closes the plain port: nothing may bypass TLS.
            Some(tls) => args.extend(strings(&[
                "--port",
                "0",
                "--tls-port",
                &port.to_string(),
                "--tls-cert-file",
                &path_arg(&tls.cert_file()),
                "--tls-key-file",
                &path_arg(&tls.key_file()),
                "--tls-ca-cert-file",
                &path_arg(&tls.ca_file()),
                "--tls-auth-clients",
                "no",
                "--tls-protocols",
                "TLSv1.2 TLSv1.3",
            ])),
        }
        if let Some(password) = &self.password {
            args.extend(strings(&["--requirepass", password]));
        }
        if self.acl_user {
            args.extend(acl_user_args());
        }
        args
    }
}

/// `--user shop on >password ~* +get …`: one argument per rule, as in a config file line.
fn acl_user_args() -> Vec<String> {
    let mut args = strings(&["--user", ACL_USER, "on", &format!(">{ACL_PASSWORD}"), "~*"]);
    args.extend(ACL_COMMANDS.iter().map(|command| format!("+{command}")));
    args
}

/// A running `redis-server`, stopped when dropped.
pub struct RedisServer {
    pub port: u16,
    password: Option<String>,
    acl_user: bool,
    process: Child,
    stopped: bool,
    /// Dropped after the server is stopped: its certificate files stay as long as it runs.
    tls: Option<Arc<TlsFiles>>,
}

impl RedisServer {
    /// Starts a server on a free port. Panics when no `redis-server` binary is installed,
    /// whatever the environment: a silent skip would hide a broken set-up.
    pub fn start() -> RedisServer {
        RedisServer::start_with(RedisOptions::new())
    }

    /// Starts a server that requires `password` (`--requirepass`, user `default`).
    pub fn start_with_password(password: &str) -> RedisServer {
        let mut setup = Setup::new(RedisOptions::new());
        setup.password = Some(password.to_owned());
        RedisServer::launch(&setup)
    }

    /// Starts a server that speaks only TLS, with a certificate from a new CA
    /// ([`ca_pem`](Self::ca_pem)) for `localhost` and `127.0.0.1`.
    pub fn start_tls() -> RedisServer {
        RedisServer::start_with(RedisOptions::new().tls())
    }

    /// Starts a plain server with the ACL user ([`acl_url`](Self::acl_url)).
    pub fn start_acl() -> RedisServer {
        RedisServer::start_with(RedisOptions::new().acl_user())
    }

    pub fn start_with(options: RedisOptions) -> RedisServer {
        RedisServer::launch(&Setup::new(options))
    }

    /// Picks a free port and starts the server on it. The port is only free when picked, so
    /// another process may take it first: the server then exits, or someone else answers
    /// there (the server's `process_id` is not ours); both mean another try on another port.
    fn launch(setup: &Setup) -> RedisServer {
        for _ in 0..10 {
            let port = super::server_port();
            let process = super::spawn_server("redis-server", &setup.args(port));
            let mut server = RedisServer {
                port,
                password: setup.password.clone(),
                acl_user: setup.acl_user,
                process,
                stopped: false,
                tls: setup.tls.clone(),
            };
            if server.wait_until_serving() {
                return server;
            }
        }
        panic!("redis-server did not start on any of 10 free ports");
    }

    /// Whether this very process serves the port, once it accepts connections (over TLS
    /// for a TLS server: its handshake is part of the check).
    fn wait_until_serving(&mut self) -> bool {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if self.process.try_wait().ok().flatten().is_some() {
                return false;
            }
            if connect_plain(self.port).is_ok() {
                let info = self.try_command(0, &["INFO", "server"]);
                let ours = format!("process_id:{}\r\n", self.process.id());
                return info.is_ok_and(|info| info.contains(&ours));
            }
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `redis://127.0.0.1:{port}/0` (`rediss://` for a TLS server), without credentials.
    pub fn url(&self) -> String {
        format!("{}://127.0.0.1:{}/0", self.scheme(), self.port)
    }

    /// [`url`](Self::url) with the ACL user and its password, percent-encoded.
    pub fn acl_url(&self) -> String {
        assert!(
            self.acl_user,
            "this server was started without the ACL user"
        );
        format!(
            "{}://{ACL_USER}:{}@127.0.0.1:{}/0",
            self.scheme(),
            percent_encode(ACL_PASSWORD),
            self.port
        )
    }

    fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "rediss"
        } else {
            "redis"
        }
    }

    /// The PEM of the CA that signed a TLS server's certificate.
    pub fn ca_pem(&self) -> &[u8] {
        self.tls_files().ca_pem()
    }

    /// The certificate files of a TLS server.
    pub fn tls_files(&self) -> &TlsFiles {
        self.tls.as_deref().expect("a server started with TLS")
    }

    /// Runs one command on database 0 and returns its reply as text: a simple string or
    /// bulk value as is, an integer in decimal, `(nil)`, `-ERR …` for an error, and the
    /// elements of an array on lines of their own.
    pub fn command(&self, args: &[&str]) -> String {
        self.command_in(0, args)
    }

    /// [`command`](Self::command) on database `db`.
    pub fn command_in(&self, db: u32, args: &[&str]) -> String {
        self.try_command(db, args)
            .unwrap_or_else(|e| panic!("redis-server did not answer {args:?}: {e}"))
    }

    /// [`command`](Self::command) on a connection that logged in as `user` with `password`
    /// (`AUTH user password`); the login's error instead when it is refused.
    pub fn command_as(&self, user: &str, password: &str, args: &[&str]) -> String {
        let run = || {
            let mut connection = self.connect()?;
            let login = round_trip(&mut connection, &["AUTH", user, password])?;
            if login != "OK" {
                return Ok(login);
            }
            round_trip(&mut connection, args)
        };
        run().unwrap_or_else(|e: io::Error| panic!("redis-server did not answer {args:?}: {e}"))
    }

    /// The value of `key` in database 0, `None` when there is none.
    pub fn get(&self, key: &str) -> Option<String> {
        Some(self.command(&["GET", key])).filter(|value| value != "(nil)")
    }

    /// How many keys database 0 holds.
    pub fn key_count(&self) -> usize {
        let count = self.command(&["DBSIZE"]);
        count.parse().unwrap_or_else(|_| panic!("DBSIZE: {count}"))
    }

    fn try_command(&self, db: u32, args: &[&str]) -> io::Result<String> {
        let mut connection = self.connect()?;
        let db = db.to_string();
        let mut prelude: Vec<Vec<&str>> = Vec::new();
        if let Some(password) = &self.password {
            prelude.push(vec!["AUTH", password]);
        }
        prelude.push(vec!["SELECT", &db]);
        for setup in prelude {
            let reply = round_trip(&mut connection, &setup)?;
            if reply != "OK" {
                return Err(invalid(format!("{} answered {reply}", setup[0])));
            }
        }
        round_trip(&mut connection, args)
    }

    fn connect(&self) -> io::Result<BufReader<Box<dyn Stream>>> {
        let stream: Box<dyn Stream> = match &self.tls {
            Some(tls) => tls.connect(self.port)?,
            None => Box::new(connect_plain(self.port)?),
        };
        Ok(BufReader::new(stream))
    }

    /// Kills the server now, as an outage would.
    pub fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        self.stopped = true;
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters, as a URL's userinfo
/// needs for `@`, `:`, `%` and `/`.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `redis-cli` with `args` and returns what it printed, trimmed: a client independent of
/// these helpers, e.g. to check how a URL is understood (`-u`, with `--tls --cacert …`).
/// Panics when it is not installed.
pub fn redis_cli(args: &[&str]) -> String {
    let output = std::process::Command::new("redis-cli")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not run redis-cli (apt-get install redis-tools): {e}"));
    String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_owned()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("a UTF-8 temporary path").to_owned()
}

fn round_trip(connection: &mut BufReader<Box<dyn Stream>>, args: &[&str]) -> io::Result<String> {
    let mut request = format!("*{}\r\n", args.len());
    for arg in args {
        request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
    }
    let stream = connection.get_mut();
    stream.write_all(request.as_bytes())?;
    stream.flush()?;
    read_reply(connection)
}

fn read_reply(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let line = line.trim_end_matches("\r\n");
    let (kind, rest) = line.split_at(line.len().min(1));
    Ok(match kind {
        "+" | ":" => rest.to_owned(),
        "-" => line.to_owned(),
        "$" | "*" if rest == "-1" => "(nil)".to_owned(),
        "$" => {
            let length: usize = rest.parse().map_err(|_| invalid(line.to_owned()))?;
            let mut data = vec![0; length + 2];
            reader.read_exact(&mut data)?;
            data.truncate(length);
            String::from_utf8(data).map_err(|_| invalid("a value that is not UTF-8".into()))?
        }
        "*" => {
            let length: usize = rest.parse().map_err(|_| invalid(line.to_owned()))?;
            let elements: io::Result<Vec<String>> =
                (0..length).map(|_| read_reply(reader)).collect();
            elements?.join("\n")
        }
        _ => return Err(invalid(format!("unexpected reply {line:?}"))),
    })
}

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}
