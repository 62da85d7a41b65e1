//! Garanti BBVA GVP, docs/pos-protocols.md §2: `servlet/gt3dengine` (the 3D form, `secure3dhash`
//! over the order fields, the store key and SecurityData; the card is not signed) and `VPServlet`
//! (GVPSRequest XML with `HashData`; refunds and voids as the refund user).
//!
//! Answers follow the shapes of real Garanti answers (mewebstudio/pos
//! GarantiPosResponseDataMapperTest, commit 09248b6a): the callback echoes the form (the bank's
//! copy of our `secure3dhash` included) and signs `hashparams` with the store key; a form whose
//! hash is wrong comes back at once with mdstatus 7, "Guvenlik Kodu hatali" and no hash
//! (mewebstudio/pos #268, #158).

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
use sanalpos_core::money::{Currency, Money};
use serde_json::json;

pub struct Garanti;

const ID: &str = "garanti";
const CARD_FIELDS: &[&str] = &["cardnumber", "cardexpiredatemonth", "cardexpiredateyear", "cardcvv2"];
/// The fields the bank signs in its callback (GarantiPosCrypt, real callbacks).
const HASH_PARAMS: &str = "clientid:oid:authcode:procreturncode:response:mdstatus:cavv:eci:md:rnd:";

impl Family for Garanti {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("gate_3d", "servlet/gt3dengine"), ("api", "VPServlet")]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        match endpoint {
            "gate_3d" => gate(sim, req),
            _ => api(sim, req),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.fail_url.clone(), Vec::new()) };
        let (code, response, message) = match auth.charge.as_ref().map(|b| b.verdict) {
            Some(Verdict::Approved) => ("00", "Approved", ""),
            Some(Verdict::Declined) => ("51", "Declined", "Yetersiz bakiye"),
            Some(Verdict::Refused(r)) => ("92", "Declined", refusal(r).1),
            None => ("", "", ""),
        };
        let entry = auth.charge.as_ref().map(|b| &b.entry);
        let approved = entry.filter(|e| e.approved);
        let masked = session.masked_pan();
        let mut fields = session.echo.clone();
        let mut add = |name: &str, value: String| fields.push((name.to_string(), value));
        add("xid", auth.xid.clone());
        add("mdstatus", auth.md_status.into());
        add(
            "mderrormessage",
            match auth.md_status {
                "1" => "Y-status/Challenge authentication via ACS",
                "0" => "N-status/Challenge authentication via ACS",
                _ => "A-status/Attempt: card not enrolled",
            }
            .into(),
        );
        add("txnstatus", String::new());
        add("eci", auth.eci.into());
        add("cavv", auth.cavv.clone());
        add("md", auth.md.clone());
        add("terminalid", account.get("terminal_id").into());
        add("oid", session.order_id.clone());
        add("authcode", approved.map(Entry::auth_code).unwrap_or_default());
        add("response", response.into());
        add("errmsg", message.into());
        add("hostmsg", message.into());
        add("procreturncode", code.into());
        add("transid", entry.map_or_else(|| session.order_id.clone(), Entry::trans_id));
        add("hostrefnum", approved.map(Entry::host_ref).unwrap_or_default());
        add("rnd", clock::random_hex(20));
        add("clientid", account.get("terminal_id").into());
        add(
            "MaskedPan",
            format!(
                "{}****{}",
                masked.get(..8).unwrap_or(""),
                masked.get(masked.len().saturating_sub(4)..).unwrap_or("")
            ),
        );
        add("hashparams", HASH_PARAMS.into());
        let post = RawPost::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_bytes().to_vec())));
        let signed: String = HASH_PARAMS.split(':').map(|n| post.text(n)).collect();
        fields.push(("hashparamsval".into(), signed));
        let hash = signature(
            "garanti_response",
            json!({"store_key": account.get("store_key"), "response": fields_json(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))}),
        );
        fields.push(("hash".into(), hash));
        (if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() }, fields)
    }
}

/// `POST servlet/gt3dengine`.
fn gate(sim: &Sim, req: &Request) -> Response {
    let Some(form) = req.form() else {
        return Response::error_page(400, "Hatalı istek", "The 3D gate takes a form post.");
    };
    let account = sim.merchants.account(ID).filter(|a| {
        a.get("terminal_id") == form.text("terminalid") && a.get("merchant_id") == form.text("terminalmerchantid")
    });
    let Some(account) = account else { return gate_error(&form, "Uye isyeri bulunamadi") };
    let posted: Vec<(&str, String)> = form.iter().map(|(k, v)| (k, decode_text(v))).collect();
    let kind = if form.text("apiversion") == "512" { "garanti_3d_request" } else { "garanti_legacy_3d_request" };
    let expected = signature(
        kind,
        json!({"password": account.get("password"), "store_key": account.get("store_key"),
               "form": fields_json(posted.iter().map(|(k, v)| (*k, v.as_str())))}),
    );
    if form.text("secure3dhash") != expected || form.text("terminalprovuserid") != account.get("prov_user_id") {
        return gate_error(&form, "Guvenlik Kodu hatali");
    }
    let model = match form.text("secure3dsecuritylevel").as_str() {
        "3D" => Model::ThreeD,
        "3D_PAY" => Model::ThreeDPay,
        other => return gate_error(&form, &format!("secure3dsecuritylevel {other} is not simulated (3D, 3D_PAY)")),
    };
    let Some(amount) = kurus(&form.text("txnamount"), &form.text("txncurrencycode")) else {
        return gate_error(&form, "Tutar veya para birimi hatali");
    };
    let Some(pan) =
        bank::card(&form.text("cardnumber"), &form.text("cardexpiredatemonth"), &form.text("cardexpiredateyear"))
    else {
        return gate_error(&form, "Kart numarasi hatali");
    };
    let session = Session {
        family: ID,
        merchant: account.get("terminal_id").into(),
        merchant_name: account.name.into(),
        model,
        order_id: form.text("orderid"),
        amount,
        installments: form.text("txninstallmentcount").parse().unwrap_or(1),
        preauth: form.text("txntype") == "preauth",
        pan,
        ok_url: form.text("successurl"),
        fail_url: form.text("errorurl"),
        echo: posted.into_iter().filter(|(k, _)| !CARD_FIELDS.contains(k)).map(|(k, v)| (k.to_string(), v)).collect(),
    };
    sim.sessions.redirect(session)
}

/// A form the gate refuses comes back to `errorurl` with mdstatus 7 and no hash.
fn gate_error(form: &RawPost, message: &str) -> Response {
    let mut fields: Vec<(String, String)> =
        form.iter().filter(|(k, _)| !CARD_FIELDS.contains(k)).map(|(k, v)| (k.to_string(), decode_text(v))).collect();
    let oid = form.text("orderid");
    for (k, v) in [
        ("mdstatus", "7"),
        ("mderrormessage", message),
        ("errmsg", message),
        ("response", "Error"),
        ("procreturncode", "99"),
        ("oid", oid.as_str()),
    ] {
        fields.push((k.into(), v.into()));
    }
    crate::http::auto_post(&form.text("errorurl"), &fields)
}

/// An amount in kuruş (`10025`) and a numeric currency code.
fn kurus(text: &str, currency: &str) -> Option<Money> {
    let currency = Currency::find(if currency.is_empty() { "949" } else { currency }).ok()?;
    let minor: i64 = text.parse().ok().filter(|m| *m > 0)?;
    Money::from_minor(minor, currency).ok()
}

/// `POST VPServlet`: one GVPSRequest.
fn api(sim: &Sim, req: &Request) -> Response {
    let Ok(doc) = Element::parse(&decode_text(&req.body)) else {
        return answer("", &Outcome::refused("0001", "XML hatali"));
    };
    let get = |path: &str| doc.text_at(path).unwrap_or_default();
    let order_id = get("Order/OrderID");
    let kind = get("Transaction/Type");
    let Some(account) = sim.merchants.account(ID).filter(|a| authentic(a, &doc)) else {
        return answer(&order_id, &Outcome::refused("0651", "Guvenlik dogrulamasi basarisiz (HashData)"));
    };
    let key = OrderKey { family: ID, merchant: account.get("terminal_id").into(), order_id: order_id.clone() };
    let amount = || kurus(&get("Transaction/Amount"), &get("Transaction/CurrencyCode"));
    // Captures, refunds and voids name the payment by its reference number.
    let reference_ok =
        || sim.ledger.state(&key).is_some_and(|s| s.payment.host_ref() == get("Transaction/OriginalRetrefNum"));
    let result = match kind.as_str() {
        "sales" | "preauth" => return pay(sim, &key, &doc),
        "orderinq" => return status(sim, &key),
        _ if !reference_ok() => Err(Refusal::NotFound),
        "postauth" => match amount() {
            Some(m) => sim.ledger.capture(&key, Some(m.minor())),
            None => return answer(&order_id, &Outcome::refused("0002", "Tutar hatali")),
        },
        "refund" => match amount() {
            Some(m) => sim.ledger.refund(&key, m.minor()),
            None => return answer(&order_id, &Outcome::refused("0002", "Tutar hatali")),
        },
        "void" => sim.ledger.cancel(&key),
        other => return answer(&order_id, &Outcome::refused("0002", &format!("Islem tipi desteklenmiyor: {other}"))),
    };
    match result {
        Ok((e, _)) => answer(&order_id, &Outcome::approved(&e)),
        Err(r) => {
            let (reason, text) = refusal(r);
            answer(&order_id, &Outcome::refused(reason, text))
        }
    }
}

/// `HashData` over order, terminal, card, amount and currency with the SecurityData of the user
/// the transaction type runs as (the refund user for refunds and voids), and that user's id.
fn authentic(account: &Account, doc: &Element) -> bool {
    let get = |path: &str| doc.text_at(path).unwrap_or_default();
    let kind = get("Transaction/Type");
    let user = if kind == "refund" || kind == "void" { "refund_user_id" } else { "prov_user_id" };
    let expected = signature(
        "garanti_api_request",
        json!({"password": account.get("password"), "refund_password": account.get("refund_password"),
               "request": {"order_id": get("Order/OrderID"), "terminal_id": get("Terminal/ID"), "card_number": get("Card/Number"),
                           "amount": get("Transaction/Amount"), "currency_code": get("Transaction/CurrencyCode"), "type": kind}}),
    );
    get("Terminal/ID") == account.get("terminal_id")
        && get("Terminal/MerchantID") == account.get("merchant_id")
        && get("Terminal/ProvUserID") == account.get(user)
        && get("Terminal/HashData") == expected
}

/// A sale or pre-authorisation: after a 3D authentication (`Secure3D/Md`) or with the card.
fn pay(sim: &Sim, key: &OrderKey, doc: &Element) -> Response {
    let get = |path: &str| doc.text_at(path).unwrap_or_default();
    let order_id = &key.order_id;
    let Some(money) = kurus(&get("Transaction/Amount"), &get("Transaction/CurrencyCode")) else {
        return answer(order_id, &Outcome::refused("0002", "Tutar hatali"));
    };
    let installments: u32 = get("Transaction/InstallmentCnt").parse().unwrap_or(1);
    let md = get("Transaction/Secure3D/Md");
    let pan = if !md.is_empty() {
        let Some(a) = sim.sessions.take_authenticated(&md) else {
            return answer(order_id, &Outcome::refused("0122", "3D dogrulama bulunamadi veya daha once kullanildi"));
        };
        let s = &a.session;
        if s.order_id != *order_id || s.amount != money || s.installments.max(1) != installments.max(1) {
            sim.sessions.keep_authenticated(a);
            return answer(order_id, &Outcome::refused("0123", "Islem bilgileri 3D dogrulama ile uyusmuyor"));
        }
        a.session.pan
    } else {
        let expiry = get("Card/ExpireDate");
        let (month, year) = (expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or(""));
        match bank::card(&get("Card/Number"), month, year) {
            Some(pan) => pan,
            None => return answer(order_id, &Outcome::refused("0014", "Kart numarasi hatali")),
        }
    };
    let payment = NewPayment {
        kind: if get("Transaction/Type") == "preauth" { Kind::PreAuth } else { Kind::Sale },
        amount: money.minor(),
        currency: money.currency().alpha.into(),
        installments,
        approved: true,
        masked_pan: bank::mask(&pan),
    };
    let Some((booked, delivery)) = bank::book(sim, key, payment, cards::outcome(&pan)) else {
        return bank::server_error();
    };
    let outcome = match booked.verdict {
        Verdict::Approved => Outcome::approved(&booked.entry),
        Verdict::Declined => Outcome {
            source: "HOST",
            code: "51",
            reason: "51",
            message: "Declined",
            error: "Yetersiz bakiye".into(),
            entry: Some(booked.entry),
        },
        Verdict::Refused(r) => {
            let (reason, text) = refusal(r);
            Outcome::refused(reason, text)
        }
    };
    bank::deliver(sim, answer(order_id, &outcome), delivery)
}

/// `orderinq`: the payment's state and amounts in kuruş.
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let Some(state) = sim.ledger.state(key) else {
        return answer(&key.order_id, &Outcome::refused("0110", "İşlem bulunamadı"));
    };
    let OrderState { payment, captured, voided, .. } = &state;
    let open_preauth = payment.kind == Kind::PreAuth && *captured == 0;
    let status = if *voided {
        "VOIDED"
    } else if open_preauth {
        "WAITINGPOSTAUTH"
    } else {
        "APPROVED"
    };
    let preauth_amount = if payment.kind == Kind::PreAuth { payment.amount } else { 0 };
    let inquiry = Element::new("OrderInqResult")
        .leaf("ChargeType", "S")
        .leaf("PreAuthAmount", preauth_amount.to_string())
        .leaf("AuthAmount", captured.to_string())
        .leaf("AuthDate", payment.created_at.as_str())
        .leaf("Status", status)
        .leaf("InstallmentCnt", payment.installments.to_string())
        .leaf("CardNumberMasked", payment.masked_pan.as_str())
        .leaf("Code", "00")
        .leaf("ReasonCode", "00")
        .leaf("RetrefNum", payment.host_ref())
        .leaf("AuthCode", payment.auth_code());
    let outcome = Outcome::approved(payment);
    xml_response(document(&key.order_id, Some(inquiry), &outcome))
}

/// The `Transaction/Response` of an answer, and the booked line it is about.
struct Outcome {
    source: &'static str,
    code: &'static str,
    reason: &'static str,
    message: &'static str,
    error: String,
    entry: Option<Entry>,
}

impl Outcome {
    fn approved(e: &Entry) -> Outcome {
        Outcome {
            source: "HOST",
            code: "00",
            reason: "00",
            message: "Approved",
            error: String::new(),
            entry: Some(e.clone()),
        }
    }

    /// GVPS refuses before the host sees anything: code 92, "Declined".
    fn refused(reason: &'static str, text: &str) -> Outcome {
        Outcome { source: "GVPS", code: "92", reason, message: "Declined", error: text.into(), entry: None }
    }
}

fn document(order_id: &str, inquiry: Option<Element>, o: &Outcome) -> Element {
    let approved = o.entry.as_ref().filter(|e| e.approved);
    let mut order = Element::new("Order").leaf("OrderID", order_id).leaf("GroupID", "");
    if let Some(i) = inquiry {
        order = order.child(i);
    }
    Element::new("GVPSResponse").leaf("Mode", "").child(order).child(
        Element::new("Transaction")
            .child(
                Element::new("Response")
                    .leaf("Source", o.source)
                    .leaf("Code", o.code)
                    .leaf("ReasonCode", o.reason)
                    .leaf("Message", o.message)
                    .leaf("ErrorMsg", o.error.as_str())
                    .leaf("SysErrMsg", ""),
            )
            .leaf("RetrefNum", approved.map(Entry::host_ref).unwrap_or_default())
            .leaf("AuthCode", approved.map(Entry::auth_code).unwrap_or_default())
            .leaf("BatchNum", "004951")
            .leaf("SequenceNum", approved.map(|e| format!("{:06}", e.id)).unwrap_or_default())
            .leaf("ProvDate", clock::turkish("yyyyMMdd HH:mm:ss"))
            .leaf("CardNumberMasked", o.entry.as_ref().map(|e| e.masked_pan.as_str()).unwrap_or("")),
    )
}

fn answer(order_id: &str, o: &Outcome) -> Response {
    xml_response(document(order_id, None, o))
}

fn xml_response(doc: Element) -> Response {
    Response::new(200, "text/xml; charset=UTF-8", doc.to_xml(Some("UTF-8")))
}

/// Reason code and text of a refusal. "İşlem bulunamadı" (0110) and "İade etmek istediğiniz işlem
/// geçerli değil" (0208) are Garanti's (GarantiPosResponseDataMapperTest); the others are the
/// simulator's.
fn refusal(r: Refusal) -> (&'static str, &'static str) {
    match r {
        Refusal::NotFound => ("0110", "İşlem bulunamadı"),
        Refusal::OverRefund | Refusal::Voided => ("0208", "İade etmek istediğiniz işlem geçerli değil"),
        Refusal::DuplicateOrder => ("0207", "Bu siparis numarasi daha once kullanilmis"),
        Refusal::NotCapturable => ("0209", "Kapatilacak on provizyon bulunamadi"),
        Refusal::HasRefunds => ("0210", "Iadesi olan islem iptal edilemez"),
    }
}
