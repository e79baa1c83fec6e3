//! The client's integration tests, one binary: each module is what used to be a test file of
//! its own. Tests that change the process itself (environment variables, the global logger)
//! stay in binaries of their own next to this directory.

#[path = "../support/mod.rs"]
mod support;

mod deadline;
mod decode_responses;
mod events;
mod fault_matrix;
mod file_cache_hostile;
mod fleet_file_cache;
mod fleet_redis;
mod memcached;
mod network;
mod private_ca;
mod redis_hostile;
mod redis_managed;
mod token_failures;
mod token_single_flight;
mod v4_exchange;
mod v4_wire;
mod wire_core;
mod wire_operations;
mod wire_payment_variants;

/// The child process of every fleet test (see `support::fleet`), started by them.
#[test]
#[ignore = "a child process of the fleet tests, started by them"]
fn fleet_child() {
    support::fleet::child_main(support::fleet::described_cache);
}
