//! Denizbank InterVPOS (InterPos). docs/pos-protocols.md §5.
//!
//! 3D form hash: `b64(SHA1(ShopCode . OrderId . PurchAmount . OkUrl . FailUrl . TxnType .
//! InstallmentCount . Rnd . MerchantPass))` — the card fields are outside it, so the browser adds
//! them. Callback: `b64(SHA1(values named in HASHPARAMS . MerchantPass))` over the values exactly as
//! posted (`1,01`, `http:\/\/…`). The API takes form-urlencoded key/values at the same gate and
//! answers `key=value;;key=value`.

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::text::{urlencode_pairs, MAX_POST_FIELDS};
use super::*;

pub struct InterPos;

macro_rules! endpoints {
    ($test:literal, $live:literal) => {
        &[
            Endpoint { id: "gate_3d", test: concat!($test, "Default.aspx"), live: concat!($live, "Default.aspx") },
            Endpoint { id: "gate_3d_host", test: concat!($test, "3DHost.aspx"), live: concat!($live, "3DHost.aspx") },
            Endpoint { id: "api", test: concat!($test, "Default.aspx"), live: concat!($live, "Default.aspx") },
        ]
    };
}

static INFO: GatewayInfo = GatewayInfo {
    id: "interpos",
    name: "Denizbank InterVPOS",
    models: &[
        (Model::ThreeD, CardEntry::Browser),
        (Model::ThreeDPay, CardEntry::Browser),
        (Model::ThreeDHost, CardEntry::BankPage),
        (Model::Regular, CardEntry::Server),
    ],
    operations: Operation::ALL,
    credentials: &[
        CredentialField { id: "shop_code", label_en: "Shop code (ShopCode)", label_tr: "Üye işyeri kodu (ShopCode)", secret: false, required: true, choices: &[] },
        CredentialField { id: "user_code", label_en: "API user code (UserCode)", label_tr: "API kullanıcı kodu (UserCode)", secret: false, required: false, choices: &[] },
        CredentialField { id: "user_pass", label_en: "API user password (UserPass)", label_tr: "API kullanıcı şifresi (UserPass)", secret: true, required: false, choices: &[] },
        CredentialField { id: "store_key", label_en: "3D key (MerchantPass)", label_tr: "3D güvenlik anahtarı (MerchantPass)", secret: true, required: true, choices: &[] },
    ],
    endpoints: &[
        Endpoint { id: "gate_3d", test: "", live: "" },
        Endpoint { id: "gate_3d_host", test: "", live: "" },
        Endpoint { id: "api", test: "", live: "" },
    ],
    presets: &[
        Preset { id: "interpos", name: "InterVPOS (set the endpoints)", gateway: "interpos", endpoints: &[], note: "" },
        Preset {
            id: "denizbank",
            name: "Denizbank",
            gateway: "interpos",
            endpoints: endpoints!("https://test.inter-vpos.com.tr/mpi/", "https://inter-vpos.com.tr/mpi/"),
            note: "Denizbank allows API calls only from the server IP addresses registered with the bank.",
        },
    ],
    signature_kinds: &[
        SignatureKind {
            id: "interpos_3d_request",
            inputs: "store_key; form: ShopCode, OrderId, PurchAmount, OkUrl, FailUrl, TxnType, InstallmentCount, Rnd",
            formula: "b64(SHA1(ShopCode . OrderId . PurchAmount . OkUrl . FailUrl . TxnType . InstallmentCount . Rnd . store_key))",
        },
        SignatureKind {
            id: "interpos_response",
            inputs: "store_key; response: the callback fields including HASHPARAMS",
            formula: "b64(SHA1(concat(value(n) for n in split(':', HASHPARAMS)) . store_key))",
        },
    ],
    max_order_id: 64,
};

/// The form fields the 3D hash covers, in order (InterPosCrypt::create3DHash).
const FORM_HASH_FIELDS: &[&str] =
    &["ShopCode", "OrderId", "PurchAmount", "OkUrl", "FailUrl", "TxnType", "InstallmentCount", "Rnd"];

/// The callback's signed field list in every published callback. The values are concatenated
/// without separators, so under another list the same bytes could be re-cut into other fields
/// (`…81` + `0` read as `…8` + `10`): only this list is trusted, and it covers every field the
/// verdict reads.
const HASHPARAMS: &str =
    "Version:PurchAmount:Exponent:Currency:OkUrl:FailUrl:MD:OrderId:ProcReturnCode:Response:mdStatus:";

/// Card fields; `CardType` codes per InterPos request mapper (0 Visa, 1 Mastercard, 2 Amex, 3 Troy).
const CARD_FIELDS: CardFieldNames = CardFieldNames {
    number: "Pan",
    expiry: &[("Expiry", "MMYY")],
    cvv: "Cvv2",
    holder: None,
    brand: Some(("CardType", &[("visa", "0"), ("mastercard", "1"), ("amex", "2"), ("troy", "3")])),
    program: None,
};

const REFERENCES: &[(&str, &str)] =
    &[("order_id", "OrderId"), ("auth_code", "AuthCode"), ("host_ref", "HostRefNum"), ("transaction_id", "TransId")];

fn txn_type(t: TxType) -> &'static str {
    match t {
        TxType::Sale => "Auth",
        TxType::PreAuth => "PreAuth",
    }
}

fn secure_type(model: Model) -> &'static str {
    match model {
        Model::ThreeD => "3DModel",
        Model::ThreeDHost => "3DHost",
        _ => "3DPay",
    }
}

/// Empty for a single payment (InterPos mapInstallment).
fn installment_field(n: u32) -> String {
    if n <= 1 {
        String::new()
    } else {
        n.to_string()
    }
}

/// An answer `key=value;;key=value` (sometimes `;;;` between pairs, InterPosSerializer); `None`
/// for anything else (an HTML error page, a truncated pair).
fn parse_answer(text: &str) -> Option<RawPost> {
    let mut pairs = Vec::new();
    for part in text.trim().split(";;").map(|p| p.strip_prefix(';').unwrap_or(p)).filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=')?;
        if key.is_empty()
            || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            || pairs.len() >= MAX_POST_FIELDS
        {
            return None;
        }
        // The last of repeated keys wins, as in the PHP reference library.
        pairs.retain(|(k, _)| *k != key);
        pairs.push((key, value));
    }
    Some(RawPost::from_pairs(pairs))
}

impl Gateway for InterPos {
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
        let order = &req.order;
        let mut fields: Vec<(String, String)> = [
            ("ShopCode", creds.get("shop_code")?.to_string()),
            ("TxnType", txn_type(order.tx_type).to_string()),
            ("SecureType", secure_type(req.model).to_string()),
            ("PurchAmount", order.amount.decimal()),
            ("OrderId", order.id.clone()),
            ("OkUrl", req.ok_url.clone()),
            ("FailUrl", req.fail_url.clone()),
            ("Rnd", req.nonce(32)?),
            ("Lang", if req.lang == Lang::Tr { "tr" } else { "en" }.to_string()),
            ("Currency", numeric_currency(order.currency(), COMMON_CURRENCIES)?),
            ("InstallmentCount", installment_field(order.installments)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let form = RawPost::from_pairs(fields.clone());
        let signature = hash(
            Digest::Sha1,
            Encoding::Base64,
            &form.concat(FORM_HASH_FIELDS.iter().copied(), creds.get("store_key")?),
        );
        fields.push(("Hash".into(), signature));
        let action = account.endpoint(if req.model == Model::ThreeDHost { "gate_3d_host" } else { "gate_3d" })?;
        Ok(Step::Form(Form::post(action, fields, card_entry, CARD_FIELDS, req.card.as_ref())))
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        let account = req.account;
        account.check_model(req.model)?;
        let post = &req.post;

        // 1. Authenticity: nothing in the callback is used before its signature checks out.
        let received = post.bytes("HASH");
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        let store_key = account.credentials.get("store_key")?;
        if !signatures_equal(received, &hash(Digest::Sha1, Encoding::Base64, &post.hashparams_concat(store_key))) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        if post.text("HASHPARAMS") != HASHPARAMS {
            return Ok(Verdict::rejected(
                SignatureCheck::Verified,
                Error::new(Code::CallbackFieldUnsigned).detail("HASHPARAMS is not the documented field list"),
            ));
        }
        let code = post.text("ProcReturnCode");
        let md_status = post.text("mdStatus");
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                code: code.clone(),
                message: post.text("ErrorMessage"),
                md_status: Some(md_status.clone()),
                error_code: post.text("ErrorCode"),
            },
            references: collect_references(REFERENCES, &|f| post.text(f)),
            // The bank masks `Pan`; never echo it should it ever arrive in full.
            masked_pan: post.opt_text("Pan").map(|p| {
                if p.bytes().all(|b| b.is_ascii_digit()) {
                    mask_value(&p)
                } else {
                    p
                }
            }),
            next: None,
        };

        // 2. The callback must be for the expected order (amount `1,01` and currency are signed;
        // the installment count is not, so it is not compared).
        let currency = req.expected.amount.currency();
        let mismatch = if post.text("OrderId") != req.expected.id {
            Some(Error::new(Code::CallbackOrderMismatch))
        } else if let Err(e) =
            check_amount(parse_bank_amount(&post.text("PurchAmount"), currency, false), &req.expected)
        {
            Some(e)
        } else if Some(post.text("Currency")) != currency.code(crate::money::CurrencyStyle::Numeric3) {
            Some(Error::new(Code::CallbackCurrencyMismatch))
        } else {
            None
        };
        if mismatch.is_some() {
            verdict.reason = mismatch;
            return Ok(verdict);
        }

        // 3. The outcome.
        let pays = req.model != Model::ThreeD;
        if let Some((outcome, reason)) = md_gate(&md_status, req.accept_half_secure) {
            // A 3D Pay charge that went through on a half-secure authentication is still a charge.
            if pays && outcome == Outcome::ThreeDsAttempt && code == "00" {
                verdict.outcome = Outcome::Approved;
            } else {
                (verdict.outcome, verdict.reason) = (outcome, Some(reason));
            }
            return Ok(verdict);
        }
        if !pays {
            verdict.outcome = Outcome::NeedsProvision;
            if account.credentials.opt("user_code").is_some() && account.credentials.opt("user_pass").is_some() {
                let call = self.api_request(&req.follow_up(Operation::Provision))?;
                verdict.next = Some(Step::Http(call));
            }
            return Ok(verdict);
        }
        match code.as_str() {
            "00" => verdict.outcome = Outcome::Approved,
            // 3d_host may return before any charge: ask the bank.
            "" if req.model == Model::ThreeDHost => verdict.outcome = Outcome::NeedsStatus,
            _ => {
                verdict.outcome = Outcome::Declined;
                verdict.reason = Some(Error::new(Code::BankDeclined));
            }
        }
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        let account = req.account;
        account.check_operation(req.operation)?;
        check_order_id(&req.order.id, INFO.max_order_id)?;
        let creds = &account.credentials;
        let user_pass = creds.get("user_pass")?;
        let mut sensitive = vec![user_pass.to_string()];
        let order = &req.order;
        let amount = order.amount.decimal();
        let currency = numeric_currency(order.currency(), COMMON_CURRENCIES)?;
        let mut pairs: Vec<(&str, String)> = vec![
            ("UserCode", creds.get("user_code")?.into()),
            ("UserPass", user_pass.into()),
            ("ShopCode", creds.get("shop_code")?.into()),
        ];
        let payment = |tx: TxType| {
            [
                ("TxnType", txn_type(tx).to_string()),
                ("SecureType", "NonSecure".into()),
                ("OrderId", order.id.clone()),
                ("PurchAmount", amount.clone()),
                ("Currency", currency.clone()),
                ("InstallmentCount", installment_field(order.installments)),
                ("MOTO", "0".into()),
                ("Lang", "tr".into()),
            ]
        };
        let after_sale = |txn: &str| {
            [("TxnType", txn.to_string()), ("SecureType", "NonSecure".into()), ("orgOrderId", order.id.clone())]
        };
        match req.operation {
            Operation::Provision => {
                let post = req.post()?;
                if post.text("OrderId") != order.id {
                    return Err(Error::new(Code::RequestInvalidValue)
                        .at("post.OrderId")
                        .detail("the callback is for another order"));
                }
                pairs.extend(payment(order.tx_type));
                pairs.extend(["MD", "PayerTxnId", "Eci", "PayerAuthenticationCode"].map(|f| (f, post.text(f))));
            }
            Operation::Sale | Operation::PreAuth => {
                let card = req.card()?;
                sensitive.extend([card.pan.digits().to_string(), card.cvv.clone()]);
                pairs.extend(payment(if req.operation == Operation::Sale { TxType::Sale } else { TxType::PreAuth }));
                pairs.extend(CARD_FIELDS.values(card));
            }
            Operation::Capture => {
                pairs.extend(after_sale("PostAuth"));
                pairs.extend([("PurchAmount", amount.clone()), ("Currency", currency.clone()), ("MOTO", "0".into())]);
            }
            Operation::Refund => {
                pairs.extend(after_sale("Refund"));
                pairs.extend([("PurchAmount", amount.clone()), ("MOTO", "0".into()), ("Lang", "tr".into())]);
            }
            Operation::Cancel => pairs.extend(after_sale("Void").into_iter().chain([("Lang", "tr".into())])),
            Operation::Status => pairs.extend(after_sale("StatusHistory").into_iter().chain([("Lang", "tr".into())])),
        }
        let body = urlencode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        let sensitive: Vec<&str> = sensitive.iter().map(String::as_str).collect();
        Ok(HttpCall::new(
            account.endpoint("api")?,
            "application/x-www-form-urlencoded; charset=UTF-8",
            body.into_bytes(),
            &sensitive,
            req.context(),
        ))
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        resp.ensure_ok()?;
        let operation = resp.operation()?;
        let bad = |detail: &str| Error::new(Code::BankBadResponse).detail(detail);
        let answer = parse_answer(&text::decode_text(resp.body)).ok_or_else(|| bad("not a key=value;; answer"))?;
        let get = |k: &str| answer.text(k);
        let code = get("ProcReturnCode");
        if code.is_empty() {
            return Err(bad("no ProcReturnCode"));
        }
        let approved = code == "00";
        let order_id = resp.context_str("order_id")?;
        let refs = collect_references(REFERENCES, &get);
        // Refused requests carry a system id (`SYSOID…`) instead of the order id.
        if approved && refs.get("order_id").is_some_and(|o| o != order_id) {
            return Err(bad("the answer is for another order"));
        }
        let mut result = ApiResult {
            outcome: if approved { Outcome::Approved } else { Outcome::Declined },
            reason: None,
            bank: BankStatus { code, message: get("ErrorMessage"), md_status: None, error_code: get("ErrorCode") },
            references: refs,
            order_status: None,
            next: None,
        };
        if operation == Operation::Status && approved {
            let currency = Currency::find(resp.context_str("currency")?)?;
            let positive = |field: &str| parse_bank_amount(&get(field), currency, false).filter(|m| m.minor() > 0);
            let (amount, refunded) = (positive("PurchAmount"), positive("RefundedAmount"));
            let void_date = get("VoidDate");
            // No approved status answer is published: the transaction flag is read like PayFor's TxnStatus.
            let state = if !void_date.is_empty() && void_date != "1.1.0001 00:00:00" {
                "cancelled"
            } else if refunded.is_some() {
                OrderStatus::refund_state(refunded, amount)
            } else {
                match answer.opt_text("TxnStatus").unwrap_or_else(|| get("TxnStat")).as_str() {
                    "Y" => "paid",
                    "N" | "E" => "declined",
                    _ => "unknown",
                }
            };
            result.order_status =
                Some(OrderStatus { state, amount, captured: amount.filter(|_| state == "paid"), refunded });
        }
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let field = match kind {
            "interpos_3d_request" => "form",
            "interpos_response" => "response",
            _ => return Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        let fields = inputs.object(field)?;
        let post = RawPost::from_json(fields.map(), fields.path())?;
        let plaintext = |key: &str| match field {
            "form" => post.concat(FORM_HASH_FIELDS.iter().copied(), key),
            _ => post.hashparams_concat(key),
        };
        Ok(Computed {
            value: hash(Digest::Sha1, Encoding::Base64, &plaintext(inputs.str("store_key")?)),
            input_masked: text::decode_text(&plaintext("***")),
        })
    }
}

#[cfg(test)]
mod tests;
