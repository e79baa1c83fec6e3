//! What the simulated gateway holds: payments and cards ([`store`]), the ids it hands out,
//! its test clock, the queued faults, [`shared`], the part every server thread and the
//! [`Simulator`](crate::Simulator) handle share, and [`persist`], the state file that keeps
//! it across restarts (written through [`file`], and held by one simulator at a time
//! through its [`lock`]).

pub(crate) mod clock;
pub(crate) mod faults;
pub(crate) mod file;
pub(crate) mod ids;
pub(crate) mod lock;
pub(crate) mod persist;
pub(crate) mod random;
pub(crate) mod shared;
pub(crate) mod store;
