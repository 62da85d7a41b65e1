#!/usr/bin/env bash
# Copies the browser build of the core (the npm package's browser entry, its API module, the
# wasm-bindgen glue and .wasm, from `make wasm-js`) to <plugin folder>/assets/sanalpos/. The ES
# modules get `.js` names (imports rewritten to match): many web servers still send `.mjs` with a
# type browsers refuse for modules, while `.js` is JavaScript everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$1/assets/sanalpos
rm -rf "$dest" && mkdir -p "$dest/gen"
rename_imports() { sed -e "s#'\./gen/sanalpos\.mjs'#'./gen/sanalpos.js'#" -e "s#'\./api\.mjs'#'./api.js'#" "$1"; }
rename_imports wasm/js/browser.mjs > "$dest/browser.js"
rename_imports wasm/js/api.mjs > "$dest/api.js"
cp wasm/js/gen/sanalpos.mjs "$dest/gen/sanalpos.js"
cp wasm/js/gen/sanalpos_bg.wasm "$dest/gen/"
# Every import must still resolve: no `.mjs` name may be left.
if grep -n "\.mjs['\"]" "$dest"/*.js "$dest"/gen/*.js; then
  echo "plugin-assets: an import still names a .mjs file" >&2; exit 1
fi
