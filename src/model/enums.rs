//! Wire-string enums of the GoPay API, each with an `Unknown(String)` fallback.

/// Exact comparison of a received string with a wire value.
pub(crate) fn exact_match(received: &str, wire: &str) -> bool {
    received == wire
}

/// ASCII case-insensitive comparison of a received string with a wire value.
pub(crate) fn ignore_ascii_case(received: &str, wire: &str) -> bool {
    received.eq_ignore_ascii_case(wire)
}

/// Defines an enum whose values travel as strings, with known variants plus
/// `Unknown(String)` for values this crate does not know yet.
///
/// Generated: `as_str`, `is_unknown`, `KNOWN`, `Display`, infallible `FromStr`,
/// `Serialize` (the wire string) and `Deserialize` (unknown strings become
/// `Unknown` verbatim, so they serialise back unchanged). Start the body with
/// `@ignore_case` to match received strings ASCII case-insensitively.
macro_rules! string_enum {
    (@ignore_case $($rest:tt)*) => {
        string_enum!(@impl $crate::model::enums::ignore_ascii_case; $($rest)*);
    };
    (
        @impl $matcher:path;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept verbatim.
            Unknown(String),
        }

        #[cfg_attr(feature = "eet", allow(deprecated))]
        impl $name {
            /// Every known (non-`Unknown`) value, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The string sent on the wire for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other.as_str(),
                }
            }

            /// True for a value this crate does not know (`Unknown`).
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }

            fn from_known(received: &str) -> Option<$name> {
                $(
                    if $matcher(received, $wire) {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        #[cfg_attr(feature = "eet", allow(deprecated))]
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg_attr(feature = "eet", allow(deprecated))]
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> Result<$name, ::std::convert::Infallible> {
                Ok($name::from_known(s).unwrap_or_else(|| $name::Unknown(s.to_owned())))
            }
        }

        #[cfg_attr(feature = "eet", allow(deprecated))]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg_attr(feature = "eet", allow(deprecated))]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                struct WireVisitor;

                impl ::serde::de::Visitor<'_> for WireVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }

                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_known(v).unwrap_or_else(|| $name::Unknown(v.to_owned())))
                    }

                    fn visit_string<E: ::serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok(match $name::from_known(&v) {
                            Some(known) => known,
                            None => $name::Unknown(v),
                        })
                    }
                }

                deserializer.deserialize_str(WireVisitor)
            }
        }
    };
    ($($rest:tt)*) => {
        string_enum!(@impl $crate::model::enums::exact_match; $($rest)*);
    };
}
// Used by the v4 models too.
#[allow(unused_imports)]
pub(crate) use string_enum;

string_enum! {
    /// ISO 4217 currency of a payment (`currency`).
    pub enum Currency {
        /// Czech koruna.
        Czk = "CZK",
        /// Euro.
        Eur = "EUR",
        /// Polish złoty.
        Pln = "PLN",
        /// Hungarian forint.
        Huf = "HUF",
        /// Pound sterling.
        Gbp = "GBP",
        /// US dollar.
        Usd = "USD",
        /// Romanian leu.
        Ron = "RON",
        /// Bulgarian lev.
        Bgn = "BGN",
    }
}

string_enum! {
    @ignore_case
    /// Language of the payment gateway UI (`lang`).
    ///
    /// Encoded in upper case (`"CS"`); decoded case-insensitively because GoPay
    /// answers with both `"cs"` and `"CS"`.
    pub enum Language {
        /// Czech.
        Cs = "CS",
        /// English.
        En = "EN",
        /// Slovak.
        Sk = "SK",
        /// German.
        De = "DE",
        /// Russian.
        Ru = "RU",
        /// Polish.
        Pl = "PL",
        /// Hungarian.
        Hu = "HU",
        /// French.
        Fr = "FR",
        /// Romanian.
        Ro = "RO",
        /// Bulgarian.
        Bg = "BG",
        /// Croatian.
        Hr = "HR",
        /// Italian.
        It = "IT",
        /// Spanish.
        Es = "ES",
        /// Ukrainian.
        Uk = "UK",
        /// Estonian.
        Et = "ET",
        /// Lithuanian.
        Lt = "LT",
        /// Latvian.
        Lv = "LV",
        /// Slovenian.
        Sl = "SL",
        /// Portuguese.
        Pt = "PT",
    }
}

impl Language {
    /// The `Accept-Language` header value for this language, as the official
    /// SDKs send it: `"cs-CZ"` for Czech and Slovak, `"en-US"` for every other.
    pub fn accept_language(&self) -> &'static str {
        match self {
            Language::Cs | Language::Sk => "cs-CZ",
            _ => "en-US",
        }
    }
}

string_enum! {
    /// OAuth2 scope of an access token.
    pub enum Scope {
        /// `payment-create`: enough to create payments only.
        PaymentCreate = "payment-create",
        /// `payment-all`: every payment operation (the default).
        PaymentAll = "payment-all",
        /// `account-info`: PSD2 account information (not used by e-shops).
        AccountInfo = "account-info",
    }
}

impl Default for Scope {
    /// `payment-all`, which every operation accepts.
    fn default() -> Scope {
        Scope::PaymentAll
    }
}

string_enum! {
    /// Payment method (`allowed_payment_instruments`, `payment_instrument`, ...).
    pub enum PaymentInstrument {
        /// Payment card.
        PaymentCard = "PAYMENT_CARD",
        /// (Fast) bank transfer.
        BankAccount = "BANK_ACCOUNT",
        /// Premium SMS.
        Prsms = "PRSMS",
        /// mPlatba, payment through the mobile operator.
        Mpayment = "MPAYMENT",
        /// paysafecard.
        Paysafecard = "PAYSAFECARD",
        /// superCASH coupon (discontinued).
        Supercash = "SUPERCASH",
        /// GoPay wallet account.
        Gopay = "GOPAY",
        /// PayPal.
        Paypal = "PAYPAL",
        /// Bitcoin.
        Bitcoin = "BITCOIN",
        /// Google Pay.
        Gpay = "GPAY",
        /// Apple Pay.
        ApplePay = "APPLE_PAY",
        /// Click to Pay.
        ClickToPay = "CLICK_TO_PAY",
        /// Twisto, buy now pay later.
        Twisto = "TWISTO",
        /// Skip Pay, buy now pay later.
        Skippay = "SKIPPAY",
        /// GoPay e-money account (PSD2 wallet payments).
        Account = "ACCOUNT",
        /// Masterpass (legacy).
        Masterpass = "MASTERPASS",
        /// Coupon (legacy).
        Coupon = "COUPON",
    }
}

string_enum! {
    /// Buy-now-pay-later variant (`allowed_bnpl_types`, `default_bnpl_type`).
    pub enum BnplType {
        /// Pay the whole amount later.
        DeferredPayment = "DEFERRED_PAYMENT",
        /// Pay in three instalments.
        PayInThree = "PAY_IN_THREE",
    }
}

string_enum! {
    /// State of a payment (`state`).
    pub enum PaymentState {
        /// Payment created, the customer has not chosen a method yet.
        Created = "CREATED",
        /// The customer chose a payment method.
        PaymentMethodChosen = "PAYMENT_METHOD_CHOSEN",
        /// Paid.
        Paid = "PAID",
        /// Pre-authorised: funds are held, waiting for capture or void.
        Authorized = "AUTHORIZED",
        /// Cancelled.
        Canceled = "CANCELED",
        /// Expired without being paid.
        Timeouted = "TIMEOUTED",
        /// Fully refunded.
        Refunded = "REFUNDED",
        /// Partially refunded.
        PartiallyRefunded = "PARTIALLY_REFUNDED",
    }
}

string_enum! {
    /// Detail of a payment's state (`sub_state`); the variant `SNNNN` stands
    /// for the wire value `"_NNNN"`.
    pub enum SubState {
        /// Pending; waiting for an online payment.
        S101 = "_101",
        /// Pending; waiting for an offline payment.
        S102 = "_102",
        /// Bank payment confirmed by advice note.
        S3001 = "_3001",
        /// Bank payment confirmed by statement.
        S3002 = "_3002",
        /// Bank payment not authorised.
        S3003 = "_3003",
        /// Approved with zero amount.
        S5001 = "_5001",
        /// Declined by the card issuer: card limit reached.
        S5002 = "_5002",
        /// Declined: problems on the card issuer's side.
        S5003 = "_5003",
        /// Declined: issues at the card issuer.
        S5004 = "_5004",
        /// Declined: card blocked.
        S5005 = "_5005",
        /// Declined: insufficient funds on the card.
        S5006 = "_5006",
        /// Declined: card expired.
        S5007 = "_5007",
        /// Declined: CVV/CVC rejected.
        S5008 = "_5008",
        /// Declined in the issuer's 3-D Secure.
        S5009 = "_5009",
        /// Declined: problems with the card.
        S5010 = "_5010",
        /// Declined: problems with the card account.
        S5011 = "_5011",
        /// Declined: technical problems at the issuer's authorisation centre.
        S5012 = "_5012",
        /// Declined: wrong card number entered.
        S5013 = "_5013",
        /// Declined: problems with the card.
        S5014 = "_5014",
        /// Declined in the issuer's 3-D Secure.
        S5015 = "_5015",
        /// Declined: card not authorised for this payment.
        S5016 = "_5016",
        /// Declined in the issuer's 3-D Secure.
        S5017 = "_5017",
        /// Declined in the issuer's 3-D Secure.
        S5018 = "_5018",
        /// Declined in the issuer's 3-D Secure.
        S5019 = "_5019",
        /// Unknown merchant.
        S5020 = "_5020",
        /// Declined: card limits exceeded.
        S5021 = "_5021",
        /// Technical problem at the issuer's authorisation centre.
        S5022 = "_5022",
        /// Payment not made.
        S5023 = "_5023",
        /// Not made: the customer did not enter payment data in time.
        S5024 = "_5024",
        /// Not made: specific reason to be communicated to the customer.
        S5025 = "_5025",
        /// Not made: total credited amounts exceed the paid amount.
        S5026 = "_5026",
        /// Not made: user not authorised for the operation.
        S5027 = "_5027",
        /// Not made: amount exceeds the authorised amount.
        S5028 = "_5028",
        /// Not made yet.
        S5029 = "_5029",
        /// Not made: repeated settlement attempts.
        S5030 = "_5030",
        /// Technical problem at the bank while processing.
        S5031 = "_5031",
        /// SMS could not be delivered.
        S5033 = "_5033",
        /// Card issued in an unsupported region.
        S5035 = "_5035",
        /// Declined: problems with the card account.
        S5036 = "_5036",
        /// The cardholder cancelled the payment.
        S5037 = "_5037",
        /// Payment not made.
        S5038 = "_5038",
        /// Declined: card blocked.
        S5039 = "_5039",
        /// Duplicate reversal.
        S5040 = "_5040",
        /// Duplicate transaction.
        S5041 = "_5041",
        /// Bank transfer declined.
        S5042 = "_5042",
        /// Payment cancelled by the user.
        S5043 = "_5043",
        /// SMS sent, not yet delivered.
        S5044 = "_5044",
        /// Payment received; credited after Bitcoin processing.
        S5045 = "_5045",
        /// The full amount was not paid.
        S5046 = "_5046",
        /// Paid after the due date.
        S5047 = "_5047",
        /// Meaning not documented by GoPay (added to the SDKs 2021-11).
        S5048 = "_5048",
        /// Meaning not documented by GoPay (added to the SDKs 2022-08).
        S5049 = "_5049",
        /// Meaning not documented by GoPay (added to the SDKs 2022-11).
        S5050 = "_5050",
        /// Meaning not documented by GoPay.
        S6001 = "_6001",
        /// Meaning not documented by GoPay.
        S6002 = "_6002",
        /// Meaning not documented by GoPay.
        S6003 = "_6003",
        /// Meaning not documented by GoPay.
        S6004 = "_6004",
        /// Meaning not documented by GoPay.
        S6005 = "_6005",
        /// Meaning not documented by GoPay.
        S6501 = "_6501",
        /// Declined in the issuer's 3-D Secure.
        S6502 = "_6502",
        /// Declined in the issuer's 3-D Secure.
        S6504 = "_6504",
    }
}

string_enum! {
    /// Unit of a recurrence cycle (`recurrence_cycle`).
    pub enum RecurrenceCycle {
        /// Every n-th day.
        Day = "DAY",
        /// Every n-th week.
        Week = "WEEK",
        /// Every n-th month.
        Month = "MONTH",
        /// Whenever the shop asks (`create-recurrence`); no period.
        OnDemand = "ON_DEMAND",
    }
}

string_enum! {
    /// State of a recurrence (`recurrence_state`).
    pub enum RecurrenceState {
        /// Recurrence requested, the initial payment is not paid yet.
        Requested = "REQUESTED",
        /// Recurrence running.
        Started = "STARTED",
        /// Recurrence stopped (cancelled or ended).
        Stopped = "STOPPED",
    }
}

string_enum! {
    /// State of a pre-authorisation (`preauthorization.state`).
    pub enum PreAuthState {
        /// Pre-authorisation requested.
        Requested = "REQUESTED",
        /// Funds are held on the card.
        Authorized = "AUTHORIZED",
        /// Funds were captured.
        Captured = "CAPTURED",
        /// Pre-authorisation voided.
        Canceled = "CANCELED",
    }
}

string_enum! {
    /// Outcome of a refund, capture or void (`result` of a payment result).
    pub enum ResultCode {
        /// Request accepted; processing continues asynchronously.
        Accepted = "ACCEPTED",
        /// Operation finished.
        Finished = "FINISHED",
        /// Operation failed.
        Failed = "FAILED",
    }
}

string_enum! {
    /// State of a refund in the refund history (`state`).
    pub enum RefundState {
        /// Refund done.
        Success = "SUCCESS",
        /// Refund failed.
        Failed = "FAILED",
        /// Refund requested, not done yet.
        Requested = "REQUESTED",
    }
}

string_enum! {
    /// Status of a saved card (`status`).
    pub enum CardStatus {
        /// The card can be used.
        Active = "ACTIVE",
        /// The card was deleted.
        Deleted = "DELETED",
    }
}

string_enum! {
    /// Kind of an order row (`items[].type`).
    pub enum ItemType {
        /// Goods or a service.
        Item = "ITEM",
        /// Discount (usually a negative amount).
        Discount = "DISCOUNT",
        /// Delivery.
        Delivery = "DELIVERY",
        /// Postage.
        Postage = "POSTAGE",
    }
}

string_enum! {
    /// File format of an account statement (`format`).
    pub enum StatementFormat {
        /// Excel, variant A.
        XlsA = "XLS_A",
        /// Excel, variant B.
        XlsB = "XLS_B",
        /// Excel, variant C.
        XlsC = "XLS_C",
        /// CSV, variant A.
        CsvA = "CSV_A",
        /// CSV, variant B.
        CsvB = "CSV_B",
        /// CSV, variant C.
        CsvC = "CSV_C",
        /// CSV, variant D.
        CsvD = "CSV_D",
        /// CSV, variant E.
        CsvE = "CSV_E",
        /// ABO (`.gpc`), variant A.
        AboA = "ABO_A",
        /// ABO (`.gpc`), variant B.
        AboB = "ABO_B",
        /// PDF, variant A.
        PdfA = "PDF_A",
    }
}

string_enum! {
    /// Kind of payment recipient (`target.type`).
    pub enum TargetType {
        /// A GoPay account (the e-shop's GoID); the only value e-shops use.
        Account = "ACCOUNT",
        /// A bank account.
        BankAccount = "BANK_ACCOUNT",
        /// A coupon.
        Coupon = "COUPON",
    }
}

string_enum! {
    /// 3-D Secure outcome of a card payment (`payment_card.3ds_result`).
    pub enum ThreeDsResult {
        /// `N/`: the card does not support 3-D Secure.
        NotSupported = "N/",
        /// `Y/Y`: full 3-D Secure authentication.
        Authenticated = "Y/Y",
        /// `Y/A`: partial (attempted) 3-D Secure authentication.
        Attempted = "Y/A",
        /// `X/X`: 3-D Secure not performed.
        NotPerformed = "X/X",
    }
}

string_enum! {
    /// Image format of the QR codes of a QR payment (`format` query parameter).
    pub enum QrFormat {
        /// PNG images (GoPay's default).
        Png = "png",
        /// SVG images.
        Svg = "svg",
    }
}

#[cfg(feature = "eet")]
string_enum! {
    /// Delivery state of an EET receipt (obsolete EET).
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    pub enum EetReceiptState {
        /// Receipt created, not sent yet.
        Created = "CREATED",
        /// Sending the receipt failed; it will be retried.
        DeliveryFailed = "DELIVERY_FAILED",
        /// Receipt delivered.
        Delivered = "DELIVERED",
    }
}

#[cfg(feature = "eet")]
string_enum! {
    /// EET registration mode of a receipt (`eet_mode`, obsolete EET).
    #[deprecated(note = "EET was abolished in Czechia on 1 January 2023")]
    pub enum EetMode {
        /// Variant A: GoPay registers the sale.
        Auto = "AUTO",
        /// Variant B: the e-shop supplies the EET data.
        Eet = "EET",
    }
}

#[cfg(test)]
#[cfg_attr(feature = "eet", allow(deprecated))] // The EET enums are tested like the others.
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use std::collections::HashSet;
    use std::fmt::Debug;
    use std::hash::Hash;
    use std::str::FromStr;

    /// Every known value and an unknown one survive decode → encode unchanged.
    fn round_trips<T>(known: &[T], make_unknown: fn(String) -> T)
    where
        T: Serialize + DeserializeOwned + FromStr + Debug + PartialEq + Eq + Hash + Clone,
        T::Err: Debug,
    {
        let mut seen = HashSet::new();
        for value in known {
            let json = serde_json::to_string(value).unwrap();
            let back: T = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, value);
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
            let wire: String = serde_json::from_str(&json).unwrap();
            assert_eq!(wire.parse::<T>().unwrap(), *value);
            assert!(seen.insert(value.clone()), "duplicate {value:?}");
        }
        let unknown: T = serde_json::from_str("\"SOMETHING_NEW_2031\"").unwrap();
        assert_eq!(unknown, make_unknown("SOMETHING_NEW_2031".into()));
        assert_eq!(
            serde_json::to_string(&unknown).unwrap(),
            "\"SOMETHING_NEW_2031\""
        );
        assert_eq!("SOMETHING_NEW_2031".parse::<T>().unwrap(), unknown);
    }

    #[test]
    fn every_enum_round_trips_known_and_unknown_values() {
        round_trips(Currency::KNOWN, Currency::Unknown);
        round_trips(Language::KNOWN, Language::Unknown);
        round_trips(Scope::KNOWN, Scope::Unknown);
        round_trips(PaymentInstrument::KNOWN, PaymentInstrument::Unknown);
        round_trips(BnplType::KNOWN, BnplType::Unknown);
        round_trips(PaymentState::KNOWN, PaymentState::Unknown);
        round_trips(SubState::KNOWN, SubState::Unknown);
        round_trips(RecurrenceCycle::KNOWN, RecurrenceCycle::Unknown);
        round_trips(RecurrenceState::KNOWN, RecurrenceState::Unknown);
        round_trips(PreAuthState::KNOWN, PreAuthState::Unknown);
        round_trips(ResultCode::KNOWN, ResultCode::Unknown);
        round_trips(RefundState::KNOWN, RefundState::Unknown);
        round_trips(CardStatus::KNOWN, CardStatus::Unknown);
        round_trips(ItemType::KNOWN, ItemType::Unknown);
        round_trips(StatementFormat::KNOWN, StatementFormat::Unknown);
        round_trips(TargetType::KNOWN, TargetType::Unknown);
        round_trips(ThreeDsResult::KNOWN, ThreeDsResult::Unknown);
        round_trips(QrFormat::KNOWN, QrFormat::Unknown);
        #[cfg(feature = "eet")]
        {
            round_trips(EetReceiptState::KNOWN, EetReceiptState::Unknown);
            round_trips(EetMode::KNOWN, EetMode::Unknown);
        }
    }

    #[test]
    fn variant_counts_match_the_reference() {
        assert_eq!(Currency::KNOWN.len(), 8);
        assert_eq!(Language::KNOWN.len(), 19);
        assert_eq!(PaymentInstrument::KNOWN.len(), 17);
        assert_eq!(PaymentState::KNOWN.len(), 8);
        // _101, _102, _3001-_3003, _5001-_5050 without _5032/_5034,
        // _6001-_6005, _6501, _6502, _6504.
        assert_eq!(SubState::KNOWN.len(), 2 + 3 + 48 + 5 + 3);
        assert_eq!(StatementFormat::KNOWN.len(), 11);
    }

    #[test]
    fn wire_strings() {
        assert_eq!(Currency::Czk.as_str(), "CZK");
        assert_eq!(SubState::S3002.as_str(), "_3002");
        assert_eq!(ThreeDsResult::NotSupported.as_str(), "N/");
        assert_eq!(QrFormat::Png.to_string(), "png");
        assert_eq!(Scope::PaymentCreate.to_string(), "payment-create");
        assert_eq!(
            serde_json::to_string(&PaymentInstrument::ApplePay).unwrap(),
            "\"APPLE_PAY\""
        );
        assert_eq!(Scope::default(), Scope::PaymentAll);
        assert!(Currency::Unknown("HRK".into()).is_unknown());
        assert!(!Currency::Czk.is_unknown());
    }

    #[test]
    fn exact_enums_are_case_sensitive() {
        let lower: Currency = serde_json::from_str("\"czk\"").unwrap();
        assert_eq!(lower, Currency::Unknown("czk".into()));
        assert_eq!(serde_json::to_string(&lower).unwrap(), "\"czk\"");
    }

    #[test]
    fn language_decodes_case_insensitively_and_encodes_upper_case() {
        for text in ["\"cs\"", "\"CS\"", "\"Cs\""] {
            let lang: Language = serde_json::from_str(text).unwrap();
            assert_eq!(lang, Language::Cs);
            assert_eq!(serde_json::to_string(&lang).unwrap(), "\"CS\"");
        }
        assert_eq!("uk".parse::<Language>().unwrap(), Language::Uk);
        let odd: Language = serde_json::from_str("\"ee\"").unwrap();
        assert_eq!(odd, Language::Unknown("ee".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"ee\"");
    }

    #[test]
    fn accept_language() {
        assert_eq!(Language::Cs.accept_language(), "cs-CZ");
        assert_eq!(Language::Sk.accept_language(), "cs-CZ");
        assert_eq!(Language::En.accept_language(), "en-US");
        assert_eq!(Language::De.accept_language(), "en-US");
        assert_eq!(Language::Unknown("xx".into()).accept_language(), "en-US");
    }

    #[test]
    fn non_strings_are_rejected() {
        assert!(serde_json::from_str::<Currency>("12").is_err());
        assert!(serde_json::from_str::<Currency>("null").is_err());
    }

    #[test]
    fn enums_work_as_map_keys() {
        let map: std::collections::HashMap<Currency, u32> =
            serde_json::from_str(r#"{"CZK": 1, "XYZ": 2}"#).unwrap();
        assert_eq!(map[&Currency::Czk], 1);
        assert_eq!(map[&Currency::Unknown("XYZ".into())], 2);
    }
}
