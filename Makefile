# The two commands: `make demo` (the bank simulator and the demo shop) and `make test` (every test suite).
# Both install what they need through scripts/bootstrap.sh. `make bench` measures (no pass/fail).
SHELL := /bin/bash
.DEFAULT_GOAL := test

.PHONY: test bootstrap lint test-rust check-data test-node wasm wasm-raw wasm-js wasm-checkout cli cli-checkout runner engine php-engine test-php check-i18n pot plugin-assets dist test-dist bench bench-ffi bench-php demo demo-build test-e2e

BUILD := build
RAW_WASM := $(BUILD)/wasm/sanalpos.raw.wasm
# The raw build's optimisation level, for rustc (Cargo profile wasm-raw) and wasm-opt alike. Only
# the PHP engines load this build and both interpret it (wasmi; PHP): at "z" nothing is inlined
# and they pay for every small call. Measured (tools/bench/ffi-instructions.sh, make bench-php):
#   z: 489 KB (206 KB gzipped); FFI warm verify 2,961k host instructions; PHP warm verify 2.8 ms
#   s: 573 KB (233 KB);         1,990k (-33 %);                          2.2 ms
#   2: 721 KB (286 KB);         1,474k (-50 %);                          1.7 ms; zip +0.3 MB
#   3: 739 KB (291 KB);         1,466k, more PHP to load per request
# wasm-opt's own level moves these by 2 % at most. The JS build, downloaded by shoppers, stays at
# "z" (profile wasm). Cargo reads the level from CARGO_PROFILE_WASM_RAW_OPT_LEVEL.
RAW_OPT_LEVEL := 2
RAW_TARGET := target/wasm32-unknown-unknown/wasm-raw
# The JS build has its own target directory: sharing one would make the two feature sets overwrite
# each other's sanalpos_wasm.wasm and relink on every switch.
JS_TARGET_DIR := target/wasm-js
JS_BINDGEN := $(BUILD)/wasm/bindgen
# The npm package (wasm/js) loads its generated glue and .wasm from gen/ (not committed).
NPM_GEN := wasm/js/gen
# The checkout build (browser glue and .wasm, what the plugin ships); its own target directory too.
CHECKOUT_TARGET_DIR := target/wasm-checkout
CHECKOUT_WASM_DIR := $(BUILD)/wasm/checkout
CLI := target/debug/sanalpos
# The core without its bank gateways (native: tests, and the checkout build's reference tool).
NO_GATEWAYS_TARGET_DIR := target/no-gateways
CHECKOUT_CLI := $(NO_GATEWAYS_TARGET_DIR)/debug/sanalpos
wasm_size = echo "$(1): $$(stat -c %s $(1)) bytes, $$(gzip -9 -c $(1) | wc -c) gzipped"

# What the plugin loads at run time (generated, not committed): the module, its SHA-256, the
# runner library of this OS and CPU, and the module translated to PHP.
ENGINE_DIR := plugin-php/engine
PLATFORM := $(shell uname -s | tr A-Z a-z)-$(shell uname -m)
RUNNER_LIB := $(ENGINE_DIR)/libsanalpos_runner-$(PLATFORM).so

test: bootstrap lint test-rust check-data test-node test-php test-dist test-e2e

bootstrap:
	@scripts/bootstrap.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy --locked -p sanalpos-core --no-default-features --all-targets -- -D warnings
	cargo clippy --locked -p sanalpos-wasm --features raw,js --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --locked -p sanalpos-wasm --no-default-features --features checkout --target wasm32-unknown-unknown -- -D warnings

# The core twice: with its bank gateways (default) and without (the checkout build's core), the
# latter in its own target directory so that its command-line tool does not replace the full one.
test-rust:
	cargo test --workspace --locked
	cargo test --locked -p sanalpos-core --no-default-features --target-dir $(NO_GATEWAYS_TARGET_DIR)

# The built-in BIN table must be exactly what its generator produces from the pinned banks-db.
check-data:
	node tools/bin-table/build.mjs --check

# The npm package, the three .wasm builds and the examples, against the native core (the
# reference; for the checkout build, the native core without gateways as well).
test-node: wasm cli cli-checkout
	SANALPOS_CLI=$(CLI) SANALPOS_CHECKOUT_CLI=$(CHECKOUT_CLI) SANALPOS_RAW_WASM=$(RAW_WASM) SANALPOS_CHECKOUT_WASM_DIR=$(CHECKOUT_WASM_DIR) \
	  node --test wasm/js/test/*.test.mjs

wasm: wasm-raw wasm-js wasm-checkout

# The raw .wasm for non-JS hosts (PHP engines): zero imports, optimised for speed at RAW_OPT_LEVEL
# (see above), target features kept.
wasm-raw: bootstrap
	CARGO_PROFILE_WASM_RAW_OPT_LEVEL=$(RAW_OPT_LEVEL) cargo build --locked -p sanalpos-wasm --features raw --target wasm32-unknown-unknown --profile wasm-raw
	@mkdir -p $(BUILD)/wasm
	wasm-opt -O$(RAW_OPT_LEVEL) --strip-debug $(RAW_TARGET)/sanalpos_wasm.wasm -o $(RAW_WASM)
	@$(call wasm_size,$(RAW_WASM))

# The wasm-bindgen build for the npm package: ES-module glue (browsers, bundlers) and CommonJS glue
# (Node) around one .wasm, plus the CommonJS form of the package's API (wasm/js/build-cjs.mjs); and
# the checkout build for its `sanalpos/checkout` entry, with the API module bound to its glue.
# wasm-opt runs before wasm-bindgen: binaryen 108 rewrites the export of wasm-bindgen's externref
# table to the function table, which breaks the glue at load time.
wasm-js: bootstrap wasm-checkout
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
	@mkdir -p $(NPM_GEN)/checkout
	cp $(CHECKOUT_WASM_DIR)/sanalpos_bg.wasm $(NPM_GEN)/checkout/sanalpos_bg.wasm
	cp $(CHECKOUT_WASM_DIR)/sanalpos.js $(NPM_GEN)/checkout/sanalpos.mjs
	sed "s#from './gen/sanalpos.mjs';#from './sanalpos.mjs';#" wasm/js/api.mjs > $(NPM_GEN)/checkout/api.mjs
	grep -q "from './sanalpos.mjs';" $(NPM_GEN)/checkout/api.mjs

# The checkout build, what the plugin sends to shoppers' browsers (scripts/plugin-assets.sh): the
# JS build's `handle` on the core without its bank gateways (core/API.md, Builds), which the
# browser's checkout never calls, and without Web Crypto (none of its ops takes a nonce). ES-module
# glue only; at "z" with target features kept, like the JS build, and made the same way.
wasm-checkout: bootstrap
	cargo build --locked -p sanalpos-wasm --no-default-features --features checkout --target wasm32-unknown-unknown --profile wasm --target-dir $(CHECKOUT_TARGET_DIR)
	@mkdir -p $(JS_BINDGEN) $(CHECKOUT_WASM_DIR)
	wasm-opt -Oz --strip-debug $(CHECKOUT_TARGET_DIR)/wasm32-unknown-unknown/wasm/sanalpos_wasm.wasm -o $(JS_BINDGEN)/checkout.wasm
	wasm-bindgen --target web --no-typescript --out-dir $(CHECKOUT_WASM_DIR) --out-name sanalpos $(JS_BINDGEN)/checkout.wasm
	@# The glue is an ES module named .js: Node (the tests) needs to be told, whatever its version.
	echo '{"type":"module"}' > $(CHECKOUT_WASM_DIR)/package.json
	@$(call wasm_size,$(CHECKOUT_WASM_DIR)/sanalpos_bg.wasm)

# The native command-line tool: the reference the .wasm builds are compared with.
cli:
	cargo build --locked -p sanalpos-core --bin sanalpos

# The same without the bank gateways, the checkout build's reference (its own target directory,
# or it would replace the one above).
cli-checkout:
	cargo build --locked -p sanalpos-core --bin sanalpos --no-default-features --target-dir $(NO_GATEWAYS_TARGET_DIR)

# Operations per second of the npm package and of the raw .wasm in Node, next to native Rust.
bench: wasm bench-ffi bench-php
	@mkdir -p $(BUILD)/bench
	cargo bench --locked -p sanalpos-wasm --bench native > $(BUILD)/bench/native.json
	SANALPOS_RAW_WASM=$(RAW_WASM) node wasm/bench/bench.mjs $(BUILD)/bench/native.json
	@echo "$(RAW_WASM): $$(stat -c %s $(RAW_WASM)) bytes, $$(gzip -9 -c $(RAW_WASM) | wc -c) gzipped"

# PHP: syntax of every file (one by one), the translations, then PHPUnit (flow and WooCommerce
# plugin against WordPress/WooCommerce test doubles); the reference core is the native tool.
test-php: bootstrap check-i18n cli engine php-engine
	@for f in $$(find plugin-php tests -name '*.php' -not -path 'plugin-php/engine/*'); do php -l "$$f" >/dev/null || exit 1; done
	phpunit -c plugin-php/phpunit.xml --testsuite plugin
	node --test plugin-php/tests/js/

# The plugin's translation template must list every string of its PHP, the Turkish translation
# must be complete, and its compiled .mo must be what msgfmt makes of the .po.
LANG_DIR := plugin-php/languages
check-i18n:
	@mkdir -p $(BUILD)
	@# Source locations (#: lines) may drift; the strings may not.
	@$(LANG_DIR)/make-pot.sh | grep -v '^#:' | diff -u <(grep -v '^#:' $(LANG_DIR)/sanalpos-woocommerce.pot) - || { echo "check-i18n: the .pot is stale: run make pot" >&2; exit 1; }
	@# The statistics go to the log through a variable: `tee /dev/stderr` would reopen (and empty) a log file.
	@stats=$$(msgmerge --quiet --no-fuzzy-matching --output-file=- $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po $(LANG_DIR)/sanalpos-woocommerce.pot \
	  | msgfmt --check --statistics -o $(BUILD)/tr_TR.mo - 2>&1); status=$$?; \
	  echo "$$stats"; [ $$status = 0 ] && ! grep -q -e untranslated -e fuzzy <<< "$$stats"
	@msgfmt --check -o $(BUILD)/tr_TR.mo $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po && cmp $(BUILD)/tr_TR.mo $(LANG_DIR)/sanalpos-woocommerce-tr_TR.mo \
	  || { echo "check-i18n: the .mo is not compiled from the .po: run make pot" >&2; exit 1; }

# Regenerates the template, merges it into the Turkish .po and compiles the .mo.
pot:
	$(LANG_DIR)/make-pot.sh > $(LANG_DIR)/sanalpos-woocommerce.pot
	msgmerge --quiet --update --backup=none --no-fuzzy-matching $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po $(LANG_DIR)/sanalpos-woocommerce.pot
	msgfmt --check -o $(LANG_DIR)/sanalpos-woocommerce-tr_TR.mo $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po

# The installable plugin: dist/sanalpos-woocommerce-<version>.zip (scripts/dist.sh): the plugin's
# PHP, assets and translations, the checkout build of the .wasm (assets/sanalpos/), the engine
# directory's build artifacts (raw .wasm, its SHA-256, the PHP engine) and the FFI runner for linux
# x86_64 and aarch64 built against glibc 2.17 with cargo-zigbuild (installed by bootstrap).
PLUGIN_VERSION := $(shell sed -n 's/^ \* Version: *//p' plugin-php/sanalpos-woocommerce.php)
DIST_ZIP := dist/sanalpos-woocommerce-$(PLUGIN_VERSION).zip
dist: bootstrap wasm-checkout php-engine
	scripts/dist.sh $(PLUGIN_VERSION)

# The zip as a shop installs it: its file list, the runner libraries' glibc baseline, each of them
# answering the conformance corpus on its CPU (qemu-user for aarch64), nothing that must not ship,
# and the unpacked plugin loading and running on both engines.
test-dist: dist cli
	SANALPOS_ZIP=$(DIST_ZIP) phpunit -c plugin-php/phpunit.xml --testsuite dist

# The browser build of the .wasm (the checkout build, with the npm package's API module) where the
# plugin's pages load it (generated, not committed).
plugin-assets: wasm-checkout
	scripts/plugin-assets.sh plugin-php

# The PHP engine: the raw .wasm translated into PHP (wasm/wasm2php): the module class, its parts
# (loaded on first call) and its data segments, every file stamped with the .wasm's SHA-256
# (plugin-php/engine/ holds build artifacts only; the plugin zip ships them, php/ included).
PHP_MODULE_DIR := $(ENGINE_DIR)/php

php-engine: engine
	cargo run --locked -q -p wasm2php -- $(ENGINE_DIR)/sanalpos.raw.wasm -o $(PHP_MODULE_DIR)
	@rm -f $(ENGINE_DIR)/SanalposModule.php # the one-file module of earlier builds
	@echo "$(PHP_MODULE_DIR): $$(ls $(PHP_MODULE_DIR) | wc -l) files, $$(cat $(PHP_MODULE_DIR)/* | wc -c) bytes"

# The PHP engine's cold and warm times and memory, with opcache on and off, beside Node and native.
bench-php: php-engine
	cargo build --locked -q --release -p sanalpos-core --bin sanalpos
	php tools/bench/php-engine.php

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

# FFI engine: cold and warm times beside Node (same raw .wasm) and native Rust; memory; library size.
bench-ffi: engine
	cargo build --locked --release -p sanalpos-core --example bench
	php tests/bench/ffi.php

# The demo: the bank simulator and the demo shop on 127.0.0.1 until Ctrl-C (scripts/demo.sh). The
# shop runs the plugin's payment flow on the engine the plugin would pick (EngineFactory); the
# checkout runs the core in the browser (the plugin's assets: the checkout build).
demo: bootstrap demo-build
	@scripts/demo.sh

demo-build: plugin-assets engine php-engine
	cargo build --locked -p sanalpos-bank-sim

# Chromium pays through the demo shop against the simulator (tests/e2e; screenshots in tests/e2e/artifacts).
test-e2e: demo-build
	node --test tests/e2e/checkout.test.mjs
