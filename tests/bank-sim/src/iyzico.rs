//! iyzico (payment service provider), docs/pos-protocols.md §11: a JSON API whose requests carry
//! `Authorization: IYZWSv2 b64("apiKey:" k "&randomKey:" r "&signature:" s)` with `s =
//! hex(HMAC_SHA256(secretKey, r . path . body))`, checked here over the exact body bytes. The 3D
//! payment starts with the card (`/payment/3dsecure/initialize`); the answer carries the bank's 3D
//! page (`threeDSHtmlContent`, base64) and is signed over paymentId and conversationId; the
//! callback is signed over conversationData, conversationId, mdStatus, paymentId and status; the
//! shop completes the payment with `/payment/3dsecure/auth`, whose answer is signed over
//! paymentId, currency, basketId, conversationId, paidPrice and price. Refunds
//! (`/v2/payment/refund`), cancels (`/payment/cancel`) and the payment detail (`/payment/detail`)
//! complete the API; the installment query is not simulated.

use crate::bank;
use crate::http::{escape, page, Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, signature, Family, Sim};
use sanalpos_core::gateway::crypto::base64;
use sanalpos_core::gateway::text::{decode_text, json_field};
use sanalpos_core::money::{Currency, Money, Sign};
use serde_json::{json, Map, Value};

pub struct Iyzico;

const ID: &str = "iyzico";
const BASE: &str = "sandbox-api";

impl Family for Iyzico {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("api", BASE)]
    }

    fn serve(&self, sim: &Sim, _endpoint: &str, req: &Request) -> Response {
        let Some(account) = sim.merchants.account(ID) else { return Response::not_found() };
        let prefix = format!("/{ID}/{BASE}");
        let path = req.path.get(prefix.len()..).unwrap_or("").split('?').next().unwrap_or("").to_string();
        if !authentic(&account, req, &path) {
            return failure("1000", "Geçersiz imza", "");
        }
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
            return failure("11", "Geçersiz istek", "");
        };
        let base = format!("http://{}", req.header("Host").unwrap_or("127.0.0.1"));
        match path.as_str() {
            "/payment/3dsecure/initialize" => initialize(sim, &account, &body, &base),
            "/payment/3dsecure/auth" => auth(sim, &account, &body),
            "/v2/payment/refund" => refund(sim, &account, &body),
            "/payment/cancel" => cancel(sim, &account, &body),
            "/payment/detail" => detail(sim, &account, &body),
            _ => Response::json(404, &json!({"status": "failure", "errorCode": "404", "errorMessage": "Not found"})),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.ok_url.clone(), Vec::new()) };
        // `success` for an authentication or an attempt (the shop's mdStatus rules decide), else
        // `failure`.
        let status = if auth.md_status == "0" { "failure" } else { "success" };
        let mut fields: Vec<(String, String)> = [
            ("status", status.to_string()),
            ("paymentId", session.echoed("paymentId").to_string()),
            ("conversationData", if status == "success" { auth.md.clone() } else { String::new() }),
            ("conversationId", session.order_id.clone()),
            ("mdStatus", auth.md_status.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or(String::new(), |(_, v)| v.clone());
        let signed =
            sign(&account, &["conversationData", "conversationId", "mdStatus", "paymentId", "status"].map(get));
        fields.push(("signature".into(), signed));
        // One callback address.
        (session.ok_url.clone(), fields)
    }
}

/// The `Authorization` header: this merchant's API key and a signature over the random key, the
/// path and the exact body.
fn authentic(account: &Account, req: &Request, path: &str) -> bool {
    let Some(header) = req.header("Authorization").and_then(|h| h.strip_prefix("IYZWSv2 ")) else { return false };
    let Some(decoded) = sanalpos_core::gateway::crypto::base64_decode(header.trim()) else { return false };
    let text = decode_text(&decoded);
    let part = |name: &str| {
        text.split('&').find_map(|p| p.strip_prefix(name).and_then(|r| r.strip_prefix(':'))).unwrap_or("").to_string()
    };
    let (api_key, random, received) = (part("apiKey"), part("randomKey"), part("signature"));
    let Ok(body) = std::str::from_utf8(&req.body) else { return false };
    let expected = signature(
        "iyzico_v2_signature",
        json!({"secret_key": account.get("secret_key"), "random_key": random, "uri_path": path, "body": body}),
    );
    api_key == account.get("api_key") && !random.is_empty() && received == expected
}

/// `hex(HMAC_SHA256(secretKey, join(":", values)))` by the core.
fn sign(account: &Account, values: &[String]) -> String {
    signature("iyzico_response_signature", json!({"secret_key": account.get("secret_key"), "params": values}))
}

/// A price as iyzico signs it: `100.50` → `100.5`, `100.0` → `100`.
fn signed_price(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

/// iyzico's price text: at least one decimal (`100.0`, `10.5`).
fn price_text(m: &Money) -> String {
    let d = signed_price(&m.decimal());
    if d.contains('.') {
        d
    } else {
        format!("{d}.0")
    }
}

fn text(body: &Map<String, Value>, key: &str) -> String {
    json_field(body, key)
}

fn failure(code: &str, message: &str, group: &str) -> Response {
    let mut answer = json!({"status": "failure", "errorCode": code, "errorMessage": message, "locale": "tr",
                            "systemTime": system_time()});
    if !group.is_empty() {
        answer["errorGroup"] = json!(group);
    }
    Response::json(200, &answer)
}

fn system_time() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// `/payment/3dsecure/initialize`: the card and the order; a 3D session and the bank's page.
fn initialize(sim: &Sim, account: &Account, body: &Map<String, Value>, base: &str) -> Response {
    let card = body.get("paymentCard").and_then(Value::as_object).cloned().unwrap_or_default();
    let Some(pan) = bank::card(&text(&card, "cardNumber"), &text(&card, "expireMonth"), &text(&card, "expireYear"))
    else {
        return failure("12", "Kart numarası geçersizdir", "");
    };
    let Ok(currency) = Currency::find(&text(body, "currency")) else {
        return failure("11", "Geçersiz istek", "");
    };
    let Ok(paid) = Money::parse(&text(body, "paidPrice"), currency, Sign::Positive) else {
        return failure("11", "Geçersiz istek", "");
    };
    let conversation = text(body, "conversationId");
    let payment_id = format!("{}", 20_000_000 + clock::random_u64() % 80_000_000);
    let session = Session {
        family: ID,
        merchant: account.get("api_key").into(),
        merchant_name: account.name.into(),
        model: Model::ThreeD,
        order_id: conversation.clone(),
        amount: paid,
        installments: text(body, "installment").parse::<u32>().unwrap_or(1).max(1),
        preauth: false,
        pan,
        ok_url: text(body, "callbackUrl"),
        fail_url: text(body, "callbackUrl"),
        echo: vec![
            ("paymentId".into(), payment_id.clone()),
            ("basketId".into(), text(body, "basketId")),
            ("price".into(), text(body, "price")),
        ],
    };
    let acs = sim.sessions.open(session);
    let html = page(
        "3-D Secure",
        &format!(
            "<form id=\"acs\" method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"PaReq\" value=\"{}\">\
             <input type=\"hidden\" name=\"MD\" value=\"{}\"></form>\
             <script>document.getElementById('acs').submit();</script>",
            escape(&format!("{base}{acs}")),
            clock::random_hex(40),
            escape(acs.rsplit('/').next().unwrap_or(""))
        ),
    );
    let signed = sign(account, &[payment_id.clone(), conversation.clone()]);
    Response::json(
        200,
        &json!({"status": "success", "locale": "tr", "systemTime": system_time(), "conversationId": conversation,
                "threeDSHtmlContent": base64(html.as_bytes()), "paymentId": payment_id, "signature": signed}),
    )
}

/// A paid payment's answer (auth and detail): signed over paymentId, currency, basketId,
/// conversationId, paidPrice and price.
fn payment_answer(account: &Account, key: &OrderKey, e: &Entry, payment_id: &str, basket: &str, price: &str) -> Value {
    let currency = Currency::find(&e.currency).unwrap_or_else(|_| Currency::try_());
    let paid = Money::from_minor(e.amount, currency).map(|m| price_text(&m)).unwrap_or_default();
    let price = if price.is_empty() { paid.clone() } else { price.to_string() };
    let signed = sign(
        account,
        &[
            payment_id.to_string(),
            e.currency.clone(),
            basket.to_string(),
            key.order_id.clone(),
            signed_price(&paid),
            signed_price(&price),
        ],
    );
    json!({
        "status": "success", "locale": "tr", "systemTime": system_time(), "conversationId": key.order_id,
        "price": price, "paidPrice": paid, "installment": e.installments, "paymentId": payment_id,
        "fraudStatus": 1, "merchantCommissionRate": 0, "merchantCommissionRateAmount": 0,
        "iyziCommissionRateAmount": 0, "iyziCommissionFee": 0, "cardType": "CREDIT_CARD",
        "cardAssociation": if e.masked_pan.starts_with('5') { "MASTER_CARD" } else { "VISA" },
        "binNumber": e.masked_pan.get(..6).unwrap_or(""), "lastFourDigits": e.masked_pan.get(e.masked_pan.len().saturating_sub(4)..).unwrap_or(""),
        "basketId": basket, "currency": e.currency, "authCode": e.auth_code(), "hostReference": e.host_ref(),
        "phase": "AUTH", "mdStatus": 1, "signature": signed,
        "itemTransactions": [{"itemId": basket, "paymentTransactionId": e.trans_id(), "transactionStatus": 2,
                              "price": price, "paidPrice": paid}]
    })
}

/// `/payment/3dsecure/auth`: the authentication the callback's paymentId names, once.
fn auth(sim: &Sim, account: &Account, body: &Map<String, Value>) -> Response {
    let payment_id = text(body, "paymentId");
    let Some(a) = sim.sessions.take_authenticated_by("paymentId", &payment_id) else {
        return failure("5090", "3D doğrulaması başarısız veya ödeme daha önce tamamlandı", "");
    };
    let s = a.session;
    let key = s.key();
    let payment = NewPayment {
        kind: Kind::Sale,
        amount: s.amount.minor(),
        currency: s.amount.currency().alpha.into(),
        installments: s.installments,
        approved: true,
        masked_pan: s.masked_pan(),
    };
    let Some((booked, delivery)) = bank::book(sim, &key, payment, s.outcome()) else {
        return bank::server_error();
    };
    let reply = match booked.verdict {
        Verdict::Approved => Response::json(
            200,
            &payment_answer(account, &key, &booked.entry, &payment_id, s.echoed("basketId"), s.echoed("price")),
        ),
        Verdict::Declined => failure("10051", "Kart limiti yetersiz, yetersiz bakiye", "NOT_SUFFICIENT_FUNDS"),
        Verdict::Refused(r) => failure(refusal(r).0, refusal(r).1, ""),
    };
    bank::deliver(sim, reply, delivery)
}

/// The order a request names by its conversation id (the shop's order id).
fn key(account: &Account, body: &Map<String, Value>) -> OrderKey {
    let id = text(body, "paymentConversationId");
    let order_id = if id.is_empty() { text(body, "conversationId") } else { id };
    OrderKey { family: ID, merchant: account.get("api_key").into(), order_id }
}

/// `/v2/payment/refund`: part or all of the payment; signed over paymentId, price, currency,
/// conversationId.
fn refund(sim: &Sim, account: &Account, body: &Map<String, Value>) -> Response {
    let key = key(account, body);
    let currency = sim.ledger.state(&key).and_then(|s| Currency::find(&s.payment.currency).ok());
    let Some(m) = currency.and_then(|c| Money::parse(&text(body, "price"), c, Sign::Positive).ok()) else {
        return failure(refusal(Refusal::NotFound).0, refusal(Refusal::NotFound).1, "");
    };
    match sim.ledger.refund(&key, m.minor()) {
        Ok((e, _)) => {
            let (payment_id, price) = (text(body, "paymentId"), price_text(&m));
            let signed = sign(
                account,
                &[payment_id.clone(), signed_price(&price), m.currency().alpha.to_string(), key.order_id.clone()],
            );
            Response::json(
                200,
                &json!({"status": "success", "locale": "tr", "systemTime": system_time(), "conversationId": key.order_id,
                        "paymentId": payment_id, "paymentTransactionId": e.trans_id(), "price": price,
                        "currency": m.currency().alpha, "hostReference": e.host_ref(), "signature": signed}),
            )
        }
        Err(r) => failure(refusal(r).0, refusal(r).1, ""),
    }
}

/// `/payment/cancel`: the whole payment, the same day (unsigned answer).
fn cancel(sim: &Sim, account: &Account, body: &Map<String, Value>) -> Response {
    let key = key(account, body);
    match sim.ledger.cancel(&key) {
        Ok((e, state)) => {
            let currency = Currency::find(&state.payment.currency).unwrap_or_else(|_| Currency::try_());
            let price = Money::from_minor(state.payment.amount, currency).map(|m| price_text(&m)).unwrap_or_default();
            Response::json(
                200,
                &json!({"status": "success", "locale": "tr", "systemTime": system_time(), "conversationId": key.order_id,
                        "paymentId": text(body, "paymentId"), "price": price, "currency": currency.alpha,
                        "authCode": e.auth_code(), "hostReference": e.host_ref()}),
            )
        }
        Err(r) => failure(refusal(r).0, refusal(r).1, ""),
    }
}

/// `/payment/detail`: the payment of the conversation id.
fn detail(sim: &Sim, account: &Account, body: &Map<String, Value>) -> Response {
    let key = key(account, body);
    let Some(OrderState { payment, .. }) = sim.ledger.state(&key) else {
        return failure("5093", "Ödeme bulunamadı", "");
    };
    let payment_id = text(body, "paymentId");
    let mut answer = payment_answer(account, &key, &payment, &payment_id, &key.order_id, "");
    answer["paymentStatus"] = json!("SUCCESS");
    // The basket id the shop sent is its order id (the core's initialize).
    Response::json(200, &answer)
}

/// iyzico's error codes and words for the bank's rules (the simulator's own where iyzico's are
/// not public).
fn refusal(r: Refusal) -> (&'static str, &'static str) {
    match r {
        Refusal::DuplicateOrder => ("5091", "Bu sipariş numarası ile daha önce ödeme alınmış"),
        Refusal::NotFound => ("5093", "Ödeme bulunamadı"),
        Refusal::Voided => ("5094", "İptal edilmiş ödeme iade edilemez"),
        Refusal::NotCapturable => ("5095", "Ödeme tamamlanamaz"),
        Refusal::OverRefund => ("5096", "İade tutarı, iade edilebilir tutardan büyük olamaz"),
        Refusal::HasRefunds => ("5097", "İadesi olan ödeme iptal edilemez"),
    }
}
