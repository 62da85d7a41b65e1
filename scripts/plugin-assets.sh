#!/usr/bin/env bash
# Copies the browser build of the core to <plugin folder>/assets/sanalpos/: the npm package's
# browser entry and API module (wasm/js) around the checkout build's glue and .wasm (`make
# wasm-checkout`: the core without its bank gateways, which the checkout never calls in the
# browser; the npm package's own build has them). Both glues export the one `handle` the API
# module imports, so it runs unchanged. The ES modules get `.js` names (imports rewritten to
# match): many web servers still send `.mjs` with a type browsers refuse for modules, while `.js`
# is JavaScript everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$1/assets/sanalpos
build=build/wasm/checkout
rm -rf "$dest" && mkdir -p "$dest/gen"
rename_imports() { sed -e "s#'\./gen/sanalpos\.mjs'#'./gen/sanalpos.js'#" -e "s#'\./api\.mjs'#'./api.js'#" "$1"; }
rename_imports wasm/js/browser.mjs > "$dest/browser.js"
rename_imports wasm/js/api.mjs > "$dest/api.js"
cp "$build/sanalpos.js" "$dest/gen/sanalpos.js"
cp "$build/sanalpos_bg.wasm" "$dest/gen/"
# Every import must still resolve: no `.mjs` name may be left.
if grep -n "\.mjs['\"]" "$dest"/*.js "$dest"/gen/*.js; then
  echo "plugin-assets: an import still names a .mjs file" >&2; exit 1
fi
