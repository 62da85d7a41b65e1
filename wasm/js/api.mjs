// The package's API, the same in Node and in browsers. `handle` is the core's one entry point (JSON
// text in, JSON text out); `call` and the shortcuts below it take and return objects and throw
// `SanalposError`. Written once as an ES module; build-cjs.mjs derives gen/api.cjs from this file
// for `require`, so it keeps to `export class|function|const` and the one import below. The plugin
// ships it around the checkout build's glue (scripts/plugin-assets.sh), which exports the same
// `handle`: there the bank ops' shortcuts throw `request.op_unavailable`.
import { handle as coreHandle } from './gen/sanalpos.mjs';

/** An error answer of the core: `code` is stable and dotted, `field` names the input to blame. */
export class SanalposError extends Error {
  constructor({ code, message, field }) {
    super(message);
    this.name = 'SanalposError';
    this.code = code;
    this.field = field ?? null;
  }
}

/**
 * Runs one JSON request and returns the core's JSON answer, byte for byte. A request object
 * without a top-level `nonce` (absent or null) gets 128 random hex characters first.
 */
export function handle(request) {
  if (typeof request !== 'string') {
    throw new TypeError('handle() takes JSON text; call() takes a request object');
  }
  return coreHandle(request);
}

/** Runs one request object and returns its `result`, or throws the error answer as SanalposError. */
export function call(request) {
  const text = JSON.stringify(request);
  if (text === undefined) {
    throw new TypeError('call() takes a request object');
  }
  const answer = JSON.parse(coreHandle(text));
  if (answer.ok) {
    return answer.result;
  }
  throw new SanalposError(answer.error);
}

// One shortcut per op: the request without `op`, in; the result, out. `shortcut.op` names the op.
function shortcut(op) {
  const run = (request = {}) => call({ ...request, op });
  run.op = op;
  return run;
}

export const version = shortcut('version');
export const inspectCard = shortcut('card.inspect');
export const quoteInstallments = shortcut('installments.quote');
export const installmentTable = shortcut('installments.table');
export const listGateways = shortcut('gateways.list');
export const preparePayment = shortcut('payment.prepare');
export const verifyCallback = shortcut('callback.verify');
export const apiRequest = shortcut('api.request');
export const apiParse = shortcut('api.parse');
export const computeSignature = shortcut('signature.compute');
