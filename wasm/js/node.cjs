'use strict';
// Node entry for `require` (and, through node.mjs, for `import`): one instance for both.
// Node 18 has Web Crypto only as node:crypto's `webcrypto`; the core's JS build draws nonces
// from `globalThis.crypto` (Node 19+ and browsers have it), so Node 18 gets it here.
if (!globalThis.crypto) {
  globalThis.crypto = require('node:crypto').webcrypto;
}
module.exports = require('./gen/api.cjs');
