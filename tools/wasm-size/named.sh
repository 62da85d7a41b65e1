#!/bin/sh
# The raw .wasm as `make wasm-raw` optimises it, but with its name section kept (for sizes.py).
set -e
cd "$(dirname "$0")/../.."
wasm-opt -Oz -g target/wasm32-unknown-unknown/wasm/sanalpos_wasm.wasm -o build/wasm/sanalpos.named.wasm
python3 tools/wasm-size/sizes.py build/wasm/sanalpos.named.wasm "$@"
