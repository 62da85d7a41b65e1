// Writes gen/api.cjs, the CommonJS form of api.mjs, for `require` on Node 18 (which cannot require
// an ES module). The conversion is deliberately narrow and fails on anything it does not expect.
import { readFileSync, writeFileSync } from 'node:fs';

const source = readFileSync(new URL('./api.mjs', import.meta.url), 'utf8');
const IMPORT = "import { handle as coreHandle } from './gen/sanalpos.mjs';";
const REQUIRE = "const { handle: coreHandle } = require('./sanalpos.cjs');";

if (source.split(IMPORT).length !== 2) {
  throw new Error(`api.mjs: expected exactly one line ${IMPORT}`);
}
const names = [...source.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]);
const body = source.replace(IMPORT, REQUIRE).replace(/^export (class|function|const) /gm, '$1 ');
const leftover = body.match(/^\s*(import|export)\b.*$/m);
if (leftover) {
  throw new Error(`api.mjs: build-cjs.mjs cannot convert: ${leftover[0]}`);
}
const header = "'use strict';\n// Generated from ../api.mjs by ../build-cjs.mjs (`make wasm`): do not edit.\n";
writeFileSync(new URL('./gen/api.cjs', import.meta.url), `${header}${body}\nmodule.exports = { ${names.join(', ')} };\n`);
