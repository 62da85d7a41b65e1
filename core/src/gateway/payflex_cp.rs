//! VakıfBank PayFlex Common Payment ("Ortak Ödeme", PayFlexCPV4Pos). docs/pos-protocols.md §7.3.
//!
//! The server registers the payment (`RegisterTransaction`, card included for 3D Pay), the shopper
//! goes to the bank's page with the returned token (`GET …?Ptkn=`), and the bank sends the shopper
//! back with `TransactionId` and `PaymentToken` — unsigned and, in the bank's words, "for
//! information": the result query (`VposTransaction`) decides. Refunds, cancels and captures are
//! VPOS operations on the same merchant (the bank's Common Payment document §8), shared with
//! `payflex`.
//!
//! The register hash `HashedData = b64(SHA1(HostMerchantId . AmountCode . Amount . MerchantPassword
//! . "VBank3DPay2014"))` of the reference library is unconfirmed (the library notes the bank
//! answered 5029 "Geçersiz İstek" with it, and the bank's document calls the field optional and
//! describes another recipe): it is a `signature.compute` kind only and is never sent.

use super::crypto::{hash, Digest, Encoding};
use super::payflex::{self, brand_code, check_id, currency_code, form_call, masked_pan, tx_type};
use super::*;

pub struct PayFlexCp;

static INFO: GatewayInfo = GatewayInfo {
    id: "payflex_cp",
    name: "VakıfBank PayFlex Common Payment",
    models: &[(Model::ThreeDPay, CardEntry::Server), (Model::ThreeDHost, CardEntry::BankPage)],
    operations: &[Operation::Capture, Operation::Refund, Operation::Cancel, Operation::Status],
    credentials: &[payflex::MERCHANT_ID, payflex::PASSWORD, payflex::TERMINAL_ID],
    endpoints: &[
        Endpoint { id: "cp_register", test: "", live: "" },
        Endpoint { id: "cp_query", test: "", live: "" },
        Endpoint { id: "api", test: "", live: "" },
        Endpoint { id: "search", test: "", live: "" },
    ],
    presets: &[
        Preset { id: "payflex_cp", name: "PayFlex Common Payment (other bank: set the endpoints)", gateway: "payflex_cp", endpoints: &[], note: "" },
        Preset {
            id: "vakifbank_cp",
            name: "VakıfBank (PayFlex Common Payment)",
            gateway: "payflex_cp",
            endpoints: &[
                Endpoint {
                    id: "cp_register",
                    test: "https://cptest.vakifbank.com.tr/CommonPayment/api/RegisterTransaction",
                    live: "https://cpweb.vakifbank.com.tr/CommonPayment/api/RegisterTransaction",
                },
                Endpoint {
                    id: "cp_query",
                    test: "https://cptest.vakifbank.com.tr/CommonPayment/api/VposTransaction",
                    live: "https://cpweb.vakifbank.com.tr/CommonPayment/api/VposTransaction",
                },
                payflex::VAKIFBANK_API,
                payflex::VAKIFBANK_SEARCH,
            ],
            note: "Addresses of mewebstudio/pos; VakıfBank's 2026 document lists new API-gateway addresses (inbound.apigateway…vakifbank.com.tr:8443/commonPayment/…): set endpoints if the bank gave you those.",
        },
    ],
    signature_kinds: &[SignatureKind {
        id: "payflex_cp_hash",
        inputs: "request: HostMerchantId, AmountCode, Amount, MerchantPassword",
        formula: "b64(SHA1(HostMerchantId . AmountCode . Amount . MerchantPassword . \"VBank3DPay2014\")) — unconfirmed, never sent",
    }],
    max_order_id: payflex::MAX_ORDER_ID,
};

/// The Common Payment query's success code, as the VPOS one.
const APPROVED: &str = "0000";

fn bad(detail: &str) -> Error {
    Error::new(Code::BankBadResponse).detail(detail)
}

/// The result query (`VposTransaction`: HostMerchantId, Password, TransactionId, PaymentToken;
/// PayFlexCPV4 request mapper create3DPaymentStatusRequestData) when a token or a callback is at
/// hand; `None` sends the caller to the VPOS search by order id.
fn cp_query(req: &ApiRequest) -> Result<Option<HttpCall>> {
    let pick = |post_field: &str, reference: &str| {
        req.post
            .as_ref()
            .and_then(|p| p.opt_text(post_field))
            .or_else(|| req.references.get(reference).filter(|v| !v.is_empty()).cloned())
    };
    let token = pick("PaymentToken", "payment_token");
    if token.is_none() && req.post.is_none() {
        return Ok(None);
    }
    check_id(&req.order.id)?;
    let creds = &req.account.credentials;
    let password = creds.get("password")?;
    let pairs = [
        ("HostMerchantId", creds.get("merchant_id")?.to_string()),
        ("Password", password.to_string()),
        ("TransactionId", pick("TransactionId", "transaction_id").unwrap_or_default()),
        ("PaymentToken", token.unwrap_or_default()),
    ];
    let context = payflex::context(req, "cp_query");
    Ok(Some(form_call(req.account.endpoint("cp_query")?, &pairs, &[password], context)))
}

/// `RegisterTransaction`'s answer (root `RegisterResponse` in the bank's document): the token and
/// page address, or an `ErrorCode` (5007 "Güvenlik Numarası Hatalı", …).
fn parse_register(resp: &ApiResponse) -> Result<ApiResult> {
    let root = resp.xml("")?;
    let get = |path: &str| root.text_at(path).unwrap_or_default();
    let (url, token, error) = (get("CommonPaymentUrl"), get("PaymentToken"), get("ErrorCode"));
    let mut result = ApiResult {
        reason: None,
        outcome: Outcome::Error,
        bank: BankStatus { code: error.clone(), message: get("ResponseMessage"), ..BankStatus::default() },
        references: StrMap::new(),
        order_status: None,
        next: None,
    };
    if !error.is_empty() {
        return Ok(result);
    }
    if !payflex::is_page_url(&url) || token.is_empty() {
        return Err(bad("no CommonPaymentUrl and PaymentToken"));
    }
    let card_entry =
        if resp.context_str("model")? == Model::ThreeDHost.id() { CardEntry::BankPage } else { CardEntry::Server };
    result.outcome = Outcome::NeedsProvision;
    result.references.insert("payment_token".into(), token.clone());
    result.next = Some(Step::Form(Form {
        action: url,
        method: "GET",
        fields: vec![("Ptkn".into(), token)],
        sensitive: Vec::new(),
        card_entry,
        card_fields: None,
    }));
    Ok(result)
}

/// The result query's answer (PayFlexCPV4 response mapper map3DPayResponseData): `Rc` (or
/// `ResultCode`) `0000` without an `ErrorCode` is a payment — of this order, amount and currency
/// only, since the callback that named the transaction was not signed.
fn parse_query(resp: &ApiResponse) -> Result<ApiResult> {
    let root = resp.xml("")?;
    let get = |path: &str| root.text_at(path).unwrap_or_default();
    let error = get("ErrorCode");
    let code = root.text_at("Rc").or_else(|| root.text_at("ResultCode")).unwrap_or_default();
    if error.is_empty() && code.is_empty() {
        return Err(bad("no Rc, ResultCode or ErrorCode"));
    }
    let mut result = ApiResult {
        reason: None,
        outcome: Outcome::Declined,
        bank: BankStatus {
            code: if error.is_empty() { code.clone() } else { error.clone() },
            message: root.text_at("Message").or_else(|| root.text_at("ResponseMessage")).unwrap_or_default(),
            md_status: None,
            error_code: error.clone(),
        },
        references: StrMap::new(),
        order_status: Some(OrderStatus { state: "declined", ..OrderStatus::default() }),
        next: None,
    };
    if !(error.is_empty() && code == APPROVED) {
        return Ok(result);
    }
    if get("OrderID") != resp.context_str("order_id")? {
        return Err(bad("the answer is for another order"));
    }
    let currency = Currency::find(resp.context_str("currency")?)?;
    if get("AmountCode") != currency.code(crate::money::CurrencyStyle::Numeric3).unwrap_or_default() {
        return Err(bad("the answer is in another currency"));
    }
    // The bank writes `1,01` here (Turkish notation).
    let amount = parse_bank_amount(&get("Amount"), currency, false);
    if amount.is_none() || amount != parse_bank_amount(resp.context_str("amount")?, currency, false) {
        return Err(bad("the answer is for another amount"));
    }
    let state = if get("TransactionType") == "Auth" { "pending" } else { "paid" };
    result.outcome = Outcome::Approved;
    result.references = collect_references(
        &[
            ("order_id", "OrderID"),
            ("transaction_id", "TransactionId"),
            ("auth_code", "AuthCode"),
            ("host_ref", "Rrn"),
            ("payment_token", "PaymentToken"),
        ],
        &get,
    );
    result.order_status =
        Some(OrderStatus { state, amount, captured: amount.filter(|_| state == "paid"), refunded: None });
    Ok(result)
}

impl Gateway for PayFlexCp {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        let account = req.account;
        let card_entry = account.check_model(req.model)?;
        check_id(&req.order.id)?;
        let creds = &account.credentials;
        let order = &req.order;
        let password = creds.get("password")?;
        let mut pairs = vec![
            ("HostMerchantId", creds.get("merchant_id")?.to_string()),
            ("MerchantPassword", password.to_string()),
            ("HostTerminalId", creds.get("terminal_id")?.to_string()),
            ("TransactionType", tx_type(order.tx_type).to_string()),
            ("AmountCode", currency_code(order)?),
            ("Amount", order.amount.decimal()),
            ("OrderID", order.id.clone()),
            ("IsSecure", "true".into()),
            ("AllowNotEnrolledCard", "false".into()),
            ("SuccessUrl", req.ok_url.clone()),
            ("FailUrl", req.fail_url.clone()),
            ("RequestLanguage", if req.lang == Lang::Tr { "tr-TR" } else { "en-US" }.into()),
            ("Extract", String::new()),
            ("CustomItems", String::new()),
        ];
        let mut sensitive = vec![password];
        if card_entry == CardEntry::Server {
            let card = req.card.as_ref().ok_or_else(|| Error::new(Code::RequestMissingField).at("card"))?;
            pairs.extend(brand_code(card).map(|code| ("BrandNumber", code.to_string())));
            pairs.extend([
                ("CVV", card.cvv.clone()),
                ("PAN", card.pan.digits().to_string()),
                ("ExpireMonth", card.expiry.mm()),
                // Four digits, as in the bank's document and its own echo (`2024`).
                ("ExpireYear", card.expiry.yyyy()),
            ]);
            if !card.holder.is_empty() {
                pairs.push(("CardHoldersName", card.holder.clone()));
            }
            sensitive.extend([card.pan.digits(), card.cvv.as_str()]);
        }
        if order.installments > 1 {
            pairs.push(("InstallmentCount", order.installments.to_string()));
        }
        let mut context = payflex::context(&req.regular_request(), "register");
        context.insert("model".into(), req.model.id().into());
        Ok(Step::Http(form_call(account.endpoint("cp_register")?, &pairs, &sensitive, context)))
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        req.account.check_model(req.model)?;
        let post = &req.post;
        // The return (a GET) is not signed and only names the transaction to query.
        let code = post.text("Rc");
        let mut verdict = Verdict::rejected(
            SignatureCheck::NotSigned,
            bad("not a Common Payment return (no TransactionId or PaymentToken)"),
        );
        verdict.bank = BankStatus {
            code: code.clone(),
            message: post.text("Message"),
            md_status: None,
            error_code: post.text("ErrorCode"),
        };
        verdict.masked_pan = post.opt_text("MaskedPan").and_then(masked_pan);
        if !code.is_empty() && code != APPROVED {
            // A refusal leaves the order unpaid whoever sent it.
            (verdict.outcome, verdict.reason) = (Outcome::Declined, Some(Error::new(Code::BankDeclined)));
            return Ok(verdict);
        }
        if post.bytes("TransactionId").is_empty() && post.bytes("PaymentToken").is_empty() {
            return Ok(verdict);
        }
        (verdict.outcome, verdict.reason) = (Outcome::NeedsStatus, None);
        verdict.next = Some(Step::Http(self.api_request(&req.follow_up(Operation::Status))?));
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        req.account.check_operation(req.operation)?;
        if req.operation == Operation::Status {
            if let Some(call) = cp_query(req)? {
                return Ok(call);
            }
        }
        payflex::vpos_call(req)
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        resp.operation()?;
        match resp.context.get("step").and_then(Value::as_str) {
            Some("register") => parse_register(resp),
            Some("cp_query") => parse_query(resp),
            _ => payflex::parse_vpos(resp),
        }
    }

    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed> {
        if kind != "payflex_cp_hash" {
            return Err(Error::new(Code::SignatureUnknownKind).at("kind"));
        }
        let request = inputs.object("request")?;
        let post = RawPost::from_json(request.map(), request.path())?;
        let plaintext = |password: &[u8]| {
            let mut text = post.concat(["HostMerchantId", "AmountCode", "Amount"], "");
            text.extend_from_slice(password);
            text.extend_from_slice(b"VBank3DPay2014");
            text
        };
        Ok(Computed {
            value: hash(Digest::Sha1, Encoding::Base64, &plaintext(post.bytes("MerchantPassword"))),
            input_masked: text::decode_text(&plaintext(b"***")),
        })
    }
}

#[cfg(test)]
mod tests;
