#!/bin/sh
# The raw .wasm as `make wasm-raw` optimises it, but with its name section kept (for sizes.py).
set -e
cd "$(dirname "$0")/../.."
level=$(sed -n "s/^RAW_OPT_LEVEL := //p" Makefile)
wasm-opt -O"$level" -g target/wasm32-unknown-unknown/wasm-raw/sanalpos_wasm.wasm -o build/wasm/sanalpos.named.wasm
python3 tools/wasm-size/sizes.py build/wasm/sanalpos.named.wasm "$@"
