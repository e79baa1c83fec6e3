//! What the tests of the `gopay` command share: running the binary against a simulator
//! with a private token cache, and reading what it printed.

// Each test file uses its own part of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use gopay_simulator::Simulator;
use serde_json::Value;

/// The `gopay` binary of this package, built by cargo for its integration tests.
pub fn gopay_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gopay"))
}

/// A private directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "gopay-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run printed.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }

    /// A failure: the exit code, nothing on stdout, one line on stderr.
    pub fn failed_with(&self, code: i32) -> &str {
        assert_eq!(
            self.code,
            Some(code),
            "stdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        assert!(self.stdout.is_empty(), "{}", self.stdout);
        let line = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(
            !line.is_empty() && !line.contains('\n'),
            "one line: {:?}",
            self.stderr
        );
        line
    }
}

/// The command line with the simulator's credentials and a private token cache.
pub fn gopay(sim: &Simulator, cache: &TempDir) -> Command {
    let mut command = bare_gopay(cache);
    command
        .env("GOPAY_GOID", sim.goid().to_string())
        .env("GOPAY_CLIENT_ID", sim.client_id())
        .env("GOPAY_CLIENT_SECRET", sim.client_secret())
        .env("GOPAY_GATEWAY_URL", sim.gateway_url())
        .env("GOPAY_CACHE_DIR", &cache.0);
    command
}

/// The command line with no GoPay settings at all, and a home that is `home`.
pub fn bare_gopay(home: &TempDir) -> Command {
    let mut command = Command::new(gopay_binary());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("GOPAY_") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", &home.0)
        .env("XDG_CACHE_HOME", home.0.join("cache"));
    command
}

/// Runs `command` with `args`: what it printed, which must not hold the secret.
pub fn run(command: &mut Command, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.args(args).output().expect("run the gopay command");
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(stderr).expect("UTF-8 output"),
    };
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains(gopay_simulator::CLIENT_SECRET),
            "the secret leaked: {text}"
        );
    }
    run
}

/// Creates a payment of 100.00 CZK for `order` and returns its id.
pub fn create(sim: &Simulator, cache: &TempDir, order: &str) -> u64 {
    let payment = run(
        &mut gopay(sim, cache),
        &[
            "create",
            "--amount",
            "10000",
            "--currency",
            "CZK",
            "--order",
            order,
        ],
    )
    .json();
    payment["id"].as_u64().expect("an id")
}

/// Creates a payment of 100.00 CZK for `order` with the `extra` options of `create` and
/// returns it as printed.
pub fn create_with(sim: &Simulator, cache: &TempDir, order: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "create",
        "--amount",
        "10000",
        "--currency",
        "CZK",
        "--order",
        order,
    ];
    args.extend_from_slice(extra);
    run(&mut gopay(sim, cache), &args).json()
}

/// Runs `command` with `args` and returns its output as bytes (for files on stdout).
pub fn run_bytes(command: &mut Command, args: &[&str]) -> Output {
    command.args(args).output().expect("run the gopay command")
}

/// Runs `command` with `args` on a pseudo-terminal, as a person at a terminal would, and
/// types `typed`: util-linux `script` gives it a terminal for stdin, stdout and stderr.
/// `stdout` is everything the terminal showed (the typing echoed, then stdout and stderr
/// together, with the terminal's `\r\n` line ends); `stderr` is `script`'s own.
pub fn on_a_terminal(command: &Command, args: &[&str], typed: &str) -> Run {
    let quote = |word: &str| format!("'{}'", word.replace('\'', r"'\''"));
    let words: Vec<String> = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|word| quote(word.to_str().expect("UTF-8 arguments")))
        .chain(args.iter().map(|word| quote(word)))
        .collect();
    let mut script = Command::new("script");
    // -q: no banner, -e: the command's exit code, -c: the command; no typescript file.
    script.args(["-qec", &words.join(" "), "/dev/null"]);
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => script.env(name, value),
            None => script.env_remove(name),
        };
    }
    let mut child = script
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run script (util-linux) for a pseudo-terminal");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), typed.as_bytes())
        .expect("type on the terminal");
    let output = child.wait_with_output().expect("wait for script");
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(gopay_simulator::CLIENT_SECRET),
        "the secret leaked: {}",
        run.stdout
    );
    run
}

/// Characters a terminal would act on: what nothing the command prints may hold raw.
/// Line feeds are its own line ends (a terminal shows them as `\r\n`).
pub fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}
