//! Running a command line: the order of the checks, and the commands that move no money.

use base64::Engine as _;
use clap::CommandFactory;
use gopay::{
    AccountStatementRequest, Client, Payer, PaymentRequest, QrCodes, Recurrence, RecurrenceCycle,
};
use serde::Serialize;

use crate::args::{Cli, Command, Format, QrCode};
use crate::confirm::{self, Consent};
use crate::failure::Failure;
use crate::files::{written_table, Sink, Written};
use crate::output::{self, sanitize, show};
use crate::{moves, setup, tables};

/// Runs `cli` and returns what to print on stdout (`None`: already written there).
///
/// Everything that can be refused without GoPay is refused before the first request: a
/// money-moving command nobody can confirm, binary data bound for a terminal, settings
/// missing from the environment.
///
/// # Errors
///
/// The failure and its exit code.
pub fn run(cli: &Cli) -> Result<Option<String>, Failure> {
    let format = cli.output_format();
    if let Command::Completions { shell } = &cli.command {
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut Cli::command(), "gopay", &mut script);
        return output::to_stdout(&script).map(|()| None);
    }
    if let Some(action) = moves::action(&cli.command) {
        let consent = Consent::of_run(cli.yes);
        if consent == Consent::Impossible {
            return Err(confirm::refused(&action));
        }
        let client = setup::client(cli)?;
        return moves::run(&cli.command, &client, consent, format).map(Some);
    }
    let sink = match &cli.command {
        Command::Statement { output, .. } => {
            Some(Sink::choose(output.as_deref(), "an account statement")?)
        }
        Command::Qr {
            output: Some(output),
            ..
        } => Some(Sink::choose(Some(output), "a QR image")?),
        _ => None,
    };
    let client = setup::client(cli)?;
    match sink {
        Some(sink) => download(&cli.command, &client, &sink, format),
        None => read(&cli.command, &client, format).map(Some),
    }
}

/// The commands that print an answer and move no money.
fn read(command: &Command, client: &Client, format: Format) -> Result<String, Failure> {
    match command {
        Command::Check(_) => {
            client.check_credentials()?;
            show(format, &CheckAnswer { ok: true }, |_| {
                "credentials OK".to_owned()
            })
        }
        Command::Status { id, .. } => show(format, &client.get_status(*id)?, tables::payment),
        Command::Create { charge, .. } => {
            let request = payment_request(command)?;
            let payment = client.create_payment(&request).map_err(|e| {
                Failure::of_change(
                    e,
                    &format!(
                        "GoPay's account for a payment of order {}",
                        sanitize(&charge.order)
                    ),
                )
            })?;
            show(format, &payment, tables::payment)
        }
        Command::Refunds { id, .. } => show(
            format,
            client.get_history_of_refunds(*id)?.as_slice(),
            tables::refunds,
        ),
        Command::Card { id, .. } => show(format, &client.get_card_details(*id)?, tables::card),
        Command::Instruments { currency, .. } => {
            let instruments = match currency {
                Some(currency) => client.get_payment_instruments(currency.clone())?,
                None => client.get_payment_instruments_all()?,
            };
            show(format, &instruments, tables::instruments)
        }
        Command::Qr {
            id, format: image, ..
        } => show(
            format,
            &client.get_qr_payment(*id, image.map(|f| f.gopay()))?,
            tables::qr,
        ),
        _ => Err(Failure::other("not a command that prints an answer")),
    }
}

/// The answer of `check`.
#[derive(Serialize)]
struct CheckAnswer {
    ok: bool,
}

/// The payment `create` asks for.
fn payment_request(command: &Command) -> Result<PaymentRequest, Failure> {
    let Command::Create {
        charge,
        return_url,
        notify_url,
        email,
        preauthorize,
        recurrence,
        recurrence_period,
        recurrence_until,
        save_card,
        ..
    } = command
    else {
        return Err(Failure::other("not the create command"));
    };
    let mut request = PaymentRequest::new(
        charge.amount,
        charge.currency.clone(),
        charge.order.as_str(),
    )
    .item(charge.item());
    if let Some(description) = &charge.description {
        request = request.order_description(description.as_str());
    }
    if let (Some(return_url), Some(notify_url)) = (return_url, notify_url) {
        request = request.callback(return_url.as_str(), notify_url.as_str());
    }
    if let Some(email) = email {
        request = request.contact_email(email.as_str());
    }
    if *preauthorize {
        request = request.preauthorization(true);
    }
    if let (Some(kind), Some(until)) = (recurrence, recurrence_until) {
        request = request.recurrence(match kind.cycle() {
            RecurrenceCycle::OnDemand => Recurrence::on_demand(until.as_str()),
            cycle => Recurrence::periodic(cycle, *recurrence_period, until.as_str()),
        });
    }
    if *save_card {
        request
            .payer
            .get_or_insert_with(Payer::default)
            .request_card_token = Some(true);
    }
    Ok(request)
}

/// The commands that download a file: a statement, a QR image.
fn download(
    command: &Command,
    client: &Client,
    sink: &Sink,
    format: Format,
) -> Result<Option<String>, Failure> {
    let (bytes, report) = match command {
        Command::Statement {
            from,
            to,
            currency,
            format: file_format,
            ..
        } => {
            let request = AccountStatementRequest::new(
                from.as_str(),
                to.as_str(),
                client.config().goid(),
                currency.clone(),
                file_format.clone(),
            );
            (client.get_account_statement(&request)?, None)
        }
        Command::Qr {
            id,
            format: image,
            code,
            ..
        } => {
            let qr = client.get_qr_payment(*id, image.map(|f| f.gopay()))?;
            let (name, bytes) = qr_image(qr.qr_code.as_ref(), *code)?;
            (bytes, Some(name))
        }
        _ => return Err(Failure::other("not a download")),
    };
    let Some(written) = sink.write(&bytes)? else {
        return Ok(None);
    };
    match report {
        None => show(format, &written, written_table).map(Some),
        Some(code) => {
            let written = WrittenQr { written, code };
            show(format, &written, |w| {
                format!("{} ({} QR code)", written_table(&w.written), w.code)
            })
            .map(Some)
        }
    }
}

/// The answer of `qr --output FILE`.
#[derive(Serialize)]
struct WrittenQr {
    #[serde(flatten)]
    written: Written,
    code: &'static str,
}

/// The image of `wanted`, else of the first code GoPay sent, decoded from base64.
fn qr_image(
    codes: Option<&QrCodes>,
    wanted: Option<QrCode>,
) -> Result<(&'static str, Vec<u8>), Failure> {
    let empty = QrCodes::default();
    let codes = codes.unwrap_or(&empty);
    let all = [
        (QrCode::Spayd, "spayd", &codes.spayd),
        (QrCode::Paybysquare, "paybysquare", &codes.paybysquare),
        (QrCode::Sepa, "sepa", &codes.sepa),
        (QrCode::MnbQr, "mnb-qr", &codes.mnb_qr),
    ];
    let found = all
        .iter()
        .filter(|(code, _, _)| wanted.is_none_or(|wanted| wanted == *code))
        .find_map(|(_, name, image)| Some((*name, image.as_deref()?)));
    let Some((name, image)) = found else {
        return Err(Failure::no_answer(match wanted {
            Some(_) => "GoPay sent no QR image of that kind for this payment",
            None => "GoPay sent no QR image for this payment",
        }));
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(image.trim())
        .map_err(|e| Failure::no_answer(format!("GoPay's {name} QR image is not base64: {e}")))?;
    Ok((name, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_image_picks_the_wanted_or_first_code() {
        // Answers are decoded, never built: fill a default one as a decoded answer would be.
        let mut codes = QrCodes::default();
        codes.sepa = Some("iVBORw0KGgo=".into());
        codes.mnb_qr = Some("PHN2Zz4=".into());
        let (name, bytes) = qr_image(Some(&codes), None).unwrap();
        assert_eq!(
            (name, bytes.as_slice()),
            ("sepa", &b"\x89PNG\r\n\x1a\n"[..])
        );
        let (name, bytes) = qr_image(Some(&codes), Some(QrCode::MnbQr)).unwrap();
        assert_eq!((name, bytes.as_slice()), ("mnb-qr", &b"<svg>"[..]));
        assert_eq!(
            qr_image(Some(&codes), Some(QrCode::Spayd))
                .unwrap_err()
                .code,
            4
        );
        assert_eq!(qr_image(None, None).unwrap_err().code, 4);
        let mut broken = QrCodes::default();
        broken.spayd = Some("not base64!".into());
        assert_eq!(qr_image(Some(&broken), None).unwrap_err().code, 4);
    }
}
