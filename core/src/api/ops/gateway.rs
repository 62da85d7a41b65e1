//! The bank ops: `gateways.list`, `payment.prepare`, `callback.verify`, `api.request`,
//! `api.parse`, `signature.compute`. JSON in and out here; the protocols live in `crate::gateway`.

use crate::api::ops::card::read_expiry;
use crate::api::{Context, Input};
use crate::card::{check_cvv, check_number, Pan};
use crate::date::DateTime;
use crate::error::{Code, Error, Lang, Result};
use crate::gateway::text::MAX_POST_VALUE_BYTES;
use crate::gateway::{self, *};
use crate::json::{Array, Object};
use crate::money::Sign;
use serde_json::Value;

const MAX_URL: usize = 1024;
/// Most basket lines an order may list.
const MAX_LINES: usize = 100;

fn account(input: &Input) -> Result<Account> {
    let (gateway, preset) = gateway::find(input.str_max("gateway", 40)?)?;
    let info = gateway.info();
    let environment = Environment::parse(input.str("environment")?)
        .ok_or_else(|| Error::new(Code::RequestInvalidValue).at("environment").detail("test or live"))?;
    let mut credentials = StrMap::new();
    if let Some(c) = input.opt_object("credentials")? {
        for key in c.map().keys() {
            let Some(field) = info.credentials.iter().find(|f| f.id == key) else {
                return Err(Error::new(Code::RequestInvalidValue)
                    .at(c.field(key))
                    .detail(format!("not a credential of {}", info.id)));
            };
            let value = c.opt_str_max(key, 1024)?.unwrap_or_default();
            if !field.choices.is_empty() && !value.is_empty() && !field.choices.contains(&value) {
                return Err(Error::new(Code::RequestInvalidValue).at(c.field(key)).detail(field.choices.join(", ")));
            }
            credentials.insert(key.clone(), value.to_string());
        }
    }
    let mut endpoint_overrides = StrMap::new();
    if let Some(e) = input.opt_object("endpoints")? {
        for key in e.map().keys() {
            let known = info.endpoints.iter().any(|ep| ep.id == key);
            if !known {
                return Err(Error::new(Code::RequestInvalidValue)
                    .at(e.field(key))
                    .detail(format!("not an endpoint of {}", info.id)));
            }
            let url = e.str_max(key, MAX_URL)?;
            if !endpoint_allowed(url) {
                return Err(Error::new(Code::GatewayInvalidEndpoint).at(e.field(key)));
            }
            endpoint_overrides.insert(key.clone(), url.to_string());
        }
    }
    for field in info.credentials.iter().filter(|f| f.required) {
        if credentials.get(field.id).is_none_or(|v| v.is_empty()) {
            return Err(Error::new(Code::CredentialsMissing).at(format!("credentials.{}", field.id)));
        }
    }
    Ok(Account { gateway, preset, environment, credentials: Credentials::new(credentials), endpoint_overrides })
}

/// https anywhere; plain http only to this machine (the bank simulator).
fn endpoint_allowed(url: &str) -> bool {
    let host_of = |rest: &str| {
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .rsplit_once(':')
            .map_or(rest.split(['/', '?', '#']).next().unwrap_or(""), |(h, _)| h)
            .to_string()
    };
    if let Some(rest) = url.strip_prefix("https://") {
        return !host_of(rest).is_empty();
    }
    url.strip_prefix("http://").map(host_of).is_some_and(|h| h == "127.0.0.1" || h == "localhost")
}

fn order(input: &Input) -> Result<Order> {
    let o = input.object("order")?;
    let currency = o.currency("currency")?;
    let installments = o.opt_int("installments", 1..=18)?.unwrap_or(1) as u32;
    Ok(Order {
        id: o.str_max("id", 64)?.to_string(),
        amount: o.amount("amount", currency, Sign::Positive)?,
        installments,
        tx_type: match o.opt_choice("tx_type", &["sale", "preauth"])? {
            Some("preauth") => TxType::PreAuth,
            _ => TxType::Sale,
        },
        lines: order_lines(&o, currency)?,
    })
}

fn order_lines(o: &Input, currency: &'static crate::money::Currency) -> Result<Vec<OrderLine>> {
    let lines = o.objects("lines")?;
    if lines.len() > MAX_LINES {
        return Err(Error::new(Code::RequestTooLong).at(o.field("lines")).detail(format!("at most {MAX_LINES} lines")));
    }
    let text =
        |l: &Input, key: &str| -> Result<String> { Ok(l.opt_str_max(key, 100)?.unwrap_or_default().to_string()) };
    lines
        .iter()
        .map(|l| {
            Ok(OrderLine {
                id: text(l, "id")?,
                name: l.str_max("name", 100)?.to_string(),
                unit_price: l.amount("unit_price", currency, Sign::Positive)?,
                quantity: l.opt_int("quantity", 1..=10_000)?.unwrap_or(1) as u32,
                category: text(l, "category")?,
                physical: !l.opt_bool("virtual")?.unwrap_or(false),
            })
        })
        .collect()
}

fn customer(input: &Input) -> Result<Customer> {
    let Some(c) = input.opt_object("customer")? else { return Ok(Customer::default()) };
    let text =
        |key: &str, max: usize| -> Result<String> { Ok(c.opt_str_max(key, max)?.unwrap_or_default().to_string()) };
    Ok(Customer {
        ip: text("ip", 45)?,
        email: text("email", 254)?,
        name: text("name", 100)?,
        id: text("id", 64)?,
        phone: text("phone", 32)?,
        address: text("address", 400)?,
        city: text("city", 64)?,
        country: text("country", 64)?,
        postal_code: text("postal_code", 16)?,
        identity_number: text("identity_number", 11)?,
    })
}

/// A card for protocols that need it server-side: checked strictly, never echoed.
fn card(input: &Input) -> Result<Option<CardData>> {
    let Some(c) = input.opt_object("card")? else { return Ok(None) };
    let number_field = c.field("number");
    let pan = Pan::normalize(c.str_max("number", 64)?).map_err(|e| e.at(number_field.clone()))?;
    let brand = check_number(&pan).map_err(|e| e.at(number_field))?;
    let expiry = read_expiry(&c)?.ok_or_else(|| Error::new(Code::RequestMissingField).at(c.field("expiry")))?;
    if let Some(today) = input.opt_date("today")? {
        expiry.check(today).map_err(|e| e.at(c.field("expiry")))?;
    }
    let cvv = c.str_max("cvv", 4)?;
    check_cvv(cvv, Some(brand)).map_err(|e| e.at(c.field("cvv")))?;
    Ok(Some(CardData {
        pan,
        expiry,
        cvv: cvv.to_string(),
        holder: c.opt_str_max("holder", 100)?.unwrap_or_default().to_string(),
    }))
}

fn nonce<'a>(input: &Input<'a>) -> Result<Option<&'a str>> {
    let n = input.opt_str("nonce")?;
    if let Some(n) = n {
        if !(32..=256).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::new(Code::RequestInvalidValue).at("nonce").detail("32–256 hex characters"));
        }
    }
    Ok(n)
}

fn now(input: &Input) -> Result<Option<DateTime>> {
    input.opt_str("now")?.map(|s| DateTime::parse(s).map_err(|e| e.at("now"))).transpose()
}

fn model(input: &Input) -> Result<Model> {
    Model::parse(input.str("model")?).ok_or_else(|| {
        Error::new(Code::RequestInvalidValue).at("model").detail("3d, 3d_pay, 3d_host, 3d_pay_hosting or regular")
    })
}

fn url(input: &Input, key: &str) -> Result<String> {
    let u = input.str_max(key, MAX_URL)?;
    if !(u.starts_with("https://") || u.starts_with("http://")) {
        return Err(Error::new(Code::RequestInvalidValue).at(input.field(key)).detail("an http(s) URL"));
    }
    Ok(u.to_string())
}

/// The payment's return URLs (`urls.ok`, `urls.fail`) when given.
fn urls(input: &Input) -> Result<Option<(String, String)>> {
    input.opt_object("urls")?.map(|u| Ok((url(&u, "ok")?, url(&u, "fail")?))).transpose()
}

/// The callback as posted: `post` (an object of strings) or `post_body` (the raw
/// `application/x-www-form-urlencoded` body, e.g. PHP's `php://input`).
fn raw_post(input: &Input) -> Result<Option<RawPost>> {
    match (input.opt_object("post")?, input.opt_str("post_body")?) {
        (Some(_), Some(_)) => {
            Err(Error::new(Code::RequestInvalidValue).at("post_body").detail("give post or post_body, not both"))
        }
        (Some(p), None) => RawPost::from_json(p.map(), "post").map(Some),
        (None, Some(body)) => {
            if body.len() > MAX_POST_VALUE_BYTES * 4 {
                return Err(Error::new(Code::RequestTooLong).at("post_body"));
            }
            RawPost::from_urlencoded(body, "post_body").map(Some)
        }
        (None, None) => Ok(None),
    }
}

fn write_bank(mut o: Object, b: &BankStatus) {
    o.field("code", &b.code)
        .field("error_code", &b.error_code)
        .field("md_status", &b.md_status)
        .field("message", &b.message);
}

/// A step: `{"type": …, <type>: …}`.
pub(crate) fn write_step(mut o: Object, step: &Step) {
    match step {
        Step::Form(f) => {
            {
                let mut form = o.object("form");
                form.field("action", &f.action).field("card_entry", f.card_entry.id());
                match &f.card_fields {
                    Some(c) => {
                        form.object("card_fields")
                            .field("brand", &c.brand)
                            .field("cvv", c.cvv)
                            .field("expiry", c.expiry)
                            .field("holder", &c.holder)
                            .field("number", c.number)
                            .field("program", &c.program);
                    }
                    None => _ = form.field("card_fields", &None::<bool>),
                }
                write_pairs(form.array("fields"), f.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())));
                form.field("method", f.method).field("sensitive", &f.sensitive);
            }
            o.field("type", "form");
        }
        Step::Http(h) => {
            write_http(o.object("http"), h);
            o.field("type", "http");
        }
        Step::Redirect { url, embed } => {
            o.object("redirect").field("embed", embed).field("url", url);
            o.field("type", "redirect");
        }
        Step::Html(html) => _ = o.field("html", html).field("type", "html"),
    }
}

/// `[{"name": …, "value": …}, …]` (form fields, headers).
fn write_pairs<'a>(mut list: Array, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    for (name, value) in pairs {
        list.object().field("name", name).field("value", value);
    }
}

fn write_http(mut o: Object, h: &HttpCall) {
    o.field("body_base64", &crypto::base64(&h.body)).field("context", &h.context);
    write_pairs(o.array("headers"), h.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    o.field("log_body", &h.log_body).field("method", h.method).field("url", &h.url);
}

fn write_reason(o: &mut Object, reason: &Option<Error>, lang: Lang) {
    match reason {
        Some(r) => crate::api::problem(o.object("reason"), r, lang),
        None => _ = o.field("reason", &None::<bool>),
    }
}

fn write_next(o: &mut Object, next: &Option<Step>) {
    match next {
        Some(step) => write_step(o.object("next"), step),
        None => _ = o.field("next", &None::<bool>),
    }
}

pub fn list(_input: &Input, ctx: &Context, out: &mut String) -> Result<()> {
    let mut o = Object::new(out);
    let mut gateways = o.array("gateways");
    for g in GATEWAYS {
        let info = g.info();
        let mut o = gateways.object();
        {
            let mut list = o.array("credentials");
            for c in info.credentials {
                list.object()
                    .field("choices", c.choices)
                    .field("id", c.id)
                    .field("label", if ctx.lang == Lang::Tr { c.label_tr } else { c.label_en })
                    .field("label_en", c.label_en)
                    .field("label_tr", c.label_tr)
                    .field("required", &c.required)
                    .field("secret", &c.secret);
            }
        }
        write_endpoints(o.array("endpoints"), info.endpoints.iter());
        o.field("id", info.id).field("max_order_id", &info.max_order_id);
        {
            let mut list = o.array("models");
            for (m, e) in info.models {
                let mut model = list.object();
                // Only where true: a model whose provision needs the card again (PayFlex MPI `3d`).
                if g.card_again(*m) {
                    model.field("card_again", &true);
                }
                model.field("card_entry", e.id()).field("id", m.id());
            }
        }
        o.field("name", info.name);
        {
            let mut list = o.array("operations");
            for op in info.operations {
                list.item(op.id());
            }
        }
        {
            let mut list = o.array("presets");
            for p in info.presets {
                let mut preset = list.object();
                // The family's endpoints, each replaced by the preset's own of the same id.
                let endpoints = info.endpoints.iter().map(|d| p.endpoints.iter().find(|e| e.id == d.id).unwrap_or(d));
                write_endpoints(preset.array("endpoints"), endpoints);
                preset.field("id", p.id).field("name", p.name).field("note", p.note);
            }
        }
        let mut list = o.array("signature_kinds");
        for k in info.signature_kinds {
            list.object().field("formula", k.formula).field("id", k.id).field("inputs", k.inputs);
        }
    }
    Ok(())
}

fn write_endpoints<'a>(mut list: Array, endpoints: impl Iterator<Item = &'a Endpoint>) {
    for e in endpoints {
        list.object().field("id", e.id).field("live", e.live).field("test", e.test);
    }
}

pub fn prepare(input: &Input, ctx: &Context, out: &mut String) -> Result<()> {
    let account = account(input)?;
    let model = model(input)?;
    let (ok_url, fail_url) = match urls(input)? {
        None if model != Model::Regular => return Err(Error::new(Code::RequestMissingField).at("urls")),
        u => u.unwrap_or_default(),
    };
    let step = account.gateway.prepare(&PaymentRequest {
        account: &account,
        model,
        order: order(input)?,
        customer: customer(input)?,
        card: card(input)?,
        ok_url,
        fail_url,
        lang: ctx.lang,
        nonce: nonce(input)?,
        now: now(input)?,
    })?;
    write_step(Object::new(out), &step);
    Ok(())
}

pub fn verify(input: &Input, ctx: &Context, out: &mut String) -> Result<()> {
    let account = account(input)?;
    let model = model(input)?;
    let post = raw_post(input)?.ok_or_else(|| Error::new(Code::RequestMissingField).at("post"))?;
    let e = input.object("expected")?;
    let currency = e.currency("currency")?;
    let expected = ExpectedOrder {
        id: e.str_max("order_id", 64)?.to_string(),
        amount: e.amount("amount", currency, Sign::Positive)?,
        installments: e.opt_int("installments", 1..=18)?.map(|n| n as u32),
    };
    let options = input.opt_object("options")?;
    let accept_half_secure = match &options {
        Some(o) => o.opt_bool("accept_half_secure")?.unwrap_or(false),
        None => false,
    };
    let tx_type = match e.opt_choice("tx_type", &["sale", "preauth"])? {
        Some("preauth") => TxType::PreAuth,
        _ => TxType::Sale,
    };
    let (ok_url, fail_url) = urls(input)?.unwrap_or_default();
    let v = account.gateway.verify_callback(&CallbackRequest {
        account: &account,
        model,
        post,
        expected,
        accept_half_secure,
        tx_type,
        customer: customer(input)?,
        ok_url,
        fail_url,
        card: card(input)?,
        nonce: nonce(input)?,
        now: now(input)?,
    })?;
    let authentic = v.signature == SignatureCheck::Verified;
    let mut o = Object::new(out);
    o.field("authentic", &authentic);
    write_bank(o.object("bank"), &v.bank);
    o.field("masked_pan", &v.masked_pan);
    write_next(&mut o, &v.next);
    o.field("outcome", v.outcome.id());
    write_reason(&mut o, &v.reason, ctx.lang);
    o.field("references", &v.references)
        .field("reply", &account.gateway.callback_reply().filter(|_| authentic))
        .field("signature", v.signature.id());
    Ok(())
}

pub fn request(input: &Input, ctx: &Context, out: &mut String) -> Result<()> {
    let account = account(input)?;
    let operation = input.str("operation")?;
    if operation == "installments" {
        return installment_query(input, ctx, &account, out);
    }
    let operation = Operation::parse(operation).ok_or_else(|| {
        Error::new(Code::RequestInvalidValue)
            .at("operation")
            .detail("provision, sale, preauth, capture, refund, cancel, status or installments")
    })?;
    let mut references = StrMap::new();
    if let Some(r) = input.opt_object("references")? {
        for key in r.map().keys() {
            references.insert(key.clone(), r.str_max(key, 256)?.to_string());
        }
    }
    let (ok_url, fail_url) = urls(input)?.unwrap_or_default();
    // Read in the order of the fields below, so the first bad field is the one reported.
    let (order, card, customer, post) = (order(input)?, card(input)?, customer(input)?, raw_post(input)?);
    let call = account.gateway.api_request(&ApiRequest {
        account: &account,
        operation,
        order,
        references,
        card: card.as_ref(),
        customer: &customer,
        post: post.as_ref(),
        ok_url: &ok_url,
        fail_url: &fail_url,
        nonce: nonce(input)?,
        now: now(input)?,
    })?;
    write_http(Object::new(out).object("http"), &call);
    Ok(())
}

/// `api.request` with operation `installments`: the provider's installment options for a BIN.
fn installment_query(input: &Input, ctx: &Context, account: &Account, out: &mut String) -> Result<()> {
    let bin = input.str_max("bin", 8)?;
    if !(6..=8).contains(&bin.len()) || !bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(Code::RequestInvalidValue).at("bin").detail("the card's first 6 to 8 digits"));
    }
    let order = order(input)?;
    let call = account.gateway.installment_query(&InstallmentQuery {
        account,
        bin: bin.to_string(),
        amount: order.amount,
        reference: order.id,
        lang: ctx.lang,
        nonce: nonce(input)?,
    })?;
    write_http(Object::new(out).object("http"), &call);
    Ok(())
}

pub fn parse(input: &Input, ctx: &Context, out: &mut String) -> Result<()> {
    let account = account(input)?;
    let context = input.object("context")?;
    if context.map().get("gateway").and_then(Value::as_str) != Some(account.info().id) {
        return Err(Error::new(Code::RequestInvalidValue)
            .at("context.gateway")
            .detail("the context belongs to another gateway"));
    }
    let r = input.object("response")?;
    let status = r.int("status", 100..=599)? as u16;
    let mut headers = StrMap::new();
    if let Some(h) = r.opt_object("headers")? {
        for key in h.map().keys() {
            headers.insert(key.to_ascii_lowercase(), h.str_max(key, 8192)?.to_string());
        }
    }
    let body = match (r.opt_str("body")?, r.opt_str("body_base64")?) {
        (Some(t), None) => t.as_bytes().to_vec(),
        (None, Some(b)) => crypto::base64_decode(b)
            .ok_or_else(|| Error::new(Code::RequestInvalidValue).at(r.field("body_base64")).detail("not base64"))?,
        (None, None) => Vec::new(),
        (Some(_), Some(_)) => {
            return Err(Error::new(Code::RequestInvalidValue)
                .at(r.field("body"))
                .detail("give body or body_base64, not both"))
        }
    };
    let result = account.gateway.api_parse(&ApiResponse {
        account: &account,
        context: context.map(),
        status,
        headers: &headers,
        body: &body,
    })?;
    let mut o = Object::new(out);
    write_bank(o.object("bank"), &result.bank);
    write_next(&mut o, &result.next);
    match &result.order_status {
        Some(s) => {
            let money = |m: &Option<crate::money::Money>| m.map(|m| m.decimal());
            o.object("order_status")
                .field("amount", &money(&s.amount))
                .field("captured", &money(&s.captured))
                .field("refunded", &money(&s.refunded))
                .field("state", s.state);
        }
        None => _ = o.field("order_status", &None::<bool>),
    }
    o.field("outcome", result.outcome.id());
    write_reason(&mut o, &result.reason, ctx.lang);
    o.field("references", &result.references);
    Ok(())
}

pub fn signature(input: &Input, _ctx: &Context, out: &mut String) -> Result<()> {
    let kind = input.str_max("kind", 64)?;
    let inputs = || input.object("inputs");
    let (gateway, computed) = if kind == "plain_digest" {
        (None, plain_digest(&inputs()?)?)
    } else {
        let gateway = gateway::find_kind(kind).ok_or_else(|| Error::new(Code::SignatureUnknownKind).at("kind"))?;
        (Some(gateway.info().id), gateway.signature(kind, &inputs()?)?)
    };
    Object::new(out)
        .field("gateway", &gateway)
        .field("input_masked", &computed.input_masked)
        .field("kind", kind)
        .field("value", &computed.value);
    Ok(())
}

/// `plain_digest`: one digest of a text, for protocols' pre-steps (POSNET's `firstHash`,
/// KuveytTürk's hashed password) and for checking a bank's example by hand.
fn plain_digest(inputs: &Input) -> Result<Computed> {
    let alg = match inputs.str("algo")? {
        "sha1" => crypto::Digest::Sha1,
        "sha256" => crypto::Digest::Sha256,
        "sha512" => crypto::Digest::Sha512,
        _ => return Err(Error::new(Code::RequestInvalidValue).at("inputs.algo").detail("sha1, sha256 or sha512")),
    };
    let enc = match inputs.str("output")? {
        "b64" => crypto::Encoding::Base64,
        "HEX" => crypto::Encoding::HexUpper,
        "hex" => crypto::Encoding::HexLower,
        _ => return Err(Error::new(Code::RequestInvalidValue).at("inputs.output").detail("b64, HEX or hex")),
    };
    let text = inputs.str("text")?;
    Ok(Computed { value: crypto::hash(alg, enc, text.as_bytes()), input_masked: text.to_string() })
}

#[cfg(test)]
mod tests {
    use super::endpoint_allowed;

    #[test]
    fn endpoints_must_be_https_or_local() {
        assert!(endpoint_allowed("https://sanalpos.isbank.com.tr/fim/api"));
        assert!(endpoint_allowed("http://127.0.0.1:8080/fim/api"));
        assert!(endpoint_allowed("http://localhost/x"));
        assert!(!endpoint_allowed("http://example.com/fim/api"));
        assert!(!endpoint_allowed("http://127.0.0.1.evil.com/x"));
        assert!(!endpoint_allowed("ftp://x"));
        assert!(!endpoint_allowed("https://"));
        assert!(!endpoint_allowed("javascript:alert(1)"));
    }
}
