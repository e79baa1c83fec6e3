//! What the simulator's tests share: a shop's notification endpoint, raw HTTP to the
//! gateway with a token, and plain HTTP with any headers.
#![allow(dead_code)]

pub mod gateway;
pub mod http;
pub mod shop;
