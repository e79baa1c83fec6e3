//! The C ABI from C: compiles `tests/c/ffi_test.c` with `cc` against `include/gopay.h` and
//! the shared library cargo built for this test run, and runs it against a simulator started
//! here, playing the customer when the C program asks (`pay <id>` on its stdout, `ok` on its
//! stdin).
//!
//! Needs a C compiler (`cc`, or the one in `$CC`) and fails, never skips, without one. Set
//! `GOPAY_FFI_TEST_EXE` to run a C test program built beforehand (`tests/c/run.sh` does,
//! against the release library) instead of building the program here.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gopay_simulator::Simulator;

/// `target/<profile>/deps/`, where this test binary lives and where cargo put the library
/// it built for the test run (the library's crate types include `cdylib`).
fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .expect("the test binary lives in target/<profile>/deps")
        .to_path_buf()
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

/// Builds the C test program against the `libgopay_ffi` cargo built beside this test;
/// returns the program's path.
fn build_c_test() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = deps_dir();
    assert!(
        lib_dir.join("libgopay_ffi.so").exists() || lib_dir.join("libgopay_ffi.dylib").exists(),
        "no libgopay_ffi in {}",
        lib_dir.display()
    );
    let exe = lib_dir.join("ffi_test");
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let mut rpath = std::ffi::OsString::from("-Wl,-rpath,");
    rpath.push(&lib_dir);
    run(Command::new(&cc)
        .args(["-std=c11", "-D_POSIX_C_SOURCE=200809L"])
        .args(["-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("tests/c/ffi_test.c"))
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(&lib_dir)
        .arg(rpath)
        .args(["-lgopay_ffi", "-pthread"]));
    exe
}

#[test]
fn c_program_creates_pays_and_refunds_through_the_c_abi() {
    let exe = match std::env::var_os("GOPAY_FFI_TEST_EXE") {
        Some(exe) => PathBuf::from(exe),
        None => build_c_test(),
    };
    let sim = Simulator::start().expect("start the simulator");
    let mut child = Command::new(&exe)
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
    let mut paid = Vec::new();
    for line in from_child.lines() {
        let line = line.expect("read the C program's requests");
        let answer = match line.strip_prefix("pay ").map(str::parse::<u64>) {
            Some(Ok(id)) => match sim.pay(id) {
                Ok(()) => {
                    paid.push(id);
                    "ok".to_owned()
                }
                Err(e) => format!("error {e}"),
            },
            _ => format!("error unknown request {line:?}"),
        };
        writeln!(to_child, "{answer}").expect("answer the C program");
    }
    drop(to_child);
    let output = child.wait_with_output().expect("wait for the C program");
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stderr}");
    assert!(output.status.success(), "the C test failed:\n{stderr}");
    assert!(stderr.contains(" 0 failed"), "{stderr}");
    assert_eq!(paid.len(), 1, "the C program asks for one payment");
    assert!(
        !stderr.contains(sim.client_secret()),
        "the client secret appeared in the C program's output"
    );
    // create, status, refused refund, status, 80 threaded statuses, refund, history, and
    // the impostor's token request: one token for the real client.
    assert!(sim.token_requests() >= 1);
}
