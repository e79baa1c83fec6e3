//! The `gopay-simulator` binary as a child process: started with flags and environment
//! variables (none inherited), its stdout read line by line, stopped with SIGTERM, and
//! runs that must fail at start with their exit status and stderr.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// How long any line or the exit may take; generous for a loaded CI machine.
pub const BOUND: Duration = Duration::from_secs(20);

/// The binary, without arguments yet.
pub fn command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gopay-simulator"))
}

/// A running binary and its stdout, line by line.
pub struct Running {
    pub child: Child,
    lines: Receiver<String>,
    pub first: String,
}

impl Running {
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut command = command();
        command.args(args);
        Running::spawn(command, env)
    }

    /// The binary with its open-file limit lowered to `files`, as on a machine whose limit
    /// is low.
    pub fn start_with_open_files(files: u32, args: &[&str]) -> Running {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_gopay-simulator"))
            .args(args);
        Running::spawn(command, &[])
    }

    /// Starts `command` with only `env` of the `GOPAY_SIMULATOR_*` variables; waits for the
    /// first line.
    pub fn spawn(mut command: Command, env: &[(&str, &str)]) -> Running {
        command.stdout(Stdio::piped()).stderr(Stdio::inherit());
        isolate(&mut command, env);
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        let first = lines.recv_timeout(BOUND).expect("no first line");
        Running {
            child,
            lines,
            first,
        }
    }

    /// The gateway URL the first line names.
    pub fn gateway_url(&self) -> &str {
        self.first
            .strip_prefix("gopay-simulator listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {:?}", self.first))
    }

    /// The origin of the gateway URL (where `/_simulator/` lives).
    pub fn origin(&self) -> &str {
        self.gateway_url().trim_end_matches("/api")
    }

    pub fn next_line(&self) -> String {
        self.lines.recv_timeout(BOUND).expect("no log line")
    }

    /// Every line not read yet, up to the end of the output: call it once the process
    /// has exited.
    pub fn remaining_lines(&self) -> Vec<String> {
        self.lines.iter().collect()
    }

    /// Sends SIGTERM and waits for the exit; after [`BOUND`] a watchdog kills the process,
    /// which then has no exit code.
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        wait_bounded(&mut self.child)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A failed test must not leave the server running (no-op once it exited).
        let _ = self.child.kill();
    }
}

/// A running binary whose stdout is read up to its first line and then never again, as
/// when a shop starts it with a pipe it forgets to read: the pipe stays open and fills up.
pub struct Unread {
    pub child: Child,
    /// Kept open, unread.
    _stdout: std::process::ChildStdout,
    pub first: String,
}

impl Unread {
    pub fn start(args: &[&str]) -> Unread {
        let mut command = command();
        command
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        isolate(&mut command, &[]);
        let mut child = command.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        // Byte by byte: nothing after the first line may be read.
        let mut first = Vec::new();
        let mut byte = [0u8; 1];
        while stdout.read_exact(&mut byte).is_ok() && byte[0] != b'\n' {
            first.push(byte[0]);
        }
        Unread {
            child,
            _stdout: stdout,
            first: String::from_utf8(first).unwrap(),
        }
    }

    /// Sends SIGTERM and waits for the exit, at most [`BOUND`] (then the process is killed
    /// and has no exit code).
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        wait_bounded(&mut self.child)
    }
}

impl Drop for Unread {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A `payment-all` token fetched by hand (to check a log never shows it, or to use it
/// across a restart).
pub fn fetch_token(gateway_url: &str, id: &str, secret: &str) -> String {
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let agent = ureq::Agent::config_builder()
        .proxy(None)
        .build()
        .new_agent();
    let body = agent
        .post(format!("{gateway_url}/oauth2/token"))
        .header("Authorization", format!("Basic {basic}"))
        .content_type("application/x-www-form-urlencoded")
        .send("grant_type=client_credentials&scope=payment-all")
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["access_token"].as_str().unwrap().to_owned()
}

/// Runs `command`, which must stop by itself (a start that fails); its exit status,
/// stdout and stderr. A process still running after [`BOUND`] is killed.
pub fn run_to_exit(mut command: Command, env: &[(&str, &str)]) -> (ExitStatus, String, String) {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    isolate(&mut command, env);
    let mut child = command.spawn().unwrap();
    let stdout = read_all(child.stdout.take().unwrap());
    let stderr = read_all(child.stderr.take().unwrap());
    let status = wait_bounded(&mut child);
    (status, stdout.join().unwrap(), stderr.join().unwrap())
}

/// Reads `pipe` to its end on a thread of its own.
fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Starts the binary with `--port 0 --{file} PATH`, which must fail at start: exit status
/// 1, nothing on stdout (it never listened) and one line on stderr naming the file; that
/// line after `gopay-simulator: {file} file "PATH": `.
pub fn refused_start(file: &str, path: &Path) -> String {
    let mut binary = command();
    binary.args(["--port", "0", &format!("--{file}"), path.to_str().unwrap()]);
    let (status, stdout, stderr) = run_to_exit(binary, &[]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "it never listened: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let prefix = format!("gopay-simulator: {file} file {path:?}: ");
    assert!(stderr.starts_with(&prefix), "{stderr}");
    stderr[prefix.len()..].trim_end().to_owned()
}

/// Leaves the child only `env` of the `GOPAY_SIMULATOR_*` variables.
fn isolate(command: &mut Command, env: &[(&str, &str)]) {
    for (name, _) in std::env::vars() {
        if name.starts_with("GOPAY_SIMULATOR_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
}

/// Waits for `child` to exit; after [`BOUND`] a watchdog kills it.
fn wait_bounded(child: &mut Child) -> ExitStatus {
    let pid = child.id().to_string();
    let (exited, watched) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if watched.recv_timeout(BOUND) == Err(mpsc::RecvTimeoutError::Timeout) {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        }
    });
    let status = child.wait().unwrap();
    drop(exited);
    watchdog.join().unwrap();
    status
}
