//! [`Error`]: why a call of the simulator's Rust API failed. The simulator never returns the
//! client's `gopay::Error`: a test reading one knows the gateway refused its client, and a
//! test reading this one knows the simulator itself refused what the test asked of it.

use std::fmt;
use std::path::PathBuf;

use gopay::ApiErrorDetail;

/// Why a [`Simulator`](crate::Simulator) or [`SimulatorBuilder`](crate::SimulatorBuilder)
/// call failed. Variants and their fields may grow: match with `..` and keep a `_` arm.
///
/// ```
/// use gopay_simulator::{Error, Simulator};
///
/// let sim = Simulator::start()?;
/// match sim.pay(42) {
///     Err(Error::Refused { field: "id", .. }) => {} // no payment 42
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), gopay_simulator::Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A setting the simulator cannot start with: `setting` names it (the builder method
    /// or the flag without `--`, e.g. `token_lifetime`, `public_url`).
    #[non_exhaustive]
    Config {
        /// The setting.
        setting: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The server could not start: the port could not be bound or a thread not started.
    #[non_exhaustive]
    Start {
        /// What could not be done.
        message: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// What the test asked is not possible: the payment or card is unknown (`field` `id`
    /// or `card_id`), its state does not allow the action (`state`), or a value is refused
    /// (`instrument`, `payment_instrument`, …).
    #[non_exhaustive]
    Refused {
        /// What was refused.
        field: &'static str,
        /// Why, in one line.
        message: String,
    },
    /// GoPay's API would refuse the request: the status and the field errors a client
    /// would get (409 with error 110, 111, … for a payment that does not validate).
    #[non_exhaustive]
    Api {
        /// The HTTP status the API answers with.
        status: u16,
        /// GoPay's `errors[]`.
        errors: Vec<ApiErrorDetail>,
    },
    /// The seed file or the state file could not be used: it could not be read, is not
    /// what the simulator reads (not JSON, too large, an unknown `version`, a value out of
    /// range), the state could not be written, or another simulator runs with the state
    /// file (it holds the lock beside it). Nothing in the message comes from the file's
    /// values, so a token in a state file is never shown.
    #[non_exhaustive]
    File {
        /// Which file: `"seed"` ([`seed_file`](crate::SimulatorBuilder::seed_file),
        /// `--seed`) or `"state"` ([`state_file`](crate::SimulatorBuilder::state_file),
        /// `--state`).
        file: &'static str,
        /// Its path, as given.
        path: PathBuf,
        /// What is wrong, in one line.
        message: String,
        /// The operating system's error, when one caused it.
        source: Option<std::io::Error>,
    },
}

impl Error {
    pub(crate) fn config(setting: &'static str, message: impl Into<String>) -> Error {
        Error::Config {
            setting,
            message: message.into(),
        }
    }

    pub(crate) fn refused(field: &'static str, message: impl Into<String>) -> Error {
        Error::Refused {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn start(message: impl Into<String>, source: std::io::Error) -> Error {
        Error::Start {
            message: message.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config { setting, message } => write!(f, "invalid {setting}: {message}"),
            Error::Start { message, source } => write!(f, "{message}: {source}"),
            Error::Refused { field, message } => write!(f, "refused ({field}): {message}"),
            Error::File {
                file,
                path,
                message,
                source,
            } => {
                // The path as a quoted, escaped string: the message stays on one line.
                write!(f, "{file} file {path:?}: {message}")?;
                match source {
                    Some(source) => write!(f, ": {source}"),
                    None => Ok(()),
                }
            }
            Error::Api { status, errors } => {
                write!(f, "the API would answer {status}")?;
                for error in errors {
                    write!(f, "; {error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Start { source, .. } => Some(source),
            Error::File {
                source: Some(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_was_refused() {
        assert_eq!(
            Error::config("goid", "must not be 0").to_string(),
            "invalid goid: must not be 0"
        );
        assert_eq!(
            Error::refused("state", "payment 1 is PAID").to_string(),
            "refused (state): payment 1 is PAID"
        );
        let start = Error::start("could not listen", std::io::Error::other("in use"));
        assert!(std::error::Error::source(&start).is_some());
        assert_eq!(start.to_string(), "could not listen: in use");
    }

    #[test]
    fn it_can_cross_threads_and_box() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        let boxed: Box<dyn std::error::Error> = Error::config("goid", "x").into();
        assert!(boxed.to_string().contains("goid"));
    }
}
