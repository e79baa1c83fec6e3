//! The command line: options, subcommands and the parsers of their values.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use gopay::{Currency, Item, QrFormat, RecurrenceCycle, StatementFormat};

/// The exit codes, as `--help` lists them.
const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  anything else (e.g. an output file could not be written)
  2  usage or configuration error, or a money-moving command not confirmed
  3  GoPay refused the request (API error, authentication, invalid input)
  4  no usable answer (transport error, timeout, GoPay unavailable, undecodable answer)
  5  outcome unknown: a command that changes something at GoPay got no usable answer after
     its request was sent, so GoPay may have carried it out; look before repeating it
     (the error line says how, e.g. `gopay refunds ID`)
A closed stdout (a reader that stopped early, as in `gopay status ID | head -c1`) changes
none of these: the output stops there, quietly, and the command exits with the code it
had anyway (0 for a refund that was made, whether or not its answer was read).

Commands that move money (refund, capture, void-authorization, recur, void-recurrence,
delete-card) say what they will do and ask `Proceed? [y/N]` on the terminal; --yes skips
the question. Without a terminal on stdin they need --yes, and refuse (exit 2) without it.";

/// Command-line client for the GoPay payment gateway (REST API v3).
///
/// Credentials come from GOPAY_GOID, GOPAY_CLIENT_ID, GOPAY_CLIENT_SECRET and
/// GOPAY_GATEWAY_URL (`sandbox`, `production` or the gateway's URL), all four required.
/// Amounts are in minor units (10000 = 100.00).
#[derive(Parser, Debug)]
#[command(name = "gopay", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// How to print the answer (also accepted after most subcommands).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Directory of the token cache [default: $GOPAY_CACHE_DIR, else ~/.cache/gopay].
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,

    /// The bound on each call to GoPay, token request and retries included [default: 30].
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout, global = true)]
    pub timeout: Option<Duration>,

    /// Do not ask before a command that moves money: the command line is the confirmation.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The output format: the subcommand's `--format`, else the one before it, else JSON.
    pub fn output_format(&self) -> Format {
        let after = match &self.command {
            Command::Check(out)
            | Command::Status { out, .. }
            | Command::Create { out, .. }
            | Command::Refund { out, .. }
            | Command::Refunds { out, .. }
            | Command::Capture { out, .. }
            | Command::VoidAuthorization { out, .. }
            | Command::Recur { out, .. }
            | Command::VoidRecurrence { out, .. }
            | Command::Card { out, .. }
            | Command::DeleteCard { out, .. }
            | Command::Instruments { out, .. } => out.format,
            // Their own --format is the file's.
            Command::Statement { .. } | Command::Qr { .. } | Command::Completions { .. } => None,
        };
        after.or(self.format).unwrap_or(Format::Json)
    }
}

/// What `create` and `recur` charge: an amount in a currency for one order, as one order
/// row of the whole amount.
#[derive(Args, Debug)]
pub struct Charge {
    /// Amount in minor units (10000 = 100.00).
    #[arg(long, value_parser = amount())]
    pub amount: i64,
    /// Currency: CZK, EUR, PLN, HUF, GBP, USD, RON or BGN.
    #[arg(long, value_parser = parse_currency)]
    pub currency: Currency,
    /// The shop's order number.
    #[arg(long)]
    pub order: String,
    /// Order description (also the order row's name).
    #[arg(long)]
    pub description: Option<String>,
}

impl Charge {
    /// The one order row: the whole amount, named after the description, else the order.
    pub fn item(&self) -> Item {
        let name = self
            .description
            .clone()
            .unwrap_or_else(|| format!("Order {}", self.order));
        Item::new(name, self.amount)
    }
}

/// How answers are printed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The answer as GoPay's JSON.
    Json,
    /// A short table for people.
    Table,
}

/// `--format` after a subcommand whose answer is printed.
#[derive(Args, Debug, Default)]
pub struct Output {
    /// How to print the answer [default: json].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
}

/// A payment id (positive).
fn payment_id() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..)
}

/// An amount in minor units (positive).
fn amount() -> clap::builder::RangedI64ValueParser<i64> {
    clap::value_parser!(i64).range(1..)
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check that GoPay accepts the credentials.
    ///
    /// Asks GoPay for a fresh token, whatever the token cache holds, so a wrong secret
    /// shows at once. Prints "credentials OK" (JSON: {"ok":true}); exits 3 when GoPay
    /// refuses the credentials.
    Check(Output),
    /// Show a payment's state.
    Status {
        /// The payment id.
        #[arg(value_parser = payment_id())]
        id: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Create a payment and print it, with the gateway URL to send the customer to.
    ///
    /// The payment gets one order row of the whole amount, named after the description.
    /// Creating charges nobody (the customer pays on the gateway), so it asks nothing.
    Create {
        #[command(flatten)]
        charge: Charge,
        /// Where the customer returns after paying (needs --notify-url).
        #[arg(long, requires = "notify_url")]
        return_url: Option<String>,
        /// Where GoPay sends its notifications (needs --return-url).
        #[arg(long, requires = "return_url")]
        notify_url: Option<String>,
        /// The payer's e-mail.
        #[arg(long)]
        email: Option<String>,
        /// Only hold the amount on the card; `capture` or `void-authorization` settles it.
        #[arg(long)]
        preauthorize: bool,
        /// Make it the first payment of a recurrence: on-demand (charged by `recur`), or
        /// automatic every --recurrence-period days, weeks or months.
        #[arg(long, value_enum, requires = "recurrence_until")]
        recurrence: Option<RecurrenceKind>,
        /// Periods between automatic recurring payments.
        #[arg(long, value_name = "N", default_value_t = 1,
              value_parser = clap::value_parser!(u32).range(1..))]
        recurrence_period: u32,
        /// Last day of the recurrence, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "recurrence")]
        recurrence_until: Option<String>,
        /// Ask GoPay to save the payer's card (see `card`, `delete-card`).
        #[arg(long)]
        save_card: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Refund part or all of a paid payment (moves money: asks first).
    Refund {
        /// The payment id.
        #[arg(value_parser = payment_id())]
        id: u64,
        /// Amount to refund in minor units.
        #[arg(value_parser = amount())]
        amount: i64,
        #[command(flatten)]
        out: Output,
    },
    /// List the refunds of a payment.
    Refunds {
        /// The payment id.
        #[arg(value_parser = payment_id())]
        id: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Capture a pre-authorised payment, in full or --amount of it (moves money: asks first).
    ///
    /// A partial capture releases the rest of the held amount.
    Capture {
        /// The payment id.
        #[arg(value_parser = payment_id())]
        id: u64,
        /// Capture only this much (minor units).
        #[arg(long, value_parser = amount())]
        amount: Option<i64>,
        #[command(flatten)]
        out: Output,
    },
    /// Release the amount held by a pre-authorised payment (asks first).
    VoidAuthorization {
        /// The payment id.
        #[arg(value_parser = payment_id())]
        id: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Charge the next payment of an on-demand recurrence (moves money: asks first).
    ///
    /// ID is the paid first payment, created with `--recurrence on-demand`. Prints the new
    /// payment.
    Recur {
        /// The first payment's id.
        #[arg(value_parser = payment_id())]
        id: u64,
        #[command(flatten)]
        charge: Charge,
        #[command(flatten)]
        out: Output,
    },
    /// Stop a recurrence: no further payments are charged (asks first).
    VoidRecurrence {
        /// The first payment's id.
        #[arg(value_parser = payment_id())]
        id: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Show a saved card.
    Card {
        /// The card id (a payment's `payer.card_id`).
        #[arg(value_parser = payment_id())]
        id: u64,
        #[command(flatten)]
        out: Output,
    },
    /// Delete a saved card (asks first).
    DeleteCard {
        /// The card id.
        #[arg(value_parser = payment_id())]
        id: u64,
        #[command(flatten)]
        out: Output,
    },
    /// List the payment methods enabled for a currency, or for every currency.
    Instruments {
        /// Currency: CZK, EUR, PLN, HUF, GBP, USD, RON or BGN [default: all].
        #[arg(value_parser = parse_currency)]
        currency: Option<Currency>,
        #[command(flatten)]
        out: Output,
    },
    /// Download an account statement into a file.
    ///
    /// Without --output (or with `--output -`) the file goes to stdout, which must not be
    /// a terminal. With --output, prints where it went (JSON, or a line with the top-level
    /// `--format table`).
    Statement {
        /// First day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: String,
        /// The account's currency.
        #[arg(long, value_parser = parse_currency)]
        currency: Currency,
        /// File format: csv-a … csv-e, xls-a … xls-c, abo-a, abo-b, pdf-a.
        #[arg(long, value_name = "FILE_FORMAT", default_value = "csv-a",
              value_parser = parse_statement_format)]
        format: StatementFormat,
        /// Where to write it (`-`: stdout).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Show the QR payment details of a payment, or write its QR image to a file.
    Qr {
        /// The payment id.
        #[arg(value_parser = payment_id())]
        id: u64,
        /// Image format.
        #[arg(long, value_enum, value_name = "IMAGE_FORMAT")]
        format: Option<ImageFormat>,
        /// Write the QR image here (`-`: stdout, which must not be a terminal) instead of
        /// printing the details.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Which QR code to write [default: the first GoPay sent].
        #[arg(long, value_enum, requires = "output")]
        code: Option<QrCode>,
    },
    /// Print the completion script of a shell.
    ///
    /// bash: `gopay completions bash > ~/.local/share/bash-completion/completions/gopay`;
    /// zsh: into a directory of $fpath as `_gopay`; fish: into
    /// ~/.config/fish/completions/gopay.fish.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Kinds of recurrence `create` starts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RecurrenceKind {
    /// Charged whenever the shop runs `recur`.
    OnDemand,
    /// Every --recurrence-period days.
    Day,
    /// Every --recurrence-period weeks.
    Week,
    /// Every --recurrence-period months.
    Month,
}

impl RecurrenceKind {
    /// GoPay's cycle.
    pub fn cycle(self) -> RecurrenceCycle {
        match self {
            RecurrenceKind::OnDemand => RecurrenceCycle::OnDemand,
            RecurrenceKind::Day => RecurrenceCycle::Day,
            RecurrenceKind::Week => RecurrenceCycle::Week,
            RecurrenceKind::Month => RecurrenceCycle::Month,
        }
    }
}

/// Image formats of QR codes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImageFormat {
    /// PNG (GoPay's default).
    Png,
    /// SVG.
    Svg,
}

impl ImageFormat {
    /// GoPay's name for it.
    pub fn gopay(self) -> QrFormat {
        match self {
            ImageFormat::Png => QrFormat::Png,
            ImageFormat::Svg => QrFormat::Svg,
        }
    }
}

/// The QR codes GoPay may send for a payment.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum QrCode {
    /// Czech QR Platba (CZK).
    Spayd,
    /// Slovak PAY by square.
    Paybysquare,
    /// EPC / SEPA (EUR).
    Sepa,
    /// Hungarian MNB (HUF).
    MnbQr,
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

/// `csv-a` or `CSV_A`.
fn parse_statement_format(text: &str) -> Result<StatementFormat, String> {
    let format: StatementFormat = text
        .to_ascii_uppercase()
        .replace('-', "_")
        .parse()
        .unwrap_or_else(|never| match never {});
    if format.is_unknown() {
        let known: Vec<String> = StatementFormat::KNOWN
            .iter()
            .map(|f| f.as_str().to_ascii_lowercase().replace('_', "-"))
            .collect();
        return Err(format!("expected one of {}", known.join(", ")));
    }
    Ok(format)
}

/// `YYYY-MM-DD`, digits only (the day itself is GoPay's to judge).
fn parse_date(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let well_formed = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if well_formed {
        Ok(text.to_owned())
    } else {
        Err("expected a date written YYYY-MM-DD".to_owned())
    }
}

/// Seconds, fractions allowed, more than zero and at most a day (the client's bounds).
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| "expected a number of seconds".to_owned())?;
    if seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err("expected more than 0 and at most 86400 seconds".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definitions_hold_together() {
        Cli::command().debug_assert();
    }

    #[test]
    fn values_are_parsed_strictly() {
        assert_eq!(parse_statement_format("csv-a"), Ok(StatementFormat::CsvA));
        assert_eq!(parse_statement_format("ABO_B"), Ok(StatementFormat::AboB));
        assert!(parse_statement_format("csv-z").is_err());
        assert_eq!(parse_date("2025-01-31").as_deref(), Ok("2025-01-31"));
        for bad in ["2025-1-31", "2025/01/31", "2025-01-3\u{1}", ""] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_timeout("0.5"), Ok(Duration::from_millis(500)));
        for bad in ["0", "-1", "nan", "inf", "86401", "x"] {
            assert!(parse_timeout(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_currency("eur"), Ok(Currency::Eur));
        assert!(parse_currency("XYZ").is_err());
    }

    #[test]
    fn format_after_the_subcommand_wins() {
        let cli = Cli::parse_from(["gopay", "--format", "table", "status", "1"]);
        assert_eq!(cli.output_format(), Format::Table);
        let cli = Cli::parse_from([
            "gopay", "--format", "table", "status", "1", "--format", "json",
        ]);
        assert_eq!(cli.output_format(), Format::Json);
        let cli = Cli::parse_from([
            "gopay",
            "statement",
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "--currency",
            "CZK",
            "--format",
            "xls-a",
        ]);
        assert_eq!(cli.output_format(), Format::Json);
    }
}
