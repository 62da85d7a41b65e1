//! `wasm2php IN.wasm -o DIR [--namespace NS] [--class NAME] [--part-bytes N] [--stats]`
//!
//! Writes the translation's files into DIR (created if needed), after removing the files an
//! earlier translation of the same class left there.

use std::process::ExitCode;
use std::time::Instant;

use wasm2php::{translate, Options};

const USAGE: &str = "usage: wasm2php IN.wasm -o DIR [--namespace NS] [--class NAME] [--part-bytes N] [--stats]";

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
            "--part-bytes" => {
                options.part_bytes = value("--part-bytes")?.parse().map_err(|e| format!("--part-bytes: {e}"))?
            }
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
        write_dir(std::path::Path::new(output), &options.class, &translation.files)
            .map_err(|e| format!("{output}: {e}"))?;
    }
    if stats {
        let s = &translation.stats;
        println!("module: {} bytes, sha256 {}", s.wasm_bytes, s.sha256);
        let php: usize = translation.files.iter().map(|(_, contents)| contents.len()).sum();
        println!("functions: {} in {} parts", s.functions, s.parts);
        println!("php: {php} bytes in {} files, translated in {} ms", translation.files.len(), elapsed.as_millis());
        println!("instructions ({} kinds):", s.instructions.len());
        for (name, count) in &s.instructions {
            println!("  {name:<24} {count}");
        }
    }
    Ok(())
}

/// Writes `files` into `dir`, first removing what an earlier translation of `class` left there
/// (a smaller module has fewer parts).
fn write_dir(dir: &std::path::Path, class: &str, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let ours = [".php", ".data"].iter().any(|ext| {
            name.strip_suffix(ext).is_some_and(|stem| {
                stem == class
                    || stem
                        .strip_prefix(class)
                        .and_then(|rest| rest.strip_prefix('_'))
                        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
            })
        });
        if ours {
            std::fs::remove_file(&path)?;
        }
    }
    for (name, contents) in files {
        std::fs::write(dir.join(name), contents)?;
    }
    Ok(())
}
