//! Yapı Kredi POSNET (XML). docs/pos-protocols.md §3.1–3.5.
//!
//! The 3D flow runs through the bank three times: `oosRequestData` (the bank encrypts order and
//! card into `data1`/`data2`/`sign`) → the browser form to YKBPaymentService → the callback
//! (`BankPacket`, `MerchantPacket`, `Sign`: sealed for the bank, nothing we can verify) →
//! `oosResolveMerchantData` (the bank opens them; its answer carries mdStatus, xid, amount and
//! currency under a MAC we verify) → `oosTranData` (the provision). Requests are ISO-8859-9 XML
//! posted as the form field `xmldata`; the bank authenticates the merchant by its IP address.
//! The helpers marked `pub(super)` are shared with the POSNET V1 JSON family.

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::text::{iso8859_9_encode, php_string, urlencode_bytes};
use super::xml::Element;
use super::*;
use crate::money::CurrencyStyle;

pub struct PosNet;

const TEST_API: &str = "https://setmpos.ykb.com/PosnetWebService/XML";
const TEST_GATE: &str = "https://setmpos.ykb.com/3DSWebService/YKBPaymentService";

/// The credentials of both POSNET families.
pub(super) static CREDENTIALS: &[CredentialField] = &[
    CredentialField {
        id: "merchant_no",
        label_en: "Merchant number (MID)",
        label_tr: "Üye işyeri numarası (MID)",
        secret: false,
        required: true,
        choices: &[],
    },
    CredentialField {
        id: "terminal_id",
        label_en: "Terminal number (TID)",
        label_tr: "Terminal numarası (TID)",
        secret: false,
        required: true,
        choices: &[],
    },
    CredentialField {
        id: "posnet_id",
        label_en: "POSNET ID",
        label_tr: "POSNET numarası (POSNET ID)",
        secret: false,
        required: true,
        choices: &[],
    },
    CredentialField {
        id: "enc_key",
        label_en: "Encryption key (ENCKEY)",
        label_tr: "Şifreleme anahtarı (ENCKEY)",
        secret: true,
        required: true,
        choices: &[],
    },
];

static INFO: GatewayInfo = GatewayInfo {
    id: "posnet",
    name: "Yapı Kredi POSNET (XML)",
    models: &[(Model::ThreeD, CardEntry::Server), (Model::Regular, CardEntry::Server)],
    operations: Operation::ALL,
    credentials: CREDENTIALS,
    endpoints: &[Endpoint { id: "gate_3d", test: TEST_GATE, live: "" }, Endpoint { id: "api", test: TEST_API, live: "" }],
    presets: &[
        Preset { id: "posnet", name: "POSNET (other bank: set the live endpoints)", gateway: "posnet", endpoints: &[], note: "" },
        Preset {
            id: "yapikredi",
            name: "Yapı Kredi",
            gateway: "posnet",
            endpoints: &[
                Endpoint { id: "gate_3d", test: TEST_GATE, live: "https://posnet.yapikredi.com.tr/3DSWebService/YKBPaymentService" },
                Endpoint { id: "api", test: TEST_API, live: "https://posnet.yapikredi.com.tr/PosnetWebService/XML" },
            ],
            note: "The bank accepts requests only from the server IP addresses registered for the terminal (error 0148 INVALID MID TID IP).",
        },
    ],
    signature_kinds: &[
        SignatureKind {
            id: "posnet_mac",
            inputs: "enc_key, terminal_id, merchant_no, xid, amount, currency",
            formula: "b64(SHA256(xid;amount;currency;merchant_no;firstHash)), firstHash = b64(SHA256(enc_key;terminal_id))",
        },
        SignatureKind {
            id: "posnet_response_mac",
            inputs: "enc_key, terminal_id, merchant_no; response: mdStatus, xid, amount, currency",
            formula: "b64(SHA256(mdStatus;xid;amount;currency;merchant_no;firstHash))",
        },
    ],
    max_order_id: 20,
};

// --- Shared with POSNET V1 ---------------------------------------------------------------------

/// The bank's 20-character order id: ours left-padded with `0`. Letters, digits and `_` only (the
/// bank answers "PAKET HATALI (ORDERID)" to others); longer ids are refused, never cut.
pub(super) fn xid(order_id: &str) -> Result<String> {
    check_order_id(order_id, 20)?;
    if order_id.contains('-') {
        return Err(Error::new(Code::OrderInvalidId).at("order.id").detail("1–20 letters, digits or _"));
    }
    Ok(format!("{order_id:0>20}"))
}

/// The 24-character order id of status, cancel and refund requests: the `bank_order_id`
/// reference from the payment's answer, else `prefix_3d` + xid (the payment was 3D).
pub(super) fn order_ref(req: &ApiRequest, prefix_3d: &str) -> Result<String> {
    match req.references.get("bank_order_id").filter(|v| !v.is_empty()) {
        Some(r) => Ok(r.clone()),
        None => Ok(String::from(prefix_3d) + &xid(&req.order.id)?),
    }
}

/// `TL`, `US`, `EU`, `GB`, `JP`, `RU`.
pub(super) fn currency_code(currency: &Currency) -> Result<String> {
    currency
        .code(CurrencyStyle::Posnet)
        .ok_or_else(|| Error::new(Code::GatewayUnsupportedCurrency).at("order.currency"))
}

/// A field of a `signature.compute` input the way PHP casts it (absent or `null` → "").
pub(super) fn scalar(input: &Input, key: &str) -> Result<String> {
    input
        .get(key)
        .map_or(Some(String::new()), php_string)
        .ok_or_else(|| Error::new(Code::RequestInvalidType).at(input.field(key)))
}

/// An amount of a status answer: `1,16` (decimal comma, `.` thousands) or plain.
fn status_amount(text: &str, currency: &'static Currency) -> Option<Money> {
    let t: String = if text.contains(',') {
        text.chars().filter(|c| *c != '.').map(|c| if c == ',' { '.' } else { c }).collect()
    } else {
        text.to_string()
    };
    Money::parse(&t, currency, crate::money::Sign::NonNegative).ok()
}

/// An order's state from the transactions a status query lists (type, amount as written), for
/// both families. Only entries the bank flags `1` count: the reference library's reading of an
/// undocumented flag (API.md, open points).
pub(super) fn order_status(txs: &[(String, String)], currency: &'static Currency) -> OrderStatus {
    let (mut sale, mut auth, mut refunded, mut reversed) = (None, None, 0, false);
    for (kind, amount) in txs {
        let amount = status_amount(amount, currency);
        match kind.to_ascii_lowercase().as_str() {
            "sale" | "capt" | "capture" => sale = sale.or(amount),
            "auth" => auth = auth.or(amount),
            "return" => refunded += amount.map_or(0, |m| m.minor()),
            "reverse" => reversed = true,
            _ => {}
        }
    }
    let paid: Option<Money> = sale.or(auth);
    let state = if reversed {
        "cancelled"
    } else if refunded > 0 {
        if paid.is_some_and(|p| refunded < p.minor()) {
            "partially_refunded"
        } else {
            "refunded"
        }
    } else if sale.is_some() {
        "paid"
    } else if auth.is_some() {
        "pending"
    } else {
        "unknown"
    };
    let refunded = if refunded > 0 { Money::from_minor(refunded, currency).ok() } else { None };
    OrderStatus { state, amount: paid, captured: sale, refunded }
}

// --- MAC -----------------------------------------------------------------------------------------

/// The merchant number and `firstHash = b64(SHA256(encKey;terminalId))` (PosNetCrypt).
struct MacKey {
    merchant_no: String,
    first_hash: String,
}

impl MacKey {
    fn new(merchant_no: &str, terminal_id: &str, enc_key: &str) -> MacKey {
        let first_hash = hash(Digest::Sha256, Encoding::Base64, (String::from(enc_key) + ";" + terminal_id).as_bytes());
        MacKey { merchant_no: merchant_no.to_string(), first_hash }
    }

    fn of(creds: &Credentials) -> Result<MacKey> {
        Ok(MacKey::new(creds.get("merchant_no")?, creds.get("terminal_id")?, creds.get("enc_key")?))
    }

    /// `join(";", parts) ; merchantNo ; secret`.
    fn plaintext(&self, parts: &[&str], secret: &str) -> String {
        let mut s = parts.join(";");
        for p in [self.merchant_no.as_str(), secret] {
            s.push(';');
            s.push_str(p);
        }
        s
    }

    /// Requests: parts = xid, amount, currency. The resolve answer: mdStatus, xid, amount, currency.
    fn mac(&self, parts: &[&str]) -> String {
        hash(Digest::Sha256, Encoding::Base64, self.plaintext(parts, &self.first_hash).as_bytes())
    }
}

// --- Requests ------------------------------------------------------------------------------------

fn installment(n: u32) -> String {
    if n > 1 {
        format!("{n:02}")
    } else {
        "00".into()
    }
}

fn head(creds: &Credentials) -> Result<Element> {
    Ok(Element::new("posnetRequest").leaf("mid", creds.get("merchant_no")?).leaf("tid", creds.get("terminal_id")?))
}

/// The XML as the form field `xmldata`, URL-encoded over its ISO-8859-9 bytes (as YKB's own PHP
/// kit posts it: a bare `+` of a base64 MAC would arrive as a space). The log copy is the XML.
fn http(account: &Account, doc: Element, sensitive: &[&str], context: Map<String, Value>) -> Result<HttpCall> {
    let xml = iso8859_9_encode(&doc.to_xml(Some("ISO-8859-9")));
    let body = String::from("xmldata=") + &urlencode_bytes(&xml);
    let mut call =
        HttpCall::new(account.endpoint("api")?, "application/x-www-form-urlencoded", xml, sensitive, context);
    call.body = body.into_bytes();
    Ok(call)
}

/// Order, amount and currency as every step of one payment sends and signs them.
struct Payment {
    xid: String,
    amount: String,
    currency: String,
}

impl Payment {
    fn of(order: &Order) -> Result<Payment> {
        Ok(Payment {
            xid: xid(&order.id)?,
            amount: order.amount.minor_units(),
            currency: currency_code(order.currency())?,
        })
    }

    /// The request's context, for `step` (an operation or a 3D step), with xid and amount.
    fn context(&self, req: &ApiRequest, step: &str) -> Map<String, Value> {
        let mut c = req.context();
        c.insert("operation".into(), step.into());
        c.insert("xid".into(), self.xid.clone().into());
        c.insert("amount".into(), self.amount.clone().into());
        c
    }
}

/// Step 1 of a 3D payment: the bank encrypts order and card for the browser form.
fn oos_request(req: &PaymentRequest) -> Result<HttpCall> {
    let creds = &req.account.credentials;
    let card = req.card.as_ref().ok_or_else(|| Error::new(Code::RequestMissingField).at("card"))?;
    let p = Payment::of(&req.order)?;
    let holder = if card.holder.is_empty() { &req.customer.name } else { &card.holder };
    let doc = head(creds)?.child(
        Element::new("oosRequestData")
            .leaf("posnetid", creds.get("posnet_id")?)
            .leaf("ccno", card.pan.digits())
            .leaf("expDate", card.expiry.yy() + &card.expiry.mm())
            .leaf("cvc", card.cvv.as_str())
            .leaf("amount", p.amount.as_str())
            .leaf("currencyCode", p.currency.as_str())
            .leaf("installment", installment(req.order.installments))
            .leaf("XID", p.xid.as_str())
            .leaf("cardHolderName", holder.as_str())
            .leaf("tranType", tran_type(req.order.tx_type)),
    );
    let mut context = p.context(&req.regular_request(), "oos_request");
    context.insert("return_url".into(), req.ok_url.clone().into());
    context.insert("lang".into(), if req.lang == Lang::Tr { "tr" } else { "en" }.into());
    http(req.account, doc, &[card.pan.digits(), &card.cvv], context)
}

/// `Sale` or `Auth` (pre-authorisation), in both families.
pub(super) fn tran_type(t: TxType) -> &'static str {
    match t {
        TxType::Sale => "Sale",
        TxType::PreAuth => "Auth",
    }
}

/// The callback's fields: sealed for the bank, passed back to it unchanged.
const PACKETS: [&str; 3] = ["BankPacket", "MerchantPacket", "Sign"];

/// `oosResolveMerchantData`: the bank opens the callback's packets and answers with the 3D result.
fn resolve_call(req: &ApiRequest, accept_half_secure: bool) -> Result<HttpCall> {
    let (account, post) = (req.account, req.post()?);
    let p = Payment::of(&req.order)?;
    let packets = PACKETS.map(|k| post.text(k));
    if let Some((name, _)) = PACKETS.iter().zip(&packets).find(|(_, v)| v.is_empty()) {
        return Err(Error::new(Code::RequestMissingField).at(String::from("post.") + name));
    }
    let mac = MacKey::of(&account.credentials)?.mac(&[&p.xid, &p.amount, &p.currency]);
    let [bank, merchant, sign] = packets;
    let doc = head(&account.credentials)?.child(
        Element::new("oosResolveMerchantData")
            .leaf("bankData", bank.as_str())
            .leaf("merchantData", merchant.as_str())
            .leaf("sign", sign.as_str())
            .leaf("mac", mac),
    );
    let mut context = p.context(req, "resolve");
    context.insert("bank_data".into(), bank.into());
    context.insert("merchant_data".into(), merchant.into());
    context.insert("sign".into(), sign.into());
    context.insert("accept_half_secure".into(), accept_half_secure.into());
    http(account, doc, &[], context)
}

impl Gateway for PosNet {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        req.account.check_model(req.model)?;
        let call =
            if req.model == Model::Regular { self.api_request(&req.regular_request())? } else { oos_request(req)? };
        Ok(Step::Http(call))
    }

    /// The callback is sealed for the bank: it goes back to the bank (`oosResolveMerchantData`),
    /// whose MAC-signed answer `api.parse` checks.
    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        req.account.check_model(req.model)?;
        if PACKETS.iter().any(|k| req.post.bytes(k).is_empty()) {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        Ok(Verdict {
            signature: SignatureCheck::NotSigned,
            outcome: Outcome::NeedsProvision,
            reason: None,
            bank: BankStatus::default(),
            references: StrMap::new(),
            masked_pan: None,
            next: Some(Step::Http(resolve_call(&req.follow_up(Operation::Provision), req.accept_half_secure)?)),
        })
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        let account = req.account;
        account.check_operation(req.operation)?;
        let order = &req.order;
        let p = Payment::of(order)?;
        let mut context = p.context(req, req.operation.id());
        let doc = head(&account.credentials)?;
        let mut sensitive: Vec<&str> = Vec::new();
        // Cancel and refund name the payment by its host reference, else by order id.
        let by_ref = |el: Element| -> Result<Element> {
            Ok(match req.references.get("host_ref").filter(|v| !v.is_empty()) {
                Some(r) => el.leaf("hostLogKey", r.as_str()),
                None => el.leaf("orderID", order_ref(req, "TDSC")?),
            })
        };
        let body = match req.operation {
            Operation::Sale | Operation::PreAuth => {
                let card = req.card()?;
                sensitive = vec![card.pan.digits(), &card.cvv];
                context.insert("bank_order_id".into(), (String::from("0000") + &p.xid).into());
                Element::new(if req.operation == Operation::Sale { "sale" } else { "auth" })
                    .leaf("orderID", p.xid.as_str())
                    .leaf("installment", installment(order.installments))
                    .leaf("amount", p.amount.as_str())
                    .leaf("currencyCode", p.currency.as_str())
                    .leaf("ccno", card.pan.digits())
                    .leaf("expDate", card.expiry.yy() + &card.expiry.mm())
                    .leaf("cvc", card.cvv.as_str())
            }
            Operation::Capture => Element::new("capt")
                .leaf("hostLogKey", req.reference("host_ref")?)
                .leaf("amount", p.amount.as_str())
                .leaf("currencyCode", p.currency.as_str())
                .leaf("installment", installment(order.installments)),
            Operation::Refund => by_ref(
                Element::new("return").leaf("amount", p.amount.as_str()).leaf("currencyCode", p.currency.as_str()),
            )?,
            Operation::Cancel => {
                let mut el = Element::new("reverse").leaf("transaction", tran_type(order.tx_type).to_ascii_lowercase());
                if let Some(code) = req.references.get("auth_code").filter(|v| !v.is_empty()) {
                    el = el.leaf("authCode", code.as_str());
                }
                by_ref(el)?
            }
            Operation::Status => {
                return http(
                    account,
                    doc.child(Element::new("agreement").leaf("orderID", order_ref(req, "TDSC")?)),
                    &[],
                    context,
                )
            }
            Operation::Provision => return resolve_call(req, false),
        };
        http(account, doc.leaf("tranDateRequired", "1").child(body), &sensitive, context)
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        let root = resp.xml("posnetResponse")?;
        let step = resp.context_str("operation")?;
        let bad = |detail: &str| Error::new(Code::BankBadResponse).detail(detail);
        let get = |path: &str| root.text_at(path).unwrap_or_default();
        let mut result = ApiResult {
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                code: get("approved"),
                message: get("respText"),
                md_status: None,
                error_code: get("respCode"),
            },
            references: StrMap::new(),
            order_status: None,
            next: None,
        };
        // approved: 1 = approved, 0 = not approved, 2 = approved before (a repeated request).
        let (outcome, reason) = match result.bank.code.as_str() {
            "" => return Err(bad("no approved flag")),
            "1" if result.bank.error_code.is_empty() => (Outcome::Approved, None),
            "0" => (Outcome::Declined, Some(Code::BankDeclined)),
            "2" => (Outcome::NeedsStatus, Some(Code::BankError)),
            _ => (Outcome::Error, Some(Code::BankError)),
        };
        result.outcome = outcome;
        result.reason = reason.map(Error::new);
        if outcome != Outcome::Approved {
            return Ok(result);
        }
        match step {
            "oos_request" => {
                let d = root.find("oosRequestDataResponse");
                let data = ["data1", "data2", "sign"].map(|k| d.and_then(|d| d.text_at(k)).unwrap_or_default());
                if data.iter().any(String::is_empty) {
                    return Err(bad("no oosRequestDataResponse data1, data2 and sign"));
                }
                let creds = &resp.account.credentials;
                let [data1, data2, sign] = data;
                let fields = [
                    ("mid", creds.get("merchant_no")?.to_string()),
                    ("posnetID", creds.get("posnet_id")?.to_string()),
                    ("posnetData", data1),
                    ("posnetData2", data2),
                    ("digest", sign),
                    ("merchantReturnURL", resp.context_str("return_url")?.to_string()),
                    ("url", String::new()),
                    ("lang", resp.context_str("lang")?.to_string()),
                ];
                // The payment goes on in the shopper's browser (as every family's 3D page does).
                result.outcome = Outcome::Redirect;
                result.next = Some(Step::Form(Form {
                    action: resp.account.endpoint("gate_3d")?,
                    method: "POST",
                    fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                    // The card, encrypted by the bank.
                    sensitive: vec!["posnetData2".into()],
                    card_entry: CardEntry::Server,
                    card_fields: None,
                }));
            }
            "resolve" => resolve_answer(resp, &root, &mut result)?,
            "status" => {
                let currency = Currency::find(resp.context_str("currency")?)?;
                let txs = root.find("transactions").map(|t| t.elements().collect::<Vec<_>>()).unwrap_or_default();
                let kept: Vec<(String, String)> = txs
                    .iter()
                    .filter(|t| t.text_at("txnStatus").as_deref() == Some("1"))
                    .map(|t| (t.text_at("state").unwrap_or_default(), t.text_at("amount").unwrap_or_default()))
                    .collect();
                result.order_status = Some(order_status(&kept, currency));
            }
            _ => {
                let refs = &mut result.references;
                add_references(refs, &[("host_ref", "hostlogkey"), ("auth_code", "authCode")], &get);
                let from_context =
                    |k: &str| resp.context.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                add_references(
                    refs,
                    &[("order_id", "order_id"), ("xid", "xid"), ("bank_order_id", "bank_order_id")],
                    &from_context,
                );
            }
        }
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let response;
        let (fields, names): (&Input, &[&str]) = match kind {
            "posnet_mac" => (inputs, &["xid", "amount", "currency"]),
            "posnet_response_mac" => {
                response = inputs.object("response")?;
                (&response, &["mdStatus", "xid", "amount", "currency"])
            }
            _ => return Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        let key = MacKey::new(inputs.str("merchant_no")?, inputs.str("terminal_id")?, inputs.str("enc_key")?);
        let parts = names.iter().map(|n| scalar(fields, n)).collect::<Result<Vec<_>>>()?;
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        Ok(Computed { value: key.mac(&parts), input_masked: key.plaintext(&parts, "***") })
    }
}

/// The resolve answer: its MAC, then its xid, amount and currency against the order, then
/// mdStatus; a good answer leads to the provision (`oosTranData`, same MAC as the resolve).
fn resolve_answer(resp: &ApiResponse, root: &Element, result: &mut ApiResult) -> Result<()> {
    let d = root
        .find("oosResolveMerchantDataResponse")
        .ok_or_else(|| Error::new(Code::BankBadResponse).detail("no oosResolveMerchantDataResponse"))?;
    let f = |k: &str| d.text_at(k).unwrap_or_default();
    let (md, xid, amount, currency) = (f("mdStatus"), f("xid"), f("amount"), f("currency"));
    let key = MacKey::of(&resp.account.credentials)?;
    let order_currency = Currency::find(resp.context_str("currency")?)?;
    let expected = ExpectedOrder {
        id: resp.context_str("order_id")?.to_string(),
        amount: parse_bank_amount(resp.context_str("amount")?, order_currency, true)
            .ok_or_else(|| Error::new(Code::RequestInvalidValue).at("context.amount"))?,
        installments: None,
    };
    let mac = f("mac");
    let authentic = signatures_equal(mac.as_bytes(), &key.mac(&[&md, &xid, &amount, &currency]));
    if authentic {
        result.bank.md_status = Some(md.clone());
        if result.bank.message.is_empty() {
            result.bank.message = f("mdErrorMessage");
        }
    }
    let refusal = if mac.is_empty() {
        Some(Error::new(Code::CallbackSignatureMissing))
    } else if !authentic {
        Some(Error::new(Code::CallbackSignatureMismatch))
    } else if xid != resp.context_str("xid")? {
        Some(Error::new(Code::CallbackOrderMismatch))
    } else if let Err(e) = check_amount(parse_bank_amount(&amount, order_currency, true), &expected) {
        Some(e)
    } else if currency != currency_code(order_currency)? {
        Some(Error::new(Code::CallbackCurrencyMismatch))
    } else {
        None
    };
    if let Some(e) = refusal {
        result.outcome = Outcome::Error;
        result.reason = Some(e);
        return Ok(());
    }
    let half = resp.context.get("accept_half_secure").and_then(Value::as_bool).unwrap_or(false);
    if let Some((outcome, reason)) = md_gate(&md, half) {
        result.outcome = outcome;
        result.reason = Some(reason);
        return Ok(());
    }
    let ctx = |k: &str| resp.context_str(k).map(str::to_string);
    let doc = head(&resp.account.credentials)?.child(
        Element::new("oosTranData")
            .leaf("bankData", ctx("bank_data")?)
            .leaf("merchantData", ctx("merchant_data")?)
            .leaf("sign", ctx("sign")?)
            .leaf("wpAmount", "0")
            .leaf("mac", key.mac(&[&xid, &ctx("amount")?, &currency])),
    );
    let mut context = Map::new();
    for k in ["gateway", "order_id", "currency", "xid", "amount"] {
        context.insert(k.into(), resp.context_str(k)?.into());
    }
    context.insert("operation".into(), "provision".into());
    context.insert("bank_order_id".into(), (String::from("TDSC") + &xid).into());
    result.outcome = Outcome::NeedsProvision;
    result.next = Some(Step::Http(http(resp.account, doc, &[], context)?));
    Ok(())
}

#[cfg(test)]
mod tests;
