//! Akbank's new virtual POS API (JSON; merchant safe ID, terminal safe ID, secret key).
//! docs/pos-protocols.md §8. Akbank's older POS is NestPay (`akbank_legacy`).
//!
//! One MAC everywhere: `b64(HMAC_SHA512(secret key as ASCII bytes, text))` — over a fixed field
//! list for the 3D form, over the fields the callback's `hashParams` names for the callback, and
//! over the exact body bytes of every API request (header `auth-hash`).

use super::crypto::{hmac_encoded, signatures_equal, Digest, Encoding};
use super::text::{decode_text, php_string, RawPost};
use super::*;

pub struct Akbank;

/// `responseCode` of every successful answer and callback.
const SUCCESS: &str = "VPS-0000";
/// `requestDateTime`, Turkish local time (AkbankPosRequestValueFormatter::formatDateTime).
const DATE_FORMAT: &str = "yyyy-MM-ddTHH:mm:ss.000";

static INFO: GatewayInfo = GatewayInfo {
    id: "akbank",
    name: "Akbank virtual POS (new API)",
    models: &[
        (Model::ThreeD, CardEntry::Server),
        (Model::ThreeDPay, CardEntry::Server),
        (Model::ThreeDHost, CardEntry::BankPage),
        (Model::Regular, CardEntry::Server),
    ],
    operations: Operation::ALL,
    credentials: &[
        CredentialField { id: "merchant_safe_id", label_en: "Merchant safe ID", label_tr: "Üye işyeri güvenli numarası (Merchant Safe ID)", secret: false, required: true, choices: &[] },
        CredentialField { id: "terminal_safe_id", label_en: "Terminal safe ID", label_tr: "Terminal güvenli numarası (Terminal Safe ID)", secret: false, required: true, choices: &[] },
        CredentialField { id: "secret_key", label_en: "Secret key", label_tr: "Gizli anahtar (Secret Key)", secret: true, required: true, choices: &[] },
        CredentialField { id: "sub_merchant_id", label_en: "Sub-merchant ID (payment facilitators only)", label_tr: "Alt üye işyeri numarası (yalnızca ödeme kuruluşları)", secret: false, required: false, choices: &[] },
    ],
    endpoints: &[
        Endpoint { id: "gate_3d", test: "https://virtualpospaymentgatewaypre.akbank.com/securepay", live: "https://virtualpospaymentgateway.akbank.com/securepay" },
        Endpoint { id: "gate_host", test: "https://virtualpospaymentgatewaypre.akbank.com/payhosting", live: "https://virtualpospaymentgateway.akbank.com/payhosting" },
        Endpoint { id: "api", test: "https://apipre.akbank.com/api/v1/payment/virtualpos/transaction/process", live: "https://api.akbank.com/api/v1/payment/virtualpos/transaction/process" },
    ],
    presets: &[Preset {
        id: "akbank",
        name: "Akbank",
        gateway: "akbank",
        endpoints: &[],
        note: "Akbank's new virtual POS (safe IDs and a 128-character secret key). Accounts on Akbank's older NestPay POS use the akbank_legacy preset.",
    }],
    signature_kinds: &[
        SignatureKind {
            id: "akbank_3d_request",
            inputs: "secret_key; form: paymentModel, txnCode, merchantSafeId, terminalSafeId, orderId, lang, amount, ccbRewardAmount, pcbRewardAmount, xcbRewardAmount, currencyCode, installCount, okUrl, failUrl, emailAddress, subMerchantId, creditCard, expiredDate, cvv, randomNumber, requestDateTime, b2bIdentityNumber (absent: empty)",
            formula: "b64(HMAC_SHA512(secret_key, concatenation of the form fields in that order))",
        },
        SignatureKind {
            id: "akbank_response",
            inputs: "secret_key; response: the callback fields including hashParams",
            formula: "b64(HMAC_SHA512(secret_key, concat(value(n) for n in split('+', hashParams))))",
        },
        SignatureKind {
            id: "akbank_api_body",
            inputs: "secret_key; body: the exact JSON request body",
            formula: "b64(HMAC_SHA512(secret_key, body)) (the auth-hash header)",
        },
    ],
    // The bank's own samples use 36-character order ids (UUIDs); no longer one is seen.
    max_order_id: 36,
};

/// The 3D form hash fields, in order (AkbankPosCrypt::create3DHash).
const FORM_HASH_FIELDS: &[&str] = &[
    "paymentModel",
    "txnCode",
    "merchantSafeId",
    "terminalSafeId",
    "orderId",
    "lang",
    "amount",
    "ccbRewardAmount",
    "pcbRewardAmount",
    "xcbRewardAmount",
    "currencyCode",
    "installCount",
    "okUrl",
    "failUrl",
    "emailAddress",
    "subMerchantId",
    "creditCard",
    "expiredDate",
    "cvv",
    "randomNumber",
    "requestDateTime",
    "b2bIdentityNumber",
];
const CARD_FIELDS: &[&str] = &["creditCard", "expiredDate", "cvv"];
/// The 3D authentication result a `3D` callback hands to the provision request.
const SECURE_FIELDS: &[&str] = &["secureId", "secureEcomInd", "secureData", "secureMd"];
/// Sale and pre-authorisation: the transactions a status query looks for.
const PAYMENT_CODES: &[&str] = &["1000", "1004"];

fn sign(secret: &str, text: &[u8]) -> String {
    hmac_encoded(Digest::Sha512, Encoding::Base64, secret.as_bytes(), text)
}

/// The form hash input; `mask_card` for the copy shown to people.
fn form_text(form: &RawPost, mask_card: bool) -> String {
    FORM_HASH_FIELDS
        .iter()
        .map(|name| {
            let value = form.text(name);
            if mask_card && CARD_FIELDS.contains(name) {
                mask_value(&value)
            } else {
                value
            }
        })
        .collect()
}

/// The callback hash input: the values `hashParams` names (`a+b+c`), no key appended
/// (AkbankPosCrypt::check3DHash).
fn response_text(post: &RawPost) -> Vec<u8> {
    let mut out = Vec::new();
    for name in post.text("hashParams").split('+') {
        out.extend_from_slice(post.bytes(name));
    }
    out
}

/// `128` hex characters from the caller's nonce, upper case like the bank's samples.
fn random_number(nonce: Option<&str>) -> Result<String> {
    Ok(nonce_prefix(nonce, 128)?.to_ascii_uppercase())
}

/// `d+.dd`: the bank rejects anything else ("VPS-3001 amount alanı patterne uymamaktadır",
/// mewebstudio/pos #249), so yen get `.00` too.
fn amount_text(m: &Money) -> String {
    let text = m.decimal();
    if m.currency().exponent == 0 {
        text + ".00"
    } else {
        text
    }
}

/// The currencies of AkbankPosRequestValueMapper, by ISO numeric code.
fn currency_code(order: &Order) -> Result<u16> {
    let c = order.currency();
    if ["TRY", "USD", "EUR", "GBP", "JPY", "RUB"].contains(&c.alpha) {
        Ok(c.numeric)
    } else {
        Err(Error::new(Code::GatewayUnsupportedCurrency).at("order.currency"))
    }
}

fn payment_code(tx: TxType, three_d: bool) -> &'static str {
    match (tx, three_d) {
        (TxType::Sale, true) => "3000",
        (TxType::PreAuth, true) => "3004",
        (TxType::Sale, false) => "1000",
        (TxType::PreAuth, false) => "1004",
    }
}

/// A JSON answer (or one of its list entries) as flat fields: top-level values and those of
/// nested objects (`order.orderId`, `transaction.rrn`) under their own names, the way the
/// callbacks carry them. Lists are skipped.
fn flatten(map: &Map<String, Value>) -> RawPost {
    let mut pairs = Vec::new();
    for (key, value) in map {
        match value {
            Value::Object(inner) => {
                pairs.extend(inner.iter().filter_map(|(k, v)| Some((k.clone(), php_string(v)?))));
            }
            v => pairs.extend(php_string(v).map(|s| (key.clone(), s))),
        }
    }
    RawPost::from_pairs(pairs)
}

fn bank_status(fields: &RawPost) -> BankStatus {
    let code = fields.text("responseCode");
    // The host's message says more than "Provizyon Hatası" when the issuer refused.
    let message = match fields.opt_text("hostMessage") {
        Some(host) if code != SUCCESS => host,
        _ => fields.text("responseMessage"),
    };
    BankStatus { code, message, md_status: None, error_code: fields.text("hostResponseCode") }
}

/// References to keep; zeros are what the bank sends when there is none.
fn references(fields: &RawPost) -> StrMap {
    let mut refs = StrMap::new();
    for (name, field) in [
        ("order_id", "orderId"),
        ("auth_code", "authCode"),
        ("host_ref", "rrn"),
        ("batch_number", "batchNumber"),
        ("xid", "secureId"),
    ] {
        if let Some(v) = fields.opt_text(field).filter(|v| v.bytes().any(|b| b != b'0')) {
            refs.insert(name.to_string(), v);
        }
    }
    refs
}

fn bad_response(detail: &str) -> Error {
    Error::new(Code::BankBadResponse).detail(detail)
}

impl Gateway for Akbank {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        let account = req.account;
        let card_entry = account.check_model(req.model)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        if req.model == Model::Regular {
            return self.api_request(&req.regular_request()).map(Step::Http);
        }
        let creds = &account.credentials;
        let secret = creds.get("secret_key")?;
        let order = &req.order;
        let mut fields: Vec<(String, String)> = vec![
            (
                "paymentModel".into(),
                match req.model {
                    Model::ThreeD => "3D",
                    Model::ThreeDPay => "3D_PAY",
                    _ => "3D_PAY_HOSTING",
                }
                .into(),
            ),
            ("txnCode".into(), payment_code(order.tx_type, true).into()),
            ("merchantSafeId".into(), creds.get("merchant_safe_id")?.into()),
            ("terminalSafeId".into(), creds.get("terminal_safe_id")?.into()),
            ("orderId".into(), order.id.clone()),
            ("lang".into(), if req.lang == Lang::Tr { "TR" } else { "EN" }.into()),
            ("amount".into(), amount_text(&order.amount)),
            ("currencyCode".into(), currency_code(order)?.to_string()),
            ("installCount".into(), order.installments.max(1).to_string()),
            ("okUrl".into(), req.ok_url.clone()),
            ("failUrl".into(), req.fail_url.clone()),
            ("randomNumber".into(), random_number(req.nonce)?),
            ("requestDateTime".into(), require_now(req.now)?.format(DATE_FORMAT)),
        ];
        if let Some(sub) = creds.opt("sub_merchant_id") {
            fields.push(("subMerchantId".into(), sub.into()));
        }
        let mut sensitive = Vec::new();
        if card_entry == CardEntry::Server {
            // The card fields are inside the form hash: the browser cannot add them afterwards.
            let card = req.card.as_ref().ok_or_else(|| Error::new(Code::RequestMissingField).at("card"))?;
            for (name, value) in [
                ("creditCard", card.pan.digits().to_string()),
                ("expiredDate", card.expiry.mm() + &card.expiry.yy()),
                ("cvv", card.cvv.clone()),
            ] {
                fields.push((name.into(), value));
                sensitive.push(name.to_string());
            }
        }
        let hash = sign(secret, form_text(&RawPost::from_pairs(fields.clone()), false).as_bytes());
        fields.push(("hash".into(), hash));
        Ok(Step::Form(Form {
            action: account.endpoint(if req.model == Model::ThreeDHost { "gate_host" } else { "gate_3d" })?,
            method: "POST",
            fields,
            sensitive,
            card_entry,
            card_fields: None,
        }))
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        let account = req.account;
        account.check_model(req.model)?;
        let post = &req.post;
        let secret = account.credentials.get("secret_key")?;

        // 1. Authenticity: nothing in the callback is used before its signature checks out, and
        //    afterwards only the fields `hashParams` names (the rest is unsigned) are read.
        let received = post.bytes("hash");
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        if !signatures_equal(received, &sign(secret, &response_text(post))) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        let hash_params = post.text("hashParams");
        let names: Vec<&str> = hash_params.split('+').collect();
        let signed = RawPost::from_pairs(post.iter().filter(|(k, _)| names.contains(k)).map(|(k, v)| (k, v.to_vec())));
        let code = signed.text("responseCode");
        let three_d = req.model == Model::ThreeD;
        let mut must_be_signed = vec!["orderId", "responseCode"];
        if three_d && code == SUCCESS {
            must_be_signed.extend_from_slice(SECURE_FIELDS);
        }
        if let Some(unsigned) = must_be_signed.iter().find(|n| !signed.contains(n)) {
            return Ok(Verdict::rejected(
                SignatureCheck::Verified,
                Error::new(Code::CallbackFieldUnsigned).detail(*unsigned),
            ));
        }
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            bank: bank_status(&signed),
            references: references(&signed),
            masked_pan: None,
            next: None,
        };

        // 2. The callback must be for the expected order. Akbank signs neither the amount nor the
        //    currency nor the installments: a `3D` provision sends ours, and a paying model is
        //    confirmed by a status query (below).
        if signed.text("orderId") != req.expected.id {
            verdict.reason = Some(Error::new(Code::CallbackOrderMismatch));
            return Ok(verdict);
        }

        // 3. The outcome.
        let follow_up = |operation: Operation| -> Result<Option<Step>> {
            // The next request signs a timestamp and a random number: built when the caller gave them.
            if req.nonce.is_none() || req.now.is_none() {
                return Ok(None);
            }
            Ok(Some(Step::Http(self.api_request(&req.follow_up(operation))?)))
        };
        if code != SUCCESS {
            // A paying model that reached the payment names its transaction code; a failed 3D
            // authentication (VPS-1279 …) signs only responseCode, responseMessage and orderId.
            let (outcome, reason) = if !three_d && !signed.text("txnCode").is_empty() {
                (Outcome::Declined, Code::BankDeclined)
            } else {
                (Outcome::ThreeDsFailed, Code::Callback3dsFailed)
            };
            verdict.outcome = outcome;
            verdict.reason = Some(Error::new(reason));
        } else if three_d {
            // ECI 06 (Visa) / 01 (Mastercard): authentication only attempted, no liability shift.
            let attempt = matches!(signed.text("secureEcomInd").as_str(), "01" | "06");
            if attempt && !req.accept_half_secure {
                verdict.outcome = Outcome::ThreeDsAttempt;
                verdict.reason = Some(Error::new(Code::Callback3dsAttempt));
            } else {
                verdict.outcome = Outcome::NeedsProvision;
                verdict.next = follow_up(Operation::Provision)?;
            }
        } else {
            // Paid, but the callback does not sign the amount: the order history confirms it.
            verdict.outcome = Outcome::NeedsStatus;
            verdict.next = follow_up(Operation::Status)?;
        }
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        let account = req.account;
        account.check_operation(req.operation)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        let creds = &account.credentials;
        let secret = creds.get("secret_key")?;
        let order = &req.order;
        let txn_code = match req.operation {
            Operation::Provision => payment_code(order.tx_type, false),
            Operation::Sale => payment_code(TxType::Sale, false),
            Operation::PreAuth => payment_code(TxType::PreAuth, false),
            Operation::Capture => "1005",
            Operation::Refund => "1002",
            Operation::Cancel => "1003",
            // Order history: the API has no other status query (the reference library offers none).
            Operation::Status => "1010",
        };
        let mut fields: Vec<(&str, Value)> = vec![
            (
                "terminal",
                json_object(vec![
                    ("merchantSafeId", creds.get("merchant_safe_id")?.into()),
                    ("terminalSafeId", creds.get("terminal_safe_id")?.into()),
                ]),
            ),
            ("version", "1.00".into()),
            ("txnCode", txn_code.into()),
            ("requestDateTime", require_now(req.now)?.format(DATE_FORMAT).into()),
            ("randomNumber", random_number(req.nonce)?.into()),
            ("order", json_object(vec![("orderId", order.id.as_str().into())])),
        ];
        if let Some(sub) = creds.opt("sub_merchant_id") {
            fields.push(("subMerchant", json_object(vec![("subMerchantId", sub.into())])));
        }
        // A refund with an amount may be partial; cancel and status carry no amount.
        let mut transaction: Vec<(&str, Value)> =
            vec![("amount", amount_text(&order.amount).into()), ("currencyCode", currency_code(order)?.into())];
        let customer = || json_object(vec![("ipAddress", req.customer.ip.as_str().into())]);
        let mut sensitive: Vec<&str> = Vec::new();
        match req.operation {
            Operation::Provision | Operation::Sale | Operation::PreAuth => {
                transaction.extend([("motoInd", 0.into()), ("installCount", order.installments.max(1).into())]);
                if req.operation == Operation::Provision {
                    let post = req.post()?;
                    let secure = SECURE_FIELDS.iter().map(|f| (*f, post.text(f).into())).collect();
                    fields.push(("secureTransaction", json_object(secure)));
                } else {
                    let card = req.card()?;
                    sensitive.extend([card.pan.digits(), card.cvv.as_str()]);
                    fields.push((
                        "card",
                        json_object(vec![
                            ("cardNumber", card.pan.digits().into()),
                            ("cvv2", card.cvv.as_str().into()),
                            ("expireDate", (card.expiry.mm() + &card.expiry.yy()).into()),
                        ]),
                    ));
                }
                fields.extend([("transaction", json_object(transaction)), ("customer", customer())]);
            }
            Operation::Capture => fields.extend([("transaction", json_object(transaction)), ("customer", customer())]),
            Operation::Refund => fields.push(("transaction", json_object(transaction))),
            Operation::Cancel | Operation::Status => {}
        }
        let mut context = Map::new();
        context.insert("gateway".into(), INFO.id.into());
        context.insert("operation".into(), req.operation.id().into());
        context.insert("order_id".into(), order.id.clone().into());
        context.insert("currency".into(), order.currency().alpha.into());
        context.insert("txn_code".into(), txn_code.into());
        let call = HttpCall::json(account.endpoint("api")?, &json_object(fields), &sensitive, context);
        let auth_hash = sign(secret, &call.body);
        Ok(call.header("auth-hash", auth_hash))
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        let operation = Operation::parse(resp.context_str("operation")?)
            .ok_or_else(|| Error::new(Code::RequestInvalidValue).at("context.operation"))?;
        let answer = match serde_json::from_slice(resp.body) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        };
        // Requests failing the bank's validation come back as HTTP 400 with a JSON error: the
        // request was refused and nothing happened, which is an `error` answer with the bank's
        // code and message (what to fix), not a transport failure.
        if let (400, Some(map)) = (resp.status, &answer) {
            let fields = flatten(map);
            if let Some(code) = fields.opt_text("responseCode").or_else(|| fields.opt_text("code")) {
                let message = fields.opt_text("responseMessage").or_else(|| fields.opt_text("message"));
                return Ok(ApiResult {
                    outcome: Outcome::Error,
                    reason: None,
                    bank: BankStatus { code, message: message.unwrap_or_default(), ..BankStatus::default() },
                    references: StrMap::new(),
                    order_status: None,
                    next: None,
                });
            }
        }
        resp.ensure_ok()?;
        let answer = answer.ok_or_else(|| bad_response("not a JSON object"))?;
        let fields = flatten(&answer);
        let code = fields.text("responseCode");
        if code.is_empty() {
            return Err(bad_response("no responseCode"));
        }
        let txn_code = resp.context_str("txn_code")?;
        if fields.opt_text("txnCode").is_some_and(|t| t != txn_code) {
            return Err(bad_response("the answer is for another transaction type"));
        }
        let order_id = resp.context_str("order_id")?;
        if fields.opt_text("orderId").is_some_and(|o| o != order_id) {
            return Err(bad_response("the answer is for another order"));
        }
        let approved = code == SUCCESS;
        let mut result = ApiResult {
            outcome: if approved {
                Outcome::Approved
            } else if fields.opt_text("hostResponseCode").is_some_and(|h| h != "00") {
                // The issuer answered and refused; VPS codes without a host answer are the
                // gateway's own errors (unknown order, duplicate order id, bad date …).
                Outcome::Declined
            } else {
                Outcome::Error
            },
            reason: None,
            bank: bank_status(&fields),
            references: references(&fields),
            order_status: None,
            next: None,
        };
        if operation == Operation::Status && approved {
            let currency = Currency::find(resp.context_str("currency")?)?;
            result.order_status = Some(order_status(&answer, order_id, currency)?);
        }
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let secret = inputs.str("secret_key")?;
        let fields = |key: &str| RawPost::from_json(inputs.object(key)?.map(), &inputs.field(key));
        let (text, input_masked) = match kind {
            "akbank_3d_request" => {
                let form = fields("form")?;
                (form_text(&form, false).into_bytes(), form_text(&form, true))
            }
            "akbank_response" => {
                let text = response_text(&fields("response")?);
                let shown = decode_text(&text);
                (text, shown)
            }
            "akbank_api_body" => {
                let body = inputs.str("body")?;
                let mut shown = body.to_string();
                if let Ok(Value::Object(map)) = serde_json::from_slice(body.as_bytes()) {
                    let card = flatten(&map);
                    for secret_field in ["cardNumber", "cvv2"] {
                        if let Some(v) = card.opt_text(secret_field) {
                            shown = shown.replace(&v, &mask_value(&v));
                        }
                    }
                }
                (body.as_bytes().to_vec(), shown)
            }
            _ => return Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        Ok(Computed { value: sign(secret, &text), input_masked })
    }
}

/// The state of an order from its history (txnCode 1010): the sale or pre-authorisation with its
/// `txnStatus` (N normal, V voided, R reversed), the captured part of a pre-authorisation, and
/// the refunds (txnCode 1002) that were not voided. Amounts are JSON numbers in major units.
fn order_status(answer: &Map<String, Value>, order_id: &str, currency: &'static Currency) -> Result<OrderStatus> {
    let list = answer.get("txnDetailList").and_then(Value::as_array).ok_or_else(|| bad_response("no txnDetailList"))?;
    let txns: Vec<RawPost> = list
        .iter()
        .filter_map(Value::as_object)
        .map(flatten)
        .filter(|t| t.text("orgOrderId") == order_id || t.text("orderId") == order_id)
        .collect();
    let approved = |t: &&RawPost| t.text("responseCode") == SUCCESS;
    let is = |t: &RawPost, codes: &[&str]| codes.contains(&t.text("txnCode").as_str());
    let money = |t: &RawPost, field: &str| -> Result<Money> {
        if t.text("currencyCode") != currency.numeric.to_string() {
            return Err(bad_response("the order history is in another currency"));
        }
        parse_bank_amount(&t.text(field), currency, false).ok_or_else(|| bad_response("unreadable amount"))
    };
    let Some(payment) = txns.iter().filter(approved).find(|t| is(t, PAYMENT_CODES)) else {
        let state = if txns.iter().any(|t| is(t, PAYMENT_CODES)) { "declined" } else { "unknown" };
        return Ok(OrderStatus { state, ..OrderStatus::default() });
    };
    let amount = money(payment, "amount")?;
    let captured = if payment.text("txnCode") == "1000" {
        amount
    } else if payment.text("preAuthStatus") == "C" {
        money(payment, "preAuthCloseAmount")?
    } else {
        Money::from_minor(0, currency)?
    };
    let mut refunded: i64 = 0;
    for t in txns.iter().filter(approved).filter(|t| is(t, &["1002"]) && t.text("txnStatus") != "V") {
        refunded = refunded.saturating_add(money(t, "amount")?.minor());
    }
    let state = match payment.text("txnStatus").as_str() {
        "V" => "cancelled",
        "R" => "refunded",
        "N" if refunded == 0 => "paid",
        "N" if refunded >= captured.minor() => "refunded",
        "N" => "partially_refunded",
        // S: suspicious, held by the bank.
        _ => "unknown",
    };
    Ok(OrderStatus {
        state,
        amount: Some(amount),
        captured: Some(captured),
        refunded: Some(Money::from_minor(refunded, currency).map_err(|_| bad_response("refund total out of range"))?),
    })
}

#[cfg(test)]
mod tests;
