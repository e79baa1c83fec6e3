//! [`Secret`], a string that never shows itself in `Debug` or `Display`.

use std::fmt;

/// A credential (client secret, access token, authorization header value).
///
/// Its `Debug` prints `[redacted]`, so structs holding one can derive or write `Debug`
/// without leaking it; the value is reachable only through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret value, for the one place that must put it on the wire.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
