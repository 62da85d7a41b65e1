# The two commands: `make test` (every test suite) and, once the bank simulator lands, `make demo`.
# Both install what they need through scripts/bootstrap.sh. `make bench` measures (no pass/fail).
SHELL := /bin/bash
.DEFAULT_GOAL := test

.PHONY: test bootstrap lint test-rust check-data test-node wasm wasm-raw wasm-js cli bench

WASM_TARGET := target/wasm32-unknown-unknown/wasm
BUILD := build
RAW_WASM := $(BUILD)/wasm/sanalpos.raw.wasm
# The JS build has its own target directory: sharing one would make the two feature sets overwrite
# each other's sanalpos_wasm.wasm and relink on every switch.
JS_TARGET_DIR := target/wasm-js
JS_BINDGEN := $(BUILD)/wasm/bindgen
# The npm package (wasm/js) loads its generated glue and .wasm from gen/ (not committed).
NPM_GEN := wasm/js/gen
CLI := target/debug/sanalpos
wasm_size = echo "$(1): $$(stat -c %s $(1)) bytes, $$(gzip -9 -c $(1) | wc -c) gzipped"

test: bootstrap lint test-rust check-data test-node

bootstrap:
	@scripts/bootstrap.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy --locked -p sanalpos-wasm --features raw,js --target wasm32-unknown-unknown -- -D warnings

test-rust:
	cargo test --workspace --locked

# The built-in BIN table must be exactly what its generator produces from the pinned banks-db.
check-data:
	node tools/bin-table/build.mjs --check

# The npm package, both .wasm builds and the examples, against the native core (the reference).
test-node: wasm cli
	SANALPOS_CLI=$(CLI) SANALPOS_RAW_WASM=$(RAW_WASM) node --test wasm/js/test/*.test.mjs

wasm: wasm-raw wasm-js

# The raw .wasm for non-JS hosts (PHP engines): zero imports, optimised, target features kept.
wasm-raw: bootstrap
	cargo build --locked -p sanalpos-wasm --features raw --target wasm32-unknown-unknown --profile wasm
	@mkdir -p $(BUILD)/wasm
	wasm-opt -Oz --strip-debug $(WASM_TARGET)/sanalpos_wasm.wasm -o $(RAW_WASM)
	@$(call wasm_size,$(RAW_WASM))

# The wasm-bindgen build for the npm package: ES-module glue (browsers, bundlers) and CommonJS glue
# (Node) around one .wasm, plus the CommonJS form of the package's API (wasm/js/build-cjs.mjs).
# wasm-opt runs before wasm-bindgen: binaryen 108 rewrites the export of wasm-bindgen's externref
# table to the function table, which breaks the glue at load time.
wasm-js: bootstrap
	cargo build --locked -p sanalpos-wasm --features js --target wasm32-unknown-unknown --profile wasm --target-dir $(JS_TARGET_DIR)
	@mkdir -p $(JS_BINDGEN) $(NPM_GEN)
	wasm-opt -Oz --strip-debug $(JS_TARGET_DIR)/wasm32-unknown-unknown/wasm/sanalpos_wasm.wasm -o $(JS_BINDGEN)/sanalpos.wasm
	wasm-bindgen --target web --out-dir $(JS_BINDGEN)/web --out-name sanalpos $(JS_BINDGEN)/sanalpos.wasm
	wasm-bindgen --target nodejs --out-dir $(JS_BINDGEN)/node --out-name sanalpos $(JS_BINDGEN)/sanalpos.wasm
	@# Both glues load the one gen/sanalpos_bg.wasm, so wasm-bindgen must have made the same module for both.
	cmp $(JS_BINDGEN)/web/sanalpos_bg.wasm $(JS_BINDGEN)/node/sanalpos_bg.wasm
	cp $(JS_BINDGEN)/web/sanalpos_bg.wasm $(NPM_GEN)/sanalpos_bg.wasm
	cp $(JS_BINDGEN)/web/sanalpos.js $(NPM_GEN)/sanalpos.mjs
	cp $(JS_BINDGEN)/node/sanalpos.js $(NPM_GEN)/sanalpos.cjs
	node wasm/js/build-cjs.mjs
	@$(call wasm_size,$(NPM_GEN)/sanalpos_bg.wasm)

# The native command-line tool: the reference the .wasm builds are compared with.
cli:
	cargo build --locked -p sanalpos-core --bin sanalpos

# Operations per second of the npm package and of the raw .wasm in Node, next to native Rust.
bench: wasm
	@mkdir -p $(BUILD)/bench
	cargo bench --locked -p sanalpos-wasm --bench native > $(BUILD)/bench/native.json
	SANALPOS_RAW_WASM=$(RAW_WASM) node wasm/bench/bench.mjs $(BUILD)/bench/native.json
