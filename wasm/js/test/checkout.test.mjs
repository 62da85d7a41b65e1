// The checkout build (make wasm-checkout): what the plugin sends to shoppers' browsers, the core
// without its bank gateways (core/API.md, Builds). Over the engine-conformance corpus, against the
// native core with and without gateways; its module's shape; and the size budget of issue 6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = new URL('../../../', import.meta.url);
const dir = new URL(`${process.env.SANALPOS_CHECKOUT_WASM_DIR ?? 'build/wasm/checkout'}/`, root);
const wasmPath = new URL('sanalpos_bg.wasm', dir);
const cli = fileURLToPath(new URL(process.env.SANALPOS_CLI ?? 'target/debug/sanalpos', root));
const checkoutCli = fileURLToPath(new URL(process.env.SANALPOS_CHECKOUT_CLI ?? 'target/no-gateways/debug/sanalpos', root));
const corpus = readFileSync(new URL('tests/conformance/requests.jsonl', root), 'utf8');
const lines = corpus.split('\n').filter((line) => line !== '');
const answersOf = (tool) => execFileSync(tool, { input: corpus, encoding: 'utf8' }).split('\n').filter((line) => line !== '');

// The bank ops, as core/API.md (Builds) lists the ones the checkout build lacks.
const GATEWAY_OPS = ['gateways.list', 'payment.prepare', 'callback.verify', 'api.request', 'api.parse', 'signature.compute'];

// The web glue, given the .wasm's bytes (Node cannot fetch it by URL as browsers do).
const glue = await import(pathToFileURL(fileURLToPath(new URL('sanalpos.js', dir))).href);
glue.initSync({ module: readFileSync(wasmPath) });
const { handle } = glue;

/**
 * The op the core dispatches the request to: a JSON object's string `op`, when `lang` is valid
 * (the core checks it first); else null.
 */
function opOf(request) {
  try {
    const { op, lang } = JSON.parse(request);
    return typeof op === 'string' && [undefined, null, 'en', 'tr'].includes(lang) ? op : null;
  } catch {
    return null;
  }
}

test('the checkout build answers every corpus line byte for byte like the native core without gateways', () => {
  const native = answersOf(checkoutCli);
  assert.equal(native.length, lines.length, 'one native answer per corpus line');
  lines.forEach((request, i) => assert.equal(handle(request), native[i], `line ${i + 1}: ${request}`));
});

test('the checkout build answers the corpus like the full native core, but for the bank ops and version', () => {
  const native = answersOf(cli);
  const counts = { same: 0, unavailable: 0, version: 0 };
  lines.forEach((request, i) => {
    const op = opOf(request);
    const answer = handle(request);
    const where = `line ${i + 1}: ${request}`;
    if (GATEWAY_OPS.includes(op)) {
      const { ok, error } = JSON.parse(answer);
      assert.deepEqual([ok, error.code, error.field], [false, 'request.op_unavailable', 'op'], where);
      assert.ok(error.message.endsWith(`: ${op}`), where);
      counts.unavailable += 1;
    } else if (op === 'version') {
      // What this build has: no bank ops, gateways or models; the rest as in the full build.
      const full = JSON.parse(native[i]).result;
      const expected = { ...full, gateways: [], models: [], ops: full.ops.filter((o) => !GATEWAY_OPS.includes(o)) };
      assert.deepEqual(JSON.parse(answer), { ok: true, result: expected }, where);
      counts.version += 1;
    } else {
      assert.equal(answer, native[i], where);
      counts.same += 1;
    }
  });
  assert.ok(counts.same > 0 && counts.unavailable > 0 && counts.version > 0, JSON.stringify(counts));
});

test('every bank op answers request.op_unavailable, in both languages', () => {
  for (const op of GATEWAY_OPS) {
    for (const lang of ['en', 'tr']) {
      const { ok, error } = JSON.parse(handle(JSON.stringify({ op, lang })));
      assert.deepEqual([ok, error.code, error.field], [false, 'request.op_unavailable', 'op'], `${op} ${lang}`);
    }
  }
  assert.deepEqual(JSON.parse(handle('{"op":"version"}')).result.ops, ['version', 'card.inspect', 'installments.quote', 'installments.table']);
});

test('the checkout build imports only its glue\'s table set-up, no random source, and keeps its target features', () => {
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const imports = WebAssembly.Module.imports(module);
  for (const i of imports) {
    assert.equal(i.module, './sanalpos_bg.js', `${i.module}.${i.name}`);
  }
  assert.ok(!imports.some((i) => i.name.startsWith('__wbg_getRandomValues_')), 'no op of this build takes a nonce');
  assert.ok(WebAssembly.Module.exports(module).some((e) => e.kind === 'function' && e.name === 'handle'));
  assert.equal(WebAssembly.Module.customSections(module, 'target_features').length, 1);
});

// Issue 6's budget, met by the build that shoppers download (the full builds: conformance.test.mjs).
test('the checkout build stays within the size budget: 200 KB, 80 KB gzipped', (t) => {
  const bytes = readFileSync(wasmPath);
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  t.diagnostic(`${fileURLToPath(wasmPath)}: ${bytes.length} bytes, ${gzipped} gzipped`);
  assert.ok(bytes.length <= 200_000, `${bytes.length} bytes`);
  assert.ok(gzipped <= 80_000, `${gzipped} bytes gzipped`);
});
