//! Nested cargo builds from tests (the CLI example, the C ABI library).

use std::process::Command;

/// `cargo` for a nested build, without the variables cargo set for this test: build
/// scripts that watch them (ring's) would otherwise see a change and rebuild every time.
pub fn nested_cargo() -> Command {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_this_test = name.starts_with("CARGO_PKG_")
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
            ]
            .contains(&name.as_ref());
        if set_for_this_test {
            cargo.env_remove(name.as_ref());
        }
    }
    cargo.current_dir(env!("CARGO_MANIFEST_DIR"));
    cargo
}
