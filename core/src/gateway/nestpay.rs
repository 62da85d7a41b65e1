//! Asseco/Payten NestPay (EST): İş Bankası, Ziraat, Halkbank, TEB, Şekerbank, Anadolubank, ING,
//! QNB Finansbank (EST) and Akbank's legacy POS. docs/pos-protocols.md §1.
//!
//! 3D form hash: `ver3` (SHA-512 over every posted field, PHP natural order, `|`-joined and
//! escaped, store key last) — mandatory since 31 July 2024 — or legacy `ver1` (SHA-1 over a fixed
//! field list). Callbacks use the same scheme. The XML API (`CC5Request`) authenticates with the
//! API user's password in the body.

use super::crypto::{hash, signatures_equal, Digest, Encoding};
use super::natsort::strnatcasecmp;
use super::text::{iso8859_9_encode, php_string, RawPost};
use super::xml::Element;
use super::*;
use crate::money::CurrencyStyle;

pub struct NestPay;

const TEST_GATE: &str = "https://entegrasyon.asseco-see.com.tr/fim/est3Dgate";
const TEST_API: &str = "https://entegrasyon.asseco-see.com.tr/fim/api";

macro_rules! bank {
    ($id:literal, $name:literal, $gate:literal, $api:literal, $note:literal) => {
        Preset {
            id: $id,
            name: $name,
            gateway: "nestpay",
            endpoints: &[
                Endpoint { id: "gate_3d", test: TEST_GATE, live: $gate },
                Endpoint { id: "api", test: TEST_API, live: $api },
            ],
            note: $note,
        }
    };
}

static INFO: GatewayInfo = GatewayInfo {
    id: "nestpay",
    name: "Asseco/Payten NestPay (EST)",
    models: &[
        (Model::ThreeD, CardEntry::Server),
        (Model::ThreeDPay, CardEntry::Server),
        (Model::ThreeDHost, CardEntry::BankPage),
        (Model::ThreeDPayHosting, CardEntry::BankPage),
        (Model::Regular, CardEntry::Server),
    ],
    operations: Operation::ALL,
    credentials: &[
        CredentialField { id: "client_id", label_en: "Client ID (merchant number)", label_tr: "Mağaza numarası (Client ID)", secret: false, required: true, choices: &[] },
        CredentialField { id: "store_key", label_en: "3D store key", label_tr: "3D güvenlik anahtarı (Store key)", secret: true, required: true, choices: &[] },
        CredentialField { id: "api_user", label_en: "API user name", label_tr: "API kullanıcı adı", secret: false, required: false, choices: &[] },
        CredentialField { id: "api_password", label_en: "API user password", label_tr: "API kullanıcı şifresi", secret: true, required: false, choices: &[] },
        CredentialField { id: "hash_version", label_en: "Hash version", label_tr: "Hash sürümü", secret: false, required: false, choices: &["ver3", "ver1"] },
    ],
    endpoints: &[Endpoint { id: "gate_3d", test: TEST_GATE, live: "" }, Endpoint { id: "api", test: TEST_API, live: "" }],
    presets: &[
        Preset { id: "nestpay", name: "NestPay (other bank: set the live endpoints)", gateway: "nestpay", endpoints: &[], note: "" },
        bank!("isbank", "Türkiye İş Bankası", "https://sanalpos.isbank.com.tr/fim/est3Dgate", "https://sanalpos.isbank.com.tr/fim/api", ""),
        bank!("ziraat", "Ziraat Bankası", "https://sanalpos2.ziraatbank.com.tr/fim/est3Dgate", "https://sanalpos2.ziraatbank.com.tr/fim/api", "Ziraat callbacks may carry nationalidno, which is not hashed (Payten, mewebstudio/pos #169)."),
        bank!("halkbank", "Halkbank", "https://sanalpos.halkbank.com.tr/fim/est3dgate", "https://sanalpos.halkbank.com.tr/fim/api", ""),
        bank!("teb", "TEB", "https://sanalpos.teb.com.tr/fim/est3Dgate", "https://sanalpos.teb.com.tr/fim/api", ""),
        bank!("sekerbank", "Şekerbank", "https://sanalpos.sekerbank.com.tr/fim/est3Dgate", "https://sanalpos.sekerbank.com.tr/fim/api", ""),
        bank!("finansbank", "QNB Finansbank (EST)", "https://www.fbwebpos.com/fim/est3dgate", "https://www.fbwebpos.com/fim/api", ""),
        bank!("akbank_legacy", "Akbank (legacy NestPay POS)", "https://www.sanalakpos.com/fim/est3Dgate", "https://www.sanalakpos.com/fim/api", "Akbank's new POS API is the separate akbank gateway."),
        bank!("anadolubank", "Anadolubank", "", "", "Live addresses are not in our sources: copy them from the bank's integration document into endpoints."),
        bank!("ing", "ING", "", "", "Live addresses are not in our sources: copy them from the bank's integration document into endpoints."),
    ],
    signature_kinds: &[
        SignatureKind {
            id: "nestpay_v3",
            inputs: "store_key; form or response: every field posted (or received)",
            formula: "b64(SHA512(join('|', escape(values sorted by PHP strnatcasecmp of names, without hash/encoding/nationalidno) + [store_key])))",
        },
        SignatureKind {
            id: "nestpay_v1_3d_request",
            inputs: "store_key; form: clientid, oid, amount, okUrl, failUrl, islemtipi, taksit, rnd",
            formula: "b64(SHA1(clientid . oid . amount . okUrl . failUrl . islemtipi . taksit . rnd . store_key))",
        },
        SignatureKind {
            id: "nestpay_v1_response",
            inputs: "store_key; response: the callback fields including HASHPARAMS",
            formula: "b64(SHA1(concat(value(n) for n in split(':', HASHPARAMS)) . store_key))",
        },
    ],
    max_order_id: 64,
};

/// `ver3` or `ver1`, from the account settings (never from the callback, so it cannot be downgraded).
#[derive(Clone, Copy, PartialEq, Eq)]
enum HashVersion {
    V3,
    V1,
}

fn hash_version(account: &Account) -> Result<HashVersion> {
    match account.credentials.opt("hash_version") {
        None | Some("ver3") => Ok(HashVersion::V3),
        Some("ver1") => Ok(HashVersion::V1),
        Some(_) => Err(Error::new(Code::RequestInvalidValue).at("credentials.hash_version").detail("ver3 or ver1")),
    }
}

/// Field names excluded from the ver3 hash, compared case-insensitively (EstV3PosCrypt; Payten
/// confirmed `nationalidno` is not hashed, mewebstudio/pos #169).
const V3_EXCLUDED: &[&str] = &["hash", "encoding", "nationalidno"];

/// The ver3 hash input: values in natural case-insensitive order of their names, store key
/// last, each escaped (`\` → `\\`, then `|` → `\|`), joined with `|`.
fn v3_plaintext<'a>(fields: impl Iterator<Item = (&'a str, &'a [u8])>, store_key: &str) -> Vec<u8> {
    let mut kept: Vec<(&str, &[u8])> =
        fields.filter(|(k, _)| !V3_EXCLUDED.iter().any(|x| k.eq_ignore_ascii_case(x))).collect();
    // Stable, like PHP 8's sort, for names that compare equal.
    kept.sort_by(|a, b| strnatcasecmp(a.0, b.0));
    let mut out = Vec::new();
    for value in kept.iter().map(|(_, v)| *v).chain(std::iter::once(store_key.as_bytes())) {
        if !out.is_empty() {
            out.push(b'|');
        }
        for &b in value {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'|' => out.extend_from_slice(b"\\|"),
                _ => out.push(b),
            }
        }
    }
    out
}

fn v3_hash<'a>(fields: impl Iterator<Item = (&'a str, &'a [u8])>, store_key: &str) -> String {
    hash(Digest::Sha512, Encoding::Base64, &v3_plaintext(fields, store_key))
}

const V1_REQUEST_FIELDS: &[&str] = &["clientid", "oid", "amount", "okUrl", "failUrl", "islemtipi", "taksit", "rnd"];

fn tran_type(t: TxType) -> &'static str {
    match t {
        TxType::Sale => "Auth",
        TxType::PreAuth => "PreAuth",
    }
}

fn currency_code(order: &Order) -> Result<String> {
    order
        .currency()
        .code(CurrencyStyle::Numeric3)
        .ok_or_else(|| Error::new(Code::GatewayUnsupportedCurrency).at("order.currency"))
}

fn storetype(model: Model) -> &'static str {
    match model {
        Model::ThreeD => "3d",
        Model::ThreeDPay => "3d_pay",
        Model::ThreeDHost => "3d_host",
        Model::ThreeDPayHosting => "3d_pay_hosting",
        Model::Regular => "regular",
    }
}

impl Gateway for NestPay {
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
        let store_key = creds.get("store_key")?;
        let version = hash_version(account)?;
        let mut fields: Vec<(String, String)> = vec![
            ("clientid".into(), creds.get("client_id")?.into()),
            ("storetype".into(), storetype(req.model).into()),
            ("amount".into(), req.order.amount.decimal()),
            ("oid".into(), req.order.id.clone()),
            ("okUrl".into(), req.ok_url.clone()),
            ("failUrl".into(), req.fail_url.clone()),
            ("rnd".into(), req.nonce(24)?.to_ascii_uppercase()),
            ("lang".into(), if req.lang == Lang::Tr { "tr" } else { "en" }.into()),
            ("currency".into(), currency_code(&req.order)?),
            ("taksit".into(), installment_text(req.order.installments)),
        ];
        match version {
            HashVersion::V3 => {
                fields.push(("TranType".into(), tran_type(req.order.tx_type).into()));
                fields.push(("hashAlgorithm".into(), "ver3".into()));
            }
            HashVersion::V1 => fields.push(("islemtipi".into(), tran_type(req.order.tx_type).into())),
        }
        let mut sensitive = Vec::new();
        if card_entry == CardEntry::Server {
            let card = req.card.as_ref().ok_or_else(|| Error::new(Code::RequestMissingField).at("card"))?;
            for (name, value) in [
                ("pan", card.pan.digits().to_string()),
                ("Ecom_Payment_Card_ExpDate_Month", card.expiry.mm()),
                ("Ecom_Payment_Card_ExpDate_Year", card.expiry.yy()),
                ("cv2", card.cvv.clone()),
            ] {
                fields.push((name.into(), value));
                sensitive.push(name.to_string());
            }
        }
        let signature = match version {
            HashVersion::V3 => v3_hash(fields.iter().map(|(k, v)| (k.as_str(), v.as_bytes())), store_key),
            HashVersion::V1 => {
                let form = RawPost::from_pairs(fields.iter().map(|(k, v)| (k.as_str(), v.as_bytes())));
                hash(Digest::Sha1, Encoding::Base64, &form.concat(V1_REQUEST_FIELDS.iter().copied(), store_key))
            }
        };
        fields.push(("hash".into(), signature));
        Ok(Step::Form(Form {
            action: account.endpoint("gate_3d")?,
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
        let store_key = account.credentials.get("store_key")?;
        let version = hash_version(account)?;

        // 1. Authenticity: nothing in the callback is used before its signature checks out.
        let received = post.bytes("HASH");
        if received.is_empty() {
            return Ok(Verdict::rejected(SignatureCheck::Missing, Error::new(Code::CallbackSignatureMissing)));
        }
        let expected = match version {
            HashVersion::V3 => v3_hash(post.iter(), store_key),
            HashVersion::V1 => hash(Digest::Sha1, Encoding::Base64, &post.hashparams_concat(store_key)),
        };
        if !signatures_equal(received, &expected) {
            return Ok(Verdict::rejected(SignatureCheck::Mismatch, Error::new(Code::CallbackSignatureMismatch)));
        }
        // ver3 signs every field; ver1 only the HASHPARAMS list, which must cover what we act on.
        let hashparams = post.text("HASHPARAMS");
        let signed = |name: &str| version == HashVersion::V3 || hashparams.split(':').any(|n| n == name);
        let pays = req.model != Model::ThreeD;
        let must_be_signed: &[&str] = if pays { &["oid", "mdStatus", "ProcReturnCode"] } else { &["oid", "mdStatus"] };
        if let Some(unsigned) = must_be_signed.iter().find(|n| !signed(n)) {
            return Ok(Verdict::rejected(
                SignatureCheck::Verified,
                Error::new(Code::CallbackFieldUnsigned).detail(*unsigned),
            ));
        }

        let md_status = post.text("mdStatus");
        let mut verdict = Verdict {
            signature: SignatureCheck::Verified,
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                code: post.text("ProcReturnCode"),
                message: post.opt_text("ErrMsg").or_else(|| post.opt_text("mdErrorMsg")).unwrap_or_default(),
                md_status: Some(md_status.clone()),
                error_code: post.text("EXTRA_ERRORCODE"),
            },
            references: references_from_post(post),
            masked_pan: post.opt_text("MaskedPan").or_else(|| post.opt_text("maskedCreditCard")),
            next: None,
        };

        // 2. The callback must be for the expected order.
        if post.text("oid") != req.expected.id {
            verdict.reason = Some(Error::new(Code::CallbackOrderMismatch));
            return Ok(verdict);
        }
        let currency = req.expected.amount.currency();
        if signed("amount") {
            let amount = parse_bank_amount(&post.text("amount"), currency, false);
            if let Err(e) = check_amount(amount, &req.expected) {
                verdict.reason = Some(e);
                return Ok(verdict);
            }
        }
        if signed("currency")
            && post.contains("currency")
            && Some(post.text("currency")) != currency.code(CurrencyStyle::Numeric3)
        {
            verdict.reason = Some(Error::new(Code::CallbackCurrencyMismatch));
            return Ok(verdict);
        }
        if let (Some(n), true) = (req.expected.installments, signed("taksit") && post.contains("taksit")) {
            let posted = post.text("taksit");
            let posted_n: u32 = if posted.is_empty() { 1 } else { posted.parse().unwrap_or(0) };
            if posted_n.max(1) != n.max(1) {
                verdict.reason = Some(Error::new(Code::CallbackInstallmentsMismatch));
                return Ok(verdict);
            }
        }

        // 3. The outcome.
        if let Some((outcome, reason)) = md_gate(&md_status, req.accept_half_secure) {
            // A 3D Pay charge that went through on a half-secure authentication is still a charge.
            if pays && outcome == Outcome::ThreeDsAttempt && post.text("ProcReturnCode") == "00" {
                verdict.outcome = Outcome::Approved;
            } else {
                (verdict.outcome, verdict.reason) = (outcome, Some(reason));
            }
            return Ok(verdict);
        }
        if !pays {
            verdict.outcome = Outcome::NeedsProvision;
            if account.credentials.opt("api_user").is_some() {
                verdict.next = Some(Step::Http(self.api_request(&req.follow_up(Operation::Provision))?));
            }
            return Ok(verdict);
        }
        match post.text("ProcReturnCode").as_str() {
            "00" if !signed("amount") => {
                // ver1 without a signed amount: the charge is real but its amount is unproven.
                verdict.outcome = Outcome::NeedsStatus;
            }
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
        let mut doc = Element::new("CC5Request")
            .leaf("Name", creds.get("api_user")?)
            .leaf("Password", creds.get("api_password")?)
            .leaf("ClientId", creds.get("client_id")?);
        let mut sensitive: Vec<String> = vec![creds.get("api_password")?.to_string()];
        let order = &req.order;
        let payment_head = |doc: Element, tx: TxType| -> Result<Element> {
            Ok(doc
                .leaf("Type", tran_type(tx))
                .leaf("IPAddress", req.customer.ip.as_str())
                .leaf("Email", req.customer.email.as_str())
                .leaf("OrderId", order.id.as_str())
                .leaf("Total", order.amount.decimal())
                .leaf("Currency", currency_code(order)?)
                .leaf("Taksit", installment_text(order.installments)))
        };
        doc = match req.operation {
            Operation::Provision => {
                let post = req.post()?;
                payment_head(doc, order.tx_type)?
                    .leaf("Number", post.text("md"))
                    .leaf("PayerTxnId", post.text("xid"))
                    .leaf("PayerSecurityLevel", post.text("eci"))
                    .leaf("PayerAuthenticationCode", post.text("cavv"))
                    .leaf("Mode", "P")
            }
            Operation::Sale | Operation::PreAuth => {
                let card = req.card()?;
                sensitive.push(card.pan.digits().to_string());
                sensitive.push(card.cvv.clone());
                let tx = if req.operation == Operation::Sale { TxType::Sale } else { TxType::PreAuth };
                payment_head(doc, tx)?
                    .leaf("Number", card.pan.digits())
                    .leaf("Expires", format!("{}/{}", card.expiry.mm(), card.expiry.yy()))
                    .leaf("Cvv2Val", card.cvv.as_str())
                    .leaf("Mode", "P")
            }
            Operation::Capture => doc
                .leaf("Type", "PostAuth")
                .leaf("OrderId", order.id.as_str())
                .leaf("Total", order.amount.decimal())
                .leaf("Currency", currency_code(order)?),
            Operation::Refund => doc
                .leaf("Type", "Credit")
                .leaf("OrderId", order.id.as_str())
                .leaf("Total", order.amount.decimal())
                .leaf("Currency", currency_code(order)?),
            Operation::Cancel => doc.leaf("Type", "Void").leaf("OrderId", order.id.as_str()),
            Operation::Status => {
                doc.leaf("OrderId", order.id.as_str()).child(Element::new("Extra").leaf("ORDERSTATUS", "QUERY"))
            }
        };
        let xml = doc.to_xml(Some("ISO-8859-9"));
        let sensitive: Vec<&str> = sensitive.iter().map(String::as_str).collect();
        Ok(HttpCall::new(
            account.endpoint("api")?,
            "text/xml; charset=ISO-8859-9",
            iso8859_9_encode(&xml),
            &sensitive,
            req.context(),
        ))
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        let operation = resp.operation()?;
        let root = resp.xml("CC5Response")?;
        let get = |path: &str| root.text_at(path).unwrap_or_default();
        let code = get("ProcReturnCode");
        let response = get("Response");
        if code.is_empty() && response.is_empty() {
            return Err(Error::new(Code::BankBadResponse).detail("no ProcReturnCode or Response"));
        }
        let bank = BankStatus {
            code: code.clone(),
            message: get("ErrMsg"),
            md_status: None,
            error_code: get("Extra/ERRORCODE"),
        };
        let references = collect_references(
            &[
                ("order_id", "OrderId"),
                ("group_id", "GroupId"),
                ("auth_code", "AuthCode"),
                ("host_ref", "HostRefNum"),
                ("transaction_id", "TransId"),
            ],
            &get,
        );
        resp.check_order_id(&get("OrderId"))?;
        let approved = code == "00" && (response.is_empty() || response == "Approved");
        let mut result = ApiResult {
            outcome: if approved {
                Outcome::Approved
            } else if response == "Declined" {
                Outcome::Declined
            } else {
                Outcome::Error
            },
            reason: None,
            bank,
            references,
            order_status: None,
            next: None,
        };
        if operation == Operation::Status && approved {
            let currency = Currency::find(resp.context_str("currency")?)?;
            let minor = |path: &str| parse_bank_amount(&get(path), currency, true);
            let state = match get("Extra/TRANS_STAT").as_str() {
                "A" | "C" | "S" => "paid",
                "PN" => "pending",
                "V" | "CNCL" => "cancelled",
                "D" | "ERR" => "declined",
                _ => "unknown",
            };
            add_references(
                &mut result.references,
                &[("auth_code", "Extra/AUTH_CODE"), ("host_ref", "Extra/HOST_REF_NUM")],
                &get,
            );
            result.order_status = Some(OrderStatus {
                state,
                amount: minor("Extra/ORIG_TRANS_AMT"),
                captured: minor("Extra/CAPTURE_AMT"),
                refunded: None,
            });
        }
        Ok(result)
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        let store_key = inputs.str("store_key")?;
        let fields_key = if inputs.has("form") { "form" } else { "response" };
        let fields = inputs.object(fields_key)?;
        let mut pairs: Vec<(String, Vec<u8>)> = Vec::new();
        for (k, v) in fields.map() {
            let s = php_string(v).ok_or_else(|| Error::new(Code::RequestInvalidType).at(fields.field(k)))?;
            pairs.push((k.clone(), s.into_bytes()));
        }
        let post = RawPost::from_pairs(pairs);
        let plaintext = |key: &str| match kind {
            "nestpay_v3" => Ok(v3_plaintext(post.iter(), key)),
            "nestpay_v1_3d_request" => Ok(post.concat(V1_REQUEST_FIELDS.iter().copied(), key)),
            "nestpay_v1_response" => Ok(post.hashparams_concat(key)),
            _ => Err(Error::new(Code::SignatureUnknownKind).at("kind")),
        };
        let digest = if kind == "nestpay_v3" { Digest::Sha512 } else { Digest::Sha1 };
        Ok(Computed {
            value: hash(digest, Encoding::Base64, &plaintext(store_key)?),
            input_masked: text::decode_text(&plaintext("***")?),
        })
    }
}

fn references_from_post(post: &RawPost) -> StrMap {
    collect_references(
        &[
            ("order_id", "oid"),
            ("auth_code", "AuthCode"),
            ("host_ref", "HostRefNum"),
            ("transaction_id", "TransId"),
            ("xid", "xid"),
        ],
        &|f| post.text(f),
    )
}

#[cfg(test)]
mod tests;
