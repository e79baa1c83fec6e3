//! The parts every order body shares (GOPAY_API §5.5, §5.8, `additional_params`): order
//! rows, free name/value pairs and the obsolete EET data; and the check that rows add up.

use super::lists::{CURRENCIES, ITEM_TYPES};
use super::object::Object;
use super::schema::{optional, required, Field, Kind, AMOUNT, POSITIVE, TEXT};
use crate::gateway::responses::{FieldError, ITEMS_SUM_MISMATCH};

/// One order row (§5.5).
pub(crate) const ITEM: &[Field] = &[
    optional("type", Kind::OneOf(ITEM_TYPES)),
    required("name", Kind::Text { max: 256 }),
    // The row's total, in minor units; negative for discounts.
    required("amount", AMOUNT),
    optional("count", POSITIVE),
    optional("vat_rate", Kind::Integer { min: 0, max: 100 }),
    optional("ean", Kind::Text { max: 13 }),
    optional("product_url", Kind::Text { max: 512 }),
];

/// One of `additional_params`.
pub(crate) const PARAM: &[Field] = &[required("name", TEXT), required("value", TEXT)];

/// The amounts of the EET object (§5.8), in minor units.
pub(crate) const EET_AMOUNTS: &[&str] = &[
    "celk_trzba",
    "zakl_nepodl_dph",
    "zakl_dan1",
    "dan1",
    "zakl_dan2",
    "dan2",
    "zakl_dan3",
    "dan3",
    "cest_sluz",
    "pouzit_zboz1",
    "pouzit_zboz2",
    "pouzit_zboz3",
    "urceno_cerp_zuct",
    "cerp_zuct",
];

/// The EET object (§5.8; EET was abolished in 2023, GoPay's v3 API still takes it).
pub(crate) const EET: &[Field] = &[
    optional("celk_trzba", AMOUNT),
    optional("zakl_nepodl_dph", AMOUNT),
    optional("zakl_dan1", AMOUNT),
    optional("dan1", AMOUNT),
    optional("zakl_dan2", AMOUNT),
    optional("dan2", AMOUNT),
    optional("zakl_dan3", AMOUNT),
    optional("dan3", AMOUNT),
    optional("cest_sluz", AMOUNT),
    optional("pouzit_zboz1", AMOUNT),
    optional("pouzit_zboz2", AMOUNT),
    optional("pouzit_zboz3", AMOUNT),
    optional("urceno_cerp_zuct", AMOUNT),
    optional("cerp_zuct", AMOUNT),
    optional("dic_poverujiciho", TEXT),
    optional("mena", Kind::OneOf(CURRENCIES)),
];

/// An order row as the simulator reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) item_type: Option<String>,
    pub(crate) name: String,
    pub(crate) amount: i64,
    pub(crate) count: Option<i64>,
    pub(crate) vat_rate: Option<i64>,
    pub(crate) ean: Option<String>,
    pub(crate) product_url: Option<String>,
}

impl Item {
    pub(crate) fn read(row: Object<'_>) -> Item {
        Item {
            item_type: row.text("type"),
            name: row.text("name").unwrap_or_default(),
            amount: row.int("amount").unwrap_or_default(),
            count: row.int("count"),
            vat_rate: row.int("vat_rate"),
            ean: row.text("ean"),
            product_url: row.text("product_url"),
        }
    }
}

/// A name/value pair of `additional_params`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) value: String,
}

impl Param {
    pub(crate) fn read(pair: Object<'_>) -> Param {
        Param {
            name: pair.text("name").unwrap_or_default(),
            value: pair.text("value").unwrap_or_default(),
        }
    }
}

/// EET data as the simulator reads it: the amounts given, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Eet {
    pub(crate) amounts: Vec<(&'static str, i64)>,
    pub(crate) dic_poverujiciho: Option<String>,
    pub(crate) mena: Option<String>,
}

impl Eet {
    pub(crate) fn read(eet: Object<'_>) -> Eet {
        Eet {
            amounts: EET_AMOUNTS
                .iter()
                .filter_map(|name| Some((*name, eet.int(name)?)))
                .collect(),
            dic_poverujiciho: eet.text("dic_poverujiciho"),
            mena: eet.text("mena"),
        }
    }
}

/// The rows of `order`'s `items` (none when it has none).
pub(crate) fn items(order: Object<'_>) -> Vec<Item> {
    order.objects("items").map(Item::read).collect()
}

/// The pairs of `order`'s `additional_params`.
pub(crate) fn params(order: Object<'_>) -> Vec<Param> {
    order
        .objects("additional_params")
        .map(Param::read)
        .collect()
}

/// Error 360 when there are rows and their amounts do not add up to `amount`.
pub(crate) fn items_sum(items: &[Item], amount: i64) -> Option<FieldError> {
    if items.is_empty() {
        return None;
    }
    let sum = items
        .iter()
        .try_fold(0_i64, |sum, item| sum.checked_add(item.amount));
    if sum == Some(amount) {
        return None;
    }
    let sum = sum.map_or_else(|| "more than a long holds".to_owned(), |s| s.to_string());
    Some(FieldError::new(
        ITEMS_SUM_MISMATCH,
        "items",
        format!("the items' amounts add up to {sum}, but amount is {amount}"),
    ))
}
