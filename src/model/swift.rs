//! `Swift`: the SWIFT/BIC code of a bank offered for bank transfers.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// SWIFT (BIC) code of a bank, as used in `allowed_swifts` and `default_swift`.
///
/// A plain string so that banks GoPay adds later work without a crate update;
/// the associated constants name the banks GoPay documents. Compare with `==`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Swift(Cow<'static, str>);

impl Swift {
    /// A SWIFT code from any string, kept exactly as given.
    pub fn new(code: impl Into<String>) -> Swift {
        Swift(Cow::Owned(code.into()))
    }

    /// A SWIFT code from a static string (usable in `const` items).
    pub const fn from_static(code: &'static str) -> Swift {
        Swift(Cow::Borrowed(code))
    }

    /// The code as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Swift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Swift {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Swift {
    fn from(code: &str) -> Swift {
        Swift::new(code)
    }
}

impl From<String> for Swift {
    fn from(code: String) -> Swift {
        Swift::new(code)
    }
}

/// Declares the documented SWIFT constants.
macro_rules! swift_constants {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, )+) => {
        impl Swift {
            $( $(#[$doc])* pub const $name: Swift = Swift::from_static($code); )+
        }

        #[cfg(test)]
        const ALL_CONSTANTS: &[(&str, Swift)] = &[$(($code, Swift::$name)),+];
    };
}

swift_constants! {
    // Czech Republic.
    /// Česká spořitelna (CZ).
    GIBACZPX = "GIBACZPX",
    /// Komerční banka (CZ).
    KOMBCZPP = "KOMBCZPP",
    /// ČSOB (CZ).
    CEKOCZPP = "CEKOCZPP",
    /// Raiffeisenbank (CZ).
    RZBCCZPP = "RZBCCZPP",
    /// UniCredit Bank (CZ).
    BACXCZPP = "BACXCZPP",
    /// MONETA Money Bank (CZ).
    AGBACZPP = "AGBACZPP",
    /// Fio banka (CZ).
    FIOBCZPP = "FIOBCZPP",
    /// mBank (CZ).
    BREXCZPP = "BREXCZPP",
    /// Air Bank (CZ).
    AIRACZPP = "AIRACZPP",
    /// ING (CZ).
    INGBCZPP = "INGBCZPP",
    /// Oberbank (CZ).
    OBKLCZ2X = "OBKLCZ2X",
    /// VÚB Praha (CZ).
    SUBACZPP = "SUBACZPP",
    /// Hello bank! (CZ).
    BPPFCZP1 = "BPPFCZP1",
    /// Creditas (CZ).
    CTASCZ22 = "CTASCZ22",
    /// MAX banka, formerly Expobank (CZ).
    EXPNCZPP = "EXPNCZPP",
    /// J&T Banka (CZ).
    JTBPCZPP = "JTBPCZPP",
    /// Partners Bank (CZ).
    PTBNCZPP = "PTBNCZPP",
    /// Revolut (LT), offered in the Czech bank list.
    RVUALT2VXXX = "RVUALT2VXXX",
    // Slovakia.
    /// Tatra banka (SK).
    TATRSKBX = "TATRSKBX",
    /// VÚB (SK).
    SUBASKBX = "SUBASKBX",
    /// UniCredit (SK).
    UNCRSKBX = "UNCRSKBX",
    /// Slovenská sporiteľňa (SK).
    GIBASKBX = "GIBASKBX",
    /// ČSOB (SK).
    CEKOSKBX = "CEKOSKBX",
    /// Poštová banka (SK).
    POBNSKBA = "POBNSKBA",
    /// OTP Banka Slovensko (SK).
    OTPVSKBX = "OTPVSKBX",
    /// Prima banka (SK).
    KOMASK2X = "KOMASK2X",
    /// Citibank Europe (SK).
    CITISKBA = "CITISKBA",
    /// Fio banka (SK).
    FIOZSKBA = "FIOZSKBA",
    /// mBank (SK).
    BREXSKBX = "BREXSKBX",
    /// ING (SK).
    INGBSKBX = "INGBSKBX",
    /// J&T Banka (SK).
    JTBPSKBA = "JTBPSKBA",
    /// Oberbank (SK).
    OBKLSKBA = "OBKLSKBA",
    /// Privatbanka (SK).
    BSLOSK22 = "BSLOSK22",
    /// BKS Bank (SK).
    BFKKSKBB = "BFKKSKBB",
    /// Raiffeisenbank (SK); GoPay's code has the `XXX` branch suffix.
    TATRSKBXXXX = "TATRSKBXXXX",
    /// Komerční banka (SK).
    KOMBSKBA = "KOMBSKBA",
    /// 365.bank (SK).
    POBNSKBAXXX = "POBNSKBAXXX",
    // Poland.
    /// mBank (PL).
    BREXPLPW = "BREXPLPW",
    /// Citi Handlowy (PL).
    CITIPLPX = "CITIPLPX",
    /// IKO (PL), wire code `BPKOPLPW-IKO`.
    BPKOPLPW_IKO = "BPKOPLPW-IKO",
    /// Inteligo (PL), wire code `BPKOPLPW-INTELIGO`.
    BPKOPLPW_INTELIGO = "BPKOPLPW-INTELIGO",
    /// Plus Bank (PL).
    IVSEPLPP = "IVSEPLPP",
    /// Bank BPH (PL).
    BPHKPLPK = "BPHKPLPK",
    /// Toyota Bank (PL).
    TOBAPLPW = "TOBAPLPW",
    /// Volkswagen Bank (PL).
    VOWAPLP1 = "VOWAPLP1",
    /// SGB (PL).
    GBWCPLPP = "GBWCPLPP",
    /// Bank Pocztowy (PL).
    POCZPLP4 = "POCZPLP4",
    /// BGŻ (PL).
    GOPZPLPW = "GOPZPLPW",
    /// Idea Bank (PL).
    IEEAPLPA = "IEEAPLPA",
    /// BPS (PL).
    POLUPLPR = "POLUPLPR",
    /// Getin Online (PL), wire code `GBGCPLPK-GIO`.
    GBGCPLPK_GIO = "GBGCPLPK-GIO",
    /// BLIK (PL), wire code `GBGCPLPK-BLIK`.
    GBGCPLPK_BLIK = "GBGCPLPK-BLIK",
    /// Noble Bank (PL), wire code `GBGCPLPK-NOB`.
    GBGCPLPK_NOB = "GBGCPLPK-NOB",
    /// Orange (PL), wire code `BREXPLPW-OMB`.
    BREXPLPW_OMB = "BREXPLPW-OMB",
    /// BZ WBK (PL).
    WBKPPLPP = "WBKPPLPP",
    /// Raiffeisen Polska (PL).
    RCBWPLPW = "RCBWPLPW",
    /// PKO BP (PL).
    BPKOPLPW = "BPKOPLPW",
    /// Alior (PL).
    ALBPPLPW = "ALBPPLPW",
    /// ING Śląski (PL).
    INGBPLPW = "INGBPLPW",
    /// Pekao (PL).
    PKOPPLPW = "PKOPPLPW",
    /// Getin (PL).
    GBGCPLPK = "GBGCPLPK",
    /// Millennium (PL).
    BIGBPLPW = "BIGBPLPW",
    /// BOŚ (PL).
    EBOSPLPW = "EBOSPLPW",
    /// BNP Paribas (PL).
    PPABPLPK = "PPABPLPK",
    /// Crédit Agricole (PL).
    AGRIPLPR = "AGRIPLPR",
    /// Deutsche Bank (PL).
    DEUTPLPX = "DEUTPLPX",
    /// DnB Nord (PL).
    DNBANOKK = "DNBANOKK",
    /// E-SKOK (PL).
    NBPLPLPW = "NBPLPLPW",
    /// Eurobank (PL).
    SOGEPLPW = "SOGEPLPW",
    /// Polski Bank Przedsiębiorczości (PL).
    PBPBPLPW = "PBPBPLPW",
    // Special values.
    /// Bank transfer without choosing a specific bank.
    OTHERS = "OTHERS",
    /// QR payment.
    QRPAYMENT = "QRPAYMENT",
    // Removed by GoPay; may still appear in old data.
    /// ERA (CZ); removed by GoPay in 2022-07, wire code `CEKOCZPP-ERA`.
    CEKOCZPP_ERA = "CEKOCZPP-ERA",
    /// Sberbank (SK); removed by GoPay.
    LUBASKBX = "LUBASKBX",
    /// Equa bank (CZ); removed by GoPay.
    EQBKCZPP = "EQBKCZPP",
    /// Sberbank (CZ); removed by GoPay.
    VBOECZ2X = "VBOECZ2X",
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn constants_are_distinct_and_serialise_as_their_code() {
        let mut seen = HashSet::new();
        for (code, swift) in ALL_CONSTANTS {
            assert_eq!(swift.as_str(), *code);
            assert!(seen.insert(swift.clone()), "duplicate {code}");
            let json = serde_json::to_string(swift).unwrap();
            assert_eq!(json, format!("\"{code}\""));
            let back: Swift = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, swift);
        }
        assert_eq!(ALL_CONSTANTS.len(), 18 + 19 + 33 + 2 + 4);
    }

    #[test]
    fn owned_and_static_codes_compare_equal() {
        assert_eq!(Swift::new("FIOBCZPP"), Swift::FIOBCZPP);
        assert_eq!(Swift::from("GIBACZPX"), Swift::GIBACZPX);
        assert_eq!(Swift::BPKOPLPW_IKO.to_string(), "BPKOPLPW-IKO");
        let unknown: Swift = serde_json::from_str("\"NEWBANKXX\"").unwrap();
        assert_eq!(unknown.as_str(), "NEWBANKXX");
    }
}
