//! POSNET V1 (JSON): Albaraka Türk. docs/pos-protocols.md §3.6.
//!
//! The 3D form's `Mac` covers merchant, terminal, card and amount; with `UseOOS=1` the card parts
//! are empty and the bank's page takes the card. The callback's `Mac` covers the fields its
//! `MacParams` lists — the 3D data (mdStatus, ECI, CAVV, MD, SecureTransactionId), not the order
//! or the amount: the provision carries the shop's own order and amount, and the bank matches
//! them with the 3D session. The API is JSON at `<api>/<Operation>`, each request signed over the
//! values its `MACParams` names. Ids, currencies and status states are POSNET's (`super::posnet`).

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::posnet::{currency_code, order_ref, order_status, scalar, tran_type, xid, CREDENTIALS};
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
    operations: Operation::ALL,
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

impl Gateway for PosNetV1 {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        let account = req.account;
        let card_entry = account.check_model(req.model)?;
        if req.model == Model::Regular {
            return self.api_request(&req.regular_request()).map(Step::Http);
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
            references: StrMap::new(),
            masked_pan: None,
            next: None,
        };
        add_references(&mut verdict.references, &[("transaction_id", "SecureTransactionId")], &|k| post.text(k));

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
        if let Some((outcome, reason)) = md_gate(&md_status, req.accept_half_secure) {
            verdict.outcome = outcome;
            verdict.reason = Some(reason);
            return Ok(verdict);
        }
        verdict.outcome = Outcome::NeedsProvision;
        verdict.next = Some(Step::Http(self.api_request(&req.follow_up(Operation::Provision))?));
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        let account = req.account;
        account.check_operation(req.operation)?;
        let creds = &account.credentials;
        let order = &req.order;
        let oid = xid(&order.id)?;
        let amount = order.amount.minor();
        let currency = currency_code(order.currency())?;
        let (count, kind) = installments(order.installments);
        let mut context = req.context();
        let mut sensitive: Vec<&str> = Vec::new();
        let t = Value::from;
        let mut fields = vec![
            ("ApiType", t("JSON")),
            ("ApiVersion", t("V100")),
            ("MerchantNo", t(creds.get("merchant_no")?)),
            ("TerminalNo", t(creds.get("terminal_id")?)),
        ];
        let head = ["CipheredData", "DealerData", "IsEncrypted", "PaymentFacilitatorData"].map(|k| (k, Value::Null));
        let payment = [
            ("Amount", Value::from(amount)),
            ("CurrencyCode", t(currency.as_str())),
            ("InstallmentCount", t(count.as_str())),
            ("InstallmentType", t(kind)),
        ];
        let (endpoint, params) = match req.operation {
            Operation::Provision => {
                let post = req.post()?;
                context.insert("bank_order_id".into(), (String::from("TDS_") + &oid).into());
                let [id, cavv, eci, md] = ["SecureTransactionId", "CAVV", "ECI", "MD"].map(|k| post.text(k).into());
                let three_d = json_object(vec![
                    ("SecureTransactionId", id),
                    ("CavvData", cavv),
                    ("Eci", eci),
                    // A number, as PHP's (int) cast makes it.
                    ("MdStatus", Value::from(post.text("MdStatus").parse::<i64>().unwrap_or(0))),
                    ("MD", md),
                ]);
                fields.extend([
                    ("PaymentInstrumentType", t("CARD")),
                    ("IsEncrypted", t("N")),
                    ("IsTDSecureMerchant", t("Y")),
                    ("IsMailOrder", t("N")),
                    ("ThreeDSecureData", three_d),
                    ("PointAmount", Value::from(0)),
                    ("OrderId", t(oid.as_str())),
                ]);
                fields.extend(payment);
                (tran_type(order.tx_type), PROVISION_PARAMS)
            }
            Operation::Sale | Operation::PreAuth => {
                let card = req.card()?;
                sensitive = vec![card.pan.digits(), &card.cvv];
                context.insert("bank_order_id".into(), (String::from("0000") + &oid).into());
                let card_data = json_object(vec![
                    ("CardNo", t(card.pan.digits())),
                    ("ExpireDate", (card.expiry.yy() + &card.expiry.mm()).into()),
                    ("Cvc2", t(card.cvv.as_str())),
                    ("CardHolderName", t(card.holder.as_str())),
                ]);
                fields.extend(head);
                fields.extend([
                    ("CardInformationData", card_data),
                    ("IsMailOrder", t("N")),
                    ("PaymentInstrumentType", t("CARD")),
                    ("OrderId", t(oid.as_str())),
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
                    fields.push((name, Value::Null));
                }
                fields.extend(payment);
                let tx = if req.operation == Operation::Sale { TxType::Sale } else { TxType::PreAuth };
                (tran_type(tx), "MerchantNo:TerminalNo:CardNo:Cvc2:ExpireDate:Amount")
            }
            Operation::Capture => {
                fields.extend(head);
                fields.extend(payment);
                fields.push(("ReferenceCode", t(req.reference("host_ref")?)));
                ("Capture", "MerchantNo:TerminalNo")
            }
            Operation::Refund | Operation::Cancel => {
                // The payment by its host reference, else by its order id.
                let (reference, by_order) = match req.references.get("host_ref").filter(|v| !v.is_empty()) {
                    Some(r) => (t(r.as_str()), Value::Null),
                    None => (Value::Null, order_ref(req, "TDS_")?.into()),
                };
                fields.extend(head);
                fields.extend([
                    ("ReferenceCode", reference),
                    ("OrderId", by_order),
                    ("TransactionType", t(tran_type(order.tx_type))),
                ]);
                let refund = req.operation == Operation::Refund;
                if refund {
                    fields.extend([("Amount", Value::from(amount)), ("CurrencyCode", t(currency.as_str()))]);
                }
                (if refund { "Return" } else { "Reverse" }, "MerchantNo:TerminalNo:ReferenceCode:OrderId")
            }
            Operation::Status => {
                fields.extend(head);
                fields.extend([("IsEncrypted", t("N")), ("OrderId", order_ref(req, "TDS_")?.into())]);
                ("TransactionInquiry", "MerchantNo:TerminalNo")
            }
        };
        fields.push(("MACParams", t(params)));
        let mut body = json_object(fields);
        if let Value::Object(map) = &mut body {
            let signature = mac(&json_plaintext(map, params, creds.get("enc_key")?)?);
            map.insert("MAC".into(), signature.into());
        }
        let url = account.endpoint("api")?.trim_end_matches('/').to_string() + "/" + endpoint;
        Ok(HttpCall::json(url, &body, &sensitive, context))
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
            references: StrMap::new(),
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
        add_references(refs, &[("auth_code", "AuthCode"), ("host_ref", "ReferenceCode")], &|k| text(doc.get(k)));
        let from_context = |k: &str| resp.context.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        add_references(refs, &[("order_id", "order_id"), ("bank_order_id", "bank_order_id")], &from_context);
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
