//! What the simulator's tests share: a shop's notification endpoint, raw HTTP to the
//! gateway with a token, plain HTTP with any headers, a headless browser and a site of its
//! own to serve pages from, the binary as a child process, and scratch directories.
#![allow(dead_code)]

#[cfg(unix)]
pub mod binary;
pub mod browser;
pub mod gateway;
pub mod http;
pub mod scratch;
pub mod shop;
pub mod site;
pub mod v4;
