//! Idle connections kept for reuse, per node of the cache (one node, or the nodes of a
//! Redis Cluster), shared by clones of a cache. No lock is held while a connection is used.

use std::collections::HashMap;

use parking_lot::Mutex;

use super::Node;

/// Idle connections kept per node; more may be open at once, but are closed after use.
const MAX_IDLE_PER_NODE: usize = 8;

/// Nodes whose idle connections are kept: a cluster larger than this (or a server naming
/// ever new nodes) still works, with connections to the extra nodes closed after use.
const MAX_NODES: usize = 16;

/// Idle connections of type `C`, by node.
pub(crate) struct Pool<C> {
    idle: Mutex<HashMap<Node, Vec<C>>>,
}

impl<C> Pool<C> {
    pub(crate) fn new() -> Pool<C> {
        Pool {
            idle: Mutex::new(HashMap::new()),
        }
    }

    /// An idle connection to `node` for which `usable` holds; the others are closed.
    pub(crate) fn take(&self, node: &Node, mut usable: impl FnMut(&mut C) -> bool) -> Option<C> {
        loop {
            let mut connection = self.idle.lock().get_mut(node)?.pop()?;
            if usable(&mut connection) {
                return Some(connection);
            }
        }
    }

    /// Keeps `connection` for reuse, unless `node` already has enough idle ones.
    pub(crate) fn put_back(&self, node: &Node, connection: C) {
        let mut idle = self.idle.lock();
        if let Some(list) = idle.get_mut(node) {
            if list.len() < MAX_IDLE_PER_NODE {
                list.push(connection);
            }
        } else if idle.len() < MAX_NODES {
            idle.insert(node.clone(), vec![connection]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::remote::Host;

    fn node(port: u16) -> Node {
        Node {
            host: Host::Name("n".into()),
            port,
        }
    }

    #[test]
    fn keeps_a_bounded_number_per_node_and_of_nodes() {
        let pool = Pool::new();
        for n in 0..20 {
            pool.put_back(&node(1), n);
        }
        let mut taken = 0;
        while pool.take(&node(1), |_| true).is_some() {
            taken += 1;
        }
        assert_eq!(taken, MAX_IDLE_PER_NODE);
        for port in 0..40 {
            pool.put_back(&node(port), 0);
        }
        assert_eq!(pool.idle.lock().len(), MAX_NODES);
    }

    #[test]
    fn unusable_connections_are_dropped() {
        let pool = Pool::new();
        pool.put_back(&node(1), 1);
        pool.put_back(&node(1), 2);
        assert_eq!(pool.take(&node(1), |c| *c == 1), Some(1));
        assert_eq!(pool.take(&node(1), |_| true), None);
        assert_eq!(pool.take(&node(2), |_| true), None);
    }
}
