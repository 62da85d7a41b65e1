//! POSNET V1 (JSON): Albaraka Türk. docs/pos-protocols.md §3.6.
//!
//! The 3D form's `Mac` covers merchant, terminal, card and amount; with `UseOOS=1` the card parts
//! are empty and the bank's page takes the card. The callback's `Mac` covers the fields its
//! `MacParams` lists — the 3D data (mdStatus, ECI, CAVV, MD, SecureTransactionId), not the order
//! or the amount: the provision carries the shop's own order and amount, and the bank matches
//! them with the 3D session. The API is JSON at `<api>/<Operation>`, each request signed over the
//! values its `MACParams` names. Ids, currencies and status states are POSNET's (`super::posnet`).

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::posnet::{currency_code, insert_ref, order_ref, order_status, scalar, xid, ALL_OPERATIONS, CREDENTIALS};
use super::text::{decode_text, php_string};
use super::*;
use crate::money::CurrencyStyle;
use serde_json::json;

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

fn tran_type(t: TxType) -> &'static str {
    match t {
        TxType::Sale => "Sale",
        TxType::PreAuth => "Auth",
    }
}

/// `InstallmentCount` and `InstallmentType`: `0`/`N` for a single payment, `n`/`Y` otherwise.
fn installments(n: u32) -> (String, &'static str) {
    if n > 1 {
        (n.to_string(), "Y")
    } else {
        ("0".into(), "N")
    }
}

fn merge(mut doc: Value, more: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut doc, more) {
        a.extend(b);
    }
    doc
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
        let account = req.account;
        account.check_operation(req.operation)?;
        let creds = &account.credentials;
        let (merchant, terminal) = (creds.get("merchant_no")?, creds.get("terminal_id")?);
        let order = &req.order;
        let oid = xid(&order.id)?;
        let amount = order.amount.minor();
        let currency = currency_code(order.currency())?;
        let (count, kind) = installments(order.installments);
        let head = |params: &str, encrypted: Value| {
            json!({"ApiType": "JSON", "ApiVersion": "V100", "MerchantNo": merchant, "TerminalNo": terminal,
                "MACParams": params, "CipheredData": null, "DealerData": null, "IsEncrypted": encrypted,
                "PaymentFacilitatorData": null})
        };
        let mut context = call_context(INFO.id, req.operation.id(), order);
        let mut sensitive: Vec<&str> = Vec::new();
        let (endpoint, mut doc) = match req.operation {
            Operation::Provision => {
                let post = req.post()?;
                context.insert("bank_order_id".into(), (String::from("TDS_") + &oid).into());
                let md_status: i64 = post.text("MdStatus").parse().unwrap_or(0);
                let doc = json!({
                    "ApiType": "JSON", "ApiVersion": "V100", "MerchantNo": merchant, "TerminalNo": terminal,
                    "PaymentInstrumentType": "CARD", "IsEncrypted": "N", "IsTDSecureMerchant": "Y", "IsMailOrder": "N",
                    "ThreeDSecureData": {"SecureTransactionId": post.text("SecureTransactionId"), "CavvData": post.text("CAVV"),
                        "Eci": post.text("ECI"), "MdStatus": md_status, "MD": post.text("MD")},
                    "MACParams": PROVISION_PARAMS, "Amount": amount, "CurrencyCode": currency, "PointAmount": 0,
                    "OrderId": oid, "InstallmentCount": count, "InstallmentType": kind,
                });
                (tran_type(order.tx_type), doc)
            }
            Operation::Sale | Operation::PreAuth => {
                let card = req.card()?;
                sensitive = vec![card.pan.digits(), &card.cvv];
                context.insert("bank_order_id".into(), (String::from("0000") + &oid).into());
                let more = json!({
                    "AdditionalInfoData": null,
                    "CardInformationData": {"CardNo": card.pan.digits(), "ExpireDate": card.expiry.yy() + &card.expiry.mm(),
                        "Cvc2": card.cvv, "CardHolderName": card.holder},
                    "IsMailOrder": "N", "IsRecurring": null, "IsTDSecureMerchant": null, "PaymentInstrumentType": "CARD",
                    "ThreeDSecureData": null, "Amount": amount, "CurrencyCode": currency, "OrderId": oid,
                    "InstallmentCount": count, "InstallmentType": kind, "KOICode": null, "MerchantMessageData": null,
                    "PointAmount": null,
                });
                let tx = if req.operation == Operation::Sale { TxType::Sale } else { TxType::PreAuth };
                (tran_type(tx), merge(head("MerchantNo:TerminalNo:CardNo:Cvc2:ExpireDate:Amount", Value::Null), more))
            }
            Operation::Capture => {
                let more = json!({"Amount": amount, "CurrencyCode": currency, "ReferenceCode": req.reference("host_ref")?,
                    "InstallmentCount": count, "InstallmentType": kind});
                ("Capture", merge(head("MerchantNo:TerminalNo", Value::Null), more))
            }
            Operation::Refund | Operation::Cancel => {
                // The payment by its host reference, else by its order id.
                let (reference, by_order) = match req.references.get("host_ref").filter(|v| !v.is_empty()) {
                    Some(r) => (Value::from(r.as_str()), Value::Null),
                    None => (Value::Null, Value::from(order_ref(req, "TDS_")?)),
                };
                let mut more = json!({"ReferenceCode": reference, "OrderId": by_order, "TransactionType": tran_type(order.tx_type)});
                let endpoint = if req.operation == Operation::Refund {
                    more = merge(more, json!({"Amount": amount, "CurrencyCode": currency}));
                    "Return"
                } else {
                    "Reverse"
                };
                (endpoint, merge(head("MerchantNo:TerminalNo:ReferenceCode:OrderId", Value::Null), more))
            }
            Operation::Status => {
                let more = json!({"OrderId": order_ref(req, "TDS_")?});
                ("TransactionInquiry", merge(head("MerchantNo:TerminalNo", "N".into()), more))
            }
        };
        if let Value::Object(map) = &mut doc {
            let params = map.get("MACParams").and_then(Value::as_str).unwrap_or_default().to_string();
            let signature = mac(&json_plaintext(map, &params, creds.get("enc_key")?)?);
            map.insert("MAC".into(), signature.into());
        }
        let url = account.endpoint("api")?.trim_end_matches('/').to_string() + "/" + endpoint;
        let body = serde_json::to_vec(&doc).unwrap_or_default();
        Ok(HttpCall::new(url, "application/json", body, &sensitive, context))
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        resp.ensure_ok()?;
        let operation = resp.context_str("operation")?;
        let bad = |detail: String| Error::new(Code::BankBadResponse).detail(detail);
        let doc: Value = serde_json::from_slice(resp.body).map_err(|e| bad(e.to_string()))?;
        let text = |v: Option<&Value>| v.and_then(php_string).unwrap_or_default();
        let code = text(doc.pointer("/ServiceResponseData/ResponseCode"));
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
                message: text(doc.pointer("/ServiceResponseData/ResponseDescription")),
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
            result.order_status = Some(order_status(kept.iter().map(|(k, a)| (k.as_str(), a.as_str())), currency));
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
