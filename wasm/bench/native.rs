//! Native side of `make bench`: operations per second of `sanalpos_core::handle` on each request of
//! `requests.json`, one JSON line per request: `{name, request, ops_per_sec}`, or `{name, request,
//! error}` when the core refuses it. `bench.mjs` runs the same request texts in Node and prints the
//! table.

use serde_json::{json, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Measures `f` for about a second after a short warm-up; both sides of the table use this method.
fn ops_per_sec(mut f: impl FnMut()) -> f64 {
    let mut run = |budget: Duration| {
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < budget {
            for _ in 0..100 {
                f();
            }
            calls += 100;
        }
        calls as f64 / start.elapsed().as_secs_f64()
    };
    run(Duration::from_millis(200));
    run(Duration::from_secs(1))
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
