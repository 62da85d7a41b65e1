// The package as a user gets it: `npm pack`, installed into an empty folder, then used from ESM,
// CommonJS, Node 18 (no global Web Crypto), the browser entry, the checkout entry, TypeScript, and
// every example.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handle } from '../node.mjs';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const tsc = join(pkgDir, 'node_modules', '.bin', 'tsc');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.mjs'));
const REQUEST = '{"op":"card.inspect","card":{"number":"4546 7112 3456 7894","expiry":"12/30"},"today":"2026-11-27"}';
let dir;

const node = (args, options = {}) => execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', ...options });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanalpos-package-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pkgDir, encoding: 'utf8' }));
  writeFileSync(join(dir, 'package.json'), '{"private": true}\n');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: dir, stdio: 'ignore' });
  for (const example of examples) {
    copyFileSync(join(examplesDir, example), join(dir, example));
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the tarball holds the entries, the types, the glue and the .wasm, and nothing else', () => {
  const files = readdirSync(join(dir, 'node_modules', 'sanalpos'), { recursive: true }).sort();
  assert.deepEqual(files, ['README.md', 'api.mjs', 'browser.mjs', 'checkout-node.mjs', 'checkout.mjs', 'gen', 'gen/api.cjs',
    'gen/checkout', 'gen/checkout/api.mjs', 'gen/checkout/sanalpos.mjs', 'gen/checkout/sanalpos_bg.wasm', 'gen/sanalpos.cjs',
    'gen/sanalpos.mjs', 'gen/sanalpos_bg.wasm', 'index.d.ts', 'node.cjs', 'node.mjs', 'package.json']);
});

test('import and require work in an empty folder', () => {
  const expected = handle(REQUEST);
  assert.equal(node(['--input-type=module', '-e', `import { handle } from 'sanalpos'; process.stdout.write(handle(process.argv[1]));`, REQUEST]), expected);
  assert.equal(node(['-e', `process.stdout.write(require('sanalpos').handle(process.argv[1]));`, REQUEST]), expected);
});

test('Node 18: without a global Web Crypto the package provides it for nonces', () => {
  // In `node -e` code globalThis.crypto is the node:crypto module, so these checks are files.
  writeFileSync(join(dir, 'node18.cjs'), `process.stdout.write(typeof globalThis.crypto + ' ');
    const { version } = require('sanalpos');
    process.stdout.write(typeof globalThis.crypto.getRandomValues + ' ' + version().api);`);
  writeFileSync(join(dir, 'node18.mjs'), `process.stdout.write(typeof globalThis.crypto + ' ');
    const { version } = await import('sanalpos');
    process.stdout.write(typeof globalThis.crypto.getRandomValues + ' ' + version().api);`);
  for (const script of ['node18.cjs', 'node18.mjs']) {
    assert.equal(node(['--no-experimental-global-webcrypto', script]), 'undefined function 1', script);
  }
});

// Node's fetch does not read file: URLs; this stands in for the web server and lists what was
// fetched (in `fetched`), for scripts that import a browser entry.
const FETCH_FROM_DISK = `
    import { readFileSync } from 'node:fs';
    const fetched = [];
    globalThis.fetch = async (url) => {
      fetched.push(String(url).replace(/^.*node_modules/, ''));
      return new Response(readFileSync(new URL(url)), { headers: { 'content-type': 'application/wasm' } });
    };
`;

test('the browser entry loads the .wasm next to it through fetch', () => {
  const script = `${FETCH_FROM_DISK}
    const { handle } = await import('sanalpos');
    process.stdout.write(JSON.stringify({ fetched, answer: handle(process.argv[1]) }));`;
  const out = JSON.parse(node(['--conditions=browser', '--input-type=module', '-e', script, REQUEST]));
  assert.deepEqual(out, { fetched: ['/sanalpos/gen/sanalpos_bg.wasm'], answer: handle(REQUEST) });
});

test('sanalpos/checkout: the checkout build, in Node and through the browser condition, answers like the full one but for bank ops', () => {
  const script = `${FETCH_FROM_DISK}
    const { handle, preparePayment, version, SanalposError } = await import('sanalpos/checkout');
    let unavailable = null;
    try { preparePayment({}); } catch (e) { unavailable = e instanceof SanalposError && e.code; }
    process.stdout.write(JSON.stringify({ fetched, answer: handle(process.argv[1]), unavailable, gateways: version().gateways }));`;
  const expected = { answer: handle(REQUEST), unavailable: 'request.op_unavailable', gateways: [] };
  assert.deepEqual(JSON.parse(node(['--input-type=module', '-e', script, REQUEST])), { fetched: [], ...expected });
  assert.deepEqual(JSON.parse(node(['--conditions=browser', '--input-type=module', '-e', script, REQUEST])),
    { fetched: ['/sanalpos/gen/checkout/sanalpos_bg.wasm'], ...expected });
});

test('in headless Chromium, a page imports the package as an ES module without a bundler', async (t) => {
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    t.skip(`${chromium} is not installed (Debian package chromium; the end-to-end suite installs it)`);
    return;
  }
  const page = `<!doctype html><script type="module">
    import { handle } from './node_modules/sanalpos/browser.mjs';
    document.title = 'answer:' + handle(${JSON.stringify(REQUEST)});
  </script>`;
  const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer(async (req, res) => {
    const path = req.url === '/' ? 'index.html' : decodeURIComponent(req.url.slice(1));
    const body = path === 'index.html' ? page : await readFile(join(dir, path)).catch(() => null);
    res.writeHead(body === null ? 404 : 200, { 'content-type': types[extname(path)] ?? 'text/plain' }).end(body ?? '');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}/`;
    const dom = await run(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--virtual-time-budget=5000', '--dump-dom', url]);
    const title = dom.match(/<title>answer:(.*)<\/title>/s);
    assert.ok(title, `no answer in the page: ${dom.slice(0, 300)}`);
    assert.equal(title[1].replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>'), handle(REQUEST));
  } finally {
    server.close();
  }
});

test('the TypeScript declarations type-check the examples and a typed use', () => {
  writeFileSync(join(dir, 'typed.mts'), `
    import { inspectCard, call, version, quoteInstallments, preparePayment, SanalposError, type InspectCardResult } from 'sanalpos';
    import { quoteInstallments as quoteAtCheckout } from 'sanalpos/checkout';
    const result: InspectCardResult = inspectCard({ card: { number: '4546' }, lang: 'tr' });
    const family: string | null = result.issuer.family;
    const api: number = call({ op: 'version' }).api;
    const ops: string[] = version().ops;
    const total: string | undefined = quoteInstallments({ amount: '100.00', today: '2026-11-27', plans: [] }).options[0]?.total;
    const checkoutTotal: string | undefined = quoteAtCheckout({ amount: '100.00', today: '2026-11-27', plans: [] }).options[0]?.total;
    const step = preparePayment({ gateway: 'isbank', environment: 'test', credentials: {}, model: '3d', order: { id: 'A', amount: '1' } });
    const action: string = step.type === 'form' ? step.form.action : step.type === 'http' ? step.http.url : step.type === 'redirect' ? step.redirect.url : step.html;
    const program: string | undefined = step.type === 'form' ? step.form.card_fields?.program?.[1].find(([f]) => f === family)?.[1] : undefined;
    // @ts-expect-error the card number is required
    inspectCard({ card: {} });
    // @ts-expect-error lang is en or tr
    inspectCard({ card: { number: '4546' }, lang: 'de' });
    // @ts-expect-error the legal limits in force depend on today
    quoteInstallments({ amount: '100.00', plans: [] });
    const error = new SanalposError({ code: 'card.luhn', message: 'm', field: 'card.number' });
    const code: string = error.code;
    export { family, api, ops, total, checkoutTotal, action, program, code };
  `);
  // Node 18's types: an example that needs a newer Node fails here.
  const args = ['--noEmit', '--strict', '--allowJs', '--checkJs', '--target', 'es2022', '--module', 'nodenext',
    '--typeRoots', join(pkgDir, 'node_modules', '@types'), '--types', 'node', 'typed.mts', ...examples];
  try {
    execFileSync(tsc, args, { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    assert.fail(`tsc: ${error.stdout}`);
  }
});

test('every example in wasm/examples runs against the installed package', async (t) => {
  assert.ok(examples.length > 0);
  for (const example of examples) {
    await t.test(example, () => assert.notEqual(node([example]).trim(), '', 'an example shows what it does'));
  }
});

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}
