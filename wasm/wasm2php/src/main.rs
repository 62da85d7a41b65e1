//! `wasm2php IN.wasm -o OUT.php [--namespace NS] [--class NAME] [--stats]`

use std::process::ExitCode;
use std::time::Instant;

use wasm2php::{translate, Options};

const USAGE: &str = "usage: wasm2php IN.wasm -o OUT.php [--namespace NS] [--class NAME] [--stats]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasm2php: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut options = Options::default();
    let (mut input, mut output, mut stats) = (None, None, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "-o" => output = Some(value("-o")?),
            "--namespace" => options.namespace = value("--namespace")?,
            "--class" => options.class = value("--class")?,
            "--stats" => stats = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if input.is_none() && !arg.starts_with('-') => input = Some(arg),
            _ => return Err(format!("unexpected argument `{arg}`\n{USAGE}")),
        }
    }
    let input = input.ok_or(USAGE)?;
    let wasm = std::fs::read(&input).map_err(|e| format!("{input}: {e}"))?;
    let started = Instant::now();
    let translation = translate(&wasm, &options).map_err(|e| format!("{input}: {e}"))?;
    let elapsed = started.elapsed();
    if let Some(output) = &output {
        std::fs::write(output, &translation.php).map_err(|e| format!("{output}: {e}"))?;
    }
    if stats {
        let s = &translation.stats;
        println!("module: {} bytes, sha256 {}", s.wasm_bytes, s.sha256);
        println!("functions: {}", s.functions);
        println!("php: {} bytes, translated in {} ms", translation.php.len(), elapsed.as_millis());
        println!("instructions ({} kinds):", s.instructions.len());
        for (name, count) in &s.instructions {
            println!("  {name:<24} {count}");
        }
    }
    Ok(())
}
