// Node beside the PHP engine in `make bench-php`: the raw .wasm through the WebAssembly API.
// Usage: node node-raw.mjs RAW.wasm REQUEST-JSON CALLS → one JSON line {cold_ms, warm_ms}.
import { readFileSync } from 'node:fs';

const [file, request, calls] = process.argv.slice(2);
const started = performance.now();
const { instance } = await WebAssembly.instantiate(readFileSync(file));
const { memory, alloc, dealloc, call } = instance.exports;
const input = new TextEncoder().encode(request);
const run = () => {
  const at = alloc(input.length);
  new Uint8Array(memory.buffer, at, input.length).set(input);
  const packed = call(at, input.length);
  const [ptr, len] = [Number(packed >> 32n), Number(packed & 0xffffffffn)];
  const answer = new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len));
  dealloc(ptr, len);
  dealloc(at, input.length);
  return answer;
};
run();
const cold = performance.now() - started;
const times = [];
for (let i = 0; i < Number(calls); i++) {
  const t = performance.now();
  run();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ cold_ms: cold, warm_ms: times[times.length >> 1] }));
