//! The enumerations GoPay's request bodies take (GOPAY_API §8), as the simulator's own lists.

/// ISO 4217 currencies GoPay accepts (§8.10).
pub(crate) const CURRENCIES: &[&str] = &["CZK", "EUR", "PLN", "HUF", "GBP", "USD", "RON", "BGN"];

/// Gateway languages (§8.11); GoPay answers them in either case, so they are read in either.
pub(crate) const LANGUAGES: &[&str] = &[
    "CS", "EN", "SK", "DE", "RU", "PL", "HU", "FR", "RO", "BG", "HR", "IT", "ES", "UK", "ET", "LT",
    "LV", "SL", "PT",
];

/// Payment methods (§8.1).
pub(crate) const INSTRUMENTS: &[&str] = &[
    "PAYMENT_CARD",
    "BANK_ACCOUNT",
    "PRSMS",
    "MPAYMENT",
    "PAYSAFECARD",
    "SUPERCASH",
    "GOPAY",
    "PAYPAL",
    "BITCOIN",
    "GPAY",
    "APPLE_PAY",
    "CLICK_TO_PAY",
    "TWISTO",
    "SKIPPAY",
    "ACCOUNT",
    "MASTERPASS",
    "COUPON",
];

/// Buy-now-pay-later variants (§8.2).
pub(crate) const BNPL_TYPES: &[&str] = &["DEFERRED_PAYMENT", "PAY_IN_THREE"];

/// Banks offered for bank transfers: GoPay's current list and its two special values
/// (§8.3; banks GoPay removed are not offered any more).
pub(crate) const SWIFTS: &[&str] = &[
    // Czech Republic.
    "GIBACZPX",
    "KOMBCZPP",
    "CEKOCZPP",
    "RZBCCZPP",
    "BACXCZPP",
    "AGBACZPP",
    "FIOBCZPP",
    "BREXCZPP",
    "AIRACZPP",
    "INGBCZPP",
    "OBKLCZ2X",
    "SUBACZPP",
    "BPPFCZP1",
    "CTASCZ22",
    "EXPNCZPP",
    "JTBPCZPP",
    "PTBNCZPP",
    "RVUALT2VXXX",
    // Slovakia.
    "TATRSKBX",
    "SUBASKBX",
    "UNCRSKBX",
    "GIBASKBX",
    "CEKOSKBX",
    "POBNSKBA",
    "OTPVSKBX",
    "KOMASK2X",
    "CITISKBA",
    "FIOZSKBA",
    "BREXSKBX",
    "INGBSKBX",
    "JTBPSKBA",
    "OBKLSKBA",
    "BSLOSK22",
    "BFKKSKBB",
    "TATRSKBXXXX",
    "KOMBSKBA",
    "POBNSKBAXXX",
    // Poland.
    "BREXPLPW",
    "CITIPLPX",
    "BPKOPLPW-IKO",
    "BPKOPLPW-INTELIGO",
    "IVSEPLPP",
    "BPHKPLPK",
    "TOBAPLPW",
    "VOWAPLP1",
    "GBWCPLPP",
    "POCZPLP4",
    "GOPZPLPW",
    "IEEAPLPA",
    "POLUPLPR",
    "GBGCPLPK-GIO",
    "GBGCPLPK-BLIK",
    "GBGCPLPK-NOB",
    "BREXPLPW-OMB",
    "WBKPPLPP",
    "RCBWPLPW",
    "BPKOPLPW",
    "ALBPPLPW",
    "INGBPLPW",
    "PKOPPLPW",
    "GBGCPLPK",
    "BIGBPLPW",
    "EBOSPLPW",
    "PPABPLPK",
    "AGRIPLPR",
    "DEUTPLPX",
    "DNBANOKK",
    "NBPLPLPW",
    "SOGEPLPW",
    "PBPBPLPW",
    // A transfer without a chosen bank; a QR payment.
    "OTHERS",
    "QRPAYMENT",
];

/// Recurrence cycles (§8.6).
pub(crate) const RECURRENCE_CYCLES: &[&str] = &["DAY", "WEEK", "MONTH", "ON_DEMAND"];

/// Kinds of order rows (§8.9).
pub(crate) const ITEM_TYPES: &[&str] = &["ITEM", "DISCOUNT", "DELIVERY", "POSTAGE"];

/// Account statement formats (§8.13).
pub(crate) const STATEMENT_FORMATS: &[&str] = &[
    "XLS_A", "XLS_B", "XLS_C", "CSV_A", "CSV_B", "CSV_C", "CSV_D", "CSV_E", "ABO_A", "ABO_B",
    "PDF_A",
];

/// Recipients of an e-shop's payment (§5.4: `ACCOUNT` is the only value for e-shops).
pub(crate) const TARGET_TYPES: &[&str] = &["ACCOUNT"];
