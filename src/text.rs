//! Text from the network or from a user, made safe to show: the characters a terminal or a
//! log viewer acts on instead of showing (line breaks, escape sequences, bidirectional
//! overrides that reorder what is shown). The client's error messages, the `gopay` command
//! and the C library all follow these rules, so a gateway field or a mistyped setting can
//! neither forge a line of output nor hide part of one.

use std::borrow::Cow;

/// Whether a terminal would act on `c` instead of showing it: control characters (C0 with
/// ESC, CR and LF, DEL, C1) and the Unicode bidirectional embeddings, overrides, isolates
/// and marks.
///
/// ```
/// assert!(gopay::text::is_unsafe_char('\x1b'));
/// assert!(gopay::text::is_unsafe_char('\u{202e}')); // right-to-left override
/// assert!(!gopay::text::is_unsafe_char('č'));
/// ```
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `text` with every [unsafe character](is_unsafe_char) replaced by a space: one line that
/// shows what it says. Borrowed when nothing needed replacing.
///
/// ```
/// assert_eq!(gopay::text::one_line("CZK\x1b[2K\rpaid"), "CZK [2K paid");
/// assert_eq!(gopay::text::one_line("Žluťoučký kůň"), "Žluťoučký kůň");
/// ```
pub fn one_line(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_unsafe_char) {
        text.chars()
            .map(|c| if is_unsafe_char(c) { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// `json` with the unsafe characters that `serde_json` leaves raw (DEL, C1 controls,
/// bidirectional controls) written as `\uXXXX` escapes: the same JSON value, safe to print.
/// Such characters can only occur inside JSON strings, where the escape means the same;
/// C0 controls are escaped there already, and outside strings they are layout.
///
/// ```
/// let json = serde_json::json!({"currency": "CZK\u{202e}"}).to_string();
/// assert_eq!(gopay::text::escape_json(&json), r#"{"currency":"CZK\u202e"}"#);
/// ```
pub fn escape_json(json: &str) -> Cow<'_, str> {
    let escaped = |c: char| c > '\u{1f}' && is_unsafe_char(c);
    if !json.chars().any(escaped) {
        return json.into();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A URL as a message may show it when it could hold a secret (a password in its
/// user-info, a token in its query, or a secret pasted where a URL was expected): only
/// `"scheme://host[:port]"`, with `…` when a path, user-info, query or fragment was there
/// too, which are never shown; or `(not shown)` when it does not start like a URL. The
/// `gopay` command and the C library show a refused gateway URL this way.
///
/// ```
/// use gopay::text::shown_url;
///
/// assert_eq!(shown_url("https://gw.example"), r#""https://gw.example""#);
/// assert_eq!(shown_url("https://u:secret@gw.example/api?t=1"), r#""https://gw.example…""#);
/// assert_eq!(shown_url("my-client-secret"), "(not shown)");
/// ```
pub fn shown_url(url: &str) -> String {
    const NOT_SHOWN: &str = "(not shown)";
    let Some((scheme, rest)) = url.trim().split_once("://") else {
        return NOT_SHOWN.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let scheme_ok =
        !scheme.is_empty() && scheme.len() <= 10 && scheme.chars().all(|c| c.is_ascii_alphabetic());
    let host_ok = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if !scheme_ok || !host_ok {
        return NOT_SHOWN.to_owned();
    }
    let more = if host.len() < rest.trim_end_matches('/').len() {
        "…"
    } else {
        ""
    };
    format!("\"{scheme}://{host}{more}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_terminal_control_is_unsafe() {
        for c in [
            '\n', '\r', '\t', '\x1b', '\x7f', '\u{85}', '\u{9b}', '\u{200e}', '\u{200f}',
        ]
        .into_iter()
        .chain('\u{202a}'..='\u{202e}')
        .chain('\u{2066}'..='\u{2069}')
        .chain(['\u{061c}'])
        {
            assert!(is_unsafe_char(c), "{c:?}");
            assert_eq!(one_line(&format!("a{c}b")), "a b");
        }
        assert!(matches!(one_line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn shown_urls_keep_only_scheme_and_host() {
        for (url, shown) in [
            ("https://gw.example/", "\"https://gw.example\""),
            ("http://127.0.0.1:8080", "\"http://127.0.0.1:8080\""),
            ("http://gw.example/api", "\"http://gw.example…\""),
            ("https://gw.example#frag", "\"https://gw.example…\""),
            ("gw.example/api", "(not shown)"),
            ("https://", "(not shown)"),
            ("h\u{1b}s://gw.example", "(not shown)"),
            ("https://gw.\u{202e}example", "(not shown)"),
        ] {
            assert_eq!(shown_url(url), shown, "{url:?}");
        }
    }

    #[test]
    fn escaped_json_is_the_same_value() {
        let value = serde_json::json!({"a": "x\u{7f}\u{9b}\u{202e}\u{2066}y\n"});
        let json = value.to_string();
        let escaped = escape_json(&json);
        assert!(!escaped.chars().any(is_unsafe_char), "{escaped}");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
