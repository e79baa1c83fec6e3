//! What the simulator's tests share: a shop's notification endpoint and raw HTTP to the
//! gateway.
#![allow(dead_code)]

pub mod gateway;
pub mod shop;
