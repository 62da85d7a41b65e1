//! The `sanalpos` command-line tool: one answer line per request line, through the same dispatcher.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(input: &[u8]) -> Vec<serde_json::Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanalpos"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start sanalpos");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn one_answer_per_request_line() {
    let answers = run(b"{\"op\":\"version\"}\r\n\n   \n{\"op\":\"card.inspect\",\"card\":{\"number\":\"5571135571135575\"}}\nnot json\n{\"op\":\"version\"}");
    assert_eq!(answers.len(), 4, "blank lines are skipped, a last line without newline is answered");
    assert_eq!(answers[0]["ok"], true);
    assert_eq!(answers[1]["result"]["brand"]["id"], "mastercard");
    assert_eq!(answers[2]["error"]["code"], "request.invalid_json");
    assert_eq!(answers[3]["result"]["api"], 1);
}

#[test]
fn same_bytes_as_the_library() {
    let request = r#"{"op":"card.inspect","card":{"number":"4355084355084358","expiry":"12/30","cvv":"000"},"today":"2026-11-27","lang":"tr"}"#;
    let answers = run(format!("{request}\n").as_bytes());
    assert_eq!(answers[0].to_string(), sanalpos_core::handle(request));
}
