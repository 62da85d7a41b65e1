#!/usr/bin/env bash
# Builds dist/sanalpos-woocommerce-<version>.zip (`make dist`, which builds the .wasm files and the
# PHP engine first): the plugin's committed files without tests and development files, the browser
# build of the .wasm with its ES-module glue, the engine directory's build artifacts (the raw .wasm,
# its SHA-256, the PHP engine) and the FFI runner for linux x86_64 and aarch64, linked against glibc
# 2.17 with cargo-zigbuild. The zip is checked by `make test-dist` (plugin-php/tests/Dist).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1
GLIBC=2.17
stage=build/dist/sanalpos-woocommerce
zip=dist/sanalpos-woocommerce-$version.zip
rm -rf build/dist && mkdir -p "$stage" dist

# The plugin's committed files, less what only its developers use.
git ls-files -z plugin-php | grep -zv -e '^plugin-php/tests/' -e '^plugin-php/phpunit.xml$' -e '^plugin-php/languages/.*\.sh$' \
  | xargs -0 -I{} sh -c 'mkdir -p "$1/$(dirname "${2#plugin-php/}")" && cp "$2" "$1/${2#plugin-php/}"' _ "$stage" {}

# The browser build of the .wasm and its ES-module glue: the checkout build (make wasm-checkout).
scripts/plugin-assets.sh "$stage"

# The engine directory's build artifacts (make php-engine): the raw .wasm, its recorded SHA-256 and
# the PHP engine, whatever files and folders that is made of; not this machine's own runner build.
mkdir -p "$stage/engine"
tar -C plugin-php/engine --exclude='libsanalpos_runner-*' -cf - . | tar -C "$stage/engine" -xf -
(cd "$stage/engine" && sha256sum --check --quiet sanalpos.raw.wasm.sha256)
cmp build/wasm/sanalpos.raw.wasm "$stage/engine/sanalpos.raw.wasm"

# The FFI runner for each Linux CPU, against an old glibc so that it loads on old hosts.
export PATH="$PWD/target/tools/zig/bin:$PATH" PYTHONPATH="$PWD/target/tools/zig${PYTHONPATH:+:$PYTHONPATH}"
for arch in x86_64 aarch64; do
  cargo zigbuild --locked -q -p sanalpos-runner --profile runner --target "$arch-unknown-linux-gnu.$GLIBC"
  cp "target/$arch-unknown-linux-gnu/runner/libsanalpos_runner.so" "$stage/engine/libsanalpos_runner-linux-$arch.so"
done

rm -f "$zip"
# Sorted names and no extra attributes: the same tree gives the same list.
(cd build/dist && find sanalpos-woocommerce -print | LC_ALL=C sort | zip -q -X -9 "../../$zip" -@)
echo "$zip: $(stat -c %s "$zip") bytes, $(unzip -Z1 "$zip" | grep -vc '/$') files"
