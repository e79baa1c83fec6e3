//! Property tests that fuzz every decoder and parser with arbitrary input: none may panic,
//! and what they accept must make sense. `PROPTEST_CASES=100000 cargo test --lib fuzz`
//! runs them longer.

use proptest::prelude::*;

use crate::auth::endpoint;
use crate::config::Gateway;
use crate::error::parse_error_body;
use crate::model::{Card, Payment, PaymentInstruments, PaymentResult, QrPayment, Refund};
use crate::notification::notification_payment_id;

/// Arbitrary JSON, biased towards the shapes GoPay sends.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[A-Z_0-9]{0,12}".prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(field(), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names GoPay uses, and some it does not.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "parent_id",
            "state",
            "sub_state",
            "amount",
            "currency",
            "payer",
            "target",
            "goid",
            "recurrence",
            "preauthorization",
            "lang",
            "gw_url",
            "items",
            "result",
            "errors",
            "error_code",
            "date_issued",
            "card_id",
            "payment_card",
            "3ds_result",
            "groups",
            "enabledPaymentInstruments",
            "paymentInstrument",
            "enabledSwifts",
            "qr_code",
            "access_token",
            "expires_in",
            "token_type",
            "recurrence_cycle",
            "celk_trzba",
            "mena",
            "additional_params",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,10}",
    ]
}

/// Decodes `bytes` as every response type; only errors, never panics.
fn decode_everything(bytes: &[u8]) {
    let _ = serde_json::from_slice::<Payment>(bytes);
    let _ = serde_json::from_slice::<PaymentResult>(bytes);
    let _ = serde_json::from_slice::<Vec<Refund>>(bytes);
    let _ = serde_json::from_slice::<Card>(bytes);
    let _ = serde_json::from_slice::<PaymentInstruments>(bytes);
    let _ = serde_json::from_slice::<QrPayment>(bytes);
    #[cfg(feature = "eet")]
    let _ = serde_json::from_slice::<Vec<crate::model::EetReceipt>>(bytes);
    let _ = parse_error_body(bytes);
    let _ = endpoint::decode_for_tests(bytes);
}

proptest! {
    #[test]
    fn decoders_survive_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&bytes);
    }

    #[test]
    fn decoders_survive_arbitrary_json(value in json()) {
        decode_everything(value.to_string().as_bytes());
        // Decoded payments serialise and decode again to the same thing.
        if let Ok(payment) = serde_json::from_value::<Payment>(value) {
            let again: Payment = serde_json::from_str(&serde_json::to_string(&payment).unwrap()).unwrap();
            prop_assert_eq!(again, payment);
        }
    }

    #[test]
    fn error_envelopes_keep_every_detail(
        codes in prop::collection::vec(0u32..1000, 0..5),
        date in prop_oneof![Just("1390336022001".to_owned()), Just("\"2024-09-03T14:12:37.123+0200\"".to_owned()), Just("null".to_owned())],
    ) {
        let errors: Vec<String> = codes
            .iter()
            .map(|c| format!(r#"{{"scope":"G","error_code":{c},"message":"m{c}"}}"#))
            .collect();
        let body = format!(r#"{{"date_issued":{date},"errors":[{}]}}"#, errors.join(","));
        let parsed = parse_error_body(body.as_bytes()).unwrap();
        prop_assert_eq!(parsed.iter().map(|e| e.error_code).collect::<Vec<_>>(), codes);
    }

    #[test]
    fn notification_parser_accepts_only_real_ids(query in ".{0,40}", id in 1u64..u64::MAX) {
        if let Ok(parsed) = notification_payment_id(&query) {
            prop_assert!(parsed > 0);
            let found = format!("id={parsed}");
            prop_assert!(query.contains(&found));
        }
        let with_id = format!("x=1&id={id}&y=2");
        prop_assert_eq!(notification_payment_id(&with_id).unwrap(), id);
    }

    #[test]
    fn gateway_urls_normalise_safely(url in ".{0,60}") {
        if let Ok(gateway) = Gateway::parse(&url) {
            prop_assert!(gateway.api_base.ends_with("/api"));
            prop_assert!(gateway.api_base.starts_with(&gateway.origin));
            prop_assert!(gateway.origin.starts_with("https://") || gateway.origin.starts_with("http://"));
            // Every request URL built on it is a valid URI.
            let url = format!("{}/payments/payment/3000006529", gateway.api_base);
            prop_assert!(url.parse::<ureq::http::Uri>().is_ok(), "{}", url);
            // Normalising again changes nothing.
            prop_assert_eq!(Gateway::parse(&gateway.api_base).unwrap(), gateway);
        }
    }

    #[test]
    fn gateway_url_spellings_agree(host in "[a-z]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z]{2,5}){1,2}", port in proptest::option::of(1u16..)) {
        let origin = match port {
            Some(port) => format!("https://{host}:{port}"),
            None => format!("https://{host}"),
        };
        let expected = Gateway::parse(&origin).unwrap();
        let token_url = format!("{}/oauth2/token", expected.api_base);
        prop_assert!(token_url.parse::<ureq::http::Uri>().is_ok(), "{}", token_url);
        for spelling in [format!("{origin}/"), format!("{origin}/api"), format!("{origin}/api/")] {
            prop_assert_eq!(&Gateway::parse(&spelling).unwrap(), &expected);
        }
        // Plain http is refused for such hosts.
        prop_assert!(Gateway::parse(&origin.replacen("https", "http", 1)).is_err());
    }
}
