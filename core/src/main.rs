//! `sanalpos`: one JSON request per line on stdin, one JSON answer per line on stdout.
//! It goes through the same dispatcher as every other host.

use std::io::{self, BufRead, Write};

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    let mut reader = stdin.lock();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let request = line.strip_suffix(b"\n").unwrap_or(&line);
        let request = request.strip_suffix(b"\r").unwrap_or(request);
        if request.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        writeln!(out, "{}", sanalpos_core::api::handle_bytes(request))?;
        out.flush()?;
    }
    Ok(())
}
