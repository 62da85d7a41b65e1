// Browser and bundler entry: fetches gen/sanalpos_bg.wasm (next to the glue) before the module
// resolves, so that every function works synchronously once `import` returns.
import init from './gen/sanalpos.mjs';

await init();

export * from './api.mjs';
