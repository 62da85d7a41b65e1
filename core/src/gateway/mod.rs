//! Bank gateways. One module per protocol family behind [`Gateway`]; a bank is a [`Preset`]
//! (its endpoints) over a family. Like a sans-IO protocol core, a gateway never performs I/O: it
//! turns orders into signed forms and HTTP requests ([`Step`]), and bank callbacks and answers
//! into verdicts. The host (PHP plugin, Node, the bank simulator) sends the bytes.
//!
//! The flow every family fits:
//! `prepare` → a browser [`Form`] (3D gate) or an [`HttpCall`] (non-3D sale, or a first
//! server-to-server step) → the bank's callback → `verify_callback` → maybe a provision
//! [`HttpCall`] → `parse` of the bank's answer → outcome. `parse` may itself return the next step
//! (POSNET's two-step 3D flow, KuveytTürk's enrollment answered with the ACS page as a [`Form`]),
//! and every call carries an opaque `context` that the host hands back with the answer.

pub mod crypto;
pub mod html;
pub mod natsort;
pub mod text;
pub mod xml;

mod akbank;
mod garanti;
mod interpos;
mod iyzico;
mod kuveyt;
mod nestpay;
mod param;
mod payflex;
mod payflex_cp;
mod payfor;
mod paytr;
mod posnet;
mod posnet_v1;
mod tosla;

use crate::api::Input;
use crate::card::{Expiry, Pan};
use crate::date::DateTime;
use crate::error::{Code, Error, Lang, Result};
use crate::money::{Currency, Money};
use serde_json::{Map, Value};
pub use text::RawPost;

/// Every family, in the order `gateways.list` shows them.
#[rustfmt::skip]
pub static GATEWAYS: &[&dyn Gateway] = &[
    &nestpay::NestPay,
    &garanti::Garanti,
    &akbank::Akbank,
    &posnet::PosNet,
    &posnet_v1::PosNetV1,
    &payfor::PayFor,
    &interpos::InterPos,
    &kuveyt::Boa::Kuveyt,
    &kuveyt::Boa::VakifKatilim,
    &payflex::PayFlex,
    &payflex_cp::PayFlexCp,
    &param::Param,
    &tosla::Tosla,
    &paytr::PayTr,
    &iyzico::Iyzico,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Test,
    Live,
}

impl Environment {
    pub const IDS: &'static [&'static str] = &["test", "live"];

    pub fn parse(s: &str) -> Option<Environment> {
        match s {
            "test" => Some(Environment::Test),
            "live" => Some(Environment::Live),
            _ => None,
        }
    }
}

/// Payment models (docs/pos-protocols.md §0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// The bank authenticates; the merchant provisions server-to-server afterwards.
    ThreeD,
    /// The bank authenticates and charges; the callback carries the payment result.
    ThreeDPay,
    /// The card is typed on the bank's page; the bank authenticates (and, per family, charges).
    ThreeDHost,
    /// NestPay: 3D Pay on the bank's hosted page.
    ThreeDPayHosting,
    /// Server-to-server sale with card data, no 3D Secure.
    Regular,
}

impl Model {
    pub const ALL: &'static [Model] =
        &[Model::ThreeD, Model::ThreeDPay, Model::ThreeDHost, Model::ThreeDPayHosting, Model::Regular];

    pub fn id(self) -> &'static str {
        match self {
            Model::ThreeD => "3d",
            Model::ThreeDPay => "3d_pay",
            Model::ThreeDHost => "3d_host",
            Model::ThreeDPayHosting => "3d_pay_hosting",
            Model::Regular => "regular",
        }
    }

    pub fn parse(s: &str) -> Option<Model> {
        Model::ALL.iter().copied().find(|m| m.id() == s)
    }
}

/// Where the card number is entered or added, per model: the plugin prefers models where it
/// never reaches the shop's server (DESIGN.md security rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardEntry {
    /// Typed on the bank's page.
    BankPage,
    /// The signature does not cover the card fields: the browser adds them to the signed form.
    Browser,
    /// The card is part of the signed form or request: it passes through the server, in memory only.
    Server,
}

impl CardEntry {
    pub fn id(self) -> &'static str {
        match self {
            CardEntry::BankPage => "bank_page",
            CardEntry::Browser => "browser",
            CardEntry::Server => "server",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxType {
    Sale,
    PreAuth,
}

impl TxType {
    pub fn parse(s: &str) -> Option<TxType> {
        match s {
            "sale" => Some(TxType::Sale),
            "preauth" => Some(TxType::PreAuth),
            _ => None,
        }
    }
}

/// Server-to-server operations (`api.request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Completes a `3d` payment after the bank's callback.
    Provision,
    /// Non-3D sale with card data.
    Sale,
    /// Non-3D pre-authorisation with card data.
    PreAuth,
    /// Post-authorisation of a pre-authorised amount.
    Capture,
    /// Full or partial refund of a settled payment.
    Refund,
    /// Same-day void.
    Cancel,
    Status,
}

impl Operation {
    pub const ALL: &'static [Operation] = &[
        Operation::Provision,
        Operation::Sale,
        Operation::PreAuth,
        Operation::Capture,
        Operation::Refund,
        Operation::Cancel,
        Operation::Status,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Operation::Provision => "provision",
            Operation::Sale => "sale",
            Operation::PreAuth => "preauth",
            Operation::Capture => "capture",
            Operation::Refund => "refund",
            Operation::Cancel => "cancel",
            Operation::Status => "status",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        Operation::ALL.iter().copied().find(|o| o.id() == s)
    }
}

/// One credential or account setting a family needs, with labels for the settings screen.
pub struct CredentialField {
    pub id: &'static str,
    pub label_en: &'static str,
    pub label_tr: &'static str,
    /// Never shown again once saved, never logged.
    pub secret: bool,
    /// Needed for every model; optional fields (API users for 3D-Pay-only accounts) are checked when used.
    pub required: bool,
    /// Allowed values (empty: free text); the first is the default.
    pub choices: &'static [&'static str],
}

/// A named bank URL, for the test and the live environment ("" when the bank publishes none).
pub struct Endpoint {
    pub id: &'static str,
    pub test: &'static str,
    pub live: &'static str,
}

/// A bank over a family: its own endpoints replace the family defaults with the same id.
pub struct Preset {
    pub id: &'static str,
    pub name: &'static str,
    pub gateway: &'static str,
    pub endpoints: &'static [Endpoint],
    /// Shown to the shop owner (quirks, uncertainty).
    pub note: &'static str,
}

/// A `signature.compute` kind: its id, the inputs it reads and its formula (for the docs).
pub struct SignatureKind {
    pub id: &'static str,
    pub inputs: &'static str,
    pub formula: &'static str,
}

/// What `gateways.list` says about a family.
pub struct GatewayInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub models: &'static [(Model, CardEntry)],
    pub operations: &'static [Operation],
    pub credentials: &'static [CredentialField],
    pub endpoints: &'static [Endpoint],
    pub presets: &'static [Preset],
    pub signature_kinds: &'static [SignatureKind],
    /// Longest order id the family accepts.
    pub max_order_id: usize,
}

/// A handful of strings by name, kept in the order of their names (bank references, credentials,
/// headers): what a `BTreeMap` does for so few entries, without a second `BTreeMap` in the `.wasm`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrMap(Vec<(String, String)>);

impl StrMap {
    pub fn new() -> StrMap {
        StrMap(Vec::new())
    }

    /// Sets `key` to `value`, replacing (and returning) what it held.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(at) => self.0.get_mut(at).map(|(_, v)| std::mem::replace(v, value)),
            Err(at) => {
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        let at = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        self.0.get(at).map(|(_, v)| v)
    }

    /// The entries in the order of their names.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Configured merchant credentials, by [`CredentialField`] id.
#[derive(Debug, Clone, Default)]
pub struct Credentials(StrMap);

impl Credentials {
    pub fn new(map: StrMap) -> Credentials {
        Credentials(map)
    }

    /// A credential that must be present and not empty.
    pub fn get(&self, id: &str) -> Result<&str> {
        match self.0.get(id).map(String::as_str) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(Error::new(Code::CredentialsMissing).at(format!("credentials.{id}"))),
        }
    }

    pub fn opt(&self, id: &str) -> Option<&str> {
        self.0.get(id).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Every secret value, for masking logs.
    pub fn secrets<'a>(&'a self, fields: &'a [CredentialField]) -> impl Iterator<Item = &'a str> + 'a {
        fields.iter().filter(|f| f.secret).filter_map(|f| self.opt(f.id))
    }
}

/// A merchant account: family, bank preset, environment, credentials and endpoint overrides (a
/// bank not in the presets, or the local bank simulator).
pub struct Account {
    pub gateway: &'static dyn Gateway,
    pub preset: &'static Preset,
    pub environment: Environment,
    pub credentials: Credentials,
    pub endpoint_overrides: StrMap,
}

impl Account {
    pub fn info(&self) -> &'static GatewayInfo {
        self.gateway.info()
    }

    /// The URL of endpoint `id` for this account's environment.
    pub fn endpoint(&self, id: &str) -> Result<String> {
        if let Some(url) = self.endpoint_overrides.get(id) {
            return Ok(url.clone());
        }
        let pick = |e: &Endpoint| match self.environment {
            Environment::Test => e.test,
            Environment::Live => e.live,
        };
        let url = self
            .preset
            .endpoints
            .iter()
            .chain(self.info().endpoints)
            .find(|e| e.id == id)
            .map(pick)
            .unwrap_or_default();
        if url.is_empty() {
            return Err(Error::new(Code::GatewayEndpointMissing).at(format!("endpoints.{id}")));
        }
        Ok(url.to_string())
    }

    /// Checks that this family offers `model`.
    pub fn check_model(&self, model: Model) -> Result<CardEntry> {
        self.info().models.iter().find(|(m, _)| *m == model).map(|(_, e)| *e).ok_or_else(|| {
            Error::new(Code::GatewayUnsupportedModel).at("model").detail(format!(
                "{} offers {}",
                self.info().id,
                model_list(self.info())
            ))
        })
    }

    pub fn check_operation(&self, op: Operation) -> Result<()> {
        if self.info().operations.contains(&op) {
            Ok(())
        } else {
            Err(Error::new(Code::GatewayUnsupportedOperation).at("operation").detail(op.id()))
        }
    }
}

fn model_list(info: &GatewayInfo) -> String {
    info.models.iter().map(|(m, _)| m.id()).collect::<Vec<_>>().join(", ")
}

/// The order being paid, refunded or queried.
#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub amount: Money,
    /// 1 = single payment.
    pub installments: u32,
    pub tx_type: TxType,
    /// The basket, for providers that show or check it (PayTR, iyzico); empty when not given.
    pub lines: Vec<OrderLine>,
}

impl Order {
    pub fn currency(&self) -> &'static Currency {
        self.amount.currency()
    }
}

/// One line of the basket.
#[derive(Debug, Clone)]
pub struct OrderLine {
    /// The shop's product id (empty when not given).
    pub id: String,
    pub name: String,
    pub unit_price: Money,
    pub quantity: u32,
    /// The shop's category name (empty when not given).
    pub category: String,
    /// Goods to ship, rather than a service or a download.
    pub physical: bool,
}

impl OrderLine {
    /// `unit_price × quantity`.
    pub fn total(&self) -> Result<Money> {
        let minor = self.unit_price.minor().checked_mul(i64::from(self.quantity));
        Money::from_minor(minor.unwrap_or(i64::MAX), self.unit_price.currency())
    }
}

/// The shopper. Beyond `ip`, `email` and `name`, providers that screen the buyer (PayTR, iyzico)
/// want an address and a phone number; fields not given are empty.
#[derive(Debug, Clone, Default)]
pub struct Customer {
    pub ip: String,
    pub email: String,
    pub name: String,
    /// The shop's customer id.
    pub id: String,
    pub phone: String,
    pub address: String,
    pub city: String,
    pub country: String,
    pub postal_code: String,
    /// Turkish national id (TCKN).
    pub identity_number: String,
}

impl Customer {
    /// A field a protocol cannot do without (`ip`, `email`, `name`, `phone`, `address`, `city`, `country`).
    pub fn require(&self, field: &str) -> Result<&str> {
        let value = match field {
            "ip" => &self.ip,
            "email" => &self.email,
            "name" => &self.name,
            "phone" => &self.phone,
            "address" => &self.address,
            "city" => &self.city,
            "country" => &self.country,
            _ => "",
        };
        if value.is_empty() {
            return Err(Error::new(Code::RequestMissingField).at(format!("customer.{field}")));
        }
        Ok(value)
    }
}

/// Card data, present only when the protocol needs it server-side. Lives for one request.
#[derive(Clone)]
pub struct CardData {
    pub pan: Pan,
    pub expiry: Expiry,
    pub cvv: String,
    pub holder: String,
}

impl std::fmt::Debug for CardData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardData({:?})", self.pan)
    }
}

/// Everything `payment.prepare` needs.
pub struct PaymentRequest<'a> {
    pub account: &'a Account,
    pub model: Model,
    pub order: Order,
    pub customer: Customer,
    pub card: Option<CardData>,
    pub ok_url: String,
    pub fail_url: String,
    /// Language of the bank's pages.
    pub lang: Lang,
    pub nonce: Option<&'a str>,
    pub now: Option<DateTime>,
}

impl<'a> PaymentRequest<'a> {
    pub fn nonce(&self, len: usize) -> Result<String> {
        nonce_prefix(self.nonce, len)
    }

    /// The server-to-server sale (or pre-authorisation) that a `regular` payment is.
    pub fn regular_request(&self) -> ApiRequest<'_> {
        ApiRequest {
            account: self.account,
            operation: match self.order.tx_type {
                TxType::Sale => Operation::Sale,
                TxType::PreAuth => Operation::PreAuth,
            },
            order: self.order.clone(),
            references: StrMap::new(),
            card: self.card.as_ref(),
            customer: &self.customer,
            post: None,
            ok_url: &self.ok_url,
            fail_url: &self.fail_url,
            nonce: self.nonce,
            now: self.now,
        }
    }
}

/// The first `len` characters of the caller's nonce (hex, at least `len` long).
pub fn nonce_prefix(nonce: Option<&str>, len: usize) -> Result<String> {
    let n = nonce.ok_or_else(|| Error::new(Code::RequestMissingField).at("nonce"))?;
    n.get(..len).filter(|p| p.bytes().all(|b| b.is_ascii_hexdigit())).map(str::to_string).ok_or_else(|| {
        Error::new(Code::RequestInvalidValue).at("nonce").detail(format!("at least {len} hex characters"))
    })
}

/// The caller's `now`, for protocols that sign a timestamp.
pub fn require_now(now: Option<DateTime>) -> Result<DateTime> {
    now.ok_or_else(|| Error::new(Code::RequestMissingField).at("now"))
}

/// What the host does next.
#[derive(Debug, Clone)]
pub enum Step {
    /// Render an auto-submitting form in the shopper's browser.
    Form(Form),
    /// Send this request server-to-server, then call `api.parse` with the answer and `context`.
    Http(HttpCall),
    /// Send the shopper's browser to `url`; with `embed`, show it in an iframe on the shop's own
    /// page instead (PayTR's iFrame API).
    Redirect { url: String, embed: bool },
    /// Serve this HTML document, unchanged, as the shopper's page: a provider's 3D page that is not a
    /// plain auto-submitting form (ParamPos `UCD_HTML`, whose scripts run the 3DS method frame;
    /// iyzico's `threeDSHtmlContent` when it is more than one form).
    Html(String),
}

#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub method: &'static str,
    /// In order, as the bank's samples post them.
    pub fields: Vec<(String, String)>,
    /// Names of fields holding card data or secrets: never log their values.
    pub sensitive: Vec<String>,
    pub card_entry: CardEntry,
    /// For [`CardEntry::Browser`]: the names under which the browser adds the card.
    pub card_fields: Option<CardFieldNames>,
}

impl Form {
    /// A POST form whose signature leaves the card out. For `CardEntry::Browser` it names the card
    /// fields for the browser, and carries the card itself when the server holds it anyway (no
    /// browser step), those fields then marked sensitive.
    pub fn post(
        action: String,
        mut fields: Vec<(String, String)>,
        card_entry: CardEntry,
        card_fields: CardFieldNames,
        card: Option<&CardData>,
    ) -> Form {
        let mut sensitive = Vec::new();
        let browser = card_entry == CardEntry::Browser;
        if let (true, Some(card)) = (browser, card) {
            for (name, value) in card_fields.values(card) {
                fields.push((name.into(), value));
                sensitive.push(name.into());
            }
        }
        Form { action, method: "POST", fields, sensitive, card_entry, card_fields: browser.then_some(card_fields) }
    }

    /// A GET form that opens `url` in the shopper's browser: its query string becomes the fields (a
    /// GET submission replaces the action's query with the fields). For bank pages handed over as
    /// an address (ParamPos `UCD_URL`, Tosla's 3D host page).
    pub fn get(url: &str, card_entry: CardEntry) -> Result<Form> {
        let url = url.split('#').next().unwrap_or_default();
        let (action, query) = url.split_once('?').unwrap_or((url, ""));
        let query = RawPost::from_urlencoded(query, "url")?;
        let fields = query.iter().map(|(k, v)| (k.to_string(), text::decode_text(v))).collect();
        Ok(Form { action: action.into(), method: "GET", fields, sensitive: Vec::new(), card_entry, card_fields: None })
    }
}

/// Field names and formats for adding card data to a form: in the browser (the card never reaches
/// the shop's server), or on the server when it holds the card anyway.
#[derive(Debug, Clone)]
pub struct CardFieldNames {
    pub number: &'static str,
    /// The expiry fields with their layouts (`MM`, `YY`, `YYYY`): two fields
    /// (`[("Ecom_Payment_Card_ExpDate_Month", "MM"), ("Ecom_Payment_Card_ExpDate_Year", "YY")]`) or
    /// one combined field (`[("Expiry", "MMYY")]`).
    pub expiry: &'static [(&'static str, &'static str)],
    pub cvv: &'static str,
    pub holder: Option<&'static str>,
    /// A field naming the card scheme and the bank's code per brand id (InterPos `CardType`:
    /// `[("visa", "0"), …]`); a brand not listed leaves the field out.
    pub brand: Option<(&'static str, &'static [(&'static str, &'static str)])>,
    /// A field naming the card's program and the provider's code per card family id (PayTR
    /// `card_type`: `[("bankkart", "combo"), …]`), set only for the payments that need it. A
    /// sub-brand without a code of its own takes its parent's (Wings: Axess), as installment plans
    /// do; a family not listed, or none, leaves the field out.
    pub program: Option<(&'static str, &'static [(&'static str, &'static str)])>,
}

/// The code listed for the first of `ids` that has one.
fn code_for<'a>(codes: &[(&str, &'a str)], ids: &[Option<&str>]) -> Option<&'a str> {
    ids.iter().flatten().find_map(|id| codes.iter().find(|(listed, _)| listed == id).map(|(_, code)| *code))
}

impl CardFieldNames {
    /// The card as these fields (number, expiry, CVV, holder, brand, program): what the browser
    /// would add.
    pub fn values(&self, card: &CardData) -> Vec<(&'static str, String)> {
        let e = &card.expiry;
        let mut out = vec![(self.number, card.pan.digits().to_string())];
        for (name, layout) in self.expiry {
            out.push((name, layout.replace("YYYY", &e.yyyy()).replace("YY", &e.yy()).replace("MM", &e.mm())));
        }
        out.push((self.cvv, card.cvv.clone()));
        if let Some(holder) = self.holder {
            out.push((holder, card.holder.clone()));
        }
        let brand = match card.pan.detect_brand() {
            crate::card::Detection::Brand(b) => Some(b.id()),
            _ => None,
        };
        if let Some((name, codes)) = self.brand {
            out.extend(code_for(codes, &[brand]).map(|code| (name, code.to_string())));
        }
        if let Some((name, codes)) = self.program {
            let family = crate::issuer::lookup(card.pan.digits()).family;
            let code = code_for(codes, &[family.map(|f| f.id), family.and_then(|f| f.parent)]);
            out.extend(code.map(|code| (name, code.to_string())));
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct HttpCall {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The exact bytes to send (signatures are over these bytes).
    pub body: Vec<u8>,
    /// The body as text with card data and secrets masked, for logs.
    pub log_body: String,
    /// Opaque state for `api.parse`; the host hands it back unchanged.
    pub context: Map<String, Value>,
}

impl HttpCall {
    /// A call whose log copy has every sensitive value (card data, secrets) masked.
    pub fn new(
        url: String,
        content_type: &str,
        body: Vec<u8>,
        sensitive: &[&str],
        context: Map<String, Value>,
    ) -> HttpCall {
        let mut log_body = text::decode_text(&body);
        for secret in sensitive.iter().filter(|s| !s.is_empty()) {
            // As written in the body: raw, XML-escaped, URL-encoded, or XML inside a form field.
            let escaped = quick_xml::escape::escape(*secret);
            let forms = [secret.to_string(), text::urlencode(secret), text::urlencode(&escaped), escaped.into_owned()];
            let mask = mask_value(secret);
            for (i, form) in forms.iter().enumerate() {
                // Most values read the same in every form: mask each distinct form that occurs.
                let seen = forms.get(..i).is_some_and(|earlier| earlier.contains(form));
                if !seen && log_body.contains(form.as_str()) {
                    log_body = mask_whole_values(&log_body, form, &mask);
                }
            }
        }
        HttpCall {
            method: "POST",
            url,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            log_body,
            context,
        }
    }

    /// A JSON POST: `body` is serialised once, and any signature must cover exactly these bytes
    /// (keys in sorted order: the core's serde_json keeps no insertion order).
    pub fn json(url: String, body: &Value, sensitive: &[&str], context: Map<String, Value>) -> HttpCall {
        HttpCall::new(url, "application/json", crate::json::to_string(body).into_bytes(), sensitive, context)
    }

    /// A SOAP 1.1 call (.NET ASMX style): the envelope in UTF-8 and the `SOAPAction` header naming
    /// the operation (`https://turkpos.com.tr/TP_WMD_UCD`).
    pub fn soap(
        url: String,
        action: &str,
        envelope: &xml::Element,
        sensitive: &[&str],
        context: Map<String, Value>,
    ) -> HttpCall {
        let body = envelope.to_xml(Some("utf-8")).into_bytes();
        HttpCall::new(url, "text/xml; charset=utf-8", body, sensitive, context)
            .header("SOAPAction", format!("\"{action}\""))
    }

    /// Adds a request header (e.g. a signature over the body).
    pub fn header(mut self, name: &str, value: String) -> HttpCall {
        self.headers.push((name.into(), value));
        self
    }
}

/// A JSON object from name–value pairs, for request bodies (compiles smaller than `json!`).
pub fn json_object(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (name, value) in pairs {
        map.insert(name.to_string(), value);
    }
    Value::Object(map)
}

/// Replaces `value` where it is a whole value of the body — between `>` and `<` (XML, also
/// URL-encoded as `%3E`…`%3C` in a form field), `=` and `&` (form), quotes (JSON) or the ends — so
/// that a short secret such as `3` masks itself, not every `3`.
fn mask_whole_values(body: &str, value: &str, mask: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    for (at, _) in body.match_indices(value) {
        let end = at + value.len();
        let (before, after) = (body.get(..at).unwrap_or_default(), body.get(end..).unwrap_or_default());
        let opens = before.chars().next_back().is_none_or(|c| matches!(c, '>' | '=' | '"')) || before.ends_with("%3E");
        let closes = after.chars().next().is_none_or(|c| matches!(c, '<' | '&' | '"')) || after.starts_with("%3C");
        if at >= last && opens && closes {
            out.push_str(body.get(last..at).unwrap_or_default());
            out.push_str(mask);
            last = end;
        }
    }
    out.push_str(body.get(last..).unwrap_or_default());
    out
}

/// A masked copy of a sensitive value for logs: card numbers keep first 6 and last 4.
pub fn mask_value(v: &str) -> String {
    match Pan::normalize(v) {
        Ok(p) if p.len() >= 12 && v.len() == p.len() => p.masked(),
        _ => "*".repeat(v.chars().count().min(8)),
    }
}

/// The order a callback must match.
#[derive(Debug, Clone)]
pub struct ExpectedOrder {
    pub id: String,
    pub amount: Money,
    pub installments: Option<u32>,
}

pub struct CallbackRequest<'a> {
    pub account: &'a Account,
    pub model: Model,
    pub post: RawPost,
    pub expected: ExpectedOrder,
    /// Continue on mdStatus 2–4 (attempted, no liability shift); off by default.
    pub accept_half_secure: bool,
    /// For building the provision request of a `3d` payment.
    pub tx_type: TxType,
    pub customer: Customer,
    /// The return URLs of the payment, for provision requests that sign them (Vakıf Katılım); empty
    /// when not given.
    pub ok_url: String,
    pub fail_url: String,
    /// The card again, for protocols whose provision needs it (PayFlex MPI); in memory for this
    /// request only.
    pub card: Option<CardData>,
    pub nonce: Option<&'a str>,
    pub now: Option<DateTime>,
}

impl<'a> CallbackRequest<'a> {
    /// The server-to-server request that continues this callback (`provision`, `status`) for the
    /// expected order.
    pub fn follow_up(&self, operation: Operation) -> ApiRequest<'_> {
        ApiRequest {
            account: self.account,
            operation,
            order: Order {
                id: self.expected.id.clone(),
                amount: self.expected.amount,
                installments: self.expected.installments.unwrap_or(1),
                tx_type: self.tx_type,
                lines: Vec::new(),
            },
            references: StrMap::new(),
            card: self.card.as_ref(),
            customer: &self.customer,
            post: Some(&self.post),
            ok_url: &self.ok_url,
            fail_url: &self.fail_url,
            nonce: self.nonce,
            now: self.now,
        }
    }
}

/// Adds bank references from `(reference name, field)` pairs, skipping absent and empty values.
pub fn add_references(refs: &mut StrMap, pairs: &[(&str, &str)], get: &dyn Fn(&str) -> String) {
    // One insert at a time: collecting into a BTreeMap would pull a sort into the .wasm.
    for (name, field) in pairs {
        let value = get(field);
        if !value.is_empty() {
            refs.insert(name.to_string(), value);
        }
    }
}

/// Bank references from `(reference name, field)` pairs (see [`add_references`]).
pub fn collect_references(pairs: &[(&str, &str)], get: &dyn Fn(&str) -> String) -> StrMap {
    let mut refs = StrMap::new();
    add_references(&mut refs, pairs, get);
    refs
}

/// An installment count as NestPay and Garanti send it: empty for a single payment.
pub fn installment_text(n: u32) -> String {
    if n <= 1 {
        String::new()
    } else {
        n.to_string()
    }
}

/// Whether a bank message's signature checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    Verified,
    Missing,
    Mismatch,
    /// The protocol has no signature on this message; the bank's server answer decides.
    NotSigned,
}

impl SignatureCheck {
    pub fn id(self) -> &'static str {
        match self {
            SignatureCheck::Verified => "verified",
            SignatureCheck::Missing => "missing",
            SignatureCheck::Mismatch => "mismatch",
            SignatureCheck::NotSigned => "not_signed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Approved,
    Declined,
    ThreeDsFailed,
    ThreeDsAttempt,
    NeedsProvision,
    NeedsStatus,
    /// The payment continues in the shopper's browser: show `next` (a form such as the ACS page, or
    /// the bank's 3D page).
    Redirect,
    Error,
}

impl Outcome {
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Declined => "declined",
            Outcome::ThreeDsFailed => "3ds_failed",
            Outcome::ThreeDsAttempt => "3ds_attempt",
            Outcome::NeedsProvision => "needs_provision",
            Outcome::NeedsStatus => "needs_status",
            Outcome::Redirect => "redirect",
            Outcome::Error => "error",
        }
    }
}

/// What the bank said, normalised.
#[derive(Debug, Clone, Default)]
pub struct BankStatus {
    /// The bank's result code (`ProcReturnCode`, `Code`, `respCode`…).
    pub code: String,
    pub message: String,
    pub md_status: Option<String>,
    /// A more specific error code when the bank gives one (`ERRORCODE`…).
    pub error_code: String,
}

/// The answer of `callback.verify`.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub signature: SignatureCheck,
    pub outcome: Outcome,
    /// Why the outcome is not `approved` (a reason code such as `callback.signature_mismatch`).
    pub reason: Option<Error>,
    pub bank: BankStatus,
    /// Bank references to keep for refunds, captures and status queries.
    pub references: StrMap,
    pub masked_pan: Option<String>,
    /// For `needs_provision` and `needs_status`: the request to send next.
    pub next: Option<Step>,
}

impl Verdict {
    /// A verdict that stops here: nothing authentic to act on.
    pub fn rejected(signature: SignatureCheck, reason: Error) -> Verdict {
        Verdict {
            signature,
            outcome: Outcome::Error,
            reason: Some(reason),
            bank: BankStatus::default(),
            references: StrMap::new(),
            masked_pan: None,
            next: None,
        }
    }
}

pub struct ApiRequest<'a> {
    pub account: &'a Account,
    pub operation: Operation,
    pub order: Order,
    /// References from the payment (`auth_code`, `host_ref`, `transaction_id`…).
    pub references: StrMap,
    pub card: Option<&'a CardData>,
    pub customer: &'a Customer,
    /// The bank's 3D callback, for `provision`.
    pub post: Option<&'a RawPost>,
    /// The payment's return URLs (empty when not given), for provisions that sign them.
    pub ok_url: &'a str,
    pub fail_url: &'a str,
    pub nonce: Option<&'a str>,
    pub now: Option<DateTime>,
}

impl ApiRequest<'_> {
    /// The `context` every family's call carries back to `api.parse`.
    pub fn context(&self) -> Map<String, Value> {
        let mut context = Map::new();
        context.insert("gateway".into(), self.account.info().id.into());
        context.insert("operation".into(), self.operation.id().into());
        context.insert("order_id".into(), self.order.id.clone().into());
        context.insert("currency".into(), self.order.currency().alpha.into());
        context
    }

    pub fn reference(&self, name: &str) -> Result<&str> {
        self.references
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::new(Code::RequestMissingField).at(format!("references.{name}")))
    }

    pub fn card(&self) -> Result<&CardData> {
        self.card.ok_or_else(|| Error::new(Code::RequestMissingField).at("card"))
    }

    pub fn post(&self) -> Result<&RawPost> {
        self.post.ok_or_else(|| Error::new(Code::RequestMissingField).at("post"))
    }
}

pub struct ApiResponse<'a> {
    pub account: &'a Account,
    pub context: &'a Map<String, Value>,
    pub status: u16,
    pub headers: &'a StrMap,
    pub body: &'a [u8],
}

impl ApiResponse<'_> {
    /// A string the request put into the context.
    pub fn context_str(&self, key: &str) -> Result<&str> {
        self.context.get(key).and_then(Value::as_str).ok_or_else(|| {
            Error::new(Code::RequestInvalidValue)
                .at(format!("context.{key}"))
                .detail("pass back the context of the request")
        })
    }

    /// The operation of the request this answers (from [`ApiRequest::context`]).
    pub fn operation(&self) -> Result<Operation> {
        Operation::parse(self.context_str("operation")?)
            .ok_or_else(|| Error::new(Code::RequestInvalidValue).at("context.operation"))
    }

    /// A successful answer's XML document, whose root element must be `root` (`""`: any root, for
    /// answers whose root element no public source names).
    pub fn xml(&self, root: &str) -> Result<xml::Element> {
        self.ensure_ok()?;
        let doc = xml::Element::parse(&text::decode_text(self.body))
            .map_err(|e| Error::new(Code::BankBadResponse).detail(e))?;
        if !root.is_empty() && doc.local_name() != root {
            return Err(Error::new(Code::BankBadResponse).detail(format!("unexpected root <{}>", doc.local_name())));
        }
        Ok(doc)
    }

    /// The `<operation>Result` of a successful SOAP answer (`Envelope/Body/<operation>Response`, the
    /// shape of .NET ASMX services); a `Fault` or another operation's answer is `bank.bad_response`.
    pub fn soap_result(&self, operation: &str) -> Result<xml::Element> {
        let doc = self.xml("Envelope")?;
        let bad = |detail: String| Error::new(Code::BankBadResponse).detail(detail);
        let answer = doc.soap_body().ok_or_else(|| bad("no SOAP body".into()))?;
        if answer.local_name() == "Fault" {
            return Err(bad(answer.text_at("faultstring").unwrap_or_default()));
        }
        let result = [operation, "Result"].concat();
        let response = [operation, "Response"].concat();
        (answer.local_name() == response)
            .then(|| answer.elements().find(|e| e.local_name() == result))
            .flatten()
            .cloned()
            .ok_or_else(|| bad(format!("expected <{result}>")))
    }

    /// Refuses an answer that names another order than the request's (an empty id names none).
    pub fn check_order_id(&self, answered: &str) -> Result<()> {
        if !answered.is_empty() && answered != self.context_str("order_id")? {
            return Err(Error::new(Code::BankBadResponse).detail("the answer is for another order"));
        }
        Ok(())
    }

    /// Refuses HTTP errors and empty bodies before any parsing.
    pub fn ensure_ok(&self) -> Result<()> {
        if !(200..300).contains(&self.status) {
            return Err(Error::new(Code::BankHttpError).detail(format!("HTTP {}", self.status)));
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::new(Code::BankBadResponse).detail("empty body"));
        }
        Ok(())
    }
}

/// State of an order at the bank (status queries).
#[derive(Debug, Clone, Default)]
pub struct OrderStatus {
    /// `paid`, `pending`, `cancelled`, `refunded`, `partially_refunded`, `declined`, `unknown`.
    pub state: &'static str,
    pub amount: Option<Money>,
    pub captured: Option<Money>,
    pub refunded: Option<Money>,
}

impl OrderStatus {
    /// `refunded`, or `partially_refunded` when less than the amount went back.
    pub fn refund_state(refunded: Option<Money>, amount: Option<Money>) -> &'static str {
        match (refunded, amount) {
            (Some(r), Some(a)) if r.minor() < a.minor() => "partially_refunded",
            _ => "refunded",
        }
    }
}

/// The answer of `api.parse`.
#[derive(Debug, Clone)]
pub struct ApiResult {
    pub outcome: Outcome,
    /// Why the outcome is not `approved`, when the answer itself explains it (a MAC that does not
    /// check out, another order's amount, a failed 3D authentication…).
    pub reason: Option<Error>,
    pub bank: BankStatus,
    pub references: StrMap,
    pub order_status: Option<OrderStatus>,
    pub next: Option<Step>,
}

/// The answer of `signature.compute`.
pub struct Computed {
    pub value: String,
    /// The exact text that was hashed, with secrets replaced by `***` (for "hash mismatch" support).
    pub input_masked: String,
}

/// A protocol family.
pub trait Gateway: Sync {
    fn info(&self) -> &'static GatewayInfo;
    /// The signed 3D form, or for `regular` the signed sale request.
    fn prepare(&self, req: &PaymentRequest) -> Result<Step>;
    /// Authenticates a bank callback and interprets it against the expected order.
    fn verify_callback(&self, req: &CallbackRequest) -> Result<Verdict>;
    /// Builds a server-to-server request.
    fn api_request(&self, req: &ApiRequest) -> Result<HttpCall>;
    /// Interprets the bank's answer to a request built by [`Gateway::api_request`] or a step.
    fn api_parse(&self, resp: &ApiResponse) -> Result<ApiResult>;
    /// Computes one of the family's signatures from raw inputs (the "hash mismatch" debugger).
    fn signature(&self, kind: &str, inputs: &Input) -> Result<Computed>;
    /// The exact body the host must answer an authentic callback with, for providers that retry
    /// their server-to-server notification until they get it (PayTR: `OK`).
    fn callback_reply(&self) -> Option<&'static str> {
        None
    }
    /// Whether the provision after 3D Secure needs the card again (PayFlex MPI `3d`): a host that
    /// does not hold the card across the bank's redirect cannot complete such a payment.
    fn card_again(&self, _model: Model) -> bool {
        false
    }
    /// The request for the installment options (and card facts) the provider offers for a BIN.
    fn installment_query(&self, _req: &InstallmentQuery) -> Result<HttpCall> {
        Err(Error::new(Code::GatewayUnsupportedOperation).at("operation").detail("installments"))
    }
}

/// A query about a card rather than an order: the installment options a provider offers for a
/// BIN and an amount (`api.request` with operation `installments`).
pub struct InstallmentQuery<'a> {
    pub account: &'a Account,
    /// The card's first 6 to 8 digits.
    pub bin: String,
    pub amount: Money,
    /// Echoed by the provider (the order id the query is for, or any tag).
    pub reference: String,
    pub lang: Lang,
    pub nonce: Option<&'a str>,
}

/// Finds a bank preset (`isbank`, `kuveytturk`, …) or a family by id; a family id without a preset
/// of its own name means its first preset.
pub fn find(id: &str) -> Result<(&'static dyn Gateway, &'static Preset)> {
    for g in GATEWAYS {
        if let Some(p) = g.info().presets.iter().find(|p| p.id == id) {
            return Ok((*g, p));
        }
    }
    for g in GATEWAYS.iter().filter(|g| g.info().id == id) {
        if let Some(p) = g.info().presets.first() {
            return Ok((*g, p));
        }
    }
    Err(Error::new(Code::GatewayUnknown).at("gateway").detail(crate::money::truncate_for_detail(id)))
}

/// Finds the family that owns a `signature.compute` kind.
pub fn find_kind(kind: &str) -> Option<&'static dyn Gateway> {
    GATEWAYS.iter().copied().find(|g| g.info().signature_kinds.iter().any(|k| k.id == kind))
}

/// The order id rule shared by the families: 1..=max ASCII letters, digits, `-` and `_`.
pub fn check_order_id(id: &str, max: usize) -> Result<()> {
    let ok =
        !id.is_empty() && id.len() <= max && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::new(Code::OrderInvalidId).at("order.id").detail(format!("1–{max} letters, digits, - or _")))
    }
}

/// Compares a callback's amount (as the bank wrote it) with the expected order.
pub fn check_amount(received: Option<Money>, expected: &ExpectedOrder) -> Result<(), Error> {
    match received {
        Some(m) if m.currency() != expected.amount.currency() => Err(Error::new(Code::CallbackCurrencyMismatch)),
        Some(m) if m.minor() != expected.amount.minor() => Err(Error::new(Code::CallbackAmountMismatch)
            .detail(format!("expected {}, bank says {}", expected.amount.decimal(), m.decimal()))),
        Some(_) => Ok(()),
        None => Err(Error::new(Code::CallbackAmountMismatch).detail("the callback carries no readable amount")),
    }
}

/// Reads an amount the way banks echo it in callbacks: `1.01`, `1.1`, `101` (when `minor_units`),
/// or in Turkish notation with a decimal comma (`1,01`, `1.056,20`: dots group thousands).
pub fn parse_bank_amount(text: &str, currency: &'static Currency, minor_units: bool) -> Option<Money> {
    let t = text.trim();
    if minor_units {
        return t.parse::<i64>().ok().and_then(|m| Money::from_minor(m, currency).ok());
    }
    let plain = if t.contains(',') { t.replace('.', "").replace(',', ".") } else { t.to_string() };
    Money::parse(&plain, currency, crate::money::Sign::NonNegative).ok()
}

/// The currencies the PHP reference library maps for most families (AbstractRequestDataMapper).
pub const COMMON_CURRENCIES: &[&str] = &["TRY", "USD", "EUR", "GBP", "JPY", "RUB"];

/// The ISO 4217 numeric code (`949`) of a currency the family accepts.
pub fn numeric_currency(currency: &Currency, accepted: &[&str]) -> Result<String> {
    match currency.code(crate::money::CurrencyStyle::Numeric3) {
        Some(code) if accepted.contains(&currency.alpha) => Ok(code),
        _ => Err(Error::new(Code::GatewayUnsupportedCurrency).at("order.currency").detail(accepted.join(", "))),
    }
}

/// The MPI result classes (docs/pos-protocols.md §0.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MdClass {
    Full,
    Half,
    Failed,
}

pub fn md_class(md_status: &str) -> MdClass {
    match md_status {
        "1" => MdClass::Full,
        "2" | "3" | "4" => MdClass::Half,
        _ => MdClass::Failed,
    }
}

/// The 3-D Secure gate of a verified callback: `None` to go on (full authentication, or a
/// half-secure one the merchant accepts), else the outcome and reason to stop with.
pub fn md_gate(md_status: &str, accept_half_secure: bool) -> Option<(Outcome, Error)> {
    match md_class(md_status) {
        MdClass::Full => None,
        MdClass::Half if accept_half_secure => None,
        MdClass::Half => Some((Outcome::ThreeDsAttempt, Error::new(Code::Callback3dsAttempt))),
        MdClass::Failed => Some((Outcome::ThreeDsFailed, Error::new(Code::Callback3dsFailed))),
    }
}
