//! ParamPos (TURKPOS, TURK Elektronik Para). docs/pos-protocols.md §9.1.
//!
//! A SOAP 1.1 (ASMX) service: every call carries `G{CLIENT_CODE, CLIENT_USERNAME, CLIENT_PASSWORD}`
//! and the merchant key `GUID`. A payment starts server-to-server with the card: Param answers with
//! the bank's 3D page (`UCD_HTML`, shown to the shopper as it is), its address (`UCD_URL`), or for a
//! non-3D sale the result. Payment requests carry `Islem_Hash = b64(SHA1(ISO-8859-9 text))`; the 3D
//! callback is signed as `islemHash`, the 3D Pay / 3D Host one as `TURKPOS_RETVAL_Hash` (SHA-1).
//!
//! Amounts: Param may add its commission on top (`Toplam_Tutar = Islem_Tutar + commission`). The
//! core's installment pricing already decided what the shopper pays, so both carry the order
//! amount: the card is charged exactly the quoted total, and Param's commission comes out of the
//! merchant's payout (`Odeme_Tutari` in the callback).

use super::crypto::{base64_decode, hash, signatures_equal, Digest, Encoding};
use super::text::iso8859_9_encode;
use super::xml::Element;
use super::*;
use crate::money::CurrencyStyle;

pub struct Param;

const NS: &str = "https://turkpos.com.tr/";
/// The 3D Host service (another host and namespace, credentials in a SOAP header).
const HOST_NS: &str = "https://turkodeme.com.tr/";
const HOST_ACTION: &str = "TO_Pre_Encrypting_OOS";
const STATUS_ACTION: &str = "TP_Islem_Sorgulama4";
/// The operations that start a payment (their context names the model) and the others.
const PAYMENT_ACTIONS: &[&str] = &["TP_WMD_UCD", "Pos_Odeme", "TP_Islem_Odeme_WD", "TP_Islem_Odeme_OnProv_WMD"];
const OTHER_ACTIONS: &[&str] = &[
    HOST_ACTION,
    "TP_WMD_Pay",
    "TP_Islem_Odeme_OnProv_Kapa",
    "TP_Islem_Iptal_OnProv",
    "TP_Islem_Iptal_Iade_Kismi2",
    STATUS_ACTION,
];
/// `UCD_HTML`/`UCD_URL` of a non-3D payment.
const NONSECURE: &str = "NONSECURE";

static INFO: GatewayInfo = GatewayInfo {
    id: "param",
    name: "ParamPos (TURKPOS)",
    models: &[
        (Model::ThreeD, CardEntry::Server),
        (Model::ThreeDPay, CardEntry::Server),
        (Model::ThreeDHost, CardEntry::BankPage),
        (Model::Regular, CardEntry::Server),
    ],
    operations: Operation::ALL,
    credentials: &[
        CredentialField { id: "client_code", label_en: "Terminal number (CLIENT_CODE)", label_tr: "Terminal numarası (CLIENT_CODE)", secret: false, required: true, choices: &[] },
        CredentialField { id: "client_username", label_en: "User name (CLIENT_USERNAME)", label_tr: "Kullanıcı adı (CLIENT_USERNAME)", secret: false, required: true, choices: &[] },
        CredentialField { id: "client_password", label_en: "Password (CLIENT_PASSWORD)", label_tr: "Şifre (CLIENT_PASSWORD)", secret: true, required: true, choices: &[] },
        CredentialField { id: "guid", label_en: "Merchant key (GUID)", label_tr: "Üye işyeri anahtarı (GUID)", secret: true, required: true, choices: &[] },
    ],
    endpoints: &[
        Endpoint { id: "api", test: "https://test-dmz.param.com.tr/turkpos.ws/service_turkpos_test.asmx", live: "https://posws.param.com.tr/turkpos.ws/service_turkpos_prod.asmx" },
        Endpoint { id: "api_host", test: "https://test-pos.param.com.tr/to.ws/Service_Odeme.asmx", live: "https://pos.param.com.tr/Tahsilat/to.ws/Service_Odeme.asmx" },
        Endpoint { id: "gate_3d_host", test: "https://test-pos.param.com.tr/default.aspx", live: "https://pos.param.com.tr/Tahsilat/Default.aspx" },
    ],
    presets: &[Preset {
        id: "param",
        name: "ParamPos (TURKPOS)",
        gateway: "param",
        endpoints: &[],
        note: "Param charges exactly the order amount (Islem_Tutar = Toplam_Tutar): its commission is taken from the payout, not added for the shopper. The 3D model shows the bank's page as an html step.",
    }],
    signature_kinds: &[
        SignatureKind {
            id: "parampos_request",
            inputs: "variant (try_3d_or_nonsecure, 3d_pay, foreign_currency_or_preauth); request: G.CLIENT_CODE, GUID, Taksit, Islem_Tutar, Toplam_Tutar, Siparis_ID, Hata_URL, Basarili_URL",
            formula: "b64(SHA1(iso8859_9(CLIENT_CODE . GUID . [Taksit .] Islem_Tutar . Toplam_Tutar . Siparis_ID [. Hata_URL . Basarili_URL]))): try_3d_or_nonsecure (TP_WMD_UCD) with Taksit, no URLs; 3d_pay (Pos_Odeme) with both; foreign_currency_or_preauth (TP_Islem_Odeme_WD, TP_Islem_Odeme_OnProv_WMD) URLs without Taksit",
        },
        SignatureKind {
            id: "parampos_3d_response",
            inputs: "store_key (GUID); response: islemGUID, md, mdStatus, orderId",
            formula: "b64(SHA1(islemGUID . md . mdStatus . orderId . store_key))",
        },
        SignatureKind {
            id: "parampos_3d_pay_response",
            inputs: "client_code, store_key (GUID); response: TURKPOS_RETVAL_Dekont_ID, TURKPOS_RETVAL_Tahsilat_Tutari, TURKPOS_RETVAL_Siparis_ID, TURKPOS_RETVAL_Islem_ID",
            formula: "b64(SHA1(client_code . store_key . TURKPOS_RETVAL_Dekont_ID . TURKPOS_RETVAL_Tahsilat_Tutari . TURKPOS_RETVAL_Siparis_ID . TURKPOS_RETVAL_Islem_ID)) (Param posts the GUID as TURKPOS_RETVAL_GUID)",
        },
    ],
    // Siparis_ID: String 50 (dev.param.com.tr, TP_WMD_UCD).
    max_order_id: 50,
};

/// The `Islem_Hash` fields after `CLIENT_CODE . GUID`, per operation (ParamPosCrypt::createHash;
/// dev.param.com.tr "Hash Hesaplama").
const HASH_TRY: &[&str] = &["Taksit", "Islem_Tutar", "Toplam_Tutar", "Siparis_ID"];
const HASH_3D_PAY: &[&str] = &["Taksit", "Islem_Tutar", "Toplam_Tutar", "Siparis_ID", "Hata_URL", "Basarili_URL"];
const HASH_WD: &[&str] = &["Islem_Tutar", "Toplam_Tutar", "Siparis_ID", "Hata_URL", "Basarili_URL"];
const VARIANTS: &[(&str, &[&str])] =
    &[("try_3d_or_nonsecure", HASH_TRY), ("3d_pay", HASH_3D_PAY), ("foreign_currency_or_preauth", HASH_WD)];

/// The 3D callback: `islemHash = b64(SHA1(these . GUID))` (ParamPosCrypt::check3DHash).
const CALLBACK_3D: &[&str] = &["islemGUID", "md", "mdStatus", "orderId"];
/// The 3D Pay / 3D Host callback: `b64(SHA1(CLIENT_CODE . GUID . these))` (check3DPayOr3DHostHash).
const CALLBACK_PAY: &[&str] = &[
    "TURKPOS_RETVAL_Dekont_ID",
    "TURKPOS_RETVAL_Tahsilat_Tutari",
    "TURKPOS_RETVAL_Siparis_ID",
    "TURKPOS_RETVAL_Islem_ID",
];

const REFERENCES: &[(&str, &str)] = &[
    ("order_id", "Siparis_ID"),
    ("auth_code", "Bank_AuthCode"),
    ("host_ref", "Bank_HostRefNum"),
    ("transaction_id", "Bank_Trans_ID"),
    ("receipt_id", "Dekont_ID"),
];

fn sha1(text: &[u8]) -> String {
    hash(Digest::Sha1, Encoding::Base64, text)
}

/// `CLIENT_CODE . GUID . fields`, the plain text of `Islem_Hash`.
fn request_text(client_code: &str, guid: &str, fields: &RawPost, names: &[&str]) -> String {
    [client_code, guid, &text::decode_text(&fields.concat(names.iter().copied(), ""))].concat()
}

fn pay_callback_text(client_code: &str, guid: &str, post: &RawPost) -> Vec<u8> {
    [client_code.as_bytes(), guid.as_bytes(), &post.concat(CALLBACK_PAY.iter().copied(), "")].concat()
}

fn is_try(order: &Order) -> bool {
    order.currency().alpha == "TRY"
}

/// The operation that starts a payment: `TP_WMD_UCD` (TRY), `Pos_Odeme` (TRY 3D Pay),
/// `TP_Islem_Odeme_WD` (other currencies), `TP_Islem_Odeme_OnProv_WMD` (pre-authorisation, TRY
/// only, models `3d` and `regular`: ParamPos $supportedTransactions).
fn payment_action(model: Model, order: &Order, pre_auth: bool) -> Result<&'static str> {
    match (pre_auth, is_try(order)) {
        (false, false) if order.installments > 1 => Err(Error::new(Code::OrderInvalidInstallments)
            .at("order.installments")
            .detail("foreign-currency payments are single payments")),
        (false, false) => Ok("TP_Islem_Odeme_WD"),
        (false, true) if model == Model::ThreeDPay => Ok("Pos_Odeme"),
        (false, true) => Ok("TP_WMD_UCD"),
        (true, true) if matches!(model, Model::ThreeD | Model::Regular) => Ok("TP_Islem_Odeme_OnProv_WMD"),
        (true, _) => Err(Error::new(Code::GatewayUnsupportedOperation)
            .at("order.tx_type")
            .detail("pre-authorisation: models 3d and regular, in TRY")),
    }
}

fn currency_code(order: &Order) -> Result<String> {
    order
        .currency()
        .code(CurrencyStyle::Param)
        .ok_or_else(|| Error::new(Code::GatewayUnsupportedCurrency).at("order.currency").detail("TRY, USD, EUR, GBP"))
}

/// `Taksit`: `1` for a single payment.
fn taksit(order: &Order) -> String {
    order.installments.max(1).to_string()
}

/// `Islem_ID`: our own transaction id, echoed (and signed) in the 3D Pay callback; 24 upper-case hex
/// characters like the reference library's.
fn islem_id(nonce: Option<&str>) -> Result<String> {
    Ok(nonce_prefix(nonce, 24)?.to_ascii_uppercase())
}

/// The three credentials as `<name><CLIENT_CODE/><CLIENT_USERNAME/><CLIENT_PASSWORD/></name>`.
fn credentials_element(name: &str, creds: &Credentials) -> Result<Element> {
    Ok(Element::new(name)
        .leaf("CLIENT_CODE", creds.get("client_code")?)
        .leaf("CLIENT_USERNAME", creds.get("client_username")?)
        .leaf("CLIENT_PASSWORD", creds.get("client_password")?))
}

/// A SOAP call to the service: `<action xmlns=…><G/><GUID/>fields…</action>` (3D Host: its own
/// body with the credentials in the header). `card` values are masked in the log copy.
fn call(
    account: &Account,
    action: &str,
    fields: Vec<(&str, String)>,
    card: &[&str],
    mut context: Map<String, Value>,
) -> Result<HttpCall> {
    let creds = &account.credentials;
    let (ns, endpoint, header, mut body) = if action == HOST_ACTION {
        let header = credentials_element("ServiceSecuritySoapHeader", creds)?.attr("xmlns", HOST_NS);
        (HOST_NS, "api_host", Some(header), Element::new(action).attr("xmlns", HOST_NS))
    } else {
        let body = Element::new(action).attr("xmlns", NS).child(credentials_element("G", creds)?);
        (NS, "api", None, body.leaf("GUID", creds.get("guid")?))
    };
    for (name, value) in fields {
        body = body.leaf(name, value);
    }
    context.insert("action".into(), action.into());
    let mut sensitive = vec![creds.get("client_password")?, creds.get("guid")?];
    sensitive.extend_from_slice(card);
    let envelope = Element::soap_envelope("soap", header, body, &[]);
    Ok(HttpCall::soap(account.endpoint(endpoint)?, &[ns, action].concat(), &envelope, &sensitive, context))
}

/// The signed payment start of a `sale` or `preauth` request with the card (`3d`, `3d_pay`, or for
/// `regular` the non-3D payment); fields in the order of Param's documentation (TP_WMD_UCD).
fn payment(req: &ApiRequest, model: Model, (ok_url, fail_url): (&str, &str)) -> Result<HttpCall> {
    let (account, order, ip) = (req.account, &req.order, req.customer.ip.as_str());
    let action = payment_action(model, order, req.operation == Operation::PreAuth)?;
    let currency = currency_code(order)?;
    let card = req.card()?;
    if ip.is_empty() {
        return Err(Error::new(Code::RequestMissingField).at("customer.ip"));
    }
    let amount = order.amount.decimal_comma();
    let mut fields: Vec<(&str, String)> = vec![
        ("KK_Sahibi", card.holder.clone()),
        ("KK_No", card.pan.digits().into()),
        ("KK_SK_Ay", card.expiry.mm()),
        ("KK_SK_Yil", card.expiry.yyyy()),
        ("KK_CVC", card.cvv.clone()),
        // Optional in the documentation, yet refused when absent (ParamPosRequestDataMapper).
        ("KK_Sahibi_GSM", String::new()),
        ("Hata_URL", fail_url.into()),
        ("Basarili_URL", ok_url.into()),
        ("Siparis_ID", order.id.clone()),
    ];
    if action != "TP_Islem_Odeme_WD" {
        fields.push(("Taksit", taksit(order)));
    }
    fields.extend([("Islem_Tutar", amount.clone()), ("Toplam_Tutar", amount)]);
    let names = match action {
        "TP_WMD_UCD" => HASH_TRY,
        "Pos_Odeme" => HASH_3D_PAY,
        _ => HASH_WD,
    };
    let creds = &account.credentials;
    let signed = RawPost::from_pairs(fields.iter().map(|(k, v)| (*k, v.as_bytes())));
    let text = request_text(creds.get("client_code")?, creds.get("guid")?, &signed, names);
    fields.extend([
        ("Islem_Hash", sha1(&iso8859_9_encode(&text))),
        ("Islem_Guvenlik_Tip", if model == Model::Regular { "NS" } else { "3D" }.into()),
        ("Islem_ID", islem_id(req.nonce)?),
        ("IPAdr", ip.into()),
    ]);
    if !is_try(order) {
        fields.push(("Doviz_Kodu", currency));
    }
    let mut context = req.context();
    context.insert("model".into(), model.id().into());
    call(account, action, fields, &[card.pan.digits(), &card.cvv], context)
}

/// The 3D Host start (`TO_Pre_Encrypting_OOS`): Param encrypts the order for its payment page;
/// `r|` makes a field read-only there (Param3DHostPosRequestDataMapper).
fn host_payment(req: &PaymentRequest) -> Result<HttpCall> {
    let order = &req.order;
    if order.tx_type == TxType::PreAuth {
        return Err(Error::new(Code::GatewayUnsupportedOperation).at("order.tx_type").detail("3d_host: sale only"));
    }
    let currency = currency_code(order)?;
    let mut fields: Vec<(&str, String)> = vec![
        ("Borclu_Tutar", ["r|", &order.amount.decimal_comma()].concat()),
        ("Borclu_Odeme_Tip", "r|Diğer".into()),
        ("Borclu_AdSoyad", "r|".into()),
        ("Borclu_Aciklama", "r|".into()),
        ("Return_URL", ["r|", &req.ok_url].concat()),
        ("Islem_ID", islem_id(req.nonce)?),
        ("Borclu_Kisi_TC", String::new()),
        ("Terminal_ID", req.account.credentials.get("client_code")?.into()),
        ("Borclu_GSM", "r|".into()),
        ("Taksit", taksit(order)),
    ];
    if !is_try(order) {
        fields.push(("Doviz_Kodu", currency));
    }
    let mut context = req.regular_request().context();
    context.insert("model".into(), req.model.id().into());
    call(req.account, HOST_ACTION, fields, &[], context)
}

fn bad(detail: &str) -> Error {
    Error::new(Code::BankBadResponse).detail(detail)
}

/// A positive number, as Param's ids and result codes are when they mean success.
fn positive(text: &str) -> bool {
    text.parse::<i64>().is_ok_and(|n| n > 0)
}

/// The references of an answer or callback; Param writes `0` where there is none.
fn references(pairs: &[(&str, &str)], get: &dyn Fn(&str) -> String) -> StrMap {
    collect_references(pairs, &|f| Some(get(f)).filter(|v| v != "0").unwrap_or_default())
}

impl Gateway for Param {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        let account = req.account;
        account.check_model(req.model)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        match req.model {
            Model::Regular => self.api_request(&req.regular_request()),
            Model::ThreeDHost => host_payment(req),
            model => payment(&req.regular_request(), model, (&req.ok_url, &req.fail_url)),
        }
        .map(Step::Http)
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        let account = req.account;
        account.check_model(req.model)?;
        let post = &req.post;
        let creds = &account.credentials;
        let guid = creds.get("guid")?;
        // Which callback comes is decided by what we started, never by the callback: a TRY `3d`
        // payment returns to us for its provision, everything else comes back paid.
        let three_d = req.model == Model::ThreeD && req.expected.amount.currency().alpha == "TRY";

        // 1. Authenticity: nothing in the callback is used before its signature checks out.
        let (field, expected) = if three_d {
            ("islemHash", sha1(&post.concat(CALLBACK_3D.iter().copied(), guid)))
        } else {
            ("TURKPOS_RETVAL_Hash", sha1(&pay_callback_text(creds.get("client_code")?, guid, post)))
        };
        let received = post.bytes(field);
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        if !signatures_equal(received, &expected) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        let get = |f: &str| post.text(f);
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus::default(),
            references: StrMap::new(),
            masked_pan: None,
            next: None,
        };

        if three_d {
            // 2. Signed: islemGUID, md, mdStatus, orderId. The amount (`transactionAmount`) is not,
            //    but the provision charges what our own TP_WMD_UCD request set.
            let md_status = get("mdStatus");
            verdict.bank = BankStatus {
                code: String::new(),
                message: get("bankResult"),
                md_status: Some(md_status.clone()),
                error_code: String::new(),
            };
            verdict.references = references(&[("order_id", "orderId")], &get);
            if get("orderId") != req.expected.id {
                verdict.reason = Some(Error::new(Code::CallbackOrderMismatch));
                return Ok(verdict);
            }
            // 3. The outcome: the provision (TP_WMD_Pay) completes the payment.
            if let Some((outcome, reason)) = md_gate(&md_status, req.accept_half_secure) {
                (verdict.outcome, verdict.reason) = (outcome, Some(reason));
                return Ok(verdict);
            }
            verdict.outcome = Outcome::NeedsProvision;
            verdict.next = Some(Step::Http(self.api_request(&req.follow_up(Operation::Provision))?));
            return Ok(verdict);
        }

        // 2. Signed: receipt, charged amount, order id and our Islem_ID. The result code, currency
        //    and installments are not.
        let pay = |f: &str| post.text(&["TURKPOS_RETVAL_", f].concat());
        verdict.bank = BankStatus {
            code: pay("Sonuc"),
            message: pay("Sonuc_Str"),
            md_status: None,
            error_code: pay("Banka_Sonuc_Kod"),
        };
        verdict.references = references(&[("order_id", "Siparis_ID"), ("receipt_id", "Dekont_ID")], &pay);
        verdict.masked_pan = post.opt_text("TURKPOS_RETVAL_KK_No").map(|p| {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                mask_value(&p)
            } else {
                p
            }
        });
        if pay("Siparis_ID") != req.expected.id {
            verdict.reason = Some(Error::new(Code::CallbackOrderMismatch));
            return Ok(verdict);
        }
        let amount = parse_bank_amount(&pay("Tahsilat_Tutari"), req.expected.amount.currency(), false);
        if let Err(e) = check_amount(amount, &req.expected) {
            verdict.reason = Some(e);
            return Ok(verdict);
        }
        // 3. The outcome. Param posts its merchant GUID back in this callback (TURKPOS_RETVAL_GUID),
        //    through the shopper's browser: the key is not secret from shoppers, so a paid callback
        //    only asks for the status query, whose answer (over the API password) decides.
        if positive(&pay("Dekont_ID")) {
            verdict.outcome = Outcome::NeedsStatus;
            verdict.next = Some(Step::Http(self.api_request(&req.follow_up(Operation::Status))?));
        } else {
            verdict.outcome = Outcome::Declined;
            verdict.reason = Some(Error::new(Code::BankDeclined));
        }
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        let account = req.account;
        account.check_operation(req.operation)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        let order = &req.order;
        let id = || ("Siparis_ID", order.id.clone());
        let (action, fields): (&str, Vec<(&str, String)>) = match req.operation {
            Operation::Sale | Operation::PreAuth => return payment(req, Model::Regular, ("", "")),
            Operation::Provision => {
                let post = req.post()?;
                if post.text("orderId") != order.id {
                    return Err(Error::new(Code::RequestInvalidValue)
                        .at("post.orderId")
                        .detail("the callback is for another order"));
                }
                ("TP_WMD_Pay", vec![("UCD_MD", post.text("md")), ("Islem_GUID", post.text("islemGUID")), id()])
            }
            Operation::Capture => (
                "TP_Islem_Odeme_OnProv_Kapa",
                vec![("Prov_ID", String::new()), ("Prov_Tutar", order.amount.decimal_comma()), id()],
            ),
            Operation::Cancel if order.tx_type == TxType::PreAuth => {
                ("TP_Islem_Iptal_OnProv", vec![("Prov_ID", String::new()), id()])
            }
            // `Tutar` is an xsd:double: a dot, unlike the payment amounts (Param's sample: 1.00).
            Operation::Cancel | Operation::Refund => (
                "TP_Islem_Iptal_Iade_Kismi2",
                vec![
                    ("Durum", if req.operation == Operation::Cancel { "IPTAL" } else { "IADE" }.into()),
                    id(),
                    ("Tutar", order.amount.decimal()),
                ],
            ),
            Operation::Status => (STATUS_ACTION, vec![id()]),
        };
        call(account, action, fields, &[], req.context())
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        let action = resp.context_str("action")?;
        let invalid = |key: &str| Error::new(Code::RequestInvalidValue).at(format!("context.{key}"));
        let model = if PAYMENT_ACTIONS.contains(&action) {
            Some(resp.context_str("model").ok().and_then(Model::parse).ok_or_else(|| invalid("model"))?)
        } else if OTHER_ACTIONS.contains(&action) {
            None
        } else {
            return Err(invalid("action"));
        };
        let result = resp.soap_result(action)?;
        let card_entry = |m: Model| resp.account.check_model(m);
        if action == HOST_ACTION {
            // The encrypted order for Param's page, or an error text ("SOAP Güvenlik Hatası…").
            let sealed = result.inner_text();
            let mut r = ApiResult {
                reason: None,
                outcome: Outcome::Declined,
                bank: BankStatus { message: sealed.clone(), ..BankStatus::default() },
                references: StrMap::new(),
                order_status: None,
                next: None,
            };
            if !sealed.is_empty() && base64_decode(&sealed).is_some() {
                let mut page = Form::get(&resp.account.endpoint("gate_3d_host")?, card_entry(Model::ThreeDHost)?)?;
                page.fields.push(("s".into(), sealed));
                r.outcome = Outcome::Redirect;
                r.bank.message.clear();
                r.next = Some(Step::Form(page));
            }
            return Ok(r);
        }
        let sonuc = result.text_at("Sonuc").unwrap_or_default();
        if sonuc.parse::<i64>().is_err() {
            return Err(bad("no Sonuc"));
        }
        let ok = positive(&sonuc);
        let status = action == STATUS_ACTION;
        let fields = if status && ok { result.find("DT_Bilgi").ok_or_else(|| bad("no DT_Bilgi"))? } else { &result };
        let get = |f: &str| fields.text_at(f).unwrap_or_default();
        let first = |a: &str, b: &str| result.text_at(a).filter(|t| !t.is_empty()).or_else(|| result.text_at(b));
        resp.check_order_id(&get("Siparis_ID"))?;
        let mut r = ApiResult {
            reason: None,
            outcome: if ok { Outcome::Approved } else { Outcome::Declined },
            bank: BankStatus {
                code: sonuc,
                message: first("Sonuc_Str", "Sonuc_Ack").unwrap_or_default(),
                md_status: None,
                error_code: first("Banka_Sonuc_Kod", "Bank_Sonuc_Kod").unwrap_or_default(),
            },
            references: references(REFERENCES, &get),
            order_status: None,
            next: None,
        };
        if !ok {
            return Ok(r);
        }
        match model {
            // A payment start: the 3D page, as a document or as an address.
            Some(m) if m != Model::Regular => {
                let (html, url) = (get("UCD_HTML"), get("UCD_URL"));
                let page = if !html.is_empty() && html != NONSECURE {
                    Step::Html(html)
                } else if url.starts_with("https://") {
                    Step::Form(Form::get(&url, card_entry(m)?).map_err(|_| bad("unreadable UCD_URL"))?)
                } else {
                    return Err(bad("no 3D page (UCD_HTML, UCD_URL)"));
                };
                (r.outcome, r.next) = (Outcome::Redirect, Some(page));
            }
            // A non-3D payment: done when Param gives its receipt number (Islem_ID) and NONSECURE.
            Some(_) => {
                let nonsecure = get("UCD_HTML") == NONSECURE || get("UCD_URL") == NONSECURE;
                if nonsecure && positive(&get("Islem_ID")) {
                    add_references(&mut r.references, &[("receipt_id", "Islem_ID")], &get);
                } else {
                    r.outcome = Outcome::Declined;
                }
            }
            None if action == "TP_WMD_Pay" && !positive(&get("Dekont_ID")) => r.outcome = Outcome::Declined,
            None if status => {
                let state = order_status(fields, Currency::find(resp.context_str("currency")?)?);
                // `approved` answers a status query only when the order is paid.
                if state.state != "paid" {
                    r.outcome = Outcome::Declined;
                }
                r.order_status = Some(state);
            }
            None => {}
        }
        Ok(r)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let fields = |key: &str| -> Result<RawPost> {
            let object = inputs.object(key)?;
            let mut map = object.map().clone();
            map.remove("G");
            RawPost::from_json(&map, object.path())
        };
        let (value, input_masked) = match kind {
            "parampos_request" => {
                let variant = inputs.str("variant")?;
                let names = VARIANTS.iter().find(|(v, _)| *v == variant).map(|(_, n)| *n).ok_or_else(|| {
                    Error::new(Code::RequestInvalidValue)
                        .at("inputs.variant")
                        .detail("try_3d_or_nonsecure, 3d_pay or foreign_currency_or_preauth")
                })?;
                let request = fields("request")?;
                let g = inputs.object("request")?.object("G")?;
                let client_code = RawPost::from_json(g.map(), g.path())?.text("CLIENT_CODE");
                let guid = request.text("GUID");
                let text = request_text(&client_code, &guid, &request, names);
                (sha1(&iso8859_9_encode(&text)), request_text(&client_code, "***", &request, names))
            }
            "parampos_3d_response" => {
                let response = fields("response")?;
                let text = |key: &str| response.concat(CALLBACK_3D.iter().copied(), key);
                (sha1(&text(inputs.str("store_key")?)), text::decode_text(&text("***")))
            }
            "parampos_3d_pay_response" => {
                let response = fields("response")?;
                let client_code = inputs.str("client_code")?;
                let text = |key: &str| pay_callback_text(client_code, key, &response);
                (sha1(&text(inputs.str("store_key")?)), text::decode_text(&text("***")))
            }
            _ => return Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        Ok(Computed { value, input_masked })
    }
}

/// The order's state from `TP_Islem_Sorgulama4` (`DT_Bilgi`): `Durum` SUCCESS, CANCEL, REFUND,
/// PARTIAL_REFUND, FAIL, BANK_FAIL (ParamPosResponseDataMapper). `Toplam_Tutar` is written with a
/// dot (`10.01`); a pre-authorisation's captured part is read from the acquirer's `Bank_Extra`
/// (`CAPTURE_AMT` in minor units) when it is there.
fn order_status(info: &Element, currency: &'static Currency) -> OrderStatus {
    let get = |f: &str| info.text_at(f).unwrap_or_default();
    let amount = parse_bank_amount(&get("Toplam_Tutar"), currency, false);
    let refunded = parse_bank_amount(&get("Toplam_Iade_Tutar"), currency, false).filter(|m| m.minor() > 0);
    let captured = match get("Islem_Tip").as_str() {
        "SALE" => amount,
        "PRE_AUTH" => Element::parse(&get("Bank_Extra")).ok().and_then(|extra| {
            let minor = extra.text_at("CAPTURE_AMT")?;
            let minor = if minor.is_empty() { "0".into() } else { minor };
            parse_bank_amount(&minor, currency, true)
        }),
        _ => None,
    };
    let state = match get("Durum").as_str() {
        "SUCCESS" => "paid",
        "CANCEL" => "cancelled",
        "REFUND" => OrderStatus::refund_state(refunded, amount),
        "PARTIAL_REFUND" => "partially_refunded",
        "FAIL" | "BANK_FAIL" => "declined",
        _ => "unknown",
    };
    OrderStatus { state, amount, captured, refunded }
}

#[cfg(test)]
mod tests;
