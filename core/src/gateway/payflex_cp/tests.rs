use crate::gateway::crypto;
use crate::gateway::xml::Element;
use crate::gateway::RawPost;
use crate::test_support::*;
use serde_json::{json, Value};

/// The public test account of mewebstudio/pos (PayFlexCPV4PosRequestDataMapperTest:
/// createPayFlexAccount('vakifbank-cp', '000000000111111', '3XTgER89as', 'VP999999')).
fn creds() -> Value {
    json!({"merchant_id": "000000000111111", "password": "3XTgER89as", "terminal_id": "VP999999"})
}

fn form_pairs(http: &Value) -> Vec<(String, String)> {
    let body = crypto::base64_decode(http["body_base64"].as_str().unwrap()).unwrap();
    let post = RawPost::from_urlencoded(std::str::from_utf8(&body).unwrap(), "body").unwrap();
    post.iter().map(|(k, v)| (k.to_string(), String::from_utf8(v.to_vec()).unwrap())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn sign(request: Value) -> Value {
    ok(json!({"op": "signature.compute", "kind": "payflex_cp_hash", "inputs": {"request": request}}))
}

// --- Known answers -------------------------------------------------------------------------

/// `payflex-cp-hash-001` (mewebstudio/pos tests/Unit/Crypt/PayFlexCP4CryptTest.php::testCreateHash)
/// runs through signature.compute in tests/vectors.rs; this one is the HashedData of
/// tests/Unit/DataMapper/RequestDataMapper/PayFlexCPV4PosRequestDataMapperTest.php
/// (registerDataProvider, amount 100.00), which the same formula reproduces. Unconfirmed by the bank
/// and never sent.
#[test]
fn register_hash_known_answers() {
    let request = json!({"HostMerchantId": "000000000111111", "MerchantPassword": "3XTgER89as", "AmountCode": "949", "Amount": "100.00"});
    let r = sign(request.clone());
    assert_eq!(r["value"], "apZ/1+eWzqCRk9qqACxN0bBZQ8g=");
    assert_eq!(r["gateway"], "payflex_cp");
    assert_eq!(r["input_masked"], "000000000111111949100.00***VBank3DPay2014");
    let mut changed = request;
    changed["Amount"] = json!("100.01");
    assert_ne!(sign(changed)["value"], "apZ/1+eWzqCRk9qqACxN0bBZQ8g=");
    let req = |inputs: Value| json!({"op": "signature.compute", "kind": "payflex_cp_hash", "inputs": inputs});
    assert_eq!(err(req(json!({}))), "request.missing_field");
    assert_eq!(err(req(json!({"request": {"Amount": [1]}}))), "request.invalid_type");
}

// --- payment.prepare: RegisterTransaction ----------------------------------------------------------

fn prepare_req(model: &str) -> Value {
    json!({
        "op": "payment.prepare", "gateway": "vakifbank_cp", "environment": "test", "model": model,
        "credentials": creds(), "lang": "tr",
        "order": {"id": "order222", "amount": "100", "currency": "TRY"},
        "card": {"number": "4508034508034509", "expiry": "12/21", "cvv": "122", "holder": "ahmet"},
        "urls": {"ok": "https://domain.com/success", "fail": "https://domain.com/fail_url"}
    })
}

const REGISTER: [(&str, &str); 14] = [
    ("HostMerchantId", "000000000111111"),
    ("MerchantPassword", "3XTgER89as"),
    ("HostTerminalId", "VP999999"),
    ("TransactionType", "Sale"),
    ("AmountCode", "949"),
    ("Amount", "100.00"),
    ("OrderID", "order222"),
    ("IsSecure", "true"),
    ("AllowNotEnrolledCard", "false"),
    ("SuccessUrl", "https://domain.com/success"),
    ("FailUrl", "https://domain.com/fail_url"),
    ("RequestLanguage", "tr-TR"),
    ("Extract", ""),
    ("CustomItems", ""),
];

/// PayFlexCPV4PosRequestDataMapperTest.php registerDataProvider, without `HashedData` (unconfirmed,
/// never sent) and with the expiry year in four digits (the bank's document; the library sends
/// `21`).
#[test]
fn register_is_the_documented_form() {
    let step = ok(prepare_req("3d_pay"));
    let http = &step["http"];
    assert_eq!(http["url"], "https://cptest.vakifbank.com.tr/CommonPayment/api/RegisterTransaction");
    assert_eq!(http["headers"][0]["value"], "application/x-www-form-urlencoded");
    assert_eq!(
        form_pairs(http),
        pairs(
            &[
                &REGISTER[..],
                &[
                    ("BrandNumber", "100"),
                    ("CVV", "122"),
                    ("PAN", "4508034508034509"),
                    ("ExpireMonth", "12"),
                    ("ExpireYear", "2021"),
                    ("CardHoldersName", "ahmet")
                ]
            ]
            .concat()
        )
    );
    let log = http["log_body"].as_str().unwrap();
    for secret in ["4508034508034509", "3XTgER89as", "CVV=122"] {
        assert!(!log.contains(secret), "{secret} in {log}");
    }
    assert_eq!(
        (http["context"]["step"].as_str(), http["context"]["model"].as_str()),
        (Some("register"), Some("3d_pay"))
    );

    // 3D host: no card fields (the card is typed at the bank, whatever the request carried);
    // pre-authorisation, installments, English.
    let mut req = prepare_req("3d_host");
    req["order"]["tx_type"] = json!("preauth");
    req["order"]["installments"] = json!(2);
    req["lang"] = json!("en");
    let mut expected = pairs(&REGISTER);
    expected[3].1 = "Auth".into();
    expected[11].1 = "en-US".into();
    expected.push(("InstallmentCount".into(), "2".into()));
    assert_eq!(form_pairs(&ok(req)["http"]), expected);

    let mut req = prepare_req("3d_pay");
    req.as_object_mut().unwrap().remove("card");
    assert_eq!(err(req), "request.missing_field");
    for model in ["3d", "regular", "3d_pay_hosting"] {
        assert_eq!(err(prepare_req(model)), "gateway.unsupported_model", "{model}");
    }
    let mut req = prepare_req("3d_host");
    req["order"]["id"] = json!("order_222");
    assert_eq!(err(req), "order.invalid_id");
    let mut req = prepare_req("3d_host");
    req["credentials"].as_object_mut().unwrap().remove("terminal_id");
    assert_eq!(err(req), "credentials.missing");
}

fn parse_with(context: &Value, status: u16, body: &str) -> Value {
    call(json!({
        "op": "api.parse", "gateway": "vakifbank_cp", "environment": "test", "credentials": creds(),
        "context": context, "response": {"status": status, "body": body}
    }))
}

/// Register answers: mewebstudio/pos PayFlexCPV4PosRequestDataMapperTest.php threeDFormDataProvider
/// (token and page) and tests/Unit/Gateways/PayFlexCPV4PosTest.php testGet3DFormDataEnrollmentFail
/// (5007), under the `RegisterResponse` root of the bank's document.
#[test]
fn register_answers_lead_to_the_bank_page() {
    let host = ok(prepare_req("3d_host"))["http"]["context"].clone();
    let success = "<RegisterResponse xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><CommonPaymentUrl>https://cptest.vakifbank.com.tr/CommonPayment/SecurePayment</CommonPaymentUrl><PaymentToken>c5e076e7bf234a339c40afc10166c06d</PaymentToken><ErrorCode /><ResponseMessage /></RegisterResponse>";
    let r = parse_with(&host, 200, success)["result"].clone();
    assert_eq!(r["outcome"], "needs_provision", "{r}");
    assert_eq!(
        r["next"]["form"],
        json!({
            "action": "https://cptest.vakifbank.com.tr/CommonPayment/SecurePayment", "method": "GET",
            "fields": [{"name": "Ptkn", "value": "c5e076e7bf234a339c40afc10166c06d"}],
            "sensitive": [], "card_entry": "bank_page", "card_fields": null
        })
    );
    assert_eq!(r["references"], json!({"payment_token": "c5e076e7bf234a339c40afc10166c06d"}));
    let pay = ok(prepare_req("3d_pay"))["http"]["context"].clone();
    assert_eq!(parse_with(&pay, 200, success)["result"]["next"]["form"]["card_entry"], "server");

    let fail = "<RegisterResponse><ErrorCode>5007</ErrorCode><ResponseMessage>Güvenlik Numarası Hatalı</ResponseMessage></RegisterResponse>";
    let r = parse_with(&host, 200, fail)["result"].clone();
    assert_eq!(
        (r["outcome"].as_str(), r["bank"]["code"].as_str(), r["bank"]["message"].as_str(), &r["next"]),
        (Some("error"), Some("5007"), Some("Güvenlik Numarası Hatalı"), &Value::Null)
    );
    for bad in [
        "",
        "garbage",
        &success[..success.len() / 2],
        "<RegisterResponse><PaymentToken>t</PaymentToken></RegisterResponse>",
        "<RegisterResponse><CommonPaymentUrl>javascript:x</CommonPaymentUrl><PaymentToken>t</PaymentToken></RegisterResponse>",
        "<html><body>Request Rejected</body></html>",
    ] {
        assert_eq!(parse_with(&host, 200, bad)["error"]["code"], "bank.bad_response", "{bad:?}");
    }
    assert_eq!(parse_with(&host, 502, success)["error"]["code"], "bank.http_error");
}

// --- callback.verify and the result query ------------------------------------------------------------

fn verify_req(post: Value, expected: Value) -> Value {
    json!({
        "op": "callback.verify", "gateway": "vakifbank_cp", "environment": "test", "model": "3d_host",
        "credentials": creds(), "post": post, "expected": expected
    })
}

fn outcome(v: &Value) -> (&str, &str, &str) {
    (v["signature"].as_str().unwrap(), v["outcome"].as_str().unwrap(), v["reason"]["code"].as_str().unwrap_or(""))
}

fn expected() -> Value {
    json!({"order_id": "2023030913ED", "amount": "1.01", "currency": "TRY"})
}

/// The bank's return names the transaction (PayFlexCPV4PosRequestDataMapperTest.php
/// create3DPaymentStatusRequestDataProvider); the result query is the library's
/// create3DPaymentStatusRequestData: HostMerchantId, Password, TransactionId, PaymentToken.
#[test]
fn the_return_is_not_signed_and_leads_to_the_result_query() {
    let post = json!({"TransactionId": "3ee068d5b5a747ada65dafc0016d5887", "PaymentToken": "b35a56bf37334872a945afc0016d5887"});
    let v = ok(verify_req(post.clone(), expected()));
    assert_eq!(outcome(&v), ("not_signed", "needs_status", ""), "{v}");
    assert_eq!(v["references"], json!({}));
    let http = &v["next"]["http"];
    assert_eq!(http["url"], "https://cptest.vakifbank.com.tr/CommonPayment/api/VposTransaction");
    assert_eq!(
        form_pairs(http),
        pairs(&[
            ("HostMerchantId", "000000000111111"),
            ("Password", "3XTgER89as"),
            ("TransactionId", "3ee068d5b5a747ada65dafc0016d5887"),
            ("PaymentToken", "b35a56bf37334872a945afc0016d5887"),
        ])
    );
    assert!(!http["log_body"].as_str().unwrap().contains("3XTgER89as"));
    assert_eq!(http["context"]["order_id"], "2023030913ED");
    // Even a return that says `Rc=0000` only leads to the query.
    let mut said_ok = post.clone();
    said_ok["Rc"] = json!("0000");
    assert_eq!(outcome(&ok(verify_req(said_ok, expected()))).1, "needs_status");
    // The bank's refusal (PayFlexCPV4PosResponseDataMapperTest.php fail_response_from_gateway_1).
    let refused = json!({
        "Rc": "2053", "Message": "VeRes status is E Message : Directory server communication error",
        "PaymentToken": "68244b7e3dfd4b3ebea1afbe0185b9ed", "TransactionId": "0cb6a57715144178a014afbe0185b9ed",
        "MaskedPan": "49384601****4205"
    });
    let v = ok(verify_req(refused, expected()));
    assert_eq!(outcome(&v), ("not_signed", "declined", "bank.declined"));
    assert_eq!(
        (v["bank"]["code"].as_str(), v["masked_pan"].as_str(), &v["next"]),
        (Some("2053"), Some("49384601****4205"), &Value::Null)
    );
    // A return from the query string (`post_body`), and one naming nothing.
    let v = ok(json!({
        "op": "callback.verify", "gateway": "vakifbank_cp", "environment": "test", "model": "3d_pay",
        "credentials": creds(), "post_body": "TransactionId=3ee068d5b5a747ada65dafc0016d5887&PaymentToken=b35a56bf37334872a945afc0016d5887",
        "expected": expected()
    }));
    assert_eq!(outcome(&v).1, "needs_status");
    let v = ok(verify_req(json!({"Message": "x"}), expected()));
    assert_eq!(outcome(&v), ("not_signed", "error", "bank.bad_response"));
    assert_eq!(v["next"], Value::Null);
}

fn query_context(order: &str, amount: &str) -> Value {
    let post = json!({"TransactionId": "3ee068d5b5a747ada65dafc0016d5887", "PaymentToken": "b35a56bf37334872a945afc0016d5887"});
    let v = ok(verify_req(post, json!({"order_id": order, "amount": amount})));
    v["next"]["http"]["context"].clone()
}

fn query_answer(fields: &[(&str, &str)]) -> String {
    let mut doc = Element::new("VposQueryResponse");
    for (k, v) in fields {
        doc = doc.leaf(*k, *v);
    }
    doc.to_xml(Some("utf-8"))
}

/// The real answer of PayFlexCPV4PosResponseDataMapperTest.php success_response_from_gateway_1
/// (`Amount` in Turkish notation, `1,01`) and fail_response_from_gateway_2 (Rc 0057).
#[test]
fn the_result_query_decides_for_this_order_only() {
    let success: Vec<(&str, &str)> = vec![
        ("Rc", "0000"),
        ("AuthCode", "735879"),
        ("Rrn", "306822971283"),
        ("Message", "İŞLEM BAŞARILI"),
        ("TransactionId", "3ee068d5b5a747ada65dafc0016d5887"),
        ("PaymentToken", "b35a56bf37334872a945afc0016d5887"),
        ("MaskedPan", "49384601****4205"),
        ("HostMerchantId", "000100000013506"),
        ("HostTerminalId", "VP000579"),
        ("AmountCode", "949"),
        ("Amount", "1,01"),
        ("TransactionType", "Sale"),
        ("OrderID", "2023030913ED"),
        ("InstallmentCount", ""),
        ("IsSecure", "True"),
        ("AllowNotEnrolledCard", "True"),
        ("RequestLanguage", "tr-TR"),
        ("CardHoldersName", "Jo* Do*"),
        ("ExpireMonth", "11"),
        ("ExpireYear", "2024"),
        ("BrandNumber", "100"),
        ("HostDate", "20230309221037"),
        ("ErrorCode", ""),
        ("ResponseMessage", ""),
    ];
    let context = query_context("2023030913ED", "1.01");
    let r = parse_with(&context, 200, &query_answer(&success))["result"].clone();
    assert_eq!(r["outcome"], "approved", "{r}");
    assert_eq!(
        r["references"],
        json!({
            "order_id": "2023030913ED", "transaction_id": "3ee068d5b5a747ada65dafc0016d5887", "auth_code": "735879",
            "host_ref": "306822971283", "payment_token": "b35a56bf37334872a945afc0016d5887"
        })
    );
    assert_eq!(r["order_status"], json!({"state": "paid", "amount": "1.01", "captured": "1.01", "refunded": null}));
    // A paid transaction of another order, amount or currency is not this payment.
    for (order, amount) in [("2023030913EE", "1.01"), ("2023030913ED", "10.01")] {
        let r = parse_with(&query_context(order, amount), 200, &query_answer(&success));
        assert_eq!(r["error"]["code"], "bank.bad_response", "{order} {amount}");
    }
    let swap = |key: &str, value: &str| -> Vec<(&str, String)> {
        success.iter().map(|(k, v)| (*k, if *k == key { value.to_string() } else { v.to_string() })).collect()
    };
    for (key, value) in [("AmountCode", "840"), ("OrderID", ""), ("Amount", "")] {
        let fields = swap(key, value);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(parse_with(&context, 200, &query_answer(&fields))["error"]["code"], "bank.bad_response", "{key}");
    }
    let auth = swap("TransactionType", "Auth");
    let auth: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(parse_with(&context, 200, &query_answer(&auth))["result"]["order_status"]["state"], "pending");

    let refused = query_answer(&[
        ("Rc", "0057"),
        ("AuthCode", "000000"),
        ("ErrorCode", "0057"),
        ("Message", "RED-KARTIN İŞLEM İZNİ YOK"),
        ("PaymentToken", "5aeb359892f8400b9d0fafbd016c7636"),
        ("TransactionId", "868382724da7480c949dafbd016c7636"),
        ("MaskedPan", "49384601****4205"),
    ]);
    let r = parse_with(&context, 200, &refused)["result"].clone();
    assert_eq!(
        (
            r["outcome"].as_str(),
            r["bank"]["code"].as_str(),
            r["bank"]["message"].as_str(),
            r["order_status"]["state"].as_str()
        ),
        (Some("declined"), Some("0057"), Some("RED-KARTIN İŞLEM İZNİ YOK"), Some("declined"))
    );
    assert_eq!(r["references"], json!({}));
    // The bank's document names the code ResultCode.
    let documented = query_answer(&[("ResultCode", "0051"), ("ErrorCode", "")]);
    assert_eq!(parse_with(&context, 200, &documented)["result"]["bank"]["code"], "0051");
    for bad in ["", "garbage", "<VposQueryResponse><MerchantId>00000000007073</MerchantId></VposQueryResponse>"] {
        assert_eq!(parse_with(&context, 200, bad)["error"]["code"], "bank.bad_response", "{bad:?}");
    }
    assert_eq!(parse_with(&context, 500, &query_answer(&success))["error"]["code"], "bank.http_error");
}

// --- After-sale operations (VPOS) ------------------------------------------------------------------

fn api(operation: &str) -> Value {
    json!({
        "op": "api.request", "gateway": "vakifbank_cp", "environment": "test", "operation": operation,
        "credentials": creds(), "customer": {"ip": "127.0.0.1"},
        "order": {"id": "2023030913ED", "amount": "1.01", "currency": "TRY"},
        "references": {"transaction_id": "3ee068d5b5a747ada65dafc0016d5887"}
    })
}

/// Refunds, cancels and captures of a Common Payment go to the VPOS with the Common Payment
/// `TransactionId` as `ReferenceTransactionId` (the bank's Common Payment document §8; same
/// requests as `payflex`, whose tests cover their fields and answers).
#[test]
fn after_sale_operations_use_the_vpos() {
    let refund = ok(api("refund"))["http"].clone();
    assert_eq!(refund["url"], "https://onlineodemetest.vakifbank.com.tr:4443/VposService/v3/Vposreq.aspx");
    let doc = Element::parse(&form_pairs(&refund)[0].1).unwrap();
    assert_eq!(
        (doc.text_at("TransactionType").as_deref(), doc.text_at("ReferenceTransactionId").as_deref()),
        (Some("Refund"), Some("3ee068d5b5a747ada65dafc0016d5887"))
    );
    assert_eq!(refund["context"]["gateway"], "payflex_cp");
    let answer = "<VposResponse><TransactionType>Refund</TransactionType><TransactionId>455ae6c09140434ea6edafc0018acbb9</TransactionId><ResultCode>0000</ResultCode><ResultDetail>İŞLEM BAŞARILI</ResultDetail></VposResponse>";
    assert_eq!(parse_with(&refund["context"], 200, answer)["result"]["outcome"], "approved");
    for op in ["cancel", "capture"] {
        let doc = Element::parse(&form_pairs(&ok(api(op))["http"])[0].1).unwrap();
        assert_eq!(doc.name, "VposRequest", "{op}");
    }
    // Status: the result query with a token, else the VPOS search by order id.
    let search = ok(api("status"))["http"].clone();
    assert_eq!(search["url"], "https://onlineodemetest.vakifbank.com.tr:4443/UIService/Search.aspx");
    assert_eq!(search["context"]["step"], "search");
    let mut req = api("status");
    req["references"]["payment_token"] = json!("b35a56bf37334872a945afc0016d5887");
    let query = ok(req)["http"].clone();
    assert_eq!(query["url"], "https://cptest.vakifbank.com.tr/CommonPayment/api/VposTransaction");
    assert!(form_pairs(&query).contains(&("TransactionId".into(), "3ee068d5b5a747ada65dafc0016d5887".into())));
    // Common Payment has no server-side payment of its own.
    for op in ["provision", "sale", "preauth"] {
        assert_eq!(err(api(op)), "gateway.unsupported_operation", "{op}");
    }
    let mut req = api("status");
    req["gateway"] = json!("payflex_cp");
    assert_eq!(err(req), "gateway.endpoint_missing");
}

#[test]
fn listed_with_its_unconfirmed_kind() {
    let list = ok(json!({"op": "gateways.list"}));
    let g = list["gateways"].as_array().unwrap().iter().find(|g| g["id"] == "payflex_cp").unwrap();
    assert_eq!(
        g["models"],
        json!([{"id": "3d_pay", "card_entry": "server"}, {"id": "3d_host", "card_entry": "bank_page"}])
    );
    assert_eq!(g["operations"], json!(["capture", "refund", "cancel", "status"]));
    assert_eq!(g["signature_kinds"][0]["id"], "payflex_cp_hash");
    assert!(g["signature_kinds"][0]["formula"].as_str().unwrap().contains("unconfirmed"));
    assert_eq!(g["presets"][1]["id"], "vakifbank_cp");
}
