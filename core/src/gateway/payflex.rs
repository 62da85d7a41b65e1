//! VakıfBank PayFlex MPI + VPOS 7/24 (İnnova PayFlex v4), also Ziraat's and İşbank's PayFlex
//! terminals. docs/pos-protocols.md §7. The VPOS request builders and answer readers here also
//! serve Common Payment's after-sale operations (`payflex_cp`).
//!
//! Nothing is signed: the merchant password travels in clear over TLS. 3D: the server posts the
//! enrollment (card included) to the MPI, whose `VERes` answer yields the browser form to the ACS;
//! the bank's POST back is not signed, so it never approves anything — the VPOS provision answer
//! does, and that provision needs the card again (`card` in `callback.verify`, API.md).

use super::text::urlencode_pairs;
use super::xml::Element;
use super::*;
use crate::card::Detection;

pub struct PayFlex;

/// Credentials both PayFlex families use (the same VPOS merchant).
pub(super) const MERCHANT_ID: CredentialField = CredentialField {
    id: "merchant_id",
    label_en: "Merchant number (MerchantId / HostMerchantId)",
    label_tr: "Üye işyeri numarası (MerchantId / HostMerchantId)",
    secret: false,
    required: true,
    choices: &[],
};
pub(super) const PASSWORD: CredentialField = CredentialField {
    id: "password",
    label_en: "Merchant password",
    label_tr: "Üye işyeri şifresi",
    secret: true,
    required: true,
    choices: &[],
};
pub(super) const TERMINAL_ID: CredentialField = CredentialField {
    id: "terminal_id",
    label_en: "Terminal number (TerminalNo, VP…)",
    label_tr: "Terminal numarası (TerminalNo, VP…)",
    secret: false,
    required: true,
    choices: &[],
};

/// VakıfBank's VPOS and its search service (config/pos_test.php, pos_production.php).
pub(super) const VAKIFBANK_API: Endpoint = Endpoint {
    id: "api",
    test: "https://onlineodemetest.vakifbank.com.tr:4443/VposService/v3/Vposreq.aspx",
    live: "https://onlineodeme.vakifbank.com.tr:4443/VposService/v3/Vposreq.aspx",
};
pub(super) const VAKIFBANK_SEARCH: Endpoint = Endpoint {
    id: "search",
    test: "https://onlineodemetest.vakifbank.com.tr:4443/UIService/Search.aspx",
    live: "https://onlineodeme.vakifbank.com.tr:4443/UIService/Search.aspx",
};

static INFO: GatewayInfo = GatewayInfo {
    id: "payflex",
    name: "VakıfBank PayFlex MPI + VPOS",
    models: &[(Model::ThreeD, CardEntry::Server), (Model::Regular, CardEntry::Server)],
    operations: Operation::ALL,
    credentials: &[
        MERCHANT_ID,
        PASSWORD,
        TERMINAL_ID,
        CredentialField { id: "mpi_password", label_en: "MPI password, when the bank gave one apart from the VPOS password", label_tr: "MPI şifresi (banka VPOS şifresinden ayrı verdiyse)", secret: true, required: false, choices: &[] },
        CredentialField { id: "merchant_type", label_en: "Merchant type (0 standard, 1 main dealer, 2 sub dealer)", label_tr: "İşyeri tipi (0 standart, 1 ana bayi, 2 alt bayi)", secret: false, required: false, choices: &["0", "1", "2"] },
        CredentialField { id: "sub_merchant_id", label_en: "Sub dealer number (merchant type 2)", label_tr: "Alt bayi numarası (işyeri tipi 2)", secret: false, required: false, choices: &[] },
    ],
    endpoints: &[
        Endpoint { id: "gate_mpi", test: "", live: "" },
        Endpoint { id: "api", test: "", live: "" },
        Endpoint { id: "search", test: "", live: "" },
    ],
    presets: &[
        Preset { id: "payflex", name: "PayFlex (other bank: set the endpoints)", gateway: "payflex", endpoints: &[], note: "" },
        Preset {
            id: "vakifbank",
            name: "VakıfBank (PayFlex MPI + VPOS 7/24)",
            gateway: "payflex",
            endpoints: &[
                Endpoint { id: "gate_mpi", test: "https://3dsecuretest.vakifbank.com.tr:4443/MPIAPI/MPI_Enrollment.aspx", live: "https://3dsecure.vakifbank.com.tr:4443/MPIAPI/MPI_Enrollment.aspx" },
                VAKIFBANK_API,
                VAKIFBANK_SEARCH,
            ],
            note: "3D payments need the card again after the bank's return (see the API reference); payflex_cp (Common Payment, card typed at the bank) avoids that.",
        },
        Preset {
            id: "ziraat_payflex",
            name: "Ziraat Bankası (PayFlex)",
            gateway: "payflex",
            endpoints: &[
                Endpoint { id: "gate_mpi", test: "https://preprod.payflex.com.tr/ZiraatBank/MpiWeb/Enrollment.aspx", live: "https://mpi.ziraatbank.com.tr/Enrollment.aspx" },
                Endpoint { id: "api", test: "https://preprod.payflex.com.tr/Ziraatbank/VposWeb/v3/Vposreq.aspx", live: "https://sanalpos.ziraatbank.com.tr/v4/v3/Vposreq.aspx" },
                Endpoint { id: "search", test: "https://preprod.payflex.com.tr/ZIRAATBANK/UIWebService/Search.aspx", live: "https://sanalpos.ziraatbank.com.tr/v4/UIWebService/Search.aspx" },
            ],
            note: "The test MPI and search addresses follow a third-party reading of Innova's Ziraat document; mewebstudio/pos uses …/MpiWeb/MPI_Enrollment.aspx. Ziraat may give separate MPI and VPOS passwords (set mpi_password).",
        },
        Preset {
            id: "isbank_payflex",
            name: "Türkiye İş Bankası (PayFlex)",
            gateway: "payflex",
            endpoints: &[
                Endpoint { id: "gate_mpi", test: "https://sanalpos.innova.com.tr/ISBANK/MpiWeb/Enrollment.aspx", live: "https://mpi.vpos.isbank.com.tr/Enrollment.aspx" },
                Endpoint { id: "api", test: "https://sanalpos.innova.com.tr/ISBANK/VposWeb/v3/Vposreq.aspx", live: "https://trx.vpos.isbank.com.tr/v3/Vposreq.aspx" },
            ],
            note: "Addresses from a public third-party integration (EticSoft), not from the bank: confirm them with İşbank. No search address is known: set endpoints.search for status queries.",
        },
    ],
    signature_kinds: &[],
    max_order_id: MAX_ORDER_ID,
};

/// VakıfBank's rule for order ids: letters, digits and `-`, at most 40 (Common Payment document,
/// result code 0097 and the OrderId field).
pub(super) const MAX_ORDER_ID: usize = 40;

pub(super) fn check_id(id: &str) -> Result<()> {
    check_order_id(id, MAX_ORDER_ID)?;
    if id.contains('_') {
        return Err(Error::new(Code::OrderInvalidId).at("order.id").detail("letters, digits and - only"));
    }
    Ok(())
}

/// JPY is left out: the library formats every amount with two decimals, the yen has none.
const CURRENCIES: &[&str] = &["TRY", "USD", "EUR", "GBP", "RUB"];

pub(super) fn currency_code(order: &Order) -> Result<String> {
    numeric_currency(order.currency(), CURRENCIES)
}

/// `BrandName` (MPI) and `BrandNumber` (Common Payment) per card scheme (PayFlexV4 request mapper).
const BRANDS: &[(&str, &str)] = &[("visa", "100"), ("mastercard", "200"), ("troy", "300"), ("amex", "400")];

pub(super) fn brand_code(card: &CardData) -> Option<&'static str> {
    let Detection::Brand(brand) = card.pan.detect_brand() else { return None };
    BRANDS.iter().find(|(id, _)| *id == brand.id()).map(|(_, code)| *code)
}

pub(super) fn tx_type(tx: TxType) -> &'static str {
    match tx {
        TxType::Sale => "Sale",
        TxType::PreAuth => "Auth",
    }
}

/// A card number as the bank echoed it: masked here when the bank sent it in full (PayFlex MPI
/// callbacks post `Pan` unmasked in the library's real samples).
pub(super) fn masked_pan(text: String) -> Option<String> {
    match Pan::normalize(&text) {
        Ok(pan) if pan.len() >= 12 => Some(pan.masked()),
        _ => text.contains('*').then_some(text),
    }
}

/// The context of every PayFlex call: the shared one plus the amount and which answer to expect.
pub(super) fn context(req: &ApiRequest, step: &str) -> Map<String, Value> {
    let mut context = req.context();
    context.insert("amount".into(), req.order.amount.decimal().into());
    if !step.is_empty() {
        context.insert("step".into(), step.into());
    }
    context
}

/// A form-urlencoded POST (MPI enrollment, Common Payment, and the VPOS `prmstr=<xml>`).
pub(super) fn form_call(
    url: String,
    pairs: &[(&str, String)],
    sensitive: &[&str],
    context: Map<String, Value>,
) -> HttpCall {
    let body = urlencode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    HttpCall::new(url, "application/x-www-form-urlencoded", body.into_bytes(), sensitive, context)
}

fn prmstr(
    url: String,
    doc: Element,
    declaration: Option<&str>,
    sensitive: &[String],
    context: Map<String, Value>,
) -> HttpCall {
    let sensitive: Vec<&str> = sensitive.iter().map(String::as_str).collect();
    form_call(url, &[("prmstr", doc.to_xml(declaration))], &sensitive, context)
}

/// An address the bank sends the shopper's browser to (ACS, Common Payment page).
pub(super) fn is_page_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The 3D callback's status, as the MPI result classes of §0.2 (Y full, A attempt, else failed).
fn md_equivalent(status: &str) -> &'static str {
    match status {
        "Y" => "1",
        "A" => "4",
        _ => "0",
    }
}

/// A VPOS request (`VposRequest` in `prmstr`) or, for `status`, a `SearchRequest` to the search
/// service (PayFlexV4 request mapper and serializer; Common Payment document §8–9).
pub(super) fn vpos_call(req: &ApiRequest) -> Result<HttpCall> {
    let account = req.account;
    let order = &req.order;
    check_id(&order.id)?;
    let creds = &account.credentials;
    let (merchant_id, password) = (creds.get("merchant_id")?, creds.get("password")?);
    let mut sensitive = vec![password.to_string()];
    if req.operation == Operation::Status {
        let transaction_id = req.references.get("transaction_id").map_or("", String::as_str);
        let doc = Element::new("SearchRequest")
            .child(
                Element::new("MerchantCriteria").leaf("HostMerchantId", merchant_id).leaf("MerchantPassword", password),
            )
            .child(
                Element::new("TransactionCriteria")
                    .leaf("TransactionId", transaction_id)
                    .leaf("OrderId", order.id.as_str())
                    .leaf("AuthCode", ""),
            );
        return Ok(prmstr(account.endpoint("search")?, doc, Some("UTF-8"), &sensitive, context(req, "search")));
    }
    let ip = req.customer.ip.as_str();
    let doc = Element::new("VposRequest").leaf("MerchantId", merchant_id).leaf("Password", password);
    let doc = match req.operation {
        Operation::Provision | Operation::Sale | Operation::PreAuth => {
            let tx = match req.operation {
                Operation::Sale => TxType::Sale,
                Operation::PreAuth => TxType::PreAuth,
                _ => order.tx_type,
            };
            let mut doc = doc.leaf("TerminalNo", creds.get("terminal_id")?).leaf("TransactionType", tx_type(tx));
            let post = if req.operation == Operation::Provision { Some(provision_callback(req)?) } else { None };
            if post.is_some() {
                doc = doc.leaf("TransactionId", order.id.as_str());
            }
            doc = doc
                .leaf("OrderId", order.id.as_str())
                .leaf("CurrencyAmount", order.amount.decimal())
                .leaf("CurrencyCode", currency_code(order)?);
            if let Some(post) = post {
                doc = doc
                    .leaf("ECI", post.text("Eci"))
                    .leaf("CAVV", post.text("Cavv"))
                    .leaf("MpiTransactionId", post.text("VerifyEnrollmentRequestId"));
            }
            let card = req.card()?;
            sensitive.extend([card.pan.digits().to_string(), card.cvv.clone()]);
            doc = doc
                .leaf("ClientIp", ip)
                .leaf("TransactionDeviceSource", "0")
                .leaf("Pan", card.pan.digits())
                .leaf("Expiry", card.expiry.yyyy() + &card.expiry.mm())
                .leaf("Cvv", card.cvv.as_str());
            if !card.holder.is_empty() {
                doc = doc.leaf("CardHoldersName", card.holder.as_str());
            }
            if order.installments > 1 {
                doc = doc.leaf("NumberOfInstallments", order.installments.to_string());
            }
            doc
        }
        Operation::Capture => doc
            .leaf("TerminalNo", creds.get("terminal_id")?)
            .leaf("TransactionType", "Capture")
            .leaf("ReferenceTransactionId", req.reference("transaction_id")?)
            .leaf("CurrencyAmount", order.amount.decimal())
            .leaf("CurrencyCode", currency_code(order)?)
            .leaf("ClientIp", ip),
        Operation::Refund => doc
            .leaf("TransactionType", "Refund")
            .leaf("ReferenceTransactionId", req.reference("transaction_id")?)
            .leaf("ClientIp", ip)
            .leaf("CurrencyAmount", order.amount.decimal()),
        _ => doc
            .leaf("TransactionType", "Cancel")
            .leaf("ReferenceTransactionId", req.reference("transaction_id")?)
            .leaf("ClientIp", ip),
    };
    Ok(prmstr(account.endpoint("api")?, doc, None, &sensitive, context(req, "")))
}

/// The 3D callback a provision continues: authenticated (`Y`, or `A` half-secure) and naming its
/// MPI transaction.
fn provision_callback<'r>(req: &'r ApiRequest) -> Result<&'r RawPost> {
    let post = req.post()?;
    if !matches!(post.text("Status").as_str(), "Y" | "A") {
        return Err(Error::new(Code::RequestInvalidValue).at("post.Status").detail("Y or A (3D authenticated)"));
    }
    if post.bytes("VerifyEnrollmentRequestId").is_empty() {
        return Err(Error::new(Code::RequestMissingField).at("post.VerifyEnrollmentRequestId"));
    }
    Ok(post)
}

/// Reads a VPOS answer (`VposResponse`) or a search answer (`SearchResponse`).
pub(super) fn parse_vpos(resp: &ApiResponse) -> Result<ApiResult> {
    if resp.context.get("step").and_then(Value::as_str) == Some("search") {
        return parse_search(resp);
    }
    let root = resp.xml("VposResponse")?;
    let get = |path: &str| root.text_at(path).unwrap_or_default();
    let code = get("ResultCode");
    if code.is_empty() {
        return Err(Error::new(Code::BankBadResponse).detail("no ResultCode"));
    }
    resp.check_order_id(&get("OrderId"))?;
    let approved = code == "0000";
    let references = if approved { references(&get) } else { StrMap::new() };
    Ok(ApiResult {
        reason: None,
        outcome: if approved { Outcome::Approved } else { Outcome::Declined },
        bank: BankStatus {
            message: root.text_at("ResultDetail").or_else(|| root.text_at("ResultDescription")).unwrap_or_default(),
            code,
            ..BankStatus::default()
        },
        references,
        order_status: None,
        next: None,
    })
}

fn references(get: &dyn Fn(&str) -> String) -> StrMap {
    collect_references(
        &[("order_id", "OrderId"), ("transaction_id", "TransactionId"), ("auth_code", "AuthCode"), ("host_ref", "Rrn")],
        get,
    )
}

/// A search answer (PayFlexV4 response mapper mapStatusResponse): `ResponseInfo` says whether the
/// query ran, the first `TransactionSearchResultInfo` is the order's transaction. `approved` only
/// when the order is paid or pre-authorised, so that a status answer never reads as a payment that
/// is not there.
fn parse_search(resp: &ApiResponse) -> Result<ApiResult> {
    let root = resp.xml("SearchResponse")?;
    let code = root.text_at("ResponseInfo/ResponseCode").unwrap_or_default();
    if code.is_empty() {
        return Err(Error::new(Code::BankBadResponse).detail("no ResponseInfo/ResponseCode"));
    }
    let mut result = ApiResult {
        reason: None,
        outcome: Outcome::Error,
        bank: BankStatus {
            code,
            message: root.text_at("ResponseInfo/ResponseMessage").unwrap_or_default(),
            ..BankStatus::default()
        },
        references: StrMap::new(),
        order_status: None,
        next: None,
    };
    if result.bank.code != "0000" {
        return Ok(result);
    }
    result.outcome = Outcome::Declined;
    let Some(info) = root.find("TransactionSearchResultInfo/TransactionSearchResultInfo") else {
        result.order_status = Some(OrderStatus { state: "unknown", ..OrderStatus::default() });
        return Ok(result);
    };
    let get = |path: &str| info.text_at(path).unwrap_or_default();
    resp.check_order_id(&get("OrderId"))?;
    let currency = Currency::find(resp.context_str("currency")?)?;
    let amount_code = get("AmountCode");
    if !amount_code.is_empty() && Some(amount_code) != currency.code(crate::money::CurrencyStyle::Numeric3) {
        return Err(Error::new(Code::BankBadResponse).detail("the answer is in another currency"));
    }
    let amount = parse_bank_amount(&get("CurrencyAmount"), currency, false);
    let state = if get("ResultCode") != "0000" {
        "declined"
    } else if get("IsCanceled") == "true" || get("IsReversed") == "true" {
        "cancelled"
    } else if get("IsRefunded") == "true" {
        "refunded"
    } else if get("TransactionType") == "Auth" {
        "pending"
    } else {
        "paid"
    };
    if matches!(state, "paid" | "pending") {
        result.outcome = Outcome::Approved;
        result.references = references(&get);
    }
    result.bank.error_code = get("HostResultCode");
    result.order_status =
        Some(OrderStatus { state, amount, captured: amount.filter(|_| state == "paid"), refunded: None });
    Ok(result)
}

/// The MPI's `VERes` (root `IPaySecure`): `Y` → the browser form to the ACS; `N` (card not
/// enrolled) → declined; `U`, `E` → error, with `MessageErrorCode`/`ErrorMessage` (or
/// `ResultDetail/ErrorCode`/`ErrorMessage`) as the bank status.
fn parse_enrollment(resp: &ApiResponse) -> Result<ApiResult> {
    let root = resp.xml("IPaySecure")?;
    let get = |paths: &[&str]| paths.iter().find_map(|p| root.text_at(p).filter(|t| !t.is_empty())).unwrap_or_default();
    let status = get(&["Message/VERes/Status"]);
    let mut result = ApiResult {
        reason: None,
        outcome: Outcome::Error,
        bank: BankStatus {
            code: get(&["MessageErrorCode", "ResultDetail/ErrorCode"]),
            message: get(&["ErrorMessage", "ResultDetail/ErrorMessage"]),
            md_status: Some(status.clone()),
            error_code: String::new(),
        },
        references: StrMap::new(),
        order_status: None,
        next: None,
    };
    match status.as_str() {
        "Y" => {
            let acs = get(&["Message/VERes/ACSUrl"]);
            let pareq = get(&["Message/VERes/PaReq"]);
            if !is_page_url(&acs) || pareq.is_empty() {
                return Err(Error::new(Code::BankBadResponse).detail("VERes Y without an ACSUrl and PaReq"));
            }
            let fields =
                [("PaReq", pareq), ("TermUrl", get(&["Message/VERes/TermUrl"])), ("MD", get(&["Message/VERes/MD"]))];
            result.outcome = Outcome::NeedsProvision;
            result.next = Some(Step::Form(Form {
                action: acs,
                method: "POST",
                fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                sensitive: Vec::new(),
                card_entry: CardEntry::Server,
                card_fields: None,
            }));
        }
        "N" => result.outcome = Outcome::Declined,
        "U" | "E" => {}
        _ => return Err(Error::new(Code::BankBadResponse).detail("no VERes Status")),
    }
    Ok(result)
}

impl Gateway for PayFlex {
    fn info(&self) -> &'static GatewayInfo {
        &INFO
    }

    /// The VPOS provision carries `Pan`, `Expiry` and `Cvv` again (see `callback.verify`'s `card`).
    fn card_again(&self, model: Model) -> bool {
        model == Model::ThreeD
    }

    fn prepare(&self, req: &PaymentRequest) -> Result<Step> {
        let account = req.account;
        account.check_model(req.model)?;
        check_id(&req.order.id)?;
        let api = req.regular_request();
        if req.model == Model::Regular {
            return self.api_request(&api).map(Step::Http);
        }
        let creds = &account.credentials;
        let order = &req.order;
        let card = api.card()?;
        let password = match creds.opt("mpi_password") {
            Some(p) => p,
            None => creds.get("password")?,
        };
        let merchant_type = creds.opt("merchant_type").unwrap_or("0");
        let mut pairs = vec![
            ("MerchantId", creds.get("merchant_id")?.to_string()),
            ("MerchantPassword", password.to_string()),
            ("MerchantType", merchant_type.to_string()),
            ("PurchaseAmount", order.amount.decimal()),
            ("VerifyEnrollmentRequestId", req.nonce(32)?),
            ("Currency", currency_code(order)?),
            ("SuccessUrl", req.ok_url.clone()),
            ("FailureUrl", req.fail_url.clone()),
            ("Pan", card.pan.digits().to_string()),
            ("ExpiryDate", card.expiry.yy() + &card.expiry.mm()),
        ];
        pairs.extend(brand_code(card).map(|code| ("BrandName", code.to_string())));
        pairs.push(("IsRecurring", "false".into()));
        // VakıfBank refuses 0 and 1 (mewebstudio/pos #123): the field is for 2 or more only.
        if order.installments > 1 {
            pairs.push(("InstallmentCount", order.installments.to_string()));
        }
        if merchant_type == "2" {
            pairs.push(("SubMerchantId", creds.get("sub_merchant_id")?.to_string()));
        }
        let call = form_call(
            account.endpoint("gate_mpi")?,
            &pairs,
            &[password, card.pan.digits()],
            context(&api, "enrollment"),
        );
        Ok(Step::Http(call))
    }

    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict> {
        req.account.check_model(req.model)?;
        let post = &req.post;
        // Nothing is signed: the fields below only decide whether a provision is worth sending.
        let status = post.text("Status");
        if status.is_empty() || post.bytes("VerifyEnrollmentRequestId").is_empty() {
            return Ok(Verdict::rejected(
                SignatureCheck::NotSigned,
                Error::new(Code::BankBadResponse)
                    .detail("not a PayFlex MPI callback (no Status or VerifyEnrollmentRequestId)"),
            ));
        }
        let mut verdict = Verdict {
            signature: SignatureCheck::NotSigned,
            outcome: Outcome::Error,
            reason: None,
            bank: BankStatus {
                code: post.text("ErrorCode"),
                message: post.text("ErrorMessage"),
                md_status: Some(status.clone()),
                error_code: String::new(),
            },
            references: StrMap::new(),
            masked_pan: post.opt_text("Pan").and_then(masked_pan),
            next: None,
        };
        // The bank echoes what it authenticated (PurchAmount in minor units: 101 for 1.01).
        let expected = &req.expected;
        let currency = expected.amount.currency();
        let mismatch = if post.contains("PurchAmount") {
            check_amount(parse_bank_amount(&post.text("PurchAmount"), currency, true), expected).err()
        } else {
            None
        };
        let posted_currency = post.text("PurchCurrency");
        let posted_installments = post.text("InstallmentCount");
        let mismatch = mismatch
            .or_else(|| {
                (!posted_currency.is_empty()
                    && Some(posted_currency) != currency.code(crate::money::CurrencyStyle::Numeric3))
                .then(|| Error::new(Code::CallbackCurrencyMismatch))
            })
            .or_else(|| {
                let posted = posted_installments.parse::<u32>().unwrap_or(0).max(1);
                (!posted_installments.is_empty() && expected.installments.is_some_and(|n| n.max(1) != posted))
                    .then(|| Error::new(Code::CallbackInstallmentsMismatch))
            });
        if mismatch.is_some() {
            verdict.reason = mismatch;
            return Ok(verdict);
        }
        if let Some((outcome, reason)) = md_gate(md_equivalent(&status), req.accept_half_secure) {
            (verdict.outcome, verdict.reason) = (outcome, Some(reason));
            return Ok(verdict);
        }
        verdict.outcome = Outcome::NeedsProvision;
        if req.card.is_some() {
            verdict.next = Some(Step::Http(self.api_request(&req.follow_up(Operation::Provision))?));
        }
        Ok(verdict)
    }

    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall> {
        req.account.check_operation(req.operation)?;
        vpos_call(req)
    }

    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult> {
        resp.operation()?;
        if resp.context.get("step").and_then(Value::as_str) == Some("enrollment") {
            return parse_enrollment(resp);
        }
        parse_vpos(resp)
    }

    fn signature(&self, _kind: &str, _inputs: &Input) -> Result<Computed> {
        // MPI and VPOS messages carry no signature.
        Err(Error::new(Code::SignatureUnknownKind).at("kind"))
    }
}

#[cfg(test)]
mod tests;
