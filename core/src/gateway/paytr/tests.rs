//! PayTR publishes no known-answer values. The values below are built from the examples of PayTR's
//! documentation (field names, formulas, example amounts, the sample code's basket) with the
//! placeholder credentials `123456` / `YYYYYYYYYYYYYY` / `ZZZZZZZZZZZZZZ`, and each expected
//! signature was computed independently of this crate with Python's `hmac`, `hashlib` and
//! `base64` modules from the formula the cited page documents.

use crate::gateway::crypto;
use crate::gateway::text::RawPost;
use crate::test_support::*;
use serde_json::{json, Value};

const KEY: &str = "YYYYYYYYYYYYYY";
const SALT: &str = "ZZZZZZZZZZZZZZ";

fn creds() -> Value {
    json!({"merchant_id": "123456", "merchant_key": KEY, "merchant_salt": SALT})
}

fn sign(kind: &str, fields_key: &str, fields: Value) -> Value {
    ok(json!({"op": "signature.compute", "kind": kind,
        "inputs": {"merchant_key": KEY, "merchant_salt": SALT, fields_key: fields}}))
}

/// The basket of the sample code on dev.paytr.com "iFrame API 1. Adım" (`Örnek ürün 1` 18.00 × 1,
/// `Örnek ürün 2` 33.25 × 2, `Örnek ürün 3` 45.42 × 1): 129.92 in total.
fn sample_lines() -> Value {
    json!([
        {"name": "Örnek ürün 1", "unit_price": "18.00"},
        {"name": "Örnek ürün 2", "unit_price": "33.25", "quantity": 2},
        {"name": "Örnek ürün 3", "unit_price": "45.42", "quantity": 1}
    ])
}

fn customer() -> Value {
    json!({"ip": "1.1.1.1", "email": "user@domainname.com", "name": "PayTR Test", "address": "test test test",
        "phone": "05555555555"})
}

// --- Known answers built from the documentation ------------------------------------------------

/// dev.paytr.com "iFrame API 1. Adım": `paytr_token` over merchant_id . user_ip . merchant_oid .
/// email . payment_amount . user_basket . no_installment . max_installment . currency . test_mode
/// . merchant_salt, with the values of PayTR's "Hash Hesaplama" tool example (merchant 123456, IP
/// 1.1.1.1, order ABC123, user@domainname.com) and the sample code's basket as PHP's json_encode
/// writes it (non-ASCII escaped), base64-encoded.
#[test]
fn iframe_token_of_the_documented_example() {
    let basket = "W1siXHUwMGQ2cm5layBcdTAwZmNyXHUwMGZjbiAxIiwiMTguMDAiLDFdLFsiXHUwMGQ2cm5layBcdTAwZmNyXHUwMGZjbiAyIiwiMzMuMjUiLDJdLFsiXHUwMGQ2cm5layBcdTAwZmNyXHUwMGZjbiAzIiwiNDUuNDIiLDFdXQ==";
    let form = json!({"merchant_id": "123456", "user_ip": "1.1.1.1", "merchant_oid": "ABC123",
        "email": "user@domainname.com", "payment_amount": "12992", "user_basket": basket, "no_installment": "0",
        "max_installment": "0", "currency": "TL", "test_mode": "1"});
    let r = sign("paytr_iframe_token", "form", form);
    assert_eq!(r["value"], "OkOGD4091ahYCmRjeijB3VCUhTB6FRhapJrfTSqwZiI=");
    assert_eq!(r["input_masked"], format!("1234561.1.1.1ABC123user@domainname.com12992{basket}00TL1***"));
    assert_eq!(r["gateway"], "paytr");
}

/// dev.paytr.com "Direkt API 1. Adım": merchant_id . user_ip . merchant_oid . email .
/// payment_amount (decimal, the page's `100.99`) . payment_type . installment_count . currency .
/// test_mode . non_3d . merchant_salt.
#[test]
fn direct_token_of_the_documented_example() {
    let form = |installments: &str| {
        json!({"merchant_id": "123456", "user_ip": "1.1.1.1", "merchant_oid": "ABC125", "email": "user@domainname.com",
            "payment_amount": "100.99", "payment_type": "card", "installment_count": installments, "currency": "TL",
            "test_mode": "1", "non_3d": "0"})
    };
    assert_eq!(sign("paytr_direct_token", "form", form("0"))["value"], "k2kr3pEoR/3xQ9HcmNaJdUQPNM/MKCZjJU/X2PFdVS8=");
    assert_eq!(sign("paytr_direct_token", "form", form("3"))["value"], "hbOkARFZi4bQcPKDenzpnJ9d0ijbJcMg5wM6L+WGs40=");
}

/// dev.paytr.com "iFrame API 2. Adım": hash = b64(HMAC_SHA256(merchant_key, merchant_oid .
/// merchant_salt . status . total_amount)); the salt sits in the middle.
#[test]
fn callback_hash_of_the_documented_formula() {
    let r = sign(
        "paytr_callback",
        "response",
        json!({"merchant_oid": "ABC123", "status": "success", "total_amount": 12992}),
    );
    assert_eq!(r["value"], "ENQdoKtRq7M/WT99ON/fSv8pUM6hXqupbcKAsOs9+dY=");
    assert_eq!(r["input_masked"], "ABC123***success12992");
}

/// dev.paytr.com "İade API" (refund of the page's example amount `11.97`, docs/pos-protocols.md
/// §10.4) and "Durum Sorgu" (the status formula is not verified with any public vector).
#[test]
fn refund_and_status_tokens_of_the_documented_formulas() {
    let r = sign(
        "paytr_refund_token",
        "form",
        json!({"merchant_id": "123456", "merchant_oid": "ABC123", "return_amount": "11.97"}),
    );
    assert_eq!(r["value"], "bX8q2BqRwdOqo9mnJ35w7Ek3Pu9kPD/lX6NKv6HMr9A=");
    assert_eq!(r["input_masked"], "123456ABC12311.97***");
    let r = sign("paytr_status_token", "form", json!({"merchant_id": "123456", "merchant_oid": "ABC123"}));
    assert_eq!(r["value"], "2qVLjZiFG81skrDhguPodBI4ZpydXLoNCGSyRATr0Jg=");
}

#[test]
fn signature_kinds_reject_what_they_cannot_read() {
    let inputs = |v: Value| json!({"op": "signature.compute", "kind": "paytr_callback", "inputs": v});
    assert_eq!(err(inputs(json!({"merchant_salt": SALT, "response": {}}))), "request.missing_field");
    assert_eq!(err(inputs(json!({"merchant_key": KEY, "merchant_salt": SALT}))), "request.missing_field");
    assert_eq!(
        err(inputs(json!({"merchant_key": KEY, "merchant_salt": SALT, "response": {"status": ["x"]}}))),
        "request.invalid_type"
    );
}

// --- payment.prepare -------------------------------------------------------------------------

fn prepare(model: &str, environment: &str, order: Value) -> Value {
    json!({"op": "payment.prepare", "gateway": "paytr", "environment": environment, "model": model,
        "credentials": creds(), "order": order, "customer": customer(),
        "urls": {"ok": "https://shop.example/ok", "fail": "https://shop.example/fail"}})
}

fn form_pairs(http: &Value) -> Vec<(String, String)> {
    let body = crypto::base64_decode(http["body_base64"].as_str().unwrap()).unwrap();
    let post = RawPost::from_urlencoded(std::str::from_utf8(&body).unwrap(), "body").unwrap();
    post.iter().map(|(k, v)| (k.to_string(), String::from_utf8(v.to_vec()).unwrap())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The iFrame API step 1 request (dev.paytr.com "iFrame API 1. Adım") with the sample basket as
/// order lines: the token reproduces the value computed independently for this exact basket (the
/// core writes the JSON in UTF-8, without PHP's `\u` escapes; PayTR reads both).
#[test]
fn iframe_token_request_carries_the_basket_and_signs_it() {
    let step = ok(prepare("3d_host", "test", json!({"id": "ABC123", "amount": "129.92", "lines": sample_lines()})));
    assert_eq!(step["type"], "http");
    let http = &step["http"];
    assert_eq!(http["url"], "https://www.paytr.com/odeme/api/get-token");
    assert_eq!(http["headers"][0]["value"], "application/x-www-form-urlencoded");
    let basket = "W1siw5ZybmVrIMO8csO8biAxIiwiMTguMDAiLDFdLFsiw5ZybmVrIMO8csO8biAyIiwiMzMuMjUiLDJdLFsiw5ZybmVrIMO8csO8biAzIiwiNDUuNDIiLDFdXQ==";
    assert_eq!(
        String::from_utf8(crypto::base64_decode(basket).unwrap()).unwrap(),
        r#"[["Örnek ürün 1","18.00",1],["Örnek ürün 2","33.25",2],["Örnek ürün 3","45.42",1]]"#
    );
    assert_eq!(
        form_pairs(http),
        pairs(&[
            ("merchant_id", "123456"),
            ("user_ip", "1.1.1.1"),
            ("merchant_oid", "ABC123"),
            ("email", "user@domainname.com"),
            ("payment_amount", "12992"),
            ("user_basket", basket),
            ("no_installment", "1"),
            ("max_installment", "0"),
            ("currency", "TL"),
            ("test_mode", "1"),
            ("lang", "en"),
            ("timeout_limit", "30"),
            ("user_name", "PayTR Test"),
            ("user_address", "test test test"),
            ("user_phone", "05555555555"),
            ("merchant_ok_url", "https://shop.example/ok"),
            ("merchant_fail_url", "https://shop.example/fail"),
            ("debug_on", "1"),
            ("paytr_token", "77/mtKprDeBkLIXKAz8oa4qRntErjtsdgMoEeY842Go="),
        ])
    );
    assert_eq!(http["context"]["step"], "iframe_token");
    // No card and no secret in the body.
    assert!(!http["log_body"].as_str().unwrap().contains(KEY));
}

/// Without lines, one line for the order total; installments cap PayTR's page; live sets
/// test_mode 0.
#[test]
fn iframe_token_without_lines_in_live_with_installments() {
    let step =
        ok(prepare("3d_host", "live", json!({"id": "ABC124", "amount": "250", "currency": "USD", "installments": 6})));
    let fields = form_pairs(&step["http"]);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(get("user_basket"), "W1siQUJDMTI0IiwiMjUwLjAwIiwxXV0=");
    assert_eq!((get("no_installment").as_str(), get("max_installment").as_str()), ("0", "6"));
    assert_eq!((get("currency").as_str(), get("test_mode").as_str(), get("debug_on").as_str()), ("USD", "0", "0"));
    assert_eq!(get("payment_amount"), "25000");
    assert_eq!(get("paytr_token"), "FDI1yKA0EHLusWj0V7TMXKVt73rvMROl3Y98qsmvU4U=");
}

fn form_of(step: &Value) -> Vec<(String, String)> {
    step["form"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["value"].as_str().unwrap().to_string()))
        .collect()
}

/// The Direct API form (dev.paytr.com "Direkt API 1. Adım"): the token covers no card field, so
/// the browser adds them.
#[test]
fn direct_form_leaves_the_card_to_the_browser() {
    let step = ok(prepare("3d_pay", "test", json!({"id": "ABC125", "amount": "100.99"})));
    assert_eq!(step["type"], "form");
    let form = &step["form"];
    assert_eq!((form["action"].as_str(), form["method"].as_str()), (Some("https://www.paytr.com/odeme"), Some("POST")));
    assert_eq!(form["card_entry"], "browser");
    assert_eq!(
        form["card_fields"],
        json!({"number": "card_number", "expiry": [["expiry_month", "MM"], ["expiry_year", "YY"]], "cvv": "cvv",
            "holder": "cc_owner", "brand": null, "program": null})
    );
    assert_eq!(form["sensitive"], json!([]));
    assert_eq!(
        form_of(&step),
        pairs(&[
            ("merchant_id", "123456"),
            ("user_ip", "1.1.1.1"),
            ("merchant_oid", "ABC125"),
            ("email", "user@domainname.com"),
            ("payment_amount", "100.99"),
            ("payment_type", "card"),
            ("installment_count", "0"),
            ("currency", "TL"),
            ("test_mode", "1"),
            ("non_3d", "0"),
            ("user_basket", r#"[["ABC125","100.99",1]]"#),
            ("client_lang", "en"),
            ("user_name", "PayTR Test"),
            ("user_address", "test test test"),
            ("user_phone", "05555555555"),
            ("merchant_ok_url", "https://shop.example/ok"),
            ("merchant_fail_url", "https://shop.example/fail"),
            ("debug_on", "1"),
            ("paytr_token", "k2kr3pEoR/3xQ9HcmNaJdUQPNM/MKCZjJU/X2PFdVS8="),
        ])
    );
}

/// For installments the form also asks for the card's program, PayTR's `card_type` (dev.paytr.com
/// "Direkt API 1. Adım": "advantage, axess, combo, bonus, cardfinans, maximum, paraf, world,
/// saglamkart", for installments only), by card family id. The token does not cover it, so the
/// browser adds it with the card, and the form leaves it out.
#[test]
fn direct_form_asks_for_the_program_of_an_installment_payment() {
    let step = ok(prepare("3d_pay", "test", json!({"id": "ABC125", "amount": "100.99", "installments": 3})));
    let programs = json!([
        "card_type",
        [
            ["advantage", "advantage"],
            ["axess", "axess"],
            ["bankkart", "combo"],
            ["bonus", "bonus"],
            ["cardfinans", "cardfinans"],
            ["maximum", "maximum"],
            ["paraf", "paraf"],
            ["saglam", "saglamkart"],
            ["world", "world"]
        ]
    ]);
    assert_eq!(step["form"]["card_fields"]["program"], programs);
    let fields = form_of(&step);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("installment_count").as_deref(), Some("3"));
    assert_eq!(get("card_type"), None);
    assert_eq!(get("paytr_token").as_deref(), Some("hbOkARFZi4bQcPKDenzpnJ9d0ijbJcMg5wM6L+WGs40="));
    // Every program PayTR names is a canonical family's code, and every family without a parent
    // (a sub-brand takes its parent's) has one.
    let codes: Vec<(String, String)> = serde_json::from_value(programs[1].clone()).unwrap();
    for family in crate::issuer::FAMILIES.iter().filter(|f| f.parent.is_none()) {
        assert!(codes.iter().any(|(id, _)| id == family.id), "{}", family.id);
    }
    for (id, code) in &codes {
        assert_eq!(crate::issuer::Family::find(code).unwrap().id, id, "PayTR's {code} is an alias of {id}");
    }
    // A sub-brand takes its parent's program (Wings: Axess).
    let wings = crate::issuer::Family::by_id("wings").unwrap();
    assert_eq!(crate::gateway::code_for(super::CARD_TYPE.1, &[Some(wings.id), wings.parent]), Some("axess"));
}

/// Given the card (no JavaScript), the core adds it under the same names, marked sensitive, and
/// for installments its program from the BIN, with the same token as without the card: 4355 08…
/// is an Akbank card (Axess), 4546 71… a Ziraat one (Bankkart: PayTR's `combo`). A single payment
/// has no `card_type`, nor has a card of no known family (5400 01…).
#[test]
fn direct_form_with_the_card_and_installments() {
    let with_card = |number: &str, installments: u32| {
        let order = json!({"id": "ABC125", "amount": "100.99", "installments": installments});
        let mut req = prepare("3d_pay", "test", order);
        req["card"] = json!({"number": number, "expiry": "12/30", "cvv": "000", "holder": "Kart Sahibi"});
        ok(req)
    };
    let step = with_card("4355084355084358", 3);
    let fields = form_of(&step);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    assert_eq!(get("installment_count"), "3");
    assert_eq!(get("paytr_token"), "hbOkARFZi4bQcPKDenzpnJ9d0ijbJcMg5wM6L+WGs40=");
    assert_eq!(get("card_type"), "axess");
    assert_eq!(
        (get("card_number"), get("expiry_month"), get("expiry_year"), get("cvv"), get("cc_owner")),
        ("4355084355084358".into(), "12".into(), "30".into(), "000".into(), "Kart Sahibi".into())
    );
    assert_eq!(
        step["form"]["sensitive"],
        json!(["card_number", "expiry_month", "expiry_year", "cvv", "cc_owner", "card_type"])
    );
    let card_type = |step: &Value| form_of(step).into_iter().find(|(n, _)| n == "card_type").map(|(_, v)| v);
    assert_eq!(card_type(&with_card("4546711234567894", 6)).as_deref(), Some("combo"));
    assert_eq!(card_type(&with_card("4355084355084358", 1)), None);
    assert_eq!(card_type(&with_card("5400010000000004", 3)), None);
}

#[test]
fn prepare_rejects_bad_input() {
    let order = || json!({"id": "ABC123", "amount": "10.00"});
    // PayTR order numbers are letters and digits only.
    assert_eq!(err(prepare("3d_host", "test", json!({"id": "ABC-123", "amount": "10.00"}))), "order.invalid_id");
    assert_eq!(err(prepare("3d_host", "test", json!({"id": "ABC 123", "amount": "10.00"}))), "order.invalid_id");
    assert_eq!(err(prepare("3d_host", "test", json!({"id": "A".repeat(65), "amount": "10.00"}))), "request.too_long");
    assert_eq!(err(prepare("3d", "test", order())), "gateway.unsupported_model");
    assert_eq!(err(prepare("regular", "test", order())), "gateway.unsupported_model");
    assert_eq!(
        err(prepare("3d_host", "test", json!({"id": "ABC123", "amount": "10", "currency": "JPY"}))),
        "gateway.unsupported_currency"
    );
    assert_eq!(
        err(prepare("3d_pay", "test", json!({"id": "ABC123", "amount": "10.00", "installments": 13}))),
        "order.invalid_installments"
    );
    let mut req = prepare("3d_host", "test", order());
    req["credentials"]["merchant_salt"] = json!("");
    assert_eq!(err(req), "credentials.missing");
    for field in ["ip", "email", "name", "address", "phone"] {
        let mut req = prepare("3d_host", "test", order());
        req["customer"].as_object_mut().unwrap().remove(field);
        let answer = call(req);
        assert_eq!(answer["error"]["code"], "request.missing_field");
        assert_eq!(answer["error"]["field"], format!("customer.{field}"));
    }
    let mut req = prepare("3d_host", "test", json!({"id": "ABC123", "amount": "10.00", "lines": [{"name": "x"}]}));
    assert_eq!(err(req.clone()), "request.missing_field");
    req["order"]["lines"] = json!([{"name": "x", "unit_price": "1.00", "quantity": 0}]);
    assert_eq!(err(req), "request.invalid_value");
}

// --- callback.verify -------------------------------------------------------------------------

fn notification(status: &str, total: &str, hash: &str) -> Value {
    json!({"merchant_oid": "ABC123", "status": status, "total_amount": total, "hash": hash,
        "failed_reason_code": "", "failed_reason_msg": "", "test_mode": "1", "payment_type": "card",
        "currency": "TL", "payment_amount": "12992"})
}

fn paid() -> Value {
    notification("success", "12992", "ENQdoKtRq7M/WT99ON/fSv8pUM6hXqupbcKAsOs9+dY=")
}

fn verify(post: Value) -> Value {
    ok(json!({"op": "callback.verify", "gateway": "paytr", "environment": "test", "model": "3d_host",
        "credentials": creds(), "post": post,
        "expected": {"order_id": "ABC123", "amount": "129.92", "currency": "TRY"}}))
}

fn verdict(v: &Value) -> (&str, &str, &str) {
    (v["signature"].as_str().unwrap(), v["outcome"].as_str().unwrap(), v["reason"]["code"].as_str().unwrap_or(""))
}

/// The notification's documented fields (dev.paytr.com "iFrame API 2. Adım"), hash computed
/// independently: approved, and the shop must answer exactly `OK`.
#[test]
fn a_paid_notification_is_approved_and_answered_ok() {
    let v = verify(paid());
    assert_eq!(verdict(&v), ("verified", "approved", ""));
    assert_eq!(v["authentic"], true);
    assert_eq!(v["reply"], "OK");
    assert_eq!(v["references"], json!({"order_id": "ABC123", "total_amount": "129.92"}));
    assert_eq!(v["bank"]["code"], "success");
    // The same through the raw body the plugin forwards.
    let body = "merchant_oid=ABC123&status=success&total_amount=12992&hash=ENQdoKtRq7M%2FWT99ON%2FfSv8pUM6hXqupbcKAsOs9%2BdY%3D";
    let v = ok(json!({"op": "callback.verify", "gateway": "paytr", "environment": "test", "model": "3d_pay",
        "credentials": creds(), "post_body": body, "expected": {"order_id": "ABC123", "amount": "129.92"}}));
    assert_eq!(verdict(&v), ("verified", "approved", ""));
}

/// `total_amount` may exceed the order with PayTR's installment interest: still paid, and the
/// charged total is kept; less than the order is an amount mismatch.
#[test]
fn total_amount_above_the_order_is_interest_below_is_a_mismatch() {
    let v = verify(notification("success", "13500", "CmU85HfEc6tXhGf9LWYhBKpbanXpUxjmCQr0DqA8vfk="));
    assert_eq!(verdict(&v), ("verified", "approved", ""));
    assert_eq!(v["references"]["total_amount"], "135.00");
    let v = verify(notification("success", "12000", "TdnuNx9AVtLq7NydEf6pjRZh5pciyX1eUX+J8P40h3s="));
    assert_eq!(verdict(&v), ("verified", "error", "callback.amount_mismatch"));
    assert_eq!(v["reply"], "OK", "an authentic notification is acknowledged whatever it says");
}

#[test]
fn a_failed_notification_is_declined_with_its_unsigned_reason() {
    let mut post = notification("failed", "12992", "Z4pJb9TkzCe2XtCbX21OYbBuo42jrNywOMdmvUSHX2s=");
    post["failed_reason_code"] = json!("2");
    post["failed_reason_msg"] = json!("Ödeme onaylanmadı");
    let v = verify(post);
    assert_eq!(verdict(&v), ("verified", "declined", "bank.declined"));
    assert_eq!(
        (v["bank"]["error_code"].as_str(), v["bank"]["message"].as_str()),
        (Some("2"), Some("Ödeme onaylanmadı"))
    );
    assert_eq!(v["reply"], "OK");
}

#[test]
fn tampered_notifications_are_not_authentic() {
    for (field, value) in [("merchant_oid", "ABC124"), ("status", "failed"), ("total_amount", "12993")] {
        let mut post = paid();
        post[field] = json!(value);
        let v = verify(post);
        assert_eq!(verdict(&v), ("mismatch", "error", "callback.signature_mismatch"), "{field}");
        assert_eq!((v["references"].clone(), v["reply"].clone()), (json!({}), Value::Null), "nothing echoed");
    }
    let mut post = paid();
    post.as_object_mut().unwrap().remove("hash");
    assert_eq!(verdict(&verify(post)), ("missing", "error", "callback.signature_missing"));
    // Hashed with another merchant's key and salt.
    let v = verify(notification("success", "12992", "zexx9arlbNypCCQJUqA8k/0IRe6JVmFx/yP7+PgkR4I="));
    assert_eq!(verdict(&v), ("mismatch", "error", "callback.signature_mismatch"));
    // Unsigned fields change nothing: PayTR's token already bound the currency to the order.
    let mut post = paid();
    post["currency"] = json!("USD");
    post["payment_amount"] = json!("1");
    post["merchant_salt"] = json!("x");
    assert_eq!(verdict(&verify(post)), ("verified", "approved", ""));
}

#[test]
fn an_authentic_notification_for_another_order_is_refused() {
    let v = ok(json!({"op": "callback.verify", "gateway": "paytr", "environment": "test", "model": "3d_host",
        "credentials": creds(), "post": paid(), "expected": {"order_id": "ABC999", "amount": "129.92"}}));
    assert_eq!(verdict(&v), ("verified", "error", "callback.order_mismatch"));
}

#[test]
fn an_unknown_status_is_an_error() {
    // Signed with the documented formula for status "pending".
    let hash = sign(
        "paytr_callback",
        "response",
        json!({"merchant_oid": "ABC123", "status": "pending", "total_amount": "12992"}),
    );
    let v = verify(notification("pending", "12992", hash["value"].as_str().unwrap()));
    assert_eq!(verdict(&v), ("verified", "error", "bank.error"));
}

// --- api.request / api.parse -----------------------------------------------------------------

fn api(operation: &str, amount: &str) -> Value {
    json!({"op": "api.request", "gateway": "paytr", "environment": "live", "credentials": creds(),
        "operation": operation, "order": {"id": "ABC123", "amount": amount}})
}

#[test]
fn refund_and_status_requests() {
    let http = ok(api("refund", "11.97"))["http"].clone();
    assert_eq!(http["url"], "https://www.paytr.com/odeme/iade");
    assert_eq!(
        form_pairs(&http),
        pairs(&[
            ("merchant_id", "123456"),
            ("merchant_oid", "ABC123"),
            ("return_amount", "11.97"),
            ("paytr_token", "bX8q2BqRwdOqo9mnJ35w7Ek3Pu9kPD/lX6NKv6HMr9A="),
        ])
    );
    let http = ok(api("status", "129.92"))["http"].clone();
    assert_eq!(http["url"], "https://www.paytr.com/odeme/durum-sorgu");
    assert_eq!(
        form_pairs(&http),
        pairs(&[
            ("merchant_id", "123456"),
            ("merchant_oid", "ABC123"),
            ("paytr_token", "2qVLjZiFG81skrDhguPodBI4ZpydXLoNCGSyRATr0Jg=")
        ])
    );
    for operation in ["cancel", "capture", "provision", "sale"] {
        assert_eq!(err(api(operation, "1.00")), "gateway.unsupported_operation", "{operation}");
    }
    let mut req = api("refund", "1.00");
    req["order"]["id"] = json!("ABC_123");
    assert_eq!(err(req), "order.invalid_id");
}

fn parse_with(context: Value, status: u16, body: &str) -> Value {
    call(json!({"op": "api.parse", "gateway": "paytr", "environment": "live", "credentials": creds(),
        "context": context, "response": {"status": status, "body": body}}))
}

fn context_of(req: Value) -> Value {
    ok(req)["http"]["context"].clone()
}

fn token_context() -> Value {
    ok(prepare("3d_host", "live", json!({"id": "ABC123", "amount": "129.92"})))["http"]["context"].clone()
}

/// The get-token answer `{status, token}` (dev.paytr.com "iFrame API 1. Adım") leads to the
/// iframe of `https://www.paytr.com/odeme/guvenli/<token>` on the shop's page.
#[test]
fn the_token_answer_is_the_iframe_to_show() {
    let r = parse_with(token_context(), 200, r#"{"status":"success","token":"4a8b0c1d2e3f"}"#);
    assert_eq!(r["result"]["outcome"], "redirect");
    assert_eq!(
        r["result"]["next"],
        json!({"type": "redirect", "redirect": {"url": "https://www.paytr.com/odeme/guvenli/4a8b0c1d2e3f", "embed": true}})
    );
    let r = parse_with(token_context(), 200, r#"{"status":"failed","reason":"Geçersiz user_ip"}"#);
    assert_eq!(r["result"]["outcome"], "error");
    assert_eq!(r["result"]["bank"]["message"], "Geçersiz user_ip");
    // A token that would change the URL is not used.
    for body in [r#"{"status":"success","token":"a/../x"}"#, r#"{"status":"success"}"#] {
        assert_eq!(parse_with(token_context(), 200, body)["error"]["code"], "bank.bad_response", "{body}");
    }
}

/// İade API answers: `{status: success, merchant_oid, return_amount}` or `{status: error, err_no,
/// err_msg}` (dev.paytr.com "İade API").
#[test]
fn refund_answers() {
    let context = context_of(api("refund", "11.97"));
    let r = parse_with(
        context.clone(),
        200,
        r#"{"status":"success","is_test":1,"merchant_oid":"ABC123","return_amount":"11.97"}"#,
    );
    assert_eq!(r["result"]["outcome"], "approved");
    let r = parse_with(
        context.clone(),
        200,
        r#"{"status":"error","err_no":"006","err_msg":"Toplam iade tutarı satış tutarından fazla"}"#,
    );
    assert_eq!(r["result"]["outcome"], "error");
    assert_eq!(
        (r["result"]["bank"]["error_code"].as_str(), r["result"]["reason"]["code"].as_str()),
        (Some("006"), Some("bank.error"))
    );
    let r = parse_with(context.clone(), 200, r#"{"status":"success","merchant_oid":"ABC999","return_amount":"11.97"}"#);
    assert_eq!(r["error"]["code"], "bank.bad_response", "another order");
    let r = parse_with(context, 200, r#"{"status":"success","merchant_oid":"ABC123","return_amount":"1.00"}"#);
    assert_eq!(r["error"]["code"], "bank.bad_response", "another amount");
}

/// Durum Sorgu answers (dev.paytr.com "Durum Sorgu": amounts as in its example, `10,8` with a
/// comma; refunds under `returns`).
#[test]
fn status_answers() {
    let context = context_of(api("status", "10.80"));
    let r = parse_with(
        context.clone(),
        200,
        r#"{"status":"success","payment_amount":"10,8","payment_total":"10,8","payment_date":"2021-01-01","currency":"TL","taksit":"0","kart_marka":"BONUS","masked_pan":"455359******1234","net_tutar":"9.76","kesinti_tutari":"0.24"}"#,
    );
    assert_eq!(r["result"]["outcome"], "approved");
    assert_eq!(
        r["result"]["order_status"],
        json!({"state": "paid", "amount": "10.80", "captured": "10.80", "refunded": "0.00"})
    );
    let r = parse_with(
        context.clone(),
        200,
        r#"{"status":"success","payment_amount":"10.80","payment_total":"10.80","currency":"TL","returns":[{"return_amount":"4.00"},{"return_amount":"1,50"}]}"#,
    );
    assert_eq!(r["result"]["order_status"]["state"], "partially_refunded");
    assert_eq!(r["result"]["order_status"]["refunded"], "5.50");
    let r = parse_with(
        context.clone(),
        200,
        r#"{"status":"success","payment_amount":"10.80","returns":[{"return_amount":"10.80"}]}"#,
    );
    assert_eq!(r["result"]["order_status"]["state"], "refunded");
    let r = parse_with(context.clone(), 200, r#"{"status":"error","err_msg":"Sipariş bulunamadı"}"#);
    assert_eq!((r["result"]["outcome"].as_str(), r["result"]["order_status"].is_null()), (Some("error"), true));
    for body in [
        r#"{"status":"success","payment_amount":"10.80","currency":"USD"}"#,
        r#"{"status":"success","returns":[{"return_amount":"x"}]}"#,
    ] {
        assert_eq!(parse_with(context.clone(), 200, body)["error"]["code"], "bank.bad_response", "{body}");
    }
}

#[test]
fn garbage_truncated_empty_and_http_errors() {
    let context = context_of(api("status", "10.80"));
    for body in ["", "  ", "<html>", r#"{"status":"succ"#, "[]", r#"{"token":"x"}"#, "null"] {
        assert_eq!(parse_with(context.clone(), 200, body)["error"]["code"], "bank.bad_response", "{body:?}");
    }
    assert_eq!(parse_with(context.clone(), 500, r#"{"status":"success"}"#)["error"]["code"], "bank.http_error");
    assert_eq!(parse_with(context, 404, "")["error"]["code"], "bank.http_error");
    // A context of another family is refused.
    let mut context = context_of(api("status", "10.80"));
    context["gateway"] = json!("nestpay");
    assert_eq!(parse_with(context, 200, r#"{"status":"success"}"#)["error"]["code"], "request.invalid_value");
}

#[test]
fn gateways_list_describes_paytr() {
    let list = ok(json!({"op": "gateways.list"}));
    let g = list["gateways"].as_array().unwrap().iter().find(|g| g["id"] == "paytr").unwrap();
    assert_eq!(
        g["models"],
        json!([{"id": "3d_host", "card_entry": "bank_page"}, {"id": "3d_pay", "card_entry": "browser"}])
    );
    assert_eq!(g["operations"], json!(["refund", "status"]));
    assert_eq!(g["presets"][0]["id"], "paytr");
    assert_eq!(g["max_order_id"], 64);
}
