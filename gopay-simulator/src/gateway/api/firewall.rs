//! GoPay's web application firewall: it answers `403` to JSON bodies whose non-ASCII text is
//! `\uXXXX`-escaped (it took such escapes for SQL injection; GoPay's PHP SDK switched to raw
//! UTF-8 because of it). Raw UTF-8 and escapes of ASCII characters (`\"`, `\\`, `\n`,
//! `\u0041`) pass. [`Firewall::Off`] lets escaped bodies through, for shops whose client
//! escapes while they fix it.

use crate::gateway::responses::{Refusal, SYSTEM_ERROR};
use crate::server::record::RecordedRequest;

/// Whether the simulator refuses JSON bodies with `\u`-escaped non-ASCII text as GoPay's
/// firewall does ([`SimulatorBuilder::firewall`](crate::SimulatorBuilder::firewall), the
/// binary's `--firewall strict|off`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Firewall {
    /// GoPay's behaviour: such a body is answered `403` (error 100) and never reaches the
    /// API. The default.
    #[default]
    Strict,
    /// Such bodies are read like raw UTF-8 ones: for suites whose client escapes every
    /// non-ASCII character (some community PHP clients do) and must run until it is fixed.
    /// GoPay itself would refuse them.
    Off,
}

/// Whether `request` has a JSON body the firewall, set to `firewall`, blocks.
pub(super) fn blocks(firewall: Firewall, request: &RecordedRequest) -> bool {
    if firewall == Firewall::Off {
        return false;
    }
    let json = request
        .header("Content-Type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    json && escapes_non_ascii(&request.body)
}

/// The firewall's answer.
///
/// The body of GoPay's real answer is not documented (GOPAY_API §4 leaves it unknown), so
/// the simulator uses the API's error envelope, which every client already parses: one
/// global error with code 100 `SYSTEM_ERROR` and a message naming the cause. Code 100 rather
/// than 200–203 (`UNAUTHORIZED_ACCESS`…) so that a client does not take the 403 for an
/// expired token and retry the same blocked body with a new one.
pub(super) fn refusal() -> Refusal {
    Refusal::global(
        403,
        SYSTEM_ERROR,
        "request blocked by the firewall: the JSON body contains \\u-escaped non-ASCII text; \
         send it as raw UTF-8",
    )
}

/// Whether a JSON string in `body` holds a `\uXXXX` escape of a code point ≥ 0x80.
fn escapes_non_ascii(body: &[u8]) -> bool {
    let mut in_string = false;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if body.get(i + 1) == Some(&b'u') {
                    let code = body
                        .get(i + 2..i + 6)
                        .and_then(|hex| std::str::from_utf8(hex).ok())
                        .and_then(|hex| u32::from_str_radix(hex, 16).ok());
                    if code.is_some_and(|code| code >= 0x80) {
                        return true;
                    }
                    i += 5;
                } else {
                    // `\"`, `\\`, `\n`…: the escaped character never ends the string.
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_escaped_non_ascii_in_strings_is_blocked() {
        assert!(escapes_non_ascii(
            br#"{"name":"\u017dlu\u0165ou\u010dk\u00fd"}"#
        ));
        assert!(escapes_non_ascii(br#"{"n":"a\u0080"}"#));
        assert!(escapes_non_ascii(br#"{"n":"\ud83d\ude00"}"#));
        assert!(!escapes_non_ascii(
            "{\"name\":\"Žluťoučký kůň\"}".as_bytes()
        ));
        assert!(!escapes_non_ascii(br#"{"n":"\u0041\u007f \" \\ \n \/"}"#));
        // An escaped backslash followed by a literal u is not an escape.
        assert!(!escapes_non_ascii(br#"{"n":"\\u00e9"}"#));
        // Outside strings nothing counts (and would be invalid JSON anyway).
        assert!(!escapes_non_ascii(br#"{"n":1} \u00e9"#));
        assert!(!escapes_non_ascii(br#"{"n":"\u00"}"#));
    }

    #[test]
    fn the_answer_is_the_error_envelope() {
        let reply = refusal().into_reply();
        assert_eq!(reply.status, 403);
        let value: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(value["errors"][0]["scope"], "G");
        assert_eq!(value["errors"][0]["error_code"], 100);
        assert!(value["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("firewall"));
    }
}
