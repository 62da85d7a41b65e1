//! Denizbank InterVPOS, docs/pos-protocols.md §5: one `mpi/Default.aspx` takes both the 3D form
//! (SHA-1 hash without the card; the browser adds `Pan`, `Expiry`, `Cvv2`, `CardType`) and the
//! server-to-server requests (form-urlencoded with UserCode/UserPass; answers `key=value;;…`). The
//! callback signs the documented `HASHPARAMS` list with the MerchantPass.

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::three_d::{Authentication, Model, Session};
use crate::{fields_json, signature, Family, Sim};
use sanalpos_core::gateway::text::decode_text;
use sanalpos_core::gateway::RawPost;
use sanalpos_core::money::{Currency, Money, Sign};
use serde_json::json;

pub struct InterPos;

const ID: &str = "interpos";
const CARD_FIELDS: &[&str] = &["Pan", "Expiry", "Cvv2", "CardType"];
/// The fields the bank signs (InterPosCrypt, real callbacks).
const HASHPARAMS: &str =
    "Version:PurchAmount:Exponent:Currency:OkUrl:FailUrl:MD:OrderId:ProcReturnCode:Response:mdStatus:";

impl Family for InterPos {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("gate_3d", "mpi/Default.aspx"), ("api", "mpi/Default.aspx")]
    }

    /// Both endpoints are one address: the 3D form, or (with UserPass) a server-to-server request.
    fn serve(&self, sim: &Sim, _endpoint: &str, req: &Request) -> Response {
        match req.form() {
            Some(form) if form.contains("UserPass") => api(sim, &form),
            Some(form) => gate(sim, &form),
            None => Response::error_page(400, "Hatalı istek", "Default.aspx takes a form post."),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.fail_url.clone(), Vec::new()) };
        let entry = auth.charge.as_ref().map(|b| &b.entry).filter(|e| e.approved);
        let (code, response, message) = match (auth.authenticated(), auth.charge.as_ref().map(|b| b.verdict)) {
            (false, _) => ("", "Declined", "3D doğrulama başarısız"),
            (true, None) => ("", "", ""),
            (true, Some(Verdict::Approved)) => ("00", "Approved", ""),
            (true, Some(Verdict::Declined)) => ("51", "Declined", "Yetersiz bakiye"),
            (true, Some(Verdict::Refused(r))) => ("99", "Error", refusal(r)),
        };
        let mut fields = session.echo.clone();
        let mut add = |name: &str, value: String| fields.push((name.to_string(), value));
        add("Version", String::new());
        add("Exponent", String::new());
        add("MD", auth.md.clone());
        add("PayerTxnId", auth.xid.clone());
        add("Eci", auth.eci.into());
        add("PayerAuthenticationCode", auth.cavv.clone());
        add("mdStatus", auth.md_status.into());
        add("ProcReturnCode", code.into());
        add("Response", response.into());
        add("ErrorMessage", message.into());
        add("AuthCode", entry.map(Entry::auth_code).unwrap_or_default());
        add("HostRefNum", entry.map(Entry::host_ref).unwrap_or_default());
        add("TransId", entry.map(Entry::trans_id).unwrap_or_default());
        add("HASHPARAMS", HASHPARAMS.into());
        let post = RawPost::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_bytes().to_vec())));
        let signed: String = HASHPARAMS.split(':').map(|n| post.text(n)).collect();
        fields.push(("HASHPARAMSVAL".into(), signed));
        let hash = signature(
            "interpos_response",
            json!({"store_key": account.get("store_key"), "response": fields_json(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))}),
        );
        fields.push(("HASH".into(), hash));
        (if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() }, fields)
    }
}

fn amount(text: &str, currency: &str) -> Option<Money> {
    Money::parse(text, Currency::find(currency).ok()?, Sign::Positive).ok()
}

fn installments(text: &str) -> u32 {
    text.parse::<u32>().unwrap_or(0).max(1)
}

/// The 3D form.
fn gate(sim: &Sim, form: &RawPost) -> Response {
    let account = sim.merchants.account(ID).filter(|a| a.get("shop_code") == form.text("ShopCode"));
    let Some(account) = account else { return gate_error(form, "Üye işyeri bulunamadı.") };
    let posted: Vec<(&str, String)> = form.iter().map(|(k, v)| (k, decode_text(v))).collect();
    let expected = signature(
        "interpos_3d_request",
        json!({"store_key": account.get("store_key"), "form": fields_json(posted.iter().map(|(k, v)| (*k, v.as_str())))}),
    );
    if form.text("Hash") != expected {
        return gate_error(form, "Hash değeri geçersiz.");
    }
    let model = match form.text("SecureType").as_str() {
        "3DModel" => Model::ThreeD,
        "3DPay" => Model::ThreeDPay,
        other => return gate_error(form, &format!("SecureType {other} is not simulated (3DModel, 3DPay)")),
    };
    let Some(money) = amount(&form.text("PurchAmount"), &form.text("Currency")) else {
        return gate_error(form, "Tutar veya para birimi hatalı.");
    };
    let expiry = form.text("Expiry");
    let Some(pan) = bank::card(&form.text("Pan"), expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or("")) else {
        return gate_error(form, "Kart numarası hatalı.");
    };
    let session = Session {
        family: ID,
        merchant: account.get("shop_code").into(),
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

/// A form the gate refuses goes back to `FailUrl` without a `HASH`.
fn gate_error(form: &RawPost, message: &str) -> Response {
    let fields = vec![
        ("OrderId".to_string(), form.text("OrderId")),
        ("ProcReturnCode".to_string(), "99".to_string()),
        ("mdStatus".to_string(), String::new()),
        ("ErrorMessage".to_string(), message.to_string()),
    ];
    crate::http::auto_post(&form.text("FailUrl"), &fields)
}

/// A server-to-server request.
fn api(sim: &Sim, form: &RawPost) -> Response {
    let get = |k: &str| form.text(k);
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("shop_code") == get("ShopCode")
            && a.get("user_code") == get("UserCode")
            && a.get("user_pass") == get("UserPass")
    });
    let order_id = if get("orgOrderId").is_empty() { get("OrderId") } else { get("orgOrderId") };
    let Some(account) = account else {
        return answer(&Reply::error(&order_id, "99", "Kullanıcı bilgileri hatalı."));
    };
    let key = OrderKey { family: ID, merchant: account.get("shop_code").into(), order_id: order_id.clone() };
    let money = || amount(&get("PurchAmount"), &get("Currency"));
    let result = match get("TxnType").as_str() {
        "Auth" | "PreAuth" => {
            let Some(m) = money() else { return answer(&Reply::error(&order_id, "99", "Tutar hatalı.")) };
            let preauth = get("TxnType") == "PreAuth";
            let count = installments(&get("InstallmentCount"));
            let md = get("MD");
            if md.is_empty() {
                let expiry = get("Expiry");
                let Some(pan) = bank::card(&get("Pan"), expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or(""))
                else {
                    return answer(&Reply::error(&order_id, "99", "Kart numarası hatalı."));
                };
                return pay(sim, &key, m, count, preauth, &pan);
            }
            let Some(a) = sim.sessions.take_authenticated(&md) else {
                return answer(&Reply::error(&order_id, "99", "3D doğrulama bulunamadı veya daha önce kullanıldı."));
            };
            if a.session.order_id != order_id || a.session.amount != m || a.session.installments != count {
                sim.sessions.keep_authenticated(a);
                return answer(&Reply::error(&order_id, "99", "İşlem bilgileri 3D doğrulama ile uyuşmuyor."));
            }
            return pay(sim, &key, m, count, preauth, &a.session.pan);
        }
        "StatusHistory" => return status(sim, &key),
        "PostAuth" => match money() {
            Some(m) => sim.ledger.capture(&key, Some(m.minor())),
            None => return answer(&Reply::error(&order_id, "99", "Tutar hatalı.")),
        },
        // Refunds carry no currency (as the reference library sends them): the payment's.
        "Refund" => match sim.ledger.state(&key).and_then(|s| amount(&get("PurchAmount"), &s.payment.currency)) {
            Some(m) => sim.ledger.refund(&key, m.minor()),
            None => Err(Refusal::NotFound),
        },
        "Void" => sim.ledger.cancel(&key),
        other => return answer(&Reply::error(&order_id, "99", &format!("TxnType {other} desteklenmiyor."))),
    };
    match result {
        Ok((e, _)) => answer(&Reply::approved(&order_id, &e)),
        Err(r) => answer(&Reply::error(&order_id, "99", refusal(r))),
    }
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
    let mut response = answer(&reply);
    if delivery == bank::Delivery::Truncated {
        // Cut inside a field name: half a `key=value;;` answer could still read as a whole one.
        let cut = response.body.windows(8).position(|w| w == b"AuthCode").map_or(0, |at| at + 4);
        response.body.truncate(cut);
        return response;
    }
    bank::deliver(sim, response, delivery)
}

/// `StatusHistory`: amounts, refunds and the void date of the payment.
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let Some(OrderState { payment, refunded, voided, .. }) = sim.ledger.state(key) else {
        return answer(&Reply::error(&key.order_id, "99", "Kayıt bulunamadı."));
    };
    let currency = Currency::find(&payment.currency).ok();
    let text =
        |minor: i64| currency.and_then(|c| Money::from_minor(minor, c).ok()).map(|m| m.decimal()).unwrap_or_default();
    let reply = Reply {
        extra: vec![
            ("PurchAmount", text(payment.amount)),
            ("RefundedAmount", text(refunded)),
            ("VoidDate", if voided { payment.created_at.clone() } else { "1.1.0001 00:00:00".to_string() }),
            ("TxnStatus", "Y".to_string()),
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

    /// A refused request: the bank answers with a system order id (`SYSOID…`).
    fn error(_order_id: &str, code: &'static str, message: &str) -> Reply {
        let system_id = format!("SYSOID{}", crate::clock::random_u64() % 1_000_000_000);
        Reply { order_id: system_id, code, message: message.into(), entry: None, extra: Vec::new() }
    }
}

/// `key=value;;key=value`.
fn answer(r: &Reply) -> Response {
    let e = r.entry.as_ref();
    let mut pairs: Vec<(&str, String)> = vec![
        ("OrderId", r.order_id.clone()),
        ("ProcReturnCode", r.code.to_string()),
        ("Response", if r.code == "00" { "Approved" } else { "Declined" }.to_string()),
        ("AuthCode", e.map(Entry::auth_code).unwrap_or_default()),
        ("HostRefNum", e.map(Entry::host_ref).unwrap_or_default()),
        ("TransId", e.map(Entry::trans_id).unwrap_or_default()),
        ("ErrorCode", if r.code == "00" { String::new() } else { r.code.to_string() }),
        ("ErrorMessage", r.message.clone()),
    ];
    pairs.extend(r.extra.iter().map(|(k, v)| (*k, v.clone())));
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Response::new(200, "text/plain; charset=UTF-8", body.join(";;"))
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
