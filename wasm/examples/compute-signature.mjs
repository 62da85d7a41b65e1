// @ts-check
// The "hash mismatch" debugger: compute a bank signature from the exact fields and see the text
// that was hashed (secret masked) to compare with the bank's own example. The inputs are the
// NestPay ver3 example of docs/pos-protocols.md §1.4 (Payten's integration guide).
import { computeSignature, listGateways } from 'sanalpos';

const nestpay = listGateways().gateways.find((g) => g.id === 'nestpay');
console.log('NestPay signature kinds:', nestpay?.signature_kinds.map((k) => k.id).join(', '));

const signature = computeSignature({
  kind: 'nestpay_v3',
  inputs: {
    store_key: 'TEST1234',
    form: {
      clientid: '100200127', amount: '95.93', okurl: 'https://yoursite.com/ok', failUrl: 'https://yoursite.com/fail',
      TranType: 'Auth', Instalment: '', callbackUrl: 'https://yoursite.com/callback', currency: '949', rnd: '1715000000',
      storetype: '3d', hashAlgorithm: 'ver3', lang: 'tr', BillToName: 'name', BillToCompany: 'billToCompany',
    },
  },
});
console.log('hashed text:', signature.input_masked);
console.log('hash:', signature.value);

// A generic digest, e.g. POSNET's firstHash = b64(SHA-256(encKey ";" terminalId)).
const digest = computeSignature({ kind: 'plain_digest', inputs: { algo: 'sha256', output: 'b64', text: '10,10,10,10,10,10,10,10;67005551' } });
console.log('firstHash:', digest.value);
