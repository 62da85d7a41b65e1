//! PayTR (payment service provider): the iFrame API and the Direct API. docs/pos-protocols.md §10.
//!
//! Every PayTR message is signed the same way, `b64(HMAC_SHA256(merchant_key, text))`, where the
//! text is a fixed list of field values with the merchant salt at a fixed place: last in the
//! tokens the shop sends, after `merchant_oid` in the hash of PayTR's notification. The
//! notification (callback) is server-to-server, carries no session, and must be answered with the
//! plain text `OK` or PayTR sends it again.

use super::crypto::{base64, hmac_encoded, signatures_equal, Digest, Encoding};
use super::text::{json_field, urlencode_pairs, RawPost};
use super::*;
use crate::money::CurrencyStyle;

pub struct PayTr;

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        id: "token",
        test: "https://www.paytr.com/odeme/api/get-token",
        live: "https://www.paytr.com/odeme/api/get-token",
    },
    Endpoint {
        id: "iframe",
        test: "https://www.paytr.com/odeme/guvenli/",
        live: "https://www.paytr.com/odeme/guvenli/",
    },
    Endpoint { id: "gate_direct", test: "https://www.paytr.com/odeme", live: "https://www.paytr.com/odeme" },
    Endpoint { id: "refund", test: "https://www.paytr.com/odeme/iade", live: "https://www.paytr.com/odeme/iade" },
    Endpoint {
        id: "status",
        test: "https://www.paytr.com/odeme/durum-sorgu",
        live: "https://www.paytr.com/odeme/durum-sorgu",
    },
];

/// A signed text: these fields' values in order, the merchant salt after the first `salt_at`.
struct Recipe {
    kind: &'static str,
    fields: &'static [&'static str],
    salt_at: usize,
}

/// iFrame API step 1 (get-token), dev.paytr.com "iFrame API 1. Adım".
const IFRAME: Recipe = Recipe {
    kind: "paytr_iframe_token",
    fields: &[
        "merchant_id",
        "user_ip",
        "merchant_oid",
        "email",
        "payment_amount",
        "user_basket",
        "no_installment",
        "max_installment",
        "currency",
        "test_mode",
    ],
    salt_at: 10,
};
/// Direct API step 1, dev.paytr.com "Direkt API 1. Adım".
const DIRECT: Recipe = Recipe {
    kind: "paytr_direct_token",
    fields: &[
        "merchant_id",
        "user_ip",
        "merchant_oid",
        "email",
        "payment_amount",
        "payment_type",
        "installment_count",
        "currency",
        "test_mode",
        "non_3d",
    ],
    salt_at: 10,
};
/// The notification hash, dev.paytr.com "iFrame API 2. Adım" (the same for the Direct API).
const CALLBACK: Recipe =
    Recipe { kind: "paytr_callback", fields: &["merchant_oid", "status", "total_amount"], salt_at: 1 };
/// dev.paytr.com "İade API".
const REFUND: Recipe =
    Recipe { kind: "paytr_refund_token", fields: &["merchant_id", "merchant_oid", "return_amount"], salt_at: 3 };
/// dev.paytr.com "Durum Sorgu" (not verified with a vector).
const STATUS: Recipe = Recipe { kind: "paytr_status_token", fields: &["merchant_id", "merchant_oid"], salt_at: 2 };
const RECIPES: [&Recipe; 5] = [&IFRAME, &DIRECT, &CALLBACK, &REFUND, &STATUS];

/// Where the browser adds the card in the Direct API form (the token does not cover it).
const CARD_FIELDS: CardFieldNames = CardFieldNames {
    number: "card_number",
    expiry: &[("expiry_month", "MM"), ("expiry_year", "YY")],
    cvv: "cvv",
    holder: Some("cc_owner"),
    brand: None,
    program: None,
};

/// The card's program (`card_type`) by family id, which PayTR wants for installments only and
/// leaves out of the token (dev.paytr.com "Direkt API 1. Adım": `advantage, axess, combo, bonus,
/// cardfinans, maximum, paraf, world, saglamkart`).
const CARD_TYPE: (&str, &[(&str, &str)]) = (
    "card_type",
    &[
        ("advantage", "advantage"),
        ("axess", "axess"),
        ("bankkart", "combo"),
        ("bonus", "bonus"),
        ("cardfinans", "cardfinans"),
        ("maximum", "maximum"),
        ("paraf", "paraf"),
        ("saglam", "saglamkart"),
        ("world", "world"),
    ],
);

static INFO: GatewayInfo = GatewayInfo {
    id: "paytr",
    name: "PayTR",
    models: &[(Model::ThreeDHost, CardEntry::BankPage), (Model::ThreeDPay, CardEntry::Browser)],
    operations: &[Operation::Refund, Operation::Status],
    credentials: &[
        CredentialField { id: "merchant_id", label_en: "Merchant ID", label_tr: "Mağaza no", secret: false, required: true, choices: &[] },
        CredentialField { id: "merchant_key", label_en: "Merchant key", label_tr: "Mağaza parola (merchant_key)", secret: true, required: true, choices: &[] },
        CredentialField { id: "merchant_salt", label_en: "Merchant salt", label_tr: "Mağaza gizli anahtar (merchant_salt)", secret: true, required: true, choices: &[] },
    ],
    endpoints: ENDPOINTS,
    presets: &[Preset {
        id: "paytr",
        name: "PayTR",
        gateway: "paytr",
        endpoints: &[],
        note: "Set the notification URL (Bildirim URL) in the PayTR panel; it must answer OK. The test environment uses PayTR's live addresses with test_mode=1.",
    }],
    signature_kinds: &[
        SignatureKind {
            id: "paytr_iframe_token",
            inputs: "merchant_key, merchant_salt; form: merchant_id, user_ip, merchant_oid, email, payment_amount, user_basket, no_installment, max_installment, currency, test_mode",
            formula: "b64(HMAC_SHA256(merchant_key, merchant_id . user_ip . merchant_oid . email . payment_amount . user_basket . no_installment . max_installment . currency . test_mode . merchant_salt))",
        },
        SignatureKind {
            id: "paytr_direct_token",
            inputs: "merchant_key, merchant_salt; form: merchant_id, user_ip, merchant_oid, email, payment_amount, payment_type, installment_count, currency, test_mode, non_3d",
            formula: "b64(HMAC_SHA256(merchant_key, merchant_id . user_ip . merchant_oid . email . payment_amount . payment_type . installment_count . currency . test_mode . non_3d . merchant_salt))",
        },
        SignatureKind {
            id: "paytr_callback",
            inputs: "merchant_key, merchant_salt; response: merchant_oid, status, total_amount",
            formula: "b64(HMAC_SHA256(merchant_key, merchant_oid . merchant_salt . status . total_amount))",
        },
        SignatureKind {
            id: "paytr_refund_token",
            inputs: "merchant_key, merchant_salt; form: merchant_id, merchant_oid, return_amount",
            formula: "b64(HMAC_SHA256(merchant_key, merchant_id . merchant_oid . return_amount . merchant_salt))",
        },
        SignatureKind {
            id: "paytr_status_token",
            inputs: "merchant_key, merchant_salt; form: merchant_id, merchant_oid",
            formula: "b64(HMAC_SHA256(merchant_key, merchant_id . merchant_oid . merchant_salt))",
        },
    ],
    max_order_id: 64,
};

fn signed_text(fields: &RawPost, recipe: &Recipe, salt: &str) -> Vec<u8> {
    let (head, tail) = recipe.fields.split_at(recipe.salt_at.min(recipe.fields.len()));
    [fields.concat(head.iter().copied(), salt), fields.concat(tail.iter().copied(), "")].concat()
}

fn sign(key: &str, text: &[u8]) -> String {
    hmac_encoded(Digest::Sha256, Encoding::Base64, key.as_bytes(), text)
}

/// The recipe's signature over `fields` with the account's key and salt.
fn token(creds: &Credentials, fields: &RawPost, recipe: &Recipe) -> Result<String> {
    Ok(sign(creds.get("merchant_key")?, &signed_text(fields, recipe, creds.get("merchant_salt")?)))
}

/// The fields with their `paytr_token` added last.
fn signed(creds: &Credentials, fields: &[(&str, &str)], recipe: &Recipe) -> Result<Vec<(String, String)>> {
    let token = token(creds, &RawPost::from_pairs(fields.iter().copied()), recipe)?;
    let mut owned: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    owned.push(("paytr_token".into(), token));
    Ok(owned)
}

/// PayTR order numbers are letters and digits only ("Alfa numerik", at most 64).
fn check_oid(id: &str) -> Result<()> {
    check_order_id(id, INFO.max_order_id)?;
    if id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Error::new(Code::OrderInvalidId).at("order.id").detail("PayTR: letters and digits only"))
    }
}

fn currency_code(order: &Order) -> Result<String> {
    order.currency().code(CurrencyStyle::Paytr).ok_or_else(|| {
        Error::new(Code::GatewayUnsupportedCurrency).at("order.currency").detail("TRY, USD, EUR, GBP, RUB")
    })
}

/// `[[name, unit price, quantity], …]` as JSON; without lines, one line for the order total named
/// after the order.
fn basket(order: &Order) -> String {
    let mut out = String::new();
    let mut lines = crate::json::Array::new(&mut out);
    let mut line = |name: &str, price: &Money, quantity: u32| {
        lines.array().item(name).item(&price.decimal()).item(&quantity);
    };
    if order.lines.is_empty() {
        line(&order.id, &order.amount, 1);
    }
    for l in &order.lines {
        line(&l.name, &l.unit_price, l.quantity);
    }
    drop(lines);
    out
}

/// A form-urlencoded POST of signed fields.
fn form_call(
    account: &Account,
    endpoint: &str,
    fields: &[(String, String)],
    context: Map<String, Value>,
) -> Result<HttpCall> {
    let body = urlencode_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok(HttpCall::new(account.endpoint(endpoint)?, "application/x-www-form-urlencoded", body.into_bytes(), &[], context))
}

fn bad_response(detail: &str) -> Error {
    Error::new(Code::BankBadResponse).detail(detail)
}

impl Gateway for PayTr {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    /// `3d_host`: the iFrame API's server-to-server token request, whose answer (`api.parse`) is
    /// the iframe to show. `3d_pay`: the Direct API form, posted by the browser with the card (and
    /// for installments its program).
    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        let account = req.account;
        let card_entry = account.check_model(req.model)?;
        let order = &req.order;
        check_oid(&order.id)?;
        if order.installments > 12 {
            return Err(Error::new(Code::OrderInvalidInstallments).at("order.installments").detail("PayTR: 2 to 12"));
        }
        let (c, creds, n) = (&req.customer, &account.credentials, order.installments);
        let iframe = req.model == Model::ThreeDHost;
        let test_mode = if account.environment == Environment::Test { "1" } else { "0" };
        let amount = if iframe { order.amount.minor_units() } else { order.amount.decimal() };
        let installments = if n <= 1 { "0".to_string() } else { n.to_string() };
        let currency = currency_code(order)?;
        let basket = basket(order);
        let encoded_basket = base64(basket.as_bytes());
        let mut fields = vec![
            ("merchant_id", creds.get("merchant_id")?),
            ("user_ip", c.require("ip")?),
            ("merchant_oid", &order.id),
            ("email", c.require("email")?),
            ("payment_amount", &amount),
        ];
        // In the order of each token's recipe, then the unsigned fields.
        if iframe {
            fields.extend([
                ("user_basket", encoded_basket.as_str()),
                ("no_installment", if n <= 1 { "1" } else { "0" }),
                ("max_installment", &installments),
                ("currency", &currency),
                ("test_mode", test_mode),
                ("lang", if req.lang == Lang::Tr { "tr" } else { "en" }),
                ("timeout_limit", "30"),
            ]);
        } else {
            fields.extend([
                ("payment_type", "card"),
                ("installment_count", &installments),
                ("currency", &currency),
                ("test_mode", test_mode),
                ("non_3d", "0"),
                ("user_basket", &basket),
                ("client_lang", if req.lang == Lang::Tr { "tr" } else { "en" }),
            ]);
        }
        fields.extend([
            ("user_name", c.require("name")?),
            ("user_address", c.require("address")?),
            ("user_phone", c.require("phone")?),
            ("merchant_ok_url", &req.ok_url),
            ("merchant_fail_url", &req.fail_url),
            ("debug_on", test_mode),
        ]);
        if iframe {
            let mut context = req.regular_request().context();
            context.insert("step".into(), "iframe_token".into());
            return Ok(Step::Http(form_call(account, "token", &signed(creds, &fields, &IFRAME)?, context)?));
        }
        let card_fields = CardFieldNames { program: (n > 1).then_some(CARD_TYPE), ..CARD_FIELDS };
        let fields = signed(creds, &fields, &DIRECT)?;
        Ok(Step::Form(Form::post(account.endpoint("gate_direct")?, fields, card_entry, card_fields, req.card.as_ref())))
    }

    /// The notification (Bildirim URL) of both APIs: hash over `merchant_oid`, `status` and
    /// `total_amount`; nothing else in it is signed.
    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        req.account.check_model(req.model)?;
        let post = &req.post;
        let received = post.bytes("hash");
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        if !signatures_equal(received, &token(&req.account.credentials, post, &CALLBACK)?) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        let status = post.text("status");
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            // The failure reason is not signed: shown to the shop owner, never acted on.
            bank: BankStatus {
                code: status.clone(),
                message: post.text("failed_reason_msg"),
                md_status: None,
                error_code: post.text("failed_reason_code"),
            },
            references: collect_references(&[("order_id", "merchant_oid")], &|f| post.text(f)),
            masked_pan: None,
            next: None,
        };
        if post.text("merchant_oid") != req.expected.id {
            verdict.reason = Some(Error::new(Code::CallbackOrderMismatch));
            return Ok(verdict);
        }
        match status.as_str() {
            "success" => {
                // `total_amount` is what the shopper paid, in kuruş: more than the order when they
                // chose installments with interest on PayTR's page, never less.
                let expected = &req.expected.amount;
                match parse_bank_amount(&post.text("total_amount"), expected.currency(), true) {
                    Some(paid) if paid.minor() >= expected.minor() => {
                        verdict.outcome = Outcome::Approved;
                        verdict.references.insert("total_amount".into(), paid.decimal());
                    }
                    paid => {
                        let said = paid.map_or_else(|| post.text("total_amount"), |m| m.decimal());
                        verdict.reason = Some(
                            Error::new(Code::CallbackAmountMismatch)
                                .detail(format!("expected at least {}, PayTR says {said}", expected.decimal())),
                        );
                    }
                }
            }
            "failed" => {
                verdict.outcome = Outcome::Declined;
                verdict.reason = Some(Error::new(Code::BankDeclined));
            }
            _ => verdict.reason = Some(Error::new(Code::BankError)),
        }
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        let account = req.account;
        account.check_operation(req.operation)?;
        check_oid(&req.order.id)?;
        let creds = &account.credentials;
        let mut context = req.context();
        let amount = req.order.amount.decimal();
        let mut fields = vec![("merchant_id", creds.get("merchant_id")?), ("merchant_oid", &req.order.id)];
        if req.operation == Operation::Refund {
            context.insert("amount".into(), amount.clone().into());
            fields.push(("return_amount", &amount));
            return form_call(account, "refund", &signed(creds, &fields, &REFUND)?, context);
        }
        form_call(account, "status", &signed(creds, &fields, &STATUS)?, context)
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
        resp.check_order_id(&get("merchant_oid"))?;
        let mut result = ApiResult {
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                message: [get("err_msg"), get("reason")].concat(),
                error_code: get("err_no"),
                code: status.clone(),
                md_status: None,
            },
            references: StrMap::new(),
            order_status: None,
            next: None,
        };
        if status != "success" {
            result.reason = Some(Error::new(Code::BankError));
            return Ok(result);
        }
        let currency = Currency::find(resp.context_str("currency")?)?;
        if resp.context.get("step").and_then(Value::as_str) == Some("iframe_token") {
            let token = get("token");
            if token.is_empty() || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad_response("no usable token"));
            }
            result.outcome = Outcome::Redirect;
            result.next = Some(Step::Redirect { url: resp.account.endpoint("iframe")? + &token, embed: true });
            return Ok(result);
        }
        let amount = |text: &str| parse_bank_amount(text, currency, false);
        if resp.operation()? == Operation::Refund {
            let asked = amount(resp.context_str("amount")?);
            if answer.contains_key("return_amount") && amount(&get("return_amount")) != asked {
                return Err(bad_response("the refund answer is for another amount"));
            }
            result.outcome = Outcome::Approved;
            return Ok(result);
        }
        let paid_currency = get("currency");
        if !paid_currency.is_empty()
            && Currency::find(if paid_currency == "TL" { "TRY" } else { &paid_currency }).ok() != Some(currency)
        {
            return Err(bad_response("the order is in another currency"));
        }
        let mut refunded = 0i64;
        for entry in answer.get("returns").and_then(Value::as_array).into_iter().flatten() {
            let returned = entry.as_object().map(|e| json_field(e, "return_amount")).unwrap_or_default();
            let returned = amount(&returned).ok_or_else(|| bad_response("unreadable return_amount"))?;
            refunded = refunded.saturating_add(returned.minor());
        }
        let order_amount = amount(&get("payment_amount"));
        let refunded = Money::from_minor(refunded, currency).map_err(|_| bad_response("refund total out of range"))?;
        result.outcome = Outcome::Approved;
        result.order_status = Some(OrderStatus {
            state: if refunded.minor() > 0 { OrderStatus::refund_state(Some(refunded), order_amount) } else { "paid" },
            amount: order_amount,
            captured: amount(&get("payment_total")),
            refunded: Some(refunded),
        });
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let recipe =
            RECIPES.iter().find(|r| r.kind == kind).ok_or_else(|| Error::new(Code::SignatureUnknownKind).at("kind"))?;
        let key = inputs.str("merchant_key")?;
        let salt = inputs.str("merchant_salt")?;
        let fields_key = if inputs.has("form") { "form" } else { "response" };
        let fields = RawPost::from_json(inputs.object(fields_key)?.map(), &inputs.field(fields_key))?;
        Ok(Computed {
            value: sign(key, &signed_text(&fields, recipe, salt)),
            input_masked: text::decode_text(&signed_text(&fields, recipe, "***")),
        })
    }

    fn callback_reply(&self) -> Option<&'static str> {
        Some("OK")
    }
}

#[cfg(test)]
mod tests;
