//! What the simulator's tests share: a shop's notification endpoint, plain HTTP.
#![allow(dead_code)]

pub mod http;
pub mod shop;
