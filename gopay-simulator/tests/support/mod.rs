//! What the simulator's tests share: a shop's notification endpoint, raw HTTP to the
//! gateway with a token, plain HTTP with any headers, and a headless browser.
#![allow(dead_code)]

pub mod browser;
pub mod gateway;
pub mod http;
pub mod shop;
