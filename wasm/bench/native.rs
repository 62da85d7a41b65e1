//! Native side of `make bench`: operations per second of `sanalpos_core::handle` on each request of
//! `requests.json`, one JSON line per request: `{name, request, ops_per_sec}`, or `{name, request,
//! error}` when the core refuses it. `bench.mjs` runs the same request texts in Node and prints the
//! table.

use serde_json::{json, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Operations per second of `f`: the best of five 200 ms rounds after a 200 ms warm-up (the best
/// round is the one least disturbed by other work on the machine). `bench.mjs` measures the same way.
fn ops_per_sec(mut f: impl FnMut()) -> f64 {
    let mut round = || {
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < Duration::from_millis(200) {
            for _ in 0..100 {
                f();
            }
            calls += 100;
        }
        calls as f64 / start.elapsed().as_secs_f64()
    };
    round();
    (0..5).map(|_| round()).fold(0.0, f64::max)
}

fn main() {
    let entries: Vec<Value> = serde_json::from_str(include_str!("requests.json")).expect("bench/requests.json");
    for entry in entries {
        let name = &entry["name"];
        let request = entry["request"].to_string();
        let answer: Value = serde_json::from_str(&sanalpos_core::handle(&request)).expect("a JSON answer");
        let line = if answer["ok"] == true {
            let rate = ops_per_sec(|| {
                black_box(sanalpos_core::handle(black_box(&request)));
            });
            json!({"name": name, "request": request, "ops_per_sec": rate})
        } else {
            json!({"name": name, "request": request, "error": answer["error"]})
        };
        println!("{line}");
    }
}
