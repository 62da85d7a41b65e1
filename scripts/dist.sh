#!/usr/bin/env bash
# Builds dist/sanalpos-woocommerce-<version>.zip (see `make dist`) and checks it: every runner
# library needs at most glibc 2.17, the module matches its recorded SHA-256, the zip holds no tests.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1
GLIBC=2.17
stage=build/dist/sanalpos-woocommerce
rm -rf build/dist && mkdir -p "$stage" dist

# The plugin's own files (tests, dev docs and generated folders stay out).
(cd plugin-php && tar cf - --exclude=./tests --exclude=./phpunit.xml --exclude=./engine --exclude=./assets/sanalpos .) | (cd "$stage" && tar xf -)

# The browser build of the .wasm and its ES-module glue, from the npm package's build.
if [ -f wasm/js/gen/sanalpos_bg.wasm ]; then
  mkdir -p "$stage/assets/sanalpos/gen"
  cp wasm/js/browser.mjs wasm/js/api.mjs "$stage/assets/sanalpos/"
  cp wasm/js/gen/sanalpos.mjs wasm/js/gen/sanalpos_bg.wasm "$stage/assets/sanalpos/gen/"
else
  echo "dist: the browser .wasm is missing: run make wasm-js (npm package build)" >&2; exit 1
fi

# The raw .wasm for the PHP engines, with its recorded SHA-256.
mkdir -p "$stage/engine"
cp build/wasm/sanalpos.raw.wasm "$stage/engine/"
(cd "$stage/engine" && sha256sum sanalpos.raw.wasm > sanalpos.raw.wasm.sha256)

# The FFI runner for each Linux CPU, against an old glibc so that it loads on old hosts.
if [ -d wasm/runner ]; then
  for arch in x86_64 aarch64; do
    cargo zigbuild --locked -p sanalpos-runner --profile runner --target "$arch-unknown-linux-gnu.$GLIBC"
    lib="$stage/engine/libsanalpos_runner-linux-$arch.so"
    cp "target/$arch-unknown-linux-gnu/runner/libsanalpos_runner.so" "$lib"
    need=$(objdump -T "$lib" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
    if [ "$(printf '%s\n%s\n' "$need" "$GLIBC" | sort -V | tail -1)" != "$GLIBC" ]; then
      echo "dist: $lib needs glibc $need, more than $GLIBC" >&2; exit 1
    fi
    echo "dist: $lib needs glibc $need at most"
  done
else
  echo "dist: no runner crate (wasm/runner) yet: the zip has no FFI engine" >&2
fi

# The PHP engine (the .wasm translated to PHP: every file of engine/php/), when this tree builds it.
[ -d plugin-php/engine/php ] && cp -r plugin-php/engine/php "$stage/engine/"

(cd "$stage/engine" && sha256sum --check --quiet sanalpos.raw.wasm.sha256)
rm -f "dist/sanalpos-woocommerce-$version.zip"
(cd build/dist && zip -qr -X "../../dist/sanalpos-woocommerce-$version.zip" sanalpos-woocommerce)
if unzip -l "dist/sanalpos-woocommerce-$version.zip" | grep -q '/tests/'; then
  echo "dist: tests slipped into the zip" >&2; exit 1
fi
echo "dist/sanalpos-woocommerce-$version.zip: $(stat -c %s "dist/sanalpos-woocommerce-$version.zip") bytes"
