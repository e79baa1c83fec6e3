//! The simulator reads request bodies with definitions of its own (GOPAY_API §5), not with
//! the `gopay` client's models: a client that gets a field's name wrong fails against it,
//! and GoPay's own documented example bodies pass. Everything here goes over raw HTTP, as a
//! shop in any language (or a broken client) sends it.

use crate::support;

use gopay::{Currency, Item, PaymentRequest, Target};
use gopay_simulator::{Simulator, DEFAULT_GOID};
use serde::Deserialize;
use serde_json::{json, Value};
use support::gateway::{Answer, Gateway};

const FORM: &str = "application/x-www-form-urlencoded";

/// Renames the key at `path` (dotted) of a JSON object, as a client with that field's name
/// wrong would send it.
fn rename(body: &mut Value, path: &str, to: &str) {
    let (parents, last) = path.rsplit_once('.').map_or(("", path), |(p, l)| (p, l));
    let mut object = body;
    for part in parents.split('.').filter(|p| !p.is_empty()) {
        object = match part.parse::<usize>() {
            Ok(index) => &mut object[index],
            Err(_) => &mut object[part],
        };
    }
    let fields = object.as_object_mut().expect("an object");
    let value = fields.remove(last).expect("the field to rename");
    fields.insert(to.to_owned(), value);
}

fn refused_for(answer: &Answer, code: u64, field: &str) {
    assert_eq!(answer.status, 409, "{}", answer.json());
    let errors = answer.json()["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        errors
            .iter()
            .any(|e| e["error_code"] == code && e["field"] == field && e["scope"] == "F"),
        "({code}, {field}) in {errors:?}"
    );
}

/// A paid payment of `amount` created through the API; its id.
fn paid(sim: &Simulator, gateway: &Gateway, extra: Value) -> u64 {
    let mut body = json!({
        "target": {"type": "ACCOUNT", "goid": sim.goid()},
        "amount": 200_000, "currency": "CZK", "order_number": "paid",
    });
    for (name, value) in extra.as_object().unwrap() {
        body[name] = value.clone();
    }
    let created = gateway.post_json("/api/payments/payment", &body);
    assert_eq!(created.status, 200, "{}", created.json());
    let id = created.json()["id"].as_u64().unwrap();
    if body.get("preauthorization").is_some() {
        sim.authorize(id).unwrap();
    } else {
        sim.pay(id).unwrap();
    }
    id
}

/// What a simulator reading bodies with the client's model would have done: decode them
/// with that model. A client whose `callback` has a wrong name for `return_url` serialises
/// and decodes its own bodies without a hitch.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MisnamedCallback {
    #[serde(rename = "returnUrl")]
    return_url: String,
    notification_url: String,
}

#[test]
fn a_client_with_a_field_name_wrong_fails_against_the_simulator() {
    let sim = Simulator::start().unwrap();
    let gateway = Gateway::new(&sim);
    // The body the `gopay` client sends for a payment.
    let request = PaymentRequest::new(1500, Currency::Czk, "wire-1")
        .item(Item::new("Mug", 1500))
        .target(Target::account(sim.goid()))
        .callback("https://shop.example/return", "https://shop.example/notify");
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        gateway.post_json("/api/payments/payment", &sent).status,
        200
    );

    let mut misnamed = sent.clone();
    rename(&mut misnamed, "order_number", "order_no");
    refused_for(
        &gateway.post_json("/api/payments/payment", &misnamed),
        110,
        "order_number",
    );

    let mut misnamed = sent.clone();
    rename(&mut misnamed, "callback.return_url", "returnUrl");
    // The client's own model (with the same wrong name) reads it back without complaint…
    let decoded: MisnamedCallback = serde_json::from_value(misnamed["callback"].clone()).unwrap();
    assert_eq!(decoded.return_url, "https://shop.example/return");
    // …the simulator, reading with GoPay's names, does not.
    refused_for(
        &gateway.post_json("/api/payments/payment", &misnamed),
        110,
        "callback.return_url",
    );

    let mut misnamed = sent.clone();
    rename(&mut misnamed, "items.0.amount", "price");
    refused_for(
        &gateway.post_json("/api/payments/payment", &misnamed),
        110,
        "items.amount",
    );

    // The same for every other body the simulator reads.
    let parent = paid(
        &sim,
        &gateway,
        json!({"recurrence": {"recurrence_cycle": "ON_DEMAND", "recurrence_date_to": "2100-04-01"}}),
    );
    let next = json!({"amount": 500, "currency": "CZK", "order_numbr": "wire-2"});
    refused_for(
        &gateway.post_json(
            &format!("/api/payments/payment/{parent}/create-recurrence"),
            &next,
        ),
        110,
        "order_number",
    );
    let refund = json!({"refund_amount": 100, "items": []});
    refused_for(
        &gateway.post_json(&format!("/api/payments/payment/{parent}/refund"), &refund),
        110,
        "amount",
    );
    let form = gateway.send(
        "POST",
        &format!("/api/payments/payment/{parent}/refund"),
        Some(FORM),
        b"amout=100",
    );
    refused_for(&form, 110, "amount");
    let statement = json!({"dateFrom": "2016-07-08", "date_to": "2016-08-08",
                           "goid": sim.goid(), "currency": "CZK", "format": "CSV_A"});
    refused_for(
        &gateway.post_json("/api/accounts/account-statement", &statement),
        110,
        "date_from",
    );
    let filter = json!({"date_from": "2017-03-02", "date_to": "2017-04-02", "idProvozovny": 11});
    refused_for(
        &gateway.post_json("/api/eet-receipts", &filter),
        110,
        "id_provozovny",
    );
}

#[test]
fn gopays_documented_example_bodies_are_accepted() {
    // Each body follows GoPay's documented example of its request (gopay-api-documentation,
    // data/example/*.yml, and GOPAY_API §4–§5); the simulator's GoID is the one in GoPay's
    // examples. Only the placeholder `_LOCALE_` is filled in, and end dates lie in the future.
    assert_eq!(DEFAULT_GOID, 8_123_456_789);
    let sim = Simulator::start().unwrap();
    let gateway = Gateway::new(&sim);
    let ok = |answer: Answer, what: &str| {
        assert_eq!(answer.status, 200, "{what}: {}", answer.json());
        answer.json()
    };

    // The token (§1.2).
    ok(
        gateway.token(
            Some(FORM),
            b"grant_type=client_credentials&scope=payment-all",
        ),
        "token",
    );
    // A standard payment (create_standard.yml): numbers as strings, a GoID as a string.
    let standard = json!({
        "payer": {
            "default_payment_instrument": "BANK_ACCOUNT",
            "allowed_payment_instruments": ["BANK_ACCOUNT"],
            "default_swift": "FIOBCZPP",
            "allowed_swifts": ["FIOBCZPP", "BREXCZPP"],
            "contact": {"first_name": "Zbynek", "last_name": "Zak", "email": "test@test.cz",
                        "phone_number": "+420777456123", "city": "C.Budejovice",
                        "street": "Plana 67", "postal_code": "373 01", "country_code": "CZE"}
        },
        "target": {"type": "ACCOUNT", "goid": "8123456789"},
        "amount": "1000", "currency": "CZK", "order_number": "001",
        "order_description": "pojisteni01",
        "items": [{"name": "item01", "amount": "500"}, {"name": "item02", "amount": "500"}],
        "additional_params": [{"name": "invoicenumber", "value": "2015001003"}],
        "callback": {"return_url": "http://www.eshop.cz/return",
                     "notification_url": "http://www.eshop.cz/notify"},
        "lang": "CS"
    });
    let created = ok(
        gateway.post_json("/api/payments/payment", &standard),
        "standard",
    );
    assert_eq!(
        created["payer"]["allowed_swifts"],
        json!(["FIOBCZPP", "BREXCZPP"])
    );
    assert_eq!(created["payer"]["contact"]["postal_code"], "373 01");
    assert_eq!(created["additional_params"][0]["value"], "2015001003");
    // A recurring payment (create_recurrent.yml): every 7th day.
    let mut recurrent = standard.clone();
    recurrent["recurrence"] = json!({"recurrence_cycle": "DAY", "recurrence_period": "7",
                                     "recurrence_date_to": "2100-04-01"});
    let created = ok(
        gateway.post_json("/api/payments/payment", &recurrent),
        "recurrent",
    );
    assert_eq!(created["recurrence"]["recurrence_period"], 7);
    // A pre-authorised payment (create_preauthorized.yml).
    let mut preauthorized = standard.clone();
    preauthorized["preauthorization"] = json!(true);
    let created = ok(
        gateway.post_json("/api/payments/payment", &preauthorized),
        "preauthorized",
    );
    assert_eq!(created["preauthorization"]["state"], "REQUESTED");
    // GOPAY_API §5.1's composed example: every field of a standard payment.
    let composed = json!({
        "payer": {
            "allowed_payment_instruments": ["PAYMENT_CARD", "BANK_ACCOUNT"],
            "default_payment_instrument": "PAYMENT_CARD",
            "allowed_swifts": ["GIBACZPX", "FIOBCZPP"], "default_swift": "FIOBCZPP",
            "contact": {"first_name": "Jan", "last_name": "Novak", "email": "jan@example.com",
                        "phone_number": "+420777000000", "city": "Praha", "street": "Ulice 1",
                        "postal_code": "11000", "country_code": "CZE"}
        },
        "target": {"type": "ACCOUNT", "goid": 8_123_456_789_u64},
        "amount": 15000, "currency": "CZK",
        "order_number": "2025-0001", "order_description": "Order 2025-0001",
        "items": [{"type": "ITEM", "name": "T-shirt", "amount": 15000, "count": 1, "vat_rate": 21}],
        "callback": {"return_url": "https://shop.example/return",
                     "notification_url": "https://shop.example/notify"},
        "additional_params": [{"name": "invoicenumber", "value": "2025001"}],
        "lang": "CS"
    });
    ok(
        gateway.post_json("/api/payments/payment", &composed),
        "composed",
    );

    // The next on-demand payment (recurrence_ondemand.yml).
    let parent = paid(
        &sim,
        &gateway,
        json!({"recurrence": {"recurrence_cycle": "ON_DEMAND", "recurrence_date_to": "2100-04-01"}}),
    );
    let next = json!({"amount": "500", "currency": "CZK", "order_number": "002",
                      "order_description": "pojisteni02",
                      "items": [{"name": "item01", "amount": "500"}],
                      "additional_params": [{"name": "invoicenumber", "value": "2015001004"}]});
    let child = ok(
        gateway.post_json(
            &format!("/api/payments/payment/{parent}/create-recurrence"),
            &next,
        ),
        "next payment",
    );
    assert_eq!(child["state"], "CREATED");
    // Refunds: the amount as a form (§4.3), and with items and EET (refund_eet.yml).
    let refund = format!("/api/payments/payment/{parent}/refund");
    ok(
        gateway.send("POST", &refund, Some(FORM), b"amount=1000"),
        "refund",
    );
    let with_items = json!({
        "amount": 119990,
        "items": [{"type": "ITEM", "name": "lodicky",
                   "product_url": "https://www.example.com/boty/damske/lodicky-cervene",
                   "ean": 1_234_567_890_123_u64, "amount": -119990, "count": 1, "vat_rate": 21}],
        "eet": {"celk_trzba": -119990, "zakl_dan1": -99160, "dan1": -20830, "mena": "CZK"}
    });
    ok(gateway.post_json(&refund, &with_items), "refund with items");
    // Cancelling the recurrence: an empty form (recurrence_void.yml).
    let void = format!("/api/payments/payment/{parent}/void-recurrence");
    ok(
        gateway.send("POST", &void, Some(FORM), b""),
        "void-recurrence",
    );

    // Pre-authorisations: a full capture and a void are empty forms, a partial capture is
    // JSON (preauthorized_capture.yml, preauthorized_void.yml, partial_preauthorized_capture.yml).
    let held = json!({"preauthorization": true});
    let full = paid(&sim, &gateway, held.clone());
    let path = format!("/api/payments/payment/{full}/capture");
    ok(gateway.send("POST", &path, Some(FORM), b""), "capture");
    let partial = paid(&sim, &gateway, held.clone());
    let path = format!("/api/payments/payment/{partial}/capture");
    ok(
        gateway.post_json(&path, &json!({"amount": 500})),
        "partial capture",
    );
    let voided = paid(&sim, &gateway, held);
    let path = format!("/api/payments/payment/{voided}/void-authorization");
    ok(
        gateway.send("POST", &path, Some(FORM), b""),
        "void-authorization",
    );

    // The account statement (statement.yml) and the EET filter (§4.13).
    let statement = json!({"date_from": "2016-07-08", "date_to": "2016-08-08",
                           "goid": "8123456789", "currency": "CZK", "format": "CSV_A"});
    let file = gateway.post_json("/api/accounts/account-statement", &statement);
    assert_eq!(file.status, 200, "{}", String::from_utf8_lossy(&file.body));
    let filter = json!({"date_from": "2017-03-02", "date_to": "2017-04-02", "id_provozovny": 11});
    ok(
        gateway.post_json("/api/eet-receipts", &filter),
        "EET filter",
    );
}
