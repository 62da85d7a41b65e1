//! ParamPos (TURKPOS), docs/pos-protocols.md §9.1: one SOAP 1.1 service; every call carries
//! `G{CLIENT_CODE, CLIENT_USERNAME, CLIENT_PASSWORD}` and the merchant key `GUID`. A payment starts
//! server-to-server with the card (`TP_WMD_UCD` in TRY, `Pos_Odeme` for 3D Pay, `TP_Islem_Odeme_WD`
//! in other currencies, `TP_Islem_Odeme_OnProv_WMD` for pre-authorisations) under `Islem_Hash`;
//! Param answers the bank's 3D page as a document (`UCD_HTML`), which the shop shows as it is, or
//! for a non-3D payment (`Islem_Guvenlik_Tip` NS) the result. The 3D callback is signed as
//! `islemHash` and provisioned by `TP_WMD_Pay`; a 3D Pay callback (`TURKPOS_RETVAL_*`) is signed
//! as `TURKPOS_RETVAL_Hash` and confirmed by the status query `TP_Islem_Sorgulama4`.
//!
//! Param's own 3D Pay answers give the page's address (`UCD_URL`, https); this simulator, served
//! over plain http on 127.0.0.1, answers the page itself (`UCD_HTML`), which the core also reads.
//! The 3D Host service (card entry on Param's page) is not simulated.

use crate::bank;
use crate::cards;
use crate::http::{escape, page, Request, Response};
use crate::ledger::{Entry, Kind, NewPayment, OrderKey, OrderState, Refusal, Verdict};
use crate::merchants::Account;
use crate::three_d::{Authentication, Model, Session};
use crate::{clock, signature, Family, Sim};
use sanalpos_core::gateway::text::decode_text;
use sanalpos_core::gateway::xml::Element;
use sanalpos_core::money::{Currency, CurrencyStyle, Money, Sign};
use serde_json::{json, Map, Value};

pub struct Param;

const ID: &str = "param";
const NS: &str = "https://turkpos.com.tr/";

impl Family for Param {
    fn id(&self) -> &'static str {
        ID
    }

    fn endpoints(&self) -> &'static [(&'static str, &'static str)] {
        &[("api", "turkpos.ws/service_turkpos_test.asmx")]
    }

    fn serve(&self, sim: &Sim, _endpoint: &str, req: &Request) -> Response {
        let Some(account) = sim.merchants.account(ID) else { return Response::not_found() };
        let Some(call) = Element::parse(&decode_text(&req.body)).ok().and_then(|d| d.soap_body().cloned()) else {
            return soap_fault("Server was unable to process request. ---> Data at the root level is invalid.");
        };
        service(sim, &account, &call, &format!("http://{}", req.header("Host").unwrap_or("127.0.0.1")))
    }

    fn callback(&self, sim: &Sim, session: &Session, auth: &Authentication) -> (String, Vec<(String, String)>) {
        let Some(account) = sim.merchants.account(ID) else { return (session.fail_url.clone(), Vec::new()) };
        let url = if auth.succeeded() { session.ok_url.clone() } else { session.fail_url.clone() };
        let guid = account.get("guid");
        if session.model == Model::ThreeD {
            // The 3D callback (the real ones of Param's test system): signed over islemGUID . md .
            // mdStatus . orderId with the GUID.
            let mut fields = vec![
                ("md".to_string(), auth.md.clone()),
                ("mdStatus".to_string(), auth.md_status.to_string()),
                ("orderId".to_string(), session.order_id.clone()),
                ("transactionAmount".to_string(), session.amount.decimal_comma()),
                ("islemGUID".to_string(), session.echoed("Islem_GUID").to_string()),
            ];
            let response: Map<String, Value> = fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            let hash = signature("parampos_3d_response", json!({"store_key": guid, "response": response}));
            let result = match auth.md_status {
                "1" => "Y-status/Challenge authentication via ACS",
                "0" => "N-status/Challenge authentication via ACS",
                _ => "A-status/Attempt",
            };
            fields.extend([
                ("islemHash".to_string(), hash),
                ("bankResult".to_string(), result.to_string()),
                ("dc".to_string(), String::new()),
                ("dcURL".to_string(), String::new()),
            ]);
            return (url, fields);
        }
        // 3D Pay: the charge's result, signed over Dekont_ID . Tahsilat_Tutari . Siparis_ID .
        // Islem_ID after CLIENT_CODE . GUID.
        let charged = auth.charged();
        let (sonuc, message, bank_code) = match auth.charge.as_ref().map(|b| b.verdict) {
            Some(Verdict::Approved) => ("1", "Odeme Islemi Basarili", "0"),
            Some(Verdict::Declined) => ("-1", "Yetersiz bakiye", "51"),
            Some(Verdict::Refused(r)) => ("-1", refusal(r).1, "-1"),
            None => ("-1", "3D Dogrulama basarisiz", "-1"),
        };
        let dekont = charged.map_or("0".to_string(), receipt);
        let amount = session.amount.decimal_comma();
        let signed = [
            ("TURKPOS_RETVAL_Dekont_ID", dekont.clone()),
            ("TURKPOS_RETVAL_Tahsilat_Tutari", amount.clone()),
            ("TURKPOS_RETVAL_Siparis_ID", session.order_id.clone()),
            ("TURKPOS_RETVAL_Islem_ID", session.echoed("Islem_ID").to_string()),
        ];
        let response: Map<String, Value> = signed.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        let hash = signature(
            "parampos_3d_pay_response",
            json!({"client_code": account.get("client_code"), "store_key": guid, "response": response}),
        );
        let currency = match session.amount.currency().alpha {
            "TRY" => "TL",
            other => other,
        };
        let fields = [
            ("TURKPOS_RETVAL_Islem_ID", session.echoed("Islem_ID").to_string()),
            ("TURKPOS_RETVAL_Sonuc", sonuc.to_string()),
            ("TURKPOS_RETVAL_Sonuc_Str", message.to_string()),
            ("TURKPOS_RETVAL_GUID", guid.to_string()),
            ("TURKPOS_RETVAL_Islem_Tarih", clock::turkish("dd.MM.yyyy HH:mm:ss")),
            ("TURKPOS_RETVAL_Dekont_ID", dekont),
            ("TURKPOS_RETVAL_Tahsilat_Tutari", amount.clone()),
            ("TURKPOS_RETVAL_Odeme_Tutari", amount),
            ("TURKPOS_RETVAL_Siparis_ID", session.order_id.clone()),
            ("TURKPOS_RETVAL_Ext_Data", "||||".to_string()),
            ("TURKPOS_RETVAL_Banka_Sonuc_Kod", bank_code.to_string()),
            ("TURKPOS_RETVAL_PB", currency.to_string()),
            ("TURKPOS_RETVAL_KK_No", session.masked_pan()),
            (
                "TURKPOS_RETVAL_Taksit",
                if session.installments > 1 { session.installments.to_string() } else { "0".into() },
            ),
            ("TURKPOS_RETVAL_Hash", hash),
            ("TURKPOS_RETVAL_Islem_GUID", session.echoed("Islem_GUID").to_string()),
            ("TURKPOS_RETVAL_SanalPOS_Islem_ID", charged.map_or("0".to_string(), receipt)),
        ];
        (url, fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
}

/// Param's receipt number (`Dekont_ID`) for a line of the books: positive, unique.
fn receipt(e: &Entry) -> String {
    format!("{}", 3_007_000_000 + e.id)
}

/// One SOAP call: the operation element (`G`, `GUID` and its fields).
fn service(sim: &Sim, account: &Account, call: &Element, base: &str) -> Response {
    let action = call.local_name().to_string();
    let get = |path: &str| call.text_at(path).unwrap_or_default();
    let authentic = get("G/CLIENT_CODE") == account.get("client_code")
        && get("G/CLIENT_USERNAME") == account.get("client_username")
        && get("G/CLIENT_PASSWORD") == account.get("client_password")
        && get("GUID") == account.get("guid");
    if !authentic {
        // Param's words for a wrong terminal, user, password or GUID (the address is the caller's).
        return answer(&action, &[("Sonuc", "-1".into()), ("Sonuc_Str", "SOAP Güvenlik Hatası.127.0.0.1".into())]);
    }
    let order_id = get("Siparis_ID");
    let key = OrderKey { family: ID, merchant: account.get("client_code").into(), order_id: order_id.clone() };
    match action.as_str() {
        "TP_WMD_UCD" | "Pos_Odeme" | "TP_Islem_Odeme_WD" | "TP_Islem_Odeme_OnProv_WMD" => {
            start(sim, account, call, &action, &key, base)
        }
        "TP_WMD_Pay" => provision(sim, call, &key),
        "TP_Islem_Odeme_OnProv_Kapa" => {
            let result = amount(&get("Prov_Tutar"), "").map(|m| sim.ledger.capture(&key, Some(m.minor())));
            match result {
                Some(Ok((e, _))) => approved(&action, "Provizyon Kapama İşlem Başarılı", &order_id, &e),
                Some(Err(r)) => refused(&action, r),
                None => answer(&action, &[("Sonuc", "-1".into()), ("Sonuc_Str", "Tutar hatalı".into())]),
            }
        }
        "TP_Islem_Iptal_OnProv" => match sim.ledger.cancel(&key) {
            Ok((e, _)) => approved(&action, "Approved", &order_id, &e),
            Err(r) => refused(&action, r),
        },
        "TP_Islem_Iptal_Iade_Kismi2" => {
            let result = if get("Durum") == "IPTAL" {
                sim.ledger.cancel(&key)
            } else {
                // `Tutar` is an xsd:double (a dot); the currency is the payment's.
                let currency = sim.ledger.state(&key).and_then(|s| Currency::find(&s.payment.currency).ok());
                match currency.and_then(|c| Money::parse(&get("Tutar"), c, Sign::Positive).ok()) {
                    Some(m) => sim.ledger.refund(&key, m.minor()),
                    None => Err(Refusal::NotFound),
                }
            };
            match result {
                Ok((e, _)) => approved(&action, "Approved", "", &e),
                Err(r) => refused(&action, r),
            }
        }
        "TP_Islem_Sorgulama4" => status(sim, &key),
        _ => soap_fault("Server did not recognize the value of HTTP Header SOAPAction."),
    }
}

/// A payment start: `Islem_Hash` checked, then the non-3D payment booked, or the 3D session opened
/// and the bank's page answered.
fn start(sim: &Sim, account: &Account, call: &Element, action: &str, key: &OrderKey, base: &str) -> Response {
    let get = |path: &str| call.text_at(path).unwrap_or_default();
    let fail = |message: &str| answer(action, &[("Sonuc", "-1".into()), ("Sonuc_Str", message.into())]);
    let variant = match action {
        "TP_WMD_UCD" => "try_3d_or_nonsecure",
        "Pos_Odeme" => "3d_pay",
        _ => "foreign_currency_or_preauth",
    };
    let mut request: Map<String, Value> = call
        .elements()
        .filter(|e| e.elements().next().is_none())
        .map(|e| (e.local_name().to_string(), json!(e.inner_text())))
        .collect();
    request.insert("G".into(), json!({"CLIENT_CODE": get("G/CLIENT_CODE")}));
    let expected = signature("parampos_request", json!({"variant": variant, "request": request}));
    if get("Islem_Hash") != expected {
        // The simulator's words: no public sample of this refusal.
        return fail("Islem_Hash geçersiz.");
    }
    let Some(money) = amount(&get("Islem_Tutar"), &get("Doviz_Kodu")) else { return fail("Tutar hatalı.") };
    if get("Toplam_Tutar") != get("Islem_Tutar") {
        // The core charges exactly the order amount; a different total would be Param's commission.
        return fail("Toplam_Tutar Islem_Tutar ile aynı olmalı (simulator).");
    }
    let Some(pan) = bank::card(&get("KK_No"), &get("KK_SK_Ay"), &get("KK_SK_Yil")) else {
        return fail("Kart numarası hatalı");
    };
    let installments = get("Taksit").parse::<u32>().unwrap_or(1).max(1);
    let preauth = action == "TP_Islem_Odeme_OnProv_WMD";
    if get("Islem_Guvenlik_Tip") == "NS" {
        return sale(sim, action, key, money, installments, preauth, &pan);
    }
    let islem_guid = uuid();
    let session = Session {
        family: ID,
        merchant: account.get("client_code").into(),
        merchant_name: account.name.into(),
        // A TRY 3D payment comes back for its provision; 3D Pay and foreign currencies are charged.
        model: if matches!(action, "TP_WMD_UCD" | "TP_Islem_Odeme_OnProv_WMD") {
            Model::ThreeD
        } else {
            Model::ThreeDPay
        },
        order_id: key.order_id.clone(),
        amount: money,
        installments,
        preauth,
        pan,
        ok_url: get("Basarili_URL"),
        fail_url: get("Hata_URL"),
        echo: vec![("Islem_GUID".into(), islem_guid.clone()), ("Islem_ID".into(), get("Islem_ID"))],
    };
    let acs = sim.sessions.open(session);
    // The bank's page, shown by the shop as it is: it posts the shopper on to the ACS.
    let html = page(
        "3-D Secure",
        &format!(
            "<form id=\"webform0\" method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"txid\" value=\"{}\"></form>\
             <script>document.getElementById('webform0').submit();</script>",
            escape(&format!("{base}{acs}")),
            escape(acs.rsplit('/').next().unwrap_or(""))
        ),
    );
    answer(
        action,
        &[
            ("Islem_ID", format!("{}", 6_021_000_000 + clock::random_u64() % 1_000_000)),
            ("Islem_GUID", islem_guid),
            ("UCD_HTML", html),
            ("UCD_MD", clock::random_hex(64)),
            ("Sonuc", "1".into()),
            ("Sonuc_Str", "İşlem Başarılı".into()),
            ("Banka_Sonuc_Kod", "-1".into()),
            ("Siparis_ID", key.order_id.clone()),
        ],
    )
}

/// A non-3D sale or pre-authorisation.
fn sale(
    sim: &Sim,
    action: &str,
    key: &OrderKey,
    money: Money,
    installments: u32,
    preauth: bool,
    pan: &str,
) -> Response {
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
        Verdict::Approved => {
            let e = &booked.entry;
            answer(
                action,
                &[
                    ("Islem_ID", receipt(e)),
                    ("UCD_HTML", "NONSECURE".into()),
                    ("Sonuc", "1".into()),
                    ("Sonuc_Str", "İşlem Başarılı".into()),
                    ("Bank_Trans_ID", e.trans_id()),
                    ("Bank_AuthCode", e.auth_code()),
                    ("Banka_Sonuc_Kod", "0".into()),
                    ("Siparis_ID", key.order_id.clone()),
                    ("Bank_HostRefNum", e.host_ref()),
                ],
            )
        }
        verdict => {
            let (code, message) = match verdict {
                Verdict::Refused(r) => ("99", refusal(r).1),
                _ => ("51", "Yetersiz bakiye"),
            };
            answer(
                action,
                &[
                    ("Islem_ID", "0".into()),
                    ("UCD_HTML", "NONSECURE".into()),
                    ("Sonuc", "-1".into()),
                    ("Sonuc_Str", message.into()),
                    ("Banka_Sonuc_Kod", code.into()),
                    ("Siparis_ID", key.order_id.clone()),
                ],
            )
        }
    };
    bank::deliver(sim, reply, delivery)
}

/// `TP_WMD_Pay`: the authentication the callback's `md` names, once, for the same order and 3D
/// transaction (`Islem_GUID`).
fn provision(sim: &Sim, call: &Element, key: &OrderKey) -> Response {
    let get = |path: &str| call.text_at(path).unwrap_or_default();
    let fail = |code: &str, message: &str| {
        answer("TP_WMD_Pay", &[("Sonuc", code.into()), ("Sonuc_Ack", message.into()), ("Bank_Sonuc_Kod", "-1".into())])
    };
    let Some(a) = sim.sessions.take_authenticated(&get("UCD_MD")) else {
        return fail("-1", "İşlem bilgisi sorgulanamadı.");
    };
    if a.session.order_id != key.order_id || a.session.echoed("Islem_GUID") != get("Islem_GUID") {
        sim.sessions.keep_authenticated(a);
        return fail("-1", "İşlem bilgisi sorgulanamadı.");
    }
    let s = &a.session;
    let payment = NewPayment {
        kind: if s.preauth { Kind::PreAuth } else { Kind::Sale },
        amount: s.amount.minor(),
        currency: s.amount.currency().alpha.into(),
        installments: s.installments,
        approved: true,
        masked_pan: s.masked_pan(),
    };
    let Some((booked, delivery)) = bank::book(sim, key, payment, s.outcome()) else {
        return bank::server_error();
    };
    let e = &booked.entry;
    let reply = match booked.verdict {
        Verdict::Approved => answer(
            "TP_WMD_Pay",
            &[
                ("Sonuc", "1".into()),
                ("Sonuc_Ack", "Başarılı".into()),
                ("Dekont_ID", receipt(e)),
                ("Siparis_ID", key.order_id.clone()),
                ("UCD_MD", get("UCD_MD")),
                ("Bank_Trans_ID", e.trans_id()),
                ("Bank_AuthCode", e.auth_code()),
                ("Bank_HostMsg", "Approved".into()),
                ("Bank_Sonuc_Kod", "0".into()),
                ("Bank_HostRefNum", e.host_ref()),
                ("Komisyon_Oran", "0".into()),
            ],
        ),
        Verdict::Declined => fail("-1", "Yetersiz bakiye"),
        Verdict::Refused(r) => fail(refusal(r).0, refusal(r).1),
    };
    bank::deliver(sim, reply, delivery)
}

/// `TP_Islem_Sorgulama4`: the order's record (`DT_Bilgi`).
fn status(sim: &Sim, key: &OrderKey) -> Response {
    let action = "TP_Islem_Sorgulama4";
    let Some(OrderState { payment, captured, refunded, voided }) = sim.ledger.state(key) else {
        return answer(action, &[("Sonuc", "-1".into()), ("Sonuc_Str", "Kayıt bulunamadı".into())]);
    };
    let Ok(currency) = Currency::find(&payment.currency) else { return soap_fault("currency") };
    let decimal = |minor: i64| Money::from_minor(minor, currency).map(|m| m.decimal()).unwrap_or_default();
    let durum = if voided {
        "CANCEL"
    } else if refunded > 0 && refunded < payment.amount {
        "PARTIAL_REFUND"
    } else if refunded > 0 {
        "REFUND"
    } else {
        "SUCCESS"
    };
    let capture_amt = if payment.kind == Kind::PreAuth && captured == 0 { String::new() } else { captured.to_string() };
    let info = [
        ("Odeme_Sonuc", "1".to_string()),
        ("Odeme_Sonuc_Aciklama", "İşlem Başarılı".into()),
        ("Dekont_ID", receipt(&payment)),
        ("Siparis_ID", key.order_id.clone()),
        ("Durum", durum.into()),
        ("Tarih", clock::turkish("dd.MM.yyyy HH:mm:ss")),
        ("Toplam_Tutar", decimal(payment.amount)),
        ("Taksit", payment.installments.to_string()),
        ("Toplam_Iade_Tutar", if refunded > 0 { decimal(refunded) } else { "0".into() }),
        ("KK_No", payment.masked_pan.clone()),
        (
            "Bank_Extra",
            Element::new("Extra")
                .leaf("AUTH_CODE", payment.auth_code())
                .leaf("CAPTURE_AMT", capture_amt)
                .leaf("TRANS_STAT", if captured > 0 { "C" } else { "A" })
                .to_xml(None),
        ),
        ("Islem_Tip", if payment.kind == Kind::PreAuth { "PRE_AUTH" } else { "SALE" }.into()),
        ("Bank_Trans_ID", payment.trans_id()),
        ("Bank_AuthCode", payment.auth_code()),
        ("Bank_HostRefNum", payment.host_ref()),
    ];
    let mut dt = Element::new("DT_Bilgi");
    for (k, v) in info {
        dt = dt.leaf(k, v);
    }
    let result = Element::new(format!("{action}Result")).child(dt).leaf("Sonuc", "1").leaf("Sonuc_Str", "Başarılı");
    envelope(action, result)
}

/// `Islem_Tutar` (`1000,25`) in the currency `Doviz_Kodu` names (TRY when empty).
fn amount(text: &str, code: &str) -> Option<Money> {
    let currency = if code.is_empty() {
        Currency::try_()
    } else {
        ["TRY", "USD", "EUR", "GBP"]
            .into_iter()
            .filter_map(|a| Currency::find(a).ok())
            .find(|c| c.code(CurrencyStyle::Param).as_deref() == Some(code))?
    };
    Money::parse(&text.replace(',', "."), currency, Sign::Positive).ok()
}

fn uuid() -> String {
    let h = clock::random_hex(32).to_lowercase();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

fn approved(action: &str, message: &str, order_id: &str, e: &Entry) -> Response {
    let mut fields = vec![
        ("Sonuc", "1".to_string()),
        ("Sonuc_Str", message.to_string()),
        ("Dekont_ID", receipt(e)),
        ("Banka_Sonuc_Kod", "0".into()),
        ("Bank_AuthCode", e.auth_code()),
        ("Bank_Trans_ID", e.trans_id()),
        ("Bank_HostRefNum", e.host_ref()),
    ];
    if !order_id.is_empty() {
        fields.push(("Siparis_ID", order_id.to_string()));
    }
    answer(action, &fields)
}

fn refused(action: &str, r: Refusal) -> Response {
    let (code, message) = refusal(r);
    answer(action, &[("Sonuc", code.into()), ("Sonuc_Str", message.into())])
}

/// `<{action}Response xmlns=…><{action}Result>fields`, as Param's service writes it.
fn answer(action: &str, fields: &[(&str, String)]) -> Response {
    let mut result = Element::new(format!("{action}Result"));
    for (k, v) in fields {
        result = result.leaf(*k, v.as_str());
    }
    envelope(action, result)
}

fn envelope(action: &str, result: Element) -> Response {
    let response = Element::new(format!("{action}Response")).attr("xmlns", NS).child(result);
    let doc = Element::soap_envelope(
        "soap",
        None,
        response,
        &[
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xmlns:xsd", "http://www.w3.org/2001/XMLSchema"),
        ],
    );
    Response::new(200, "text/xml; charset=utf-8", doc.to_xml(Some("utf-8")))
}

fn soap_fault(message: &str) -> Response {
    let fault = Element::new("soap:Fault").leaf("faultcode", "soap:Client").leaf("faultstring", message);
    Response::new(
        500,
        "text/xml; charset=utf-8",
        Element::soap_envelope("soap", None, fault, &[]).to_xml(Some("utf-8")),
    )
}

/// Param's result codes and words (mewebstudio/pos ParamPos samples; the used order id and the
/// capture refusal are the simulator's own).
fn refusal(r: Refusal) -> (&'static str, &'static str) {
    match r {
        Refusal::DuplicateOrder => ("-2", "Sipariş numarası daha önce kullanılmış."),
        Refusal::NotFound => ("-210", "İptal/İadeye uygun işlem bulunamadı."),
        Refusal::Voided => ("-211", "İşlem iptal durumunda"),
        Refusal::NotCapturable => ("-212", "Kapatılacak açık provizyon bulunamadı."),
        Refusal::OverRefund => ("-221", "İade tutarı, iade edilebilir tutardan büyük olamaz."),
        Refusal::HasRefunds => ("-213", "İadesi olan işlem iptal edilemez."),
    }
}
