// A plain-WebAssembly host for the raw build (no wasm-bindgen): the whole raw ABI of
// src/lib.rs in a few lines, used by the Node tests and the benchmark.
import { readFileSync } from 'node:fs';

/**
 * Loads a raw .wasm; returns `call(requestBytes: Uint8Array) -> answerBytes: Uint8Array`, with the
 * instance's `memory` as a property.
 */
export function loadRawWasm(path) {
  const module = new WebAssembly.Module(readFileSync(path));
  const { memory, alloc, dealloc, call } = new WebAssembly.Instance(module, {}).exports;
  return Object.assign((request) => {
    const ptr = alloc(request.length) >>> 0;
    new Uint8Array(memory.buffer, ptr, request.length).set(request);
    const packed = BigInt.asUintN(64, call(ptr, request.length));
    dealloc(ptr, request.length);
    const [answerPtr, answerLen] = [Number(packed >> 32n), Number(packed & 0xffffffffn)];
    const answer = new Uint8Array(memory.buffer, answerPtr, answerLen).slice();
    dealloc(answerPtr, answerLen);
    return answer;
  }, { memory });
}
