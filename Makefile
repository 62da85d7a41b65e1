# The two commands: `make test` (every test suite) and, once the bank simulator lands, `make demo`.
# Both install what they need through scripts/bootstrap.sh.
SHELL := /bin/bash
.DEFAULT_GOAL := test

.PHONY: test bootstrap lint test-rust check-data wasm-raw

WASM_TARGET := target/wasm32-unknown-unknown/wasm
BUILD := build
RAW_WASM := $(BUILD)/wasm/sanalpos.raw.wasm

test: bootstrap lint test-rust check-data

bootstrap:
	@scripts/bootstrap.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

test-rust:
	cargo test --workspace --locked

# The built-in BIN table must be exactly what its generator produces from the pinned banks-db.
check-data:
	node tools/bin-table/build.mjs --check

# The raw .wasm for non-JS hosts (PHP engines): zero imports, optimised, target features kept.
wasm-raw: bootstrap
	cargo build --locked -p sanalpos-wasm --features raw --target wasm32-unknown-unknown --profile wasm
	@mkdir -p $(BUILD)/wasm
	wasm-opt -Oz --strip-debug $(WASM_TARGET)/sanalpos_wasm.wasm -o $(RAW_WASM)
	@echo "$(RAW_WASM): $$(stat -c %s $(RAW_WASM)) bytes, $$(gzip -9 -c $(RAW_WASM) | wc -c) gzipped"
