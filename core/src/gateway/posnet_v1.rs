//! POSNET V1 (JSON): Albaraka Türk. docs/pos-protocols.md §3.6.
//!
//! The 3D form's `Mac` covers merchant, terminal, card and amount; with `UseOOS=1` the card parts
//! are empty and the bank's page takes the card. The callback's `Mac` covers the fields its
//! `MacParams` lists — the 3D data (mdStatus, ECI, CAVV, MD, SecureTransactionId), not the order
//! or the amount: the provision carries the shop's own order and amount, and the bank matches
//! them with the 3D session. The API is JSON at `<api>/<Operation>`, each request signed over the
//! values its `MACParams` names. Ids, currencies and status states are POSNET's (`super::posnet`).

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::posnet::{
    currency_code, insert_ref, order_ref, order_status, scalar, tran_type, xid, ALL_OPERATIONS, CREDENTIALS,
};
use super::text::{decode_text, php_string};
use super::*;
use crate::money::CurrencyStyle;

pub struct PosNetV1;

const TEST_API: &str = "https://epostest.albarakaturk.com.tr/ALBMerchantService/MerchantJSONAPI.svc";
const TEST_GATE: &str = "https://epostest.albarakaturk.com.tr/ALBSecurePaymentUI/SecureProcess/SecureVerification.aspx";

static INFO: GatewayInfo = GatewayInfo {
    id: "posnet_v1",
    name: "POSNET V1 (JSON)",
    models: &[(Model::ThreeD, CardEntry::Server), (Model::ThreeDHost, CardEntry::BankPage), (Model::Regular, CardEntry::Server)],
    operations: ALL_OPERATIONS,
    credentials: CREDENTIALS,
    endpoints: &[Endpoint { id: "gate_3d", test: TEST_GATE, live: "" }, Endpoint { id: "api", test: TEST_API, live: "" }],
    presets: &[
        Preset { id: "posnet_v1", name: "POSNET V1 (other bank: set the live endpoints)", gateway: "posnet_v1", endpoints: &[], note: "" },
        Preset {
            id: "albaraka",
            name: "Albaraka Türk",
            gateway: "posnet_v1",
            endpoints: &[
                Endpoint { id: "gate_3d", test: TEST_GATE, live: "https://epos.albarakaturk.com.tr/ALBSecurePaymentUI/SecureProcess/SecureVerification.aspx" },
                Endpoint { id: "api", test: TEST_API, live: "https://epos.albarakaturk.com.tr/ALBMerchantService/MerchantJSONAPI.svc" },
            ],
            note: "",
        },
    ],
    signature_kinds: &[
        SignatureKind {
            id: "posnetv1_3d_request",
            inputs: "store_key; form: MerchantNo, TerminalNo, CardNo, Cvv, ExpiredDate, Amount (no card fields with UseOOS=1)",
            formula: "b64(SHA256(MerchantNo . TerminalNo . CardNo . Cvv . ExpiredDate . Amount . store_key))",
        },
        SignatureKind {
            id: "posnetv1_macparams",
            inputs: "store_key; params_field (MACParams by default, MacParams in callbacks); response: the callback or request, nested objects searched depth-first",
            formula: "b64(SHA256(concat(value(n) for n in split(':', response[params_field])) . store_key))",
        },
        SignatureKind {
            id: "posnetv1_api_request",
            inputs: "store_key; request: MerchantNo, TerminalNo, ThreeDSecureData {SecureTransactionId, CavvData, Eci, MdStatus}",
            formula: "b64(SHA256(MerchantNo . TerminalNo . SecureTransactionId . CavvData . Eci . MdStatus . store_key))",
        },
    ],
    max_order_id: 20,
};

/// The form fields the 3D `Mac` covers, in order (PosNetV1PosCrypt::create3DHash).
const FORM_MAC: [&str; 6] = ["MerchantNo", "TerminalNo", "CardNo", "Cvv", "ExpiredDate", "Amount"];
const PROVISION_PARAMS: &str = "MerchantNo:TerminalNo:SecureTransactionId:CavvData:Eci:MdStatus";
/// Callback fields the provision uses: the callback's `MacParams` must cover them.
const CALLBACK_SIGNED: [&str; 5] = ["MdStatus", "ECI", "CAVV", "MD", "SecureTransactionId"];

/// The values, then the key: the text every V1 MAC hashes.
fn plaintext<'a>(values: impl IntoIterator<Item = &'a [u8]>, key: &str) -> Vec<u8> {
    let mut out: Vec<u8> = values.into_iter().flatten().copied().collect();
    out.extend_from_slice(key.as_bytes());
    out
}

fn mac(text: &[u8]) -> String {
    hash(Digest::Sha256, Encoding::Base64, text)
}

/// The first value named `name` in a depth-first walk (AbstractCrypt::recursiveFind); JSON
/// objects are unordered, so their keys are visited in sorted order.
fn find<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.iter().find_map(|(k, v)| if k == name { Some(v) } else { find_below(v, name) })
}

fn find_below<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => find(m, name),
        Value::Array(a) => a.iter().find_map(|c| find_below(c, name)),
        _ => None,
    }
}

/// The MAC text of a JSON document: the values `params` names (`a:b:c`), then the key.
fn json_plaintext(doc: &Map<String, Value>, params: &str, key: &str) -> Result<Vec<u8>> {
    let values = params
        .split(':')
        .map(|n| {
            find(doc, n).map_or(Some(String::new()), php_string).ok_or_else(|| {
                Error::new(Code::RequestInvalidType).at(String::from("inputs.") + n).detail("not a text value")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(plaintext(values.iter().map(|v| v.as_bytes()), key))
}

/// `InstallmentCount` and `InstallmentType`: `0`/`N` for a single payment, `n`/`Y` otherwise.
fn installments(n: u32) -> (String, &'static str) {
    if n > 1 {
        (n.to_string(), "Y")
    } else {
        ("0".into(), "N")
    }
}

/// A request field's value (a table instead of `json!`: far less code).
enum J<'a> {
    T(&'a str),
    N(i64),
    Null,
    Doc(Map<String, Value>),
}

/// A JSON object from its fields; a later field replaces an earlier one of the same name.
fn doc(fields: Vec<(&str, J)>) -> Map<String, Value> {
    let mut map = Map::new();
    for (k, v) in fields {
        let value = match v {
            J::T(s) => Value::from(s),
            J::N(n) => Value::from(n),
            J::Null => Value::Null,
            J::Doc(m) => Value::Object(m),
        };
        map.insert(k.to_string(), value);
    }
    map
}

impl Gateway for PosNetV1 {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        let account = req.account;
        let card_entry = account.check_model(req.model)?;
        if req.model == Model::Regular {
            return self.api_request(&req.sale_request()).map(Step::Http);
        }
        let creds = &account.credentials;
        let order = &req.order;
        let mut fields: Vec<(&str, String)> = vec![
            ("MerchantNo", creds.get("merchant_no")?.into()),
            ("TerminalNo", creds.get("terminal_id")?.into()),
            ("PosnetID", creds.get("posnet_id")?.into()),
            ("TransactionType", tran_type(order.tx_type).into()),
            ("OrderId", xid(&order.id)?),
            ("Amount", order.amount.minor_units()),
            ("CurrencyCode", currency_code(order.currency())?),
            ("MerchantReturnURL", req.ok_url.clone()),
            ("InstallmentCount", installments(order.installments).0),
            ("Language", if req.lang == Lang::Tr { "tr" } else { "en" }.into()),
            ("TxnState", "INITIAL".into()),
            ("OpenNewWindow", "0".into()),
        ];
        let mut sensitive = Vec::new();
        if card_entry == CardEntry::Server {
            let card = req.card.as_ref().ok_or_else(|| Error::new(Code::RequestMissingField).at("card"))?;
            let holder = if card.holder.is_empty() { &req.customer.name } else { &card.holder };
            fields.extend([
                ("CardNo", card.pan.digits().to_string()),
                ("ExpiredDate", card.expiry.yy() + &card.expiry.mm()),
                ("Cvv", card.cvv.clone()),
                ("CardHolderName", holder.clone()),
                // The bank's names; the Mac itself is positional (FORM_MAC).
                ("MacParams", "MerchantNo:TerminalNo:CardNo:Cvc2:ExpireDate:Amount".into()),
                ("UseOOS", "0".into()),
            ]);
            sensitive = vec!["CardNo".to_string(), "ExpiredDate".into(), "Cvv".into()];
        } else {
            fields.extend([("UseOOS", "1".into()), ("MacParams", "MerchantNo:TerminalNo:Amount".into())]);
        }
        let get = |n: &str| fields.iter().find(|(k, _)| *k == n).map_or(&[][..], |(_, v)| v.as_bytes());
        let signature = mac(&plaintext(FORM_MAC.map(get), creds.get("enc_key")?));
        fields.push(("Mac", signature));
        Ok(Step::Form(Form {
            action: account.endpoint("gate_3d")?,
            method: "POST",
            fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            sensitive,
            card_entry,
            card_fields: None,
        }))
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        let account = req.account;
        account.check_model(req.model)?;
        let post = &req.post;
        let key = account.credentials.get("enc_key")?;

        // 1. Authenticity: nothing in the callback is used before its Mac checks out.
        let received = post.bytes("Mac");
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        let params = post.text("MacParams");
        if !signatures_equal(received, &mac(&plaintext(params.split(':').map(|n| post.bytes(n)), key))) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        if let Some(unsigned) = CALLBACK_SIGNED.iter().find(|n| !params.split(':').any(|p| p == **n)) {
            return Ok(Verdict::rejected(
                SignatureCheck::Verified,
                Error::new(Code::CallbackFieldUnsigned).detail(*unsigned),
            ));
        }
        let md_status = post.text("MdStatus");
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                message: post.text("MdErrorMessage"),
                md_status: Some(md_status.clone()),
                ..BankStatus::default()
            },
            references: BTreeMap::new(),
            masked_pan: None,
            next: None,
        };
        insert_ref(&mut verdict.references, "transaction_id", post.text("SecureTransactionId"));

        // 2. Order id, amount and currency are not signed: a visible mismatch stops here, a match
        // proves nothing (the provision sends the shop's own order and amount).
        let currency = req.expected.amount.currency();
        let mismatch =
            if post.opt_text("OrderId").is_some_and(|o| o != req.expected.id && Ok(o) != xid(&req.expected.id)) {
                Some(Error::new(Code::CallbackOrderMismatch))
            } else if let Some(Err(e)) =
                post.opt_text("Amount").map(|a| check_amount(parse_bank_amount(&a, currency, true), &req.expected))
            {
                Some(e)
            } else if post.opt_text("CurrencyCode").is_some_and(|c| {
                Some(&c) != currency.code(CurrencyStyle::Numeric3).as_ref()
                    && Ok(&c) != currency_code(currency).as_ref()
            }) {
                Some(Error::new(Code::CallbackCurrencyMismatch))
            } else {
                None
            };
        if let Some(e) = mismatch {
            verdict.reason = Some(e);
            return Ok(verdict);
        }

        // 3. The outcome.
        if let Some((outcome, reason)) = md_refusal(&md_status, req.accept_half_secure) {
            verdict.outcome = outcome;
            verdict.reason = Some(reason);
            return Ok(verdict);
        }
        verdict.outcome = Outcome::NeedsProvision;
        verdict.next = Some(Step::Http(self.api_request(&req.provision_request())?));
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        use J::{Null, N, T};
        let account = req.account;
        account.check_operation(req.operation)?;
        let creds = &account.credentials;
        let order = &req.order;
        let oid = xid(&order.id)?;
        let amount = order.amount.minor();
        let currency = currency_code(order.currency())?;
        let (count, kind) = installments(order.installments);
        let mut context = call_context(INFO.id, req.operation.id(), order);
        let mut sensitive: Vec<&str> = Vec::new();
        let mut fields = vec![
            ("ApiType", T("JSON")),
            ("ApiVersion", T("V100")),
            ("MerchantNo", T(creds.get("merchant_no")?)),
            ("TerminalNo", T(creds.get("terminal_id")?)),
        ];
        let head =
            [("CipheredData", Null), ("DealerData", Null), ("IsEncrypted", Null), ("PaymentFacilitatorData", Null)];
        let payment = [
            ("Amount", N(amount)),
            ("CurrencyCode", T(&currency)),
            ("OrderId", T(&oid)),
            ("InstallmentCount", T(&count)),
            ("InstallmentType", T(kind)),
        ];
        let by_order; // the payment by its host reference, else by its order id
        let (endpoint, params) = match req.operation {
            Operation::Provision => {
                let post = req.post()?;
                context.insert("bank_order_id".into(), (String::from("TDS_") + &oid).into());
                let secure = ["SecureTransactionId", "CAVV", "ECI", "MD"].map(|k| post.text(k));
                let [id, cavv, eci, md] = &secure;
                let three_d = doc(vec![
                    ("SecureTransactionId", T(id)),
                    ("CavvData", T(cavv)),
                    ("Eci", T(eci)),
                    // A number, as PHP's (int) cast makes it.
                    ("MdStatus", N(post.text("MdStatus").parse().unwrap_or(0))),
                    ("MD", T(md)),
                ]);
                fields.extend([
                    ("PaymentInstrumentType", T("CARD")),
                    ("IsEncrypted", T("N")),
                    ("IsTDSecureMerchant", T("Y")),
                    ("IsMailOrder", T("N")),
                    ("ThreeDSecureData", J::Doc(three_d)),
                    ("PointAmount", N(0)),
                ]);
                fields.extend(payment);
                (tran_type(order.tx_type), PROVISION_PARAMS)
            }
            Operation::Sale | Operation::PreAuth => {
                let card = req.card()?;
                sensitive = vec![card.pan.digits(), &card.cvv];
                context.insert("bank_order_id".into(), (String::from("0000") + &oid).into());
                let expiry = card.expiry.yy() + &card.expiry.mm();
                let card_data = doc(vec![
                    ("CardNo", T(card.pan.digits())),
                    ("ExpireDate", T(&expiry)),
                    ("Cvc2", T(&card.cvv)),
                    ("CardHolderName", T(&card.holder)),
                ]);
                fields.extend(head);
                fields.extend([
                    ("CardInformationData", J::Doc(card_data)),
                    ("IsMailOrder", T("N")),
                    ("PaymentInstrumentType", T("CARD")),
                ]);
                for name in [
                    "AdditionalInfoData",
                    "IsRecurring",
                    "IsTDSecureMerchant",
                    "ThreeDSecureData",
                    "KOICode",
                    "MerchantMessageData",
                    "PointAmount",
                ] {
                    fields.push((name, Null));
                }
                fields.extend(payment);
                let tx = if req.operation == Operation::Sale { TxType::Sale } else { TxType::PreAuth };
                (tran_type(tx), "MerchantNo:TerminalNo:CardNo:Cvc2:ExpireDate:Amount")
            }
            Operation::Capture => {
                fields.extend(head);
                fields.extend(payment);
                fields.push(("ReferenceCode", T(req.reference("host_ref")?)));
                fields.retain(|(k, _)| *k != "OrderId");
                ("Capture", "MerchantNo:TerminalNo")
            }
            Operation::Refund | Operation::Cancel => {
                by_order = order_ref(req, "TDS_")?;
                let reference = req.references.get("host_ref").filter(|v| !v.is_empty());
                fields.extend(head);
                fields.extend([
                    ("ReferenceCode", reference.map_or(Null, |r| T(r))),
                    ("OrderId", if reference.is_some() { Null } else { T(&by_order) }),
                    ("TransactionType", T(tran_type(order.tx_type))),
                ]);
                let refund = req.operation == Operation::Refund;
                if refund {
                    fields.extend([("Amount", N(amount)), ("CurrencyCode", T(&currency))]);
                }
                (if refund { "Return" } else { "Reverse" }, "MerchantNo:TerminalNo:ReferenceCode:OrderId")
            }
            Operation::Status => {
                by_order = order_ref(req, "TDS_")?;
                fields.extend(head);
                fields.extend([("IsEncrypted", T("N")), ("OrderId", T(&by_order))]);
                ("TransactionInquiry", "MerchantNo:TerminalNo")
            }
        };
        fields.push(("MACParams", T(params)));
        let mut map = doc(fields);
        let signature = mac(&json_plaintext(&map, params, creds.get("enc_key")?)?);
        map.insert("MAC".into(), signature.into());
        let url = account.endpoint("api")?.trim_end_matches('/').to_string() + "/" + endpoint;
        let body = serde_json::to_vec(&map).unwrap_or_default();
        Ok(HttpCall::new(url, "application/json", body, &sensitive, context))
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        resp.ensure_ok()?;
        let operation = resp.context_str("operation")?;
        let bad = |detail: String| Error::new(Code::BankBadResponse).detail(detail);
        let doc: Value = serde_json::from_slice(resp.body).map_err(|e| bad(e.to_string()))?;
        let text = |v: Option<&Value>| v.and_then(php_string).unwrap_or_default();
        let service = doc.get("ServiceResponseData");
        let code = text(service.and_then(|s| s.get("ResponseCode")));
        if code.is_empty() {
            return Err(bad("no ServiceResponseData.ResponseCode".into()));
        }
        // `00` for payments, cancels and refunds, `0000` for inquiries.
        let approved = code == "00" || code == "0000";
        let mut result = ApiResult {
            outcome: if approved { Outcome::Approved } else { Outcome::Declined },
            reason: (!approved).then(|| Error::new(Code::BankDeclined)),
            bank: BankStatus {
                code,
                message: text(service.and_then(|s| s.get("ResponseDescription"))),
                ..BankStatus::default()
            },
            references: BTreeMap::new(),
            order_status: None,
            next: None,
        };
        if !approved {
            return Ok(result);
        }
        if operation == "status" {
            let currency = Currency::find(resp.context_str("currency")?)?;
            let txs = doc.get("TransactionData").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let kept: Vec<(String, String)> = txs
                .iter()
                .filter(|t| text(t.get("TransactionStatus")) == "1")
                .map(|t| (text(t.get("TransactionType")), text(t.get("Amount"))))
                .collect();
            result.order_status = Some(order_status(&kept, currency));
            return Ok(result);
        }
        let refs = &mut result.references;
        insert_ref(refs, "order_id", resp.context_str("order_id")?.to_string());
        insert_ref(refs, "auth_code", text(doc.get("AuthCode")));
        insert_ref(refs, "host_ref", text(doc.get("ReferenceCode")));
        if let Some(v) = resp.context.get("bank_order_id").and_then(Value::as_str) {
            insert_ref(refs, "bank_order_id", v.to_string());
        }
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let key = inputs.str("store_key")?;
        let text = |key: &str| -> Result<Vec<u8>> {
            match kind {
                "posnetv1_3d_request" => {
                    let form = inputs.object("form")?;
                    let values = FORM_MAC.iter().map(|n| scalar(&form, n)).collect::<Result<Vec<_>>>()?;
                    Ok(plaintext(values.iter().map(|v| v.as_bytes()), key))
                }
                "posnetv1_macparams" => {
                    let doc = inputs.object("response")?;
                    let field = inputs.opt_str("params_field")?.unwrap_or("MACParams");
                    let params = find(doc.map(), field)
                        .and_then(Value::as_str)
                        .ok_or_else(|| Error::new(Code::RequestMissingField).at(doc.field(field)))?;
                    json_plaintext(doc.map(), params, key)
                }
                "posnetv1_api_request" => json_plaintext(inputs.object("request")?.map(), PROVISION_PARAMS, key),
                _ => Err(Error::new(Code::SignatureUnknownKind).at("kind")),
            }
        };
        Ok(Computed { value: mac(&text(key)?), input_masked: decode_text(&text("***")?) })
    }
}

#[cfg(test)]
mod tests;
