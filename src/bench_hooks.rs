//! Internals exposed for the crate's own benchmarks (`benches/`). Not part of the API: it
//! may change in any release.

use std::time::{Duration, Instant};

use crate::{Client, Error};

/// Takes a token the way every call does (given the instant the call started), failing
/// instead of fetching one: measures the hit path of the token manager (a token fresh in
/// memory or, the first time, in the cache).
pub fn token_hit(client: &Client, call_started: Instant) -> Result<(), Error> {
    let deadline = call_started + Duration::from_secs(1);
    client
        .tokens()
        .token(call_started, deadline, &|_| {
            Err(Error::config(
                "the token hit benchmark needs a cached token",
            ))
        })
        .map(drop)
}
