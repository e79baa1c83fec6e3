//! What the SDK costs next to the network, measured in one release run:
//!
//! 1. throughput of `get_status` through one shared `Client` vs raw `ureq` GETs of the same
//!    URL (fixed bearer token, same keep-alive agent settings), 1 and 8 threads, against a
//!    static nginx on loopback (`benches/nginx.conf`);
//! 2. connections the server saw vs requests, also after error answers and retries;
//! 3. a cold storm: 256 threads on a cold client, wall time and token requests;
//! 4. latency of calls made while a slow token refresh is in flight vs the others, against
//!    the simulator with a 300 ms token endpoint;
//! 5. heap allocations per `get_status`;
//! 7. the standalone simulator (its server in a process of its own, as the `gopay-simulator`
//!    binary runs it): SDK `get_status` at 8 threads against it vs against nginx in the same
//!    run, the connections it used, a cold storm of 256 fresh clients, start-up to the first
//!    answer and idle memory.
//!
//! Section 7 also measures the `gopay-simulator` binary itself (its access log written to a
//! file, as a shop's CI runs it) when it is built: `cargo build --release -p gopay-simulator`
//! first, or name it in `GOPAY_SIMULATOR_BIN`.
//!
//! Needs nginx (`apt-get install nginx-light`). Run: `cargo bench --bench client_overhead`;
//! numbers after `--` run only those sections (`cargo bench --bench client_overhead -- 7`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use gopay::{Client, Config, Event, ExchangeKind};
use gopay_simulator::{Fault, FaultTarget, Simulator};

/// Counts heap allocations, for the allocations-per-call figure.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const TOKEN: &str =
    "AAAnu3YnAHRk298EsmoqBLkIb9nAuk3NThEUGk6u+CTDRZKKWJ4eJrE6/6PKhHGV1RUrXsAFzNVvSVvtwXo=";
const ROUND: Duration = Duration::from_secs(2);
const ROUNDS: usize = 5;

fn main() {
    // A copy of this program started by section 7 to serve as the standalone simulator.
    if std::env::args().any(|arg| arg == SERVE_SIMULATOR) {
        return serve_simulator();
    }
    // `cargo bench` passes --bench; numbers after `--` pick sections (`-- 7` runs only 7).
    let picked: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let runs = |section: u32| picked.is_empty() || picked.contains(&section);
    let nginx = match Nginx::start() {
        Some(nginx) => nginx,
        None => {
            eprintln!(
                "nginx not found: install it (apt-get install nginx-light) to run this benchmark"
            );
            return;
        }
    };
    println!(
        "# client overhead (release), nginx on 127.0.0.1:{}",
        nginx.port
    );
    if runs(1) {
        throughput(&nginx);
    }
    if runs(2) {
        connections(&nginx);
    }
    if runs(3) {
        cold_storm(&nginx);
    }
    if runs(4) {
        refresh_window();
    }
    if runs(5) {
        allocations(&nginx);
    }
    if runs(7) {
        standalone_simulator(&nginx);
    }
}

/// The argument that makes this program serve a simulator instead of benchmarking.
const SERVE_SIMULATOR: &str = "--serve-simulator";

/// Serves a simulator until stdin closes, then prints how many connections it accepted.
fn serve_simulator() {
    let sim = Simulator::builder()
        .token_lifetime(Duration::from_secs(3600))
        .start()
        .unwrap();
    println!("{}", sim.gateway_url());
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    println!("connections {}", sim.connections());
}

/// A simulator in a process of its own: a copy of this program serving the library's
/// server, or the `gopay-simulator` binary itself.
struct SimulatorProcess {
    child: Child,
    url: String,
    started_in: Duration,
    /// The binary's access log (its stdout), removed on stop.
    log: Option<PathBuf>,
}

impl SimulatorProcess {
    /// A copy of this program serving a simulator.
    fn start() -> SimulatorProcess {
        let started = Instant::now();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg(SERVE_SIMULATOR)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut url).unwrap();
        let url = url.trim().to_owned();
        first_answer(&url);
        let started_in = started.elapsed();
        child.stdout = Some(stdout.into_inner());
        SimulatorProcess {
            child,
            url,
            started_in,
            log: None,
        }
    }

    /// The `gopay-simulator` binary (`GOPAY_SIMULATOR_BIN`, else the one built beside this
    /// bench), its access log going to a file as a shop's CI keeps it; `None` if not built.
    fn binary() -> Option<SimulatorProcess> {
        let path = match std::env::var_os("GOPAY_SIMULATOR_BIN") {
            Some(path) => PathBuf::from(path),
            // target/release/deps/client_overhead-… → target/release/gopay-simulator
            None => std::env::current_exe()
                .ok()?
                .parent()?
                .parent()?
                .join("gopay-simulator"),
        };
        if !path.is_file() {
            return None;
        }
        let log = std::env::temp_dir().join(format!("gopay-bench-sim-{}.log", std::process::id()));
        let started = Instant::now();
        let child = Command::new(&path)
            .args(["--port", "0", "--token-lifetime", "3600"])
            .stdout(std::fs::File::create(&log).ok()?)
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let url = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(url) = text
                .lines()
                .next()
                .and_then(|line| line.strip_prefix("gopay-simulator listening on "))
            {
                break url.to_owned();
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        first_answer(&url);
        let started_in = started.elapsed();
        println!("binary: {}", path.display());
        Some(SimulatorProcess {
            child,
            url,
            started_in,
            log: Some(log),
        })
    }

    fn rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Stores `payment` (a status answer's JSON) as the simulator's own, so that its status
    /// answer is the same bytes.
    fn seed(&self, payment: &[u8]) {
        let origin = self.url.trim_end_matches("/api");
        let status = raw_agent()
            .post(&format!("{origin}/_simulator/payments"))
            .send(payment)
            .unwrap()
            .status();
        assert_eq!(status, 200, "seeding the simulator");
    }

    /// Stops it and answers the connections it accepted (0 for the binary, which does not
    /// say).
    fn stop(mut self) -> u64 {
        if let Some(log) = self.log.take() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            let _ = std::fs::remove_file(log);
            return 0;
        }
        drop(self.child.stdin.take());
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let _ = self.child.wait();
        out.lines()
            .find_map(|line| line.strip_prefix("connections "))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// A token request and a create: what start-up counts until.
fn first_answer(url: &str) {
    let client = Client::new(simulator_config(url)).unwrap();
    let request = gopay::PaymentRequest::new(100, gopay::Currency::Czk, "bench");
    client.create_payment(&request).unwrap();
}

fn simulator_config(url: &str) -> Config {
    Config::new(
        gopay_simulator::DEFAULT_GOID,
        gopay_simulator::CLIENT_ID,
        gopay_simulator::CLIENT_SECRET,
        url,
    )
}

/// The raw body of a status answer, read with a fixed or a fresh token.
fn raw_status(api: &str, token: &str) -> Vec<u8> {
    raw_agent()
        .get(&format!("{api}/payments/payment/3000006529"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap()
}

/// A fresh token of the simulator at `api`.
fn simulator_token(api: &str) -> String {
    let mut answer = raw_agent()
        .post(&format!("{api}/oauth2/token"))
        .header(
            "Authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    gopay_simulator::CLIENT_ID,
                    gopay_simulator::CLIENT_SECRET
                ))
            ),
        )
        .content_type("application/x-www-form-urlencoded")
        .send("grant_type=client_credentials&scope=payment-all")
        .unwrap();
    let token: serde_json::Value =
        serde_json::from_slice(&answer.body_mut().read_to_vec().unwrap()).unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

fn standalone_simulator(nginx: &Nginx) {
    println!("\n## 7. the standalone simulator (its own process, keep-alive), vs nginx");
    let sim = SimulatorProcess::start();
    let binary = SimulatorProcess::binary();
    // Both answer the status nginx answers, byte for byte.
    let static_body = raw_status(&nginx.api(), TOKEN);
    for (name, process) in [("library server", Some(&sim)), ("binary", binary.as_ref())] {
        let Some(process) = process else { continue };
        process.seed(&static_body);
        let api = process.url.clone();
        let same = raw_status(&api, &simulator_token(&api)) == static_body;
        println!(
            "{name}: start-up to the first answer (process start, token, create): {:.1} ms; idle RSS {} kB; status answer the same {} bytes as nginx's: {same}",
            process.started_in.as_secs_f64() * 1000.0,
            process.rss_kb().map_or("?".into(), |kb| kb.to_string()),
            static_body.len()
        );
    }
    if binary.is_none() {
        println!("binary: not built (cargo build --release -p gopay-simulator), not measured");
    }
    let on = |url: &str| -> Arc<dyn Fn() + Send + Sync> {
        let client = Client::new(simulator_config(url)).unwrap();
        client.get_status(3000006529).unwrap();
        Arc::new(move || {
            client.get_status(3000006529).unwrap();
        })
    };
    let calls = Arc::new(AtomicU64::new(0));
    let counted = calls.clone();
    let on_library = on(&sim.url);
    let on_sim: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        on_library();
        counted.fetch_add(1, Ordering::Relaxed);
    });
    let on_binary = binary.as_ref().map(|binary| on(&binary.url));
    let sdk = self::client(nginx);
    sdk.get_status(3000006529).unwrap();
    let on_nginx: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        sdk.get_status(3000006529).unwrap();
    });
    let (mut sim_rates, mut binary_rates, mut nginx_rates) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        sim_rates.push(rate(8, on_sim.clone()));
        if let Some(on_binary) = &on_binary {
            binary_rates.push(rate(8, on_binary.clone()));
        }
        nginx_rates.push(rate(8, on_nginx.clone()));
    }
    let n = median(nginx_rates);
    println!("| 8 threads | calls/s | / nginx |");
    println!("|---|---|---|");
    println!("| nginx | {n:.0} | 1 |");
    let s = median(sim_rates);
    println!("| library server | {s:.0} | {:.3} |", s / n);
    if !binary_rates.is_empty() {
        let b = median(binary_rates);
        println!("| gopay-simulator binary | {b:.0} | {:.3} |", b / n);
    }
    if let Some(binary) = binary {
        binary.stop();
    }

    // A cold storm: 256 threads, each its own client (so its own fresh connection).
    let barrier = Arc::new(Barrier::new(256));
    let failures = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let storm: Vec<_> = (0..256)
        .map(|_| {
            let (barrier, failures, url) = (barrier.clone(), failures.clone(), sim.url.clone());
            std::thread::spawn(move || {
                let client = Client::new(simulator_config(&url)).unwrap();
                barrier.wait();
                if client.get_status(3000006529).is_err() {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for thread in storm {
        thread.join().unwrap();
    }
    let storm_time = started.elapsed();
    let connections = sim.stop();
    println!(
        "{} calls to the library server in the rounds over {connections} connections in all (the storm's 256 and a few per client); cold storm of 256 fresh clients: {} failed, {:.1} ms",
        calls.load(Ordering::Relaxed),
        failures.load(Ordering::Relaxed),
        storm_time.as_secs_f64() * 1000.0
    );
}

fn client(nginx: &Nginx) -> Client {
    Client::new(Config::new(8123456789, "1234", "secret", nginx.url())).unwrap()
}

fn raw_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .user_agent("raw")
        .accept("application/json")
        .max_idle_connections_per_host(gopay::DEFAULT_MAX_IDLE_CONNECTIONS)
        .max_idle_connections(gopay::DEFAULT_MAX_IDLE_CONNECTIONS)
        .build()
        .new_agent()
}

/// Calls per second of `call` on `threads` threads for one round.
fn rate(threads: usize, call: Arc<dyn Fn() + Send + Sync>) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (call, stop, barrier) = (call.clone(), stop.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut done = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    call();
                    done += 1;
                }
                done
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    std::thread::sleep(ROUND);
    stop.store(true, Ordering::Relaxed);
    let done: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    done as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn throughput(nginx: &Nginx) {
    println!("\n## 1. throughput: get_status through the SDK vs raw ureq (median of {ROUNDS} interleaved {ROUND:?} rounds)");
    println!("| threads | SDK calls/s | raw ureq calls/s | SDK / raw | raw + typed decode calls/s | SDK / (raw + decode) |");
    println!("|---|---|---|---|---|---|");
    let sdk = client(nginx);
    sdk.get_status(3000006529).unwrap();
    let raw = raw_agent();
    let url = format!("{}/payments/payment/3000006529", nginx.api());
    let sdk_call: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        sdk.get_status(3000006529).unwrap();
    });
    let raw_get = Arc::new(move || {
        let mut response = raw
            .get(&url)
            .header("Authorization", format!("Bearer {TOKEN}"))
            .header("Accept-Language", "en-US")
            .call()
            .unwrap();
        response.body_mut().read_to_vec().unwrap()
    });
    let get = raw_get.clone();
    let raw_call: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        get();
    });
    // What any typed client must also do: decode the answer into a Payment.
    let raw_decode_call: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        let body = raw_get();
        let _: gopay::Payment = serde_json::from_slice(&body).unwrap();
    });
    for threads in [1, 8] {
        let (mut sdk_rates, mut raw_rates, mut decode_rates) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            sdk_rates.push(rate(threads, sdk_call.clone()));
            raw_rates.push(rate(threads, raw_call.clone()));
            decode_rates.push(rate(threads, raw_decode_call.clone()));
        }
        let (s, r, d) = (median(sdk_rates), median(raw_rates), median(decode_rates));
        println!(
            "| {threads} | {s:.0} | {r:.0} | {:.3} | {d:.0} | {:.3} |",
            s / r,
            s / d
        );
    }
}

fn connections(nginx: &Nginx) {
    println!("\n## 2. connections: requests vs TCP connections the server accepted");
    let before = nginx.stats();
    let client = client(nginx);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                for i in 0..1000 {
                    if i % 100 == 0 {
                        // A 500: the GET is retried twice; the connection must survive.
                        assert!(client.get_status(500).is_err());
                    } else {
                        client.get_status(3000006529).unwrap();
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let after = nginx.stats();
    let requests = after.requests - before.requests - 1; // minus the stats request itself
    let accepted = after.accepts - before.accepts - 1;
    println!("8 threads x 1000 calls (1% answered 500 and retried twice): {requests} requests over {accepted} connections");
}

fn cold_storm(nginx: &Nginx) {
    println!("\n## 3. cold storm: 256 threads start together on a cold client");
    let tokens_before = nginx.token_requests();
    let client = client(nginx);
    let barrier = Arc::new(Barrier::new(257));
    let threads: Vec<_> = (0..256)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                client.get_status(3000006529).unwrap();
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    for thread in threads {
        thread.join().unwrap();
    }
    let wall = started.elapsed();
    // nginx writes its access log line after answering; give it a moment.
    std::thread::sleep(Duration::from_millis(200));
    println!(
        "all 256 calls done in {wall:?}; token requests: {}",
        nginx.token_requests() - tokens_before
    );
}

fn allocations(nginx: &Nginx) {
    println!("\n## 5. heap allocations per get_status (one thread, warm client)");
    let client = client(nginx);
    client.get_status(3000006529).unwrap();
    let calls = 10_000;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..calls {
        client.get_status(3000006529).unwrap();
    }
    let sdk = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / calls as f64;
    let raw = raw_agent();
    let url = format!("{}/payments/payment/3000006529", nginx.api());
    let get = || {
        let mut response = raw
            .get(&url)
            .header("Authorization", format!("Bearer {TOKEN}"))
            .call()
            .unwrap();
        response.body_mut().read_to_vec().unwrap();
    };
    get();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..calls {
        get();
    }
    let raw = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / calls as f64;
    println!("SDK get_status: {sdk:.1} allocations per call; raw ureq GET + body: {raw:.1}");
}

fn refresh_window() {
    println!(
        "\n## 4. refresh window: calls while a 300 ms token refresh is in flight vs the others"
    );
    // Tokens live 4 s and are replaced 2 s before expiry; the token endpoint takes 300 ms.
    let sim = Simulator::builder()
        .token_lifetime(Duration::from_secs(4))
        .start()
        .unwrap();
    sim.inject(Fault::Delay {
        target: FaultTarget::Token,
        delay: Duration::from_millis(300),
        count: 1000,
    });
    let refreshes: Arc<Mutex<Vec<(Instant, Instant)>>> = Arc::default();
    let log = refreshes.clone();
    let client = Client::builder(sim.config())
        .token_refresh_margin(Duration::from_secs(2))
        .on_event(move |event: &Event| {
            if event.kind == ExchangeKind::Token {
                let end = Instant::now();
                log.lock().unwrap().push((end - event.duration, end));
            }
        })
        .build()
        .unwrap();
    let payment = client
        .create_payment(
            &gopay::PaymentRequest::new(100, gopay::Currency::Czk, "bench")
                .item(gopay::Item::new("x", 100))
                .callback("https://e.example/r", "https://e.example/n"),
        )
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, stop) = (client.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut calls = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    client.get_status(payment.id).unwrap();
                    calls.push((started, started.elapsed()));
                }
                calls
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(12));
    stop.store(true, Ordering::Relaxed);
    let calls: Vec<(Instant, Duration)> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let refreshes = refreshes.lock().unwrap().clone();
    let (mut inside, mut outside): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    for (started, took) in calls {
        let during = refreshes
            .iter()
            .any(|(from, to)| started >= *from && started < *to);
        let ms = took.as_secs_f64() * 1000.0;
        if during {
            inside.push(ms);
        } else {
            outside.push(ms);
        }
    }
    let pct = |values: &mut Vec<f64>, p: f64| {
        values.sort_by(f64::total_cmp);
        values[((values.len() - 1) as f64 * p) as usize]
    };
    println!("| calls | count | p50 ms | p99 ms |");
    println!("|---|---|---|---|");
    let (i50, i99) = (pct(&mut inside, 0.5), pct(&mut inside, 0.99));
    let (o50, o99) = (pct(&mut outside, 0.5), pct(&mut outside, 0.99));
    println!(
        "| during a refresh ({} refreshes) | {} | {i50:.3} | {i99:.3} |",
        refreshes.len(),
        inside.len()
    );
    println!("| outside | {} | {o50:.3} | {o99:.3} |", outside.len());
    println!("p99 during / p99 outside: {:.2}", i99 / o99);
}

/// nginx serving benches/nginx.conf on a free port, stopped on drop.
struct Nginx {
    child: Child,
    prefix: PathBuf,
    port: u16,
}

struct Stats {
    accepts: u64,
    requests: u64,
}

impl Nginx {
    fn start() -> Option<Nginx> {
        let binary = ["nginx", "/usr/sbin/nginx"]
            .into_iter()
            .find(|b| Command::new(b).arg("-v").output().is_ok())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let prefix = std::env::temp_dir().join(format!("gopay-bench-nginx-{}", std::process::id()));
        std::fs::create_dir_all(&prefix).ok()?;
        let template = include_str!("nginx.conf");
        let config = template
            .replace("PREFIX", prefix.to_str()?)
            .replace("PORT", &port.to_string());
        std::fs::write(prefix.join("nginx.conf"), config).ok()?;
        let child = Command::new(binary)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(prefix.join("nginx.conf"))
            .arg("-e")
            .arg(prefix.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Nginx {
            child,
            prefix,
            port,
        })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn api(&self) -> String {
        format!("{}/api", self.url())
    }

    fn stats(&self) -> Stats {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .write_all(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        // "... server accepts handled requests\n A H R \n"
        let numbers: Vec<u64> = text
            .lines()
            .skip_while(|l| !l.contains("accepts"))
            .nth(1)
            .unwrap()
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        Stats {
            accepts: numbers[0],
            requests: numbers[2],
        }
    }

    fn token_requests(&self) -> usize {
        std::fs::read_to_string(self.prefix.join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("/api/oauth2/token"))
            .count()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.prefix);
    }
}
