// `sanalpos/checkout` in browsers and bundlers: the checkout build, the core without its bank
// gateways (57 KB gzipped instead of 214 KB) for pages that only check cards and price
// installments. The same API; the bank functions throw SanalposError `request.op_unavailable`.
// Fetches gen/checkout/sanalpos_bg.wasm (next to its glue) before the module resolves.
import init from './gen/checkout/sanalpos.mjs';

await init();

export * from './gen/checkout/api.mjs';
