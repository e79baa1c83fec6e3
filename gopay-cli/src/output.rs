//! Printing answers: JSON or a table, with text from the gateway made harmless, and the
//! writes to stdout and stderr.
//!
//! One sanitiser, [`sanitize`], stands between gateway text and the terminal wherever the
//! command shows it (tables, the confirmation prompt, error and warning lines): control
//! characters (escape sequences, line breaks) and bidirectional overrides are shown escaped
//! (`\u{1b}`), so an answer cannot recolour the terminal, move the cursor over what was
//! shown or forge a row. In JSON, the ones JSON itself leaves raw (C1 controls,
//! bidirectional overrides) are `\uXXXX` escapes.
//!
//! A closed stdout (the reader went away: `gopay … | head -c1`) ends the output quietly and
//! changes nothing else: the command's exit status is the one it had anyway.

use std::io::{ErrorKind, Write};

use gopay::text::{escape_json, is_unsafe_char};
use serde::Serialize;

use crate::args::Format;
use crate::failure::Failure;

/// `answer` as `format`: pretty JSON, or the text `table` makes of it.
///
/// # Errors
///
/// When the answer cannot be written as JSON (exit code 1).
pub fn show<T: Serialize + ?Sized>(
    format: Format,
    answer: &T,
    table: fn(&T) -> String,
) -> Result<String, Failure> {
    match format {
        // The table functions sanitize every value; this catches any they missed.
        Format::Table => Ok(sanitize_lines(&table(answer))),
        Format::Json => serde_json::to_string_pretty(answer)
            .map(|json| escape_json(&json).into_owned())
            .map_err(|e| Failure::other(format!("could not print the answer: {e}"))),
    }
}

/// `text` to show in a table cell: every unsafe character as a visible `\u{…}` escape.
pub fn sanitize(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe_char(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// Text of several lines, each [`sanitize`]d: the line breaks stay, nothing else raw does.
pub fn sanitize_lines(text: &str) -> String {
    text.split('\n')
        .map(sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `bytes` to stdout. A reader that went away (a closed pipe) is not a failure: the
/// rest is dropped silently and the command keeps the exit status it had.
///
/// # Errors
///
/// Exit code 1 when stdout cannot be written for another reason (a full disk).
pub fn to_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => {
            Err(Failure::other(format!("could not write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Writes the line `gopay: {message}` to stderr, [`sanitize`]d. Nothing is left to tell
/// when stderr cannot be written (a closed pipe), so that is ignored.
pub fn to_stderr(message: &str) {
    let line = format!("gopay: {}\n", sanitize(message));
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(line.as_bytes())
        .and_then(|()| stderr.flush());
}

/// Two aligned columns; rows without a value are left out; values are sanitized.
pub fn key_values(rows: &[(&str, Option<String>)]) -> String {
    let rows: Vec<(&str, String)> = rows
        .iter()
        .filter_map(|(key, value)| value.as_deref().map(|value| (*key, sanitize(value))))
        .collect();
    let width = rows.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(key, value)| format!("{key:<width$}  {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Aligned columns under a header; every cell is sanitized, trailing blanks trimmed.
pub fn columns(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut all = vec![header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    all.extend(
        rows.into_iter()
            .map(|row| row.iter().map(|cell| sanitize(cell)).collect()),
    );
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            all.iter()
                .map(|row| row.get(i).map_or(0, |cell| cell.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    all.iter()
        .map(|row| {
            row.iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `10000` and `CZK` as `100.00 CZK`. The currency comes from the gateway, so it is
/// [`sanitize`]d: a currency holding escape sequences must not rewrite the amount shown.
pub fn money(amount: i64, currency: Option<&gopay::Currency>) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let (major, minor) = (amount.unsigned_abs() / 100, amount.unsigned_abs() % 100);
    match currency {
        Some(currency) => format!("{sign}{major}.{minor:02} {}", sanitize(currency.as_str())),
        None => format!("{sign}{major}.{minor:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_escapes() {
        assert_eq!(money(10000, Some(&gopay::Currency::Czk)), "100.00 CZK");
        assert_eq!(money(-5, None), "-0.05");
        assert_eq!(sanitize("a\u{1b}[0m\nb"), "a\\u{1b}[0m\\u{a}b");
        assert_eq!(sanitize(&sanitize("a\u{1b}b")), sanitize("a\u{1b}b"));
        assert_eq!(sanitize_lines("a\r\nb\u{202e}"), "a\\u{d}\nb\\u{202e}");
        assert_eq!(escape_json("\"\u{9b}\u{202e}\""), "\"\\u009b\\u202e\"");
    }

    #[test]
    fn a_currency_from_the_gateway_cannot_rewrite_the_amount() {
        let hostile: gopay::Currency = "CZK\u{1b}[1A\u{1b}[2K\rgopay: about to refund 0.01 CZK"
            .parse()
            .unwrap_or_else(|never| match never {});
        let shown = money(999_900, Some(&hostile));
        assert_eq!(
            shown,
            "9999.00 CZK\\u{1b}[1A\\u{1b}[2K\\u{d}gopay: about to refund 0.01 CZK"
        );
        assert!(!shown.chars().any(is_unsafe_char), "{shown:?}");
    }

    #[test]
    fn columns_align_and_trim() {
        let text = columns(
            &["ID", "STATE", "AMOUNT"],
            vec![
                vec!["1".into(), "FINISHED".into(), "25.00 CZK".into()],
                vec!["22".into(), "".into(), "".into()],
            ],
        );
        assert_eq!(text, "ID  STATE     AMOUNT\n1   FINISHED  25.00 CZK\n22");
    }
}
