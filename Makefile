# The two commands: `make test` (every test suite) and, once the bank simulator lands, `make demo`.
# Both install what they need through scripts/bootstrap.sh.
SHELL := /bin/bash
.DEFAULT_GOAL := test

.PHONY: test bootstrap lint test-rust check-data wasm-raw php-engine test-php bench bench-php

WASM_TARGET := target/wasm32-unknown-unknown/wasm
BUILD := build
RAW_WASM := $(BUILD)/wasm/sanalpos.raw.wasm

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

# The PHP engine: the raw .wasm translated into one PHP class, stamped with the .wasm's SHA-256
# (plugin-php/engine/ holds build artifacts only; the plugin zip ships them).
PHP_ENGINE_DIR := plugin-php/engine
PHP_MODULE := $(PHP_ENGINE_DIR)/SanalposModule.php

php-engine: wasm-raw
	@mkdir -p $(PHP_ENGINE_DIR)
	cargo run --locked -q -p wasm2php -- $(RAW_WASM) -o $(PHP_MODULE)
	sha256sum $(RAW_WASM) | cut -d' ' -f1 > $(PHP_ENGINE_DIR)/sanalpos.wasm.sha256
	@echo "$(PHP_MODULE): $$(stat -c %s $(PHP_MODULE)) bytes"

# PHPUnit against the native core (the reference answers come from the `sanalpos` CLI).
test-php: php-engine
	cargo build --locked -q -p sanalpos-core --bin sanalpos
	phpunit -c plugin-php/phpunit.xml

bench: bench-php

bench-php: php-engine
	cargo build --locked -q --release -p sanalpos-core --bin sanalpos
	php tools/bench/php-engine.php
