//! The commands that move money (refund, capture, void-authorization, recur,
//! void-recurrence, delete-card): confirmed first, and on an unknown outcome a hint of what
//! to look at before repeating.

use gopay::{CaptureRequest, Client, Currency, Item, Payment, RecurrenceRequest};
use serde::Serialize;

use crate::args::{Command, Format};
use crate::confirm::{self, Consent};
use crate::failure::Failure;
use crate::output::{money, sanitize, show};
use crate::tables;

/// What a money-moving command will do, from its command line alone (no request needed);
/// `None` for the other commands.
pub fn action(command: &Command) -> Option<String> {
    Some(match command {
        Command::Refund { id, amount, .. } => {
            format!("refund {} of payment {id}", money(*amount, None))
        }
        Command::Capture {
            id,
            amount: Some(amount),
            ..
        } => format!(
            "capture {} of pre-authorised payment {id} and release the rest",
            money(*amount, None)
        ),
        Command::Capture {
            id, amount: None, ..
        } => {
            format!("capture the whole amount of pre-authorised payment {id}")
        }
        Command::VoidAuthorization { id, .. } => {
            format!("release the amount held by pre-authorised payment {id}")
        }
        Command::Recur { id, charge, .. } => format!(
            "charge {} to the payer of recurring payment {id}",
            money(charge.amount, Some(&charge.currency))
        ),
        Command::VoidRecurrence { id, .. } => format!("stop the recurrence of payment {id}"),
        Command::DeleteCard { id, .. } => format!("delete saved card {id}"),
        _ => return None,
    })
}

/// Runs a money-moving `command` once `consent` allows it.
///
/// # Errors
///
/// Exit code 2 when not confirmed (nothing is sent then); the request's failure otherwise,
/// with exit code 5 when GoPay may have carried it out.
pub fn run(
    command: &Command,
    client: &Client,
    consent: Consent,
    format: Format,
) -> Result<String, Failure> {
    let action = action(command).ok_or_else(|| Failure::other("not a money-moving command"))?;
    match consent {
        Consent::Given => {}
        Consent::Impossible => return Err(confirm::refused(&action)),
        Consent::Ask => confirm::ask(&plan(command, client, &action))?,
    }
    match command {
        Command::Refund { id, amount, .. } => {
            let result = client
                .refund_payment(*id, *amount)
                .map_err(|e| Failure::of_change(e, &format!("gopay refunds {id}")))?;
            show(format, &result, tables::result)
        }
        Command::Capture { id, amount, .. } => {
            let result = match amount {
                Some(amount) => client.capture_authorization_partial(
                    *id,
                    &CaptureRequest::new(*amount).item(Item::new("Partial capture", *amount)),
                ),
                None => client.capture_authorization(*id),
            }
            .map_err(|e| {
                Failure::of_change(
                    e,
                    &format!("gopay status {id} (PAID: captured; AUTHORIZED: not)"),
                )
            })?;
            show(format, &result, tables::result)
        }
        Command::VoidAuthorization { id, .. } => {
            let result = client.void_authorization(*id).map_err(|e| {
                Failure::of_change(
                    e,
                    &format!("gopay status {id} (CANCELED: released; AUTHORIZED: still held)"),
                )
            })?;
            show(format, &result, tables::result)
        }
        Command::Recur { id, charge, .. } => {
            let mut next = RecurrenceRequest::new(
                charge.amount,
                charge.currency.clone(),
                charge.order.as_str(),
            )
            .item(charge.item());
            if let Some(description) = &charge.description {
                next = next.order_description(description.as_str());
            }
            let child = client.create_recurrence(*id, &next).map_err(|e| {
                Failure::of_change(
                    e,
                    &format!(
                        "GoPay's account for a payment of order {} with parent {id} \
                         (see also gopay status {id})",
                        sanitize(&charge.order)
                    ),
                )
            })?;
            show(format, &child, tables::payment)
        }
        Command::VoidRecurrence { id, .. } => {
            let result = client.void_recurrence(*id).map_err(|e| {
                Failure::of_change(
                    e,
                    &format!("gopay status {id} (recurrence_state STOPPED: stopped)"),
                )
            })?;
            show(format, &result, tables::result)
        }
        Command::DeleteCard { id, .. } => {
            client.delete_card(*id).map_err(|e| {
                Failure::of_change(e, &format!("gopay card {id} (status DELETED: deleted)"))
            })?;
            let deleted = Deleted {
                card_id: *id,
                deleted: true,
            };
            show(format, &deleted, |d| format!("card {} deleted", d.card_id))
        }
        _ => Err(Failure::other("not a money-moving command")),
    }
}

/// The answer of `delete-card`.
#[derive(Serialize)]
struct Deleted {
    card_id: u64,
    deleted: bool,
}

/// What the person at the terminal is asked to confirm: the action, with what GoPay holds
/// about its payment or card (read first, a request that changes nothing).
fn plan(command: &Command, client: &Client, action: &str) -> Vec<String> {
    let (id, is_card) = match command {
        Command::DeleteCard { id, .. } => (*id, true),
        Command::Refund { id, .. }
        | Command::Capture { id, .. }
        | Command::VoidAuthorization { id, .. }
        | Command::Recur { id, .. }
        | Command::VoidRecurrence { id, .. } => (*id, false),
        _ => return vec![format!("gopay: about to {action}")],
    };
    if is_card {
        let card = match client.get_card_details(id) {
            Ok(card) => format!(
                "card {id}: {} {}, expires {}, status {}",
                sanitize(card.card_brand.as_deref().unwrap_or("?")),
                sanitize(card.card_number.as_deref().unwrap_or("?")),
                sanitize(card.card_expiration.as_deref().unwrap_or("?")),
                card.status.map_or("?".to_owned(), |s| sanitize(s.as_str())),
            ),
            Err(e) => format!(
                "card {id}: could not read it ({})",
                sanitize(&e.to_string())
            ),
        };
        return vec![format!("gopay: about to {action}"), format!("  {card}")];
    }
    match client.get_status(id) {
        Ok(payment) => vec![
            format!(
                "gopay: about to {}",
                with_currency(command, action, &payment)
            ),
            format!("  {}", describe(&payment)),
        ],
        Err(e) => vec![
            format!("gopay: about to {action}"),
            format!(
                "  payment {id}: could not read it ({})",
                sanitize(&e.to_string())
            ),
        ],
    }
}

/// The action again, with the payment's currency now that it is known.
fn with_currency(command: &Command, action: &str, payment: &Payment) -> String {
    let currency: Option<&Currency> = payment.currency.as_ref();
    match command {
        Command::Refund { id, amount, .. } => {
            format!("refund {} of payment {id}", money(*amount, currency))
        }
        Command::Capture {
            id,
            amount: Some(amount),
            ..
        } => format!(
            "capture {} of pre-authorised payment {id} and release the rest",
            money(*amount, currency)
        ),
        _ => action.to_owned(),
    }
}

/// One line about a payment: order, amount, state.
fn describe(payment: &Payment) -> String {
    format!(
        "payment {}: order {}, {}, state {}",
        payment.id,
        sanitize(payment.order_number.as_deref().unwrap_or("?")),
        payment.amount.map_or("amount ?".to_owned(), |amount| money(
            amount,
            payment.currency.as_ref()
        )),
        payment
            .state
            .as_ref()
            .map_or("?".to_owned(), |s| sanitize(s.as_str())),
    )
}
