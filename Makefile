# The two commands: `make test` (every test suite) and, once the bank simulator lands, `make demo`.
# Both install what they need through scripts/bootstrap.sh.
SHELL := /bin/bash
.DEFAULT_GOAL := test

.PHONY: test bootstrap lint test-rust check-data wasm-raw test-php check-i18n pot dist

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

# PHP: syntax of every file (one by one), the translations, then PHPUnit (flow and WooCommerce
# plugin against WordPress/WooCommerce test doubles); the reference core is the native tool.
test-php: bootstrap check-i18n
	@for f in $$(find plugin-php tests -name '*.php' -not -path 'plugin-php/engine/*'); do php -l "$$f" >/dev/null || exit 1; done
	cargo build --locked -p sanalpos-core --bin sanalpos
	phpunit -c plugin-php/phpunit.xml
	node --test plugin-php/tests/js/

# The plugin's translation template must list every string of its PHP, the Turkish translation
# must be complete, and its compiled .mo must be what msgfmt makes of the .po.
LANG_DIR := plugin-php/languages
check-i18n:
	@mkdir -p $(BUILD)
	@# Source locations (#: lines) may drift; the strings may not.
	@$(LANG_DIR)/make-pot.sh | grep -v '^#:' | diff -u <(grep -v '^#:' $(LANG_DIR)/sanalpos-woocommerce.pot) - || { echo "check-i18n: the .pot is stale: run make pot" >&2; exit 1; }
	@msgmerge --quiet --no-fuzzy-matching --output-file=- $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po $(LANG_DIR)/sanalpos-woocommerce.pot \
	  | msgfmt --check --statistics -o $(BUILD)/tr_TR.mo - 2>&1 | tee /dev/stderr | grep -qv -e untranslated -e fuzzy
	@msgfmt --check -o $(BUILD)/tr_TR.mo $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po && cmp $(BUILD)/tr_TR.mo $(LANG_DIR)/sanalpos-woocommerce-tr_TR.mo \
	  || { echo "check-i18n: the .mo is not compiled from the .po: run make pot" >&2; exit 1; }

# Regenerates the template, merges it into the Turkish .po and compiles the .mo.
pot:
	$(LANG_DIR)/make-pot.sh > $(LANG_DIR)/sanalpos-woocommerce.pot
	msgmerge --quiet --update --backup=none --no-fuzzy-matching $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po $(LANG_DIR)/sanalpos-woocommerce.pot
	msgfmt --check -o $(LANG_DIR)/sanalpos-woocommerce-tr_TR.mo $(LANG_DIR)/sanalpos-woocommerce-tr_TR.po

# The installable plugin: dist/sanalpos-woocommerce-<version>.zip with the plugin's PHP, assets
# and translations, the browser build of the .wasm (assets/sanalpos/, from the npm package), the
# raw .wasm with its SHA-256 and the FFI runner for linux x86_64 and aarch64 (built against
# glibc 2.17 with cargo-zigbuild), the PHP engine when it is built, and readme.txt.
# Needs the wasm-js, wasm-raw and runner builds (issues #6, #7, #8).
PLUGIN_VERSION := $(shell sed -n 's/^ \* Version: *//p' plugin-php/sanalpos-woocommerce.php)
dist: bootstrap wasm-raw
	scripts/dist.sh $(PLUGIN_VERSION)
