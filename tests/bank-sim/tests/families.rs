//! Every family the simulator speaks, driven the way a shop drives a bank: the core prepares the
//! form, the gate checks its signature, the ACS page is answered, the signed POST back verifies in
//! the core, and the server-to-server API books exactly what the ledger then shows.

mod common;

use common::*;
use serde_json::{json, Value};
use std::thread;

const FAMILIES: &[&str] = &["nestpay", "garanti", "akbank", "payfor", "interpos", "posnet", "posnet_v1"];
/// The families whose 3D form and callback carry a signature the shop checks (POSNET's are
/// sealed for the bank instead).
const SIGNED: &[&str] = &["nestpay", "garanti", "akbank", "payfor", "interpos", "posnet_v1"];
/// The families with a 3D Pay model (the bank charges before the shopper returns).
const PAY_MODEL: &[&str] = &["nestpay", "garanti", "akbank", "payfor", "interpos"];
/// The families whose bank has one return URL for success and failure.
const ONE_RETURN_URL: &[&str] = &["posnet", "posnet_v1"];

/// Pays `order` with the `3d` model and provisions it; returns the provision's answer.
fn pay_3d(bank: &Bank, account: &Value, order: &Order, number: &str) -> Value {
    let gate = submit(account, "3d", order, number);
    let (action, post) = through_acs(bank, &gate, "confirm", "123456");
    assert_eq!(action, "http://shop.test/ok");
    let verdict = verify(account, "3d", order, &post);
    assert_eq!(verdict["outcome"], "needs_provision", "{verdict}");
    follow(account, &verdict["next"]["http"])
}

/// The outcome of a callback: the verdict, or for POSNET's sealed callback the bank's answer.
fn outcome(account: &Value, order: &Order, post: &[(String, String)]) -> String {
    let verdict = verify(account, "3d", order, post);
    let result = if verdict["signature"] == "not_signed" {
        follow(account, &verdict["next"]["http"])["result"].clone()
    } else {
        verdict
    };
    result["outcome"].as_str().unwrap_or_default().to_string()
}

/// The step that charges the card: after POSNET's resolve, its provision.
fn charging_step(account: &Value, first: &Value) -> Value {
    let mut step = first.clone();
    while step["context"]["operation"] == "resolve" {
        let parsed = parse(account, &step, &send(&step).unwrap());
        step = parsed["result"]["next"]["http"].clone();
    }
    step
}

#[test]
fn a_3d_payment_is_provisioned_once_and_refunded_up_to_its_amount() {
    let bank = bank();
    for family in FAMILIES {
        let account = account(&bank, family);
        let order = Order { installments: 6, ..order(&format!("{family}_1001"), "1065.50") };
        let paid = pay_3d(&bank, &account, &order, APPROVE);
        assert_eq!(paid["result"]["outcome"], "approved", "{family}: {paid}");
        let refs = paid["result"]["references"].clone();
        let books = ledger(&bank, &order.id);
        assert_eq!(
            (books["payments"].as_i64(), books["captured_minor"].as_i64()),
            (Some(1), Some(106_550)),
            "{family}"
        );
        assert_eq!(books["entries"][0]["installments"], 6, "{family}");

        // The same provision again (a replayed callback) books nothing.
        let gate = submit(&account, "3d", &order, APPROVE);
        let (_, post) = through_acs(&bank, &gate, "confirm", "123456");
        let again = verify(&account, "3d", &order, &post);
        let answer = follow(&account, &again["next"]["http"]);
        assert_ne!(answer["result"]["outcome"], "approved", "{family}: a used order id is refused: {answer}");
        assert_eq!(ledger(&bank, &order.id)["payments"], 1, "{family}");

        let partial = operate(&account, "refund", &order, "100.00", &refs);
        assert_eq!(partial["result"]["outcome"], "approved", "{family}: {partial}");
        let over = operate(&account, "refund", &order, "965.51", &refs);
        assert_ne!(over["result"]["outcome"], "approved", "{family}: over-refund: {over}");
        let rest = operate(&account, "refund", &order, "965.50", &refs);
        assert_eq!(rest["result"]["outcome"], "approved", "{family}: {rest}");
        let books = ledger(&bank, &order.id);
        assert_eq!(books["refunded_minor"], 106_550, "{family}");
        let refused: Vec<&Value> =
            books["entries"].as_array().unwrap().iter().filter(|e| e["approved"] == false).collect();
        assert!(refused.iter().any(|e| e["refusal"] == "over_refund"), "{family}: {books}");

        let status = operate(&account, "status", &order, order.amount, &refs);
        assert_eq!(status["ok"], true, "{family}: {status}");
        let state = status["result"]["order_status"]["state"].as_str().unwrap();
        assert!(["paid", "refunded"].contains(&state), "{family}: {status}");
    }
}

#[test]
fn a_tampered_form_is_answered_like_the_bank_without_a_signature() {
    let bank = bank();
    for family in SIGNED {
        let account = account(&bank, family);
        let order = order(&format!("{family}_2001"), "10.00");
        let form = prepared_form(&account, "3d", &order, APPROVE);
        let amount_field = ["amount", "txnamount", "PurchAmount", "Amount"];
        let tampered: Vec<(String, String)> = fields_of(&form)
            .into_iter()
            .map(|(k, v)| if amount_field.contains(&k.as_str()) { (k, "1".into()) } else { (k, v) })
            .collect();
        let gate = post_form(form["action"].as_str().unwrap(), &tampered);
        assert_eq!(gate.status, 200, "{family}: no 3D page, straight back");
        let (action, post) = auto_post(&gate.text());
        let fail_url = if ONE_RETURN_URL.contains(family) { "http://shop.test/ok" } else { "http://shop.test/fail" };
        assert_eq!(action, fail_url, "{family}");
        let verdict = verify(&account, "3d", &order, &post);
        assert_eq!((verdict["authentic"].as_bool(), verdict["signature"].as_str()), (Some(false), Some("missing")));
        assert_eq!(ledger(&bank, &order.id)["entries"], json!([]));
    }
}

#[test]
fn the_callback_is_signed_over_what_the_shop_checks() {
    let bank = bank();
    for family in SIGNED {
        let account = account(&bank, family);
        let order = order(&format!("{family}_3001"), "10.00");
        let gate = submit(&account, "3d", &order, APPROVE_MC);
        let (_, post) = through_acs(&bank, &gate, "confirm", "123456");
        assert!(post.iter().all(|(k, _)| !["pan", "cardnumber", "creditCard", "cv2", "cvv"].contains(&k.as_str())));
        // Changing any value the signature covers makes it a forgery.
        let forged = post
            .iter()
            .map(|(k, v)| {
                let signed =
                    ["oid", "orderId", "OrderId", "mdStatus", "mdstatus", "MdStatus", "3DStatus", "responseCode"]
                        .contains(&k.as_str());
                (k.clone(), if signed { format!("{v}X") } else { v.clone() })
            })
            .collect::<Vec<_>>();
        let verdict = verify(&account, "3d", &order, &forged);
        assert_eq!(verdict["signature"], "mismatch", "{family}: {verdict}");
        assert_eq!(verify(&account, "3d", &order, &post)["signature"], "verified", "{family}");
    }
}

#[test]
fn cards_choose_the_outcome() {
    let bank = bank();
    for family in FAMILIES {
        let account = account(&bank, family);
        let id = |n: &str| format!("{family}_4{n}");

        let declined = pay_3d(&bank, &account, &order(&id("001"), "10.00"), DECLINE);
        assert_eq!(declined["result"]["outcome"], "declined", "{family}: {declined}");
        assert_eq!(ledger(&bank, &id("001"))["payments"], 0);

        // 3D failure on the ACS page ("fail"), and the cards decided without a challenge.
        let o = order(&id("002"), "10.00");
        let gate = submit(&account, "3d", &o, APPROVE);
        let (action, post) = through_acs(&bank, &gate, "fail", "");
        assert_eq!(outcome(&account, &o, &post), "3ds_failed", "{family}");
        let fail_url = if ONE_RETURN_URL.contains(family) { "http://shop.test/ok" } else { "http://shop.test/fail" };
        assert_eq!(action, fail_url, "{family}");
        for (n, number, expected) in [("003", THREE_D_FAIL, "3ds_failed"), ("004", THREE_D_ATTEMPT, "3ds_attempt")] {
            let o = order(&id(n), "10.00");
            let gate = submit(&account, "3d", &o, number);
            assert_eq!(gate.status, 200, "{family}: no challenge page");
            let (_, post) = auto_post(&gate.text());
            assert_eq!(outcome(&account, &o, &post), expected, "{family}");
        }

        // Server-to-server failures after a good authentication, on the request that charges.
        let provision = |n: &str, number: &str| {
            let o = order(&id(n), "10.00");
            let gate = submit(&account, "3d", &o, number);
            let (_, post) = through_acs(&bank, &gate, "confirm", "123456");
            charging_step(&account, &verify(&account, "3d", &o, &post)["next"]["http"])
        };
        let step = provision("005", SERVER_ERROR);
        let reply = send(&step).unwrap();
        assert_eq!(reply.status, 500);
        assert_eq!(parse(&account, &step, &reply)["error"]["code"], "bank.http_error");
        assert_eq!(ledger(&bank, &id("005"))["entries"], json!([]), "{family}: nothing booked");

        let step = provision("006", MALFORMED);
        let reply = send(&step).unwrap();
        assert_eq!(parse(&account, &step, &reply)["error"]["code"], "bank.bad_response", "{family}");
        assert_eq!(ledger(&bank, &id("006"))["payments"], 1, "{family}: booked although the answer was cut");

        let step = provision("007", TIMEOUT);
        assert!(send(&step).is_none(), "{family}: the answer comes after the shop gave up");
        assert_eq!(ledger(&bank, &id("007"))["payments"], 1, "{family}: the money moved");
        let status = operate(&account, "status", &order(&id("007"), "10.00"), "10.00", &json!({}));
        assert_eq!(status["result"]["order_status"]["state"], "paid", "{family}: {status}");
    }
}

#[test]
fn the_wrong_api_password_is_refused_and_books_nothing() {
    let bank = bank();
    let secrets =
        [("nestpay", "api_password"), ("garanti", "password"), ("akbank", "secret_key"), ("posnet", "enc_key")];
    for (family, secret) in secrets {
        let account = account(&bank, family);
        let order = order(&format!("{family}_5001"), "10.00");
        let gate = submit(&account, "3d", &order, APPROVE);
        let (_, post) = through_acs(&bank, &gate, "confirm", "123456");
        let mut wrong = account.clone();
        wrong["credentials"][secret] = json!("not-the-secret");
        let post: serde_json::Map<String, Value> = post.into_iter().map(|(k, v)| (k, json!(v))).collect();
        let step = ok(with(
            with(wrong.clone(), entropy()),
            json!({"op": "api.request", "operation": "provision", "order": order.json(), "post": post}),
        ))["http"]
            .clone();
        let answer = parse(&wrong, &step, &send(&step).unwrap());
        assert_ne!(answer["result"]["outcome"], "approved", "{family}: {answer}");
        assert_eq!(ledger(&bank, &order.id)["entries"], json!([]), "{family}");
    }
}

#[test]
fn pay_models_and_pre_authorisations() {
    let bank = bank();
    for family in FAMILIES {
        let account = account(&bank, family);
        // 3D Pay: the bank charges before the shopper comes back.
        if PAY_MODEL.contains(family) {
            let o = order(&format!("{family}_6001"), "25.00");
            let gate = submit(&account, "3d_pay", &o, APPROVE);
            let (action, post) = through_acs(&bank, &gate, "confirm", "123456");
            assert_eq!(action, "http://shop.test/ok");
            let verdict = verify(&account, "3d_pay", &o, &post);
            let expected = if *family == "akbank" { "needs_status" } else { "approved" };
            assert_eq!(verdict["outcome"], expected, "{family}: {verdict}");
            assert_eq!(ledger(&bank, &o.id)["captured_minor"], 2500);
        }

        // Pre-authorisation, capture of part of it, then a void refused after a refund.
        let o = Order { tx_type: "preauth", ..order(&format!("{family}_6002"), "40.00") };
        let held = pay_3d(&bank, &account, &o, APPROVE);
        assert_eq!(held["result"]["outcome"], "approved", "{family}: {held}");
        let refs = held["result"]["references"].clone();
        assert_eq!(ledger(&bank, &o.id)["captured_minor"], 0);
        let captured = operate(&account, "capture", &o, "40.00", &refs);
        assert_eq!(captured["result"]["outcome"], "approved", "{family}: {captured}");
        let twice = operate(&account, "capture", &o, "40.00", &refs);
        assert_ne!(twice["result"]["outcome"], "approved", "{family}: captured once");
        assert_eq!(operate(&account, "refund", &o, "5.00", &refs)["result"]["outcome"], "approved");
        assert_ne!(operate(&account, "cancel", &o, "40.00", &refs)["result"]["outcome"], "approved");
        let books = ledger(&bank, &o.id);
        assert_eq!((books["captured_minor"].as_i64(), books["refunded_minor"].as_i64()), (Some(4000), Some(500)));

        // A same-day void, after which no refund is possible.
        let o = order(&format!("{family}_6003"), "12.00");
        let paid = pay_3d(&bank, &account, &o, APPROVE);
        let refs = paid["result"]["references"].clone();
        assert_eq!(operate(&account, "cancel", &o, "12.00", &refs)["result"]["outcome"], "approved", "{family}");
        assert_ne!(operate(&account, "refund", &o, "1.00", &refs)["result"]["outcome"], "approved", "{family}");
        assert_eq!(ledger(&bank, &o.id)["voided"], true);
    }
}

#[test]
fn concurrent_provisions_of_one_authentication_book_one_payment() {
    let bank = bank();
    for family in FAMILIES {
        let account = account(&bank, family);
        let order = order(&format!("{family}_7001"), "99.99");
        let gate = submit(&account, "3d", &order, APPROVE);
        let (_, post) = through_acs(&bank, &gate, "confirm", "123456");
        let step = charging_step(&account, &verify(&account, "3d", &order, &post)["next"]["http"]);
        let answers: Vec<Value> = thread::scope(|s| {
            let handles: Vec<_> = (0..6).map(|_| s.spawn(|| parse(&account, &step, &send(&step).unwrap()))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let approved = answers.iter().filter(|a| a["result"]["outcome"] == "approved").count();
        assert_eq!(approved, 1, "{family}: {answers:?}");
        assert_eq!(ledger(&bank, &order.id)["payments"], 1);
    }
}

#[test]
fn the_acs_page_allows_three_tries_and_one_answer() {
    let bank = bank();
    let account = account(&bank, "nestpay");
    let o = order("acs-1", "10.00");
    let gate = submit(&account, "3d", &o, APPROVE);
    let acs = format!("{}{}", bank.url, gate.header("Location").unwrap());
    let wrong = || post_form(&acs, &[("action".into(), "confirm".into()), ("code".into(), "000000".into())]);
    assert!(wrong().text().contains("otp-error"));
    assert!(wrong().text().contains("otp-error"));
    let (_, post) = auto_post(&wrong().text());
    assert_eq!(verify(&account, "3d", &o, &post)["outcome"], "3ds_failed");
    assert_eq!(get(&acs).status, 404, "the session is used up");
}

#[test]
fn posnet_packets_open_only_as_the_bank_sealed_them() {
    let bank = bank();
    let account = account(&bank, "posnet");
    let o = order("posnet_8001", "10.00");
    let gate = submit(&account, "3d", &o, APPROVE);
    let (_, post) = through_acs(&bank, &gate, "confirm", "123456");
    for packet in ["BankPacket", "MerchantPacket", "Sign"] {
        let forged: Vec<(String, String)> =
            post.iter().map(|(k, v)| (k.clone(), if k == packet { format!("{v}0") } else { v.clone() })).collect();
        let verdict = verify(&account, "3d", &o, &forged);
        assert_eq!(verdict["signature"], "not_signed");
        let answer = follow(&account, &verdict["next"]["http"]);
        assert_ne!(answer["result"]["outcome"], "approved", "{packet}: {answer}");
    }
    assert_eq!(ledger(&bank, &o.id)["entries"], json!([]));
    // The real packets still work, once.
    assert_eq!(outcome(&account, &o, &post), "approved");
    assert_eq!(ledger(&bank, &o.id)["payments"], 1);
}
