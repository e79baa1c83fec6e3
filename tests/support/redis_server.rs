//! Throwaway `redis-server`s on 127.0.0.1 for the Redis cache tests: plain or TLS-only, with
//! an ACL user, or a cluster of them; and a minimal client to look at what the cache stored.

use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::tls::{connect_plain, Stream, TlsFiles};
use super::ScratchDir;

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

/// How long a server (or a cluster) may take to start.
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

/// How to start one server: [`RedisOptions`] plus what a cluster node needs.
struct Setup {
    /// `--requirepass`: the `default` user's password.
    password: Option<String>,
    tls: Option<Arc<TlsFiles>>,
    acl_user: bool,
    /// The directory of a cluster node's state file; `None` outside a cluster.
    cluster_dir: Option<PathBuf>,
}

impl Setup {
    fn new(options: RedisOptions, cluster_dir: Option<&Path>) -> Setup {
        Setup {
            password: options.acl_user.then(|| ADMIN_PASSWORD.to_owned()),
            tls: options.tls,
            acl_user: options.acl_user,
            cluster_dir: cluster_dir.map(Path::to_owned),
        }
    }

    /// `redis-server`'s arguments for serving on `port` (and the cluster bus on `bus_port`).
    fn args(&self, port: u16, bus_port: u16) -> Vec<String> {
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
        if let Some(dir) = &self.cluster_dir {
            args.extend(cluster_args(dir, port, bus_port, self.tls.is_some()));
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

fn cluster_args(dir: &Path, port: u16, bus_port: u16, tls: bool) -> Vec<String> {
    let mut args = strings(&[
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        &path_arg(&dir.join(format!("nodes-{port}.conf"))),
        "--cluster-node-timeout",
        "2000",
        // Chosen like the client port: the default (port + 10000) may be anyone's.
        "--cluster-port",
        &bus_port.to_string(),
        // A stopped node takes only its own slots down, at once and for good, instead of
        // the whole cluster once the others notice (after the node timeout): tests do not
        // depend on that timing.
        "--cluster-require-full-coverage",
        "no",
        "--dir",
        &path_arg(dir),
    ]);
    if tls {
        args.extend(strings(&[
            "--tls-cluster",
            "yes",
            "--tls-replication",
            "yes",
        ]));
    }
    args
}

/// A running `redis-server`, stopped when dropped.
pub struct RedisServer {
    pub port: u16,
    /// The cluster bus port of a cluster node.
    bus_port: u16,
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
        let mut setup = Setup::new(RedisOptions::new(), None);
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
        RedisServer::launch(&Setup::new(options, None))
    }

    /// Picks a free port and starts the server on it. The port is only free when picked, so
    /// another process may take it first: the server then exits, or someone else answers
    /// there (the server's `process_id` is not ours); both mean another try on another port.
    fn launch(setup: &Setup) -> RedisServer {
        for _ in 0..10 {
            let (port, bus_port) = (super::server_port(), super::server_port());
            let process = super::spawn_server("redis-server", &setup.args(port, bus_port));
            let mut server = RedisServer {
                port,
                bus_port,
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

/// A Redis Cluster of masters on 127.0.0.1 (no replicas), each serving an equal share of the
/// slots in node order, so the first node serves slot 0. Stopped when dropped.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
    /// The nodes' state files; removed after the nodes are stopped (fields drop in order).
    _dir: ScratchDir,
}

/// The number of hash slots of a Redis Cluster.
const SLOTS: usize = 16384;

impl RedisCluster {
    /// Starts `masters` nodes and joins them into one cluster, ready to serve every slot.
    pub fn start(masters: usize) -> RedisCluster {
        RedisCluster::start_with(masters, RedisOptions::new())
    }

    /// [`start`](Self::start) with nodes that speak only TLS, the cluster bus included,
    /// sharing one certificate ([`ca_pem`](Self::ca_pem)).
    pub fn start_tls(masters: usize) -> RedisCluster {
        RedisCluster::start_with(masters, RedisOptions::new().tls())
    }

    pub fn start_with(masters: usize, options: RedisOptions) -> RedisCluster {
        assert!(masters > 0, "a cluster needs a node");
        let dir = ScratchDir::new("redis-cluster");
        let setup = Setup::new(options, Some(dir.path()));
        let nodes = (0..masters).map(|_| RedisServer::launch(&setup)).collect();
        let cluster = RedisCluster { nodes, _dir: dir };
        cluster.assign_slots();
        cluster.meet();
        cluster.wait_until_ok();
        cluster
    }

    /// Gives each node its range of slots and its own config epoch, as
    /// `redis-cli --cluster create` would, before the nodes know each other.
    fn assign_slots(&self) {
        for (i, node) in self.nodes.iter().enumerate() {
            let (first, last) = self.slot_range(i);
            let range = node.command(&[
                "CLUSTER",
                "ADDSLOTSRANGE",
                &first.to_string(),
                &last.to_string(),
            ]);
            assert_eq!(range, "OK", "CLUSTER ADDSLOTSRANGE on node {i}");
            let epoch = node.command(&["CLUSTER", "SET-CONFIG-EPOCH", &(i + 1).to_string()]);
            assert_eq!(epoch, "OK", "CLUSTER SET-CONFIG-EPOCH on node {i}");
        }
    }

    /// Introduces every pair of nodes directly: the cluster is whole without waiting for
    /// gossip to spread the news.
    fn meet(&self) {
        for (i, node) in self.nodes.iter().enumerate() {
            for other in &self.nodes[i + 1..] {
                let (port, bus) = (other.port.to_string(), other.bus_port.to_string());
                let met = node.command(&["CLUSTER", "MEET", "127.0.0.1", &port, &bus]);
                assert_eq!(met, "OK", "CLUSTER MEET from node {i}");
            }
        }
    }

    /// Polls `CLUSTER INFO` until every node knows every other and sees every slot served.
    fn wait_until_ok(&self) {
        let deadline = Instant::now() + START_TIMEOUT;
        let expected = [
            "cluster_state:ok".to_owned(),
            format!("cluster_slots_ok:{SLOTS}"),
            format!("cluster_known_nodes:{}", self.nodes.len()),
        ];
        let whole = |info: String| expected.iter().all(|line| info.contains(line.as_str()));
        while !self
            .nodes
            .iter()
            .all(|node| whole(node.command(&["CLUSTER", "INFO"])))
        {
            assert!(Instant::now() < deadline, "the Redis cluster did not form");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The first and last slot node `i` serves.
    fn slot_range(&self, i: usize) -> (usize, usize) {
        let n = self.nodes.len();
        (i * SLOTS / n, (i + 1) * SLOTS / n - 1)
    }

    /// The client port of node `i`.
    pub fn port(&self, i: usize) -> u16 {
        self.nodes[i].port
    }

    pub fn ports(&self) -> Vec<u16> {
        self.nodes.iter().map(|node| node.port).collect()
    }

    pub fn node(&self, i: usize) -> &RedisServer {
        &self.nodes[i]
    }

    /// The first node's URL (`redis://` or `rediss://`, database 0): a client learns the
    /// other nodes from it.
    pub fn url(&self) -> String {
        self.nodes[0].url()
    }

    /// [`url`](Self::url) with the ACL user.
    pub fn acl_url(&self) -> String {
        self.nodes[0].acl_url()
    }

    pub fn ca_pem(&self) -> &[u8] {
        self.nodes[0].ca_pem()
    }

    /// The index of the node serving `key`.
    pub fn node_index_for_key(&self, key: &str) -> usize {
        let slot = key_slot(key);
        (0..self.nodes.len())
            .find(|&i| self.slot_range(i).1 >= slot)
            .expect("every slot is served")
    }

    /// The port of the node serving `key`.
    pub fn node_for_key(&self, key: &str) -> u16 {
        self.port(self.node_index_for_key(key))
    }

    /// A key prefix such that `{prefix}{key}` and its lock `{prefix}{key}:lock` live on
    /// nodes other than the first (the one the URL names): a client must follow redirects
    /// for both.
    pub fn prefix_away_from_first(&self, key: &str) -> String {
        self.prefix_where(key, |token_node, lock_node| {
            token_node != 0 && lock_node != 0
        })
    }

    /// The first prefix `gopay0:`, `gopay1:`, … for which `wanted(token node, lock node)`
    /// holds, the nodes serving `{prefix}{key}` and `{prefix}{key}:lock`.
    pub fn prefix_where(&self, key: &str, wanted: impl Fn(usize, usize) -> bool) -> String {
        (0..10_000)
            .map(|n| format!("gopay{n}:"))
            .find(|prefix| {
                wanted(
                    self.node_index_for_key(&format!("{prefix}{key}")),
                    self.node_index_for_key(&format!("{prefix}{key}:lock")),
                )
            })
            .expect("no prefix puts the keys where wanted")
    }

    /// Kills node `i` now, as an outage would; the other nodes keep serving their slots.
    pub fn stop_node(&mut self, i: usize) {
        self.nodes[i].stop();
    }

    /// Runs `args` on the node serving `key`.
    pub fn command_for_key(&self, key: &str, args: &[&str]) -> String {
        self.nodes[self.node_index_for_key(key)].command(args)
    }

    /// The value of `key`, read from the node serving it.
    pub fn get(&self, key: &str) -> Option<String> {
        self.nodes[self.node_index_for_key(key)].get(key)
    }

    /// How many keys the running nodes hold together.
    pub fn key_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|node| !node.is_stopped())
            .map(RedisServer::key_count)
            .sum()
    }
}

/// The cluster hash slot of `key`: CRC16 (XMODEM) of its hash tag (the part between the
/// first `{` and the next `}`, when not empty) or of the whole key, modulo 16384.
pub fn key_slot(key: &str) -> usize {
    let bytes = key.as_bytes();
    let hashed = bytes
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let close = bytes[open + 1..].iter().position(|&b| b == b'}')?;
            Some(&bytes[open + 1..open + 1 + close])
        })
        .filter(|tag| !tag.is_empty())
        .unwrap_or(bytes);
    usize::from(crc16_xmodem(hashed)) % SLOTS
}

fn crc16_xmodem(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |crc, &byte| {
        (0..8).fold(crc ^ (u16::from(byte) << 8), |crc, _| {
            if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            }
        })
    })
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
