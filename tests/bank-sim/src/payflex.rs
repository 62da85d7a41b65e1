//! VakıfBank PayFlex (İnnova PayFlex v4), docs/pos-protocols.md §7: nothing is signed; the
//! merchant password travels in clear. `payflex`: the MPI enrollment (`MPI_Enrollment.aspx`,
//! server-to-server with the card) answers `VERes` with the ACS address; the ACS posts the 3D
//! result back; the provision and every after-sale operation go to the VPOS (`Vposreq.aspx`,
//! `prmstr=<VposRequest>`), status queries to the search service. `payflex_cp` (Common Payment):
//! the shop registers the payment (card included for `3d_pay`), the shopper's browser opens the
//! bank's page with the token, the bank charges and sends the shopper back with a GET, and the
//! result query tells the shop what happened.

use crate::bank;
use crate::cards;
use crate::http::{Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, Family, Sim};
use sanalpos_core::gateway::text::decode_text;
use sanalpos_core::gateway::xml::Element;
use sanalpos_core::gateway::RawPost;
use sanalpos_core::money::{Currency, Money, Sign};

pub struct PayFlex {
    common_payment: bool,
}

pub static PAYFLEX: PayFlex = PayFlex { common_payment: false };
pub static PAYFLEX_CP: PayFlex = PayFlex { common_payment: true };

const APPROVED: &str = "0000";

impl Family for PayFlex {
    fn id(&self) -> &'static str {
        if self.common_payment {
            "payflex_cp"
        } else {
            "payflex"
        }
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        if self.common_payment {
            &[
                ("cp_register", "CommonPayment/api/RegisterTransaction"),
                ("cp_query", "CommonPayment/api/VposTransaction"),
                ("_cp_page", "CommonPayment/SecurePayment"),
                ("api", "VposService/v3/Vposreq.aspx"),
                ("search", "UIService/Search.aspx"),
            ]
        } else {
            &[
                ("gate_mpi", "MPIAPI/MPI_Enrollment.aspx"),
                ("api", "VposService/v3/Vposreq.aspx"),
                ("search", "UIService/Search.aspx"),
            ]
        }
    }

    fn serve(&self, sim: &Sim, endpoint: &str, req: &Request) -> Response {
        let Some(account) = sim.merchants.account(self.id()) else { return Response::not_found() };
        let form = req.form().unwrap_or_default();
        match endpoint {
            "gate_mpi" => self.enroll(sim, &account, &form, &base_url(req)),
            "cp_register" => self.register(sim, &account, &form, &base_url(req)),
            "_cp_page" => {
                match req.param("Ptkn").or_else(|| form.opt_text("Ptkn")).and_then(|t| sim.sessions.unstage(&t)) {
                    Some(session) => sim.sessions.redirect(session),
                    None => Response::error_page(
                        404,
                        "Ödeme bulunamadı",
                        "The payment token is unknown or was already used.",
                    ),
                }
            }
            "cp_query" => self.query(sim, &account, &form),
            "search" => self.search(sim, &account, &decode_text(form.bytes("prmstr"))),
            _ => self.vpos(sim, &account, &decode_text(form.bytes("prmstr"))),
        }
    }

    fn callback(&self, _sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let url = if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() };
        if self.common_payment {
            let token = session.echoed("PaymentToken").to_string();
            let entry = auth.charge.as_ref().map(|b| &b.entry);
            let fields = match auth.charge.as_ref().map(|b| b.verdict) {
                Some(Verdict::Approved) => {
                    vec![("TransactionId", entry.map(Entry::trans_id).unwrap_or_default()), ("PaymentToken", token)]
                }
                verdict => {
                    let (rc, message) = match verdict {
                        Some(Verdict::Declined) => ("0051", "Yetersiz bakiye"),
                        Some(Verdict::Refused(r)) => ("0099", refusal(r)),
                        _ => ("0912", "3D doğrulama başarısız"),
                    };
                    vec![
                        ("Rc", rc.to_string()),
                        ("Message", message.to_string()),
                        ("PaymentToken", token),
                        ("MaskedPan", session.masked_pan()),
                    ]
                }
            };
            return (url, fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        }
        let status = match auth.md_status {
            "1" => "Y",
            "0" => "N",
            _ => "A",
        };
        let fields = [
            ("Status", status.to_string()),
            ("Eci", auth.eci.to_string()),
            ("Cavv", auth.cavv.clone()),
            ("Xid", auth.xid.clone()),
            ("VerifyEnrollmentRequestId", session.echoed("VerifyEnrollmentRequestId").to_string()),
            ("PurchAmount", session.amount.minor_units()),
            ("PurchCurrency", format!("{:03}", session.amount.currency().numeric)),
            (
                "InstallmentCount",
                if session.installments > 1 { session.installments.to_string() } else { String::new() },
            ),
            ("ErrorCode", if status == "N" { "2002".into() } else { String::new() }),
            ("ErrorMessage", if status == "N" { "Kart sahibi doğrulanamadı".into() } else { String::new() }),
            // The bank posts the card number in full (the shop's core masks it).
            ("Pan", session.pan.clone()),
        ];
        (url, fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn return_method(&self) -> &'static str {
        if self.common_payment {
            "get"
        } else {
            "post"
        }
    }
}

fn base_url(req: &Request) -> String {
    format!("http://{}", req.header("Host").unwrap_or("127.0.0.1"))
}

fn amount(text: &str, code: &str) -> Option<Money> {
    let currency = Currency::find(if code.is_empty() { "949" } else { code }).ok()?;
    Money::parse(&text.replace(',', "."), currency, Sign::Positive).ok()
}

fn installments(text: &str) -> u32 {
    text.parse::<u32>().unwrap_or(0).max(1)
}

impl PayFlex {
    /// `MPI_Enrollment.aspx`: the 3D session for the card, answered as `VERes`.
    fn enroll(&self, sim: &Sim, account: &Account, form: &RawPost, base: &str) -> Response {
        let verify_id = form.text("VerifyEnrollmentRequestId");
        let refuse = |code: &str, message: &str| {
            let doc = Element::new("IPaySecure")
                .child(Element::new("Message").child(Element::new("VERes").leaf("Status", "E")))
                .leaf("VerifyEnrollmentRequestId", verify_id.as_str())
                .leaf("MessageErrorCode", code)
                .leaf("ErrorMessage", message);
            xml(doc)
        };
        let password =
            if account.get("mpi_password").is_empty() { account.get("password") } else { account.get("mpi_password") };
        if form.text("MerchantId") != account.get("merchant_id") || form.text("MerchantPassword") != password {
            return refuse("2005", "Üye işyeri bilgileri hatalı.");
        }
        let expiry = form.text("ExpiryDate");
        let Some(pan) = bank::card(&form.text("Pan"), expiry.get(2..).unwrap_or(""), expiry.get(..2).unwrap_or(""))
        else {
            return refuse("2006", "Kart bilgileri hatalı.");
        };
        let Some(money) = amount(&form.text("PurchaseAmount"), &form.text("Currency")) else {
            return refuse("2007", "Tutar hatalı.");
        };
        let session = Session {
            family: self.id(),
            merchant: account.get("merchant_id").into(),
            merchant_name: account.name.into(),
            model: Model::ThreeD,
            order_id: verify_id.clone(),
            amount: money,
            installments: installments(&form.text("InstallmentCount")),
            preauth: false,
            pan,
            ok_url: form.text("SuccessUrl"),
            fail_url: form.text("FailureUrl"),
            echo: vec![("VerifyEnrollmentRequestId".into(), verify_id.clone())],
        };
        let acs = sim.sessions.open(session);
        let veres = Element::new("VERes")
            .leaf("Version", "2.0")
            .leaf("Status", "Y")
            .leaf("PaReq", clock::random_hex(64))
            .leaf("TermUrl", form.text("SuccessUrl"))
            .leaf("MD", clock::random_hex(32))
            .leaf("ACSUrl", format!("{base}{acs}"));
        let doc = Element::new("IPaySecure")
            .child(Element::new("Message").attr("ID", verify_id.as_str()).child(veres))
            .leaf("VerifyEnrollmentRequestId", verify_id.as_str())
            .leaf("MessageErrorCode", "")
            .leaf("ErrorMessage", "");
        xml(doc)
    }

    /// Common Payment `RegisterTransaction`: a token and the page that takes it.
    fn register(&self, sim: &Sim, account: &Account, form: &RawPost, base: &str) -> Response {
        let refuse = |code: &str, message: &str| {
            xml(Element::new("RegisterResponse").leaf("ErrorCode", code).leaf("ResponseMessage", message))
        };
        let authentic = form.text("HostMerchantId") == account.get("merchant_id")
            && form.text("MerchantPassword") == account.get("password")
            && form.text("HostTerminalId") == account.get("terminal_id");
        if !authentic {
            return refuse("5007", "Güvenlik Numarası Hatalı");
        }
        let Some(money) = amount(&form.text("Amount"), &form.text("AmountCode")) else {
            return refuse("5010", "Tutar hatalı");
        };
        let Some(pan) = bank::card(&form.text("PAN"), &form.text("ExpireMonth"), &form.text("ExpireYear")) else {
            // Card entry on the bank's page (3d_host) is not simulated.
            return refuse("5020", "Kart bilgileri eksik (the simulator takes 3d_pay registrations only)");
        };
        let token = clock::random_hex(32);
        let session = Session {
            family: self.id(),
            merchant: account.get("merchant_id").into(),
            merchant_name: account.name.into(),
            model: Model::ThreeDPay,
            order_id: form.text("OrderID"),
            amount: money,
            installments: installments(&form.text("InstallmentCount")),
            preauth: form.text("TransactionType") == "Auth",
            pan,
            ok_url: form.text("SuccessUrl"),
            fail_url: form.text("FailUrl"),
            echo: vec![("PaymentToken".into(), token.clone())],
        };
        sim.sessions.stage(token.clone(), session);
        let url = format!("{base}/{}/CommonPayment/SecurePayment", self.id());
        xml(Element::new("RegisterResponse")
            .leaf("CommonPaymentUrl", url)
            .leaf("PaymentToken", token)
            .leaf("ErrorCode", ""))
    }

    /// Common Payment `VposTransaction`: the result of the transaction the return named.
    fn query(&self, sim: &Sim, account: &Account, form: &RawPost) -> Response {
        let answer = |fields: Vec<(&str, String)>| {
            let mut doc = Element::new("VposTransactionResponse");
            for (k, v) in fields {
                doc = doc.leaf(k, v);
            }
            xml(doc)
        };
        if form.text("HostMerchantId") != account.get("merchant_id") || form.text("Password") != account.get("password")
        {
            return answer(vec![("ErrorCode", "5007".into()), ("ResponseMessage", "Güvenlik Numarası Hatalı".into())]);
        }
        let found = sim
            .ledger
            .key_of_host_ref(self.id(), &form.text("TransactionId"))
            .and_then(|k| Some((sim.ledger.state(&k)?, k)));
        let Some((state, key)) = found else {
            return answer(vec![("Rc", "0099".into()), ("Message", "İşlem bulunamadı".into())]);
        };
        let p = &state.payment;
        let currency = Currency::find(&p.currency).ok();
        answer(vec![
            ("Rc", APPROVED.into()),
            ("Message", "İşlem başarılı".into()),
            ("OrderID", key.order_id.clone()),
            (
                "Amount",
                currency
                    .and_then(|c| Money::from_minor(p.amount, c).ok())
                    .map(|m| m.decimal_comma())
                    .unwrap_or_default(),
            ),
            ("AmountCode", currency.map(|c| format!("{:03}", c.numeric)).unwrap_or_default()),
            ("TransactionType", if p.kind == Kind::PreAuth { "Auth" } else { "Sale" }.into()),
            ("TransactionId", p.trans_id()),
            ("AuthCode", p.auth_code()),
            ("Rrn", p.host_ref()),
            ("PaymentToken", form.text("PaymentToken")),
        ])
    }

    /// The VPOS: provision, sale, pre-authorisation, capture, refund, cancel.
    fn vpos(&self, sim: &Sim, account: &Account, body: &str) -> Response {
        let Ok(doc) = Element::parse(body) else { return vpos_answer("", "0002", "Mesaj hatalı.", None) };
        let get = |path: &str| doc.text_at(path).unwrap_or_default();
        let order_id = get("OrderId");
        if get("MerchantId") != account.get("merchant_id") || get("Password") != account.get("password") {
            return vpos_answer(&order_id, "1006", "Üye işyeri şifresi hatalı.", None);
        }
        let money = || amount(&get("CurrencyAmount"), &get("CurrencyCode"));
        let kind = get("TransactionType");
        if matches!(kind.as_str(), "Capture" | "Refund" | "Cancel") {
            let Some(key) = sim.ledger.key_of_host_ref(self.id(), &get("ReferenceTransactionId")) else {
                return vpos_answer(&order_id, "1059", refusal(Refusal::NotFound), None);
            };
            let result = match kind.as_str() {
                "Capture" => sim.ledger.capture(&key, money().map(|m| m.minor())),
                "Refund" => match money() {
                    Some(m) => sim.ledger.refund(&key, m.minor()),
                    None => Err(Refusal::OverRefund),
                },
                _ => sim.ledger.cancel(&key),
            };
            return match result {
                Ok((e, _)) => vpos_answer(&key.order_id, APPROVED, "İşlem başarılı.", Some(&e)),
                Err(r) => vpos_answer(&key.order_id, "1059", refusal(r), None),
            };
        }
        let Some(money) = money() else { return vpos_answer(&order_id, "1030", "Tutar hatalı.", None) };
        let expiry = get("Expiry");
        let Some(pan) = bank::card(&get("Pan"), expiry.get(4..).unwrap_or(""), expiry.get(..4).unwrap_or("")) else {
            return vpos_answer(&order_id, "1031", "Kart bilgileri hatalı.", None);
        };
        let mpi = get("MpiTransactionId");
        if !mpi.is_empty() {
            // A 3D provision: the authenticated session, once, for the same card and amount.
            let Some(a) = sim.sessions.take_authenticated_by("VerifyEnrollmentRequestId", &mpi) else {
                return vpos_answer(&order_id, "1040", "3D doğrulama bulunamadı veya daha önce kullanıldı.", None);
            };
            if a.session.pan != pan || a.session.amount != money {
                sim.sessions.keep_authenticated(a);
                return vpos_answer(&order_id, "1041", "İşlem bilgileri 3D doğrulama ile uyuşmuyor.", None);
            }
        }
        let key =
            OrderKey { family: self.id(), merchant: account.get("merchant_id").into(), order_id: order_id.clone() };
        let payment = NewPayment {
            kind: if kind == "Auth" { Kind::PreAuth } else { Kind::Sale },
            amount: money.minor(),
            currency: money.currency().alpha.into(),
            installments: installments(&get("NumberOfInstallments")),
            approved: true,
            masked_pan: bank::mask(&pan),
        };
        let Some((booked, delivery)) = bank::book(sim, &key, payment, cards::outcome(&pan)) else {
            return bank::server_error();
        };
        let response = match booked.verdict {
            Verdict::Approved => vpos_answer(&order_id, APPROVED, "İşlem başarılı.", Some(&booked.entry)),
            Verdict::Declined => vpos_answer(&order_id, "0051", "Yetersiz bakiye.", None),
            Verdict::Refused(r) => vpos_answer(&order_id, "1059", refusal(r), None),
        };
        bank::deliver(sim, response, delivery)
    }

    /// The search service: the order's transaction and its flags.
    fn search(&self, sim: &Sim, account: &Account, body: &str) -> Response {
        let doc = Element::parse(body).unwrap_or_default();
        let get = |path: &str| doc.text_at(path).unwrap_or_default();
        let info = |code: &str, message: &str| {
            Element::new("ResponseInfo").leaf("ResponseCode", code).leaf("ResponseMessage", message)
        };
        if get("MerchantCriteria/HostMerchantId") != account.get("merchant_id")
            || get("MerchantCriteria/MerchantPassword") != account.get("password")
        {
            return xml(Element::new("SearchResponse").child(info("9999", "Yetkisiz erişim")));
        }
        let key = OrderKey {
            family: self.id(),
            merchant: account.get("merchant_id").into(),
            order_id: get("TransactionCriteria/OrderId"),
        };
        let mut list = Element::new("TransactionSearchResultInfo");
        if let Some(OrderState { payment, captured, refunded, voided }) = sim.ledger.state(&key) {
            let currency = Currency::find(&payment.currency).ok();
            let amount = currency
                .and_then(|c| Money::from_minor(payment.amount, c).ok())
                .map(|m| m.decimal())
                .unwrap_or_default();
            list.push(
                Element::new("TransactionSearchResultInfo")
                    .leaf("OrderId", key.order_id.as_str())
                    .leaf("TransactionId", payment.trans_id())
                    .leaf("ResultCode", APPROVED)
                    .leaf(
                        "TransactionType",
                        if payment.kind == Kind::PreAuth && captured == 0 { "Auth" } else { "Sale" },
                    )
                    .leaf("CurrencyAmount", amount)
                    .leaf("AmountCode", currency.map(|c| format!("{:03}", c.numeric)).unwrap_or_default())
                    .leaf("IsCanceled", voided.to_string())
                    .leaf("IsReversed", "false")
                    .leaf("IsRefunded", (refunded > 0).to_string())
                    .leaf("AuthCode", payment.auth_code())
                    .leaf("Rrn", payment.host_ref())
                    .leaf("HostResultCode", "00"),
            );
        }
        xml(Element::new("SearchResponse").child(info(APPROVED, "Başarılı")).child(list))
    }
}

fn vpos_answer(order_id: &str, code: &str, detail: &str, entry: Option<&Entry>) -> Response {
    let doc = Element::new("VposResponse")
        .leaf("ResultCode", code)
        .leaf("ResultDetail", detail)
        .leaf("OrderId", order_id)
        .leaf("TransactionId", entry.map(Entry::trans_id).unwrap_or_default())
        .leaf("AuthCode", entry.map(Entry::auth_code).unwrap_or_default())
        .leaf("Rrn", entry.map(Entry::host_ref).unwrap_or_default())
        .leaf("HostDate", clock::turkish("yyyyMMddHHmmss"));
    xml(doc)
}

fn xml(doc: Element) -> Response {
    Response::new(200, "text/xml; charset=UTF-8", doc.to_xml(Some("UTF-8")))
}

/// The simulator's words for a refusal.
fn refusal(r: Refusal) -> &'static str {
    match r {
        Refusal::DuplicateOrder => "Sipariş numarası daha önce kullanılmış.",
        Refusal::NotFound => "Referans işlem bulunamadı.",
        Refusal::Voided => "İptal edilmiş işlem.",
        Refusal::NotCapturable => "Kapatılacak ön provizyon bulunamadı.",
        Refusal::OverRefund => "İade tutarı işlem tutarını aşıyor.",
        Refusal::HasRefunds => "İadesi yapılmış işlem iptal edilemez.",
    }
}
