//! Yapı Kredi POSNET (XML), docs/pos-protocols.md §3.1–3.5: `PosnetWebService/XML` takes
//! `xmldata=<posnetRequest>` (ISO-8859-9); `3DSWebService/YKBPaymentService` is the 3D page. A 3D
//! payment runs through the bank four times: `oosRequestData` (the bank seals order and card into
//! `data1`/`data2`/`sign`), the browser's form to YKBPaymentService, the POST back with sealed
//! `BankPacket`/`MerchantPacket`/`Sign`, then `oosResolveMerchantData` (the bank opens them and
//! answers under a MAC) and `oosTranData` (the provision). The bank authenticates the merchant by
//! IP address and the MAC (`ENCKEY`).
//!
//! Answers follow the shapes of real YKB answers (mewebstudio/pos PosNetResponseDataMapperTest):
//! "E216 Mac Doğrulama hatalı", "0127 ORDERID DAHA ONCE KULLANILMIS" (approved 2),
//! "0148 INVALID MID TID IP".

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{signature, Family, Sim};
use sanalpos_core::gateway::crypto::{hash, Digest, Encoding};
use sanalpos_core::gateway::text::{decode_text, iso8859_9_encode};
use sanalpos_core::gateway::xml::Element;
use sanalpos_core::money::{Currency, CurrencyStyle, Money};
use serde_json::json;

pub struct PosNet;

const ID: &str = "posnet";

impl Family for PosNet {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("gate_3d", "3DSWebService/YKBPaymentService"), ("api", "PosnetWebService/XML")]
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        match endpoint {
            "gate_3d" => gate(sim, req),
            _ => api(sim, req),
        }
    }

    /// The POST back: the 3D result sealed for the bank, with a few unsigned echoes.
    fn callback(&self, _sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let (bank_packet, merchant_packet, sign) = packets(&auth.md);
        let fields = [
            ("MerchantPacket", merchant_packet),
            ("BankPacket", bank_packet),
            ("Sign", sign),
            ("CCPrefix", session.pan.get(..6).unwrap_or("").to_string()),
            ("TranType", if session.preauth { "Auth" } else { "Sale" }.to_string()),
            ("Amount", session.amount.minor_units()),
            ("Xid", session.order_id.clone()),
            ("MerchantId", session.merchant.clone()),
        ];
        (session.ok_url.clone(), fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
}

/// The sealed packets of an authentication: the bank packet names it, the merchant packet and
/// the sign are derived from it, so any change to one of the three is caught.
fn packets(md: &str) -> (String, String, String) {
    let merchant = hash(Digest::Sha256, Encoding::HexUpper, format!("merchant:{md}").as_bytes());
    let sign = hash(Digest::Sha256, Encoding::HexUpper, format!("{md}:{merchant}").as_bytes());
    (md.to_string(), merchant, sign.get(..32).unwrap_or("").to_string())
}

/// The authentication the packets name, if they are the bank's own.
fn opened(sim: &Sim, bank_packet: &str, merchant_packet: &str, sign: &str) -> Option<crate::three_d::Authenticated> {
    let (_, merchant, expected_sign) = packets(bank_packet);
    (merchant == merchant_packet && expected_sign == sign).then(|| sim.sessions.authentication(bank_packet))?
}

fn currency(code: &str) -> Option<&'static Currency> {
    sanalpos_core::money::CURRENCIES.iter().find(|c| c.code(CurrencyStyle::Posnet).as_deref() == Some(code))
}

/// An amount in kuruş (`10025`) and a POSNET currency code (`TL`).
fn kurus(text: &str, code: &str) -> Option<Money> {
    let minor: i64 = text.parse().ok().filter(|m| *m > 0)?;
    Money::from_minor(minor, currency(code)?).ok()
}

/// The MAC of requests: b64(SHA256(xid;amount;currency;merchantNo;firstHash)).
fn mac(account: &Account, xid: &str, amount: &str, currency: &str) -> String {
    signature(
        "posnet_mac",
        json!({"enc_key": account.get("enc_key"), "terminal_id": account.get("terminal_id"),
               "merchant_no": account.get("merchant_no"), "xid": xid, "amount": amount, "currency": currency}),
    )
}

/// `POST 3DSWebService/YKBPaymentService`: the browser brings the sealed request to the 3D page.
fn gate(sim: &Sim, req: &Request) -> Response {
    let form = req.form().unwrap_or_default();
    let data1 = form.text("posnetData");
    let Some(session) = sim.sessions.unstage(&data1) else {
        return Response::error_page(400, "İşlem verisi geçersiz", "posnetData is unknown or was already used.");
    };
    let (_, data2, digest) = sealed_request(&data1);
    if form.text("posnetData2") != data2 || form.text("digest") != digest || form.text("mid") != session.merchant {
        return Response::error_page(400, "İşlem verisi geçersiz", "posnetData2 or digest does not match posnetData.");
    }
    let return_url = form.text("merchantReturnURL");
    sim.sessions.redirect(Session { ok_url: return_url.clone(), fail_url: return_url, ..session })
}

/// `data1` (a fresh handle), `data2` and `sign` derived from it.
fn sealed_request(data1: &str) -> (String, String, String) {
    let data2 = hash(Digest::Sha256, Encoding::HexUpper, format!("card:{data1}").as_bytes());
    let sign = hash(Digest::Sha256, Encoding::HexUpper, format!("{data1}:{data2}").as_bytes());
    (data1.to_string(), data2, sign.get(..32).unwrap_or("").to_string())
}

/// `POST PosnetWebService/XML`.
fn api(sim: &Sim, req: &Request) -> Response {
    let xml = req.form().map(|f| decode_text(f.bytes("xmldata"))).unwrap_or_default();
    let Ok(doc) =
        Element::parse(&xml)
            .map_err(|_| ())
            .and_then(|d| if d.local_name() == "posnetRequest" { Ok(d) } else { Err(()) })
    else {
        return answer(Reply::refused("0001", "XML HATALI"));
    };
    let get = |path: &str| doc.text_at(path).unwrap_or_default();
    let account =
        sim.merchants.account(ID).filter(|a| a.get("merchant_no") == get("mid") && a.get("terminal_id") == get("tid"));
    let Some(account) = account else {
        return answer(Reply::refused("0148", "INVALID MID TID IP"));
    };
    let Some(body) = doc.elements().find(|e| !matches!(e.local_name(), "mid" | "tid" | "tranDateRequired")) else {
        return answer(Reply::refused("0001", "PAKET HATALI"));
    };
    let key = |order: &str| OrderKey { family: ID, merchant: get("mid"), order_id: strip(order).to_string() };
    let field = |name: &str| body.text_at(name).unwrap_or_default();
    // Captures, refunds and reverses name the payment by its host log key, or by order id.
    let target = || match field("hostLogKey") {
        k if k.is_empty() => Some(key(&field("orderID"))),
        k => sim.ledger.key_of_host_ref(ID, &k),
    };
    let after_sale = |result: Result<(Entry, _), _>| match result {
        Ok((e, _)) => answer(Reply::approved(&e)),
        Err(r) => answer(Reply::refused("0876", refusal(r))),
    };
    match body.local_name() {
        "oosRequestData" => oos_request(sim, &account, &get("mid"), body),
        "oosResolveMerchantData" => resolve(sim, &account, body, false),
        "oosTranData" => resolve(sim, &account, body, true),
        "sale" | "auth" => {
            let expiry = field("expDate");
            let (year, month) = (expiry.get(..2).unwrap_or(""), expiry.get(2..).unwrap_or(""));
            let Some(pan) = bank::card(&field("ccno"), month, year) else {
                return answer(Reply::refused("0014", "KART NUMARASI HATALI"));
            };
            let Some(money) = kurus(&field("amount"), &field("currencyCode")) else {
                return answer(Reply::refused("0002", "TUTAR HATALI"));
            };
            let preauth = body.local_name() == "auth";
            pay(sim, &key(&field("orderID")), money, installments(&field("installment")), preauth, &pan)
        }
        "capt" => match (target(), kurus(&field("amount"), &field("currencyCode"))) {
            (Some(k), Some(m)) => after_sale(sim.ledger.capture(&k, Some(m.minor()))),
            _ => answer(Reply::refused("0876", "ISLEM BULUNAMADI")),
        },
        "return" => match (target(), kurus(&field("amount"), &field("currencyCode"))) {
            (Some(k), Some(m)) => after_sale(sim.ledger.refund(&k, m.minor())),
            _ => answer(Reply::refused("0876", "ISLEM BULUNAMADI")),
        },
        "reverse" => match target() {
            Some(k) => after_sale(sim.ledger.cancel(&k)),
            None => answer(Reply::refused("0876", "ISLEM BULUNAMADI")),
        },
        "agreement" => status(sim, &key(&field("orderID"))),
        _ => answer(Reply::refused("0001", "PAKET HATALI")),
    }
}

/// A 24-character order reference (`TDSC` or `0000` + the 20-character xid) as its xid.
fn strip(order: &str) -> &str {
    if order.len() == 24 {
        order.get(4..).unwrap_or(order)
    } else {
        order
    }
}

fn installments(text: &str) -> u32 {
    text.parse::<u32>().unwrap_or(0).max(1)
}

/// Step 1: seals the order and the card for the browser form.
fn oos_request(sim: &Sim, account: &Account, mid: &str, body: &Element) -> Response {
    let f = |name: &str| body.text_at(name).unwrap_or_default();
    if f("posnetid") != account.get("posnet_id") {
        return answer(Reply::refused("0148", "INVALID POSNET ID"));
    }
    let expiry = f("expDate");
    let Some(pan) = bank::card(&f("ccno"), expiry.get(2..).unwrap_or(""), expiry.get(..2).unwrap_or("")) else {
        return answer(Reply::refused("0014", "KART NUMARASI HATALI"));
    };
    let Some(amount) = kurus(&f("amount"), &f("currencyCode")) else {
        return answer(Reply::refused("0002", "TUTAR HATALI"));
    };
    let xid = f("XID");
    if xid.len() != 20 {
        return answer(Reply::refused("0001", "PAKET HATALI (XID)"));
    }
    let (data1, data2, sign) = sealed_request(&crate::clock::random_hex(64));
    let session = Session {
        family: ID,
        merchant: mid.to_string(),
        merchant_name: account.name.to_string(),
        model: Model::ThreeD,
        order_id: xid,
        amount,
        installments: installments(&f("installment")),
        preauth: f("tranType") == "Auth",
        pan,
        ok_url: String::new(),
        fail_url: String::new(),
        echo: Vec::new(),
    };
    sim.sessions.stage(data1.clone(), session);
    let data = Element::new("oosRequestDataResponse").leaf("data1", data1).leaf("data2", data2).leaf("sign", sign);
    answer(Reply { extra: Some(data), ..Reply::ok() })
}

/// `oosResolveMerchantData` (the 3D result under the bank's MAC) and `oosTranData` (the
/// provision): both carry the packets and the merchant's MAC over xid, amount and currency.
fn resolve(sim: &Sim, account: &Account, body: &Element, provision: bool) -> Response {
    let f = |name: &str| body.text_at(name).unwrap_or_default();
    let Some(found) = opened(sim, &f("bankData"), &f("merchantData"), &f("sign")) else {
        return answer(Reply::refused("0225", "PAKET COZULEMEDI"));
    };
    let s = &found.session;
    let (xid, amount, currency) = (s.order_id.clone(), s.amount.minor_units(), "TL".to_string());
    if f("mac") != mac(account, &xid, &amount, &currency) {
        return answer(Reply::refused("E216", "Mac Doğrulama hatalı"));
    }
    let md = found.auth.md_status;
    if !provision {
        let response_mac = signature(
            "posnet_response_mac",
            json!({"enc_key": account.get("enc_key"), "terminal_id": account.get("terminal_id"), "merchant_no": account.get("merchant_no"),
                   "response": {"mdStatus": md, "xid": xid, "amount": amount, "currency": currency}}),
        );
        let data = Element::new("oosResolveMerchantDataResponse")
            .leaf("xid", xid.as_str())
            .leaf("amount", amount.as_str())
            .leaf("currency", currency.as_str())
            .leaf("installment", format!("{:02}", if s.installments > 1 { s.installments } else { 0 }))
            .leaf("point", "0")
            .leaf("pointAmount", "0")
            .leaf("txStatus", if found.auth.authenticated() { "Y" } else { "N" })
            .leaf("mdStatus", md)
            .leaf("mdErrorMessage", if md == "1" { "Authenticated" } else { "Not authenticated" })
            .leaf("mac", response_mac);
        return answer(Reply { extra: Some(data), ..Reply::ok() });
    }
    let key = s.key();
    if let Some(state) = sim.ledger.state(&key) {
        return answer(
            Reply { approved: "2", ..Reply::refused("0127", "ORDERID DAHA ONCE KULLANILMIS") }.with(&state.payment),
        );
    }
    let Some(a) = sim.sessions.take_authenticated(&found.auth.md) else {
        return answer(Reply::refused("0226", "3D DOGRULAMA BASARISIZ"));
    };
    let s = a.session;
    pay(sim, &key, s.amount, s.installments, s.preauth, &s.pan)
}

/// Books a sale or an authorisation under the card's outcome.
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
        Verdict::Approved => Reply::approved(&booked.entry),
        Verdict::Declined => Reply::refused("0051", "YETERSIZ BAKIYE"),
        Verdict::Refused(_) => match sim.ledger.state(key) {
            Some(s) => {
                Reply { approved: "2", ..Reply::refused("0127", "ORDERID DAHA ONCE KULLANILMIS") }.with(&s.payment)
            }
            None => Reply::refused("0127", "ORDERID DAHA ONCE KULLANILMIS"),
        },
    };
    bank::deliver(sim, answer(reply), delivery)
}

/// `agreement`: every booked line of the order, amounts as `1.025,00`.
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let lines: Vec<Entry> = sim
        .ledger
        .entries(Some(&key.order_id))
        .into_iter()
        .filter(|(k, e)| k.family == ID && k.merchant == key.merchant && e.approved)
        .map(|(_, e)| e)
        .collect();
    if lines.is_empty() {
        return answer(Reply::refused("0876", "ISLEM BULUNAMADI"));
    }
    let mut transactions = Element::new("transactions");
    for e in &lines {
        let state = match e.kind {
            Kind::Sale => "Sale",
            Kind::PreAuth => "Auth",
            Kind::Capture => "Capt",
            Kind::Refund => "Return",
            Kind::Cancel => "reverse",
        };
        let amount = Currency::find(&e.currency).ok().and_then(|c| Money::from_minor(e.amount, c).ok());
        transactions.push(
            Element::new("transaction")
                .leaf("orderID", format!("TDSC{}", key.order_id))
                .leaf("ccno", e.masked_pan.as_str())
                .leaf("amount", amount.map(|m| m.decimal_comma()).unwrap_or_default())
                .leaf("currencyCode", "TL")
                .leaf("authCode", e.auth_code())
                .leaf("tranDate", e.created_at.as_str())
                .leaf("state", state)
                .leaf("txnStatus", "1")
                .leaf("hostlogkey", e.host_ref()),
        );
    }
    answer(Reply { extra: Some(transactions), ..Reply::ok() })
}

/// A `posnetResponse`.
struct Reply {
    approved: &'static str,
    code: &'static str,
    text: String,
    refs: Option<(String, String)>,
    extra: Option<Element>,
}

impl Reply {
    fn ok() -> Reply {
        Reply { approved: "1", code: "", text: String::new(), refs: None, extra: None }
    }

    fn approved(e: &Entry) -> Reply {
        Reply::ok().with(e)
    }

    fn refused(code: &'static str, text: &str) -> Reply {
        Reply { approved: "0", code, text: text.into(), refs: None, extra: None }
    }

    /// With the host log key and auth code of a booked line.
    fn with(self, e: &Entry) -> Reply {
        Reply { refs: Some((e.host_ref(), e.auth_code())), ..self }
    }
}

fn answer(r: Reply) -> Response {
    let mut doc =
        Element::new("posnetResponse").leaf("approved", r.approved).leaf("respCode", r.code).leaf("respText", r.text);
    if let Some((host, auth)) = r.refs {
        doc = doc.leaf("hostlogkey", host).leaf("authCode", auth);
    }
    if let Some(extra) = r.extra {
        doc = doc.child(extra);
    }
    Response::new(200, "text/xml; charset=ISO-8859-9", iso8859_9_encode(&doc.to_xml(Some("ISO-8859-9"))))
}

/// The bank's words for a refusal of an after-sale operation (the simulator's own).
fn refusal(r: crate::ledger::Refusal) -> &'static str {
    use crate::ledger::Refusal::*;
    match r {
        DuplicateOrder => "ORDERID DAHA ONCE KULLANILMIS",
        NotFound => "ISLEM BULUNAMADI",
        Voided => "IPTAL EDILMIS ISLEM",
        NotCapturable => "KAPATILACAK PROVIZYON BULUNAMADI",
        OverRefund => "IADE TUTARI ISLEM TUTARINI ASIYOR",
        HasRefunds => "IADESI OLAN ISLEM IPTAL EDILEMEZ",
    }
}
