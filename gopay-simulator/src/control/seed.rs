//! Seeding: the bodies `POST /_simulator/payments` and `POST /_simulator/cards` take, and the
//! seed file (`--seed FILE`), a list of such bodies stored at start and again at every reset.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::control::ops;
use crate::gateway::responses::{Refusal, INVALID_REQUEST};
use crate::state::file::{self, FileError, Links};
use crate::state::store::Store;
use crate::Error;
use gopay::{Card, Payment};

fn bad_request(message: impl Into<String>) -> Refusal {
    Refusal::global(400, INVALID_REQUEST, message)
}

/// A seeded payment as the control API takes it: a payment as GoPay answers it, plus
/// optionally `"notification_url"` (where its notifications go); a `"request"` key (as
/// `GET /_simulator/payments` shows) is ignored, so a listed payment can be seeded again.
pub(crate) fn payment_body(mut value: Value) -> Result<(Payment, Option<String>), Refusal> {
    let Some(fields) = value.as_object_mut() else {
        return Err(bad_request("the body must be a JSON object"));
    };
    let notification_url = match fields.remove("notification_url") {
        None | Some(Value::Null) => None,
        Some(Value::String(url)) => Some(url),
        Some(_) => return Err(bad_request("notification_url must be a string")),
    };
    fields.remove("request");
    let payment: Payment = serde_json::from_value(value)
        .map_err(|e| bad_request(format!("not a payment as GoPay answers it: {e}")))?;
    if payment.id == 0 {
        return Err(bad_request("a seeded payment needs an id greater than 0"));
    }
    Ok((payment, notification_url))
}

/// A seeded card as the control API takes it: a card as GoPay's card details call answers
/// it.
pub(crate) fn card_body(value: Value) -> Result<Card, Refusal> {
    let card: Card = serde_json::from_value(value)
        .map_err(|e| bad_request(format!("not a card as GoPay answers it: {e}")))?;
    if card.card_id == 0 {
        return Err(bad_request("a seeded card needs a card_id greater than 0"));
    }
    Ok(card)
}

/// The seed file as written: each entry is read by the control API's own readers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    #[serde(default)]
    payments: Vec<Value>,
    #[serde(default)]
    cards: Vec<Value>,
}

/// The payments and cards of a seed file, checked as the control API checks them.
#[derive(Clone, Debug)]
pub(crate) struct Seed {
    path: PathBuf,
    payments: Vec<(Payment, Option<String>)>,
    cards: Vec<Card>,
}

impl Seed {
    /// Reads and checks the seed file at `path`.
    ///
    /// # Errors
    ///
    /// [`Error::File`] (file `"seed"`) when it cannot be read, is not
    /// `{"payments": [...], "cards": [...]}`, or an entry is refused (named by its index).
    pub(crate) fn read(path: &Path) -> Result<Seed, Error> {
        let bytes = file::read(path, Links::Follow).map_err(|e| e.into_error("seed", path))?;
        let shape = |why: String| {
            FileError::Format(format!(
                "is not {{\"payments\": [...], \"cards\": [...]}}{why}"
            ))
            .into_error("seed", path)
        };
        if !file::is_object(&bytes) {
            return Err(shape(String::new()));
        }
        let written: SeedFile =
            serde_json::from_slice(&bytes).map_err(|e| shape(format!(": {e}")))?;
        let mut seed = Seed {
            path: path.to_owned(),
            payments: Vec::with_capacity(written.payments.len()),
            cards: Vec::with_capacity(written.cards.len()),
        };
        for (index, value) in written.payments.into_iter().enumerate() {
            let payment = payment_body(value).map_err(|r| seed.refused("payments", index, &r))?;
            seed.payments.push(payment);
        }
        for (index, value) in written.cards.into_iter().enumerate() {
            let card = card_body(value).map_err(|r| seed.refused("cards", index, &r))?;
            seed.cards.push(card);
        }
        Ok(seed)
    }

    /// A store holding the seeded payments and cards, stored in the file's order (a later
    /// entry replaces an earlier one of its id) as `POST /_simulator/payments` and `/cards`
    /// store them, for the simulator at `origin`.
    ///
    /// # Errors
    ///
    /// [`Error::File`] (file `"seed"`) naming the first entry whose id leaves no room for
    /// later ids.
    pub(crate) fn store(&self, origin: &str) -> Result<Store, Error> {
        let mut store = Store::new();
        for (index, (payment, notification_url)) in self.payments.iter().enumerate() {
            ops::seed_into(
                &mut store,
                origin,
                payment.clone(),
                notification_url.clone(),
            )
            .map_err(|no_room| self.refused("payments", index, &no_room.into()))?;
        }
        for (index, card) in self.cards.iter().enumerate() {
            store
                .seed_card(card.clone())
                .map_err(|no_room| self.refused("cards", index, &no_room.into()))?;
        }
        Ok(store)
    }

    /// The error for entry `index` of `list`, refused as the control API refuses it.
    fn refused(&self, list: &str, index: usize, refusal: &Refusal) -> Error {
        FileError::Format(format!("{list}[{index}] is refused: {}", refusal.text()))
            .into_error("seed", &self.path)
    }
}
