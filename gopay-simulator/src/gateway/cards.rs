//! The simulated payer's card and bank account, and saved (tokenised) cards.

use crate::state::clock::Date;
use crate::state::ids::Exhausted;
use crate::state::random::Random;
use crate::state::store::Store;
use gopay::{BankAccount, Card, CardStatus, Contact, PaymentCard, ThreeDsResult};

const MASKED_PAN: &str = "444444******4448";
const BRAND: &str = "VISA";
const ISSUER_COUNTRY: &str = "CZE";
const ISSUER_BANK: &str = "SIMULATED BANK, A.S.";

/// The card a simulated customer pays with: saved when `save` (request_card_token), reused
/// when `token` names an active saved card. Returns the card's details and its saved id.
///
/// # Errors
///
/// [`Exhausted`] when a card is to be saved and every card id has been handed out.
pub(crate) fn card_for_payment(
    store: &mut Store,
    random: &Random,
    token: Option<&str>,
    save: bool,
) -> Result<(PaymentCard, Option<u64>), Exhausted> {
    if let Some(token) = token {
        let saved = store.cards.values().find(|card| {
            card.status == Some(CardStatus::Active) && card.card_token.as_deref() == Some(token)
        });
        if let Some(card) = saved {
            return Ok((details_of(card), Some(card.card_id)));
        }
    }
    let fingerprint = random.hex(8);
    let expiry = expiration();
    let mut details = PaymentCard::default();
    details.card_number = Some(MASKED_PAN.into());
    details.card_expiration = Some(expiry.clone());
    details.card_brand = Some(BRAND.into());
    details.card_issuer_country = Some(ISSUER_COUNTRY.into());
    details.card_issuer_bank = Some(ISSUER_BANK.into());
    details.three_ds_result = Some(ThreeDsResult::Authenticated);
    details.card_fingerprint = Some(fingerprint.clone());
    if !save {
        return Ok((details, None));
    }
    let card_id = store.new_card_id()?;
    let card_token = random.card_token();
    details.card_token = Some(card_token.clone());
    store.cards.insert(
        card_id,
        Card::new(card_id)
            .card_number(MASKED_PAN)
            .card_expiration(expiry)
            .card_brand(BRAND)
            .card_issuer_country(ISSUER_COUNTRY)
            .card_issuer_bank(ISSUER_BANK)
            .card_fingerprint(fingerprint)
            .card_token(card_token)
            .status(CardStatus::Active)
            .real_masked_pan(MASKED_PAN),
    );
    Ok((details, Some(card_id)))
}

fn details_of(card: &Card) -> PaymentCard {
    let mut details = PaymentCard::default();
    details.card_number = card.card_number.clone();
    details.card_expiration = card.card_expiration.clone();
    details.card_brand = card.card_brand.clone();
    details.card_issuer_country = card.card_issuer_country.clone();
    details.card_issuer_bank = card.card_issuer_bank.clone();
    details.card_token = card.card_token.clone();
    details.three_ds_result = Some(ThreeDsResult::Authenticated);
    details.card_fingerprint = card.card_fingerprint.clone();
    details
}

/// `YYMM` of December four years from now.
fn expiration() -> String {
    let year = Date::today().year() + 4;
    format!("{:02}12", year.rem_euclid(100))
}

/// The bank account a simulated customer transfers from.
pub(crate) fn bank_account(contact: Option<&Contact>) -> BankAccount {
    let name = contact
        .and_then(|c| match (&c.first_name, &c.last_name) {
            (Some(first), Some(last)) => Some(format!("{first} {last}")),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        })
        .unwrap_or_else(|| "SIMULATED PAYER".into());
    let mut account = BankAccount::default();
    account.prefix = Some("000000".into());
    account.account_number = Some("2345678901".into());
    account.bank_code = Some("0800".into());
    account.iban = Some("CZ6508000000002345678901".into());
    account.bic = Some("GIBACZPX".into());
    account.account_name = Some(name.to_uppercase());
    account
}

/// Marks a saved card deleted (its token stops working); `false` when there is no such card.
pub(crate) fn delete(store: &mut Store, card_id: u64) -> bool {
    match store.cards.get_mut(&card_id) {
        Some(card) => {
            card.status = Some(CardStatus::Deleted);
            card.card_token = None;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_cards_are_reused_by_token_until_deleted() {
        let mut store = Store::new();
        let random = Random::new();
        let (plain, none) = card_for_payment(&mut store, &random, None, false).unwrap();
        assert!(none.is_none() && plain.card_token.is_none());
        assert_eq!(plain.card_expiration.as_deref().map(str::len), Some(4));
        let (saved, id) = card_for_payment(&mut store, &random, None, true).unwrap();
        let id = id.unwrap();
        let token = saved.card_token.clone().unwrap();
        let (again, same) = card_for_payment(&mut store, &random, Some(&token), false).unwrap();
        assert_eq!(same, Some(id));
        assert_eq!(again.card_fingerprint, saved.card_fingerprint);
        assert!(delete(&mut store, id));
        assert!(!delete(&mut store, id + 100));
        let (_, other) = card_for_payment(&mut store, &random, Some(&token), false).unwrap();
        assert_eq!(other, None);
        assert_eq!(store.cards[&id].status, Some(CardStatus::Deleted));
    }

    #[test]
    fn bank_account_names_the_payer() {
        let contact = Contact::new().first_name("Jan").last_name("Novák");
        assert_eq!(
            bank_account(Some(&contact)).account_name.as_deref(),
            Some("JAN NOVÁK")
        );
        assert_eq!(
            bank_account(None).account_name.as_deref(),
            Some("SIMULATED PAYER")
        );
    }
}
