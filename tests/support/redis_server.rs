//! A throwaway `redis-server` on 127.0.0.1 for the Redis cache tests, and a minimal client
//! to look at what the cache stored.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`, stopped when dropped.
pub struct RedisServer {
    pub port: u16,
    password: Option<String>,
    process: Child,
}

impl RedisServer {
    /// Starts a server on a free port. Panics when no `redis-server` binary is installed,
    /// whatever the environment: a silent skip would hide a broken set-up.
    pub fn start() -> RedisServer {
        RedisServer::launch(None)
    }

    /// Starts a server that requires `password` (`--requirepass`, user `default`).
    pub fn start_with_password(password: &str) -> RedisServer {
        RedisServer::launch(Some(password))
    }

    /// Picks a free port and starts the server on it. The port is only free when picked, so
    /// another process may take it first: the server then exits, or someone else answers
    /// there (the server's `process_id` is not ours); both mean another try on another port.
    fn launch(password: Option<&str>) -> RedisServer {
        for _ in 0..10 {
            let port = super::server_port();
            let mut command = Command::new("redis-server");
            command
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no"]);
            if let Some(password) = password {
                command.args(["--requirepass", password]);
            }
            let process = match command.stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
                Ok(process) => process,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                    "redis-server is not installed: the Redis cache tests need the \
                     redis-server binary on PATH (e.g. apt-get install redis-server)"
                ),
                Err(e) => panic!("could not start redis-server: {e}"),
            };
            let mut server = RedisServer {
                port,
                password: password.map(str::to_owned),
                process,
            };
            if server.wait_until_serving() {
                return server;
            }
        }
        panic!("redis-server did not start on any of 10 free ports");
    }

    /// Whether this very process serves the port, once it accepts connections.
    fn wait_until_serving(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.process.try_wait().ok().flatten().is_some() {
                return false;
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                let info = self.try_command(0, &["INFO", "server"]);
                let ours = format!("process_id:{}\r\n", self.process.id());
                return info.is_ok_and(|info| info.contains(&ours));
            }
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `redis://127.0.0.1:{port}/0`, without credentials.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Runs one command on database 0 and returns its reply as text: a simple string or
    /// bulk value as is, an integer in decimal, `(nil)`, or `-ERR …` for an error.
    pub fn command(&self, args: &[&str]) -> String {
        self.command_in(0, args)
    }

    /// [`command`](Self::command) on database `db`.
    pub fn command_in(&self, db: u32, args: &[&str]) -> String {
        self.try_command(db, args)
            .unwrap_or_else(|e| panic!("redis-server did not answer {args:?}: {e}"))
    }

    fn try_command(&self, db: u32, args: &[&str]) -> std::io::Result<String> {
        let stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        let db = db.to_string();
        let mut prelude: Vec<Vec<&str>> = Vec::new();
        if let Some(password) = &self.password {
            prelude.push(vec!["AUTH", password]);
        }
        prelude.push(vec!["SELECT", &db]);
        for setup in prelude {
            let reply = round_trip(&mut writer, &mut reader, &setup)?;
            if reply != "OK" {
                return Err(invalid(format!("{} answered {reply}", setup[0])));
            }
        }
        round_trip(&mut writer, &mut reader, args)
    }

    /// Kills the server now, as an outage would.
    pub fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn round_trip(
    writer: &mut TcpStream,
    reader: &mut BufReader<TcpStream>,
    args: &[&str],
) -> std::io::Result<String> {
    let mut request = format!("*{}\r\n", args.len());
    for arg in args {
        request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
    }
    writer.write_all(request.as_bytes())?;
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let line = line.trim_end_matches("\r\n");
    let (kind, rest) = line.split_at(line.len().min(1));
    Ok(match kind {
        "+" | ":" => rest.to_owned(),
        "-" => line.to_owned(),
        "$" if rest == "-1" => "(nil)".to_owned(),
        "$" => {
            let length: usize = rest.parse().map_err(|_| invalid(line.to_owned()))?;
            let mut data = vec![0; length + 2];
            reader.read_exact(&mut data)?;
            data.truncate(length);
            String::from_utf8(data).map_err(|_| invalid("a value that is not UTF-8".into()))?
        }
        _ => return Err(invalid(format!("unexpected reply {line:?}"))),
    })
}

fn invalid(what: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what)
}
