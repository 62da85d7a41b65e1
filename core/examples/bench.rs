//! Native reference timing for the engine benchmarks (`make bench`): reads one JSON request per
//! line on stdin and prints, per line, the median time of one warm `handle` call in microseconds.
//! Batches last about 20 ms; the median is over 15 batches (the same method as the PHP and Node
//! timers in tests/bench/).

use std::io::{self, BufRead};
use std::time::{Duration, Instant};

const BATCHES: usize = 15;
const BATCH: Duration = Duration::from_millis(20);

fn main() -> io::Result<()> {
    for line in io::stdin().lock().lines() {
        let request = line?;
        println!("{:.3}", median_micros(|| sanalpos_core::api::handle(&request)));
    }
    Ok(())
}

fn median_micros<T>(mut call: impl FnMut() -> T) -> f64 {
    // Warm up, and size the batches from the warm-up rate.
    let start = Instant::now();
    let mut warm_calls = 0u32;
    while start.elapsed() < BATCH * 2 {
        std::hint::black_box(call());
        warm_calls += 1;
    }
    let per_batch = (f64::from(warm_calls) / 2.0).ceil().max(1.0) as u32;
    let mut means: Vec<f64> = (0..BATCHES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per_batch {
                std::hint::black_box(call());
            }
            t.elapsed().as_secs_f64() * 1e6 / f64::from(per_batch)
        })
        .collect();
    means.sort_by(f64::total_cmp);
    means[BATCHES / 2]
}
