//! `gopay`: a small command-line client for the GoPay gateway.
//!
//! ```sh
//! export GOPAY_GOID=8123456789 GOPAY_CLIENT_ID=… GOPAY_CLIENT_SECRET=… GOPAY_GATEWAY_URL=sandbox
//! gopay create --amount 10000 --currency CZK --order 42
//! gopay check
//! gopay status 3000006529
//! gopay refund 3000006529 5000
//! gopay instruments CZK --format table
//! ```
//!
//! The access token is kept in a [`FileTokenCache`] (`--cache-dir`, else `$GOPAY_CACHE_DIR`,
//! else `~/.cache/gopay`), so invocations within a token's lifetime make one token request
//! between them. Answers are printed as JSON, or as a short table with `--format table`.
//! Text that came from the gateway is printed harmless: in a table, control characters
//! (escape sequences, line breaks) and bidirectional overrides are shown escaped
//! (`\u{1b}`), so an answer cannot recolour the terminal or forge a row; in JSON, the ones
//! JSON itself leaves raw (C1 controls, bidirectional overrides) are `\uXXXX` escapes.
//!
//! Exit codes: 0 success; 2 usage or configuration error; 3 GoPay refused the request
//! (API error, authentication, invalid input); 4 no usable answer (transport, timeout,
//! undecodable response); 1 anything else. Errors are one line on stderr and never contain
//! the client secret or a token. When the token cache does not work, one warning line goes
//! to stderr and the command goes on (with a token of its own).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use gopay::{
    Client, Config, Currency, Error, ExchangeKind, FileTokenCache, Item, Payment,
    PaymentInstruments, PaymentRequest, PaymentResult,
};
use serde::Serialize;

/// Command-line client for the GoPay payment gateway (REST API v3).
///
/// Credentials come from GOPAY_GOID, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET and
/// GOPAY_GATEWAY_URL (`sandbox`, `production` or the gateway's URL), all four required.
/// Amounts are in minor units (10000 = 100.00).
#[derive(Parser, Debug)]
#[command(name = "gopay", version)]
struct Cli {
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = Format::Json, global = true)]
    format: Format,

    /// Directory of the token cache [default: $GOPAY_CACHE_DIR, else ~/.cache/gopay].
    #[arg(long, value_name = "DIR", global = true)]
    cache_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// The answer as GoPay's JSON.
    Json,
    /// A short table for people.
    Table,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check that GoPay accepts the credentials.
    ///
    /// Asks GoPay for a fresh token, whatever the token cache holds, so a wrong secret
    /// shows at once. Prints "credentials OK" (JSON: {"ok":true}); exits 3 when GoPay
    /// refuses the credentials.
    Check,
    /// Show a payment's state.
    Status {
        /// The payment id.
        #[arg(value_parser = clap::value_parser!(u64).range(1..))]
        id: u64,
    },
    /// Create a payment and print it, with the gateway URL to send the customer to.
    ///
    /// The payment gets one order row of the whole amount, named after the description.
    Create {
        /// Amount in minor units (10000 = 100.00).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
        amount: i64,
        /// Currency: CZK, EUR, PLN, HUF, GBP, USD, RON or BGN.
        #[arg(long, value_parser = parse_currency)]
        currency: Currency,
        /// The shop's order number.
        #[arg(long)]
        order: String,
        /// Order description (also the order row's name).
        #[arg(long)]
        description: Option<String>,
        /// Where the customer returns after paying (needs --notify-url).
        #[arg(long, requires = "notify_url")]
        return_url: Option<String>,
        /// Where GoPay sends its notifications (needs --return-url).
        #[arg(long, requires = "return_url")]
        notify_url: Option<String>,
        /// The payer's e-mail.
        #[arg(long)]
        email: Option<String>,
    },
    /// Refund part or all of a paid payment.
    Refund {
        /// The payment id.
        #[arg(value_parser = clap::value_parser!(u64).range(1..))]
        id: u64,
        /// Amount to refund in minor units.
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        amount: i64,
    },
    /// List the payment methods enabled for a currency.
    Instruments {
        /// Currency: CZK, EUR, PLN, HUF, GBP, USD, RON or BGN.
        #[arg(value_parser = parse_currency)]
        currency: Currency,
    },
}

fn parse_currency(text: &str) -> Result<Currency, String> {
    let currency: Currency = text
        .to_ascii_uppercase()
        .parse()
        .unwrap_or_else(|never| match never {});
    if currency.is_unknown() {
        let known: Vec<&str> = Currency::KNOWN.iter().map(Currency::as_str).collect();
        return Err(format!("expected one of {}", known.join(", ")));
    }
    Ok(currency)
}

/// A failure and its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let code = match &error {
            Error::Config { .. } => 2,
            Error::Api { .. } | Error::Auth { .. } | Error::InvalidInput { .. } => 3,
            Error::Transport { .. } | Error::Decode { .. } => 4,
            _ => 1,
        };
        // `Error`'s Display is one line and never holds the secret or a token.
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2.
    let cli = Cli::parse();
    match run(&cli) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("gopay: {}", one_line(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}

fn run(cli: &Cli) -> Result<String, Failure> {
    let client = client(cli)?;
    match &cli.command {
        Command::Check => {
            client.check_credentials()?;
            show(cli.format, &CheckAnswer { ok: true }, |_| {
                "credentials OK".to_owned()
            })
        }
        Command::Status { id } => show(cli.format, &client.get_status(*id)?, payment_table),
        Command::Create {
            amount,
            currency,
            order,
            description,
            return_url,
            notify_url,
            email,
        } => {
            let name = description
                .clone()
                .unwrap_or_else(|| format!("Order {order}"));
            let mut request = PaymentRequest::new(*amount, currency.clone(), order.as_str())
                .item(Item::new(name, *amount));
            if let Some(description) = description {
                request = request.order_description(description.as_str());
            }
            if let (Some(return_url), Some(notify_url)) = (return_url, notify_url) {
                request = request.callback(return_url.as_str(), notify_url.as_str());
            }
            if let Some(email) = email {
                request = request.contact_email(email.as_str());
            }
            show(cli.format, &client.create_payment(&request)?, payment_table)
        }
        Command::Refund { id, amount } => show(
            cli.format,
            &client.refund_payment(*id, *amount)?,
            result_table,
        ),
        Command::Instruments { currency } => show(
            cli.format,
            &client.get_payment_instruments(currency.clone())?,
            instruments_table,
        ),
    }
}

/// The answer of `check`.
#[derive(Serialize)]
struct CheckAnswer {
    ok: bool,
}

/// A client from the environment, with its tokens in the file cache.
///
/// A token cache that does not work costs a token request per run but fails nothing:
/// the first problem of a run is reported as one warning line on stderr, the rest are not.
fn client(cli: &Cli) -> Result<Client, Failure> {
    let config = Config::from_env()?;
    let from_env = std::env::var_os("GOPAY_CACHE_DIR").filter(|dir| !dir.is_empty());
    let cache = match cli.cache_dir.clone().or(from_env.map(PathBuf::from)) {
        Some(dir) => FileTokenCache::new(dir),
        None => FileTokenCache::in_user_cache_dir()?,
    };
    let warned = AtomicBool::new(false);
    Ok(Client::builder(config)
        .token_cache(Arc::new(cache))
        .on_event(move |event| {
            if event.kind == ExchangeKind::TokenCache && !warned.swap(true, Ordering::Relaxed) {
                let why = event.error.as_deref().unwrap_or("no detail");
                eprintln!(
                    "gopay: warning: the token cache does not work (this run asks GoPay for a \
                     token of its own): {}",
                    one_line(why)
                );
            }
        })
        .build()?)
}

fn show<T: Serialize>(
    format: Format,
    answer: &T,
    table: fn(&T) -> String,
) -> Result<String, Failure> {
    match format {
        Format::Table => Ok(table(answer)),
        Format::Json => serde_json::to_string_pretty(answer)
            .map(|json| escape_json(&json))
            .map_err(|e| Failure {
                code: 1,
                message: format!("could not print the answer: {e}"),
            }),
    }
}

/// Characters a terminal acts on instead of showing: control characters (C0 with ESC, CR
/// and LF, DEL, C1) and the bidirectional embeddings, overrides, isolates and marks.
fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `text` to show in a table cell: every unsafe character as a visible `\u{…}` escape.
fn sanitize(text: &str) -> String {
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

/// A message for stderr: one line, unsafe characters replaced by spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if is_unsafe_char(c) { ' ' } else { c })
        .collect()
}

/// JSON with the unsafe characters that serde_json leaves raw (DEL, C1 controls,
/// bidirectional controls) written as `\uXXXX` escapes: the same JSON value, safe on a
/// terminal. They can only occur inside strings, where the escape means the same; C0
/// controls are escaped in strings already, and outside them are the layout's line breaks.
fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c > '\u{1f}' && is_unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Two aligned columns; rows without a value are left out; values are sanitized.
fn key_values(rows: &[(&str, Option<String>)]) -> String {
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

/// `10000` and `CZK` as `100.00 CZK`.
fn money(amount: i64, currency: Option<&Currency>) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let (major, minor) = (amount.unsigned_abs() / 100, amount.unsigned_abs() % 100);
    match currency {
        Some(currency) => format!("{sign}{major}.{minor:02} {currency}"),
        None => format!("{sign}{major}.{minor:02}"),
    }
}

fn payment_table(payment: &Payment) -> String {
    let text = |value: Option<&dyn std::fmt::Display>| value.map(|v| v.to_string());
    key_values(&[
        ("id", Some(payment.id.to_string())),
        ("state", text(payment.state.as_ref().map(|s| s as _))),
        (
            "sub_state",
            text(payment.sub_state.as_ref().map(|s| s as _)),
        ),
        (
            "amount",
            payment
                .amount
                .map(|amount| money(amount, payment.currency.as_ref())),
        ),
        ("order_number", payment.order_number.clone()),
        (
            "instrument",
            text(payment.payment_instrument.as_ref().map(|i| i as _)),
        ),
        ("parent_id", payment.parent_id.map(|id| id.to_string())),
        ("gw_url", payment.gw_url.clone()),
    ])
}

fn result_table(result: &PaymentResult) -> String {
    key_values(&[
        ("id", Some(result.id.to_string())),
        ("result", Some(result.result.to_string())),
        ("description", result.description.clone()),
    ])
}

fn instruments_table(instruments: &PaymentInstruments) -> String {
    let mut rows = vec![(
        "INSTRUMENT".to_owned(),
        "GROUP".to_owned(),
        "BANKS".to_owned(),
    )];
    for instrument in &instruments.enabled_payment_instruments {
        let banks = instrument
            .enabled_swifts
            .iter()
            .flatten()
            .map(|bank| bank.swift.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        rows.push((
            sanitize(&instrument.payment_instrument.to_string()),
            sanitize(instrument.group.as_deref().unwrap_or_default()),
            sanitize(&banks),
        ));
    }
    let width = |text: &String| text.chars().count();
    let first = rows.iter().map(|row| width(&row.0)).max().unwrap_or(0);
    let second = rows.iter().map(|row| width(&row.1)).max().unwrap_or(0);
    rows.iter()
        .map(|(a, b, c)| {
            format!("{a:<first$}  {b:<second$}  {c}")
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
