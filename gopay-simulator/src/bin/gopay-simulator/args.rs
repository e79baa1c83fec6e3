//! The binary's flags, each also an environment variable `GOPAY_SIMULATOR_<FLAG>`.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use clap::ValueEnum;
use gopay_simulator::{
    Firewall, Simulator, SimulatorBuilder, V4Notifications, CLIENT_ID, CLIENT_SECRET, DEFAULT_GOID,
    MAX_NOTIFICATIONS,
};

use crate::log::LogFormat;

/// The port the binary listens on unless `--port` says otherwise.
pub const DEFAULT_PORT: u16 = 8899;

/// A stateful offline GoPay gateway (REST API v3, and API v4 as a preview) for the tests of
/// shops in any language.
///
/// Every flag can also be given as an environment variable GOPAY_SIMULATOR_<FLAG> (e.g.
/// GOPAY_SIMULATOR_CLIENT_SECRET); a flag wins over its variable. SIGINT or SIGTERM stop it.
#[derive(Debug, Parser)]
#[command(name = "gopay-simulator", version)]
pub struct Args {
    /// The address to listen on; 0.0.0.0 for every interface (e.g. in a container).
    #[arg(long, env = "GOPAY_SIMULATOR_BIND", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,

    /// The port to listen on; 0 for a free one (the first line of output names it).
    #[arg(long, env = "GOPAY_SIMULATOR_PORT", default_value_t = DEFAULT_PORT)]
    pub port: u16,

    /// The origin browsers and clients reach the simulator at, e.g. http://sim.test:8899:
    /// what the first line, gw_url and embed.js name. Defaults to http://BIND:PORT.
    #[arg(long, env = "GOPAY_SIMULATOR_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Dotted host names the control API and the dashboard (/_simulator/) answer for, when
    /// the simulator is reached by them (e.g. sim.ci.internal), comma-separated or with the
    /// flag repeated. IP addresses, localhost, *.localhost,
    /// names without a dot (docker-compose services) and the --public-url host are always
    /// answered; any other Host is refused with 403, so that a web page re-pointing its
    /// domain at the simulator (DNS rebinding) cannot read it.
    #[arg(
        long = "allowed-hosts",
        env = "GOPAY_SIMULATOR_ALLOWED_HOSTS",
        value_name = "NAME[,NAME…]",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,

    /// The simulated e-shop's GoID.
    #[arg(long, env = "GOPAY_SIMULATOR_GOID", value_name = "N", default_value_t = DEFAULT_GOID)]
    pub goid: u64,

    /// The OAuth2 client id the token endpoint accepts.
    #[arg(long, env = "GOPAY_SIMULATOR_CLIENT_ID", value_name = "S", default_value = CLIENT_ID)]
    pub client_id: String,

    /// The OAuth2 client secret the token endpoint accepts.
    #[arg(
        long,
        env = "GOPAY_SIMULATOR_CLIENT_SECRET",
        value_name = "S",
        default_value = CLIENT_SECRET,
        hide_env_values = true
    )]
    pub client_secret: String,

    /// Lifetime of the access tokens.
    #[arg(
        long,
        env = "GOPAY_SIMULATOR_TOKEN_LIFETIME",
        value_name = "SECONDS",
        default_value_t = 1800
    )]
    pub token_lifetime: u64,

    /// Hosts notifications may be sent to besides loopback ones.
    #[arg(
        long,
        env = "GOPAY_SIMULATOR_NOTIFY_HOSTS",
        value_name = "HOST[,HOST…]",
        value_delimiter = ','
    )]
    pub notify_hosts: Vec<String>,

    /// How many notifications are kept (at least 1): past it the oldest finished one is
    /// dropped first, and GET /_simulator/notifications counts the dropped ones in its
    /// X-Simulator-Notifications-Dropped header.
    #[arg(
        long,
        env = "GOPAY_SIMULATOR_MAX_NOTIFICATIONS",
        value_name = "N",
        default_value_t = MAX_NOTIFICATIONS
    )]
    pub max_notifications: usize,

    /// The format of the line logged per exchange.
    #[arg(long, env = "GOPAY_SIMULATOR_LOG", value_enum, default_value_t = LogFormat::Text)]
    pub log: LogFormat,

    /// strict: JSON whose non-ASCII text is \u-escaped is refused with 403, as GoPay's
    /// firewall does; off: such JSON is accepted (for clients that escape, until fixed).
    #[arg(
        long,
        env = "GOPAY_SIMULATOR_FIREWALL",
        value_enum,
        default_value_t = FirewallMode::Strict
    )]
    pub firewall: FirewallMode,

    /// A JSON file {"payments": [...], "cards": [...]} of the bodies POST
    /// /_simulator/payments and /_simulator/cards take: stored at start, and again at every
    /// reset.
    #[arg(long, env = "GOPAY_SIMULATOR_SEED", value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// Keeps payments, cards, tokens, notifications, ids and the test clock across
    /// restarts: loaded from FILE at start when it exists, written to it atomically on
    /// SIGINT/SIGTERM and on POST /_simulator/save. A FILE that cannot be read, or that
    /// another running simulator uses (it locks FILE.lock), stops the start.
    #[arg(long, env = "GOPAY_SIMULATOR_STATE", value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// API v4: for this many seconds after a card payment is paid, partial refunds are
    /// refused (409) as before the acquirer processed it; 0 allows them at once.
    #[arg(
        long,
        env = "GOPAY_SIMULATOR_V4_ACQUIRER_DELAY",
        value_name = "SECONDS",
        default_value_t = 0
    )]
    pub v4_acquirer_delay: u64,

    /// API v4: how the shops of v4 payments are told of a payment PAID, CANCELED or
    /// TIMEOUTED, a failed charge or a successful refund (retries and --notify-hosts as
    /// for v3).
    #[arg(
        long,
        env = "GOPAY_SIMULATOR_V4_NOTIFICATIONS",
        value_name = "MODE",
        value_enum,
        default_value_t = V4NotificationMode::Get
    )]
    pub v4_notifications: V4NotificationMode,
}

/// The values of `--v4-notifications`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum V4NotificationMode {
    /// GET notification_url?id=PAYMENT_ID, as v3 notifies.
    Get,
    /// POST notification_url with the JSON body {"id": "PAYMENT_ID"}.
    Post,
    /// No v4 notifications.
    Off,
}

impl From<V4NotificationMode> for V4Notifications {
    fn from(mode: V4NotificationMode) -> V4Notifications {
        match mode {
            V4NotificationMode::Get => V4Notifications::Get,
            V4NotificationMode::Post => V4Notifications::Post,
            V4NotificationMode::Off => V4Notifications::Off,
        }
    }
}

/// The values of `--firewall`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FirewallMode {
    /// GoPay's firewall: `\u`-escaped non-ASCII JSON is refused with 403.
    Strict,
    /// `\u`-escaped non-ASCII JSON is accepted.
    Off,
}

impl From<FirewallMode> for Firewall {
    fn from(mode: FirewallMode) -> Firewall {
        match mode {
            FirewallMode::Strict => Firewall::Strict,
            FirewallMode::Off => Firewall::Off,
        }
    }
}

impl Args {
    /// The simulator these flags describe; its `start` checks them.
    pub fn builder(&self) -> SimulatorBuilder {
        let mut builder = Simulator::builder()
            .bind(self.bind)
            .port(self.port)
            .goid(self.goid)
            .client_id(self.client_id.clone())
            .client_secret(self.client_secret.clone())
            .token_lifetime(Duration::from_secs(self.token_lifetime))
            .notify_hosts(self.notify_hosts.clone())
            .max_notifications(self.max_notifications)
            .firewall(self.firewall.into())
            .v4_acquirer_delay(Duration::from_secs(self.v4_acquirer_delay))
            .v4_notifications(self.v4_notifications.into());
        if let Some(url) = &self.public_url {
            builder = builder.public_url(url.clone());
        }
        // An empty item (`GOPAY_SIMULATOR_ALLOWED_HOSTS=a,` or a variable set empty) allows
        // nothing rather than failing the start.
        for name in self
            .allowed_hosts
            .iter()
            .filter(|name| !name.trim().is_empty())
        {
            builder = builder.allowed_host(name.clone());
        }
        if let Some(seed) = &self.seed {
            builder = builder.seed_file(seed);
        }
        if let Some(state) = &self.state {
            builder = builder.state_file(state);
        }
        builder
    }
}
