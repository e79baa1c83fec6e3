//! The state every HTTP worker and the [`Simulator`](crate::Simulator) handle share; each part
//! behind its own mutex, none held across I/O.

use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use tokio::runtime::RuntimeFlavor;

use crate::control::host::OwnHosts;
use crate::control::origin::OwnOrigins;
use crate::control::seed::Seed;
use crate::gateway::api::firewall::Firewall;
use crate::gateway::auth::Tokens;
use crate::gateway::create::Context;
use crate::gateway::notify::Notifier;
use crate::gateway::v4::notices::V4Notifications;
use crate::gateway::v4::state::V4State;
use crate::page::PageTokens;
use crate::server::record::Log;
use crate::state::faults::Faults;
use crate::state::random::Random;
use crate::state::store::Store;

/// Fixed settings of one simulator.
pub(crate) struct Settings {
    pub(crate) goid: u64,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// Whole seconds, at least one.
    pub(crate) token_lifetime: Duration,
    /// The public origin without a trailing `/`, by default `http://127.0.0.1:PORT`.
    pub(crate) origin: String,
    /// Hosts notifications may be sent to besides loopback ones.
    pub(crate) notify_hosts: Vec<String>,
    /// The browser origins allowed to change state through the control API.
    pub(crate) own_origins: OwnOrigins,
    /// The `Host` names the control API and the dashboard answer for.
    pub(crate) own_hosts: OwnHosts,
    /// Whether `\u`-escaped non-ASCII JSON is refused as GoPay's firewall does.
    pub(crate) firewall: Firewall,
    /// The seed file's payments and cards, stored again at every reset.
    pub(crate) seed: Option<Seed>,
    /// Where the state is saved, if anywhere.
    pub(crate) state_file: Option<PathBuf>,
    /// API v4: how long after payment a partial refund is still refused.
    pub(crate) v4_acquirer_delay: Duration,
    /// API v4: how the shops of v4 payments are notified.
    pub(crate) v4_notifications: V4Notifications,
}

pub(crate) struct Shared {
    pub(crate) settings: Settings,
    pub(crate) store: Mutex<Store>,
    pub(crate) tokens: Mutex<Tokens>,
    /// Everything of API v4: tokens, payments, refunds, card tokens. Taken after `store`
    /// is released (the test clock is read first), or after `tokens` and `store` when a
    /// save or a reset needs all three at one moment: never lock those while holding it.
    /// Code that may change payments takes it through
    /// [`notices::lock`](crate::gateway::v4::notices::lock), which notifies the changes.
    pub(crate) v4: Mutex<V4State>,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) log: Mutex<Log>,
    /// The one-time tokens of the customer page's forms.
    pub(crate) page_tokens: Mutex<PageTokens>,
    pub(crate) token_requests: AtomicUsize,
    pub(crate) random: Random,
    pub(crate) notifier: Notifier,
    /// Held by a save from its snapshot to its rename, so that saves land in the order
    /// they were taken.
    pub(crate) saving: Mutex<()>,
    stopping: Mutex<bool>,
    stop_signal: Condvar,
}

impl Shared {
    pub(crate) fn new(settings: Settings, notifier: Notifier) -> Shared {
        Shared {
            settings,
            store: Mutex::new(Store::new()),
            tokens: Mutex::new(Tokens::default()),
            v4: Mutex::new(V4State::default()),
            faults: Mutex::new(Faults::default()),
            log: Mutex::new(Log::default()),
            page_tokens: Mutex::new(PageTokens::default()),
            token_requests: AtomicUsize::new(0),
            random: Random::new(),
            notifier,
            saving: Mutex::new(()),
            stopping: Mutex::new(false),
            stop_signal: Condvar::new(),
        }
    }

    /// What creating a payment needs.
    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            origin: &self.settings.origin,
            random: &self.random,
        }
    }

    /// Sleeps `delay`, or less when the simulator stops meanwhile. On the server's runtime
    /// the thread first hands its other connections to another thread, so that only this
    /// request waits.
    pub(crate) fn pause(&self, delay: Duration) {
        off_the_workers(|| self.sleep(delay));
    }

    fn sleep(&self, delay: Duration) {
        let deadline = Instant::now().checked_add(delay);
        let mut stopping = self.stopping.lock();
        while !*stopping {
            match deadline {
                Some(deadline) => {
                    if self
                        .stop_signal
                        .wait_until(&mut stopping, deadline)
                        .timed_out()
                    {
                        return;
                    }
                }
                None => self.stop_signal.wait(&mut stopping),
            }
        }
    }

    /// Marks the simulator as stopping and cuts every pause short.
    pub(crate) fn stop(&self) {
        *self.stopping.lock() = true;
        self.stop_signal.notify_all();
    }
}

/// Runs `wait`, which blocks: on the server's runtime, the thread first hands its other
/// connections to another thread, so that only the request that waits waits.
pub(crate) fn off_the_workers<T>(wait: impl FnOnce() -> T) -> T {
    let on_workers = tokio::runtime::Handle::try_current()
        .is_ok_and(|runtime| runtime.runtime_flavor() == RuntimeFlavor::MultiThread);
    if on_workers {
        tokio::task::block_in_place(wait)
    } else {
        wait()
    }
}
