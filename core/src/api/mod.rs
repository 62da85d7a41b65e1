//! The JSON command API: one entry point, JSON text in, JSON text out.
//!
//! `{"op": "...", "lang": "en"|"tr", ...}` → `{"ok": true, "result": {...}}` or
//! `{"ok": false, "error": {"code": "...", "message": "...", "field": "..."}}`.
//! Every host (npm package, PHP engines, CLI) calls [`handle`]; new ops are added to [`OPS`] and
//! nowhere else. Request and response fields of every op are documented in `core/API.md`.

mod input;
mod ops;

pub use input::Input;

use crate::error::{Code, Error, Lang, Result};
use crate::json::Object;
use serde_json::Value;

/// Requests larger than this are refused before parsing.
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// Version of the JSON contract; bumped only for incompatible changes.
pub const API_VERSION: u32 = 1;

/// What an op sees besides its input.
pub struct Context {
    pub lang: Lang,
}

/// An op reads its input and writes its result (one JSON value) into the output; when it fails,
/// whatever it wrote is discarded.
type Op = fn(&Input, &Context, &mut String) -> Result<()>;

/// A bank gateway op: none in a build without the `gateways` feature (the browser's checkout
/// build), where its name still answers `request.op_unavailable` rather than `request.unknown_op`.
#[cfg(feature = "gateways")]
macro_rules! gateway_op {
    ($f:ident) => {
        Some(ops::gateway::$f as Op)
    };
}
#[cfg(not(feature = "gateways"))]
macro_rules! gateway_op {
    ($f:ident) => {
        None
    };
}

/// The single registry of operations; `None`: not compiled into this build.
#[rustfmt::skip]
static OPS: &[(&str, Option<Op>)] = &[
    ("version", Some(ops::version::run)),
    ("card.inspect", Some(ops::card::inspect)),
    ("gateways.list", gateway_op!(list)),
    ("payment.prepare", gateway_op!(prepare)),
    ("callback.verify", gateway_op!(verify)),
    ("api.request", gateway_op!(request)),
    ("api.parse", gateway_op!(parse)),
    ("signature.compute", gateway_op!(signature)),
    ("installments.quote", Some(ops::installments::quote)),
    ("installments.table", Some(ops::installments::table)),
];

/// Names of every operation this build answers, in registry order.
pub fn op_names() -> impl Iterator<Item = &'static str> {
    OPS.iter().filter(|(_, op)| op.is_some()).map(|(name, _)| *name)
}

/// Handles one request. Never panics; always returns a well-formed envelope.
pub fn handle(request: &str) -> String {
    handle_bytes(request.as_bytes())
}

/// Like [`handle`], for hosts that pass raw bytes (invalid UTF-8 is `request.invalid_json`).
pub fn handle_bytes(request: &[u8]) -> String {
    const OK: &str = r#"{"ok":true,"result":"#;
    let mut out = String::with_capacity(1024);
    out.push_str(OK);
    let (lang, outcome) = run(request, &mut out);
    match outcome {
        Ok(()) => out.push('}'),
        Err(e) => {
            out.clear();
            let mut envelope = Object::new(&mut out);
            problem(envelope.object("error"), &e, lang);
            envelope.field("ok", &false);
        }
    }
    out
}

fn run(request: &[u8], out: &mut String) -> (Lang, Result<()>) {
    if request.len() > MAX_REQUEST_BYTES {
        return (Lang::En, Err(Error::new(Code::RequestTooLarge)));
    }
    let value: Value = match serde_json::from_slice(request) {
        Ok(v) => v,
        Err(e) => return (Lang::En, Err(Error::new(Code::RequestInvalidJson).detail(json_error_detail(&e)))),
    };
    let Value::Object(map) = value else {
        return (Lang::En, Err(Error::new(Code::RequestNotObject)));
    };
    let input = Input::root(&map);
    let lang = match input.opt_str("lang") {
        Ok(None) => Lang::En,
        Ok(Some(s)) => match Lang::parse(s) {
            Some(l) => l,
            None => {
                return (Lang::En, Err(Error::new(Code::RequestInvalidValue).at("lang").detail("use \"en\" or \"tr\"")))
            }
        },
        Err(e) => return (Lang::En, Err(e)),
    };
    let outcome = input.str("op").and_then(|name| match OPS.iter().find(|(n, _)| *n == name) {
        Some((_, Some(op))) => op(&input, &Context { lang }, out),
        Some((_, None)) => Err(Error::new(Code::RequestOpUnavailable).at("op").detail(name)),
        None => Err(Error::new(Code::RequestUnknownOp).at("op").detail(crate::money::truncate_for_detail(name))),
    });
    (lang, outcome)
}

/// Position only: serde_json's own text can quote the input, which may hold card data.
fn json_error_detail(e: &serde_json::Error) -> String {
    format!("line {}, column {}", e.line(), e.column())
}

/// Writes an error as `{"code", "field", "message"}` (the envelope's `error`, and each entry of the
/// ops that report several findings at once).
pub(crate) fn problem(mut o: Object, e: &Error, lang: Lang) {
    o.field("code", e.code.as_str());
    if let Some(field) = &e.field {
        o.field("field", field);
    }
    o.field("message", &e.message(lang));
}

#[cfg(test)]
mod tests;
