// The package's API in Node: handle, call, the shortcuts, errors, nonces, import and require.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import * as sanalpos from '../node.mjs';

const { SanalposError, call, handle, inspectCard, version } = sanalpos;
const require = createRequire(import.meta.url);
const shortcuts = Object.entries(sanalpos).filter(([, f]) => typeof f === 'function' && f.op);

test('import and require give the same instance', () => {
  const cjs = require('../node.cjs');
  assert.equal(cjs.handle, handle);
  assert.equal(cjs.SanalposError, SanalposError);
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(sanalpos).sort());
});

test('the package version is the core version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(version().core, pkg.version);
  assert.equal(version().api, 1);
});

// A misspelt shortcut fails here as soon as its op exists in the core.
test('every op of the core has a shortcut', () => {
  const names = shortcuts.map(([, f]) => f.op);
  for (const op of version().ops) {
    assert.ok(names.includes(op), `no shortcut for ${op}: add one to wasm/js/api.mjs and index.d.ts`);
  }
});

test('an op the core does not know is thrown as request.unknown_op', () => {
  assert.throws(() => call({ op: 'installments.compare' }), { name: 'SanalposError', code: 'request.unknown_op', field: 'op' });
});

test('a shortcut is call() with its op; call() is handle() on objects', () => {
  const request = { card: { number: '4546 7112 3456 7894', expiry: '12/30', cvv: '000' }, today: '2026-11-27' };
  const answer = JSON.parse(handle(JSON.stringify({ op: 'card.inspect', ...request })));
  assert.equal(answer.ok, true);
  assert.deepEqual(inspectCard(request), answer.result);
  assert.deepEqual(call({ ...request, op: 'card.inspect' }), answer.result);
  assert.deepEqual(inspectCard({ ...request, op: 'version' }), answer.result, 'the shortcut sets the op');
});

test('inspectCard: the example of core/API.md', () => {
  assert.deepEqual(
    inspectCard({ card: { number: '4546 7112 3456 7894', expiry: '12/30', cvv: '000' }, today: '2026-11-27' }),
    {
      brand: { cvv_length: 3, cvv_name: 'CVV', gaps: [4, 8, 12], id: 'visa', lengths: [16, 18, 19], luhn_required: true, name: 'Visa' },
      brand_candidates: ['visa'],
      cvv: { valid: true },
      expiry: { month: 12, valid: true, year: 2030 },
      issuer: { bank_code: '0010', bank_name: 'Ziraat Bankası', bin: '454671', card_type: 'unknown', commercial: null,
        country: 'TR', family: 'bankkart', family_name: 'Bankkart', family_parent: null, source: 'builtin' },
      number: { bin: '454671', complete: true, last4: '7894', length: 16, luhn: true, masked: '454671******7894' },
      problems: [],
      valid: true,
    },
  );
});

test('inspectCard: a half-typed number is a report, not an error', () => {
  const result = inspectCard({ card: { number: '4546 71' } });
  assert.equal(result.valid, false);
  assert.deepEqual(result.brand_candidates, ['visa']);
  assert.equal(result.issuer.family, 'bankkart');
  assert.deepEqual(result.problems.map((p) => p.code), ['card.too_short']);
});

test('inspectCard: a wrong check digit is reported, or thrown with strict, in English or Turkish', () => {
  const card = { number: '4546711234567895' };
  const result = inspectCard({ card });
  assert.equal(result.valid, false);
  assert.deepEqual(result.problems[0], { code: 'card.luhn', field: 'card.number', message: 'The card number is not valid (check digit)' });
  assert.ok(!JSON.stringify(result).includes(card.number), 'the full number is never echoed');

  assert.throws(() => inspectCard({ card, strict: true }), (e) => {
    assert.ok(e instanceof SanalposError && e instanceof Error);
    assert.deepEqual([e.name, e.code, e.field, e.message],
      ['SanalposError', 'card.luhn', 'card.number', 'The card number is not valid (check digit)']);
    return true;
  });
  assert.throws(() => inspectCard({ card, strict: true, lang: 'tr' }), { message: 'Kart numarası geçersiz (kontrol basamağı)' });
});

test('error envelopes come back from handle() as the core writes them', () => {
  const cases = [
    ['not json', '{"error":{"code":"request.invalid_json","message":"The request is not valid JSON: line 1, column 2"},"ok":false}'],
    ['[1]', '{"error":{"code":"request.not_object","message":"The request must be a JSON object"},"ok":false}'],
    ['{}', '{"error":{"code":"request.missing_field","field":"op","message":"A required field is missing"},"ok":false}'],
    ['{"op":"card.inspect"}', '{"error":{"code":"request.missing_field","field":"card","message":"A required field is missing"},"ok":false}'],
    ['{"op":"nope"}', '{"error":{"code":"request.unknown_op","field":"op","message":"Unknown operation: nope"},"ok":false}'],
  ];
  for (const [request, answer] of cases) {
    assert.equal(handle(request), answer);
  }
});

test('call() throws error answers; an error without a field has field null', () => {
  assert.throws(() => call({ op: 'card.inspect', card: { number: '4546711234567894', expiry: '12/30' } }),
    { name: 'SanalposError', code: 'request.missing_field', field: 'today' });
  assert.throws(() => call('text'), { name: 'SanalposError', code: 'request.not_object', field: null });
});

test('handle() takes text and call() takes objects', () => {
  assert.throws(() => handle({ op: 'version' }), TypeError);
  assert.throws(() => call(undefined), TypeError);
});

test('a request without a nonce gets 64 random bytes from Web Crypto; one with a nonce does not', (t) => {
  const sizes = [];
  const getRandomValues = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
  t.mock.method(globalThis.crypto, 'getRandomValues', (array) => {
    sizes.push(array.length);
    return getRandomValues(array);
  });
  const plain = handle('{"op":"version"}');
  assert.deepEqual(sizes.splice(0), [64]);
  assert.equal(handle('{"op":"version","nonce":null}'), plain);
  assert.deepEqual(sizes.splice(0), [64], 'null counts as missing');
  assert.equal(handle('{"op":"version","nonce":"0123456789abcdef0123456789abcdef"}'), plain);
  assert.equal(handle('[1]'), '{"error":{"code":"request.not_object","message":"The request must be a JSON object"},"ok":false}');
  assert.deepEqual(sizes, [], 'a given nonce, or a request that is no object, needs no randomness');
});
