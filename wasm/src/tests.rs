use super::{with_nonce, NONCE_HEX_LEN};
use serde_json::Value;
use std::borrow::Cow;

fn fill_with(byte: u8) -> impl FnOnce(&mut [u8]) -> bool {
    move |bytes| {
        bytes.fill(byte);
        true
    }
}

fn nonce_of(request: &str) -> Value {
    let parsed: Value = serde_json::from_str(request).expect("still JSON");
    parsed["nonce"].clone()
}

#[test]
fn a_missing_nonce_is_appended_as_128_lowercase_hex_characters() {
    let request = r#"{"op": "version", "lang":"tr" }"#;
    let filled = with_nonce(request, fill_with(0xab));
    let expected = format!(r#"{{"op": "version", "lang":"tr" ,"nonce":"{}"}}"#, "ab".repeat(64));
    assert_eq!(filled, expected, "every byte of the request is kept");
    assert_eq!(nonce_of(&filled).as_str().map(str::len), Some(NONCE_HEX_LEN));
}

#[test]
fn an_empty_object_gets_a_nonce_without_a_comma() {
    assert_eq!(with_nonce(" {}\n", fill_with(0x0f)), format!(r#" {{"nonce":"{}"}}"#, "0f".repeat(64)));
}

#[test]
fn a_null_nonce_counts_as_missing_and_the_appended_one_wins() {
    let filled = with_nonce(r#"{"nonce": null, "op": "version"}"#, fill_with(1));
    assert_eq!(nonce_of(&filled), Value::String("01".repeat(64)));
}

#[test]
fn a_given_nonce_is_never_touched() {
    for request in [r#"{"op":"version","nonce":"abc"}"#, r#"{"nonce": 5}"#, r#"{"nonce": ""}"#] {
        assert!(matches!(with_nonce(request, |_| panic!("no randomness needed")), Cow::Borrowed(r) if r == request));
    }
}

#[test]
fn anything_but_a_json_object_goes_as_sent() {
    for request in ["", "not json", "[1,2]", "\"{}\"", "{\"op\":", "{} {}", "null"] {
        assert!(matches!(with_nonce(request, fill_with(1)), Cow::Borrowed(r) if r == request), "{request}");
    }
}

#[test]
fn without_randomness_the_request_goes_as_sent() {
    assert!(matches!(with_nonce("{}", |_| false), Cow::Borrowed("{}")));
}

#[test]
fn a_request_near_the_size_limit_goes_as_sent() {
    let room = sanalpos_core::api::MAX_REQUEST_BYTES - r#"{"op":"version","pad":""}"#.len();
    let fits = format!(r#"{{"op":"version","pad":"{}"}}"#, " ".repeat(room));
    assert!(matches!(with_nonce(&fits, fill_with(1)), Cow::Borrowed(_)), "the nonce would push it over the limit");
    let short = format!(r#"{{"op":"version","pad":"{}"}}"#, " ".repeat(room - 200));
    assert!(matches!(with_nonce(&short, fill_with(1)), Cow::Owned(_)));
}

/// The JS build fills a nonce into every corpus request that lacks one; no answer may change for
/// it, or the JS build would stop matching the raw build and the PHP engines.
#[test]
fn the_nonce_changes_no_answer_of_the_conformance_corpus() {
    let corpus = include_str!("../../tests/conformance/requests.jsonl");
    let mut filled = 0;
    for line in corpus.lines() {
        let request = with_nonce(line, fill_with(0x5a));
        if let Cow::Owned(r) = &request {
            filled += 1;
            assert_eq!(sanalpos_core::handle(r), sanalpos_core::handle(line), "{line}");
        }
    }
    assert!(filled > 0, "the corpus has requests without a nonce");
}
