#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine with the Rust toolchain lacks for `make test`,
# `make demo` and `make bench`. Idempotent: every step checks first, so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "bootstrap: need root (or sudo) for: $*" >&2; exit 1
  fi
}

# Debian packages: command to look for -> package providing it.
APT_PACKAGES=(
  "node:nodejs" "npm:npm" "wasm-opt:binaryen"
  # PHP: the plugin and engine tests (Debian's PHP has FFI built in; php-cgi runs the FPM-style
  # checks), its translations, its zip, and the engine benchmarks.
  "php:php-cli" "php-cgi:php-cgi" "phpunit:phpunit" "msgfmt:gettext" "zip:zip" "unzip:unzip" "hyperfine:hyperfine"
  # The plugin zip's check reads the runner libraries' ELF headers and symbol versions, and runs
  # its checkout script in Debian's Chromium (also the end-to-end tests' browser).
  "objdump:binutils" "readelf:binutils" "chromium:chromium"
  # ...and runs the aarch64 runner library under qemu-user, with Debian's arm64 glibc.
  "qemu-aarch64:qemu-user"
)
missing=()
for entry in "${APT_PACKAGES[@]}"; do
  cmd=${entry%%:*} pkg=${entry#*:}
  command -v "$cmd" >/dev/null || missing+=("$pkg")
done
[ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ] || missing+=("libc6-arm64-cross")
# PDO's SQLite driver (the demo shop's orders) has no command of its own.
{ command -v php >/dev/null && php -m | grep -qx pdo_sqlite; } || missing+=("php-sqlite3")
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Rust components used by the lint step.
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || { say "rustup component add $component"; rustup component add "$component"; }
done

# The .wasm builds.
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || { say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

# wasm-bindgen's command-line tool must be exactly the version of the wasm-bindgen crate in Cargo.lock.
# Not `--locked`: its own lockfile wants crates the registry lacks (docs/php-wasm-runtime.md §3).
wasm_bindgen_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  say "cargo install wasm-bindgen-cli $wasm_bindgen_version (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "=$wasm_bindgen_version"
fi

# Dev dependencies of the npm package's tests (TypeScript for the type check), as locked.
if ! cmp -s wasm/js/package-lock.json wasm/js/node_modules/.bootstrap-lock.json; then
  say "npm ci in wasm/js"
  (cd wasm/js && npm ci --no-audit --no-fund)
  cp wasm/js/package-lock.json wasm/js/node_modules/.bootstrap-lock.json
fi

# playwright-core for the end-to-end tests, as locked (it drives Debian's Chromium: no browser download).
if ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.bootstrap-lock.json; then
  say "npm ci in tests/e2e"
  (cd tests/e2e && npm ci --no-audit --no-fund)
  cp tests/e2e/package-lock.json tests/e2e/node_modules/.bootstrap-lock.json
fi

# The plugin zip's FFI runner for linux x86_64 and aarch64, linked against an old glibc: cargo-zigbuild
# with zig from PyPI's ziglang, pinned, into target/tools/zig (no root needed: pip --target, which
# also leaves a distribution's externally-managed Python alone). scripts/dist.sh puts it on PATH.
ZIG_TOOLS=target/tools/zig
ZIG_PINS="cargo-zigbuild==0.24.1 ziglang==0.15.2"
if [ "$(cat "$ZIG_TOOLS/.pins" 2>/dev/null)" != "$ZIG_PINS" ]; then
  if ! python3 -m pip --version >/dev/null 2>&1; then
    say "apt-get install python3-pip"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip
  fi
  say "pip install $ZIG_PINS (into $ZIG_TOOLS)"
  rm -rf "$ZIG_TOOLS"
  # shellcheck disable=SC2086 # the pins are separate arguments
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore --target "$ZIG_TOOLS" $ZIG_PINS
  echo "$ZIG_PINS" > "$ZIG_TOOLS/.pins"
fi
for target in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu; do
  rustup target list --installed 2>/dev/null | grep -qx "$target" || { say "rustup target add $target"; rustup target add "$target"; }
done
