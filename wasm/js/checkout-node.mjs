// `sanalpos/checkout` in Node (which cannot fetch a file: URL): the checkout build read from disk.
import { readFileSync } from 'node:fs';
import { initSync } from './gen/checkout/sanalpos.mjs';

initSync({ module: readFileSync(new URL('./gen/checkout/sanalpos_bg.wasm', import.meta.url)) });

export * from './gen/checkout/api.mjs';
