use crate::gateway::crypto;
use crate::test_support::*;
use serde_json::{json, Value};

/// Tosla's public test merchant (mewebstudio/pos ToslaPosCryptTest; published by Tosla).
const API_PASS: &str = "POS_ENT_Test_001!*!*";

fn creds() -> Value {
    json!({"client_id": "1000000494", "api_user": "POS_ENT_Test_001", "api_pass": API_PASS})
}

fn verify_with(model: &str, post: Value, expected: Value, options: Value) -> Value {
    ok(json!({
        "op": "callback.verify", "gateway": "tosla", "environment": "test", "model": model,
        "credentials": creds(), "post": post, "expected": expected, "options": options
    }))
}

fn verify(model: &str, post: Value, expected: Value) -> Value {
    verify_with(model, post, expected, json!({}))
}

fn outcome(v: &Value) -> (&str, &str, &str) {
    (v["signature"].as_str().unwrap(), v["outcome"].as_str().unwrap(), v["reason"]["code"].as_str().unwrap_or(""))
}

const HASH_PARAMETERS: &str = "ClientId,ApiUser,OrderId,MdStatus,BankResponseCode,BankResponseMessage,RequestStatus";

// --- Known answers -------------------------------------------------------------------------------

/// `tosla-api-hash-001` (ToslaPosCryptTest::testCreateHash) and the request hashes of
/// tests/Unit/DataMapper/RequestDataMapper/ToslaPosRequestDataMapperTest.php (status/cancel/refund
/// `rand-212s`, 3D and non-3D payment `rand`, post-auth `raranra`, order history `rand-123`), which
/// reproduce with the public password.
#[test]
fn request_hash_known_answers() {
    let v = call(json!({"op": "signature.compute", "kind": "tosla_api_request",
                         "inputs": vector("tosla-api-hash-001")["inputs"]}));
    assert_eq!(v["result"]["value"], vector("tosla-api-hash-001")["expected"]);
    assert_eq!(v["result"]["input_masked"], "***1000000494POS_ENT_Test_001rand20231209201121");
    for (rnd, time_span, expected) in [
        (
            "rand-212s",
            "20231209215355",
            "jcgZOAf/m/E1uwYXmOPrdgqXRuEmVuG3Q14yri0okhULvRDbAicyAU8hflUP634yRRSZkOnIOeLZNqXfLhzz7g==",
        ),
        (
            "rand",
            "20231209214708",
            "+XGO1qv+6W7nXZwSsYMaRrWXhi+99jffLvExGsFDodYyNadOG7OQKsygzly5ESDoNIS19oD2U+hSkVeT6UTAFA==",
        ),
        (
            "raranra",
            "20231209213944",
            "bLp8WNYiaKrnW+EfwHuUZ1ovao0laSeuU/DqUMhjI40QNWdcHJWRKpkoE+eb1U07GGDgsIKKvx9nh84s6K1+pQ==",
        ),
        (
            "rand-123",
            "20231209215355",
            "csrJh00U/nYGim8jPp9uddRdRvEWZf8pYu9Elss5RtA9JQt6DRkXxrTTY4iYQt5iABp5bj+/RYhlnTflyD9eBw==",
        ),
    ] {
        let request =
            json!({"clientId": "1000000494", "apiUser": "POS_ENT_Test_001", "rnd": rnd, "timeSpan": time_span});
        assert_eq!(sign("tosla_api_request", json!({"api_pass": API_PASS, "request": request})), expected, "{rnd}");
    }
}

fn vector(id: &str) -> Value {
    let file: Value = serde_json::from_str(include_str!("../../../../tests/vectors/known-answers.json")).unwrap();
    file["vectors"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap().clone()
}

/// Real callbacks of Tosla's test system: `tosla-callback-001` (ToslaPosCryptTest #0 =
/// ToslaPosResponseDataMapperTest threeDPayPaymentDataProvider `success1`), its `auth_fail`, and
/// threeDHostPaymentDataProvider `success1`.
fn real_callback(which: usize) -> (Value, &'static str) {
    let cases = [
        (
            "202312034E91",
            "1",
            "P40D18956D9C94188ABF6C87B37075AF7B1029577C4BF4BADB8E86058919000F4",
            "00",
            "1",
            "CgibjWkLpfx+Cz6cVlbH1ViSW74ouKACVOW0Vrt2SfqPMt+V3hfIx/4LnOgcInFhPci/qcnIMgdN0RptHSmFOg==",
        ),
        (
            "20231203E148",
            "0",
            "P2462E945F4554146B8E4A4306B7FF6C16D4047086D304B61B53430BD7CD02F51",
            "MD:0",
            "0",
            "C7Vbcr3adDhlWEr9vT9oFHikjrjEiv5DSBORu0YnOATkF/YirOziwouAGk8vqB29oeyPBnlFgBih7bLN9YWweQ==",
        ),
        (
            "20231203626F",
            "1",
            "P8A6DB3F7FDB74A3F903C44883401F178609178BC431C47DE92E4811587C65589",
            "00",
            "1",
            "A+bjgxp/uIQjpsY+cEpUJcu+m6xXMgpDz7DOjtQ8TgKgJaFFsLGKkpNKOYzInqfkJ6U9+S8mxGFBv4o4WqC4hg==",
        ),
    ];
    let (order, md_status, session, code, request_status, hash) = cases[which];
    let post = json!({
        "ClientId": "1000000494", "OrderId": order, "MdStatus": md_status, "ThreeDSessionId": session,
        "BankResponseCode": code, "BankResponseMessage": "", "RequestStatus": request_status,
        "HashParameters": HASH_PARAMETERS, "Hash": hash
    });
    (post, order)
}

#[test]
fn real_callbacks_through_callback_verify() {
    let v = vector("tosla-callback-001");
    assert_eq!(v["inputs"]["response"], real_callback(0).0);
    let computed = ok(json!({"op": "signature.compute", "kind": "tosla_response", "inputs": v["inputs"]}));
    assert_eq!(computed["value"], v["expected"]);
    assert_eq!(computed["input_masked"], "***1000000494POS_ENT_Test_001202312034E911001");
    for (which, model, expected) in [(0, "3d_pay", "approved"), (1, "3d_pay", "3ds_failed"), (2, "3d_host", "approved")]
    {
        let (post, order) = real_callback(which);
        let inputs =
            json!({"api_pass": API_PASS, "client_id": "1000000494", "api_user": "POS_ENT_Test_001", "response": post});
        assert_eq!(sign("tosla_response", inputs), post["Hash"]);
        let v = verify(model, post.clone(), json!({"order_id": order, "amount": "1.01"}));
        assert_eq!((v["signature"].as_str(), v["outcome"].as_str()), (Some("verified"), Some(expected)), "{v}");
        assert_eq!(
            (v["bank"]["code"].clone(), v["bank"]["md_status"].clone()),
            (post["BankResponseCode"].clone(), post["MdStatus"].clone())
        );
        assert_eq!(v["references"], json!({"order_id": order}));
        // ToslaPosCryptTest also requires a failure once MdStatus is emptied.
        let mut tampered = post;
        tampered["MdStatus"] = json!("");
        assert_eq!(verify(model, tampered, json!({"order_id": order, "amount": "1.01"}))["signature"], "mismatch");
    }
}

// --- Forged and mismatched callbacks -------------------------------------------------------------

#[test]
fn tampered_callbacks_are_not_authentic() {
    let (original, order) = real_callback(0);
    let expected = json!({"order_id": order, "amount": "1.01"});
    for key in ["OrderId", "MdStatus", "BankResponseCode", "BankResponseMessage", "RequestStatus"] {
        let mut post = original.clone();
        post[key] = json!(format!("{}1", post[key].as_str().unwrap()));
        let v = verify("3d_pay", post, expected.clone());
        assert_eq!(outcome(&v), ("mismatch", "error", "callback.signature_mismatch"), "{key}");
        assert_eq!(v["references"], json!({}), "nothing from a forged callback is echoed");
    }
    // ClientId and ApiUser come from the account, not from the callback.
    let mut post = original.clone();
    post["ClientId"] = json!("9999999999");
    assert_eq!(verify("3d_pay", post, expected.clone())["signature"], "verified");
    let mut post = original.clone();
    post.as_object_mut().unwrap().remove("Hash");
    assert_eq!(outcome(&verify("3d_pay", post, expected.clone())), ("missing", "error", "callback.signature_missing"));
    for (field, value) in
        [("api_pass", "POS_ENT_Test_001!*!+"), ("client_id", "1000000495"), ("api_user", "POS_ENT_Test_002")]
    {
        let mut other = creds();
        other[field] = json!(value);
        let v = ok(json!({
            "op": "callback.verify", "gateway": "tosla", "environment": "test", "model": "3d_pay",
            "credentials": other, "post": original.clone(), "expected": expected.clone()
        }));
        assert_eq!(v["signature"], "mismatch", "{field}");
    }
}

/// The values are joined without separators: the real failed callback's signed tail
/// `20231203E148` `0` `MD:0` `` `0` re-cut under another list still verifies, so only the
/// documented HashParameters list is trusted.
#[test]
fn a_recut_hash_parameters_list_is_refused() {
    let (original, order) = real_callback(1);
    let mut post = original.clone();
    for (k, v) in [
        ("HashParameters", "ClientId,ApiUser,OrderId,MdStatus,BankResponseMessage,BankResponseCode,RequestStatus"),
        ("BankResponseMessage", "MD:0"),
        ("BankResponseCode", ""),
    ] {
        post[k] = json!(v);
    }
    let v = verify("3d_pay", post, json!({"order_id": order, "amount": "1.01"}));
    assert_eq!(outcome(&v), ("verified", "error", "callback.field_unsigned"));
    assert_eq!(v["references"], json!({}));
}

/// A callback Tosla would post for our own session, signed with the public recipe.
fn callback(fields: &[(&str, &str)]) -> Value {
    let mut post = json!({
        "ClientId": "1000000494", "OrderId": "ORD-1001", "MdStatus": "1", "ThreeDSessionId": "PSESSION",
        "BankResponseCode": "00", "BankResponseMessage": "", "RequestStatus": "1", "HashParameters": HASH_PARAMETERS
    });
    for (k, v) in fields {
        post[*k] = json!(v);
    }
    let inputs =
        json!({"api_pass": API_PASS, "client_id": "1000000494", "api_user": "POS_ENT_Test_001", "response": post});
    post["Hash"] = json!(sign("tosla_response", inputs));
    post
}

fn expected() -> Value {
    json!({"order_id": "ORD-1001", "amount": "1250.50", "currency": "TRY", "installments": 3})
}

#[test]
fn verdicts_on_signed_callbacks() {
    assert_eq!(outcome(&verify("3d_pay", callback(&[]), expected())), ("verified", "approved", ""));
    let v = verify("3d_pay", callback(&[("OrderId", "ORD-1002")]), expected());
    assert_eq!(outcome(&v), ("verified", "error", "callback.order_mismatch"));
    for (fields, reason) in [
        (&[("BankResponseCode", "05"), ("BankResponseMessage", "Red")][..], "bank.declined"),
        (&[("RequestStatus", "0")][..], "bank.declined"),
        (&[("MdStatus", "0"), ("BankResponseCode", "MD:0"), ("RequestStatus", "0")][..], "callback.3ds_failed"),
    ] {
        let v = verify("3d_host", callback(fields), expected());
        assert_eq!(v["reason"]["code"], reason, "{fields:?}");
        assert_ne!(v["outcome"], "approved");
    }
    for failing in ["0", "5", "6", "7", "8", "9", ""] {
        let v = verify("3d_pay", callback(&[("MdStatus", failing)]), expected());
        assert_eq!(outcome(&v), ("verified", "3ds_failed", "callback.3ds_failed"), "{failing:?}");
    }
    // Half-secure: a completed charge is still a charge; a refused one is an attempt.
    assert_eq!(verify("3d_pay", callback(&[("MdStatus", "2")]), expected())["outcome"], "approved");
    let v = verify("3d_pay", callback(&[("MdStatus", "3"), ("RequestStatus", "0")]), expected());
    assert_eq!(outcome(&v), ("verified", "3ds_attempt", "callback.3ds_attempt"));
    let half = json!({"accept_half_secure": true});
    let v = verify_with("3d_pay", callback(&[("MdStatus", "4"), ("RequestStatus", "0")]), expected(), half);
    assert_eq!(outcome(&v), ("verified", "declined", "bank.declined"));
    assert_eq!(
        err(json!({
            "op": "callback.verify", "gateway": "tosla", "environment": "test", "model": "3d",
            "credentials": creds(), "post": callback(&[]), "expected": expected()
        })),
        "gateway.unsupported_model"
    );
}

// --- payment.prepare -----------------------------------------------------------------------------

const NONCE: &str = "0123456789abcdef0123456789abcdef";
/// 21:47:08 in Turkey (UTC+3).
const NOW: &str = "2023-12-09T18:47:08Z";

fn prepare_req(model: &str) -> Value {
    json!({
        "op": "payment.prepare", "gateway": "tosla", "environment": "test", "model": model,
        "credentials": creds(),
        "order": {"id": "order222", "amount": "100.25", "currency": "TRY"},
        "urls": {"ok": "https://domain.com/success", "fail": "https://domain.com/fail"},
        "nonce": NONCE, "now": NOW
    })
}

fn body(http: &Value) -> Value {
    serde_json::from_slice(&crypto::base64_decode(http["body_base64"].as_str().unwrap()).unwrap()).unwrap()
}

fn hash_of(rnd: &str, time_span: &str) -> String {
    let request = json!({"clientId": "1000000494", "apiUser": "POS_ENT_Test_001", "rnd": rnd, "timeSpan": time_span});
    sign("tosla_api_request", json!({"api_pass": API_PASS, "request": request}))
}

/// The 3D session request of ToslaPosRequestDataMapperTest::paymentRegisterRequestDataProvider (and
/// its JSON in ToslaPosSerializerTest): amount in kuruş, currency and installments as numbers.
#[test]
fn prepare_opens_a_3d_session_server_to_server() {
    let http = ok(prepare_req("3d_pay"))["http"].clone();
    assert_eq!(http["url"], "https://prepentegrasyon.tosla.com/api/Payment/threeDPayment");
    assert_eq!(http["headers"], json!([{"name": "Content-Type", "value": "application/json"}]));
    let rnd = "0123456789ABCDEF01234567";
    assert_eq!(
        body(&http),
        json!({"clientId": "1000000494", "apiUser": "POS_ENT_Test_001", "callbackUrl": "https://domain.com/success",
               "orderId": "order222", "amount": 10025, "currency": 949, "installmentCount": 0,
               "rnd": rnd, "timeSpan": "20231209214708", "hash": hash_of(rnd, "20231209214708")})
    );
    assert_eq!(
        http["context"],
        json!({"gateway": "tosla", "operation": "sale", "order_id": "order222", "currency": "TRY",
               "action": "threeDPayment", "model": "3d_pay"})
    );
    // Pre-authorisation, installments, another currency, the live host, an offset `now`.
    let mut req = prepare_req("3d_host");
    req["order"] =
        json!({"id": "order222", "amount": "1.10", "currency": "EUR", "installments": 3, "tx_type": "preauth"});
    req["environment"] = json!("live");
    req["now"] = json!("2023-12-09T21:47:08+03:00");
    let http = ok(req)["http"].clone();
    assert_eq!(http["url"], "https://entegrasyon.tosla.com/api/Payment/threeDPreAuth");
    let b = body(&http);
    assert_eq!(
        (&b["amount"], &b["currency"], &b["installmentCount"], &b["timeSpan"]),
        (&json!(110), &json!(978), &json!(3), &json!("20231209214708"))
    );
}

#[test]
fn prepare_rejects_bad_input() {
    fn remove(v: &mut Value, key: &str) {
        v.as_object_mut().unwrap().remove(key);
    }
    let code = |edit: &dyn Fn(&mut Value)| {
        let mut req = prepare_req("3d_pay");
        edit(&mut req);
        err(req)
    };
    assert_eq!(code(&|r| r["order"]["id"] = json!("order/222")), "order.invalid_id");
    assert_eq!(code(&|r| r["order"]["currency"] = json!("CHF")), "gateway.unsupported_currency");
    assert_eq!(code(&|r| r["model"] = json!("3d")), "gateway.unsupported_model");
    assert_eq!(code(&|r| remove(&mut r["credentials"], "api_pass")), "credentials.missing");
    assert_eq!(code(&|r| remove(r, "now")), "request.missing_field");
    assert_eq!(code(&|r| remove(r, "nonce")), "request.missing_field");
    // No non-3D pre-authorisation at Tosla.
    assert_eq!(
        code(&|r| {
            r["model"] = json!("regular");
            r["order"]["tx_type"] = json!("preauth");
            r["card"] = json!({"number": "4546711234567894", "expiry": "12/26", "cvv": "000"});
        }),
        "gateway.unsupported_operation"
    );
}

// --- api.request ---------------------------------------------------------------------------------

fn api(operation: &str) -> Value {
    json!({
        "op": "api.request", "gateway": "tosla", "environment": "test", "operation": operation,
        "credentials": creds(),
        "order": {"id": "order222", "amount": "100.25", "currency": "TRY"},
        "card": {"number": "4546711234567894", "expiry": "12/26", "cvv": "000", "holder": "ahmet"},
        "nonce": NONCE, "now": NOW
    })
}

/// ToslaPosRequestDataMapperTest: nonSecurePaymentRequestDataProvider (expireDate MMYY),
/// nonSecurePaymentPostRequestDataProvider, cancelRequestDataProvider, refundRequestDataProvider,
/// statusRequestDataProvider.
#[test]
fn request_builders_produce_the_documented_bodies() {
    let rnd = "0123456789ABCDEF01234567";
    let head = json!({"clientId": "1000000494", "apiUser": "POS_ENT_Test_001", "rnd": rnd, "timeSpan": "20231209214708",
                      "hash": hash_of(rnd, "20231209214708")});
    let with_head = |rest: Value| {
        let mut all = head.clone();
        all.as_object_mut().unwrap().extend(rest.as_object().unwrap().clone());
        all
    };
    let http = ok(api("sale"))["http"].clone();
    assert_eq!(http["url"], "https://prepentegrasyon.tosla.com/api/Payment/Payment");
    assert_eq!(
        body(&http),
        with_head(json!({"orderId": "order222", "amount": 10025, "currency": 949, "installmentCount": 0,
                         "cardHolderName": "ahmet", "cardNo": "4546711234567894", "expireDate": "1226", "cvv": "000"}))
    );
    let log = http["log_body"].as_str().unwrap();
    assert!(!log.contains("4546711234567894") && log.contains("454671******7894") && !log.contains("\"000\""), "{log}");
    for (operation, path, rest) in [
        ("capture", "postAuth", json!({"orderId": "order222", "amount": 10025})),
        ("refund", "refund", json!({"orderId": "order222", "amount": 10025})),
        ("cancel", "void", json!({"orderId": "order222"})),
        ("status", "inquiry", json!({"orderId": "order222"})),
    ] {
        let http = ok(api(operation))["http"].clone();
        assert_eq!(http["url"], format!("https://prepentegrasyon.tosla.com/api/Payment/{path}"));
        assert_eq!(body(&http), with_head(rest), "{operation}");
        assert_eq!(http["context"]["action"], path);
    }
    assert_eq!(err(api("provision")), "gateway.unsupported_operation");
    assert_eq!(err(api("preauth")), "gateway.unsupported_operation");
    let mut req = api("sale");
    req.as_object_mut().unwrap().remove("card");
    assert_eq!(err(req), "request.missing_field");
    let mut req = api("status");
    req["endpoints"] = json!({"api": "http://127.0.0.1:9000/api/Payment"});
    assert_eq!(ok(req)["http"]["url"], "http://127.0.0.1:9000/api/Payment/inquiry");
}

// --- api.parse -----------------------------------------------------------------------------------

fn parse_req(req: Value, status: u16, body: &str) -> Value {
    let http = ok(req)["http"].clone();
    call(json!({
        "op": "api.parse", "gateway": "tosla", "environment": "test", "credentials": creds(),
        "context": http["context"], "response": {"status": status, "body": body}
    }))
}

fn parsed(operation: &str, order: &str, body: Value) -> Value {
    let mut req = api(operation);
    req["order"]["id"] = json!(order);
    let answer = parse_req(req, 200, &body.to_string());
    assert_eq!(answer["ok"], true, "{answer}");
    answer["result"].clone()
}

/// ToslaPosSerializerTest `payment_register` and ToslaPosRequestDataMapperTest::threeDFormDataProvider:
/// 3D Pay posts the session id (the browser adds the card); 3D Host opens `threeDSecure/<session>`.
#[test]
fn a_3d_session_answer_opens_toslas_page() {
    let answer = r#"{"ThreeDSessionId":"PA49E341381C94587AB4CB196DAC10DC02E509578520E4471A3EEE2BB4830AE4F","TransactionId":"2000000000032439","Code":0,"Message":"Ba\u015far\u0131l\u0131"}"#;
    let session = "PA49E341381C94587AB4CB196DAC10DC02E509578520E4471A3EEE2BB4830AE4F";
    let r = parse_req(prepare_req("3d_pay"), 200, answer)["result"].clone();
    assert_eq!(r["outcome"], "redirect");
    assert_eq!(
        r["next"],
        json!({"type": "form", "form": {"action": "https://prepentegrasyon.tosla.com/api/Payment/ProcessCardForm",
            "method": "POST", "fields": [{"name": "ThreeDSessionId", "value": session}], "sensitive": [],
            "card_entry": "browser",
            "card_fields": {"number": "CardNo", "expiry": [["ExpireDate", "MM/YY"]], "cvv": "Cvv",
                            "holder": "CardHolderName", "brand": null, "program": null}}})
    );
    assert_eq!(r["references"], json!({"transaction_id": "2000000000032439"}));
    let r = parse_req(prepare_req("3d_host"), 200, answer)["result"].clone();
    assert_eq!(
        r["next"]["form"],
        json!({"action": format!("https://prepentegrasyon.tosla.com/api/Payment/threeDSecure/{session}"),
               "method": "GET", "fields": [], "sensitive": [], "card_entry": "bank_page", "card_fields": null})
    );
    // A refused session: ToslaPosResponseDataMapperTest `error_hash_error` (997) and a validation error.
    let r = parse_req(prepare_req("3d_pay"), 200, r#"{"Code":997,"Message":"Hash Hatası","OrderId":null}"#)["result"]
        .clone();
    assert_eq!(
        (r["outcome"].as_str(), r["bank"]["code"].as_str(), r["bank"]["message"].as_str(), r["next"].clone()),
        (Some("error"), Some("997"), Some("Hash Hatası"), Value::Null)
    );
    let validation =
        r#"{"Code":998,"message":"Validasyon Hatası","ValidationErrors":["Could not convert string to integer"]}"#;
    assert_eq!(parse_req(prepare_req("3d_pay"), 200, validation)["result"]["outcome"], "error");
    assert_eq!(
        parse_req(prepare_req("3d_pay"), 200, r#"{"Code":0,"Message":""}"#)["error"]["code"],
        "bank.bad_response"
    );
}

/// ToslaPosResponseDataMapperTest paymentDataProvider, cancelDataProvider and refundDataProvider.
#[test]
fn payment_cancel_and_refund_answers() {
    let r = parsed(
        "sale",
        "202312053421",
        json!({"OrderId": "202312053421", "BankResponseCode": "00", "BankResponseMessage": null,
        "AuthCode": null, "HostReferenceNumber": null, "TransactionId": "2000000000032562", "CardHolderName": null,
        "Code": 0, "Message": "Başarılı"}),
    );
    assert_eq!(r["outcome"], "approved");
    assert_eq!(r["references"], json!({"order_id": "202312053421", "transaction_id": "2000000000032562"}));
    assert_eq!((r["bank"]["code"].as_str(), r["bank"]["error_code"].as_str()), (Some("00"), Some("")));
    let r = parsed(
        "capture",
        "202312053F93",
        json!({"OrderId": "202312053F93", "BankResponseCode": "00",
        "TransactionId": "2000000000032560", "Code": 0, "Message": "Başarılı"}),
    );
    assert_eq!(r["outcome"], "approved");
    let r = parsed(
        "capture",
        "202312053F93",
        json!({"OrderId": "202312053F93", "BankResponseCode": null,
        "TransactionId": null, "Code": 101, "Message": "Orjinal Kayıt Bulunamadı"}),
    );
    assert_eq!(
        (
            r["outcome"].as_str(),
            r["bank"]["code"].as_str(),
            r["bank"]["error_code"].as_str(),
            r["bank"]["message"].as_str()
        ),
        (Some("declined"), Some("101"), Some("101"), Some("Orjinal Kayıt Bulunamadı"))
    );
    // A sale the issuer refused.
    let r = parsed(
        "sale",
        "order222",
        json!({"OrderId": "order222", "BankResponseCode": "51", "BankResponseMessage": "Limit yetersiz", "Code": 0}),
    );
    assert_eq!((r["outcome"].as_str(), r["bank"]["message"].as_str()), (Some("declined"), Some("Limit yetersiz")));
    let r = parsed(
        "cancel",
        "202312058278",
        json!({"OrderId": "202312058278", "BankResponseCode": "00",
        "TransactionId": "2000000000032548", "Code": 0, "Message": "Başarılı"}),
    );
    assert_eq!(r["outcome"], "approved");
    let r = parsed(
        "cancel",
        "20231203CA6D",
        json!({"OrderId": "20231203CA6D", "Code": 101, "Message": "Orjinal Kayıt Bulunamadı"}),
    );
    assert_eq!(r["outcome"], "declined");
    let r = parsed(
        "refund",
        "202312051B4E",
        json!({"OrderId": "202312051B4E", "BankResponseCode": "00",
        "TransactionId": "2000000000032550", "Code": 0, "Message": "Başarılı"}),
    );
    assert_eq!(r["outcome"], "approved");
    let r = parsed("refund", "202312051B4E", json!({"OrderId": null, "Code": 999, "Message": "Genel Hata"}));
    assert_eq!(r["outcome"], "error");
}

/// A status (`inquiry`) answer of ToslaPosResponseDataMapperTest::statusResponseDataProvider.
fn inquiry(order: &str, fields: Value) -> Value {
    let mut answer = json!({
        "TransactionType": 1, "CreateDate": "20240120005007", "OrderId": order, "BankResponseCode": "00",
        "BankResponseMessage": null, "AuthCode": null, "HostReferenceNumber": null, "Amount": 101, "Currency": 949,
        "InstallmentCount": 0, "ClientId": 1000000494, "CardNo": "41595600****7732", "RequestStatus": 1,
        "RefundedAmount": 0, "PostAuthedAmount": 0, "TransactionId": 0, "CommissionStatus": null, "NetAmount": 98,
        "MerchantCommissionAmount": 3, "MerchantCommissionRate": 3, "CardBankId": 0, "CardTypeId": 0, "ValorDate": 0,
        "TransactionDate": 0, "BankValorDate": 0, "ExtraParameters": null, "Code": 0, "Message": ""
    });
    answer.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    parsed("status", order, answer)
}

#[test]
fn status_answers_give_the_order_state() {
    let r = inquiry("202401199AAA", json!({}));
    assert_eq!(r["outcome"], "approved");
    assert_eq!(r["order_status"], json!({"state": "paid", "amount": "1.01", "captured": "1.01", "refunded": null}));
    assert_eq!(r["references"], json!({"order_id": "202401199AAA"}));
    let state = |order: &str, fields: Value| {
        let r = inquiry(order, fields);
        assert_eq!(r["outcome"] == "approved", r["order_status"]["state"] == "paid", "approved only when paid: {r}");
        r["order_status"].clone()
    };
    // success_pre_pay_then_cancel, success_pre_auth, success_pre_auth_then_post_auth.
    assert_eq!(state("20231205D497", json!({"TransactionType": 2, "RequestStatus": 2}))["state"], "cancelled");
    assert_eq!(
        state("202401196E94", json!({"TransactionType": 2, "RequestStatus": 1})),
        json!({"state": "paid", "amount": "1.01", "captured": "0.00", "refunded": null})
    );
    assert_eq!(
        state(
            "20231210A7D0",
            json!({"TransactionType": 2, "RequestStatus": 5, "PostAuthedAmount": 101, "InstallmentCount": 2})
        ),
        json!({"state": "paid", "amount": "1.01", "captured": "1.01", "refunded": null})
    );
    // success_pay_and_partial_refund; a full refund.
    assert_eq!(
        state("20240119E16A", json!({"RequestStatus": 3, "RefundedAmount": 59})),
        json!({"state": "partially_refunded", "amount": "1.01", "captured": "1.01", "refunded": "0.59"})
    );
    assert_eq!(state("20240119E16A", json!({"RequestStatus": 4, "RefundedAmount": 101}))["state"], "refunded");
    // success_waiting_for_3d_auth, fail_unsuccessful_payment.
    assert_eq!(
        state("20231203CA6D", json!({"RequestStatus": 10, "BankResponseCode": null, "CardNo": null}))["state"],
        "pending"
    );
    assert_eq!(
        state(
            "202401195754",
            json!({"TransactionType": 2, "RequestStatus": 0, "BankResponseCode": "MD:0", "Amount": 200})
        )["amount"],
        "2.00"
    );
    assert_eq!(state("202401195754", json!({"RequestStatus": 0}))["state"], "declined");
    assert_eq!(state("202401195754", json!({"RequestStatus": 7}))["state"], "unknown");
    // fail_order_not_found: Code 0 with an empty record.
    let r = parsed(
        "status",
        "order222",
        json!({"TransactionType": 0, "CreateDate": null, "OrderId": null, "Amount": 0,
        "Currency": 0, "RequestStatus": 0, "Code": 0, "Message": ""}),
    );
    assert_eq!((r["outcome"].as_str(), r["order_status"]["state"].as_str()), (Some("declined"), Some("unknown")));
    // Another currency than the order's is not ours to read.
    let mut req = api("status");
    req["order"]["id"] = json!("202401199AAA");
    let answer = json!({"OrderId": "202401199AAA", "Amount": 101, "Currency": 840, "RequestStatus": 1, "Code": 0});
    assert_eq!(parse_req(req, 200, &answer.to_string())["error"]["code"], "bank.bad_response");
}

#[test]
fn garbage_truncated_and_foreign_answers_are_refused() {
    let good = r#"{"OrderId":"order222","BankResponseCode":"00","TransactionId":"2000000000032548","Code":0,"Message":"Başarılı"}"#;
    let parse = |status: u16, body: &str| parse_req(api("cancel"), status, body);
    assert_eq!(parse(200, good)["result"]["outcome"], "approved");
    for body in [
        "",
        " ",
        "garbage",
        &good[..good.len() / 2],
        "[1,2]",
        "\"text\"",
        r#"{"OrderId":"order222"}"#,
        &good.replace("order222", "order999"),
        "<html><body>Server Error</body></html>",
    ] {
        assert_eq!(parse(200, body)["error"]["code"], "bank.bad_response", "{body:?}");
    }
    assert_eq!(parse(500, good)["error"]["code"], "bank.http_error");
    assert_eq!(parse(404, "")["error"]["code"], "bank.http_error");
    // A context that is not the request's is refused.
    let answer = call(json!({
        "op": "api.parse", "gateway": "tosla", "environment": "test", "credentials": creds(),
        "context": {"gateway": "tosla", "operation": "sale", "order_id": "order222", "currency": "TRY", "action": "history"},
        "response": {"status": 200, "body": good}
    }));
    assert_eq!(
        (answer["error"]["code"].as_str(), answer["error"]["field"].as_str()),
        (Some("request.invalid_value"), Some("context.action"))
    );
}

#[test]
fn signature_kinds_reject_what_they_cannot_read() {
    let req = |kind: &str, inputs: Value| json!({"op": "signature.compute", "kind": kind, "inputs": inputs});
    assert_eq!(err(req("tosla_api_request", json!({"request": {}}))), "request.missing_field");
    assert_eq!(
        err(req("tosla_api_request", json!({"api_pass": "p", "request": {"rnd": ["x"]}}))),
        "request.invalid_type"
    );
    assert_eq!(
        err(req("tosla_response", json!({"api_pass": "p", "client_id": "c", "response": {}}))),
        "request.missing_field"
    );
}
