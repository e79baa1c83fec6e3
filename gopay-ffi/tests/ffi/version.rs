//! The version a C program sees: the `GOPAY_VERSION_*` macros of `include/gopay.h` and the
//! answer of `gopay_version()` both say the crate's version.

use std::ffi::CStr;

use gopay_ffi::gopay_version;

/// The value of `#define <name> <value>` in the header; panics when it is not there exactly
/// once.
fn header_define(header: &str, name: &str) -> String {
    let values: Vec<&str> = header
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next(), words.next()) {
                (Some("#define"), Some(n), Some(value), None) if n == name => Some(value),
                _ => None,
            }
        })
        .collect();
    assert_eq!(values.len(), 1, "{name} is defined {} times", values.len());
    values[0].to_owned()
}

#[test]
fn header_version_macros_are_the_crate_version() {
    let header = include_str!("../../include/gopay.h");
    let macros = [
        header_define(header, "GOPAY_VERSION_MAJOR"),
        header_define(header, "GOPAY_VERSION_MINOR"),
        header_define(header, "GOPAY_VERSION_PATCH"),
    ];
    assert_eq!(macros.join("."), env!("CARGO_PKG_VERSION"));
}

#[test]
fn gopay_version_answers_the_crate_version_as_a_static_string() {
    let first = gopay_version();
    assert!(!first.is_null());
    // SAFETY: gopay_version answers a NUL-terminated string that lives as long as the
    // library.
    let version = unsafe { CStr::from_ptr(first) };
    assert_eq!(version.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    // Static: every call answers the same storage, so nobody has to free it.
    assert_eq!(gopay_version(), first);
}

#[test]
fn header_declares_gopay_version() {
    let header = include_str!("../../include/gopay.h");
    assert!(header.contains("\nconst char *gopay_version(void);\n"));
}
