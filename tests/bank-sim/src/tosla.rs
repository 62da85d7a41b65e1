//! Tosla (ex-AKÖde), docs/pos-protocols.md §9.2: a JSON API under `api/Payment/<operation>`
//! (every body signed with b64(SHA512(api_pass . clientId . apiUser . rnd . timeSpan))). A 3D
//! payment is opened server-to-server (`threeDPayment`), the browser posts the card with the
//! session id to `ProcessCardForm`, and the bank charges and posts back a callback signed over
//! its `HashParameters`.

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, fields_json, signature, Family, Sim};
use sanalpos_core::money::{Currency, Money};
use serde_json::{json, Map, Value};

pub struct Tosla;

const ID: &str = "tosla";
/// The fields the callback's `Hash` covers (the bank's real callbacks).
const HASH_PARAMETERS: &str = "ClientId,ApiUser,OrderId,MdStatus,BankResponseCode,BankResponseMessage,RequestStatus";

impl Family for Tosla {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("gate_3d", "api/Payment/ProcessCardForm"), ("api", "api/Payment")]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        match endpoint {
            "gate_3d" => gate(sim, req),
            _ => api(sim, req),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.ok_url.clone(), Vec::new()) };
        let (code, message, status) = match auth.charge.as_ref().map(|b| b.verdict) {
            Some(Verdict::Approved) => ("00", "Onaylandı", "1"),
            Some(Verdict::Declined) => ("51", "Yetersiz bakiye", "0"),
            Some(Verdict::Refused(r)) => ("99", refusal(r), "0"),
            None => ("", "3D doğrulama başarısız", "0"),
        };
        let mut fields: Vec<(String, String)> = [
            ("ClientId", account.get("client_id")),
            ("OrderId", session.order_id.as_str()),
            ("MdStatus", auth.md_status),
            ("ThreeDSessionId", session.echoed("ThreeDSessionId")),
            ("BankResponseCode", code),
            ("BankResponseMessage", message),
            ("RequestStatus", status),
            ("HashParameters", HASH_PARAMETERS),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let hash = signature(
            "tosla_response",
            json!({"api_pass": account.get("api_pass"), "client_id": account.get("client_id"), "api_user": account.get("api_user"),
                   "response": fields_json(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))}),
        );
        fields.push(("Hash".into(), hash));
        // Tosla has one return address.
        (session.ok_url.clone(), fields)
    }
}

/// `POST api/Payment/ProcessCardForm`: the browser brings the card for an opened session.
fn gate(sim: &Sim, req: &Request) -> Response {
    let form = req.form().unwrap_or_default();
    let Some(session) = sim.sessions.unstage(&form.text("ThreeDSessionId")) else {
        return Response::error_page(400, "Oturum bulunamadı", "ThreeDSessionId is unknown or was already used.");
    };
    let expiry = form.text("ExpireDate");
    let (month, year) = expiry.split_once('/').unwrap_or(("", ""));
    let Some(pan) = bank::card(&form.text("CardNo"), month, year) else {
        return Response::error_page(400, "Kart bilgileri hatalı", "The card number or its expiry is not valid.");
    };
    sim.sessions.redirect(Session { pan, ..session })
}

/// `POST api/Payment/<operation>`.
fn api(sim: &Sim, req: &Request) -> Response {
    let operation = req.path.rsplit('/').next().unwrap_or("");
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return answer(998, "Geçersiz istek", None, &[]);
    };
    let text = |k: &str| body.get(k).and_then(sanalpos_core::gateway::text::php_string).unwrap_or_default();
    let account = sim.merchants.account(ID).filter(|a| authentic(a, &body));
    let Some(account) = account else { return answer(997, "Hash doğrulaması başarısız", None, &[]) };
    let order_id = text("orderId");
    let key = OrderKey { family: ID, merchant: account.get("client_id").into(), order_id: order_id.clone() };
    let money = || {
        let currency = body
            .get("currency")
            .and_then(Value::as_u64)
            .map_or(Some(Currency::try_()), |n| Currency::find(&format!("{n:03}")).ok())?;
        Money::from_minor(text("amount").parse().ok().filter(|m: &i64| *m > 0)?, currency).ok()
    };
    let installments = text("installmentCount").parse::<u32>().unwrap_or(0).max(1);
    let result = match operation {
        "threeDPayment" | "threeDPreAuth" => {
            let Some(amount) = money() else { return answer(998, "Tutar hatalı", None, &[]) };
            let session_id = clock::random_hex(40);
            let session = Session {
                family: ID,
                merchant: account.get("client_id").into(),
                merchant_name: account.name.into(),
                model: Model::ThreeDPay,
                order_id: order_id.clone(),
                amount,
                installments,
                preauth: operation == "threeDPreAuth",
                pan: String::new(),
                ok_url: text("callbackUrl"),
                fail_url: text("callbackUrl"),
                echo: vec![("ThreeDSessionId".into(), session_id.clone())],
            };
            sim.sessions.stage(session_id.clone(), session);
            return answer(
                0,
                "Başarılı",
                None,
                &[("OrderId", order_id.into()), ("ThreeDSessionId", session_id.into())],
            );
        }
        "Payment" => {
            let expiry = text("expireDate");
            let Some(pan) = bank::card(&text("cardNo"), expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or(""))
            else {
                return answer(998, "Kart bilgileri hatalı", None, &[]);
            };
            let Some(amount) = money() else { return answer(998, "Tutar hatalı", None, &[]) };
            return pay(sim, &key, amount, installments, &pan);
        }
        "inquiry" => return status(sim, &key),
        "postAuth" => match money() {
            Some(m) => sim.ledger.capture(&key, Some(m.minor())),
            None => return answer(998, "Tutar hatalı", None, &[]),
        },
        "refund" => match sim.ledger.state(&key).and_then(|s| {
            let c = Currency::find(&s.payment.currency).ok()?;
            Money::from_minor(text("amount").parse().ok()?, c).ok()
        }) {
            Some(m) => sim.ledger.refund(&key, m.minor()),
            None => Err(Refusal::NotFound),
        },
        "void" => sim.ledger.cancel(&key),
        _ => return answer(998, "Bilinmeyen işlem", None, &[]),
    };
    match result {
        Ok((e, _)) => {
            answer(0, "Başarılı", Some(&e), &[("OrderId", order_id.into()), ("BankResponseCode", "00".into())])
        }
        Err(Refusal::NotFound) => answer(101, refusal(Refusal::NotFound), None, &[]),
        Err(r) => answer(102, refusal(r), None, &[("OrderId", order_id.into())]),
    }
}

/// The request's `hash`: b64(SHA512(api_pass . clientId . apiUser . rnd . timeSpan)).
fn authentic(account: &Account, body: &Map<String, Value>) -> bool {
    let fields = ["clientId", "apiUser", "rnd", "timeSpan"].map(|k| (k, body.get(k).cloned().unwrap_or(Value::Null)));
    let request: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    body.get("clientId").and_then(Value::as_str) == Some(account.get("client_id"))
        && body.get("apiUser").and_then(Value::as_str) == Some(account.get("api_user"))
        && body.get("hash").and_then(Value::as_str)
            == Some(
                signature("tosla_api_request", json!({"api_pass": account.get("api_pass"), "request": request}))
                    .as_str(),
            )
}

fn pay(sim: &Sim, key: &OrderKey, money: Money, installments: u32, pan: &str) -> Response {
    let payment = NewPayment {
        kind: Kind::Sale,
        amount: money.minor(),
        currency: money.currency().alpha.into(),
        installments,
        approved: true,
        masked_pan: bank::mask(pan),
    };
    let Some((booked, delivery)) = bank::book(sim, key, payment, cards::outcome(pan)) else {
        return bank::server_error();
    };
    let order = ("OrderId", Value::from(key.order_id.clone()));
    let response = match booked.verdict {
        Verdict::Approved => answer(0, "Başarılı", Some(&booked.entry), &[order, ("BankResponseCode", "00".into())]),
        Verdict::Declined => answer(
            0,
            "Başarılı",
            None,
            &[order, ("BankResponseCode", "51".into()), ("BankResponseMessage", "Yetersiz bakiye".into())],
        ),
        Verdict::Refused(r) => answer(102, refusal(r), None, &[order]),
    };
    bank::deliver(sim, response, delivery)
}

/// `inquiry`: the order's request status and amounts in minor units.
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let Some(OrderState { payment, captured, refunded, voided }) = sim.ledger.state(key) else {
        // Tosla answers an unknown order with an empty record.
        return answer(0, "Başarılı", None, &[("OrderId", Value::Null)]);
    };
    let preauth = payment.kind == Kind::PreAuth;
    let request_status = if voided {
        "2"
    } else if refunded > 0 && refunded < captured {
        "3"
    } else if refunded > 0 {
        "4"
    } else if preauth && captured > 0 {
        "5"
    } else {
        "1"
    };
    let currency = Currency::find(&payment.currency).map_or(949, |c| c.numeric);
    answer(
        0,
        "Başarılı",
        Some(&payment),
        &[
            ("OrderId", key.order_id.clone().into()),
            ("Currency", currency.into()),
            ("Amount", payment.amount.into()),
            ("RefundedAmount", refunded.into()),
            ("PostAuthedAmount", captured.into()),
            ("TransactionType", if preauth { 2 } else { 1 }.into()),
            ("RequestStatus", request_status.parse::<i64>().unwrap_or(0).into()),
            ("BankResponseCode", "00".into()),
        ],
    )
}

fn answer(code: i64, message: &str, entry: Option<&Entry>, fields: &[(&str, Value)]) -> Response {
    let mut doc = Map::new();
    doc.insert("Code".into(), code.into());
    doc.insert("Message".into(), message.into());
    if let Some(e) = entry {
        doc.insert("AuthCode".into(), e.auth_code().into());
        doc.insert("HostReferenceNumber".into(), e.host_ref().into());
        doc.insert("TransactionId".into(), e.trans_id().into());
    }
    for (k, v) in fields {
        doc.insert((*k).into(), v.clone());
    }
    Response::json(200, &Value::Object(doc))
}

/// The simulator's words for a refusal.
fn refusal(r: Refusal) -> &'static str {
    match r {
        Refusal::DuplicateOrder => "Sipariş numarası daha önce kullanılmış",
        Refusal::NotFound => "İşlem bulunamadı",
        Refusal::Voided => "İptal edilmiş işlem",
        Refusal::NotCapturable => "Kapatılacak ön provizyon bulunamadı",
        Refusal::OverRefund => "İade tutarı işlem tutarını aşıyor",
        Refusal::HasRefunds => "İadesi yapılmış işlem iptal edilemez",
    }
}
