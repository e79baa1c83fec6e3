//! Why a run failed, and its exit code (the codes `--help` lists).

use gopay::{Error, ErrorKind};

/// Anything else (e.g. an output file could not be written).
pub const OTHER: u8 = 1;
/// Usage or configuration error, or a money-moving command not confirmed.
pub const USAGE: u8 = 2;
/// GoPay refused the request.
pub const REFUSED: u8 = 3;
/// No usable answer.
pub const NO_ANSWER: u8 = 4;
/// A command that changes something may have been carried out: look before repeating.
pub const OUTCOME_UNKNOWN: u8 = 5;

/// A failure: its exit code and its one-line message.
#[derive(Debug)]
pub struct Failure {
    /// The process's exit code.
    pub code: u8,
    /// What went wrong, for stderr.
    pub message: String,
}

impl Failure {
    /// A failure with exit code 1.
    pub fn other(message: impl Into<String>) -> Failure {
        Failure {
            code: OTHER,
            message: message.into(),
        }
    }

    /// A failure with exit code 2.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    /// A failure with exit code 4.
    pub fn no_answer(message: impl Into<String>) -> Failure {
        Failure {
            code: NO_ANSWER,
            message: message.into(),
        }
    }

    /// The failure of a request that changes something at GoPay. When GoPay may have
    /// carried it out, exit code 5 and a message that says what to look at (`look`, a
    /// command line) before repeating it.
    pub fn of_change(error: Error, look: &str) -> Failure {
        if error.outcome_unknown() {
            Failure {
                code: OUTCOME_UNKNOWN,
                message: format!(
                    "{error}; the outcome is unknown: GoPay may have carried it out, so look \
                     before repeating it: {look}"
                ),
            }
        } else {
            Failure::from(error)
        }
    }
}

impl From<Error> for Failure {
    /// The failure of a request that changes nothing (or of one GoPay surely did not carry
    /// out).
    fn from(error: Error) -> Failure {
        let code = exit_code(error.kind(), error.status());
        // `Error`'s Display is one line and never holds the secret or a token.
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

/// The exit code of a failure of `kind`, answered with `status` when GoPay answered.
fn exit_code(kind: ErrorKind, status: Option<u16>) -> u8 {
    match kind {
        ErrorKind::Config => USAGE,
        // GoPay could not handle it now: like no answer at all.
        ErrorKind::Api if status.is_some_and(|s| s == 429 || s >= 500) => NO_ANSWER,
        ErrorKind::Api | ErrorKind::Auth | ErrorKind::InvalidInput => REFUSED,
        ErrorKind::Transport | ErrorKind::Decode => NO_ANSWER,
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_by_kind_of_error() {
        assert_eq!(exit_code(ErrorKind::Config, None), USAGE);
        assert_eq!(exit_code(ErrorKind::Api, Some(409)), REFUSED);
        assert_eq!(exit_code(ErrorKind::Api, Some(429)), NO_ANSWER);
        assert_eq!(exit_code(ErrorKind::Api, Some(503)), NO_ANSWER);
        assert_eq!(exit_code(ErrorKind::Auth, Some(401)), REFUSED);
        assert_eq!(exit_code(ErrorKind::Auth, None), REFUSED);
        assert_eq!(exit_code(ErrorKind::InvalidInput, None), REFUSED);
        assert_eq!(exit_code(ErrorKind::Transport, None), NO_ANSWER);
        assert_eq!(exit_code(ErrorKind::Decode, Some(200)), NO_ANSWER);

        assert_eq!(
            Failure::from(Error::invalid_input("id", "zero")).code,
            REFUSED
        );
        // A refusal before sending: GoPay surely did not act, so no hint to look first.
        // (An outcome that is unknown, exit 5 with the hint, is tested against a simulator
        // that answers too late: tests/cli/safety.rs.)
        let refused = Failure::of_change(Error::invalid_input("amount", "zero"), "gopay status 1");
        assert_eq!(refused.code, REFUSED);
        assert!(!refused.message.contains("gopay status"));
    }
}
