//! Gives the shared library the name its users link to at run time: `libgopay_ffi.so.<major>`
//! on Linux (the ELF SONAME), `@rpath/libgopay_ffi.<major>.dylib` on macOS (the install
//! name), so that an installed `libgopay_ffi.so.0.1.0` is found through its `.so.0` link and
//! a later incompatible library can be installed beside it.

fn main() {
    // The SONAME follows the crate's major version: the C ABI only grows within one major
    // version (an incompatible change to include/gopay.h needs a new major version).
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    // The target, not the host: cross builds name the library for where it runs.
    match std::env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux") => println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libgopay_ffi.so.{major}"),
        Ok("macos") => println!(
            "cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libgopay_ffi.{major}.dylib"
        ),
        _ => {}
    }
    println!("cargo:rerun-if-changed=build.rs");
}
