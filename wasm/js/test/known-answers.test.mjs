// The public known-answer vectors (tests/vectors/known-answers.json; each names its public source)
// through the package's signature.compute, for every signature kind the core implements. The same vectors run natively in core/tests/vectors.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeSignature, listGateways, version } from '../node.mjs';

const { vectors } = JSON.parse(readFileSync(new URL('../../../tests/vectors/known-answers.json', import.meta.url), 'utf8'));

test('known-answer vectors through signature.compute', async (t) => {
  const { ops } = version();
  if (!ops.includes('signature.compute')) {
    t.skip(`signature.compute is not in this core (its ops: ${ops.join(', ')})`);
    return;
  }
  // Each gateway lists its kinds; `plain_digest` is the generic one (core/API.md, signature.compute).
  const kinds = new Set(['plain_digest', ...listGateways().gateways.flatMap((g) => g.signature_kinds.map((k) => k.id))]);
  let checked = 0;
  for (const vector of vectors) {
    await t.test(`${vector.id} (${vector.source.repository} ${vector.source.path})`, (v) => {
      if (!kinds.has(vector.algorithm)) {
        v.skip(`${vector.family}: no gateway of this core lists the kind ${vector.algorithm} yet`);
        return;
      }
      const { value } = computeSignature({ kind: vector.algorithm, inputs: vector.inputs });
      if (vector.expected_equal === false) {
        assert.notEqual(value, vector.expected, 'a tampered message must not verify');
      } else {
        assert.equal(value, vector.expected);
      }
      checked += 1;
    });
  }
  assert.ok(checked > 0, 'at least one family is checked');
});
