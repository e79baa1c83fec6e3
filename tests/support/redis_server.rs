//! A throwaway `redis-server` on 127.0.0.1 for the Redis cache tests.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`, stopped when dropped.
pub struct RedisServer {
    pub port: u16,
    process: Child,
}

impl RedisServer {
    /// Starts a server on a free port, or `None` (with the reason printed) when no
    /// `redis-server` binary exists outside CI. In CI a missing binary fails the test: CI
    /// installs it, and a silent skip would hide a broken set-up.
    pub fn start() -> Option<RedisServer> {
        let port = super::server_port();
        let spawned = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let process = match spawned {
            Ok(process) => process,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "redis-server is missing in CI: .ci/run must install it"
                );
                eprintln!("SKIPPED: no redis-server binary on this machine");
                return None;
            }
            Err(e) => panic!("could not start redis-server: {e}"),
        };
        let server = RedisServer { port, process };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
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
