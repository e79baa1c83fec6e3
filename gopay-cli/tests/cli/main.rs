//! The `gopay` command's integration tests, one binary: each module is what used to be a
//! test file of its own. Every test runs the built command against a simulator.

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod operations;
mod safety;
mod terminal;
