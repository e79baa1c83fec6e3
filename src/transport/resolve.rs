//! A name resolver that remembers answers for a minute.
//!
//! ureq resolves the gateway's host name before every request, pooled connection or not,
//! and with a resolve timeout set it does so on a new thread each time: that cost about 3/4
//! of the client's throughput with 8 threads. Caching the answer keeps every call bounded
//! (the timeout applies to every real lookup) without paying for a lookup per call. A failed
//! lookup is marked as a failure before sending (see [`super::failure`]).

use std::fmt;
use std::time::{Duration, Instant};

use parking_lot::RwLock;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use super::failure::not_sent;

/// How long an answer is reused. Short enough to follow a gateway moving to new addresses.
const TTL: Duration = Duration::from_secs(60);

#[derive(Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    /// `(scheme, authority)` → when resolved, the addresses. A client talks to one host.
    answers: RwLock<Vec<(String, String, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return self.inner.resolve(uri, config, timeout).map_err(not_sent);
        };
        let authority = authority.as_str();
        let cached = self.answers.read().iter().find_map(|(s, a, at, addrs)| {
            (s == scheme && a == authority && at.elapsed() < TTL).then(|| addrs.clone())
        });
        if let Some(addrs) = cached {
            return Ok(addrs);
        }
        // No lock is held while resolving: a slow lookup must not stall other calls.
        let addrs = self.inner.resolve(uri, config, timeout).map_err(not_sent)?;
        let mut answers = self.answers.write();
        answers.retain(|(s, a, _, _)| !(s == scheme && a == authority));
        answers.push((
            scheme.to_owned(),
            authority.to_owned(),
            Instant::now(),
            addrs.clone(),
        ));
        Ok(addrs)
    }
}

impl fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingResolver")
            .field("hosts", &self.answers.read().len())
            .finish()
    }
}
