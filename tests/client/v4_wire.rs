//! The v4 models against the examples of GoPay's v4 reference: every request serialises to
//! the documented field names, every documented answer decodes, unknown values are kept.
#![cfg(feature = "v4")]

use gopay::v4::{
    ActionType, ApplePayHeader, ApplePayInfo, ApplePayMerchantSession, ApplePayToken,
    ApplePayValidationRequest, BrowserData, CardFormUrl, CardPublicKey, CardScheme, CardToken,
    CardTokenStatus, ChallengePreference, Charge, ChargeInput, ChargeRequest, ChargeState,
    Customer, GooglePayInfo, GooglePayToken, InputType, IntermediateSigningKey, Payment,
    PaymentRequest, Refund, RefundRequest, RefundState, ServiceType, ThreeDsState,
};
use gopay::{AdditionalParam, Currency, PaymentState, QrPayment};
use serde_json::{json, Value};

fn browser() -> BrowserData {
    BrowserData::new(
        "cs-CZ",
        -60,
        1920,
        1080,
        24,
        "Mozilla/5.0 (X11)",
        BrowserData::accept_header_json(Some("text/html"), Some("cs-CZ"), None),
        true,
    )
}

fn wire(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn create_payment_request_has_the_documented_fields() {
    let request = PaymentRequest::new(
        100,
        Currency::Czk,
        "2025010199",
        Customer::new("john.doe@example.com").country_code("CZE"),
        "https://example.com/notify",
        "https://example.com/return",
    )
    .order_description("Test order");
    // The reference's example request, field for field.
    assert_eq!(
        wire(&request),
        json!({"amount":100,"currency":"CZK","order_number":"2025010199",
            "order_description":"Test order",
            "customer":{"email":"john.doe@example.com","country_code":"CZE"},
            "callback":{"notification_url":"https://example.com/notify",
                "return_url":"https://example.com/return"}})
    );
    let full = PaymentRequest::new(
        1,
        Currency::Eur,
        "o",
        Customer::new("a@b.c")
            .first_name("Jan")
            .last_name("Novák")
            .phone_number("+420123456789")
            .city("Praha")
            .street("Ulice 1")
            .postal_code("11000")
            .customer_id("c-1"),
        "n",
        "r",
    )
    .additional_param(AdditionalParam::new("invoice", "2025-1"));
    let value = wire(&full);
    assert_eq!(
        value["additional_params"][0],
        json!({"name":"invoice","value":"2025-1"})
    );
    for field in [
        "first_name",
        "last_name",
        "phone_number",
        "city",
        "street",
        "postal_code",
        "customer_id",
    ] {
        assert!(value["customer"].get(field).is_some(), "{field}");
    }
    assert_eq!(value["customer"]["last_name"], "Novák");
}

#[test]
fn payment_details_decode_with_string_ids_and_a_hidden_secret() {
    let created: Payment = serde_json::from_str(
        r#"{"id":"300000001","order_number":"2025010199","state":"CREATED","amount":100,"currency":"CZK","customer":{"email":"john.doe@example.com"},"gw_url":"https://gate.gopay.com/gw/123456789","payment_secret":"2f53a04d4dd749f6a2a81285da72f67a"}"#,
    )
    .unwrap();
    assert_eq!(created.id, "300000001");
    assert_eq!(created.state, Some(PaymentState::Created));
    assert_eq!(created.amount, 100);
    assert_eq!(created.currency, Some(Currency::Czk));
    assert_eq!(created.customer.unwrap().email, "john.doe@example.com");
    assert_eq!(
        created.payment_secret.as_deref(),
        Some("2f53a04d4dd749f6a2a81285da72f67a")
    );
    let paid: Payment = serde_json::from_str(
        r#"{"id":"300000001","order_number":"2025010199","state":"PAID","amount":100,"currency":"CZK","customer":{"email":"john.doe@example.com"},"gw_url":"https://gate.gopay.com/gw/123456789","payment_secret":"2f53a04d4dd749f6a2a81285da72f67a","charge":{"id":"9123456789","state":"SUCCEEDED","return_url":"https://example.com/return"}}"#,
    )
    .unwrap();
    assert_eq!(paid.state, Some(PaymentState::Paid));
    let charge = paid.charge.as_ref().unwrap();
    assert_eq!(charge.id, "9123456789");
    assert_eq!(charge.state, Some(ChargeState::Succeeded));
    // GoPay asks that the payment secret is never logged.
    assert!(!format!("{paid:?}").contains("2f53a04d"), "{paid:?}");
}

#[test]
fn charge_request_follows_the_spec_layout() {
    let request = ChargeRequest::new(ChargeInput::card_token("J7HjFNwzyBOHS+jwIMMk"), browser())
        .challenge_preference(ChallengePreference::Auto);
    assert_eq!(
        wire(&request),
        json!({"payment_instrument":{"payment_instrument":"PAYMENT_CARD",
            "input":{"input_type":"CARD_TOKEN","card_token":"J7HjFNwzyBOHS+jwIMMk"},
            "browser_data":{"language":"cs-CZ","timezone":-60,"screen_width":1920,
                "screen_height":1080,"color_depth":24,"user_agent":"Mozilla/5.0 (X11)",
                "accept_header":"{\"accept\":\"text/html\",\"accept-language\":\"cs-CZ\"}",
                "javascript_enabled":true},
            "challenge_preference":"AUTO"}})
    );
    // Without a preference the field is omitted, not null.
    let plain = wire(&ChargeRequest::new(
        ChargeInput::encrypted_card("a.b.c.d.e"),
        browser(),
    ));
    assert!(plain["payment_instrument"]
        .get("challenge_preference")
        .is_none());
    assert_eq!(
        plain["payment_instrument"]["input"],
        json!({"input_type":"ENCRYPTED_CARD","payload":"a.b.c.d.e"})
    );
}

#[test]
fn wallet_inputs_use_the_wallets_own_field_names() {
    let google = ChargeInput::GooglePay(
        GooglePayToken::default()
            .protocol_version("ECv2")
            .signature("sig")
            .intermediate_signing_key(IntermediateSigningKey::new("key", vec!["s1".into()]))
            .signed_message("msg"),
    );
    assert_eq!(google.input_type(), InputType::GooglePay);
    assert_eq!(
        wire(&google),
        json!({"input_type":"GOOGLE_PAY","protocolVersion":"ECv2","signature":"sig",
            "intermediateSigningKey":{"signedKey":"key","signatures":["s1"]},
            "signedMessage":"msg"})
    );
    let apple = ChargeInput::ApplePay(ApplePayToken::new(
        "data",
        "sig",
        "EC_v1",
        ApplePayHeader::new("epk", "hash", "tx"),
    ));
    assert_eq!(
        wire(&apple),
        json!({"input_type":"APPLE_PAY","data":"data","signature":"sig","version":"EC_v1",
            "header":{"ephemeralPublicKey":"epk","publicKeyHash":"hash","transactionId":"tx"}})
    );
    // And back: a request logged as JSON replays to the same value.
    let back: ChargeInput = serde_json::from_value(wire(&apple)).unwrap();
    assert_eq!(back, apple);
}

#[test]
fn browser_data_requires_all_eight_fields() {
    let mut value = wire(&browser());
    let back: BrowserData = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(back, browser());
    value.as_object_mut().unwrap().remove("javascript_enabled");
    assert!(serde_json::from_value::<BrowserData>(value).is_err());
    assert_eq!(BrowserData::accept_header_json(None, None, None), "{}");
}

#[test]
fn a_3ds_charge_answer_decodes_with_its_action() {
    let charge: Charge = serde_json::from_str(
        r#"{"id":"9123456789","state":"ACTION_REQUIRED","payment_instrument":{"payment_instrument":"PAYMENT_CARD","details":{"input_type":"CARD_TOKEN","masked_pan":"406821******1234","expiration_month":"01","expiration_year":"30","scheme":"VISA","fingerprint":"73c8d0a48d91def89761"}},"return_url":"https://example.com/return","action":{"action_type":"EMV3DS","state":"CHALLENGE_REQUIRED","redirect_url":"https://gate.gopay.com/redirect"}}"#,
    )
    .unwrap();
    assert_eq!(charge.state, Some(ChargeState::ActionRequired));
    let action = charge.action.as_ref().unwrap();
    assert_eq!(action.action_type, Some(ActionType::Emv3ds));
    assert_eq!(action.state, Some(ThreeDsState::ChallengeRequired));
    assert_eq!(
        charge.redirect_url(),
        Some("https://gate.gopay.com/redirect")
    );
    let details = charge
        .payment_instrument
        .as_ref()
        .unwrap()
        .details
        .as_ref()
        .unwrap();
    assert_eq!(details.input_type, Some(InputType::CardToken));
    assert_eq!(details.scheme, Some(CardScheme::Visa));
    assert_eq!(details.expiration_month.as_deref(), Some("01"));

    let failed: Charge = serde_json::from_str(
        r#"{"id":"9123456789","state":"FAILED","return_url":"https://example.com/return","fail_reason":"card declined"}"#,
    )
    .unwrap();
    assert_eq!(failed.state, Some(ChargeState::Failed));
    assert_eq!(failed.fail_reason.as_deref(), Some("card declined"));
    assert_eq!(failed.redirect_url(), None);
}

#[test]
fn unknown_values_are_kept_not_refused() {
    let charge: Charge = serde_json::from_str(
        r#"{"id":"1","state":"AUTHENTICATION_PENDING","action":{"action_type":"BANK_REDIRECT","state":"SOMETHING_NEW"},"return_url":"r"}"#,
    )
    .unwrap();
    assert_eq!(
        charge.state,
        Some(ChargeState::Unknown("AUTHENTICATION_PENDING".into()))
    );
    let action = charge.action.unwrap();
    assert_eq!(
        action.action_type,
        Some(ActionType::Unknown("BANK_REDIRECT".into()))
    );
    assert!(action.state.unwrap().is_unknown());
    let payment: Payment =
        serde_json::from_str(r#"{"id":"1","state":"ON_HOLD","currency":"BTC"}"#).unwrap();
    assert_eq!(payment.state, Some(PaymentState::Unknown("ON_HOLD".into())));
    assert_eq!(payment.currency, Some(Currency::Unknown("BTC".into())));
    // And they serialise back unchanged.
    assert_eq!(wire(&payment)["state"], "ON_HOLD");
}

#[test]
fn card_token_public_key_and_form_url_decode() {
    let token: CardToken = serde_json::from_str(
        r#"{"card_id":"8007127320","masked_pan":"406821******1234","masked_virtual_pan":"489537******6287","expiration_month":"01","expiration_year":"30","scheme":"VISA","corporate":false,"fingerprint":"73c8d0a4961b","token":"J7HjFNwzZp0=","card_art_url":"https://card.art/pic.png","brand":"GOLD","service_type":"DEBIT"}"#,
    )
    .unwrap();
    assert_eq!(token.card_id, "8007127320");
    assert_eq!(token.masked_virtual_pan, "489537******6287");
    assert_eq!(token.token, "J7HjFNwzZp0=");
    assert_eq!(token.service_type, Some(ServiceType::Debit));
    assert_eq!(token.brand.as_deref(), Some("GOLD"));
    assert!(!token.corporate);
    assert_eq!(token.status, None);
    let suspended: CardToken =
        serde_json::from_str(r#"{"card_id":"1","status":"SUSPENDED","scheme":"AMEX"}"#).unwrap();
    assert_eq!(suspended.status, Some(CardTokenStatus::Suspended));
    assert_eq!(suspended.scheme, Some(CardScheme::Unknown("AMEX".into())));

    let key: CardPublicKey = serde_json::from_str(
        r#"{"kty":"RSA","use":"enc","kid":"key_20250406","alg":"RSA-OAEP-256","n":"0vx7","e":"AQAB"}"#,
    )
    .unwrap();
    assert_eq!((key.kty.as_str(), key.use_.as_str()), ("RSA", "enc"));
    assert_eq!((key.kid.as_str(), key.e.as_str()), ("key_20250406", "AQAB"));
    assert_eq!(wire(&key)["use"], "enc");

    let form: CardFormUrl =
        serde_json::from_str(r#"{"card_form_url":"https://secure.gopay.com/gp-card-comm/q/form"}"#)
            .unwrap();
    assert_eq!(
        form.card_form_url.as_deref(),
        Some("https://secure.gopay.com/gp-card-comm/q/form")
    );
}

#[test]
fn refunds_serialise_and_decode() {
    assert_eq!(wire(&RefundRequest::new(10000)), json!({"amount":10000}));
    let requested: Refund = serde_json::from_str(
        r#"{"id":"3050123456","state":"REQUESTED","amount":10000,"currency":"CZK","created_at":"2025-12-10T10:30:00Z"}"#,
    )
    .unwrap();
    assert_eq!(requested.id, "3050123456");
    assert_eq!(requested.state, Some(RefundState::Requested));
    assert_eq!(requested.updated_at, None);
    let done: Refund = serde_json::from_str(
        r#"{"id":"3050123456","state":"SUCCESS","amount":10000,"currency":"CZK","created_at":"2025-12-10T10:30:00Z","updated_at":"2025-12-10T10:35:00Z"}"#,
    )
    .unwrap();
    assert_eq!(done.state, Some(RefundState::Success));
    assert_eq!(done.updated_at.as_deref(), Some("2025-12-10T10:35:00Z"));
    let list: Vec<Refund> = serde_json::from_str("[]").unwrap();
    assert!(list.is_empty());
}

#[test]
fn the_qr_answer_decodes_into_the_v3_model() {
    let qr: QrPayment = serde_json::from_str(
        r#"{"amount":10000,"currency":"CZK","recipient":{"name":"GoPay Czech","bank_account":{"local":{"prefix":"000000","account_number":"9878039","bank_code":"2010","variable_symbol":"3123456789"},"international":{"bic":"FIOBCZPP","iban":"CZ5120100000000009878039","reference":"3123456789"}}},"qr_code":{"spayd":"iVBORw0KGgo"}}"#,
    )
    .unwrap();
    assert_eq!(qr.amount, Some(10000));
    let account = qr.recipient.unwrap().bank_account.unwrap();
    assert_eq!(account.local.unwrap().bank_code.as_deref(), Some("2010"));
    assert_eq!(
        account.international.unwrap().bic.as_deref(),
        Some("FIOBCZPP")
    );
    assert_eq!(qr.qr_code.unwrap().spayd.as_deref(), Some("iVBORw0KGgo"));
}

#[test]
fn apple_pay_validation_sends_only_the_validation_url_and_keeps_the_session_whole() {
    let request = ApplePayValidationRequest::new(
        "https://apple-pay-gateway.apple.com/paymentservices/startSession",
    );
    // The exact bytes: GoPay's field name, raw UTF-8, nothing else.
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"validationUrl":"https://apple-pay-gateway.apple.com/paymentservices/startSession"}"#
    );
    // Apple's merchant session, with fields this crate has never heard of: opaque, so every
    // one of them comes back out as it went in.
    let sent = json!({"epochTimestamp":1767225600000_u64,"expiresAt":1767229200000_u64,
        "merchantSessionIdentifier":"SSH6A1F","nonce":"2c5d1f3a","merchantIdentifier":"4F2A",
        "domainName":"shop.example","displayName":"Shop","signature":"308006092a8648",
        "operationalAnalyticsIdentifier":"Shop:4F2A","retries":0,"pspId":"4F2A",
        "someFutureField":{"nested":[1,"two",null]}});
    let session: ApplePayMerchantSession = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(session.as_map().len(), 12);
    assert_eq!(session.get("domainName"), Some(&json!("shop.example")));
    assert_eq!(session.get("absent"), None);
    assert_eq!(wire(&session), sent);
    assert_eq!(Value::Object(session.into_map()), sent);
    // Anything but an object is not a merchant session.
    assert!(serde_json::from_str::<ApplePayMerchantSession>(r#""SSH6A1F""#).is_err());
}

#[test]
fn wallet_info_decodes_with_googles_and_apples_objects_kept_whole() {
    // GOPAY_V4 §3.7: Google's PaymentDataRequest (with the example's `enabled`, not in the
    // schema) and Apple's ApplePayPaymentRequest pass through untouched.
    let google: GooglePayInfo = serde_json::from_value(json!({
        "environment": "TEST",
        "enabled": true,
        "paymentDataRequest": {
            "apiVersion": 2, "apiVersionMinor": 0,
            "allowedPaymentMethods": [{"type": "CARD", "parameters": {
                "allowedAuthMethods": ["PAN_ONLY", "CRYPTOGRAM_3DS"],
                "allowedCardNetworks": ["VISA", "MASTERCARD"]},
                "tokenizationSpecification": {"type": "PAYMENT_GATEWAY", "parameters": {
                    "gateway": "gopay", "gatewayMerchantId": "8123456789"}}}],
            "transactionInfo": {"totalPriceStatus": "FINAL", "totalPrice": "5.00", "currencyCode": "CZK"},
            "merchantInfo": {"merchantName": "Shop"},
            "emailRequired": true
        }
    }))
    .unwrap();
    assert_eq!(google.environment.as_deref(), Some("TEST"));
    let request = google.payment_data_request.unwrap();
    assert_eq!(request["transactionInfo"]["totalPrice"], "5.00");
    assert_eq!(
        request["allowedPaymentMethods"][0]["tokenizationSpecification"]["parameters"]["gateway"],
        "gopay"
    );

    let apple: ApplePayInfo = serde_json::from_value(json!({
        "applepayVersion": 6,
        "merchantIdentifier": "merchant.cz.gopay.shop",
        "applePayPaymentRequest": {
            "merchantCapabilities": ["supports3DS"],
            "supportedNetworks": ["maestro", "masterCard", "electron", "visa", "vPay"],
            "countryCode": "CZ", "currencyCode": "CZK",
            "requiredBillingContactFields": [], "requiredShippingContactFields": ["email"],
            "applicationData": "b3JkZXI=",
            "total": {"label": "Shop", "amount": "5.00", "type": "final"}
        }
    }))
    .unwrap();
    assert_eq!(apple.applepay_version, Some(6));
    assert_eq!(
        apple.merchant_identifier.as_deref(),
        Some("merchant.cz.gopay.shop")
    );
    let request = apple.apple_pay_payment_request.unwrap();
    assert_eq!(request["total"]["amount"], "5.00");
    assert_eq!(request["supportedNetworks"][4], "vPay");

    // The app variant: paymentSummaryItems instead of total; and every field may be missing.
    let app: ApplePayInfo = serde_json::from_value(json!({
        "applePayPaymentRequest": {"paymentSummaryItems": [{"label": "Shop", "amount": "5.00"}]}
    }))
    .unwrap();
    assert_eq!(
        app.apple_pay_payment_request.unwrap()["paymentSummaryItems"][0]["amount"],
        "5.00"
    );
    assert_eq!(
        serde_json::from_str::<GooglePayInfo>("{}").unwrap(),
        GooglePayInfo::default()
    );
}
