//! The C ABI from C: compiles `tests/c/ffi_test.c` and `tests/c/example.c` with `cc`
//! against `include/gopay.h` and the shared library cargo built for this test run, and runs
//! them against a simulator started here, playing the customer when a program asks (`pay
//! <id>` on its stdout, `ok` on its stdin).
//!
//! The programs load the library by its SONAME (`libgopay_ffi.so.<major>`; the install
//! name `libgopay_ffi.<major>.dylib` on macOS) from a directory holding nothing else, so a
//! library built without that name fails to load here.
//!
//! Needs a C compiler (`cc`, or the one in `$CC`) and fails, never skips, without one. Set
//! `GOPAY_FFI_TEST_EXE` and `GOPAY_FFI_EXAMPLE_EXE` to run programs built beforehand
//! (`tests/c/run.sh` does, against the installed release libraries, shared and static)
//! instead of building them here.

// Compiled with a Unix C toolchain (rpath, pthreads).
#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use gopay_simulator::Simulator;
use serde_json::Value;

/// `target/<profile>/deps/`, where this test binary lives and where cargo put the library
/// it built for the test run (the library's crate types include `cdylib`).
fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .expect("the test binary lives in target/<profile>/deps")
        .to_path_buf()
}

/// This test's directory under the target's scratch directory.
fn scratch_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("gopay-ffi-c")
}

/// The file name programs linked to the shared library look for at run time.
fn soname() -> String {
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    if cfg!(target_os = "macos") {
        format!("libgopay_ffi.{major}.dylib")
    } else {
        format!("libgopay_ffi.so.{major}")
    }
}

/// A directory holding only the SONAME link to the library in [`deps_dir`]: the rpath of
/// the programs built here, as `lib/` is after an install.
fn soname_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let built = ["libgopay_ffi.so", "libgopay_ffi.dylib"]
            .map(|name| deps_dir().join(name))
            .into_iter()
            .find(|path| path.exists())
            .unwrap_or_else(|| panic!("no libgopay_ffi in {}", deps_dir().display()));
        let dir = scratch_dir().join("lib");
        std::fs::create_dir_all(&dir).expect("create the library directory");
        let link = dir.join(soname());
        // A link left by an earlier run points to the same place; replace it all the same.
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&built, &link).expect("link the SONAME to the library");
        dir
    })
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("could not run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Builds `tests/c/<source>` against the `libgopay_ffi` cargo built beside this test;
/// returns the program's path.
fn build_c_program(source: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = scratch_dir().join(source.trim_end_matches(".c"));
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let mut rpath = std::ffi::OsString::from("-Wl,-rpath,");
    rpath.push(soname_dir());
    run(Command::new(&cc)
        .args(["-std=c11", "-D_POSIX_C_SOURCE=200809L"])
        .args(["-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("tests/c").join(source))
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(deps_dir())
        .arg(rpath)
        .args(["-lgopay_ffi", "-pthread"]));
    exe
}

/// The program in the environment variable `variable`, or `tests/c/<source>` built here.
fn c_program(variable: &str, source: &str) -> PathBuf {
    match std::env::var_os(variable) {
        Some(exe) => PathBuf::from(exe),
        None => build_c_program(source),
    }
}

/// What a C program did against the simulator.
struct Finished {
    success: bool,
    /// Its stdout lines, but for its `pay <id>` requests.
    stdout: Vec<String>,
    stderr: String,
    /// The payments it asked the customer to pay, paid.
    paid: Vec<u64>,
}

/// Runs `exe` with the simulator's credentials in its environment, paying the payments it
/// asks for, until it exits.
fn run_against(sim: &Simulator, exe: &Path) -> Finished {
    let mut child = Command::new(exe)
        // cargo points these at target/<profile>/deps for its tests; the program must find
        // the library through its own rpath, by its SONAME, as after an install.
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("DYLD_LIBRARY_PATH")
        .env_remove("DYLD_FALLBACK_LIBRARY_PATH")
        .env("GOPAY_GOID", sim.goid().to_string())
        .env("GOPAY_CLIENT_ID", sim.client_id())
        .env("GOPAY_CLIENT_SECRET", sim.client_secret())
        .env("GOPAY_GATEWAY_URL", sim.gateway_url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", exe.display()));
    let mut to_child = child.stdin.take().expect("piped stdin");
    let from_child = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut stdout = Vec::new();
    let mut paid = Vec::new();
    for line in from_child.lines() {
        let line = line.expect("read the C program's output");
        let Some(request) = line.strip_prefix("pay ") else {
            stdout.push(line);
            continue;
        };
        let answer = match request.parse::<u64>() {
            Ok(id) => match sim.pay(id) {
                Ok(()) => {
                    paid.push(id);
                    "ok".to_owned()
                }
                Err(e) => format!("error {e}"),
            },
            Err(e) => format!("error {request:?} is not a payment id: {e}"),
        };
        writeln!(to_child, "{answer}").expect("answer the C program");
    }
    drop(to_child);
    let output = child.wait_with_output().expect("wait for the C program");
    Finished {
        success: output.status.success(),
        stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        paid,
    }
}

#[test]
fn c_program_creates_pays_and_refunds_through_the_c_abi() {
    let exe = c_program("GOPAY_FFI_TEST_EXE", "ffi_test.c");
    let sim = Simulator::start().expect("start the simulator");
    let run = run_against(&sim, &exe);
    let stderr = &run.stderr;
    eprintln!("{stderr}");
    assert!(run.success, "the C test failed:\n{stderr}");
    assert!(stderr.contains(" 0 failed"), "{stderr}");
    assert!(run.stdout.is_empty(), "unexpected output: {:?}", run.stdout);
    assert_eq!(run.paid.len(), 1, "the C program asks for one payment");
    assert!(
        !stderr.contains(sim.client_secret()),
        "the client secret appeared in the C program's output"
    );
    // The version the loaded library reports, checked against the header by the program.
    let version = format!("libgopay_ffi {}, header {0}", env!("CARGO_PKG_VERSION"));
    assert!(stderr.contains(&version), "{stderr}");
    // create, status, refused refund, status, 80 threaded statuses, refund, history, and
    // the impostor's token request: one token for the real client.
    assert!(sim.token_requests() >= 1);
}

#[test]
fn readme_example_creates_a_payment_with_credentials_from_its_environment() {
    let exe = c_program("GOPAY_FFI_EXAMPLE_EXE", "example.c");
    let sim = Simulator::start().expect("start the simulator");
    let run = run_against(&sim, &exe);
    assert!(run.success, "the example failed:\n{}", run.stderr);
    assert!(run.paid.is_empty());
    let [version, answer] = run.stdout.as_slice() else {
        panic!("the example prints two lines: {:?}", run.stdout);
    };
    assert_eq!(
        *version,
        format!("libgopay_ffi {}", env!("CARGO_PKG_VERSION"))
    );
    let answer: Value = serde_json::from_str(answer).expect("the answer is JSON");
    assert_eq!(answer["state"], "CREATED", "{answer}");
    assert!(answer["gw_url"]
        .as_str()
        .is_some_and(|url| url.starts_with("http")));
    let id = answer["id"].as_u64().expect("the payment's id");
    let created = sim.payment(id).expect("the simulator holds the payment");
    assert_eq!(created.amount, Some(10_000));
    assert_eq!(created.order_number.as_deref(), Some("42"));
}
