//! `sanalpos-bank-sim [--port N] [--merchants FILE] [--db FILE] [--api-delay-ms N] [--cards]`
//!
//! Starts the simulated banks on 127.0.0.1 and prints `listening on http://127.0.0.1:PORT`
//! (port 0 picks a free one). `--cards` prints the test card table and exits.

use sanalpos_bank_sim::{cards, merchants::Merchants, start, Options};
use std::io::Write;
use std::time::Duration;

fn main() {
    if let Err(e) = run() {
        eprintln!("sanalpos-bank-sim: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut options = Options {
        port: 0,
        merchants: Merchants::parse(sanalpos_bank_sim::merchants::DEMO)?,
        db: "bank-sim.sqlite".into(),
        // Longer than any shop waits for a bank (the plugin's flow: 30 s).
        api_delay: Duration::from_secs(40),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => options.port = value()?.parse().map_err(|_| "--port takes a number")?,
            "--merchants" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                options.merchants = Merchants::parse(&text)?;
            }
            "--db" => options.db = value()?,
            "--api-delay-ms" => {
                options.api_delay =
                    Duration::from_millis(value()?.parse().map_err(|_| "--api-delay-ms takes a number")?)
            }
            "--cards" => {
                print!("{}", cards::text());
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let running = start(options)?;
    println!("listening on {}", running.url());
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    running.wait();
    Ok(())
}
