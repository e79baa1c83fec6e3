//! What the simulator's tests share: a shop's notification endpoint.
#![allow(dead_code)]

pub mod shop;
