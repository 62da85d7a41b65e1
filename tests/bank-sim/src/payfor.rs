//! QNB Finansbank PayFor (also Ziraat Katılım), docs/pos-protocols.md §4: `Default.aspx` (the 3D
//! form, SHA-1 hash without the card) and `XMLGate.aspx` (PayforRequest XML, UserCode/UserPass in
//! the body). The callback echoes the signed form with its `Hash` and adds `ResponseHash` over
//! MerchantID, MerchantPass, OrderId, AuthCode, ProcReturnCode, 3DStatus, ResponseRnd, UserCode.
//! A `3DModel` authentication comes back as `V033` and is provisioned by its `RequestGuid`.

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, fields_json, signature, Family, Sim};
use sanalpos_core::gateway::text::decode_text;
use sanalpos_core::gateway::xml::Element;
use sanalpos_core::gateway::RawPost;
use sanalpos_core::money::{Currency, Money, Sign};
use serde_json::json;

pub struct PayFor;

const ID: &str = "payfor";
const CARD_FIELDS: &[&str] = &["Pan", "Expiry", "Cvv2", "CardHolderName"];

impl Family for PayFor {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("gate_3d", "Gateway/Default.aspx"), ("api", "Gateway/XMLGate.aspx")]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        match endpoint {
            "gate_3d" => gate(sim, req),
            _ => api(sim, req),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.fail_url.clone(), Vec::new()) };
        let entry = auth.charge.as_ref().map(|b| &b.entry).filter(|e| e.approved);
        let (code, message) = match (auth.authenticated(), auth.charge.as_ref().map(|b| b.verdict)) {
            (false, _) => ("V034", "3D doğrulama başarısız"),
            (true, None) => ("V033", ""),
            (true, Some(Verdict::Approved)) => ("00", ""),
            (true, Some(Verdict::Declined)) => ("51", "Yetersiz bakiye"),
            (true, Some(Verdict::Refused(r))) => ("99", refusal(r)),
        };
        let mut fields = session.echo.clone();
        let masked = session.masked_pan();
        let mut add = |name: &str, value: String| fields.push((name.to_string(), value));
        add("3DStatus", auth.md_status.into());
        add("ProcReturnCode", code.into());
        add("ErrMsg", message.into());
        add("AuthCode", entry.map(Entry::auth_code).unwrap_or_default());
        add("HostRefNum", entry.map(Entry::host_ref).unwrap_or_default());
        add("TransId", entry.map(Entry::trans_id).unwrap_or_default());
        add("RequestGuid", auth.md.clone());
        add("CardMask", masked);
        add("ResponseRnd", format!("PF{}", clock::random_u64() % 1_000_000_000_000_000_000));
        let response = fields_json(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let hash = signature(
            "payfor_response",
            json!({"merchant_id": account.get("merchant_id"), "user_code": account.get("user_code"),
                   "store_key": account.get("store_key"), "response": response}),
        );
        fields.push(("ResponseHash".into(), hash));
        (if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() }, fields)
    }
}

fn amount(text: &str, currency: &str) -> Option<Money> {
    Money::parse(text, Currency::find(currency).ok()?, Sign::Positive).ok()
}

fn installments(text: &str) -> u32 {
    text.parse::<u32>().unwrap_or(0).max(1)
}

/// `POST Gateway/Default.aspx`.
fn gate(sim: &Sim, req: &Request) -> Response {
    let Some(form) = req.form() else {
        return Response::error_page(400, "Hatalı istek", "The 3D gate takes a form post.");
    };
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("merchant_id") == form.text("MerchantID")
            && a.get("user_code") == form.text("UserCode")
            && a.get("mbr_id") == form.text("MbrId")
    });
    let Some(account) = account else { return gate_error(&form, "Üye işyeri bilgileri hatalı.") };
    let posted: Vec<(&str, String)> = form.iter().map(|(k, v)| (k, decode_text(v))).collect();
    let expected = signature(
        "payfor_3d_request",
        json!({"store_key": account.get("store_key"), "form": fields_json(posted.iter().map(|(k, v)| (*k, v.as_str())))}),
    );
    if form.text("Hash") != expected {
        return gate_error(&form, "Hash değeri geçersiz.");
    }
    let model = match form.text("SecureType").as_str() {
        "3DModel" => Model::ThreeD,
        "3DPay" => Model::ThreeDPay,
        other => return gate_error(&form, &format!("SecureType {other} is not simulated (3DModel, 3DPay)")),
    };
    let Some(money) = amount(&form.text("PurchAmount"), &form.text("Currency")) else {
        return gate_error(&form, "Tutar veya para birimi hatalı.");
    };
    let expiry = form.text("Expiry");
    let Some(pan) = bank::card(&form.text("Pan"), expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or("")) else {
        return gate_error(&form, "Kart numarası hatalı.");
    };
    let session = Session {
        family: ID,
        merchant: account.get("merchant_id").into(),
        merchant_name: account.name.into(),
        model,
        order_id: form.text("OrderId"),
        amount: money,
        installments: installments(&form.text("InstallmentCount")),
        preauth: form.text("TxnType") == "PreAuth",
        pan,
        ok_url: form.text("OkUrl"),
        fail_url: form.text("FailUrl"),
        echo: posted.into_iter().filter(|(k, _)| !CARD_FIELDS.contains(k)).map(|(k, v)| (k.to_string(), v)).collect(),
    };
    sim.sessions.redirect(session)
}

/// A form the gate refuses goes back to `FailUrl` without `ResponseHash`.
fn gate_error(form: &RawPost, message: &str) -> Response {
    let fields = vec![
        ("OrderId".to_string(), form.text("OrderId")),
        ("ProcReturnCode".to_string(), "99".to_string()),
        ("3DStatus".to_string(), "-1".to_string()),
        ("ErrMsg".to_string(), message.to_string()),
    ];
    crate::http::auto_post(&form.text("FailUrl"), &fields)
}

/// `POST Gateway/XMLGate.aspx`: one PayforRequest.
fn api(sim: &Sim, req: &Request) -> Response {
    let Ok(doc) = Element::parse(&decode_text(&req.body)) else {
        return answer(&Reply::error("", "99", "XML hatalı."));
    };
    let get = |path: &str| doc.text_at(path).unwrap_or_default();
    let Some(account) = sim.merchants.account(ID) else { return answer(&Reply::error("", "99", "Üye işyeri yok.")) };
    let authentic = doc.local_name() == "PayforRequest"
        && account.get("user_code") == get("UserCode")
        && account.get("user_pass") == get("UserPass");
    if !authentic {
        return answer(&Reply::error(&get("OrderId"), "99", "Kullanıcı adı veya şifre hatalı."));
    }
    let merchant = account.get("merchant_id").to_string();
    if get("SecureType") == "3DModelPayment" {
        return provision(sim, &account, &get("RequestGuid"), &get("OrderId"));
    }
    let order_id = if get("OrgOrderId").is_empty() { get("OrderId") } else { get("OrgOrderId") };
    let key = OrderKey { family: ID, merchant, order_id: order_id.clone() };
    let money = || amount(&get("PurchAmount"), &get("Currency"));
    let result = match get("TxnType").as_str() {
        "Auth" | "PreAuth" => {
            let expiry = get("Expiry");
            let Some(pan) = bank::card(&get("Pan"), expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or(""))
            else {
                return answer(&Reply::error(&order_id, "99", "Kart numarası hatalı."));
            };
            let Some(m) = money() else { return answer(&Reply::error(&order_id, "99", "Tutar hatalı.")) };
            let preauth = get("TxnType") == "PreAuth";
            return pay(sim, &key, m, installments(&get("InstallmentCount")), preauth, &pan);
        }
        "OrderInquiry" => return status(sim, &key),
        "PostAuth" => match money() {
            Some(m) => sim.ledger.capture(&key, Some(m.minor())),
            None => return answer(&Reply::error(&order_id, "99", "Tutar hatalı.")),
        },
        "Refund" => match money() {
            Some(m) => sim.ledger.refund(&key, m.minor()),
            None => return answer(&Reply::error(&order_id, "99", "Tutar hatalı.")),
        },
        "Void" => sim.ledger.cancel(&key),
        other => return answer(&Reply::error(&order_id, "99", &format!("TxnType {other} desteklenmiyor."))),
    };
    match result {
        Ok((e, _)) => answer(&Reply::approved(&order_id, &e)),
        Err(r) => answer(&Reply::error(&order_id, "99", refusal(r))),
    }
}

/// `3DModelPayment`: the authentication its `RequestGuid` names, once, for the same order id.
fn provision(sim: &Sim, account: &Account, guid: &str, order_id: &str) -> Response {
    let Some(a) = sim.sessions.take_authenticated(guid) else {
        return answer(&Reply::error(order_id, "V036", "3D doğrulama bulunamadı veya daha önce kullanıldı."));
    };
    if a.session.order_id != order_id {
        sim.sessions.keep_authenticated(a);
        return answer(&Reply::error(order_id, "V036", "Sipariş numarası 3D doğrulama ile uyuşmuyor."));
    }
    let s = a.session;
    let key = OrderKey { family: ID, merchant: account.get("merchant_id").into(), order_id: s.order_id.clone() };
    pay(sim, &key, s.amount, s.installments, s.preauth, &s.pan)
}

fn pay(sim: &Sim, key: &OrderKey, money: Money, installments: u32, preauth: bool, pan: &str) -> Response {
    let payment = NewPayment {
        kind: if preauth { Kind::PreAuth } else { Kind::Sale },
        amount: money.minor(),
        currency: money.currency().alpha.into(),
        installments,
        approved: true,
        masked_pan: bank::mask(pan),
    };
    let Some((booked, delivery)) = bank::book(sim, key, payment, cards::outcome(pan)) else {
        return bank::server_error();
    };
    let reply = match booked.verdict {
        Verdict::Approved => Reply::approved(&key.order_id, &booked.entry),
        Verdict::Declined => Reply::error(&key.order_id, "51", "Yetersiz bakiye"),
        Verdict::Refused(r) => Reply::error(&key.order_id, "99", refusal(r)),
    };
    bank::deliver(sim, answer(&reply), delivery)
}

/// `OrderInquiry`: the payment's type, amount and void and refund flags.
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let Some(OrderState { payment, captured, refunded, voided }) = sim.ledger.state(key) else {
        return answer(&Reply::error(&key.order_id, "99", "Kayıt bulunamadı."));
    };
    let currency = Currency::find(&payment.currency).ok();
    let text =
        |minor: i64| currency.and_then(|c| Money::from_minor(minor, c).ok()).map(|m| m.decimal()).unwrap_or_default();
    let txn_type = match (payment.kind, captured) {
        (Kind::PreAuth, 0) => "PreAuth",
        (Kind::PreAuth, _) => "PostAuth",
        _ => "Auth",
    };
    let reply = Reply {
        extra: vec![
            ("TxnType", txn_type.to_string()),
            ("PurchAmount", text(payment.amount)),
            ("Currency", currency.map(|c| format!("{:03}", c.numeric)).unwrap_or_default()),
            ("IsVoided", voided.to_string()),
            ("IsRefunded", (refunded > 0).to_string()),
            ("RefundedAmount", text(refunded)),
        ],
        ..Reply::approved(&key.order_id, &payment)
    };
    answer(&reply)
}

struct Reply {
    order_id: String,
    code: &'static str,
    message: String,
    entry: Option<Entry>,
    extra: Vec<(&'static str, String)>,
}

impl Reply {
    fn approved(order_id: &str, e: &Entry) -> Reply {
        Reply {
            order_id: order_id.into(),
            code: "00",
            message: String::new(),
            entry: Some(e.clone()),
            extra: Vec::new(),
        }
    }

    fn error(order_id: &str, code: &'static str, message: &str) -> Reply {
        Reply { order_id: order_id.into(), code, message: message.into(), entry: None, extra: Vec::new() }
    }
}

fn answer(r: &Reply) -> Response {
    let e = r.entry.as_ref();
    let mut doc = Element::new("PayforResponse")
        .leaf("OrderId", r.order_id.as_str())
        .leaf("AuthCode", e.map(Entry::auth_code).unwrap_or_default())
        .leaf("ProcReturnCode", r.code)
        .leaf("HostRefNum", e.map(Entry::host_ref).unwrap_or_default())
        .leaf("TransId", e.map(Entry::trans_id).unwrap_or_default())
        .leaf("ErrMsg", r.message.as_str())
        .leaf("IrcCode", if r.code == "00" { "" } else { r.code });
    for (k, v) in &r.extra {
        doc = doc.leaf(*k, v.as_str());
    }
    Response::new(200, "text/xml; charset=UTF-8", doc.to_xml(Some("UTF-8")))
}

/// The simulator's words for a refusal.
fn refusal(r: Refusal) -> &'static str {
    match r {
        Refusal::DuplicateOrder => "Sipariş numarası daha önce kullanılmış.",
        Refusal::NotFound => "Orijinal işlem bulunamadı.",
        Refusal::Voided => "İptal edilmiş işlem.",
        Refusal::NotCapturable => "Kapatılacak ön provizyon bulunamadı.",
        Refusal::OverRefund => "İade tutarı işlem tutarını aşıyor.",
        Refusal::HasRefunds => "İadesi yapılmış işlem iptal edilemez.",
    }
}
