//! iyzico (payment service provider): 3D Secure card payments over its JSON API.
//! docs/pos-protocols.md §11.
//!
//! Requests carry `Authorization: IYZWSv2 b64("apiKey:" k "&randomKey:" r "&signature:" s)` with
//! `s = hex(HMAC_SHA256(secretKey, r . path . body))` over the exact body bytes. Answers, and the
//! 3D callback when iyzico signs it, carry `signature = hex(HMAC_SHA256(secretKey, join(":",
//! fields)))` over a field list documented per endpoint (docs.iyzico.com "Response Signature
//! Validation"). The flow: initialize (card in the signed body) → the bank's 3D page from
//! `threeDSHtmlContent` → callback → `/payment/3dsecure/auth` → signed payment answer.

use super::crypto::{base64, base64_decode, hash, hmac_encoded, signatures_equal, Digest, Encoding};
use super::text::{decode_text, json_field, php_string};
use super::*;

pub struct Iyzico;

const INITIALIZE: &str = "/payment/3dsecure/initialize";
const AUTH: &str = "/payment/3dsecure/auth";
const REFUND: &str = "/v2/payment/refund";
const CANCEL: &str = "/payment/cancel";
const DETAIL: &str = "/payment/detail";
const INSTALLMENT: &str = "/payment/iyzipos/installment";

/// The fields each answer's `signature` covers, in order (docs.iyzico.com "Response Signature
/// Validation"); cancel and installment answers carry none.
const SIGNED: &[(&str, &[&str])] = &[
    (INITIALIZE, &["paymentId", "conversationId"]),
    (AUTH, &["paymentId", "currency", "basketId", "conversationId", "paidPrice", "price"]),
    (DETAIL, &["paymentId", "currency", "basketId", "conversationId", "paidPrice", "price"]),
    (REFUND, &["paymentId", "price", "currency", "conversationId"]),
];
/// The 3D callback's signed fields ("callbackURL" row of the same page).
const CALLBACK_SIGNED: &[&str] = &["conversationData", "conversationId", "mdStatus", "paymentId", "status"];
/// The currencies of iyzipay-php `Model/Currency.php` that the core knows.
const CURRENCIES: &[&str] = &["TRY", "USD", "EUR", "GBP", "NOK", "CHF", "RUB"];

static INFO: GatewayInfo = GatewayInfo {
    id: "iyzico",
    name: "iyzico",
    models: &[(Model::ThreeD, CardEntry::Server)],
    operations: &[Operation::Provision, Operation::Refund, Operation::Cancel, Operation::Status],
    credentials: &[
        CredentialField { id: "api_key", label_en: "API key", label_tr: "API anahtarı", secret: false, required: true, choices: &[] },
        CredentialField { id: "secret_key", label_en: "Secret key", label_tr: "Güvenlik anahtarı (secret key)", secret: true, required: true, choices: &[] },
    ],
    endpoints: &[Endpoint { id: "api", test: "https://sandbox-api.iyzipay.com", live: "https://api.iyzipay.com" }],
    presets: &[Preset { id: "iyzico", name: "iyzico", gateway: "iyzico", endpoints: &[], note: "" }],
    signature_kinds: &[
        SignatureKind {
            id: "iyzico_v2_signature",
            inputs: "secret_key, random_key, uri_path, body",
            formula: "hex(HMAC_SHA256(secret_key, random_key . uri_path . body))",
        },
        SignatureKind {
            id: "iyzico_v2_authorization",
            inputs: "api_key, secret_key, random_key, uri_path, body",
            formula: "'IYZWSv2 ' . b64('apiKey:' . api_key . '&randomKey:' . random_key . '&signature:' . iyzico_v2_signature)",
        },
        SignatureKind {
            id: "iyzico_pki_v1_auth",
            inputs: "api_key, secret_key, random, pki_string",
            formula: "b64(SHA1(api_key . random . secret_key . pki_string)) (legacy IYZWS header: 'IYZWS ' . api_key . ':' . value)",
        },
        SignatureKind {
            id: "iyzico_response_signature",
            inputs: "secret_key; params: the answer's signed values in the documented order",
            formula: "hex(HMAC_SHA256(secret_key, join(':', params)))",
        },
    ],
    max_order_id: 64,
};

fn hex_hmac(secret: &str, text: &[u8]) -> String {
    hmac_encoded(Digest::Sha256, Encoding::HexLower, secret.as_bytes(), text)
}

/// The `Authorization` header value for a request to `path` with this body.
fn authorization(api_key: &str, secret: &str, random: &str, path: &str, body: &[u8]) -> String {
    let signature = hex_hmac(secret, &[random.as_bytes(), path.as_bytes(), body].concat());
    String::from("IYZWSv2 ") + &base64(format!("apiKey:{api_key}&randomKey:{random}&signature:{signature}").as_bytes())
}

/// A price as iyzico signs it: trailing zeros and a trailing dot dropped (`1.10` → `1.1`,
/// `50.0` → `50`), the way PHP string-casts the number in its answer.
fn signed_price(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// The values joined with `:` (the text iyzico's `signature` covers).
fn colon_joined(values: impl Iterator<Item = String>) -> String {
    let mut text = String::new();
    for (i, value) in values.enumerate() {
        if i > 0 {
            text.push(':');
        }
        text.push_str(&value);
    }
    text
}

/// The `signature` an answer or callback should carry over `names` (prices normalised).
fn response_signature(secret: &str, names: &[&str], get: &dyn Fn(&str) -> String) -> String {
    let text = colon_joined(names.iter().map(|n| {
        let v = get(n);
        if matches!(*n, "price" | "paidPrice") {
            signed_price(&v).to_string()
        } else {
            v
        }
    }));
    hex_hmac(secret, text.as_bytes())
}

fn currency_code(order: &Order) -> Result<&'static str> {
    let alpha = order.currency().alpha;
    if CURRENCIES.contains(&alpha) {
        Ok(alpha)
    } else {
        Err(Error::new(Code::GatewayUnsupportedCurrency)
            .at("order.currency")
            .detail("TRY, USD, EUR, GBP, NOK, CHF, RUB"))
    }
}

fn locale(lang: Lang) -> &'static str {
    if lang == Lang::Tr {
        "tr"
    } else {
        "en"
    }
}

/// A JSON object of text fields; empty values are left out (iyzico's optional fields).
fn strings(pairs: &[(&str, &str)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        map.insert(name.to_string(), Value::from(*value));
    }
    map
}

/// The basket items and their sum (`price`); without lines, one item for the order total.
fn basket(order: &Order) -> Result<(Money, Vec<Value>)> {
    let item = |id: &str, name: &str, category: &str, physical: bool, price: &Money| {
        Value::Object(strings(&[
            ("id", id),
            ("name", name),
            ("category1", if category.is_empty() { "General" } else { category }),
            ("itemType", if physical { "PHYSICAL" } else { "VIRTUAL" }),
            ("price", &price.decimal_min_one()),
        ]))
    };
    if order.lines.is_empty() {
        return Ok((order.amount, vec![item(&order.id, &order.id, "", true, &order.amount)]));
    }
    let mut sum = 0i64;
    let mut items = Vec::new();
    for (i, line) in order.lines.iter().enumerate() {
        let total = line.total().map_err(|e| e.at(format!("order.lines[{i}]")))?;
        sum = sum.saturating_add(total.minor());
        let id = if line.id.is_empty() { (i + 1).to_string() } else { line.id.clone() };
        items.push(item(&id, &line.name, &line.category, line.physical, &total));
    }
    Ok((Money::from_minor(sum, order.currency()).map_err(|e| e.at("order.lines"))?, items))
}

/// A signed JSON POST to `path` of the account's API.
fn call(
    account: &Account,
    path: &'static str,
    body: Value,
    sensitive: &[&str],
    mut context: Map<String, Value>,
    nonce: Option<&str>,
) -> Result<HttpCall> {
    let creds = &account.credentials;
    let (api_key, secret) = (creds.get("api_key")?, creds.get("secret_key")?);
    let random = nonce_prefix(nonce, 32)?;
    context.insert("path".into(), path.into());
    let call = HttpCall::json(account.endpoint("api")? + path, &body, sensitive, context);
    let auth = authorization(api_key, secret, &random, path, &call.body);
    Ok(call.header("Authorization", auth).header("x-iyzi-rnd", random))
}

/// `/payment/3dsecure/initialize`: the payment with the card, whose answer holds the bank's 3D page.
fn initialize(req: &PaymentRequest) -> Result<HttpCall> {
    let (order, c) = (&req.order, &req.customer);
    if order.tx_type == TxType::PreAuth {
        return Err(Error::new(Code::GatewayUnsupportedOperation).at("order.tx_type").detail("iyzico: sale only"));
    }
    let card = req.card.as_ref().ok_or_else(|| Error::new(Code::RequestMissingField).at("card"))?;
    let (price, items) = basket(order)?;
    let full_name = c.require("name")?.trim();
    // iyzico wants the surname apart; a single word serves as both.
    let (name, surname) = full_name.rsplit_once(' ').map_or((full_name, full_name), |(n, s)| (n.trim(), s));
    let (address, city, country) = (c.require("address")?, c.require("city")?, c.require("country")?);
    let buyer = strings(&[
        ("id", if c.id.is_empty() { &order.id } else { &c.id }),
        ("name", name),
        ("surname", surname),
        ("email", c.require("email")?),
        // Required by iyzico; shops that do not collect it send eleven 1s, as iyzico's own
        // integrations do.
        ("identityNumber", if c.identity_number.is_empty() { "11111111111" } else { &c.identity_number }),
        ("registrationAddress", address),
        ("city", city),
        ("country", country),
        ("ip", c.require("ip")?),
        ("gsmNumber", &c.phone),
        ("zipCode", &c.postal_code),
    ]);
    let place = || {
        Value::Object(strings(&[
            ("contactName", full_name),
            ("city", city),
            ("country", country),
            ("address", address),
            ("zipCode", &c.postal_code),
        ]))
    };
    let mut payment_card = strings(&[
        ("cardHolderName", if card.holder.is_empty() { full_name } else { &card.holder }),
        ("cardNumber", card.pan.digits()),
        ("expireMonth", &card.expiry.mm()),
        ("expireYear", &card.expiry.yyyy()),
        ("cvc", &card.cvv),
    ]);
    payment_card.insert("registerCard".into(), 0.into());
    let mut body = strings(&[
        ("locale", locale(req.lang)),
        ("conversationId", &order.id),
        ("price", &price.decimal_min_one()),
        ("paidPrice", &order.amount.decimal_min_one()),
        ("currency", currency_code(order)?),
        ("basketId", &order.id),
        ("paymentChannel", "WEB"),
        ("paymentGroup", "PRODUCT"),
        ("callbackUrl", &req.ok_url),
    ]);
    for (name, value) in [
        ("installment", order.installments.max(1).into()),
        ("paymentCard", Value::Object(payment_card)),
        ("buyer", Value::Object(buyer)),
        ("shippingAddress", place()),
        ("billingAddress", place()),
        ("basketItems", Value::Array(items)),
    ] {
        body.insert(name.into(), value);
    }
    let mut context = req.regular_request().context();
    context.insert("amount".into(), order.amount.decimal().into());
    call(req.account, INITIALIZE, Value::Object(body), &[card.pan.digits(), &card.cvv], context, req.nonce)
}

/// `text` with the card number and CVC of a payment body masked, for the copy shown to people.
fn mask_card(mut text: String, body: &str) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body.as_bytes()) {
        if let Some(Value::Object(card)) = map.get("paymentCard") {
            for value in ["cardNumber", "cvc"].map(|f| json_field(card, f)).iter().filter(|v| !v.is_empty()) {
                text = text.replace(value.as_str(), &mask_value(value));
            }
        }
    }
    text
}

fn bad_response(detail: &str) -> Error {
    Error::new(Code::BankBadResponse).detail(detail)
}

/// The bank's 3D page from `threeDSHtmlContent`: a form step when it is one plain auto-submitting
/// form (what the browser would post), otherwise the page itself.
fn three_ds_page(encoded: &str, page_url: &str) -> Result<Step> {
    let html = base64_decode(encoded.trim())
        .map(|b| decode_text(&b))
        .ok_or_else(|| bad_response("threeDSHtmlContent is not base64"))?;
    let forms = html.to_ascii_lowercase().matches("<form").count();
    match html::first_form(&html, page_url, CardEntry::Server) {
        Some(form) if forms == 1 => Ok(Step::Form(form)),
        _ if html.trim().is_empty() => Err(bad_response("empty threeDSHtmlContent")),
        _ => Ok(Step::Html(html)),
    }
}

impl Gateway for Iyzico {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        req.account.check_model(req.model)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        Ok(Step::Http(initialize(req)?))
    }

    /// The callback is signed when iyzico sends `signature`; an unsigned one is only a hint: the
    /// payment is decided by the signed answer of `/payment/3dsecure/auth`.
    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        req.account.check_model(req.model)?;
        let post = &req.post;
        let secret = req.account.credentials.get("secret_key")?;
        let signature = match post.opt_text("signature") {
            None => SignatureCheck::NotSigned,
            Some(s)
                if signatures_equal(s.as_bytes(), &response_signature(secret, CALLBACK_SIGNED, &|f| post.text(f))) =>
            {
                SignatureCheck::Verified
            }
            Some(_) => {
                return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)))
            }
        };
        // iyzico may leave conversationId empty here (its own sample callback does); the signed
        // auth answer is checked against the order in any case.
        let conversation = post.text("conversationId");
        if !conversation.is_empty() && conversation != req.expected.id {
            return Ok(Verdict::rejected(signature, Error::new(Code::CallbackOrderMismatch)));
        }
        let mut verdict = Verdict {
            signature,
            outcome: Outcome::NeedsProvision,
            reason: None,
            bank: BankStatus::default(),
            references: StrMap::new(),
            masked_pan: None,
            next: None,
        };
        // Only a signed callback says anything about the payment.
        if signature == SignatureCheck::Verified {
            let md_status = post.text("mdStatus");
            verdict.bank =
                BankStatus { code: post.text("status"), md_status: Some(md_status.clone()), ..BankStatus::default() };
            verdict.references = collect_references(&[("payment_id", "paymentId")], &|f| post.text(f));
            let gate = if post.text("status") == "success" {
                md_gate(&md_status, req.accept_half_secure)
            } else {
                Some((Outcome::ThreeDsFailed, Error::new(Code::Callback3dsFailed)))
            };
            if let Some((outcome, reason)) = gate {
                (verdict.outcome, verdict.reason) = (outcome, Some(reason));
                return Ok(verdict);
            }
        }
        if req.nonce.is_some() {
            verdict.next = Some(Step::Http(self.api_request(&req.follow_up(Operation::Provision))?));
        }
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        let account = req.account;
        account.check_operation(req.operation)?;
        let order = &req.order;
        check_order_id(&order.id, INFO.max_order_id)?;
        let mut context = req.context();
        context.insert("amount".into(), order.amount.decimal().into());
        let payment_id = || req.reference("payment_id");
        let ip = || req.customer.require("ip");
        let (path, mut body) = match req.operation {
            Operation::Provision => {
                let post = req.post()?;
                let id = post
                    .opt_text("paymentId")
                    .ok_or_else(|| Error::new(Code::RequestMissingField).at("post.paymentId"))?;
                (AUTH, strings(&[("paymentId", &id), ("conversationData", &post.text("conversationData"))]))
            }
            Operation::Refund => (
                REFUND,
                strings(&[
                    ("paymentId", payment_id()?),
                    ("price", &order.amount.decimal_min_one()),
                    ("currency", currency_code(order)?),
                    ("ip", ip()?),
                ]),
            ),
            Operation::Cancel => (CANCEL, strings(&[("paymentId", payment_id()?), ("ip", ip()?)])),
            // The payment is found by its conversation id (the order id), or its id when known.
            _ => (DETAIL, strings(&[("paymentConversationId", &order.id), ("paymentId", payment_id().unwrap_or(""))])),
        };
        body.insert("locale".into(), "tr".into());
        body.insert("conversationId".into(), order.id.as_str().into());
        call(account, path, Value::Object(body), &[], context, req.nonce)
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        resp.ensure_ok()?;
        let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(resp.body) else {
            return Err(bad_response("not a JSON object"));
        };
        let get = |key: &str| json_field(&answer, key);
        let status = get("status");
        if status.is_empty() {
            return Err(bad_response("no status"));
        }
        let path = resp.context_str("path")?;
        let mut result = ApiResult {
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                code: if status == "success" { status.clone() } else { get("errorCode") },
                message: get("errorMessage"),
                md_status: answer.get("mdStatus").and_then(php_string),
                error_code: get("errorGroup"),
            },
            references: StrMap::new(),
            order_status: None,
            next: None,
        };
        if status != "success" {
            // Card and issuer refusals come with an error group (NOT_SUFFICIENT_FUNDS, …); the
            // rest are refused requests.
            let declined = !result.bank.error_code.is_empty() && path != INSTALLMENT;
            (result.outcome, result.reason) = if declined {
                (Outcome::Declined, Some(Error::new(Code::BankDeclined)))
            } else {
                (Outcome::Error, Some(Error::new(Code::BankError)))
            };
            return Ok(result);
        }
        if path == INSTALLMENT {
            return installment_answer(&answer, resp, result);
        }
        resp.check_order_id(&get("conversationId"))?;
        if let Some((_, names)) = SIGNED.iter().find(|(p, _)| *p == path) {
            let secret = resp.account.credentials.get("secret_key")?;
            let received = get("signature");
            let refusal = if received.is_empty() {
                Some(Code::CallbackSignatureMissing)
            } else if !signatures_equal(received.as_bytes(), &response_signature(secret, names, &get)) {
                Some(Code::CallbackSignatureMismatch)
            } else {
                None
            };
            if let Some(code) = refusal {
                result.reason = Some(Error::new(code));
                return Ok(result);
            }
        }
        add_references(
            &mut result.references,
            &[
                ("order_id", "conversationId"),
                ("payment_id", "paymentId"),
                ("auth_code", "authCode"),
                ("host_ref", "hostReference"),
            ],
            &get,
        );
        let currency = Currency::find(resp.context_str("currency")?)?;
        if path == INITIALIZE {
            result.outcome = Outcome::Redirect;
            result.next = Some(three_ds_page(&get("threeDSHtmlContent"), &resp.account.endpoint("api")?)?);
            return Ok(result);
        }
        if !get("currency").is_empty() && get("currency") != currency.alpha {
            result.reason = Some(Error::new(Code::CallbackCurrencyMismatch));
            return Ok(result);
        }
        let money = |field: &str| parse_bank_amount(signed_price(&get(field)), currency, false);
        let asked = parse_bank_amount(resp.context_str("amount")?, currency, false);
        result.outcome = Outcome::Approved;
        match path {
            AUTH => {
                if money("paidPrice") != asked {
                    result.outcome = Outcome::Error;
                    result.reason = Some(Error::new(Code::CallbackAmountMismatch));
                } else if get("fraudStatus") == "0" {
                    // Held for iyzico's fraud review: paid only once the review passes.
                    result.outcome = Outcome::NeedsStatus;
                } else if get("fraudStatus") == "-1" {
                    (result.outcome, result.reason) = (Outcome::Declined, Some(Error::new(Code::BankDeclined)));
                }
            }
            REFUND if money("price") != asked => return Err(bad_response("the refund answer is for another amount")),
            DETAIL => {
                let state = match get("paymentStatus").as_str() {
                    "SUCCESS" if get("fraudStatus") == "0" => "pending",
                    "SUCCESS" => "paid",
                    "FAILURE" => "declined",
                    "INIT_THREEDS" | "CALLBACK_THREEDS" => "pending",
                    _ => "unknown",
                };
                result.order_status =
                    Some(OrderStatus { state, amount: money("paidPrice"), captured: None, refunded: None });
            }
            _ => {}
        }
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let secret = inputs.str("secret_key")?;
        let masked = |text: &str| text.replace(secret, "***");
        let (value, input_masked) = match kind {
            "iyzico_v2_signature" | "iyzico_v2_authorization" => {
                let (random, path, body) = (inputs.str("random_key")?, inputs.str("uri_path")?, inputs.str("body")?);
                let text = [random, path, body].concat();
                let value = if kind == "iyzico_v2_signature" {
                    hex_hmac(secret, text.as_bytes())
                } else {
                    authorization(inputs.str("api_key")?, secret, random, path, body.as_bytes())
                };
                (value, mask_card(text, body))
            }
            "iyzico_pki_v1_auth" => {
                let (api_key, random, pki) = (inputs.str("api_key")?, inputs.str("random")?, inputs.str("pki_string")?);
                let text = [api_key, random, secret, pki].concat();
                (hash(Digest::Sha1, Encoding::Base64, text.as_bytes()), masked(&text))
            }
            "iyzico_response_signature" => {
                let mut params = Vec::new();
                for (i, v) in inputs.opt_array("params")?.iter().enumerate() {
                    params.push(
                        php_string(v)
                            .ok_or_else(|| Error::new(Code::RequestInvalidType).at(format!("inputs.params[{i}]")))?,
                    );
                }
                let text = colon_joined(params.into_iter());
                (hex_hmac(secret, text.as_bytes()), text)
            }
            _ => return Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        Ok(Computed { value, input_masked })
    }

    fn installment_query(&self, req: &InstallmentQuery) -> Result<HttpCall> {
        let body = strings(&[
            ("locale", locale(req.lang)),
            ("conversationId", &req.reference),
            ("binNumber", &req.bin),
            ("price", &req.amount.decimal_min_one()),
        ]);
        let mut context = Map::new();
        context.insert("gateway".into(), INFO.id.into());
        context.insert("operation".into(), "installments".into());
        context.insert("currency".into(), req.amount.currency().alpha.into());
        call(req.account, INSTALLMENT, Value::Object(body), &[], context, req.nonce)
    }
}

/// The installment answer as references: card facts (`card_type`, `card_association`,
/// `card_family`, `bank_name`, `bank_code`, `force_3ds`, `commercial`) and `installment_<n>` = the
/// total the shopper pays in `n` installments.
fn installment_answer(answer: &Map<String, Value>, resp: &ApiResponse, mut result: ApiResult) -> Result<ApiResult> {
    let detail = answer
        .get("installmentDetails")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .and_then(Value::as_object)
        .ok_or_else(|| bad_response("no installmentDetails"))?;
    let get = |key: &str| json_field(detail, key);
    let currency = Currency::find(resp.context_str("currency")?)?;
    add_references(
        &mut result.references,
        &[
            ("bin", "binNumber"),
            ("card_type", "cardType"),
            ("card_association", "cardAssociation"),
            ("card_family", "cardFamilyName"),
            ("bank_name", "bankName"),
            ("bank_code", "bankCode"),
            ("force_3ds", "force3ds"),
            ("commercial", "commercial"),
        ],
        &get,
    );
    for price in
        detail.get("installmentPrices").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object)
    {
        let n = json_field(price, "installmentNumber");
        let total = parse_bank_amount(signed_price(&json_field(price, "totalPrice")), currency, false);
        match (n.parse::<u32>(), total) {
            (Ok(n), Some(total)) => result.references.insert(format!("installment_{n}"), total.decimal()),
            _ => return Err(bad_response("unreadable installmentPrices")),
        };
    }
    result.outcome = Outcome::Approved;
    Ok(result)
}

#[cfg(test)]
mod tests;
