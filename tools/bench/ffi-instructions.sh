#!/usr/bin/env bash
# Host instructions per warm FFI call, per op of tests/bench/requests.jsonl, counted by callgrind
# (valgrind; not installed by the bootstrap: `apt-get install valgrind`). Unlike a timing, the count
# does not depend on the machine's load, so builds can be compared on a busy machine (this is how
# the Makefile's RAW_OPT_LEVEL was chosen). Counts Runner::call only (not PHP), from a runner built
# with the release profile (the shipped runner profile is the same code without symbols).
# Usage: tools/bench/ffi-instructions.sh [RAW.wasm] (default: build/wasm/sanalpos.raw.wasm)
set -euo pipefail
cd "$(dirname "$0")/../.."
wasm=${1:-build/wasm/sanalpos.raw.wasm}
cargo build --locked -q --release -p sanalpos-runner
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$wasm" "$dir/sanalpos.raw.wasm"
(cd "$dir" && sha256sum sanalpos.raw.wasm > sanalpos.raw.wasm.sha256)
cp target/release/libsanalpos_runner.so "$dir/libsanalpos_runner-$(uname -s | tr A-Z a-z)-$(uname -m).so"
# Every op is answered once first (wasmi translates functions on their first call), then one op
# 10 times: the difference from the run without repeats, divided by 10, is one warm call.
count() {
  valgrind --tool=callgrind --collect-atstart=no '--toggle-collect=sanalpos_runner::runner::Runner::call' \
    --callgrind-out-file=/dev/null php tools/bench/ffi-instructions.php "$dir" "$@" 2>&1 | sed -n 's/.*Collected : //p'
}
base=$(count -)
echo "$wasm: $(stat -c %s "$wasm") bytes; host instructions per warm call (callgrind)"
for op in $(php -r 'foreach (file("tests/bench/requests.jsonl", FILE_SKIP_EMPTY_LINES) as $l) echo json_decode($l)->op, "\n";'); do
  printf '  %-20s %9d\n' "$op" $(( ($(count "$op") - base) / 10 ))
done
