//! Akbank's new virtual POS, docs/pos-protocols.md §8: `securepay` (the 3D form, HMAC-SHA512 of a
//! fixed field list, card included) and `api/v1/payment/virtualpos/transaction/process` (JSON,
//! `auth-hash` header = HMAC of the exact body).
//!
//! Answers follow the shapes of real Akbank answers (mewebstudio/pos
//! AkbankPosResponseDataMapperTest, commit 9152706f): the callback signs the fields its
//! `hashParams` names; amounts in answers are JSON numbers; refusals are `VPS-…` codes.

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Booking, Entry, Kind, NewPayment, OrderKey, Refusal, Verdict};
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, fields_json, signature, Family, Sim};
use sanalpos_core::gateway::text::decode_text;
use sanalpos_core::gateway::RawPost;
use sanalpos_core::money::{Currency, Money, Sign};
use serde_json::{json, Map, Value};

pub struct Akbank;

const ID: &str = "akbank";
const SUCCESS: &str = "VPS-0000";
const CARD_FIELDS: &[&str] = &["creditCard", "expiredDate", "cvv"];
/// Signed fields of a successful `3D` callback and of a payment callback (real callbacks).
const HASH_3D: &str = "txnCode+responseCode+responseMessage+txnDateTime+merchantSafeId+terminalSafeId+orderId+secureId+secureEcomInd+secureData+secureMd";
const HASH_PAY: &str = "txnCode+responseCode+responseMessage+hostResponseCode+hostMessage+txnDateTime+merchantSafeId+terminalSafeId+orderId+authCode+rrn+batchNumber+stan";
const HASH_FAIL: &str = "responseCode+responseMessage+orderId";

impl Family for Akbank {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("gate_3d", "securepay"), ("api", "api/v1/payment/virtualpos/transaction/process")]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        match endpoint {
            "gate_3d" => gate(sim, req),
            _ => api(sim, req),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.fail_url.clone(), Vec::new()) };
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut add = |name: &str, value: String| fields.push((name.to_string(), value));
        let now = clock::turkish("yyyy-MM-ddTHH:mm:ss.SSS");
        let hash_params = if !auth.authenticated() {
            add("txnCode", String::new());
            add("responseCode", "VPS-1279".into());
            add("responseMessage", "BKM 3DS Server Doğrulama Başarısız".into());
            add("hostResponseCode", String::new());
            add("hostMessage", String::new());
            add("orderId", session.order_id.clone());
            HASH_FAIL
        } else if let Some(charge) = &auth.charge {
            let entry = &charge.entry;
            let (code, message, host_code, host_message) = payment_words(charge);
            add("txnCode", if session.preauth { "1004" } else { "1000" }.into());
            add("responseCode", code.into());
            add("responseMessage", message.replace("{order}", &session.order_id));
            add("hostResponseCode", host_code.into());
            add("hostMessage", host_message);
            add("txnDateTime", now);
            add("merchantSafeId", account.get("merchant_safe_id").into());
            add("terminalSafeId", account.get("terminal_safe_id").into());
            add("orderId", session.order_id.clone());
            add("authCode", if entry.approved { entry.auth_code() } else { "000000".into() });
            add("rrn", entry.host_ref());
            add("batchNumber", "43".into());
            add("stan", entry.id.to_string());
            HASH_PAY
        } else {
            add("txnCode", if session.preauth { "3005" } else { "3001" }.into());
            add("responseCode", SUCCESS.into());
            add("responseMessage", "BAŞARILI".into());
            add("txnDateTime", now);
            add("merchantSafeId", account.get("merchant_safe_id").into());
            add("terminalSafeId", account.get("terminal_safe_id").into());
            add("orderId", session.order_id.clone());
            add("secureEcomInd", auth.eci.into());
            add("secureId", auth.xid.clone());
            add("secureData", auth.cavv.clone());
            add("secureMd", auth.md.clone());
            HASH_3D
        };
        fields.push(("hashParams".into(), hash_params.into()));
        let hash = signature(
            "akbank_response",
            json!({"secret_key": account.get("secret_key"), "response": fields_json(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))}),
        );
        fields.push(("hash".into(), hash));
        (if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() }, fields)
    }
}

/// `responseCode`, `responseMessage`, `hostResponseCode`, `hostMessage` of a booked payment.
fn payment_words(booking: &Booking) -> (&'static str, String, &'static str, String) {
    match booking.verdict {
        Verdict::Approved => (SUCCESS, "BAŞARILI".into(), "00", format!("000 ONAY KODU {}", booking.entry.auth_code())),
        Verdict::Declined => ("VPS-1005", "Provizyon Hatası".into(), "51", "051 YETERSIZ BAKIYE".into()),
        Verdict::Refused(r) => {
            let (code, text) = refusal(r);
            (code, text.into(), "", String::new())
        }
    }
}

/// `POST securepay`.
fn gate(sim: &Sim, req: &Request) -> Response {
    let Some(form) = req.form() else {
        return Response::error_page(400, "Hatalı istek", "The 3D gate takes a form post.");
    };
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("merchant_safe_id") == form.text("merchantSafeId")
            && a.get("terminal_safe_id") == form.text("terminalSafeId")
    });
    let Some(account) = account else { return gate_error(&form, "VPS-1002", "Üye işyeri bulunamadı.") };
    let posted: Vec<(&str, String)> = form.iter().map(|(k, v)| (k, decode_text(v))).collect();
    let expected = signature(
        "akbank_3d_request",
        json!({"secret_key": account.get("secret_key"), "form": fields_json(posted.iter().map(|(k, v)| (*k, v.as_str())))}),
    );
    if form.text("hash") != expected {
        return gate_error(&form, "VPS-1001", "Hash doğrulaması başarısız.");
    }
    let model = match form.text("paymentModel").as_str() {
        "3D" => Model::ThreeD,
        "3D_PAY" => Model::ThreeDPay,
        other => return gate_error(&form, "VPS-1003", &format!("paymentModel {other} is not simulated (3D, 3D_PAY)")),
    };
    let Some(amount) = amount(&form.text("amount"), &form.text("currencyCode")) else {
        return gate_error(&form, "VPS-3001", "amount alanı patterne uymamaktadır.");
    };
    let expiry = form.text("expiredDate");
    let Some(pan) = bank::card(&form.text("creditCard"), expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or(""))
    else {
        return gate_error(&form, "VPS-1004", "Kart numarası hatalı.");
    };
    let session = Session {
        family: ID,
        merchant: account.get("merchant_safe_id").into(),
        merchant_name: account.name.into(),
        model,
        order_id: form.text("orderId"),
        amount,
        installments: form.text("installCount").parse().unwrap_or(1),
        preauth: form.text("txnCode") == "3004",
        pan,
        ok_url: form.text("okUrl"),
        fail_url: form.text("failUrl"),
        echo: posted.into_iter().filter(|(k, _)| !CARD_FIELDS.contains(k)).map(|(k, v)| (k.to_string(), v)).collect(),
    };
    sim.sessions.redirect(session)
}

/// A form the gate refuses comes back to `failUrl` unsigned.
fn gate_error(form: &RawPost, code: &str, message: &str) -> Response {
    let fields = vec![
        ("responseCode".to_string(), code.to_string()),
        ("responseMessage".to_string(), message.to_string()),
        ("orderId".to_string(), form.text("orderId")),
    ];
    crate::http::auto_post(&form.text("failUrl"), &fields)
}

/// `1.10` and a numeric currency code.
fn amount(text: &str, currency: &str) -> Option<Money> {
    Money::parse(text, Currency::find(currency).ok()?, Sign::Positive).ok()
}

/// `POST …/transaction/process`.
fn api(sim: &Sim, req: &Request) -> Response {
    let body = String::from_utf8_lossy(&req.body).into_owned();
    let root = match serde_json::from_str::<Value>(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return error_400("VPS-3000", "İstek JSON formatında değil."),
    };
    // A field by its path (`order/orderId`), numbers as their text.
    let get = |path: &str| -> String {
        match root.pointer(&format!("/{path}")) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("merchant_safe_id") == get("terminal/merchantSafeId")
            && a.get("terminal_safe_id") == get("terminal/terminalSafeId")
            && req.header("auth-hash")
                == Some(signature("akbank_api_body", json!({"secret_key": a.get("secret_key"), "body": body})).as_str())
    });
    if account.is_none() {
        return error_400("VPS-1001", "Hash doğrulaması başarısız.");
    }
    let txn_code = get("txnCode");
    let order_id = get("order/orderId");
    let key = OrderKey { family: ID, merchant: get("terminal/merchantSafeId"), order_id: order_id.clone() };
    let money = || amount(&get("transaction/amount"), &get("transaction/currencyCode"));
    let reply = |code: &str, message: &str, entry: Option<&Entry>| answer(&txn_code, &order_id, code, message, entry);
    let result = match txn_code.as_str() {
        "1000" | "1004" => return pay(sim, &key, &txn_code, &get, money()),
        "1010" => return history(sim, &key),
        "1005" => match money() {
            Some(m) => sim.ledger.capture(&key, Some(m.minor())),
            None => return reply("VPS-3001", "amount alanı patterne uymamaktadır.", None),
        },
        "1002" => match money() {
            Some(m) => sim.ledger.refund(&key, m.minor()),
            None => return reply("VPS-3001", "amount alanı patterne uymamaktadır.", None),
        },
        "1003" => sim.ledger.cancel(&key),
        other => return reply("VPS-3002", &format!("txnCode {other} desteklenmiyor."), None),
    };
    match result {
        Ok((e, _)) => reply(SUCCESS, "BAŞARILI", Some(&e)),
        Err(r) => {
            let (code, text) = refusal(r);
            reply(code, &text.replace("{order}", &order_id), None)
        }
    }
}

/// A sale or pre-authorisation: after a 3D authentication (`secureTransaction`) or with the card.
fn pay(sim: &Sim, key: &OrderKey, txn_code: &str, get: &dyn Fn(&str) -> String, money: Option<Money>) -> Response {
    let order_id = &key.order_id;
    let refuse = |code: &str, message: &str| answer(txn_code, order_id, code, message, None);
    let Some(money) = money else { return refuse("VPS-3001", "amount alanı patterne uymamaktadır.") };
    let installments: u32 = get("transaction/installCount").parse().unwrap_or(1);
    let md = get("secureTransaction/secureMd");
    let pan = if !md.is_empty() {
        let Some(a) = sim.sessions.take_authenticated(&md) else {
            return refuse("VPS-1279", "3D doğrulama bulunamadı veya daha önce kullanıldı.");
        };
        let s = &a.session;
        if s.order_id != *order_id || s.amount != money || s.installments.max(1) != installments.max(1) {
            sim.sessions.keep_authenticated(a);
            return refuse("VPS-1280", "İşlem bilgileri 3D doğrulama ile uyuşmuyor.");
        }
        a.session.pan
    } else {
        let expiry = get("card/expireDate");
        match bank::card(&get("card/cardNumber"), expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or("")) {
            Some(pan) => pan,
            None => return refuse("VPS-1004", "Kart numarası hatalı."),
        }
    };
    let payment = NewPayment {
        kind: if txn_code == "1004" { Kind::PreAuth } else { Kind::Sale },
        amount: money.minor(),
        currency: money.currency().alpha.into(),
        installments,
        approved: true,
        masked_pan: bank::mask(&pan),
    };
    let Some((booked, delivery)) = bank::book(sim, key, payment, cards::outcome(&pan)) else {
        return bank::server_error();
    };
    let (code, message, host_code, host_message) = payment_words(&booked);
    let entry = (booked.verdict != Verdict::Refused(Refusal::DuplicateOrder)).then_some(&booked.entry);
    let mut response = answer(txn_code, order_id, code, &message.replace("{order}", order_id), entry);
    if let Ok(Value::Object(mut doc)) = serde_json::from_slice::<Value>(&response.body) {
        doc.insert("hostResponseCode".into(), host_code.into());
        doc.insert("hostMessage".into(), host_message.into());
        response.body = Value::Object(doc).to_string().into_bytes();
    }
    bank::deliver(sim, response, delivery)
}

/// Order history (1010): every booked line of the order with its status; the core reads the
/// payment's state, what was captured and what was refunded from it.
fn history(sim: &Sim, key: &OrderKey) -> Response {
    let lines: Vec<Entry> = sim
        .ledger
        .entries(Some(&key.order_id))
        .into_iter()
        .filter(|(k, _)| k.family == ID && k.merchant == key.merchant)
        .map(|(_, e)| e)
        .collect();
    if lines.is_empty() {
        let text = format!("İşlem bulunamadı. Sipariş Numarası : {}", key.order_id);
        return answer("1010", &key.order_id, "VPS-1123", &text, None);
    }
    let voided = lines.iter().any(|e| e.approved && e.kind == Kind::Cancel);
    let captured: i64 = lines.iter().filter(|e| e.approved && e.kind == Kind::Capture).map(|e| e.amount).sum();
    let details: Vec<Value> = lines
        .iter()
        .filter(|e| matches!(e.kind, Kind::Sale | Kind::PreAuth | Kind::Refund))
        .map(|e| {
            let code = match e.kind {
                Kind::Sale => "1000",
                Kind::PreAuth => "1004",
                _ => "1002",
            };
            let payment = e.kind != Kind::Refund;
            let mut d = Map::new();
            d.insert("orderId".into(), key.order_id.clone().into());
            d.insert("orgOrderId".into(), key.order_id.clone().into());
            d.insert("txnCode".into(), code.into());
            d.insert("txnStatus".into(), if payment && voided { "V" } else { "N" }.into());
            d.insert("responseCode".into(), if e.approved { SUCCESS } else { "VPS-1005" }.into());
            d.insert("amount".into(), number(e.amount, &e.currency));
            d.insert("currencyCode".into(), Currency::find(&e.currency).map_or(949, |c| c.numeric).into());
            d.insert("installCount".into(), e.installments.max(1).into());
            d.insert("authCode".into(), e.auth_code().into());
            d.insert("rrn".into(), e.host_ref().into());
            d.insert("maskedCardNumber".into(), e.masked_pan.clone().into());
            d.insert("txnDateTime".into(), e.created_at.clone().into());
            if e.kind == Kind::PreAuth {
                d.insert("preAuthStatus".into(), if captured > 0 { "C" } else { "O" }.into());
                d.insert("preAuthCloseAmount".into(), number(captured, &e.currency));
            }
            Value::Object(d)
        })
        .collect();
    let mut response = answer("1010", &key.order_id, SUCCESS, "BAŞARILI", None);
    if let Ok(Value::Object(mut doc)) = serde_json::from_slice::<Value>(&response.body) {
        doc.remove("order");
        doc.insert("txnDetailList".into(), Value::Array(details));
        response.body = Value::Object(doc).to_string().into_bytes();
    }
    response
}

/// An amount as the JSON number Akbank writes (`1025.5`): the decimal text read as a number, so
/// its shortest form is exactly that decimal.
fn number(minor: i64, currency: &str) -> Value {
    let text = Currency::find(currency).ok().and_then(|c| Money::from_minor(minor, c).ok()).map(|m| m.decimal());
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null)
}

/// An answer of the transaction API.
fn answer(txn_code: &str, order_id: &str, code: &str, message: &str, entry: Option<&Entry>) -> Response {
    let mut doc = json!({
        "txnCode": txn_code, "responseCode": code, "responseMessage": message,
        "txnDateTime": clock::turkish("yyyy-MM-ddTHH:mm:ss.SSS"), "order": {"orderId": order_id},
    });
    if let Some(e) = entry {
        doc["hostResponseCode"] = json!(if e.approved { "00" } else { "51" });
        doc["transaction"] = json!({"authCode": if e.approved { e.auth_code() } else { "000000".into() },
                                    "rrn": e.host_ref(), "batchNumber": 43, "stan": e.id});
    }
    Response::json(200, &doc)
}

/// A request the gateway refuses before reading it: HTTP 400 with a JSON error.
fn error_400(code: &str, message: &str) -> Response {
    Response::json(400, &json!({"responseCode": code, "responseMessage": message}))
}

/// `VPS-…` code and text of a refusal. VPS-1013, VPS-1007 and VPS-1008 and their texts are
/// Akbank's (AkbankPosResponseDataMapperTest); the others are the simulator's.
fn refusal(r: Refusal) -> (&'static str, &'static str) {
    match r {
        Refusal::DuplicateOrder => ("VPS-1013", "Sipariş Numarası : {order} tekil olmalıdır"),
        Refusal::NotFound => ("VPS-1007", "Orjinal İşlem bulunamadı. Sipariş Numarası : {order}"),
        Refusal::Voided => ("VPS-1008", "Daha önce iptal edilmiş işlem"),
        Refusal::OverRefund => ("VPS-1016", "İade tutarı, iade edilebilir tutarı aşıyor."),
        Refusal::NotCapturable => ("VPS-1017", "Kapatılacak ön provizyon bulunamadı."),
        Refusal::HasRefunds => ("VPS-1018", "İadesi yapılmış işlem iptal edilemez."),
    }
}
