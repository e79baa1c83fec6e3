//! [`Secret`], a string that never shows itself in `Debug` or `Display`, and [`redact`], the
//! one function that removes secrets from text that came back from the network.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use base64::Engine as _;

/// What every redacted secret is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// Secrets shorter than this many characters are not searched for: they would match
/// ordinary words and numbers and mangle every message, and protect next to nothing.
pub(crate) const MIN_SECRET_CHARS: usize = 4;

/// A base64 fragment shorter than this is not searched for on its own (see [`forms`]).
const MIN_BASE64_FRAGMENT: usize = 8;

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

/// `text` with every occurrence of every secret in `secrets` replaced by `[redacted]`.
///
/// A secret is found in each form a server or proxy may echo it in:
///
/// - as it is;
/// - URL-encoded, whichever characters the encoder chose to escape: `%XX` with upper or
///   lower case hex, `+` for a space, and `\/` for `/` (JSON encoders that escape slashes);
/// - base64-encoded, standard or URL-safe alphabet, with or without padding, and also
///   inside a longer base64 text (`Basic base64(id:secret)`), at any of the three byte
///   alignments, as long as the part that only the secret determines is at least
///   8 characters long;
/// - the base64 forms URL-encoded in turn (`%2B`, `%2F`, `%3D`).
///
/// Empty secrets and secrets shorter than [`MIN_SECRET_CHARS`] characters are ignored.
/// Borrows `text` when there was nothing to replace.
pub(crate) fn redact<'a>(text: &'a str, secrets: &[&str]) -> Cow<'a, str> {
    let mut found: Vec<Range<usize>> = Vec::new();
    for secret in secrets {
        if secret.chars().count() < MIN_SECRET_CHARS {
            continue;
        }
        for form in forms(secret) {
            find_encoded(text.as_bytes(), form.as_bytes(), &mut found);
        }
    }
    replace_ranges(text, found)
}

/// `text` with every HTTP credential that follows the word `Bearer` or `Basic` replaced by
/// `[redacted]`, whatever its value: for text that may quote an `Authorization` header
/// (the start of a body that is not what was expected), where the token may not be known.
pub(crate) fn redact_authorization(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let scheme = ["bearer", "basic"].into_iter().find(|scheme| {
            bytes.len() >= i + scheme.len()
                && bytes[i..i + scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
        });
        let Some(scheme) = scheme else {
            i += 1;
            continue;
        };
        let mut p = i + scheme.len();
        let after_scheme = p;
        // One or more separators: white space, `+` or `%20` (URL-encoded).
        loop {
            match bytes.get(p) {
                Some(b' ' | b'\t' | b'+') => p += 1,
                Some(b'%') if bytes.get(p + 1..p + 3) == Some(b"20") => p += 3,
                _ => break,
            }
        }
        let start = p;
        // RFC 7235 token68 characters, and `%` and `\` for encoded or escaped ones.
        while bytes
            .get(p)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"-._~+/=%\\".contains(b))
        {
            p += 1;
        }
        if start > after_scheme && p > start {
            found.push(start..p);
        }
        i = p.max(i + 1);
    }
    replace_ranges(text, found)
}

/// The forms of `secret` to look for (each is then also matched URL-encoded).
fn forms(secret: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let bytes = secret.as_bytes();
    let mut forms = vec![secret.to_owned()];
    for engine in [&STANDARD, &URL_SAFE] {
        forms.push(engine.encode(bytes));
    }
    // The secret inside longer base64 text: prefixed by 0, 1 or 2 other bytes, the
    // characters that depend on the secret's bytes alone.
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        for offset in 0..3 {
            let mut prefixed = vec![0u8; offset];
            prefixed.extend_from_slice(bytes);
            let encoded = engine.encode(&prefixed);
            let first = (8 * offset).div_ceil(6);
            let end = (8 * (offset + bytes.len())) / 6;
            if end >= first + MIN_BASE64_FRAGMENT {
                forms.push(encoded[first..end].to_owned());
            }
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

/// Adds to `found` the byte ranges of `text` that spell `pattern`, each byte of it either
/// as it is or URL-encoded (`%XX`, either case; `+` for a space; `\/` for `/`).
fn find_encoded(text: &[u8], pattern: &[u8], found: &mut Vec<Range<usize>>) {
    let Some(&first) = pattern.first() else {
        return;
    };
    let mut start = 0;
    while start < text.len() {
        let b = text[start];
        let may_start = b == first
            || b == b'%'
            || (b == b'+' && first == b' ')
            || (b == b'\\' && first == b'/');
        if may_start {
            if let Some(end) = match_at(text, start, pattern) {
                found.push(start..end);
                start = end;
                continue;
            }
        }
        start += 1;
    }
}

/// Where a match of `pattern` at `start` ends, if there is one.
fn match_at(text: &[u8], start: usize, pattern: &[u8]) -> Option<usize> {
    let mut p = start;
    for &want in pattern {
        let got = *text.get(p)?;
        if got == b'%' {
            if let Some(decoded) = text.get(p + 1..p + 3).and_then(hex_pair) {
                if decoded == want {
                    p += 3;
                    continue;
                }
            }
        }
        if got == want || (want == b' ' && got == b'+') {
            p += 1;
        } else if want == b'/' && got == b'\\' && text.get(p + 1) == Some(&b'/') {
            p += 2;
        } else {
            return None;
        }
    }
    Some(p)
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
}

/// `text` with the (possibly overlapping) byte `ranges` replaced by one `[redacted]` each.
fn replace_ranges(text: &str, mut ranges: Vec<Range<usize>>) -> Cow<'_, str> {
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    ranges.sort_by_key(|range| range.start);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut iter = ranges.into_iter().peekable();
    while let Some(range) = iter.next() {
        let (start, mut end) = (range.start, range.end);
        while let Some(next) = iter.next_if(|next| next.start <= end) {
            end = end.max(next.end);
        }
        // Matches start and end on whole characters; widen to be sure anyway.
        let start = floor_char_boundary(text, start.max(copied));
        let end = ceil_char_boundary(text, end);
        out.push_str(&text[copied..start]);
        out.push_str(REDACTED);
        copied = end;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

    /// Has every character that encoders treat differently: `+`, `/`, `=`, space, `~`, `*`.
    const SECRET: &str = "ToKeN-1+/= ~*é";

    fn shows(text: &str) -> String {
        redact(text, &[SECRET]).into_owned()
    }

    #[test]
    fn the_secret_as_it_is() {
        assert_eq!(shows(&format!("a {SECRET} b")), "a [redacted] b");
        assert_eq!(shows(&format!("{SECRET}{SECRET}")), "[redacted]");
        assert_eq!(shows(SECRET), "[redacted]");
        assert!(matches!(
            redact("nothing here", &[SECRET]),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn url_encoded_upper_lower_and_plus_for_space() {
        for encoded in [
            "ToKeN-1%2B%2F%3D%20~*%C3%A9",
            "ToKeN-1%2b%2f%3d%20~*%c3%a9",
            "ToKeN-1%2B%2F%3D+%7E%2A%C3%A9",
            "%54%6F%4B%65%4E%2D%31%2B%2F%3D%20%7E%2A%C3%A9",
            "ToKeN-1+\\/= ~*é",
        ] {
            let text = format!("access_token={encoded}&x=1");
            assert_eq!(shows(&text), "access_token=[redacted]&x=1", "{encoded}");
        }
    }

    #[test]
    fn base64_standard_and_url_safe_with_and_without_padding() {
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(SECRET);
            let text = format!("x {encoded} y");
            assert_eq!(shows(&text), "x [redacted] y", "{encoded}");
            // And URL-encoded on top.
            let text = format!(
                "x {} y",
                encoded
                    .replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
            );
            assert_eq!(shows(&text), "x [redacted] y", "{text}");
        }
    }

    #[test]
    fn base64_of_a_longer_text_that_holds_the_secret() {
        let secret = "SeCrEt-h2XzF9q";
        for prefix in ["", "1:", "17:", "174:", "1744960415:"] {
            let basic = STANDARD.encode(format!("{prefix}{secret}:tail"));
            let shown = redact(&format!("Basic {basic}"), &[secret]).into_owned();
            assert!(shown.contains(REDACTED), "{prefix}: {shown}");
            let whole = STANDARD.encode(secret);
            let core = &whole[1..whole.len() - 4];
            assert!(!shown.contains(core), "{prefix}: {shown}");
        }
    }

    #[test]
    fn short_and_empty_secrets_are_ignored() {
        assert_eq!(redact("a b c abc", &["", "a", "abc"]), "a b c abc");
        assert_eq!(redact("x abcd y", &["abcd"]), "x [redacted] y");
    }

    #[test]
    fn several_secrets_and_overlaps() {
        let text = "id:secret-one and secret-two";
        assert_eq!(
            redact(text, &["secret-one", "id:secret-one", "secret-two"]),
            "[redacted] and [redacted]"
        );
    }

    #[test]
    fn multibyte_text_around_matches_stays_intact() {
        let text = format!("žluť {SECRET} kůň %C3%A9");
        assert_eq!(shows(&text), "žluť [redacted] kůň %C3%A9");
    }

    #[test]
    fn authorization_values_are_redacted_whatever_they_are() {
        for (text, shown) in [
            (
                "echo Bearer abc.DEF-1+/= rest",
                "echo Bearer [redacted] rest",
            ),
            (
                "Authorization: BEARER  xyz",
                "Authorization: BEARER  [redacted]",
            ),
            ("auth=Bearer%20a%2Bb&x", "auth=Bearer%20[redacted]&x"),
            ("Basic MTc0NDk2MDQxNQ==;", "Basic [redacted];"),
            ("Bearer", "Bearer"),
            ("Bearer ", "Bearer "),
            ("unbearerable Bearerx y", "unbearerable Bearerx y"),
        ] {
            assert_eq!(redact_authorization(text), shown, "{text}");
        }
    }
}
