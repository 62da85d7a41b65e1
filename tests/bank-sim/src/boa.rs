//! KuveytTürk and Vakıf Katılım: the "BOA" virtual POS both banks run, docs/pos-protocols.md §6.
//! XML messages to gates below the `api` address, signed with `HashData` = b64(SHA1(MerchantId .
//! MerchantOrderId . Amount . OkUrl . FailUrl . UserName . HashedPassword)). The 3D enrollment
//! (`ThreeDModelPayGate`, with the card) answers an HTML page whose form takes the shopper to the
//! ACS; the bank posts back (KuveytTürk: `AuthenticationResponse`, URL-encoded XML; Vakıf
//! Katılım: plain fields) with its `HashData` over MerchantOrderId . RRN . ResponseCode . OrderId;
//! the shop provisions with the callback's `MD`. KuveytTürk's refunds, cancels and status queries
//! are SOAP; Vakıf Katılım's are more XML gates.

use crate::bank;
use crate::cards;
use crate::http::{escape, page, Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, signature, Family, Sim};
use sanalpos_core::gateway::text::{decode_text, urlencode};
use sanalpos_core::gateway::xml::Element;
use sanalpos_core::money::{Currency, Money};
use serde_json::json;

/// One protocol, two banks.
pub struct Boa {
    id: &'static str,
    vakif: bool,
}

pub static KUVEYT: Boa = Boa { id: "kuveyt", vakif: false };
pub static VAKIF_KATILIM: Boa = Boa { id: "vakif_katilim", vakif: true };

const SUCCESS: &str = "00";
const ANSWER_ROOT: &str = "VPosTransactionResponseContract";
const SOAP_NS: &str = "http://boa.net/BOA.Integration.VirtualPos/Service";

impl Family for Boa {
    fn id(&self) -> &'static str {
        self.id
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        if self.vakif {
            &[("api", "VirtualPOS.Gateway/Home")]
        } else {
            &[
                ("api", "boa.virtualpos.services/Home"),
                ("soap", "BOA.Integration.WCFService/BOA.Integration.VirtualPos/VirtualPosService.svc/Basic"),
            ]
        }
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        let Some(account) = sim.merchants.account(self.id) else { return Response::not_found() };
        match endpoint {
            "soap" => self.soap(sim, &account, req),
            _ => self.gate(sim, &account, req.path.rsplit('/').next().unwrap_or(""), &decode_text(&req.body)),
        }
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(self.id) else { return (session.fail_url.clone(), Vec::new()) };
        let (code, message) = match auth.md_status {
            "1" => (SUCCESS, "Kart doğrulandı."),
            "0" => ("MPIAuthenticationStatusN", "3D doğrulama başarısız."),
            _ => ("MPIAuthenticationStatusA", "Kart 3D Secure'a kayıtlı değil."),
        };
        let bank_order = session.echoed("BankOrderId").to_string();
        let fields = [
            ("MerchantOrderId", session.order_id.clone()),
            ("RRN", String::new()),
            ("ResponseCode", code.to_string()),
            ("OrderId", bank_order.clone()),
        ];
        let hash = response_hash(&account, &fields);
        let url = if code == SUCCESS { session.ok_url.clone() } else { session.fail_url.clone() };
        if self.vakif {
            let mut post: Vec<(String, String)> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            post.extend([
                ("ResponseMessage".to_string(), message.to_string()),
                ("ProvisionNumber".to_string(), String::new()),
                ("Stan".to_string(), String::new()),
                ("HashData".to_string(), hash),
                ("MD".to_string(), auth.md.clone()),
            ]);
            return (url, post);
        }
        let echo = Element::new("VPosMessage")
            .leaf("OrderId", "0")
            .leaf("MerchantId", account.get("merchant_id"))
            .leaf("CustomerId", account.get("customer_id"))
            .leaf("UserName", account.get("username"))
            .leaf("CardNumber", session.masked_pan())
            .leaf(
                "InstallmentCount",
                if session.installments > 1 { session.installments.to_string() } else { "0".into() },
            )
            .leaf("Amount", session.amount.minor_units())
            .leaf("DisplayAmount", session.amount.minor_units())
            .leaf("CurrencyCode", currency_code(self.vakif, session.amount.currency()))
            .leaf("MerchantOrderId", session.order_id.as_str())
            .leaf("TransactionSecurity", "3");
        let xml = Element::new(ANSWER_ROOT)
            .child(echo)
            .leaf("IsEnrolled", "true")
            .leaf("IsVirtual", "false")
            .leaf("ResponseCode", code)
            .leaf("ResponseMessage", message)
            .leaf("OrderId", bank_order)
            .leaf("TransactionTime", clock::turkish("yyyy-MM-ddTHH:mm:ss"))
            .leaf("MerchantOrderId", session.order_id.as_str())
            .leaf("HashData", hash)
            .leaf("MD", auth.md.as_str())
            .to_xml(None);
        // The value is the URL-encoded XML, as the bank posts it.
        (url, vec![("AuthenticationResponse".to_string(), urlencode(&xml))])
    }
}

/// The bank's `HashData` over MerchantOrderId . RRN . ResponseCode . OrderId.
fn response_hash(account: &Account, fields: &[(&str, String); 4]) -> String {
    let response: serde_json::Map<String, serde_json::Value> =
        fields.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    signature("kuveyt_response_hash", json!({"password": account.get("password"), "response": response}))
}

/// The four-digit currency codes (Vakıf Katılım: RUB as 0810).
fn currency_code(vakif: bool, currency: &Currency) -> String {
    if vakif && currency.alpha == "RUB" {
        "0810".into()
    } else {
        format!("{:04}", currency.numeric)
    }
}

fn currency_of(code: &str) -> Option<&'static Currency> {
    if code.trim_start_matches('0') == "810" {
        return Currency::find("RUB").ok();
    }
    Currency::find(&format!("{:03}", code.trim_start_matches('0').parse::<u16>().ok()?)).ok()
}

impl Boa {
    /// A message to one of the gates below `api`.
    fn gate(&self, sim: &Sim, account: &Account, gate: &str, body: &str) -> Response {
        let Ok(doc) = Element::parse(body) else { return answer(&Reply::error("", "XmlError", "XML hatalı.")) };
        let get = |path: &str| doc.text_at(path).unwrap_or_default();
        let order_id = get("MerchantOrderId");
        if !self.authentic(account, &doc) {
            return answer(&Reply::error(&order_id, "HashDataError", "Şifrelenen veriler (Hashdata) uyuşmamaktadır."));
        }
        let key = OrderKey { family: self.id, merchant: account.get("merchant_id").into(), order_id: order_id.clone() };
        let money = || {
            let currency = currency_of(&if self.vakif { get("FECCurrencyCode") } else { get("CurrencyCode") })
                .or_else(|| currency_of(&get("CurrencyCode")))
                .unwrap_or(Currency::try_());
            Money::from_minor(get("Amount").parse().ok().filter(|m: &i64| *m > 0)?, currency).ok()
        };
        let installments = get("InstallmentCount").parse::<u32>().unwrap_or(0).max(1);
        let card = || {
            bank::card(&get("CardNumber"), &get("CardExpireDateMonth"), &get("CardExpireDateYear"))
                .ok_or_else(|| answer(&Reply::error(&order_id, "CardNumberError", "Kart numarası hatalı.")))
        };
        let result = match gate {
            "ThreeDModelPayGate" => {
                let pan = match card() {
                    Ok(pan) => pan,
                    Err(r) => return r,
                };
                let Some(amount) = money() else {
                    return answer(&Reply::error(&order_id, "AmountError", "Tutar hatalı."));
                };
                return self.enroll(sim, account, &get, pan, amount, installments);
            }
            "ThreeDModelProvisionGate" => return self.provision(sim, &key, &doc, money(), installments),
            "Non3DPayGate" | "PreAuthorizaten" => {
                let pan = match card() {
                    Ok(pan) => pan,
                    Err(r) => return r,
                };
                let Some(amount) = money() else {
                    return answer(&Reply::error(&order_id, "AmountError", "Tutar hatalı."));
                };
                return pay(sim, &key, amount, installments, gate == "PreAuthorizaten", &pan);
            }
            "SelectOrderByMerchantOrderId" => return status(sim, &key, self.vakif),
            "PreAuthorizatenClose" => sim.ledger.capture(&key, None),
            "SaleReversal" | "PreAuthorizationReversal" => sim.ledger.cancel(&key),
            "DrawBack" | "PreAuthorizationDrawBack" => whole_refund(sim, &key),
            "PartialDrawBack" => match money() {
                Some(m) => sim.ledger.refund(&key, m.minor()),
                None => return answer(&Reply::error(&order_id, "AmountError", "Tutar hatalı.")),
            },
            _ => return answer(&Reply::error(&order_id, "InvalidTransactionType", "İşlem tipi desteklenmiyor.")),
        };
        match result {
            Ok((e, _)) => answer(&Reply::approved(&order_id, &e)),
            Err(r) => answer(&Reply::error(&order_id, refusal(r).0, refusal(r).1)),
        }
    }

    /// The message's identity and `HashData`; Vakıf Katılım's messages also carry `HashPassword`.
    fn authentic(&self, account: &Account, doc: &Element) -> bool {
        let get = |path: &str| doc.text_at(path).unwrap_or_default();
        let hashed = signature("kuveyt_hashed_password", json!({"password": account.get("password")}));
        let request: serde_json::Map<String, serde_json::Value> =
            ["MerchantId", "MerchantOrderId", "Amount", "OkUrl", "FailUrl", "UserName"]
                .iter()
                .map(|k| (k.to_string(), json!(get(k))))
                .collect();
        let expected = signature("kuveyt_hash", json!({"password": account.get("password"), "request": request}));
        get("MerchantId") == account.get("merchant_id")
            && get("CustomerId") == account.get("customer_id")
            && get("UserName") == account.get("username")
            && get("HashData") == expected
            && doc.text_at("HashPassword").is_none_or(|h| h == hashed)
    }

    /// `ThreeDModelPayGate`: opens the 3D session and answers the page that takes the shopper to
    /// the ACS (or, for a card decided without a challenge, straight back to the shop).
    fn enroll(
        &self,
        sim: &Sim,
        account: &Account,
        get: &dyn Fn(&str) -> String,
        pan: String,
        amount: Money,
        installments: u32,
    ) -> Response {
        let session = Session {
            family: self.id,
            merchant: account.get("merchant_id").into(),
            merchant_name: account.name.into(),
            model: Model::ThreeD,
            order_id: get("MerchantOrderId"),
            amount,
            installments,
            preauth: false,
            pan,
            ok_url: get("OkUrl"),
            fail_url: get("FailUrl"),
            echo: vec![("BankOrderId".into(), format!("{}", 10_000_000 + clock::random_u64() % 90_000_000))],
        };
        let acs = sim.sessions.open(session);
        // The bank's page: a form that posts the shopper on to the ACS.
        Response::html(page(
            "3-D Secure",
            &format!(
                "<form id=\"acs\" method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"Session\" value=\"{}\"></form>\
                 <script>document.getElementById('acs').submit();</script>",
                escape(&acs),
                escape(acs.rsplit('/').next().unwrap_or(""))
            ),
        ))
    }

    /// `ThreeDModelProvisionGate`: the authentication the `MD` names, once, for the same order.
    fn provision(
        &self,
        sim: &Sim,
        key: &OrderKey,
        doc: &Element,
        amount: Option<Money>,
        installments: u32,
    ) -> Response {
        let md = doc.find_deep("Data").map(Element::inner_text).unwrap_or_default();
        let Some(a) = sim.sessions.take_authenticated(&md) else {
            return answer(&Reply::error(
                &key.order_id,
                "MetaDataNotFound",
                "3D doğrulama bulunamadı veya daha önce kullanıldı.",
            ));
        };
        let s = &a.session;
        if s.order_id != key.order_id
            || Some(s.amount.minor()) != amount.map(|m| m.minor())
            || s.installments != installments
        {
            sim.sessions.keep_authenticated(a);
            return answer(&Reply::error(
                &key.order_id,
                "InvalidProvisionData",
                "İşlem bilgileri 3D doğrulama ile uyuşmuyor.",
            ));
        }
        let s = a.session;
        pay(sim, key, s.amount, s.installments, false, &s.pan)
    }

    /// KuveytTürk's SOAP service: refunds, cancels and status queries.
    fn soap(&self, sim: &Sim, account: &Account, req: &Request) -> Response {
        let Some(body) = Element::parse(&decode_text(&req.body)).ok().and_then(|d| d.soap_body().cloned()) else {
            return soap_fault("Geçersiz SOAP isteği");
        };
        let action = body.local_name().to_string();
        let request = body.find("request").cloned().unwrap_or_default();
        let vpos = request.find("VPosMessage").cloned().unwrap_or_default();
        if !self.authentic(account, &vpos) {
            return soap_answer(&action, Err(("HashDataError", "Şifrelenen veriler (Hashdata) uyuşmamaktadır.")), None);
        }
        let order_id = vpos.text_at("MerchantOrderId").unwrap_or_default();
        let key = OrderKey { family: self.id, merchant: account.get("merchant_id").into(), order_id: order_id.clone() };
        let amount = vpos.text_at("Amount").and_then(|a| a.parse::<i64>().ok()).unwrap_or(0);
        let result = match action.as_str() {
            "GetMerchantOrderDetail" => {
                let mut value = Element::new("Value");
                if let Some(contract) = order_contracts(sim, &key, self.vakif) {
                    value.push(contract);
                }
                return soap_answer(&action, Ok(()), Some(value));
            }
            "SaleReversal" => sim.ledger.cancel(&key),
            "DrawBack" => whole_refund(sim, &key),
            "PartialDrawback" => sim.ledger.refund(&key, amount),
            _ => return soap_fault("Bilinmeyen işlem"),
        };
        match result {
            Ok((e, _)) => soap_answer(&action, Ok(()), Some(Reply::approved(&order_id, &e).element())),
            Err(r) => soap_answer(&action, Err(refusal(r)), None),
        }
    }
}

/// A refund of everything captured (DrawBack).
fn whole_refund(sim: &Sim, key: &OrderKey) -> Result<(Entry, OrderState), Refusal> {
    let captured = sim.ledger.state(key).map_or(0, |s| s.captured);
    sim.ledger.refund(key, captured)
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
        Verdict::Declined => Reply::error(&key.order_id, "51", "Yetersiz bakiye."),
        Verdict::Refused(r) => Reply::error(&key.order_id, refusal(r).0, refusal(r).1),
    };
    bank::deliver(sim, answer(&reply), delivery)
}

/// The order's `OrderContract`: LastOrderStatus 1 paid, 4 refunded, 5 partially refunded, 6
/// cancelled; amounts as decimals.
fn order_contracts(sim: &Sim, key: &OrderKey, vakif: bool) -> Option<Element> {
    let OrderState { payment, captured, refunded, voided } = sim.ledger.state(key)?;
    let currency = Currency::find(&payment.currency).ok()?;
    let decimal = |minor: i64| Money::from_minor(minor, currency).map(|m| m.decimal()).unwrap_or_default();
    let last = if voided {
        "6"
    } else if refunded > 0 && refunded < captured {
        "5"
    } else if refunded > 0 {
        "4"
    } else {
        "1"
    };
    Some(
        Element::new("OrderContract")
            .leaf("MerchantOrderId", key.order_id.as_str())
            .leaf("FEC", currency_code(vakif, currency))
            .leaf("ResponseCode", SUCCESS)
            .leaf("LastOrderStatus", last)
            .leaf("FirstAmount", decimal(payment.amount))
            .leaf("DrawbackAmount", decimal(refunded)),
    )
}

/// Vakıf Katılım's `SelectOrderByMerchantOrderId`.
fn status(sim: &Sim, key: &OrderKey, vakif: bool) -> Response {
    let mut data = Element::new("VPosOrderData");
    if let Some(contract) = order_contracts(sim, key, vakif) {
        data.push(contract);
    }
    let reply = Reply { extra: Some(data), ..Reply::error(&key.order_id, SUCCESS, "") };
    answer(&reply)
}

struct Reply {
    order_id: String,
    code: &'static str,
    message: String,
    entry: Option<Entry>,
    extra: Option<Element>,
}

impl Reply {
    fn approved(order_id: &str, e: &Entry) -> Reply {
        Reply {
            order_id: order_id.into(),
            code: SUCCESS,
            message: "İşlem başarılı.".into(),
            entry: Some(e.clone()),
            extra: None,
        }
    }

    fn error(order_id: &str, code: &'static str, message: &str) -> Reply {
        Reply { order_id: order_id.into(), code, message: message.into(), entry: None, extra: None }
    }

    /// The answer's fields: code, message, the bank's order id and references of the booked line.
    fn element(&self) -> Element {
        let e = self.entry.as_ref();
        let mut el = Element::new("Value")
            .leaf("ResponseCode", self.code)
            .leaf("ResponseMessage", self.message.as_str())
            .leaf("OrderId", e.map(|e| (20_000_000 + e.id).to_string()).unwrap_or_else(|| "0".into()))
            .leaf("MerchantOrderId", self.order_id.as_str())
            .leaf("RRN", e.map(Entry::host_ref).unwrap_or_default())
            .leaf("Stan", e.map(|e| format!("{:06}", e.id)).unwrap_or_default())
            .leaf("ProvisionNumber", e.map(Entry::auth_code).unwrap_or_default());
        if let Some(extra) = &self.extra {
            el.push(extra.clone());
        }
        el
    }
}

/// A `VPosTransactionResponseContract`.
fn answer(r: &Reply) -> Response {
    let mut doc = r.element();
    doc.name = ANSWER_ROOT.into();
    Response::new(200, "text/xml; charset=UTF-8", doc.to_xml(Some("UTF-8")))
}

/// `<Op>Response/<Op>Result/{Results, Success, Value}`.
fn soap_answer(action: &str, outcome: Result<(), (&str, &str)>, value: Option<Element>) -> Response {
    let mut result = Element::new(format!("{action}Result"));
    match outcome {
        Ok(()) => {
            result.push(Element::new("Results"));
            result = result.leaf("Success", "true");
            result.push(value.unwrap_or_else(|| Element::new("Value")));
        }
        Err((code, message)) => {
            result.push(
                Element::new("Results")
                    .child(Element::new("Result").leaf("ErrorCode", code).leaf("ErrorMessage", message)),
            );
            result = result.leaf("Success", "false");
        }
    }
    let body = Element::new(format!("{action}Response")).attr("xmlns", SOAP_NS).child(result);
    let envelope = Element::soap_envelope("s", None, body, &[]);
    Response::new(200, "text/xml; charset=UTF-8", envelope.to_xml(None))
}

fn soap_fault(message: &str) -> Response {
    let fault = Element::new("s:Fault").leaf("faultcode", "s:Client").leaf("faultstring", message);
    Response::new(500, "text/xml; charset=UTF-8", Element::soap_envelope("s", None, fault, &[]).to_xml(None))
}

/// Code and words of a refusal (the simulator's own).
fn refusal(r: Refusal) -> (&'static str, &'static str) {
    match r {
        Refusal::DuplicateOrder => ("MerchantOrderIdAlreadyUsed", "Sipariş numarası daha önce kullanılmış."),
        Refusal::NotFound => ("OrderNotFound", "Sipariş bulunamadı."),
        Refusal::Voided => ("OrderAlreadyCancelled", "İptal edilmiş sipariş."),
        Refusal::NotCapturable => ("PreAuthorizationNotFound", "Kapatılacak ön provizyon bulunamadı."),
        Refusal::OverRefund => ("DrawbackAmountExceeded", "İade tutarı işlem tutarını aşıyor."),
        Refusal::HasRefunds => ("OrderHasDrawback", "İadesi yapılmış sipariş iptal edilemez."),
    }
}
