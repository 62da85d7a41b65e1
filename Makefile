# The two commands: `make test` (every test suite) and, once the bank simulator lands, `make demo`.
# Both install what they need through scripts/bootstrap.sh.
SHELL := /bin/bash
.DEFAULT_GOAL := test

.PHONY: test bootstrap lint test-rust check-data

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
