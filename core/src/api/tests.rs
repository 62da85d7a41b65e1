use super::*;
use proptest::prelude::*;
use serde_json::{json, Map};

fn call(request: Value) -> Value {
    serde_json::from_str(&handle(&request.to_string())).unwrap()
}

fn call_raw(request: &str) -> Value {
    serde_json::from_str(&handle(request)).unwrap()
}

fn error_code(answer: &Value) -> &str {
    assert_eq!(answer["ok"], false, "{answer}");
    answer["error"]["code"].as_str().unwrap()
}

#[test]
fn envelope_errors() {
    assert_eq!(error_code(&call_raw("")), "request.invalid_json");
    assert_eq!(error_code(&call_raw("{")), "request.invalid_json");
    assert_eq!(error_code(&call_raw("[1]")), "request.not_object");
    assert_eq!(error_code(&call_raw("\"op\"")), "request.not_object");
    assert_eq!(error_code(&call(json!({}))), "request.missing_field");
    assert_eq!(call(json!({}))["error"]["field"], "op");
    assert_eq!(error_code(&call(json!({"op": 5}))), "request.invalid_type");
    assert_eq!(error_code(&call(json!({"op": "nope"}))), "request.unknown_op");
    assert_eq!(error_code(&call(json!({"op": "version", "lang": "de"}))), "request.invalid_value");
    let big = format!("{{\"op\":\"version\",\"pad\":\"{}\"}}", "x".repeat(MAX_REQUEST_BYTES));
    assert_eq!(error_code(&call_raw(&big)), "request.too_large");
    assert_eq!(
        error_code(&serde_json::from_str(&handle_bytes(b"{\"op\":\"version\xff\"}")).unwrap()),
        "request.invalid_json"
    );
}

#[test]
fn invalid_json_detail_never_quotes_the_input() {
    let answer = call_raw("{\"op\":\"card.inspect\",\"card\":{\"number\":\"4355084355084358\"}");
    assert_eq!(error_code(&answer), "request.invalid_json");
    assert!(!answer.to_string().contains("4355084355084358"));
}

#[test]
fn messages_follow_lang() {
    let en = call(json!({"op": "nope"}));
    let tr = call(json!({"op": "nope", "lang": "tr"}));
    assert_eq!(en["error"]["message"], "Unknown operation: nope");
    assert_eq!(tr["error"]["message"], "Bilinmeyen işlem: nope");
}

#[test]
fn version_lists_ops_and_data() {
    let v = call(json!({"op": "version"}));
    assert_eq!(v["ok"], true);
    assert_eq!(v["result"]["api"], API_VERSION);
    assert_eq!(v["result"]["core"], env!("CARGO_PKG_VERSION"));
    assert!(v["result"]["ops"].as_array().unwrap().contains(&json!("card.inspect")));
    assert_eq!(v["result"]["bin_table"]["license"], "CC-BY-4.0");
}

/// The ops of the `gateways` feature, as a build without it names them.
const GATEWAY_OPS: [&str; 6] =
    ["gateways.list", "payment.prepare", "callback.verify", "api.request", "api.parse", "signature.compute"];

#[cfg(feature = "gateways")]
#[test]
fn the_full_build_answers_every_op_and_lists_its_gateways() {
    assert!(OPS.iter().all(|(_, op)| op.is_some()));
    assert_eq!(op_names().count(), OPS.len());
    let v = call(json!({"op": "version"}));
    assert!(GATEWAY_OPS.iter().all(|op| v["result"]["ops"].as_array().unwrap().contains(&json!(op))));
    assert!(v["result"]["gateways"].as_array().unwrap().contains(&json!("nestpay")));
    assert!(v["result"]["models"].as_array().unwrap().contains(&json!("3d")));
}

#[cfg(not(feature = "gateways"))]
#[test]
fn without_gateways_their_ops_are_unavailable_not_unknown() {
    let missing: Vec<&str> = OPS.iter().filter(|(_, op)| op.is_none()).map(|(name, _)| *name).collect();
    assert_eq!(missing, GATEWAY_OPS);
    for op in GATEWAY_OPS {
        let answer = call(json!({"op": op, "lang": "tr"}));
        assert_eq!(error_code(&answer), "request.op_unavailable");
        assert_eq!(answer["error"]["field"], "op");
        assert!(answer["error"]["message"].as_str().unwrap().ends_with(&format!("): {op}")), "{answer}");
    }
    let v = call(json!({"op": "version"}));
    assert_eq!(v["result"]["ops"], json!(["version", "card.inspect", "installments.quote", "installments.table"]));
    assert_eq!((&v["result"]["gateways"], &v["result"]["models"]), (&json!([]), &json!([])));
}

#[test]
fn inspect_a_valid_card() {
    let r = call(
        json!({"op": "card.inspect", "card": {"number": "4546 7112 3456 7894", "expiry": "12/30", "cvv": "000"}, "today": "2026-11-27"}),
    );
    assert_eq!(r["ok"], true, "{r}");
    let r = &r["result"];
    assert_eq!(r["valid"], true);
    assert_eq!(r["problems"], json!([]));
    assert_eq!(r["brand"]["id"], "visa");
    assert_eq!(r["brand_candidates"], json!(["visa"]));
    assert_eq!(r["number"]["masked"], "454671******7894");
    assert_eq!(r["number"]["bin"], "454671");
    assert_eq!(r["number"]["last4"], "7894");
    assert_eq!(r["number"]["complete"], true);
    assert_eq!(r["issuer"]["bank_code"], "0010");
    assert_eq!(r["issuer"]["family"], "bankkart");
    assert_eq!(r["issuer"]["source"], "builtin");
    assert_eq!(r["expiry"], json!({"month": 12, "year": 2030, "valid": true}));
    assert_eq!(r["cvv"], json!({"valid": true}));
    assert!(!r.to_string().contains("4546711234567894"), "the full PAN is never echoed");
}

#[test]
fn inspect_reports_every_problem_unless_strict() {
    let req = json!({"op": "card.inspect", "card": {"number": "4355084355084359", "expiry": "01/25", "cvv": "12"}, "today": "2026-11-27", "lang": "tr"});
    let r = call(req.clone());
    assert_eq!(r["result"]["valid"], false);
    let codes: Vec<&str> =
        r["result"]["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["card.luhn", "card.expired", "card.cvv_length"]);
    assert_eq!(r["result"]["problems"][0]["field"], "card.number");
    assert_eq!(r["result"]["problems"][1]["field"], "card.expiry");
    assert_eq!(r["result"]["problems"][0]["message"], "Kart numarası geçersiz (kontrol basamağı)");
    let mut strict = req;
    strict["strict"] = json!(true);
    let s = call(strict);
    assert_eq!(error_code(&s), "card.luhn");
    assert_eq!(s["error"]["field"], "card.number");
}

#[test]
fn inspect_while_typing() {
    let r = call(json!({"op": "card.inspect", "card": {"number": "65"}}));
    assert_eq!(r["result"]["brand"], Value::Null);
    let candidates = r["result"]["brand_candidates"].as_array().unwrap();
    assert!(candidates.contains(&json!("troy")) && candidates.contains(&json!("discover")));
    assert_eq!(r["result"]["problems"][0]["code"], "card.too_short");
    let t = call(json!({"op": "card.inspect", "card": {"number": "9792"}}));
    assert_eq!(t["result"]["brand"]["id"], "troy");
    assert_eq!(t["result"]["number"]["last4"], Value::Null);
}

#[test]
fn inspect_amex_and_expiry_parts() {
    let r = call(
        json!({"op": "card.inspect", "card": {"number": "374427000000003", "expiry_month": "8", "expiry_year": "2030", "cvv": "1234"}, "today": "2026-11-27"}),
    );
    assert_eq!(r["result"]["valid"], true, "{r}");
    assert_eq!(r["result"]["brand"]["cvv_length"], 4);
    assert_eq!(r["result"]["brand"]["gaps"], json!([4, 10]));
    assert_eq!(r["result"]["expiry"]["month"], 8);
}

#[test]
fn inspect_request_errors() {
    let inspect = |card: Value, extra: Value| {
        let mut req = json!({"op": "card.inspect", "card": card});
        for (k, v) in extra.as_object().unwrap() {
            req[k] = v.clone();
        }
        call(req)
    };
    assert_eq!(error_code(&inspect(json!(null), json!({}))), "request.missing_field");
    assert_eq!(error_code(&inspect(json!({"number": 4355084355084358u64}), json!({}))), "request.invalid_type");
    assert_eq!(
        error_code(&inspect(json!({"number": "4355084355084358", "expiry": "12/30"}), json!({}))),
        "request.missing_field"
    );
    assert_eq!(
        error_code(&inspect(json!({"number": "4355084355084358", "expiry": "12/30"}), json!({"today": "2026-02-30"}))),
        "date.invalid"
    );
    assert_eq!(
        error_code(&inspect(json!({"number": "4355084355084358", "expiry": "12/30", "expiry_month": "12"}), json!({}))),
        "request.invalid_value"
    );
    assert_eq!(
        error_code(&inspect(json!({"number": "4355084355084358"}), json!({"issuer": {"family": "gold"}}))),
        "issuer.unknown_family"
    );
    assert_eq!(
        error_code(&inspect(json!({"number": "4355084355084358"}), json!({"issuer": {"card_type": "charge"}}))),
        "request.invalid_value"
    );
    assert_eq!(
        error_code(&inspect(json!({"number": "4355084355084358"}), json!({"issuer": {"bank_code": "62"}}))),
        "request.invalid_value"
    );
    assert_eq!(
        error_code(&inspect(json!({"number": "4355084355084358"}), json!({"strict": "yes"}))),
        "request.invalid_type"
    );
    assert_eq!(error_code(&inspect(json!({"number": "1".repeat(65)}), json!({}))), "request.too_long");
    let bad_chars = inspect(json!({"number": "4355x843"}), json!({}));
    assert_eq!(bad_chars["result"]["problems"][0]["code"], "card.invalid_characters");
    let bad_expiry = inspect(json!({"number": "4355084355084358", "expiry": "1230"}), json!({}));
    assert_eq!(bad_expiry["result"]["problems"][0]["code"], "card.expiry_format");
}

#[test]
fn issuer_override_wins() {
    let r = call(json!({"op": "card.inspect", "card": {"number": "5400010000000004"},
        "issuer": {"bank_code": "0062", "family": "Bonus", "card_type": "credit", "commercial": false, "country": "TR"}}));
    let i = &r["result"]["issuer"];
    assert_eq!(
        (i["source"].as_str(), i["family"].as_str(), i["card_type"].as_str()),
        (Some("override"), Some("bonus"), Some("credit"))
    );
    assert_eq!(i["bank_name"], "Garanti BBVA");
}

/// Builds arbitrary JSON values up to a small depth.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::String),
        "[0-9 -]{0,24}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("op".to_string()),
                    Just("card".to_string()),
                    Just("number".to_string()),
                    Just("today".to_string()),
                    Just("expiry".to_string()),
                    Just("cvv".to_string()),
                    Just("issuer".to_string()),
                    Just("lang".to_string()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn assert_envelope(answer: &str) {
    let v: Value = serde_json::from_str(answer).expect("answer is JSON");
    match v["ok"] {
        Value::Bool(true) => assert!(v["result"].is_object() || v["result"].is_array(), "{answer}"),
        Value::Bool(false) => {
            let code = v["error"]["code"].as_str().expect("error code");
            assert!(crate::error::Code::ALL.iter().any(|c| c.as_str() == code), "{code}");
            assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        _ => panic!("no ok flag: {answer}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_always_get_an_envelope(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        assert_envelope(&handle_bytes(&bytes));
    }

    #[test]
    fn arbitrary_json_always_gets_an_envelope(v in arb_json()) {
        assert_envelope(&handle(&v.to_string()));
    }

    #[test]
    fn every_op_survives_arbitrary_fields(op_idx in 0usize..OPS.len(), body in arb_json(), lang in prop_oneof![Just("en"), Just("tr")]) {
        let mut req = match body { Value::Object(m) => m, other => { let mut m = Map::new(); m.insert("x".into(), other); m } };
        req.insert("op".into(), OPS[op_idx].0.into());
        req.insert("lang".into(), lang.into());
        assert_envelope(&handle(&Value::Object(req).to_string()));
    }

    #[test]
    fn card_inspect_survives_any_card_text(number in "\\PC{0,40}", expiry in "\\PC{0,10}", cvv in "\\PC{0,6}", today in prop_oneof![Just("2026-11-27".to_string()), "\\PC{0,12}"]) {
        let req = json!({"op": "card.inspect", "card": {"number": number, "expiry": expiry, "cvv": cvv}, "today": today});
        assert_envelope(&handle(&req.to_string()));
    }
}
