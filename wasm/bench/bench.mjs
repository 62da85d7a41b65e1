// `make bench`: operations per second in Node, through the npm package (JS build) and through the
// raw build (the module the PHP engines run), next to native Rust, on the same request texts.
// Usage: node wasm/bench/bench.mjs build/bench/native.json (the output of `cargo bench --bench native`).
import { readFileSync } from 'node:fs';
import { handle } from '../js/node.mjs';
import { loadRawWasm } from '../raw-host.mjs';

const root = new URL('../../', import.meta.url);
const raw = loadRawWasm(new URL(process.env.SANALPOS_RAW_WASM ?? 'build/wasm/sanalpos.raw.wasm', root));
const native = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((line) => JSON.parse(line));

// The same method as bench/native.rs: the best of five 200 ms rounds after a 200 ms warm-up.
function opsPerSec(f) {
  const round = () => {
    const start = process.hrtime.bigint();
    let calls = 0;
    let elapsed = 0n;
    while (elapsed < 200_000_000n) {
      for (let i = 0; i < 100; i++) f();
      calls += 100;
      elapsed = process.hrtime.bigint() - start;
    }
    return calls / (Number(elapsed) / 1e9);
  };
  round();
  return Math.max(...[1, 2, 3, 4, 5].map(round));
}

const rate = (n) => `${Math.round(n).toLocaleString('en-US')}/s`;
const rows = [['operation', 'native Rust', 'Node: npm package', 'ratio', 'Node: raw .wasm', 'ratio']];
const rejected = [];
for (const { name, request, ops_per_sec: nativeRate, error } of native) {
  if (error?.code === 'request.unknown_op') {
    rows.push([name, 'n/a (op not implemented yet)', '', '', '', '']);
    continue;
  }
  if (error) {
    rejected.push(`${name}: the core refuses the request (${error.code} ${error.field ?? ''}); fix wasm/bench/requests.json`);
    continue;
  }
  const answer = JSON.parse(handle(request));
  if (!answer.ok) {
    rejected.push(`${name}: the JS build refuses a request native Rust accepts (${answer.error.code})`);
    continue;
  }
  const bytes = new TextEncoder().encode(request);
  const js = opsPerSec(() => handle(request));
  const rawRate = opsPerSec(() => raw(bytes));
  rows.push([name, rate(nativeRate), rate(js), `${(nativeRate / js).toFixed(1)}× slower`, rate(rawRate),
    `${(nativeRate / rawRate).toFixed(1)}× slower`]);
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(line(rows[0]));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
rows.slice(1).forEach((r) => console.log(line(r)));
console.log(`\nNode ${process.version}; ratio = native ops/s ÷ Node ops/s. The package fills a missing nonce (64 random bytes) on every call.`);
if (rejected.length > 0) {
  console.error(rejected.join('\n'));
  process.exit(1);
}
