//! The C library's integration tests, one binary: each module is what used to be a test
//! file of its own (the ABI called from Rust, C programs against it, the README's example,
//! the version a C program sees).

mod ffi_abi;
mod ffi_c;
mod readme;
mod version;
