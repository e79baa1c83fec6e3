//! What the simulator's tests share: a shop's notification endpoint, raw HTTP to the
//! gateway with a token, plain HTTP with any headers, a headless browser, the binary as a
//! child process, and scratch directories.
#![allow(dead_code)]

#[cfg(unix)]
pub mod binary;
pub mod browser;
pub mod gateway;
pub mod http;
pub mod scratch;
pub mod shop;
pub mod v4;
