//! Tosla (ex-AKÖde). docs/pos-protocols.md §9.2.
//!
//! A JSON API at `…/api/Payment/<operation>`. Every request carries `clientId`, `apiUser`, `rnd`,
//! `timeSpan` (Turkish time `yyyyMMddHHmmss`; Tosla accepts it within an hour) and
//! `hash = b64(SHA512(apiPass . clientId . apiUser . rnd . timeSpan))`. A 3D payment opens a
//! session server-to-server (`threeDPayment`, amount included); then the browser posts the card
//! with the session id straight to Tosla (3D Pay), or the shopper types it on Tosla's page (3D
//! Host). The callback is signed `Hash = b64(SHA512(apiPass . values named in HashParameters))`.

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::text::php_string;
use super::*;

pub struct Tosla;

/// `timeSpan` (ToslaPosRequestValueFormatter).
const DATE_FORMAT: &str = "yyyyMMddHHmmss";

/// `HashParameters` of every published callback. The values are joined without separators, so
/// under another list the same signed bytes could be re-cut into other fields: only this one is
/// trusted, and it covers everything the verdict reads.
const HASH_PARAMETERS: &str = "ClientId,ApiUser,OrderId,MdStatus,BankResponseCode,BankResponseMessage,RequestStatus";

/// The fields the browser posts with `ThreeDSessionId` to `ProcessCardForm` (ToslaPosRequestDataMapper).
const CARD_FIELDS: CardFieldNames = CardFieldNames {
    number: "CardNo",
    expiry: &[("ExpireDate", "MM/YY")],
    cvv: "Cvv",
    holder: Some("CardHolderName"),
    brand: None,
    program: None,
};

/// The API operations (`api/Payment/<operation>`) whose answers `api_parse` reads.
const ACTIONS: &[&str] = &["threeDPayment", "threeDPreAuth", "Payment", "postAuth", "refund", "void", "inquiry"];

const REFERENCES: &[(&str, &str)] = &[
    ("order_id", "OrderId"),
    ("auth_code", "AuthCode"),
    ("host_ref", "HostReferenceNumber"),
    ("transaction_id", "TransactionId"),
];

static INFO: GatewayInfo = GatewayInfo {
    id: "tosla",
    name: "Tosla (ex-AKÖde)",
    models: &[
        (Model::ThreeDPay, CardEntry::Browser),
        (Model::ThreeDHost, CardEntry::BankPage),
        (Model::Regular, CardEntry::Server),
    ],
    // No non-3D pre-authorisation (ToslaPos $supportedTransactions): 3D models only.
    operations: &[Operation::Sale, Operation::Capture, Operation::Refund, Operation::Cancel, Operation::Status],
    credentials: &[
        CredentialField { id: "client_id", label_en: "Client ID (clientId)", label_tr: "Üye işyeri numarası (clientId)", secret: false, required: true, choices: &[] },
        CredentialField { id: "api_user", label_en: "API user (apiUser)", label_tr: "API kullanıcısı (apiUser)", secret: false, required: true, choices: &[] },
        CredentialField { id: "api_pass", label_en: "API password (apiPass)", label_tr: "API şifresi (apiPass)", secret: true, required: true, choices: &[] },
    ],
    endpoints: &[
        Endpoint { id: "api", test: "https://prepentegrasyon.tosla.com/api/Payment", live: "https://entegrasyon.tosla.com/api/Payment" },
        Endpoint { id: "gate_3d", test: "https://prepentegrasyon.tosla.com/api/Payment/ProcessCardForm", live: "https://entegrasyon.tosla.com/api/Payment/ProcessCardForm" },
        Endpoint { id: "gate_3d_host", test: "https://prepentegrasyon.tosla.com/api/Payment/threeDSecure", live: "https://entegrasyon.tosla.com/api/Payment/threeDSecure" },
    ],
    presets: &[Preset { id: "tosla", name: "Tosla (ex-AKÖde)", gateway: "tosla", endpoints: &[], note: "" }],
    signature_kinds: &[
        SignatureKind {
            id: "tosla_api_request",
            inputs: "api_pass; request: clientId, apiUser, rnd, timeSpan",
            formula: "b64(SHA512(api_pass . clientId . apiUser . rnd . timeSpan))",
        },
        SignatureKind {
            id: "tosla_response",
            inputs: "api_pass, client_id, api_user; response: the callback fields including HashParameters",
            formula: "b64(SHA512(api_pass . concat(value(n) for n in split(',', HashParameters)))) with ClientId = client_id, ApiUser = api_user",
        },
    ],
    // Not documented by Tosla; the bank's samples use 12 characters.
    max_order_id: 64,
};

fn sign(api_pass: &str, text: &[u8]) -> String {
    hash(Digest::Sha512, Encoding::Base64, &[api_pass.as_bytes(), text].concat())
}

/// The callback text: the values `HashParameters` names, ClientId and ApiUser taken from the
/// account (ToslaPosCrypt::check3DHash).
fn response_text(post: &RawPost, client_id: &str, api_user: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for name in post.text("HashParameters").split(',') {
        out.extend_from_slice(match name {
            "ClientId" => client_id.as_bytes(),
            "ApiUser" => api_user.as_bytes(),
            other => post.bytes(other),
        });
    }
    out
}

/// `orderId`, `amount` (minor units), `currency` (ISO numeric) and `installmentCount` (0 single).
fn order_fields(order: &Order) -> Result<Vec<(&'static str, Value)>> {
    numeric_currency(order.currency(), COMMON_CURRENCIES)?;
    let installments = if order.installments > 1 { order.installments } else { 0 };
    Ok(vec![
        ("orderId", order.id.as_str().into()),
        ("amount", order.amount.minor().into()),
        ("currency", order.currency().numeric.into()),
        ("installmentCount", installments.into()),
    ])
}

/// A signed request to `api/<operation>`; `card` values are masked in the log copy.
fn call(
    account: &Account,
    operation: &str,
    fields: Vec<(&str, Value)>,
    card: &[&str],
    (nonce, now): (Option<&str>, Option<DateTime>),
    mut context: Map<String, Value>,
) -> Result<HttpCall> {
    let creds = &account.credentials;
    let (client_id, api_user) = (creds.get("client_id")?, creds.get("api_user")?);
    let rnd = nonce_prefix(nonce, 24)?.to_ascii_uppercase();
    let time_span = require_now(now)?.format(DATE_FORMAT);
    let hash = sign(creds.get("api_pass")?, [client_id, api_user, &rnd, &time_span].concat().as_bytes());
    let mut body = vec![
        ("clientId", client_id.into()),
        ("apiUser", api_user.into()),
        ("rnd", rnd.into()),
        ("timeSpan", time_span.into()),
        ("hash", hash.into()),
    ];
    body.extend(fields);
    context.insert("action".into(), operation.into());
    let url = [account.endpoint("api")?, "/".into(), operation.into()].concat();
    Ok(HttpCall::json(url, &json_object(body), card, context))
}

fn bad(detail: &str) -> Error {
    Error::new(Code::BankBadResponse).detail(detail)
}

impl Gateway for Tosla {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        req.account.check_model(req.model)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        if req.model == Model::Regular {
            return self.api_request(&req.regular_request()).map(Step::Http);
        }
        let operation = match req.order.tx_type {
            TxType::Sale => "threeDPayment",
            TxType::PreAuth => "threeDPreAuth",
        };
        let mut fields = vec![("callbackUrl", req.ok_url.as_str().into())];
        fields.extend(order_fields(&req.order)?);
        let mut context = req.regular_request().context();
        context.insert("model".into(), req.model.id().into());
        call(req.account, operation, fields, &[], (req.nonce, req.now), context).map(Step::Http)
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        req.account.check_model(req.model)?;
        let post = &req.post;
        let creds = &req.account.credentials;

        // 1. Authenticity: nothing in the callback is used before its signature checks out.
        let received = post.bytes("Hash");
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        let text = response_text(post, creds.get("client_id")?, creds.get("api_user")?);
        if !signatures_equal(received, &sign(creds.get("api_pass")?, &text)) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        if post.text("HashParameters") != HASH_PARAMETERS {
            return Ok(Verdict::rejected(
                SignatureCheck::Verified,
                Error::new(Code::CallbackFieldUnsigned).detail("HashParameters is not the documented field list"),
            ));
        }
        let md_status = post.text("MdStatus");
        let code = post.text("BankResponseCode");
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                code: code.clone(),
                message: post.text("BankResponseMessage"),
                md_status: Some(md_status.clone()),
                error_code: String::new(),
            },
            references: collect_references(&[("order_id", "OrderId")], &|f| post.text(f)),
            masked_pan: None,
            next: None,
        };

        // 2. The callback must be for the expected order. It carries no amount: the session it
        //    closes was opened server-to-server with ours (`threeDPayment`), so only the signed
        //    order id binds it.
        if post.text("OrderId") != req.expected.id {
            verdict.reason = Some(Error::new(Code::CallbackOrderMismatch));
            return Ok(verdict);
        }

        // 3. The outcome: RequestStatus 1 with bank code 00 is a completed payment.
        let paid = code == "00" && post.text("RequestStatus") == "1";
        match md_gate(&md_status, req.accept_half_secure) {
            // A charge made on a half-secure authentication is still a charge.
            Some((Outcome::ThreeDsAttempt, _)) if paid => verdict.outcome = Outcome::Approved,
            Some((outcome, reason)) => (verdict.outcome, verdict.reason) = (outcome, Some(reason)),
            None if paid => verdict.outcome = Outcome::Approved,
            None => (verdict.outcome, verdict.reason) = (Outcome::Declined, Some(Error::new(Code::BankDeclined))),
        }
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        req.account.check_operation(req.operation)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        let order = &req.order;
        let id = ("orderId", order.id.as_str().into());
        let amount = ("amount", order.amount.minor().into());
        let mut card_values: Vec<&str> = Vec::new();
        let (operation, fields) = match req.operation {
            Operation::Sale => {
                let card = req.card()?;
                card_values.extend([card.pan.digits(), card.cvv.as_str()]);
                let mut fields = order_fields(order)?;
                fields.extend([
                    ("cardHolderName", card.holder.as_str().into()),
                    ("cardNo", card.pan.digits().into()),
                    ("expireDate", (card.expiry.mm() + &card.expiry.yy()).into()),
                    ("cvv", card.cvv.as_str().into()),
                ]);
                ("Payment", fields)
            }
            Operation::Capture => ("postAuth", vec![id, amount]),
            Operation::Refund => ("refund", vec![id, amount]),
            Operation::Cancel => ("void", vec![id]),
            _ => ("inquiry", vec![id]),
        };
        call(req.account, operation, fields, &card_values, (req.nonce, req.now), req.context())
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        let action = resp.context_str("action")?;
        if !ACTIONS.contains(&action) {
            return Err(Error::new(Code::RequestInvalidValue).at("context.action"));
        }
        resp.ensure_ok()?;
        let Ok(Value::Object(answer)) = serde_json::from_slice(resp.body) else {
            return Err(bad("not a JSON object"));
        };
        // Top-level scalars (ValidationErrors lists and the like are left out).
        let fields = RawPost::from_pairs(answer.iter().filter_map(|(k, v)| Some((k.as_str(), php_string(v)?))));
        let code = fields.opt_text("Code").ok_or_else(|| bad("no Code"))?;
        resp.check_order_id(&fields.text("OrderId"))?;
        let bank_code = fields.text("BankResponseCode");
        let mut r = ApiResult {
            reason: None,
            outcome: Outcome::Approved,
            bank: BankStatus {
                code: if bank_code.is_empty() { code.clone() } else { bank_code.clone() },
                message: fields.opt_text("BankResponseMessage").unwrap_or_else(|| fields.text("Message")),
                md_status: None,
                error_code: if code == "0" { String::new() } else { code.clone() },
            },
            // `0` stands for no transaction id.
            references: collect_references(REFERENCES, &|f| {
                Some(fields.text(f)).filter(|v| v != "0").unwrap_or_default()
            }),
            order_status: None,
            next: None,
        };
        if code != "0" {
            // 997 hash, 998 validation, 999 general: our request was refused, nothing happened.
            r.outcome = if matches!(code.as_str(), "997" | "998" | "999") { Outcome::Error } else { Outcome::Declined };
            return Ok(r);
        }
        match action {
            "threeDPayment" | "threeDPreAuth" => {
                let session = fields.opt_text("ThreeDSessionId").ok_or_else(|| bad("no ThreeDSessionId"))?;
                let account = resp.account;
                let page = match resp.context.get("model").and_then(Value::as_str) {
                    Some("3d_host") => {
                        let url = [account.endpoint("gate_3d_host")?, "/".into(), text::urlencode(&session)].concat();
                        Form::get(&url, CardEntry::BankPage)?
                    }
                    _ => Form::post(
                        account.endpoint("gate_3d")?,
                        vec![("ThreeDSessionId".into(), session)],
                        CardEntry::Browser,
                        CARD_FIELDS,
                        None,
                    ),
                };
                (r.outcome, r.next) = (Outcome::Redirect, Some(Step::Form(page)));
            }
            "Payment" if bank_code != "00" => r.outcome = Outcome::Declined,
            "inquiry" => {
                let state = order_status(&fields, Currency::find(resp.context_str("currency")?)?)?;
                // `approved` answers a status query only when the order is paid.
                if state.state != "paid" {
                    r.outcome = Outcome::Declined;
                }
                r.order_status = Some(state);
            }
            _ => {}
        }
        Ok(r)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let api_pass = inputs.str("api_pass")?;
        let fields = |key: &str| RawPost::from_json(inputs.object(key)?.map(), &inputs.field(key));
        let text = match kind {
            "tosla_api_request" => {
                let request = fields("request")?;
                ["clientId", "apiUser", "rnd", "timeSpan"].map(|n| request.text(n)).concat().into_bytes()
            }
            "tosla_response" => response_text(&fields("response")?, inputs.str("client_id")?, inputs.str("api_user")?),
            _ => return Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        Ok(Computed { value: sign(api_pass, &text), input_masked: ["***", &text::decode_text(&text)].concat() })
    }
}

/// The order's state from `inquiry` (ToslaPosResponseDataMapper): `RequestStatus` 1 paid (a
/// pre-authorisation: authorised), 5 pre-authorisation captured, 2 cancelled, 3 partially refunded,
/// 4 refunded, 0 failed, 10 waiting for 3D; amounts in minor units. An unknown order comes back as
/// `Code` 0 with an empty record.
fn order_status(f: &RawPost, currency: &'static Currency) -> Result<OrderStatus> {
    if f.text("OrderId").is_empty() {
        return Ok(OrderStatus { state: "unknown", ..OrderStatus::default() });
    }
    if f.text("Currency") != currency.numeric.to_string() {
        return Err(bad("the order is in another currency"));
    }
    let minor = |k: &str| parse_bank_amount(&f.text(k), currency, true);
    let amount = minor("Amount");
    let captured = if f.text("TransactionType") == "2" { minor("PostAuthedAmount") } else { amount };
    let state = match f.text("RequestStatus").as_str() {
        "1" | "5" => "paid",
        "2" => "cancelled",
        "3" => "partially_refunded",
        "4" => "refunded",
        "0" => "declined",
        "10" => "pending",
        _ => "unknown",
    };
    Ok(OrderStatus { state, amount, captured, refunded: minor("RefundedAmount").filter(|m| m.minor() > 0) })
}

#[cfg(test)]
mod tests;
