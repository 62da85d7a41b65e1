//! POSNET V1 (Albaraka Türk, JSON), docs/pos-protocols.md §3.6: `SecureVerification.aspx` (the 3D
//! form under a SHA-256 `Mac` of merchant, terminal, card and amount with the ENCKEY) and
//! `MerchantJSONAPI.svc/<Operation>` (JSON with `MACParams`/`MAC`). The callback signs the fields
//! its `MacParams` names; the provision carries the 3D data (`ThreeDSecureData.MD`).

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{fields_json, signature, Family, Sim};
use sanalpos_core::gateway::text::decode_text;
use sanalpos_core::money::{Currency, CurrencyStyle, Money};
use serde_json::{json, Value};

pub struct PosNetV1;

const ID: &str = "posnet_v1";
/// The fields the callback's `Mac` covers (the bank's MacParams in real callbacks).
const MAC_PARAMS: &str = "ECI:CAVV:MdStatus:MdErrorMessage:MD:SecureTransactionId";

impl Family for PosNetV1 {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("gate_3d", "ALBSecurePaymentUI/SecureProcess/SecureVerification.aspx"),
            ("api", "ALBMerchantService/MerchantJSONAPI.svc"),
        ]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        match endpoint {
            "gate_3d" => gate(sim, req),
            _ => api(sim, req),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.ok_url.clone(), Vec::new()) };
        let mut fields: Vec<(String, String)> = [
            ("ECI", auth.eci.to_string()),
            ("CAVV", auth.cavv.clone()),
            ("MdStatus", auth.md_status.to_string()),
            ("MdErrorMessage", if auth.md_status == "1" { "Authenticated" } else { "Not authenticated" }.to_string()),
            ("MD", auth.md.clone()),
            ("SecureTransactionId", auth.xid.clone()),
            ("OrderId", session.order_id.clone()),
            ("Amount", session.amount.minor_units()),
            ("CurrencyCode", "TL".to_string()),
            ("MacParams", MAC_PARAMS.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let mac = signature(
            "posnetv1_macparams",
            json!({"store_key": account.get("enc_key"), "params_field": "MacParams",
                   "response": fields_json(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))}),
        );
        fields.push(("Mac".into(), mac));
        // The bank has one return URL.
        (session.ok_url.clone(), fields)
    }
}

fn currency(code: &str) -> Option<&'static Currency> {
    sanalpos_core::money::CURRENCIES.iter().find(|c| c.code(CurrencyStyle::Posnet).as_deref() == Some(code))
}

/// An amount in kuruş and a POSNET currency code (`TL`).
fn kurus(text: &str, code: &str) -> Option<Money> {
    let minor: i64 = text.parse().ok().filter(|m| *m > 0)?;
    Money::from_minor(minor, currency(code)?).ok()
}

fn installments(text: &str) -> u32 {
    text.parse::<u32>().unwrap_or(0).max(1)
}

/// `POST …/SecureVerification.aspx`.
fn gate(sim: &Sim, req: &Request) -> Response {
    let Some(form) = req.form() else {
        return Response::error_page(400, "Hatalı istek", "The 3D page takes a form post.");
    };
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("merchant_no") == form.text("MerchantNo")
            && a.get("terminal_id") == form.text("TerminalNo")
            && a.get("posnet_id") == form.text("PosnetID")
    });
    // Refused forms go back to the shop at once, without a Mac.
    let refuse = |message: &str| {
        let fields =
            [("OrderId", form.text("OrderId")), ("MdStatus", "0".to_string()), ("MdErrorMessage", message.to_string())];
        crate::http::auto_post(&form.text("MerchantReturnURL"), &fields.map(|(k, v)| (k.to_string(), v)))
    };
    let Some(account) = account else { return refuse("Üye işyeri bilgileri hatalı.") };
    let posted: Vec<(&str, String)> = form.iter().map(|(k, v)| (k, decode_text(v))).collect();
    let expected = signature(
        "posnetv1_3d_request",
        json!({"store_key": account.get("enc_key"), "form": fields_json(posted.iter().map(|(k, v)| (*k, v.as_str())))}),
    );
    if form.text("Mac") != expected {
        return refuse("MAC doğrulaması başarısız.");
    }
    let Some(money) = kurus(&form.text("Amount"), &form.text("CurrencyCode")) else { return refuse("Tutar hatalı.") };
    let expiry = form.text("ExpiredDate");
    let Some(pan) = bank::card(&form.text("CardNo"), expiry.get(2..).unwrap_or(""), expiry.get(..2).unwrap_or(""))
    else {
        return refuse("Kart numarası hatalı.");
    };
    let session = Session {
        family: ID,
        merchant: account.get("merchant_no").into(),
        merchant_name: account.name.into(),
        model: Model::ThreeD,
        order_id: form.text("OrderId"),
        amount: money,
        installments: installments(&form.text("InstallmentCount")),
        preauth: form.text("TransactionType") == "Auth",
        pan,
        ok_url: form.text("MerchantReturnURL"),
        fail_url: form.text("MerchantReturnURL"),
        echo: Vec::new(),
    };
    sim.sessions.redirect(session)
}

/// `POST …/MerchantJSONAPI.svc/<Operation>`.
fn api(sim: &Sim, req: &Request) -> Response {
    let operation = req.path.rsplit('/').next().unwrap_or("");
    let Ok(doc @ Value::Object(_)) = serde_json::from_slice::<Value>(&req.body) else {
        return answer(reply("0001", "JSON hatalı"));
    };
    let text = |key: &str| match doc.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("merchant_no") == text("MerchantNo")
            && a.get("terminal_id") == text("TerminalNo")
            && text("MAC") == signature("posnetv1_macparams", json!({"store_key": a.get("enc_key"), "response": doc}))
    });
    let Some(account) = account else { return answer(reply("0148", "MAC veya üye işyeri bilgileri hatalı")) };
    let order_id = text("OrderId");
    let key = |order: &str| {
        let xid = if order.len() == 24 { order.get(4..).unwrap_or(order) } else { order };
        OrderKey { family: ID, merchant: account.get("merchant_no").into(), order_id: xid.to_string() }
    };
    let target = || match text("ReferenceCode") {
        r if r.is_empty() => Some(key(&order_id)),
        r => sim.ledger.key_of_host_ref(ID, &r),
    };
    let money = || kurus(&text("Amount"), &text("CurrencyCode"));
    let result = match operation {
        "Sale" | "Auth" => return pay(sim, &account, &doc, &key(&order_id), operation == "Auth"),
        "TransactionInquiry" => return status(sim, &key(&order_id)),
        "Capture" => match (target(), money()) {
            (Some(k), Some(m)) => sim.ledger.capture(&k, Some(m.minor())),
            _ => Err(Refusal::NotFound),
        },
        "Return" => match (target(), money()) {
            (Some(k), Some(m)) => sim.ledger.refund(&k, m.minor()),
            _ => Err(Refusal::NotFound),
        },
        "Reverse" => target().map_or(Err(Refusal::NotFound), |k| sim.ledger.cancel(&k)),
        _ => return answer(reply("0001", "İşlem tipi desteklenmiyor")),
    };
    match result {
        Ok((e, _)) => answer(approved(&e)),
        Err(r) => answer(reply("0876", refusal(r))),
    }
}

/// A sale or authorisation: after a 3D authentication (`ThreeDSecureData.MD`) or with the card.
fn pay(sim: &Sim, _account: &Account, doc: &Value, key: &OrderKey, preauth: bool) -> Response {
    let at = |path: &str| doc.pointer(path).and_then(sanalpos_core::gateway::text::php_string).unwrap_or_default();
    let Some(money) = kurus(&at("/Amount"), &at("/CurrencyCode")) else {
        return answer(reply("0002", "Tutar hatalı"));
    };
    let count = installments(&at("/InstallmentCount"));
    let md = at("/ThreeDSecureData/MD");
    let pan = if md.is_empty() {
        let expiry = at("/CardInformationData/ExpireDate");
        match bank::card(
            &at("/CardInformationData/CardNo"),
            expiry.get(2..).unwrap_or(""),
            expiry.get(..2).unwrap_or(""),
        ) {
            Some(pan) => pan,
            None => return answer(reply("0014", "Kart numarası hatalı")),
        }
    } else {
        let Some(a) = sim.sessions.take_authenticated(&md) else {
            return answer(reply("0225", "3D doğrulama bulunamadı veya daha önce kullanıldı"));
        };
        if a.session.order_id != key.order_id || a.session.amount != money || a.session.installments != count {
            sim.sessions.keep_authenticated(a);
            return answer(reply("0226", "İşlem bilgileri 3D doğrulama ile uyuşmuyor"));
        }
        a.session.pan
    };
    let payment = NewPayment {
        kind: if preauth { Kind::PreAuth } else { Kind::Sale },
        amount: money.minor(),
        currency: money.currency().alpha.into(),
        installments: count,
        approved: true,
        masked_pan: bank::mask(&pan),
    };
    let Some((booked, delivery)) = bank::book(sim, key, payment, cards::outcome(&pan)) else {
        return bank::server_error();
    };
    let body = match booked.verdict {
        Verdict::Approved => approved(&booked.entry),
        Verdict::Declined => reply("51", "Yetersiz bakiye"),
        Verdict::Refused(r) => reply("0127", refusal(r)),
    };
    bank::deliver(sim, answer(body), delivery)
}

/// `TransactionInquiry`: every booked line, amounts as `1.025,00`.
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let lines: Vec<Entry> = sim
        .ledger
        .entries(Some(&key.order_id))
        .into_iter()
        .filter(|(k, e)| k.family == ID && k.merchant == key.merchant && e.approved)
        .map(|(_, e)| e)
        .collect();
    if lines.is_empty() {
        return answer(reply("0876", "Kayıt bulunamadı"));
    }
    let data: Vec<Value> = lines
        .iter()
        .map(|e| {
            let kind = match e.kind {
                Kind::Sale => "Sale",
                Kind::PreAuth => "Auth",
                Kind::Capture => "Capture",
                Kind::Refund => "Return",
                Kind::Cancel => "Reverse",
            };
            let amount = Currency::find(&e.currency).ok().and_then(|c| Money::from_minor(e.amount, c).ok());
            json!({"OrderId": format!("TDS_{}", key.order_id), "TransactionType": kind, "TransactionStatus": 1,
                   "Amount": amount.map(|m| m.decimal_comma()).unwrap_or_default(), "AuthCode": e.auth_code(),
                   "ReferenceCode": e.host_ref()})
        })
        .collect();
    let mut body = reply("0000", "Başarılı");
    body["TransactionData"] = Value::Array(data);
    answer(body)
}

fn reply(code: &str, description: &str) -> Value {
    json!({"ServiceResponseData": {"ResponseCode": code, "ResponseDescription": description}})
}

fn approved(e: &Entry) -> Value {
    let mut body = reply("00", "Onaylandı");
    body["AuthCode"] = json!(e.auth_code());
    body["ReferenceCode"] = json!(e.host_ref());
    body
}

fn answer(body: Value) -> Response {
    Response::json(200, &body)
}

/// The simulator's words for a refusal.
fn refusal(r: Refusal) -> &'static str {
    match r {
        Refusal::DuplicateOrder => "Sipariş numarası daha önce kullanılmış",
        Refusal::NotFound => "Orijinal işlem bulunamadı",
        Refusal::Voided => "İptal edilmiş işlem",
        Refusal::NotCapturable => "Kapatılacak provizyon bulunamadı",
        Refusal::OverRefund => "İade tutarı işlem tutarını aşıyor",
        Refusal::HasRefunds => "İadesi yapılmış işlem iptal edilemez",
    }
}
