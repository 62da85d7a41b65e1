//! What the families' tests share: a request through the dispatcher, as JSON in and out.

use crate::api::handle;
use serde_json::{json, Value};

/// The whole answer envelope.
pub fn call(req: Value) -> Value {
    serde_json::from_str(&handle(&req.to_string())).unwrap()
}

/// The result of an answer that must succeed.
pub fn ok(req: Value) -> Value {
    let answer = call(req);
    assert_eq!(answer["ok"], true, "{answer}");
    answer["result"].clone()
}

/// The error code of an answer that must fail.
pub fn err(req: Value) -> String {
    let answer = call(req);
    assert_eq!(answer["ok"], false, "{answer}");
    answer["error"]["code"].as_str().unwrap().to_string()
}

/// The result of `signature.compute`.
pub fn compute(kind: &str, inputs: Value) -> Value {
    ok(json!({"op": "signature.compute", "kind": kind, "inputs": inputs}))
}

/// The value `signature.compute` gives.
pub fn sign(kind: &str, inputs: Value) -> String {
    compute(kind, inputs)["value"].as_str().unwrap().to_string()
}
