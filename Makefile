# The two commands: `make test` (every test suite) and, once the bank simulator lands, `make demo`.
# Both install what they need through scripts/bootstrap.sh.
SHELL := /bin/bash
.DEFAULT_GOAL := test

.PHONY: test bootstrap lint test-rust check-data wasm-raw runner engine test-php bench bench-ffi

WASM_TARGET := target/wasm32-unknown-unknown/wasm
BUILD := build
RAW_WASM := $(BUILD)/wasm/sanalpos.raw.wasm
# What the plugin loads at run time (generated, not committed): the module, its SHA-256, the runner.
ENGINE_DIR := plugin-php/engine
PLATFORM := $(shell uname -s | tr A-Z a-z)-$(shell uname -m)
RUNNER_LIB := $(ENGINE_DIR)/libsanalpos_runner-$(PLATFORM).so

test: bootstrap lint test-rust check-data test-php

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

# The FFI runner library (wasm/runner), named by OS and CPU so the plugin can ship several.
runner: bootstrap
	cargo build --locked -p sanalpos-runner --profile runner
	@mkdir -p $(ENGINE_DIR)
	cp target/runner/libsanalpos_runner.so $(RUNNER_LIB)
	@echo "$(RUNNER_LIB): $$(stat -c %s $(RUNNER_LIB)) bytes"

# The plugin's engine files: module + recorded SHA-256 + runner library.
engine: wasm-raw runner
	@mkdir -p $(ENGINE_DIR)
	cp $(RAW_WASM) $(ENGINE_DIR)/sanalpos.raw.wasm
	cd $(ENGINE_DIR) && sha256sum sanalpos.raw.wasm > sanalpos.raw.wasm.sha256

# PHP: syntax of every file (one by one), then PHPUnit; the conformance reference is the native tool.
test-php: engine
	@for f in $$(find plugin-php tests -name '*.php' -not -path 'plugin-php/engine/*'); do php -l "$$f" >/dev/null || exit 1; done
	cargo build --locked -p sanalpos-core --bin sanalpos
	phpunit -c plugin-php/phpunit.xml

bench: bench-ffi

# FFI engine: cold and warm times beside Node (same raw .wasm) and native Rust; memory; library size.
bench-ffi: engine
	cargo build --locked --release -p sanalpos-core --example bench
	php tests/bench/ffi.php
