//! QNB Finansbank PayFor, also Ziraat Katılım (institution code `MbrId` 12). docs/pos-protocols.md §4.
//!
//! 3D form hash: `b64(SHA1(MbrId . OrderId . PurchAmount . OkUrl . FailUrl . TxnType .
//! InstallmentCount . Rnd . MerchantPass))` — the card fields are outside it, so the browser adds
//! them. Callback: `ResponseHash = b64(SHA1(MerchantID . MerchantPass . OrderId . AuthCode .
//! ProcReturnCode . 3DStatus . ResponseRnd . UserCode))`, SHA-256 in QNB's callbacks since 2024. It
//! covers neither the amount nor the installments, but the callback echoes our own signed form with
//! its `Hash`: recomputed with the MerchantPass, that echo proves what the bank authorised. The XML
//! API (`PayforRequest`) authenticates with UserCode/UserPass in the body.

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::xml::Element;
use super::*;

pub struct PayFor;

/// A PayFor host serves the 3D gate, the 3D host page and the XML API under one path.
macro_rules! endpoints {
    ($test:literal, $live:literal) => {
        &[
            Endpoint { id: "gate_3d", test: concat!($test, "Default.aspx"), live: concat!($live, "Default.aspx") },
            Endpoint { id: "gate_3d_host", test: concat!($test, "3DHost.aspx"), live: concat!($live, "3DHost.aspx") },
            Endpoint { id: "api", test: concat!($test, "XMLGate.aspx"), live: concat!($live, "XMLGate.aspx") },
        ]
    };
}

static INFO: GatewayInfo = GatewayInfo {
    id: "payfor",
    name: "QNB Finansbank PayFor",
    models: &[
        (Model::ThreeD, CardEntry::Browser),
        (Model::ThreeDPay, CardEntry::Browser),
        (Model::ThreeDHost, CardEntry::BankPage),
        (Model::Regular, CardEntry::Server),
    ],
    operations: Operation::ALL,
    credentials: &[
        CredentialField { id: "merchant_id", label_en: "Merchant number (MerchantID)", label_tr: "Üye işyeri numarası (MerchantID)", secret: false, required: true, choices: &[] },
        CredentialField { id: "user_code", label_en: "API user code (UserCode)", label_tr: "API kullanıcı kodu (UserCode)", secret: false, required: true, choices: &[] },
        CredentialField { id: "user_pass", label_en: "API user password (UserPass)", label_tr: "API kullanıcı şifresi (UserPass)", secret: true, required: false, choices: &[] },
        CredentialField { id: "store_key", label_en: "3D key (MerchantPass)", label_tr: "3D güvenlik anahtarı (MerchantPass)", secret: true, required: true, choices: &[] },
        CredentialField { id: "mbr_id", label_en: "Institution code (MbrId; the bank preset sets it)", label_tr: "Kurum kodu (MbrId; banka seçimi belirler)", secret: false, required: false, choices: &[] },
    ],
    endpoints: &[
        Endpoint { id: "gate_3d", test: "", live: "" },
        Endpoint { id: "gate_3d_host", test: "", live: "" },
        Endpoint { id: "api", test: "", live: "" },
    ],
    presets: &[
        Preset { id: "payfor", name: "PayFor (other institution: set mbr_id and the endpoints)", gateway: "payfor", endpoints: &[], note: "" },
        Preset {
            id: "qnb",
            name: "QNB Finansbank (PayFor)",
            gateway: "payfor",
            endpoints: endpoints!("https://vpostest.qnbfinansbank.com/Gateway/", "https://vpos.qnbfinansbank.com/Gateway/"),
            note: "",
        },
        Preset {
            id: "ziraat_katilim",
            name: "Ziraat Katılım",
            gateway: "payfor",
            endpoints: endpoints!("https://payfortestziraatkatilim.cordisnetwork.com/Mpi/", "https://vpos.ziraatkatilim.com.tr/Mpi/"),
            note: "The reference PHP library turns the callback signature check off for Ziraat Katılım (\"does not work\"); sanalpos keeps it. If callbacks arrive as not authentic, confirm the payment with a status query and ask the bank for its ResponseHash recipe.",
        },
    ],
    signature_kinds: &[
        SignatureKind {
            id: "payfor_3d_request",
            inputs: "store_key; form: MbrId, OrderId, PurchAmount, OkUrl, FailUrl, TxnType, InstallmentCount, Rnd",
            formula: "b64(SHA1(MbrId . OrderId . PurchAmount . OkUrl . FailUrl . TxnType . InstallmentCount . Rnd . store_key))",
        },
        SignatureKind {
            id: "payfor_response",
            inputs: "merchant_id, user_code, store_key; response: OrderId, AuthCode, ProcReturnCode, 3DStatus, ResponseRnd",
            formula: "b64(SHA1(merchant_id . store_key . OrderId . AuthCode . ProcReturnCode . 3DStatus . ResponseRnd . user_code))",
        },
        SignatureKind {
            id: "payfor_response_sha256",
            inputs: "as payfor_response",
            formula: "b64(SHA256(merchant_id . store_key . OrderId . AuthCode . ProcReturnCode . 3DStatus . ResponseRnd . user_code))",
        },
    ],
    max_order_id: 64,
};

/// `MbrId` per bank preset (PayForAccount constants; mewebstudio/pos #274); `mbr_id` overrides it.
const MBR_IDS: &[(&str, &str)] = &[("qnb", "5"), ("ziraat_katilim", "12")];

/// The form fields the 3D hash covers, in order (PayForPosCrypt::create3DHash).
const FORM_HASH_FIELDS: &[&str] =
    &["MbrId", "OrderId", "PurchAmount", "OkUrl", "FailUrl", "TxnType", "InstallmentCount", "Rnd"];

/// The callback fields of ResponseHash, between MerchantID . MerchantPass and UserCode.
const RESPONSE_HASH_FIELDS: &[&str] = &["OrderId", "AuthCode", "ProcReturnCode", "3DStatus", "ResponseRnd"];

/// The card fields of the 3D form and the non-3D request (Expiry is `MMYY`).
const CARD_FIELDS: CardFieldNames = CardFieldNames {
    number: "Pan",
    expiry: &[("Expiry", "MMYY")],
    cvv: "Cvv2",
    holder: Some("CardHolderName"),
    brand: None,
    program: None,
};

/// `ProcReturnCode` of a 3DModel callback: authenticated, not yet provisioned.
const AUTHENTICATED: &str = "V033";

fn mbr_id(account: &Account) -> Result<&str> {
    account
        .credentials
        .opt("mbr_id")
        .or_else(|| MBR_IDS.iter().find(|(p, _)| *p == account.preset.id).map(|(_, id)| *id))
        .ok_or_else(|| Error::new(Code::CredentialsMissing).at("credentials.mbr_id"))
}

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

/// `0` for a single payment (PayFor mapInstallment).
fn installment_field(n: u32) -> String {
    if n <= 1 {
        "0".into()
    } else {
        n.to_string()
    }
}

fn form_hash(form: &RawPost, store_key: &str) -> String {
    hash(Digest::Sha1, Encoding::Base64, &form.concat(FORM_HASH_FIELDS.iter().copied(), store_key))
}

fn response_plaintext(post: &RawPost, merchant_id: &str, store_key: &str, user_code: &str) -> Vec<u8> {
    [merchant_id.as_bytes(), store_key.as_bytes(), &post.concat(RESPONSE_HASH_FIELDS.iter().copied(), user_code)]
        .concat()
}

/// A charge the callback reports: approved only when the form echo proved the amount.
fn settle(verdict: &mut Verdict, echo_verified: bool) {
    if echo_verified {
        verdict.outcome = Outcome::Approved;
    } else {
        verdict.outcome = Outcome::NeedsStatus;
        verdict.reason = Some(unproven_amount());
    }
}

fn unproven_amount() -> Error {
    Error::new(Code::CallbackFieldUnsigned)
        .detail("PurchAmount: the echo of the signed form (Hash) is missing or altered")
}

impl Gateway for PayFor {
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
            ("MbrId", mbr_id(account)?.to_string()),
            ("MerchantID", creds.get("merchant_id")?.to_string()),
            ("UserCode", creds.get("user_code")?.to_string()),
            ("OrderId", order.id.clone()),
            ("Lang", if req.lang == Lang::Tr { "tr" } else { "en" }.to_string()),
            ("SecureType", secure_type(req.model).to_string()),
            ("TxnType", txn_type(order.tx_type).to_string()),
            ("PurchAmount", order.amount.decimal()),
            ("InstallmentCount", installment_field(order.installments)),
            ("Currency", numeric_currency(order.currency(), COMMON_CURRENCIES)?),
            ("OkUrl", req.ok_url.clone()),
            ("FailUrl", req.fail_url.clone()),
            ("Rnd", req.nonce(32)?),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let signature = form_hash(&RawPost::from_pairs(fields.clone()), creds.get("store_key")?);
        fields.push(("Hash".into(), signature));
        let action = account.endpoint(if req.model == Model::ThreeDHost { "gate_3d_host" } else { "gate_3d" })?;
        Ok(Step::Form(Form::post(action, fields, card_entry, CARD_FIELDS, req.card.as_ref())))
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        let account = req.account;
        account.check_model(req.model)?;
        let creds = &account.credentials;
        let store_key = creds.get("store_key")?;
        let post = &req.post;

        // 1. Authenticity: nothing in the callback is used before ResponseHash checks out.
        let received = post.bytes("ResponseHash");
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        let plaintext = response_plaintext(post, creds.get("merchant_id")?, store_key, creds.get("user_code")?);
        // SHA-1 (28 base64 characters), or SHA-256 (44) as QNB has posted since 2024 (no HashType field).
        let digest = if received.len() == 44 { Digest::Sha256 } else { Digest::Sha1 };
        if !signatures_equal(received, &hash(digest, Encoding::Base64, &plaintext)) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        let code = post.text("ProcReturnCode");
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                code: code.clone(),
                message: post.text("ErrMsg"),
                md_status: Some(post.text("3DStatus")),
                error_code: post.text("IrcCode"),
            },
            references: collect_references(
                &[
                    ("order_id", "OrderId"),
                    ("auth_code", "AuthCode"),
                    ("host_ref", "HostRefNum"),
                    ("transaction_id", "TransId"),
                ],
                &|f| post.text(f),
            ),
            masked_pan: post.opt_text("CardMask"),
            next: None,
        };

        // 2. The callback must be for the expected order. ResponseHash binds the order id; amount and
        // installments count only when the echo of our signed form verifies.
        if post.text("OrderId") != req.expected.id {
            verdict.reason = Some(Error::new(Code::CallbackOrderMismatch));
            return Ok(verdict);
        }
        let echoed = post.bytes("Hash");
        let echo_verified = !echoed.is_empty() && signatures_equal(echoed, &form_hash(post, store_key));
        let currency = req.expected.amount.currency();
        let mismatch = if !echo_verified {
            None
        } else if let Err(e) =
            check_amount(parse_bank_amount(&post.text("PurchAmount"), currency, false), &req.expected)
        {
            Some(e)
        } else if req.expected.installments.is_some_and(|n| installment_field(n) != post.text("InstallmentCount")) {
            Some(Error::new(Code::CallbackInstallmentsMismatch))
        } else {
            None
        };
        // The currency is signed by neither hash: compared as echoed (docs: open points).
        let mismatch = mismatch.or_else(|| {
            (post.contains("Currency")
                && Some(post.text("Currency")) != currency.code(crate::money::CurrencyStyle::Numeric3))
            .then(|| Error::new(Code::CallbackCurrencyMismatch))
        });
        if mismatch.is_some() {
            verdict.reason = mismatch;
            return Ok(verdict);
        }

        // 3. The outcome.
        let pays = req.model != Model::ThreeD;
        if let Some((outcome, reason)) = md_gate(&post.text("3DStatus"), req.accept_half_secure) {
            // A 3D Pay charge that went through on a half-secure authentication is still a charge.
            if pays && outcome == Outcome::ThreeDsAttempt && code == "00" {
                settle(&mut verdict, echo_verified);
            } else {
                (verdict.outcome, verdict.reason) = (outcome, Some(reason));
            }
            return Ok(verdict);
        }
        match code.as_str() {
            AUTHENTICATED if !pays && !echo_verified => {
                // Provisioning charges the amount of the 3D step: never for an amount we cannot prove.
                verdict.reason = Some(unproven_amount());
            }
            AUTHENTICATED if !pays => {
                verdict.outcome = Outcome::NeedsProvision;
                if creds.opt("user_pass").is_some() {
                    let call = self.api_request(&req.follow_up(Operation::Provision))?;
                    verdict.next = Some(Step::Http(call));
                }
            }
            "00" if pays => settle(&mut verdict, echo_verified),
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
        let (user_code, user_pass) = (creds.get("user_code")?, creds.get("user_pass")?);
        let mut sensitive = vec![user_pass.to_string()];
        let order = &req.order;
        let root = Element::new("PayforRequest");
        let doc = if req.operation == Operation::Provision {
            // The 3D step's RequestGuid and the same OrderId (another id answers V036, mewebstudio/pos #283).
            let post = req.post()?;
            if post.text("OrderId") != order.id {
                return Err(Error::new(Code::RequestInvalidValue)
                    .at("post.OrderId")
                    .detail("the callback is for another order"));
            }
            root.leaf("RequestGuid", post.text("RequestGuid"))
                .leaf("UserCode", user_code)
                .leaf("UserPass", user_pass)
                .leaf("OrderId", order.id.as_str())
                .leaf("SecureType", "3DModelPayment")
        } else {
            let head = root
                .leaf("MerchantId", creds.get("merchant_id")?)
                .leaf("UserCode", user_code)
                .leaf("UserPass", user_pass)
                .leaf("MbrId", mbr_id(account)?);
            let currency = numeric_currency(order.currency(), COMMON_CURRENCIES)?;
            let after_sale = |head: Element, secure_type: &str, txn_type: &str| {
                head.leaf("OrgOrderId", order.id.as_str()).leaf("SecureType", secure_type).leaf("TxnType", txn_type)
            };
            match req.operation {
                Operation::Sale | Operation::PreAuth => {
                    let card = req.card()?;
                    sensitive.extend([card.pan.digits().to_string(), card.cvv.clone()]);
                    let tx = if req.operation == Operation::Sale { TxType::Sale } else { TxType::PreAuth };
                    let mut doc = head
                        .leaf("MOTO", "0")
                        .leaf("OrderId", order.id.as_str())
                        .leaf("SecureType", "NonSecure")
                        .leaf("TxnType", txn_type(tx))
                        .leaf("PurchAmount", order.amount.decimal())
                        .leaf("Currency", currency)
                        .leaf("InstallmentCount", installment_field(order.installments))
                        .leaf("Lang", "tr");
                    for (name, value) in CARD_FIELDS.values(card) {
                        doc = doc.leaf(name, value);
                    }
                    doc
                }
                Operation::Capture | Operation::Refund => {
                    let txn = if req.operation == Operation::Capture { "PostAuth" } else { "Refund" };
                    after_sale(head, "NonSecure", txn)
                        .leaf("PurchAmount", order.amount.decimal())
                        .leaf("Currency", currency)
                        .leaf("Lang", "tr")
                }
                Operation::Cancel => {
                    after_sale(head, "NonSecure", "Void").leaf("Currency", currency).leaf("Lang", "tr")
                }
                _ => after_sale(head, "Inquiry", "OrderInquiry").leaf("Lang", "tr"),
            }
        };
        let sensitive: Vec<&str> = sensitive.iter().map(String::as_str).collect();
        Ok(HttpCall::new(
            account.endpoint("api")?,
            "text/xml; charset=UTF-8",
            doc.to_xml(Some("UTF-8")).into_bytes(),
            &sensitive,
            req.context(),
        ))
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        let operation = resp.operation()?;
        let bad = |detail: &str| Error::new(Code::BankBadResponse).detail(detail);
        let root = resp.xml("PayforResponse")?;
        let get = |path: &str| root.text_at(path).unwrap_or_default();
        let code = get("ProcReturnCode");
        if code.is_empty() {
            return Err(bad("no ProcReturnCode"));
        }
        let refs = collect_references(
            &[
                ("order_id", "OrderId"),
                ("auth_code", "AuthCode"),
                ("host_ref", "HostRefNum"),
                ("transaction_id", "TransId"),
            ],
            &get,
        );
        resp.check_order_id(refs.get("order_id").map_or("", String::as_str))?;
        let approved = code == "00";
        let mut result = ApiResult {
            outcome: if approved { Outcome::Approved } else { Outcome::Declined },
            reason: None,
            bank: BankStatus { code, message: get("ErrMsg"), md_status: None, error_code: get("IrcCode") },
            references: refs,
            order_status: None,
            next: None,
        };
        if operation == Operation::Status && approved {
            let currency = Currency::find(resp.context_str("currency")?)?;
            if root.find("Currency").is_some()
                && Some(get("Currency")) != currency.code(crate::money::CurrencyStyle::Numeric3)
            {
                return Err(bad("the answer is in another currency"));
            }
            let amount = parse_bank_amount(&get("PurchAmount"), currency, false);
            let refunded = parse_bank_amount(&get("RefundedAmount"), currency, false).filter(|m| m.minor() > 0);
            // PayForPosResponseDataMapper::mapStatusResponse: the transaction type, then the void and refund flags.
            let state = if get("IsVoided") == "true" {
                "cancelled"
            } else if get("IsRefunded") == "true" || refunded.is_some() {
                OrderStatus::refund_state(refunded, amount)
            } else {
                match get("TxnType").as_str() {
                    "Auth" | "PostAuth" => "paid",
                    "PreAuth" => "pending",
                    _ => "unknown",
                }
            };
            result.order_status =
                Some(OrderStatus { state, amount, captured: amount.filter(|_| state == "paid"), refunded });
        }
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let (field, digest) = match kind {
            "payfor_3d_request" => ("form", Digest::Sha1),
            "payfor_response" => ("response", Digest::Sha1),
            "payfor_response_sha256" => ("response", Digest::Sha256),
            _ => return Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        let fields = inputs.object(field)?;
        let post = RawPost::from_json(fields.map(), fields.path())?;
        let plaintext = |key: &str| -> Result<Vec<u8>> {
            Ok(match field {
                "form" => post.concat(FORM_HASH_FIELDS.iter().copied(), key),
                _ => response_plaintext(&post, inputs.str("merchant_id")?, key, inputs.str("user_code")?),
            })
        };
        Ok(Computed {
            value: hash(digest, Encoding::Base64, &plaintext(inputs.str("store_key")?)?),
            input_masked: text::decode_text(&plaintext("***")?),
        })
    }
}

#[cfg(test)]
mod tests;
