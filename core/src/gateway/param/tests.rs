use crate::gateway::crypto;
use crate::gateway::xml::Element;
use crate::test_support::*;
use serde_json::{json, Value};

/// Param's public test account (dev.param.com.tr; mewebstudio/pos ParamPosCryptTest and the
/// data-mapper tests, which use the user name and password Test1/Test2).
const GUID: &str = "0c13d406-873b-403b-9c09-a5766840d98c";

fn creds() -> Value {
    json!({"client_code": "10738", "client_username": "Test1", "client_password": "Test2", "guid": GUID})
}

fn verify_with(model: &str, post: Value, expected: Value, options: Value) -> Value {
    ok(json!({
        "op": "callback.verify", "gateway": "param", "environment": "test", "model": model,
        "credentials": creds(), "post": post, "expected": expected, "options": options
    }))
}

fn verify(model: &str, post: Value, expected: Value) -> Value {
    verify_with(model, post, expected, json!({}))
}

fn outcome(v: &Value) -> (&str, &str, &str) {
    (v["signature"].as_str().unwrap(), v["outcome"].as_str().unwrap(), v["reason"]["code"].as_str().unwrap_or(""))
}

/// The operation element of a SOAP request, its `SOAPAction` and the element's fields as
/// `(name, text)` (nested elements as their own entries, `G/CLIENT_CODE`).
fn soap(http: &Value) -> (String, Element) {
    let body = crypto::base64_decode(http["body_base64"].as_str().unwrap()).unwrap();
    let doc = Element::parse(std::str::from_utf8(&body).unwrap()).unwrap();
    assert_eq!(http["headers"][0]["value"], "text/xml; charset=utf-8");
    assert_eq!(http["headers"][1]["name"], "SOAPAction");
    (http["headers"][1]["value"].as_str().unwrap().to_string(), doc.soap_body().unwrap().clone())
}

fn fields(el: &Element) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for child in el.elements() {
        if child.elements().next().is_some() {
            for leaf in child.elements() {
                out.push((format!("{}/{}", child.name, leaf.name), leaf.inner_text()));
            }
        } else {
            out.push((child.name.clone(), child.inner_text()));
        }
    }
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

const AUTH: [(&str, &str); 4] =
    [("G/CLIENT_CODE", "10738"), ("G/CLIENT_USERNAME", "Test1"), ("G/CLIENT_PASSWORD", "Test2"), ("GUID", GUID)];

fn with_auth(rest: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs(&[&AUTH[..], rest].concat())
}

// --- Known answers: Islem_Hash -----------------------------------------------------------------

/// The request bodies of mewebstudio/pos tests/Unit/DataMapper/RequestDataMapper/ParamPosRequestDataMapperTest.php
/// (paymentRegisterRequestDataProvider, order222, 1000.25) with the hashes ParamPosCryptTest::testCreateHash
/// asserts for them: `3d_pay` qsIY8…, `3d_pay_installment` zdIBp…, `3d_secure_foreign_currency` and
/// `3d_secure_pre_payment` LFZ+S…
#[test]
fn request_hash_known_answers() {
    let request = |taksit: &str| {
        json!({
            "G": {"CLIENT_CODE": "10738", "CLIENT_USERNAME": "Test1", "CLIENT_PASSWORD": "Test2"}, "GUID": GUID,
            "Islem_Guvenlik_Tip": "3D", "Islem_ID": "3344914AAB82284E39742F4C", "IPAdr": "127.0.0.1",
            "Siparis_ID": "order222", "Islem_Tutar": "1000,25", "Toplam_Tutar": "1000,25",
            "Basarili_URL": "https://domain.com/success", "Hata_URL": "https://domain.com/fail", "Taksit": taksit,
            "KK_Sahibi": "ahmet", "KK_No": "5555444433332222", "KK_SK_Ay": "01", "KK_SK_Yil": "2022", "KK_CVC": "123",
            "KK_Sahibi_GSM": ""
        })
    };
    let compute = |variant: &str, taksit: &str| {
        ok(json!({"op": "signature.compute", "kind": "parampos_request",
                  "inputs": {"variant": variant, "request": request(taksit)}}))
    };
    assert_eq!(compute("3d_pay", "1")["value"], "qsIY8qDvdTsnALe7AYJiEA5kY20=");
    assert_eq!(compute("3d_pay", "2")["value"], "zdIBpbUnRfvlCIgHo01yfIfMXXQ=");
    let wd = compute("foreign_currency_or_preauth", "1");
    assert_eq!(wd["value"], "LFZ+Sl0mW+ybGvLr1u0ehZoxhxM=");
    assert_eq!(wd["gateway"], "param");
    assert_eq!(
        wd["input_masked"], "10738***1000,251000,25order222https://domain.com/failhttps://domain.com/success",
        "the GUID is the secret"
    );
    // The installment count is outside that recipe.
    assert_eq!(compute("foreign_currency_or_preauth", "6")["value"], wd["value"]);
    assert_eq!(compute("try_3d_or_nonsecure", "1")["input_masked"], "10738***11000,251000,25order222");
}

/// ISO-8859-9: a Turkish letter in a hashed field is hashed as one Latin-5 byte, not as UTF-8.
#[test]
fn the_request_hash_is_over_iso_8859_9() {
    let inputs = |siparis: &str| {
        json!({"variant": "try_3d_or_nonsecure", "request": {"G": {"CLIENT_CODE": 10738}, "GUID": "g",
            "Taksit": "1", "Islem_Tutar": "1,00", "Toplam_Tutar": "1,00", "Siparis_ID": siparis}})
    };
    let plain = |text: &[u8]| crypto::hash(crypto::Digest::Sha1, crypto::Encoding::Base64, text);
    assert_eq!(sign("parampos_request", inputs("Ş1")), plain(b"10738g11,001,00\xDE1"));
    assert_ne!(sign("parampos_request", inputs("Ş1")), plain("10738g11,001,00Ş1".as_bytes()));
}

/// `payment.prepare` signs its own SOAP request with the same recipes: the public hashes come out.
#[test]
fn prepare_reproduces_the_public_request_hashes() {
    let hash_of = |model: &str, currency: &str, tx: &str, installments: u32| {
        let mut req = prepare_req(model);
        req["order"] = json!({"id": "order222", "amount": "1000.25", "currency": currency,
                              "tx_type": tx, "installments": installments});
        req["urls"] = json!({"ok": "https://domain.com/success", "fail": "https://domain.com/fail"});
        let (_, op) = soap(&ok(req)["http"]);
        op.text_at("Islem_Hash").unwrap()
    };
    assert_eq!(hash_of("3d_pay", "TRY", "sale", 1), "qsIY8qDvdTsnALe7AYJiEA5kY20=");
    assert_eq!(hash_of("3d_pay", "TRY", "sale", 2), "zdIBpbUnRfvlCIgHo01yfIfMXXQ=");
    assert_eq!(hash_of("3d", "USD", "sale", 1), "LFZ+Sl0mW+ybGvLr1u0ehZoxhxM=");
    assert_eq!(hash_of("3d", "TRY", "preauth", 1), "LFZ+Sl0mW+ybGvLr1u0ehZoxhxM=");
}

// --- Known answers: callbacks --------------------------------------------------------------------

fn vector(id: &str) -> Value {
    let file: Value = serde_json::from_str(include_str!("../../../../tests/vectors/known-answers.json")).unwrap();
    file["vectors"].as_array().unwrap().iter().find(|v| v["id"] == id).unwrap().clone()
}

/// Real 3D callbacks of Param's test system, `islemHash` over islemGUID . md . mdStatus . orderId . GUID:
/// ParamPosCryptTest::threeDHashCheckDataProvider #0 (= vector `parampos-callback-3d-0`) and
/// ParamPosResponseDataMapperTest::threeDPaymentDataProvider `3d_auth_fail`, `3d_auth_success_payment_fail`,
/// `3d_auth_success_payment_fail_not_found`. (Its `success1` does not verify with the public GUID:
/// the test data was edited after capture, so it is left out.)
fn real_3d_callback(which: usize) -> (Value, &'static str) {
    let cases = [
        (
            "35513153-9902-4a4c-a256-af6ed9cadc52",
            "581877:A65A349B0BAE27FC6567294215158DD8AE223843B5C96462F04A750CA7E8B165:3680:##500100000",
            "1",
            "2025011749D1",
            "b1D7+nI3j4k3WGJuhW5IuPOFpEE=",
        ),
        (
            "c1ee369b-ec27-4ab6-8c27-2e15e62793d3",
            "444676:84E83D96A7CEC3A5815D49EB7F64D2709D1BC30425D578D118B9819A81749FB8:4429:##190100000",
            "0",
            "20241229C152",
            "N1/W7/GcbuT3UVwVM9Q5C/rmoKg=",
        ),
        (
            "5ee6c14d-94c2-48c9-bfe1-da31c415e647",
            "444676:B1748AA7FF30A96AADFECC19670A3038C1419A842DD221D2408708A84FE9D811:4011:##190100000",
            "1",
            "202412306616",
            "zrHcS2iMl0J0GPU6DalIdOppDz8=",
        ),
        (
            "45c47ad7-2d2a-4e9f-adca-a9641cd34b74",
            "444676:A78A6D388E30776DA8F0EB5920F615F9AA523AC0E1EBA1499DB65C2B2BC4F29B:4474:##190100000",
            "1",
            "20250104E733",
            "TLN7U1O+XAreUpt7nx6UlP63nzc=",
        ),
    ];
    let (guid, md, md_status, order, hash) = cases[which];
    let post = json!({
        "md": md, "mdStatus": md_status, "orderId": order, "transactionAmount": "10,01", "islemGUID": guid,
        "islemHash": hash, "bankResult": "Y-status/Challenge authentication via ACS: https://3ds-acs.test.modirum.com/mdpayacs/creq", "dc": "",
        "dcURL": "https://test-dmz.param.com.tr/turkpos.ws/service_turkpos_test.asmx"
    });
    (post, order)
}

#[test]
fn the_3d_callback_vector_through_callback_verify() {
    let v = vector("parampos-callback-3d-0");
    assert_eq!(sign("parampos_3d_response", v["inputs"].clone()), v["expected"]);
    let post = v["inputs"]["response"].clone();
    let verdict = verify("3d", post.clone(), json!({"order_id": "2025011749D1", "amount": "10.01"}));
    assert_eq!(outcome(&verdict), ("verified", "needs_provision", ""), "{verdict}");
    assert_eq!(verdict["bank"]["md_status"], "1");
    assert_eq!(verdict["references"], json!({"order_id": "2025011749D1"}));
    // Its test also requires a failure once mdStatus is emptied.
    let mut tampered = post;
    tampered["mdStatus"] = json!("");
    assert_eq!(verify("3d", tampered, json!({"order_id": "2025011749D1", "amount": "10.01"}))["signature"], "mismatch");
}

#[test]
fn real_3d_callbacks_through_callback_verify() {
    for (which, expected_outcome) in
        [(0, "needs_provision"), (1, "3ds_failed"), (2, "needs_provision"), (3, "needs_provision")]
    {
        let (post, order) = real_3d_callback(which);
        assert_eq!(sign("parampos_3d_response", json!({"store_key": GUID, "response": post})), post["islemHash"]);
        let v = verify("3d", post.clone(), json!({"order_id": order, "amount": "10.01", "currency": "TRY"}));
        assert_eq!((v["signature"].as_str(), v["outcome"].as_str()), (Some("verified"), Some(expected_outcome)));
        if expected_outcome == "needs_provision" {
            // The provision of ParamPosRequestDataMapperTest::create3DPaymentRequestDataDataProvider.
            let (action, op) = soap(&v["next"]["http"]);
            assert_eq!(action, "\"https://turkpos.com.tr/TP_WMD_Pay\"");
            assert_eq!(
                fields(&op),
                with_auth(&[
                    ("UCD_MD", post["md"].as_str().unwrap()),
                    ("Islem_GUID", post["islemGUID"].as_str().unwrap()),
                    ("Siparis_ID", order)
                ])
            );
            assert_eq!(v["next"]["http"]["context"]["action"], "TP_WMD_Pay");
        }
    }
}

/// Real 3D Pay / 3D Host callbacks (`TURKPOS_RETVAL_Hash` over CLIENT_CODE . GUID . Dekont_ID .
/// Tahsilat_Tutari . Siparis_ID . Islem_ID): ParamPosCryptTest `3d_pay` and `3d_secure_foreign_currency`,
/// ParamPosResponseDataMapperTest threeDPayPaymentDataProvider `success_foreign_currency`,
/// `fail_foreign_currency`, `auth_fail` (also threeDHostPaymentDataProvider `auth_fail`).
fn real_pay_callback(which: usize) -> (Value, &'static str) {
    let cases = [
        ("1944A39AD0AEA92E173D665B", "1", "Odeme Islemi Basarili", "19.01.2025 17:29:32", "3007300695", "20250119BACB", "|||||||||", "0", "TL", "581877******2285", "LOpkL9J8vne8E2j0A0HKOhUWGhI=", "77f11031-cce8-4131-bf95-142303732608", "6021847062"),
        ("21C152499BA0369D94028E30", "1", "Odeme Islemi Basarili", "20.01.2025 17:30:41", "3007301017", "202501208059", "||||", "0", "EUR", "454671******7894", "sUAKlp9jJ9lyDVV4C0+lAnkDC9I=", "a699b219-9e77-4fc4-b2e8-4fae3e0b0cd1", "6021847384"),
        ("25B4E0BAAD1F3FC05D46F5B4", "1", "Odeme Islemi Basarili", "5.01.2025 14:52:20", "3007296668", "202501053F4F", "||||", "0", "USD", "581877******2285", "LrFgOcE6S8HzNF4tzvtORAh3C20=", "597b2fc9-df6d-40d7-861a-c4f5d0e94ed3", "6021842602"),
        ("C38F20632F9FBBC3FD2A3B35", "-1", "3D Dogrulama basarisiz", "20.01.2025 18:03:23", "0", "20250120B068", "||||", "-1", "USD", "454671******7894", "Df3gttv1swwT8N1m3aCVYzp23Rg=", "9ccd323a-9a3e-4a7d-8367-58498fac8fb0", "6021847392"),
        ("FF0591BD887935E481743533", "-1", "3D Dogrulamasi Basarisiz. [3D Hatasi: N-status/Challenge authentication via ACS: https://3ds-acs.test.modirum.com/mdpayacs/I-yRFxWEcBOCtERD/creq;token=340262061.17373]", "19.01.2025 18:53:48", "0", "202501193584", "|||||||||", "-1", "TL", "581877******2285", "+qCEIrH+7ARPmJC55MGQCykg8pk=", "93dd02a2-d43b-42aa-83b1-a3fc7d8393ab", "6021847067"),
    ];
    let (islem_id, sonuc, sonuc_str, date, dekont, order, ext, bank_code, pb, kk, hash, islem_guid, pos_id) =
        cases[which];
    let post = json!({
        "TURKPOS_RETVAL_Islem_ID": islem_id, "TURKPOS_RETVAL_Sonuc": sonuc, "TURKPOS_RETVAL_Sonuc_Str": sonuc_str,
        "TURKPOS_RETVAL_GUID": GUID, "TURKPOS_RETVAL_Islem_Tarih": date, "TURKPOS_RETVAL_Dekont_ID": dekont,
        "TURKPOS_RETVAL_Tahsilat_Tutari": "10,01", "TURKPOS_RETVAL_Odeme_Tutari": "9,83",
        "TURKPOS_RETVAL_Siparis_ID": order, "TURKPOS_RETVAL_Ext_Data": ext, "TURKPOS_RETVAL_Banka_Sonuc_Kod": bank_code,
        "TURKPOS_RETVAL_PB": pb, "TURKPOS_RETVAL_KK_No": kk, "TURKPOS_RETVAL_Taksit": "0", "TURKPOS_RETVAL_Hash": hash,
        "TURKPOS_RETVAL_Islem_GUID": islem_guid, "TURKPOS_RETVAL_SanalPOS_Islem_ID": pos_id
    });
    (post, order)
}

#[test]
fn real_3d_pay_callbacks_through_callback_verify() {
    // (case, model, currency, outcome)
    for (which, model, currency, expected_outcome) in [
        (0, "3d_pay", "TRY", "needs_status"),
        (1, "3d", "EUR", "needs_status"),
        (2, "3d_pay", "USD", "needs_status"),
        (3, "3d", "USD", "declined"),
        (4, "3d_pay", "TRY", "declined"),
        (4, "3d_host", "TRY", "declined"),
    ] {
        let (post, order) = real_pay_callback(which);
        assert_eq!(
            sign("parampos_3d_pay_response", json!({"client_code": "10738", "store_key": GUID, "response": post})),
            post["TURKPOS_RETVAL_Hash"]
        );
        let v = verify(model, post.clone(), json!({"order_id": order, "amount": "10.01", "currency": currency}));
        assert_eq!((v["signature"].as_str(), v["outcome"].as_str()), (Some("verified"), Some(expected_outcome)), "{v}");
        assert_eq!(v["masked_pan"], post["TURKPOS_RETVAL_KK_No"]);
        assert_eq!(v["bank"]["message"], post["TURKPOS_RETVAL_Sonuc_Str"]);
        if expected_outcome == "needs_status" {
            assert_eq!(v["references"], json!({"order_id": order, "receipt_id": post["TURKPOS_RETVAL_Dekont_ID"]}));
            let (action, op) = soap(&v["next"]["http"]);
            assert_eq!(action, "\"https://turkpos.com.tr/TP_Islem_Sorgulama4\"");
            assert_eq!(fields(&op), with_auth(&[("Siparis_ID", order)]));
        } else {
            assert_eq!(v["reason"]["code"], "bank.declined");
            assert_eq!(v["references"], json!({"order_id": order}), "no receipt 0");
        }
    }
}

// --- Forged and mismatched callbacks -------------------------------------------------------------

#[test]
fn tampered_3d_callbacks_are_not_authentic() {
    let (original, order) = real_3d_callback(0);
    let expected = json!({"order_id": order, "amount": "10.01"});
    for key in ["islemGUID", "md", "mdStatus", "orderId"] {
        let mut post = original.clone();
        post[key] = json!(format!("{}1", post[key].as_str().unwrap()));
        let v = verify("3d", post, expected.clone());
        assert_eq!(outcome(&v), ("mismatch", "error", "callback.signature_mismatch"), "{key}");
        assert_eq!((v["references"].clone(), v["next"].clone()), (json!({}), Value::Null), "nothing is echoed");
    }
    // Unsigned fields may change without effect on the signature.
    let mut post = original.clone();
    post["transactionAmount"] = json!("0,01");
    assert_eq!(verify("3d", post, expected.clone())["outcome"], "needs_provision");
    let mut post = original.clone();
    post.as_object_mut().unwrap().remove("islemHash");
    assert_eq!(outcome(&verify("3d", post, expected.clone())), ("missing", "error", "callback.signature_missing"));
    // A TURKPOS callback where a TRY `3d` callback is expected is not accepted in its place.
    let (pay, _) = real_pay_callback(0);
    assert_eq!(verify("3d", pay, expected.clone())["signature"], "missing");
    let mut other = creds();
    other["guid"] = json!("0c13d406-873b-403b-9c09-a5766840d98d");
    let v = ok(json!({
        "op": "callback.verify", "gateway": "param", "environment": "test", "model": "3d",
        "credentials": other, "post": original, "expected": expected
    }));
    assert_eq!(v["signature"], "mismatch");
}

#[test]
fn tampered_3d_pay_callbacks_are_not_authentic() {
    let (original, order) = real_pay_callback(0);
    let expected = json!({"order_id": order, "amount": "10.01"});
    for key in ["Dekont_ID", "Tahsilat_Tutari", "Siparis_ID", "Islem_ID"] {
        let key = format!("TURKPOS_RETVAL_{key}");
        let mut post = original.clone();
        post[&key] = json!(format!("{}1", post[&key].as_str().unwrap()));
        let v = verify("3d_pay", post, expected.clone());
        assert_eq!(outcome(&v), ("mismatch", "error", "callback.signature_mismatch"), "{key}");
        assert_eq!((v["references"].clone(), v["masked_pan"].clone()), (json!({}), Value::Null));
    }
    // The hash is checked with the configured GUID, not the one the callback posts.
    let mut post = original.clone();
    post["TURKPOS_RETVAL_GUID"] = json!("attacker");
    assert_eq!(verify("3d_pay", post, expected.clone())["signature"], "verified");
    let mut post = original.clone();
    post.as_object_mut().unwrap().remove("TURKPOS_RETVAL_Hash");
    assert_eq!(outcome(&verify("3d_host", post, expected.clone())), ("missing", "error", "callback.signature_missing"));
    for (field, value) in [("guid", "0c13d406-873b-403b-9c09-a5766840d98d"), ("client_code", "10739")] {
        let mut other = creds();
        other[field] = json!(value);
        let v = ok(json!({
            "op": "callback.verify", "gateway": "param", "environment": "test", "model": "3d_pay",
            "credentials": other, "post": original.clone(), "expected": expected.clone()
        }));
        assert_eq!(v["signature"], "mismatch", "{field}");
    }
}

/// A 3D Pay callback Param would post for our own payment, signed with the public recipe.
fn pay_callback(fields: &[(&str, &str)]) -> Value {
    let mut post = json!({
        "TURKPOS_RETVAL_Islem_ID": "0123456789ABCDEF01234567", "TURKPOS_RETVAL_Sonuc": "1",
        "TURKPOS_RETVAL_Sonuc_Str": "Odeme Islemi Basarili", "TURKPOS_RETVAL_GUID": GUID,
        "TURKPOS_RETVAL_Dekont_ID": "3007300695", "TURKPOS_RETVAL_Tahsilat_Tutari": "1.250,50",
        "TURKPOS_RETVAL_Odeme_Tutari": "1.228,61", "TURKPOS_RETVAL_Siparis_ID": "ORD-1001",
        "TURKPOS_RETVAL_PB": "TL", "TURKPOS_RETVAL_KK_No": "444676******3623", "TURKPOS_RETVAL_Taksit": "3"
    });
    for (k, v) in fields {
        post[format!("TURKPOS_RETVAL_{k}")] = json!(v);
    }
    let hash = sign("parampos_3d_pay_response", json!({"client_code": "10738", "store_key": GUID, "response": post}));
    post["TURKPOS_RETVAL_Hash"] = json!(hash);
    post
}

fn expected() -> Value {
    json!({"order_id": "ORD-1001", "amount": "1250.50", "currency": "TRY", "installments": 3})
}

#[test]
fn signed_3d_pay_callbacks_are_checked_against_the_order() {
    let v = verify("3d_pay", pay_callback(&[]), expected());
    assert_eq!(outcome(&v), ("verified", "needs_status", ""));
    let reason = |fields: &[(&str, &str)]| verify("3d_pay", pay_callback(fields), expected())["reason"]["code"].clone();
    assert_eq!(reason(&[("Siparis_ID", "ORD-1002")]), "callback.order_mismatch");
    assert_eq!(reason(&[("Tahsilat_Tutari", "1.250,49")]), "callback.amount_mismatch");
    assert_eq!(reason(&[("Tahsilat_Tutari", "")]), "callback.amount_mismatch");
    assert_eq!(reason(&[("Dekont_ID", "0")]), "bank.declined");
    // The result code is not signed: the signed receipt number decides, then the status query.
    assert_eq!(verify("3d_pay", pay_callback(&[("Sonuc", "-1")]), expected())["outcome"], "needs_status");
    // A full card number is never echoed.
    assert_eq!(
        verify("3d_host", pay_callback(&[("KK_No", "4446763125813623")]), expected())["masked_pan"],
        "444676******3623"
    );
}

/// A 3D callback for our own payment, signed with the public recipe.
fn callback_3d(md_status: &str, order: &str) -> Value {
    let mut post = json!({"md": "md-1", "mdStatus": md_status, "orderId": order, "islemGUID": "guid-1",
                          "transactionAmount": "1.250,50"});
    post["islemHash"] = json!(sign("parampos_3d_response", json!({"store_key": GUID, "response": post})));
    post
}

#[test]
fn md_status_classes_and_order_of_3d_callbacks() {
    for failing in ["0", "5", "6", "7", "8", "9", ""] {
        let v = verify("3d", callback_3d(failing, "ORD-1001"), expected());
        assert_eq!(outcome(&v), ("verified", "3ds_failed", "callback.3ds_failed"), "{failing:?}");
        assert_eq!(v["next"], Value::Null);
    }
    let v = verify("3d", callback_3d("2", "ORD-1001"), expected());
    assert_eq!(outcome(&v), ("verified", "3ds_attempt", "callback.3ds_attempt"));
    let half = json!({"accept_half_secure": true});
    assert_eq!(verify_with("3d", callback_3d("4", "ORD-1001"), expected(), half)["outcome"], "needs_provision");
    let v = verify("3d", callback_3d("1", "ORD-1002"), expected());
    assert_eq!(outcome(&v), ("verified", "error", "callback.order_mismatch"));
    assert_eq!(v["next"], Value::Null);
}

// --- payment.prepare -----------------------------------------------------------------------------

const NONCE: &str = "3344914aab82284e39742f4c3344914aab82284e39742f4c";

fn prepare_req(model: &str) -> Value {
    json!({
        "op": "payment.prepare", "gateway": "param", "environment": "test", "model": model,
        "credentials": creds(),
        "order": {"id": "order222", "amount": "100.25", "currency": "TRY"},
        "urls": {"ok": "https://domain.com/success", "fail": "https://domain.com/fail"},
        // Param's public test card (ParamPosCryptTest).
        "card": {"number": "4446763125813623", "expiry": "12/26", "cvv": "000", "holder": "John Doe"},
        "customer": {"ip": "127.0.0.1"},
        "nonce": NONCE
    })
}

/// The payment fields in Param's documented order (TP_WMD_UCD), for order222 / 100.25 TRY, with
/// `set` replacing or adding values and `drop` removing fields.
fn payment_fields(hash: &str, set: &[(&str, &str)], drop: &[&str]) -> Vec<(String, String)> {
    let mut list = vec![
        ("KK_Sahibi", "John Doe"),
        ("KK_No", "4446763125813623"),
        ("KK_SK_Ay", "12"),
        ("KK_SK_Yil", "2026"),
        ("KK_CVC", "000"),
        ("KK_Sahibi_GSM", ""),
        ("Hata_URL", "https://domain.com/fail"),
        ("Basarili_URL", "https://domain.com/success"),
        ("Siparis_ID", "order222"),
        ("Taksit", "1"),
        ("Islem_Tutar", "100,25"),
        ("Toplam_Tutar", "100,25"),
        ("Islem_Hash", hash),
        ("Islem_Guvenlik_Tip", "3D"),
        ("Islem_ID", "3344914AAB82284E39742F4C"),
        ("IPAdr", "127.0.0.1"),
    ];
    for (k, v) in set {
        match list.iter_mut().find(|(name, _)| name == k) {
            Some(entry) => entry.1 = v,
            None => list.push((k, v)),
        }
    }
    list.retain(|(k, _)| !drop.contains(k));
    with_auth(&list)
}

#[test]
fn prepare_3d_starts_server_to_server_with_the_signed_card() {
    let step = ok(prepare_req("3d"));
    assert_eq!(step["type"], "http");
    let http = &step["http"];
    assert_eq!(http["url"], "https://test-dmz.param.com.tr/turkpos.ws/service_turkpos_test.asmx");
    let (action, op) = soap(http);
    assert_eq!(action, "\"https://turkpos.com.tr/TP_WMD_UCD\"");
    assert_eq!(
        (op.name.as_str(), op.attrs.clone()),
        ("TP_WMD_UCD", vec![("xmlns".into(), "https://turkpos.com.tr/".into())])
    );
    let hash = op.text_at("Islem_Hash").unwrap();
    assert_eq!(fields(&op), payment_fields(&hash, &[], &[]));
    let request = json!({"G": {"CLIENT_CODE": "10738"}, "GUID": GUID, "Taksit": "1", "Islem_Tutar": "100,25",
                         "Toplam_Tutar": "100,25", "Siparis_ID": "order222"});
    assert_eq!(hash, sign("parampos_request", json!({"variant": "try_3d_or_nonsecure", "request": request})));
    assert_eq!(
        http["context"],
        json!({"gateway": "param", "operation": "sale", "order_id": "order222", "currency": "TRY",
               "action": "TP_WMD_UCD", "model": "3d"})
    );
    // Card, password and GUID never reach the log.
    let log = http["log_body"].as_str().unwrap();
    for secret in ["4446763125813623", "<KK_CVC>000<", ">Test2<", GUID] {
        assert!(!log.contains(secret), "{secret}: {log}");
    }
    assert!(log.contains("444676******3623"), "{log}");
}

#[test]
fn prepare_picks_the_operation_for_model_currency_and_type() {
    let prepared = |model: &str, order: Value| {
        let mut req = prepare_req(model);
        req["order"] = order;
        let (action, op) = soap(&ok(req)["http"]);
        (action.trim_matches('"').trim_start_matches("https://turkpos.com.tr/").to_string(), op)
    };
    let (action, op) = prepared("3d_pay", json!({"id": "order222", "amount": "100.25", "installments": 3}));
    assert_eq!(action, "Pos_Odeme");
    assert_eq!(fields(&op), payment_fields(&op.text_at("Islem_Hash").unwrap(), &[("Taksit", "3")], &[]));
    // Other currencies: TP_Islem_Odeme_WD, no Taksit, the currency code last.
    let (action, op) = prepared("3d", json!({"id": "order222", "amount": "100.25", "currency": "EUR"}));
    assert_eq!(action, "TP_Islem_Odeme_WD");
    assert_eq!(fields(&op), payment_fields(&op.text_at("Islem_Hash").unwrap(), &[("Doviz_Kodu", "1002")], &["Taksit"]));
    let (_, op) = prepared("3d_pay", json!({"id": "order222", "amount": "100.25", "currency": "GBP"}));
    assert_eq!(op.text_at("Doviz_Kodu").unwrap(), "1003");
    let (action, op) = prepared("3d", json!({"id": "order222", "amount": "100.25", "tx_type": "preauth"}));
    assert_eq!(action, "TP_Islem_Odeme_OnProv_WMD");
    assert_eq!(fields(&op), payment_fields(&op.text_at("Islem_Hash").unwrap(), &[], &[]));
}

/// The 3D Host start of Param3DHostPosRequestDataMapperTest (TO_Pre_Encrypting_OOS): order data only,
/// the credentials in a SOAP header, another host and namespace.
#[test]
fn prepare_3d_host_sends_the_order_only() {
    let mut req = prepare_req("3d_host");
    req.as_object_mut().unwrap().remove("card");
    req["order"] = json!({"id": "order222", "amount": "1000.25", "currency": "EUR"});
    let http = ok(req)["http"].clone();
    assert_eq!(http["url"], "https://test-pos.param.com.tr/to.ws/Service_Odeme.asmx");
    let (action, op) = soap(&http);
    assert_eq!(action, "\"https://turkodeme.com.tr/TO_Pre_Encrypting_OOS\"");
    assert_eq!(op.attrs, vec![("xmlns".into(), "https://turkodeme.com.tr/".into())]);
    assert_eq!(
        fields(&op),
        pairs(&[
            ("Borclu_Tutar", "r|1000,25"),
            ("Borclu_Odeme_Tip", "r|Diğer"),
            ("Borclu_AdSoyad", "r|"),
            ("Borclu_Aciklama", "r|"),
            ("Return_URL", "r|https://domain.com/success"),
            ("Islem_ID", "3344914AAB82284E39742F4C"),
            ("Borclu_Kisi_TC", ""),
            ("Terminal_ID", "10738"),
            ("Borclu_GSM", "r|"),
            ("Taksit", "1"),
            ("Doviz_Kodu", "1002")
        ])
    );
    let body = crypto::base64_decode(http["body_base64"].as_str().unwrap()).unwrap();
    let doc = Element::parse(std::str::from_utf8(&body).unwrap()).unwrap();
    let header = doc.find("Header/ServiceSecuritySoapHeader").unwrap();
    assert_eq!(
        fields(header),
        pairs(&[("CLIENT_CODE", "10738"), ("CLIENT_USERNAME", "Test1"), ("CLIENT_PASSWORD", "Test2")])
    );
    assert!(!http["log_body"].as_str().unwrap().contains(">Test2<"));
    let mut req = prepare_req("3d_host");
    req["environment"] = json!("live");
    assert_eq!(ok(req)["http"]["url"], "https://pos.param.com.tr/Tahsilat/to.ws/Service_Odeme.asmx");
}

#[test]
fn prepare_rejects_bad_input() {
    fn remove(v: &mut Value, key: &str) {
        v.as_object_mut().unwrap().remove(key);
    }
    let code = |edit: &dyn Fn(&mut Value)| {
        let mut req = prepare_req("3d");
        edit(&mut req);
        err(req)
    };
    assert_eq!(code(&|r| r["order"]["id"] = json!("order 222")), "order.invalid_id");
    assert_eq!(code(&|r| r["order"]["id"] = json!("x".repeat(51))), "order.invalid_id");
    assert_eq!(code(&|r| r["order"]["currency"] = json!("CHF")), "gateway.unsupported_currency");
    assert_eq!(code(&|r| r["model"] = json!("3d_pay_hosting")), "gateway.unsupported_model");
    assert_eq!(code(&|r| remove(&mut r["credentials"], "guid")), "credentials.missing");
    assert_eq!(code(&|r| r["credentials"]["guid"] = json!("")), "credentials.missing");
    for field in ["card", "customer", "nonce"] {
        assert_eq!(code(&|r| remove(r, field)), "request.missing_field", "{field}");
    }
    assert_eq!(
        code(&|r| {
            r["order"]["currency"] = json!("USD");
            r["order"]["installments"] = json!(3);
        }),
        "order.invalid_installments"
    );
    assert_eq!(
        code(&|r| {
            r["model"] = json!("3d_pay");
            r["order"]["tx_type"] = json!("preauth");
        }),
        "gateway.unsupported_operation"
    );
    assert_eq!(
        code(&|r| {
            r["order"]["currency"] = json!("USD");
            r["order"]["tx_type"] = json!("preauth");
        }),
        "gateway.unsupported_operation"
    );
    assert_eq!(
        code(&|r| {
            r["model"] = json!("3d_host");
            r["order"]["tx_type"] = json!("preauth");
        }),
        "gateway.unsupported_operation"
    );
}

// --- api.request ---------------------------------------------------------------------------------

fn api(operation: &str) -> Value {
    json!({
        "op": "api.request", "gateway": "param", "environment": "test", "operation": operation,
        "credentials": creds(),
        "order": {"id": "order222", "amount": "100.25", "currency": "TRY"},
        "card": {"number": "4446763125813623", "expiry": "12/26", "cvv": "000", "holder": "John Doe"},
        "customer": {"ip": "127.0.0.1"},
        "nonce": NONCE
    })
}

fn request_fields(req: Value) -> (String, Vec<(String, String)>) {
    let (action, op) = soap(&ok(req)["http"]);
    (action.trim_matches('"').trim_start_matches("https://turkpos.com.tr/").to_string(), fields(&op))
}

/// ParamPosRequestDataMapperTest: nonSecurePaymentRequestDataProvider (TP_WMD_UCD / OnProv_WMD NS),
/// nonSecurePaymentPostRequestDataProvider (OnProv_Kapa: `Prov_Tutar` 1,10), cancelRequestDataProvider
/// (Kismi2 IPTAL, Iptal_OnProv), refundRequestDataProvider (Kismi2 IADE), statusRequestDataProvider.
#[test]
fn request_builders_produce_the_documented_bodies() {
    let (action, sale) = request_fields(api("sale"));
    assert_eq!(action, "TP_WMD_UCD");
    let hash = sale.iter().find(|(k, _)| k == "Islem_Hash").unwrap().1.clone();
    assert_eq!(
        sale,
        payment_fields(&hash, &[("Hata_URL", ""), ("Basarili_URL", ""), ("Islem_Guvenlik_Tip", "NS")], &[])
    );
    let (action, preauth) = request_fields(api("preauth"));
    assert_eq!(action, "TP_Islem_Odeme_OnProv_WMD");
    assert!(preauth.contains(&("Islem_Guvenlik_Tip".into(), "NS".into())));
    let mut req = api("sale");
    req["order"]["currency"] = json!("USD");
    let (action, usd) = request_fields(req);
    assert_eq!(
        (action.as_str(), usd.last().cloned()),
        ("TP_Islem_Odeme_WD", Some(("Doviz_Kodu".into(), "1001".into())))
    );

    let mut req = api("capture");
    req["order"]["amount"] = json!("1.10");
    assert_eq!(
        request_fields(req),
        (
            "TP_Islem_Odeme_OnProv_Kapa".into(),
            with_auth(&[("Prov_ID", ""), ("Prov_Tutar", "1,10"), ("Siparis_ID", "order222")])
        )
    );
    assert_eq!(
        request_fields(api("cancel")),
        (
            "TP_Islem_Iptal_Iade_Kismi2".into(),
            with_auth(&[("Durum", "IPTAL"), ("Siparis_ID", "order222"), ("Tutar", "100.25")])
        )
    );
    let mut req = api("cancel");
    req["order"]["tx_type"] = json!("preauth");
    assert_eq!(
        request_fields(req),
        ("TP_Islem_Iptal_OnProv".into(), with_auth(&[("Prov_ID", ""), ("Siparis_ID", "order222")]))
    );
    let mut req = api("refund");
    req["order"]["amount"] = json!("1.02");
    assert_eq!(
        request_fields(req),
        (
            "TP_Islem_Iptal_Iade_Kismi2".into(),
            with_auth(&[("Durum", "IADE"), ("Siparis_ID", "order222"), ("Tutar", "1.02")])
        )
    );
    assert_eq!(request_fields(api("status")), ("TP_Islem_Sorgulama4".into(), with_auth(&[("Siparis_ID", "order222")])));
    // The provision takes the 3D callback's md and islemGUID, for the same order only.
    let (post, _) = real_3d_callback(0);
    let mut req = api("provision");
    req["post"] = post;
    assert_eq!(err(req.clone()), "request.invalid_value");
    req["order"]["id"] = json!("2025011749D1");
    assert_eq!(request_fields(req).0, "TP_WMD_Pay");
    assert_eq!(err(api("provision")), "request.missing_field");
    let mut req = api("sale");
    req.as_object_mut().unwrap().remove("card");
    assert_eq!(err(req), "request.missing_field");
    let mut req = api("refund");
    req["credentials"].as_object_mut().unwrap().remove("client_password");
    assert_eq!(err(req), "credentials.missing");
    let mut req = api("refund");
    req["endpoints"] = json!({"api": "http://127.0.0.1:8080/param"});
    assert_eq!(ok(req)["http"]["url"], "http://127.0.0.1:8080/param");
}

// --- api.parse -----------------------------------------------------------------------------------

/// A SOAP answer `<{action}Response><{action}Result>fields` as Param's service writes it.
fn answer(action: &str, fields: &[(&str, &str)]) -> String {
    let mut result = Element::new(format!("{action}Result"));
    for (k, v) in fields {
        result = result.leaf(*k, *v);
    }
    let response = Element::new(format!("{action}Response")).attr("xmlns", "https://turkpos.com.tr/").child(result);
    Element::new("soap:Envelope")
        .attr("xmlns:soap", "http://schemas.xmlsoap.org/soap/envelope/")
        .attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        .child(Element::new("soap:Body").child(response))
        .to_xml(Some("utf-8"))
}

fn parse_req(req: Value, status: u16, body: &str) -> Value {
    let http = ok(req)["http"].clone();
    call(json!({
        "op": "api.parse", "gateway": "param", "environment": "test", "credentials": creds(),
        "context": http["context"], "response": {"status": status, "body": body}
    }))
}

fn parse(operation: &str, status: u16, body: &str) -> Value {
    parse_req(api(operation), status, body)
}

fn parsed(operation: &str, body: &str) -> Value {
    let answer = parse(operation, 200, body);
    assert_eq!(answer["ok"], true, "{answer}");
    answer["result"].clone()
}

/// mewebstudio/pos tests/Unit/test_data/parampos/3d_form_response_success.xml (the bank's page
/// shortened), through `payment.prepare` → `api.parse`.
#[test]
fn a_3d_start_answer_gives_the_banks_page_as_html() {
    let page = "<!DOCTYPE html SYSTEM \"about:legacy-compat\">\n<html><body><form id=\"webform0\" method=\"POST\" action=\"https://testvpos.asseco-see.com.tr/mdpaympi/MerchantServer\"><input type=\"hidden\" name=\"txid\" value=\"32360341\"/></form><script>hideAndSubmitTimed('webform0');</script></body></html>\n";
    let body = answer(
        "TP_WMD_UCD",
        &[
            ("Islem_ID", "6021840768"),
            ("Islem_GUID", "d68ac15c-17ca-4b7d-a046-10700291b249"),
            ("UCD_HTML", page),
            ("UCD_MD", "MosNOirpqxod2A0BdoPpFNf7E/hJX2pKvt8hunrQF2RSrggeWpNj9p+XDEgRdWfGdtGMHF5A7X/uVbJTb3cCN5L"),
            ("Sonuc", "1"),
            ("Sonuc_Str", "İşlem Başarılı"),
            ("Banka_Sonuc_Kod", "0"),
            ("Siparis_ID", "order222"),
        ],
    );
    let r = parse_req(prepare_req("3d"), 200, &body)["result"].clone();
    assert_eq!(r["outcome"], "redirect", "{r}");
    assert_eq!(r["next"], json!({"type": "html", "html": page.trim()}));
    assert_eq!((r["bank"]["code"].as_str(), r["bank"]["message"].as_str()), (Some("1"), Some("İşlem Başarılı")));
    // The same answer for another order is not ours; NONSECURE where a 3D page is due is garbage.
    assert_eq!(
        parse_req(prepare_req("3d"), 200, &body.replace("order222", "202412290001"))["error"]["code"],
        "bank.bad_response"
    );
    let nonsecure = answer("TP_WMD_UCD", &[("Sonuc", "1"), ("UCD_HTML", "NONSECURE"), ("Islem_ID", "1")]);
    assert_eq!(parse_req(prepare_req("3d"), 200, &nonsecure)["error"]["code"], "bank.bad_response");
    let failed = answer("TP_WMD_UCD", &[("Sonuc", "-1"), ("Sonuc_Str", "Kart numarası hatalı"), ("UCD_HTML", "")]);
    let r = parse_req(prepare_req("3d"), 200, &failed)["result"].clone();
    assert_eq!((r["outcome"].as_str(), r["next"].clone()), (Some("declined"), Value::Null));
}

/// The UCD_URL answers of ParamPosRequestDataMapperTest::threeDFormDataProvider (`3d_pay`,
/// `3d_pay_with_port_in_url`, `3d_secure_form_data_foreign_currency`): a GET form to the address.
#[test]
fn a_3d_pay_start_answer_gives_the_page_address_as_a_get_form() {
    for (model, currency, action, url, base) in [
        ("3d_pay", "TRY", "Pos_Odeme", "https://test-pos.param.com.tr/3D_Secure/AkilliKart_3DPay_PFO.aspx?rURL=TURKPOS_3D_TRAN&SID=f2771b35-f5fd-434a-a1be-ba4eea554146", "https://test-pos.param.com.tr/3D_Secure/AkilliKart_3DPay_PFO.aspx"),
        ("3d_pay", "TRY", "Pos_Odeme", "https://test-pos.param.com.tr:443/3D_Secure/AkilliKart_3DPay_PFO.aspx?rURL=TURKPOS_3D_TRAN&SID=f2771b35-f5fd-434a-a1be-ba4eea554146", "https://test-pos.param.com.tr:443/3D_Secure/AkilliKart_3DPay_PFO.aspx"),
        ("3d", "USD", "TP_Islem_Odeme_WD", "https://test-pos.param.com.tr/3D_Secure/AkilliKart_3DPay_EST_Doviz.aspx?rURL=TURKPOS_3D_TRAN&SID=de67c915-0f0c-4e2a-ac36-a5e8a61c2167", "https://test-pos.param.com.tr/3D_Secure/AkilliKart_3DPay_EST_Doviz.aspx"),
    ] {
        let mut req = prepare_req(model);
        req["order"]["currency"] = json!(currency);
        let body = answer(
            action,
            &[("Islem_ID", "6021847071"), ("UCD_URL", url), ("Sonuc", "1"), ("Sonuc_Str", "İşlem Başarılı"),
              ("Banka_Sonuc_Kod", "-1"), ("Komisyon_Oran", "1.01")],
        );
        let r = parse_req(req.clone(), 200, &body)["result"].clone();
        assert_eq!(r["outcome"], "redirect");
        let sid = url.rsplit('=').next().unwrap();
        assert_eq!(
            r["next"],
            json!({"type": "form", "form": {"action": base, "method": "GET",
                "fields": [{"name": "rURL", "value": "TURKPOS_3D_TRAN"}, {"name": "SID", "value": sid}],
                "sensitive": [], "card_entry": "server", "card_fields": null}})
        );
        for bad_url in ["SOAP Güvenlik Hatası.192.168.190.2", "javascript:alert(1)", ""] {
            let body = answer(action, &[("UCD_URL", bad_url), ("Sonuc", "1")]);
            assert_eq!(parse_req(req.clone(), 200, &body)["error"]["code"], "bank.bad_response", "{bad_url}");
        }
    }
}

/// mewebstudio/pos tests/Unit/test_data/parampos/3d_host_form_response_success.xml and
/// ParamPosRequestDataMapperTest::threeDFormDataProviderFail (an error text instead of the sealed order).
#[test]
fn a_3d_host_start_answer_opens_params_page() {
    let sealed = "ImBuIu4mlRqIABImnjl/ikGHMe5ZOjZjP3wx61Wa7FxC3XrjnDTCsn7PngJ8DPdEV840PmqT+jVgsm+KaWcIZQq/lcJQKD3TdM99+MUcOKLxxFyByUJP3DkY9zZ4/2TJ7Px2HzZdfccockhMooHuM+A8PxjHKdK8z4pOvW/tpo/U4i6/jJPT9ZnhHL4GdRNOtu9l6sGtPHeKYC/FHYAZpGNXjR9+RCZGP/xTeFgC+Gl1o7dpRZaibII6PdPK1CNMdF8O1d1QI+PDCq/TxDSQxyyJgqovzYfBHT5mWjOx+WhiajrswNzVirR9hpii+Hq3sk+LnH90Psobh5db3F4BPpgUIuS6moVERKgq5HIhLkR4fe5TMfxcvOhj3Pg0RBQR";
    let envelope = |result: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\n    <soap:Header>\n        <ServiceSecuritySoapHeader xmlns=\"https://turkodeme.com.tr/\">\n            <CLIENT_CODE>10738</CLIENT_CODE>\n            <CLIENT_USERNAME>Test</CLIENT_USERNAME>\n            <CLIENT_PASSWORD>Test</CLIENT_PASSWORD>\n        </ServiceSecuritySoapHeader>\n    </soap:Header>\n    <soap:Body>\n        <TO_Pre_Encrypting_OOSResponse xmlns=\"https://turkodeme.com.tr/\">\n            <TO_Pre_Encrypting_OOSResult>{result}</TO_Pre_Encrypting_OOSResult>\n        </TO_Pre_Encrypting_OOSResponse>\n    </soap:Body>\n</soap:Envelope>\n"
        )
    };
    let r = parse_req(prepare_req("3d_host"), 200, &envelope(sealed))["result"].clone();
    assert_eq!(r["outcome"], "redirect");
    assert_eq!(
        r["next"]["form"],
        json!({"action": "https://test-pos.param.com.tr/default.aspx", "method": "GET",
               "fields": [{"name": "s", "value": sealed}], "sensitive": [], "card_entry": "bank_page", "card_fields": null})
    );
    let r = parse_req(prepare_req("3d_host"), 200, &envelope("SOAP Güvenlik Hatası.192.168.190.2"))["result"].clone();
    assert_eq!(
        (r["outcome"].as_str(), r["bank"]["message"].as_str(), r["next"].clone()),
        (Some("declined"), Some("SOAP Güvenlik Hatası.192.168.190.2"), Value::Null)
    );
}

/// ParamPosResponseDataMapperTest::paymentTestDataProvider (`success1`, `success_pre_payment`,
/// `success_foreign_currency`, `success_post_payment`, `fail_try_again`) and threeDPaymentDataProvider
/// (the TP_WMD_Pay provision answers).
#[test]
fn payment_and_provision_answers() {
    let extra = "<Extra>\n    <SETTLEID>15510</SETTLEID>\n    <TRXDATE>20250104 14:35:41</TRXDATE>\n    <NUMCODE>00</NUMCODE>\n  </Extra>";
    let mut req = api("sale");
    req["order"]["id"] = json!("2025010408A0");
    let sale = answer(
        "TP_WMD_UCD",
        &[
            ("Islem_ID", "3007296556"),
            ("UCD_HTML", "NONSECURE"),
            ("Sonuc", "1"),
            ("Sonuc_Str", "İşlem Başarılı"),
            ("Bank_Trans_ID", "25004OjqB07040101"),
            ("Bank_AuthCode", "P77950"),
            ("Bank_HostMsg", ""),
            ("Banka_Sonuc_Kod", "0"),
            ("Bank_Extra", extra),
            ("Siparis_ID", "2025010408A0"),
            ("Bank_HostRefNum", "500400109501"),
        ],
    );
    let r = parse_req(req.clone(), 200, &sale)["result"].clone();
    assert_eq!(r["outcome"], "approved", "{r}");
    assert_eq!(
        r["references"],
        json!({"order_id": "2025010408A0", "auth_code": "P77950", "host_ref": "500400109501",
               "transaction_id": "25004OjqB07040101", "receipt_id": "3007296556"})
    );
    let fail = answer(
        "TP_WMD_UCD",
        &[
            ("Islem_ID", "0"),
            ("UCD_HTML", "NONSECURE"),
            ("Sonuc", "-1"),
            ("Sonuc_Str", "Tekrar girin, tekrar deneyin."),
            ("Banka_Sonuc_Kod", "99"),
            ("Siparis_ID", "20250104586F"),
        ],
    );
    let mut failed_req = api("sale");
    failed_req["order"]["id"] = json!("20250104586F");
    let r = parse_req(failed_req, 200, &fail)["result"].clone();
    assert_eq!(
        (
            r["outcome"].as_str(),
            r["bank"]["code"].as_str(),
            r["bank"]["message"].as_str(),
            r["bank"]["error_code"].as_str()
        ),
        (Some("declined"), Some("-1"), Some("Tekrar girin, tekrar deneyin."), Some("99"))
    );
    // Sonuc > 0 without a receipt is not a sale.
    let no_receipt = sale.replace("<Islem_ID>3007296556</Islem_ID>", "<Islem_ID>0</Islem_ID>");
    assert_eq!(parse_req(req.clone(), 200, &no_receipt)["result"]["outcome"], "declined");

    let mut req = api("preauth");
    req["order"]["id"] = json!("2025010408A0");
    let preauth = answer(
        "TP_Islem_Odeme_OnProv_WMD",
        &[
            ("Islem_ID", "6005034747"),
            ("Islem_GUID", "72c9b68c-fedc-488e-9166-ae9fc7d4e523"),
            ("UCD_HTML", "NONSECURE"),
            ("Sonuc", "1"),
            ("Sonuc_Str", "Ön Provizyon İşlemi Başarılı"),
            ("Bank_Trans_ID", "21292RsEI18157"),
            ("Bank_AuthCode", "P66791"),
            ("Banka_Sonuc_Kod", "0"),
            ("Siparis_ID", "2025010408A0"),
        ],
    );
    assert_eq!(parse_req(req, 200, &preauth)["result"]["references"]["auth_code"], "P66791");

    let mut req = api("sale");
    req["order"]["currency"] = json!("USD");
    let usd = answer(
        "TP_Islem_Odeme_WD",
        &[
            ("Islem_ID", "3007300589"),
            ("UCD_URL", "NONSECURE"),
            ("Sonuc", "1"),
            ("Sonuc_Str", "İşlem Başarılı"),
            ("Banka_Sonuc_Kod", "0"),
            ("Komisyon_Oran", "1.75"),
        ],
    );
    let r = parse_req(req, 200, &usd)["result"].clone();
    assert_eq!(
        (r["outcome"].as_str(), r["references"].clone()),
        (Some("approved"), json!({"receipt_id": "3007300589"}))
    );

    let mut req = api("capture");
    req["order"]["id"] = json!("20250105CB05");
    let capture = answer(
        "TP_Islem_Odeme_OnProv_Kapa",
        &[
            ("Sonuc", "1"),
            ("Sonuc_Str", "Provizyon Kapama İşlem Başarılı"),
            ("Prov_ID", "f7184b1f-c4c2-4d2e-8428-fc6014a00900"),
            ("Dekont_ID", "6004466311"),
            ("Banka_Sonuc_Kod", "0"),
            ("Siparis_ID", "20250105CB05"),
            ("Bank_Trans_ID", "25005RvnD11226"),
            ("Bank_AuthCode", "519104"),
            ("Bank_HostRefNum", "500517472728"),
        ],
    );
    let r = parse_req(req, 200, &capture)["result"].clone();
    assert_eq!((r["outcome"].as_str(), r["references"]["receipt_id"].as_str()), (Some("approved"), Some("6004466311")));

    // Provision (TP_WMD_Pay) answers: paid with a receipt; "Hesap bulunamadı." (-100); -1.
    let (post, order) = real_3d_callback(0);
    let mut req = api("provision");
    req["post"] = post;
    req["order"]["id"] = json!(order);
    let paid = answer(
        "TP_WMD_Pay",
        &[
            ("Sonuc", "1"),
            ("Sonuc_Ack", "Başarılı"),
            ("Dekont_ID", "3007295376"),
            ("Siparis_ID", order),
            ("UCD_MD", "444676:E997FB32"),
            ("Bank_Trans_ID", "24364TKkF16602"),
            ("Bank_AuthCode", "150888"),
            ("Bank_HostMsg", "Approved"),
            ("Bank_Extra", "<Extra><NUMCODE>00</NUMCODE></Extra>"),
            ("Bank_Sonuc_Kod", "0"),
            ("Bank_HostRefNum", "436419200463"),
            ("Komisyon_Oran", "1.01"),
        ],
    );
    let r = parse_req(req.clone(), 200, &paid)["result"].clone();
    assert_eq!(r["outcome"], "approved");
    assert_eq!(
        r["references"],
        json!({"order_id": order, "auth_code": "150888", "host_ref": "436419200463",
               "transaction_id": "24364TKkF16602", "receipt_id": "3007295376"})
    );
    assert_eq!(r["bank"]["message"], "Başarılı");
    for (sonuc, message) in [("-100", "Hesap bulunamadı."), ("-1", "İşlem bilgisi sorgulanamadı.")] {
        let body = answer(
            "TP_WMD_Pay",
            &[("Sonuc", sonuc), ("Sonuc_Ack", message), ("Bank_Sonuc_Kod", "-1"), ("Komisyon_Oran", "0")],
        );
        let r = parse_req(req.clone(), 200, &body)["result"].clone();
        assert_eq!(
            (
                r["outcome"].as_str(),
                r["bank"]["code"].as_str(),
                r["bank"]["message"].as_str(),
                r["bank"]["error_code"].as_str()
            ),
            (Some("declined"), Some(sonuc), Some(message), Some("-1"))
        );
    }
    let no_receipt = paid.replace("3007295376", "0");
    assert_eq!(parse_req(req, 200, &no_receipt)["result"]["outcome"], "declined");
}

/// ParamPosResponseDataMapperTest::cancelTestDataProvider and refundTestDataProvider.
#[test]
fn cancel_and_refund_answers() {
    let extra =
        "\n<Extra>\n<SETTLEID>2976</SETTLEID>\n<CARDISSUER>T. HALK BANKASI A.S.</CARDISSUER>\n</Extra>\n          ";
    let success = answer(
        "TP_Islem_Iptal_Iade_Kismi2",
        &[
            ("Sonuc", "1"),
            ("Sonuc_Str", "Approved"),
            ("Banka_Sonuc_Kod", "0"),
            ("Bank_AuthCode", "142436"),
            ("Bank_Trans_ID", "25005OB6H12275"),
            ("Bank_Extra", extra),
            ("Bank_HostRefNum", "500514472735"),
        ],
    );
    for op in ["cancel", "refund"] {
        let r = parsed(op, &success);
        assert_eq!(r["outcome"], "approved");
        assert_eq!(
            r["references"],
            json!({"auth_code": "142436", "host_ref": "500514472735", "transaction_id": "25005OB6H12275"})
        );
    }
    for (sonuc, message) in [
        ("-210", "İptal/İadeye uygun işlem bulunamadı."),
        ("-211", "İşlem iptal durumunda"),
        ("-221", "İade tutarı, iade edilebilir tutardan büyük olamaz."),
    ] {
        let r = parsed("refund", &answer("TP_Islem_Iptal_Iade_Kismi2", &[("Sonuc", sonuc), ("Sonuc_Str", message)]));
        assert_eq!((r["outcome"].as_str(), r["bank"]["message"].as_str()), (Some("declined"), Some(message)));
    }
    let mut req = api("cancel");
    req["order"]["tx_type"] = json!("preauth");
    let body = answer("TP_Islem_Iptal_OnProv", &[("Sonuc", "1"), ("Sonuc_Str", "Approved"), ("Banka_Sonuc_Kod", "00")]);
    assert_eq!(parse_req(req, 200, &body)["result"]["outcome"], "approved");
}

/// A status answer with `DT_Bilgi` from ParamPosResponseDataMapperTest::statusTestDataProvider
/// (`success_payment`) and tests/Unit/test_data/parampos/status_*.json.
fn status_answer(order: &str, fields: &[(&str, &str)]) -> String {
    let mut info = Element::new("DT_Bilgi");
    let mut all = vec![
        ("Odeme_Sonuc", "1"),
        ("Odeme_Sonuc_Aciklama", "İşlem Başarılı"),
        ("Dekont_ID", "3007296662"),
        ("Siparis_ID", order),
        ("Islem_ID", "665C5908BA1D7583BDF62D3A"),
        ("Durum", "SUCCESS"),
        ("Tarih", "05.01.2025 13:14:32"),
        ("Toplam_Tutar", "10.01"),
        ("Komisyon_Oran", "1.75"),
        ("Komisyon_Tutar", "0.18"),
        ("Banka_Sonuc_Aciklama", ""),
        ("Taksit", "1"),
        ("Ext_Data", "||||"),
        ("Toplam_Iade_Tutar", "0"),
        ("KK_No", "581877******2285"),
        ("Bank_Extra", "<Extra>\n    <AUTH_CODE>222905</AUTH_CODE>\n    <CAPTURE_AMT>1001</CAPTURE_AMT>\n    <TRANS_STAT>C</TRANS_STAT>\n  </Extra>"),
        ("Islem_Tip", "SALE"),
        ("Bank_Trans_ID", "25005NOgE12061"),
        ("Bank_AuthCode", "222905"),
        ("Bank_HostRefNum", "500513472717"),
    ];
    for (k, v) in fields {
        match all.iter_mut().find(|(name, _)| name == k) {
            Some(entry) => entry.1 = v,
            None => all.push((k, v)),
        }
    }
    for (k, v) in all {
        info = info.leaf(k, v);
    }
    let result = Element::new("TP_Islem_Sorgulama4Result").child(info).leaf("Sonuc", "1").leaf("Sonuc_Str", "Başarılı");
    let response = Element::new("TP_Islem_Sorgulama4Response").attr("xmlns", "https://turkpos.com.tr/").child(result);
    Element::new("soap:Envelope")
        .attr("xmlns:soap", "http://schemas.xmlsoap.org/soap/envelope/")
        .child(Element::new("soap:Body").child(response))
        .to_xml(Some("utf-8"))
}

fn status(order: &str, fields: &[(&str, &str)]) -> Value {
    let mut req = api("status");
    req["order"]["id"] = json!(order);
    let answer = parse_req(req, 200, &status_answer(order, fields));
    assert_eq!(answer["ok"], true, "{answer}");
    answer["result"].clone()
}

#[test]
fn status_answers_give_the_order_state() {
    let r = status("20250105E324", &[]);
    assert_eq!(r["outcome"], "approved");
    assert_eq!(r["order_status"], json!({"state": "paid", "amount": "10.01", "captured": "10.01", "refunded": null}));
    assert_eq!(
        r["references"],
        json!({"order_id": "20250105E324", "auth_code": "222905", "host_ref": "500513472717",
               "transaction_id": "25005NOgE12061", "receipt_id": "3007296662"})
    );
    // status_pay_then_refund_response.json: REFUND of the whole amount.
    let r = status("20250105E324", &[("Odeme_Sonuc", "13"), ("Durum", "REFUND"), ("Toplam_Iade_Tutar", "10.01")]);
    assert_eq!(r["outcome"], "declined", "approved only means paid");
    assert_eq!(
        r["order_status"],
        json!({"state": "refunded", "amount": "10.01", "captured": "10.01", "refunded": "10.01"})
    );
    let r = status("20250105E324", &[("Durum", "REFUND"), ("Toplam_Iade_Tutar", "5.00")]);
    assert_eq!(r["order_status"]["state"], "partially_refunded");
    assert_eq!(status("20250105E324", &[("Durum", "PARTIAL_REFUND")])["order_status"]["state"], "partially_refunded");
    // status_pay_then_cancel_response.json.
    assert_eq!(status("2025011251F7", &[("Durum", "CANCEL")])["order_status"]["state"], "cancelled");
    for failed in ["FAIL", "BANK_FAIL"] {
        assert_eq!(status("2025011251F7", &[("Durum", failed)])["order_status"]["state"], "declined");
    }
    assert_eq!(status("2025011251F7", &[("Durum", "")])["order_status"]["state"], "unknown");
    // status_pre_pay_response.json: authorised, nothing captured yet (CAPTURE_AMT empty).
    let extra = "<Extra>\n    <AUTH_CODE>308452</AUTH_CODE>\n    <CAPTURE_AMT></CAPTURE_AMT>\n    <TRANS_STAT>A</TRANS_STAT>\n  </Extra>";
    let r = status("20250105F546", &[("Islem_Tip", "PRE_AUTH"), ("Bank_Extra", extra)]);
    assert_eq!(r["order_status"], json!({"state": "paid", "amount": "10.01", "captured": "0.00", "refunded": null}));
    // status_post_pay_response.json: captured 10.21 (CAPTURE_AMT 1021).
    let extra = "<Extra>\n    <CAPTURE_AMT>1021</CAPTURE_AMT>\n    <TRANS_STAT>C</TRANS_STAT>\n  </Extra>";
    let r = status("20250105D70C", &[("Islem_Tip", "PRE_AUTH"), ("Bank_Extra", extra)]);
    assert_eq!(r["order_status"]["captured"], "10.21");
    // Without the acquirer's extra data the captured part is unknown.
    assert_eq!(
        status("20250105D70C", &[("Islem_Tip", "PRE_AUTH"), ("Bank_Extra", "")])["order_status"]["captured"],
        Value::Null
    );
    // Another order's record is not ours; a failed query gives no state.
    let mut req = api("status");
    req["order"]["id"] = json!("20250105E999");
    assert_eq!(parse_req(req, 200, &status_answer("20250105E324", &[]))["error"]["code"], "bank.bad_response");
    let r = parsed("status", &answer("TP_Islem_Sorgulama4", &[("Sonuc", "-1"), ("Sonuc_Str", "Kayıt bulunamadı")]));
    assert_eq!((r["outcome"].as_str(), r["order_status"].clone()), (Some("declined"), Value::Null));
    let no_info = answer("TP_Islem_Sorgulama4", &[("Sonuc", "1"), ("Sonuc_Str", "Başarılı")]);
    assert_eq!(parse("status", 200, &no_info)["error"]["code"], "bank.bad_response");
}

#[test]
fn garbage_truncated_and_foreign_answers_are_refused() {
    let good = answer("TP_Islem_Iptal_Iade_Kismi2", &[("Sonuc", "1"), ("Sonuc_Str", "Approved")]);
    let fault = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Server was unable to process request. ---&gt; Object reference not set to an instance of an object.</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>";
    for body in [
        String::new(),
        "  \n".into(),
        "garbage".into(),
        good[..good.len() / 2].to_string(),
        good.replace("TP_Islem_Iptal_Iade_Kismi2", "TP_WMD_Pay"),
        good.replace("<Sonuc>1</Sonuc>", ""),
        good.replace("<Sonuc>1</Sonuc>", "<Sonuc>one</Sonuc>"),
        good.replace("Envelope", "Wrapper"),
        "<html><body>Server Error</body></html>".into(),
        fault.into(),
    ] {
        assert_eq!(parse("cancel", 200, &body)["error"]["code"], "bank.bad_response", "{body:?}");
    }
    let detail = parse("cancel", 200, fault)["error"]["message"].as_str().unwrap().to_string();
    assert!(detail.contains("Object reference not set"), "{detail}");
    assert_eq!(parse("cancel", 500, fault)["error"]["code"], "bank.http_error");
    assert_eq!(parse("cancel", 503, &good)["error"]["code"], "bank.http_error");
    // A context that is not the request's is refused: no action, an unknown one, a payment start
    // without its model.
    let base = json!({"gateway": "param", "operation": "sale", "order_id": "order222", "currency": "TRY"});
    for (extra, field) in [
        (json!({}), "context.action"),
        (json!({"action": "TP_Ozel_Oran_Liste"}), "context.action"),
        (json!({"action": "TP_WMD_UCD"}), "context.model"),
        (json!({"action": "TP_WMD_UCD", "model": "3d_pay_hosting_x"}), "context.model"),
    ] {
        let mut context = base.clone();
        context.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let answer = call(json!({
            "op": "api.parse", "gateway": "param", "environment": "test", "credentials": creds(),
            "context": context, "response": {"status": 200, "body": good}
        }));
        assert_eq!(
            (answer["error"]["code"].as_str(), answer["error"]["field"].as_str()),
            (Some("request.invalid_value"), Some(field))
        );
    }
}

#[test]
fn signature_kinds_reject_what_they_cannot_read() {
    let req = |kind: &str, inputs: Value| json!({"op": "signature.compute", "kind": kind, "inputs": inputs});
    let request = json!({"G": {"CLIENT_CODE": "1"}, "GUID": "g"});
    assert_eq!(err(req("parampos_request", json!({"variant": "nope", "request": request}))), "request.invalid_value");
    assert_eq!(err(req("parampos_request", json!({"request": request}))), "request.missing_field");
    assert_eq!(
        err(req("parampos_request", json!({"variant": "3d_pay", "request": {"GUID": "g"}}))),
        "request.missing_field"
    );
    assert_eq!(
        err(req("parampos_3d_response", json!({"store_key": "k", "response": {"md": ["x"]}}))),
        "request.invalid_type"
    );
    assert_eq!(
        err(req("parampos_3d_pay_response", json!({"store_key": "k", "response": {}}))),
        "request.missing_field"
    );
}
