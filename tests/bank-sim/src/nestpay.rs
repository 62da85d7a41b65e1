//! Asseco/Payten NestPay (EST), docs/pos-protocols.md §1: `fim/est3Dgate` (the 3D form, ver3
//! hash over every posted field) and `fim/api` (CC5Request XML, ISO-8859-9, authenticated by the
//! API user's name and password in the body).
//!
//! Answers follow the shapes of real Payten answers (mewebstudio/pos
//! EstPosResponseDataMapperTest, commit 09248b6a): the ver3 callback echoes the form without the
//! card and adds the 3D fields; a form with a bad hash comes straight back to `failUrl` without
//! the 3D page and without a hash, with "Guvenlik Kodu hatali." (sefacan/ThreeDPayment#3).

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, fields_json, signature, Family, Sim};
use sanalpos_core::gateway::text::{decode_text, iso8859_9_encode};
use sanalpos_core::gateway::xml::Element;
use sanalpos_core::gateway::RawPost;
use sanalpos_core::money::{Currency, Money, Sign};
use serde_json::json;

pub struct NestPay;

const ID: &str = "nestpay";
/// Never echoed back: the card and the request's own hash.
const NOT_ECHOED: &[&str] = &["pan", "cv2", "hash"];

impl Family for NestPay {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("gate_3d", "fim/est3Dgate"), ("api", "fim/api")]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        match endpoint {
            "gate_3d" => gate(sim, req),
            _ => api(sim, req),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.fail_url.clone(), Vec::new()) };
        let client_id = account.get("client_id");
        let masked = session.masked_pan();
        let (first6, last4) =
            (masked.get(..6).unwrap_or(""), masked.get(masked.len().saturating_sub(4)..).unwrap_or(""));
        let mut fields = session.echo.clone();
        let md_text = match auth.md_status {
            "1" => "Authenticated",
            "0" => "N-status/Challenge authentication via ACS: not authenticated",
            _ => "Attempt: card not enrolled",
        };
        let mut add = |name: &str, value: String| fields.push((name.to_string(), value));
        add("mdStatus", auth.md_status.into());
        add("mdErrorMsg", md_text.into());
        add(
            "txstatus",
            match auth.md_status {
                "1" => "Y",
                "0" => "N",
                _ => "A",
            }
            .into(),
        );
        add("md", format!("{first6}:{}:{:04}:##{client_id}", auth.md, clock::random_u64() % 10_000));
        add("xid", auth.xid.clone());
        add("eci", auth.eci.into());
        add("cavv", auth.cavv.clone());
        add("MaskedPan", format!("{first6}***{last4}"));
        let (bin4, bin56) = first6.split_at(first6.len().min(4));
        add("maskedCreditCard", format!("{bin4} {bin56}** **** {last4}"));
        add("merchantID", client_id.into());
        add("ReturnOid", session.order_id.clone());
        add("version", "2.0".into());
        if let Some(charge) = &auth.charge {
            let (code, response, message) = match charge.verdict {
                Verdict::Approved => ("00", "Approved", ""),
                Verdict::Declined => ("51", "Declined", "Yetersiz bakiye"),
                Verdict::Refused(r) => ("99", "Error", refusal_text(r)),
            };
            let entry = &charge.entry;
            add("ProcReturnCode", code.into());
            add("Response", response.into());
            add("ErrMsg", message.into());
            add("AuthCode", if entry.approved { entry.auth_code() } else { String::new() });
            add("HostRefNum", if entry.approved { entry.host_ref() } else { String::new() });
            add("TransId", entry.trans_id());
            add("EXTRA_TRXDATE", clock::turkish("yyyyMMdd HH:mm:ss"));
        }
        sign(account, &mut fields);
        (if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() }, fields)
    }
}

/// Adds `HASH`: ver3 over every field.
fn sign(account: Account, fields: &mut Vec<(String, String)>) {
    let hash = signature(
        "nestpay_v3",
        json!({"store_key": account.get("store_key"), "response": fields_json(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))}),
    );
    fields.push(("HASH".into(), hash));
}

/// `POST fim/est3Dgate`.
fn gate(sim: &Sim, req: &Request) -> Response {
    let Some(form) = req.form() else {
        return Response::error_page(400, "Hatalı istek", "The 3D gate takes a form post.");
    };
    let account = sim.merchants.account(ID).filter(|a| a.get("client_id") == form.text("clientid"));
    let Some(account) = account else { return gate_error(&form, "Üye işyeri bulunamadı.") };
    let posted: Vec<(&str, String)> = form.iter().map(|(k, v)| (k, decode_text(v))).collect();
    let expected = signature(
        "nestpay_v3",
        json!({"store_key": account.get("store_key"), "form": fields_json(posted.iter().map(|(k, v)| (*k, v.as_str())))}),
    );
    // Payten has refused the SHA-1 (ver1) form hash since 31 July 2024.
    if form.text("hashAlgorithm") != "ver3" || form.text("hash") != expected {
        return gate_error(&form, "Guvenlik Kodu hatali.");
    }
    let model = match form.text("storetype").as_str() {
        "3d" => Model::ThreeD,
        "3d_pay" => Model::ThreeDPay,
        other => return gate_error(&form, &format!("storetype {other} is not simulated (3d, 3d_pay)")),
    };
    let Some(amount) = amount(&form.text("amount"), &form.text("currency")) else {
        return gate_error(&form, "Tutar veya para birimi hatalı.");
    };
    let Some(pan) = bank::card(
        &form.text("pan"),
        &form.text("Ecom_Payment_Card_ExpDate_Month"),
        &form.text("Ecom_Payment_Card_ExpDate_Year"),
    ) else {
        return gate_error(&form, "Kredi karti numarasi gecerli formatta degil.");
    };
    let session = Session {
        family: ID,
        merchant: account.get("client_id").into(),
        merchant_name: account.name.into(),
        model,
        order_id: form.text("oid"),
        amount,
        installments: form.text("taksit").parse().unwrap_or(1),
        preauth: form.text("TranType") == "PreAuth",
        pan,
        ok_url: form.text("okUrl"),
        fail_url: form.text("failUrl"),
        echo: posted.into_iter().filter(|(k, _)| !NOT_ECHOED.contains(k)).map(|(k, v)| (k.to_string(), v)).collect(),
    };
    sim.sessions.redirect(session)
}

/// A form the gate refuses goes straight back to `failUrl`, unsigned.
fn gate_error(form: &RawPost, message: &str) -> Response {
    let mut fields: Vec<(String, String)> = form
        .iter()
        .filter(|(k, _)| !NOT_ECHOED.contains(k) && !k.starts_with("Ecom_Payment_Card"))
        .map(|(k, v)| (k.to_string(), decode_text(v)))
        .collect();
    for (k, v) in [("Response", "Error"), ("ProcReturnCode", "99"), ("mdStatus", ""), ("ErrMsg", message)] {
        fields.push((k.into(), v.into()));
    }
    crate::http::auto_post(&form.text("failUrl"), &fields)
}

fn amount(text: &str, currency: &str) -> Option<Money> {
    let currency = Currency::find(if currency.is_empty() { "949" } else { currency }).ok()?;
    Money::parse(text, currency, Sign::Positive).ok()
}

/// `POST fim/api`: one CC5Request.
fn api(sim: &Sim, req: &Request) -> Response {
    let Ok(doc) = Element::parse(&decode_text(&req.body)) else {
        return answer(&Reply::error("", "Gecersiz XML.", "CORE-2001"));
    };
    let get = |path: &str| doc.text_at(path).unwrap_or_default();
    let order_id = get("OrderId");
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("client_id") == get("ClientId")
            && a.get("api_user") == get("Name")
            && a.get("api_password") == get("Password")
    });
    if doc.local_name() != "CC5Request" || account.is_none() {
        return answer(&Reply::error(&order_id, "Kullanici adi veya sifre hatali.", "CORE-2003"));
    }
    let key = OrderKey { family: ID, merchant: get("ClientId"), order_id: order_id.clone() };
    let amount = || amount(&get("Total"), &get("Currency"));
    match get("Type").as_str() {
        "Auth" | "PreAuth" => pay(sim, &key, &doc),
        "PostAuth" => {
            let total = get("Total");
            let capture = if total.is_empty() { Some(None) } else { amount().map(|m| Some(m.minor())) };
            match capture {
                Some(minor) => after_sale(&order_id, sim.ledger.capture(&key, minor)),
                None => answer(&Reply::error(&order_id, "Tutar hatalı.", "CORE-2102")),
            }
        }
        "Credit" => match amount() {
            Some(m) => after_sale(&order_id, sim.ledger.refund(&key, m.minor())),
            None => answer(&Reply::error(&order_id, "Tutar hatalı.", "CORE-2102")),
        },
        "Void" => after_sale(&order_id, sim.ledger.cancel(&key)),
        "" if !get("Extra/ORDERSTATUS").is_empty() => status(sim, &key),
        other => answer(&Reply::error(&order_id, &format!("Islem tipi desteklenmiyor: {other}"), "CORE-2010")),
    }
}

/// A sale or pre-authorisation: after a 3D authentication (`Number` is the callback's `md`) or
/// with the card (non-3D).
fn pay(sim: &Sim, key: &OrderKey, doc: &Element) -> Response {
    let get = |path: &str| doc.text_at(path).unwrap_or_default();
    let order_id = &key.order_id;
    let Some(money) = amount(&get("Total"), &get("Currency")) else {
        return answer(&Reply::error(order_id, "Tutar hatalı.", "CORE-2102"));
    };
    let installments: u32 = get("Taksit").parse().unwrap_or(1);
    let number = get("Number");
    let pan = if let Some(md) = number.split(':').nth(1) {
        let Some(a) = sim.sessions.take_authenticated(md) else {
            return answer(&Reply::error(order_id, "XID daha önce kullanılmıştır.", "CORE-2520"));
        };
        let s = &a.session;
        if s.order_id != *order_id || s.amount != money || s.installments.max(1) != installments.max(1) {
            sim.sessions.keep_authenticated(a);
            return answer(&Reply::error(
                order_id,
                "3D doğrulama bilgileri ile işlem bilgileri uyuşmuyor.",
                "CORE-2521",
            ));
        }
        a.session.pan
    } else {
        let expires = get("Expires");
        let (month, year) = expires.split_once('/').unwrap_or(("", ""));
        match bank::card(&number, month, year) {
            Some(pan) => pan,
            None => {
                return answer(&Reply::error(order_id, "Kredi karti numarasi gecerli formatta degil.", "CORE-2012"))
            }
        }
    };
    let payment = NewPayment {
        kind: if get("Type") == "PreAuth" { Kind::PreAuth } else { Kind::Sale },
        amount: money.minor(),
        currency: money.currency().alpha.into(),
        installments,
        approved: true,
        masked_pan: bank::mask(&pan),
    };
    let Some((booked, delivery)) = bank::book(sim, key, payment, cards::outcome(&pan)) else {
        return bank::server_error();
    };
    let base = Reply::approved(order_id, &booked.entry);
    let reply = match booked.verdict {
        Verdict::Approved => base,
        Verdict::Declined => {
            Reply { code: "51", response: "Declined", message: "Yetersiz bakiye".into(), ..base }.without_refs()
        }
        Verdict::Refused(r) => {
            Reply { code: "99", response: "Error", message: refusal_text(r).into(), ..base }.without_refs()
        }
    };
    bank::deliver(sim, answer(&reply), delivery)
}

fn after_sale(order_id: &str, result: Result<(Entry, OrderState), Refusal>) -> Response {
    match result {
        Ok((e, _)) => answer(&Reply::approved(order_id, &e)),
        Err(r) => answer(&Reply::error(order_id, refusal_text(r), refusal_code(r))),
    }
}

/// ORDERSTATUS query: the payment's `TRANS_STAT` (A pre-authorised, C captured, V voided, D
/// declined) and amounts in kuruş.
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let order_id = &key.order_id;
    let state = sim.ledger.state(key);
    let declined =
        sim.ledger.entries(Some(order_id)).into_iter().find(|(k, e)| {
            k.family == ID && k.merchant == key.merchant && matches!(e.kind, Kind::Sale | Kind::PreAuth)
        });
    let (payment, stat, captured) = match (&state, declined) {
        (Some(s), _) => {
            let stat = if s.voided {
                "V"
            } else if s.captured == 0 {
                "A"
            } else {
                "C"
            };
            (s.payment.clone(), stat, s.captured)
        }
        (None, Some((_, e))) => (e, "D", 0),
        (None, None) => {
            let mut reply = Reply::error("", &format!("No record found for {order_id}"), "");
            reply.response = "Declined";
            return answer(&reply);
        }
    };
    let reply = Reply { message: format!("Record(s) found for {order_id}"), ..Reply::approved(order_id, &payment) };
    let amount_minor = payment.amount.to_string();
    let captured = if captured > 0 { captured.to_string() } else { String::new() };
    let mut extra = Element::new("Extra")
        .leaf("ORD_ID", order_id.as_str())
        .leaf("CHARGE_TYPE_CD", "S")
        .leaf("ORIG_TRANS_AMT", amount_minor.as_str())
        .leaf("CAPTURE_AMT", captured.as_str())
        .leaf("TRANS_STAT", stat)
        .leaf("AUTH_DTTM", payment.created_at.as_str())
        .leaf("PAN", payment.masked_pan.as_str())
        .leaf("PROC_RET_CD", if payment.approved { "00" } else { "51" })
        .leaf("TRANS_ID", payment.trans_id())
        .leaf("NUMCODE", "0");
    if payment.approved {
        extra = extra.leaf("AUTH_CODE", payment.auth_code()).leaf("HOST_REF_NUM", payment.host_ref());
    }
    Response::new(
        200,
        "text/xml; charset=ISO-8859-9",
        iso8859_9_encode(&head(&reply).child(extra).to_xml(Some("ISO-8859-9"))),
    )
}

/// A CC5Response before its `Extra`.
struct Reply {
    order_id: String,
    code: &'static str,
    response: &'static str,
    message: String,
    error_code: &'static str,
    auth_code: String,
    host_ref: String,
    trans_id: String,
}

impl Reply {
    fn approved(order_id: &str, e: &Entry) -> Reply {
        Reply {
            order_id: order_id.into(),
            code: "00",
            response: "Approved",
            message: String::new(),
            error_code: "",
            auth_code: e.auth_code(),
            host_ref: e.host_ref(),
            trans_id: e.trans_id(),
        }
    }

    fn error(order_id: &str, message: &str, error_code: &'static str) -> Reply {
        Reply {
            order_id: order_id.into(),
            code: "99",
            response: "Error",
            message: message.into(),
            error_code,
            auth_code: String::new(),
            host_ref: String::new(),
            trans_id: String::new(),
        }
    }

    fn without_refs(self) -> Reply {
        Reply { auth_code: String::new(), host_ref: String::new(), ..self }
    }
}

fn head(r: &Reply) -> Element {
    Element::new("CC5Response")
        .leaf("OrderId", r.order_id.as_str())
        .leaf("GroupId", r.order_id.as_str())
        .leaf("Response", r.response)
        .leaf("AuthCode", r.auth_code.as_str())
        .leaf("HostRefNum", r.host_ref.as_str())
        .leaf("ProcReturnCode", r.code)
        .leaf("TransId", r.trans_id.as_str())
        .leaf("ErrMsg", r.message.as_str())
}

fn answer(r: &Reply) -> Response {
    let extra = Element::new("Extra")
        .leaf("SETTLEID", "")
        .leaf("TRXDATE", clock::turkish("yyyyMMdd HH:mm:ss"))
        .leaf("ERRORCODE", r.error_code)
        .leaf(
            "NUMCODE",
            if r.code == "00" { "00".to_string() } else { format!("99{}", r.error_code.trim_start_matches("CORE-")) },
        );
    let xml = head(r).child(extra).to_xml(Some("ISO-8859-9"));
    Response::new(200, "text/xml; charset=ISO-8859-9", iso8859_9_encode(&xml))
}

/// The bank's words for a refusal. "İptal edilmeye uygun satış işlemi bulunamadı." is Payten's
/// (EstPosResponseDataMapperTest cancel fail1); the others are the simulator's.
fn refusal_text(r: Refusal) -> &'static str {
    match r {
        Refusal::DuplicateOrder => "Bu sipariş numarası ile daha önce başarılı bir işlem yapılmış.",
        Refusal::NotFound => "İptal edilmeye uygun satış işlemi bulunamadı.",
        Refusal::Voided => "İptal edilmiş işlem için iade yapılamaz.",
        Refusal::NotCapturable => "PostAuth için uygun ön provizyon bulunamadı.",
        Refusal::OverRefund => "İade tutarı, iade edilebilir tutarı aşıyor.",
        Refusal::HasRefunds => "İadesi yapılmış işlem iptal edilemez.",
    }
}

fn refusal_code(r: Refusal) -> &'static str {
    match r {
        Refusal::NotFound => "CORE-2008",
        Refusal::OverRefund => "CORE-2505",
        _ => "CORE-2509",
    }
}
