// The raw .wasm in Node with the plain WebAssembly API (no glue): the same file the PHP engines run.
//   node raw-wasm.mjs answer MODULE   answers each stdin line (one JSON request per line)
//   node raw-wasm.mjs time MODULE     prints each line's median warm call time in microseconds
//   node raw-wasm.mjs once MODULE REQUEST_FILE   loads, instantiates and answers one request (cold)
import { readFileSync } from 'node:fs';

const [mode, modulePath, requestFile] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(modulePath));
const wasm = instance.exports;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function call(request) {
  const bytes = encoder.encode(request);
  const ptr = wasm.alloc(bytes.length);
  new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
  const packed = wasm.call(ptr, bytes.length);
  const [answerPtr, answerLen] = [Number(packed >> 32n), Number(packed & 0xffffffffn)];
  const answer = decoder.decode(new Uint8Array(wasm.memory.buffer, answerPtr, answerLen));
  wasm.dealloc(answerPtr, answerLen);
  wasm.dealloc(ptr, bytes.length);
  return answer;
}

// Same method as core/examples/bench.rs: 15 batches of about 20 ms after a 40 ms warm-up.
function medianMicros(request) {
  let start = process.hrtime.bigint();
  let warm = 0;
  while (process.hrtime.bigint() - start < 40_000_000n) { call(request); warm++; }
  const perBatch = Math.max(1, Math.ceil(warm / 2));
  const means = [];
  for (let b = 0; b < 15; b++) {
    start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) call(request);
    means.push(Number(process.hrtime.bigint() - start) / 1000 / perBatch);
  }
  return means.sort((a, b) => a - b)[7];
}

if (mode === 'once') {
  process.stdout.write(call(readFileSync(requestFile, 'utf8')) + '\n');
} else {
  const lines = readFileSync(0, 'utf8').split('\n').filter((line) => line.trim() !== '');
  for (const line of lines) {
    process.stdout.write((mode === 'time' ? medianMicros(line).toFixed(3) : call(line)) + '\n');
  }
}
