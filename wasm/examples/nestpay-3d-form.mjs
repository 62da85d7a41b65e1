// @ts-check
// Prepare a NestPay (EST) 3D Secure payment: the core builds and signs (ver3) the form that the
// shopper's browser posts to the bank's 3D gate. Run: node nestpay-3d-form.mjs
import { preparePayment } from 'sanalpos';

// The public test account of the NestPay test environment (as used by the mewebstudio/pos tests).
const account = {
  gateway: 'isbank',
  environment: /** @type {const} */ ('test'),
  credentials: { client_id: '700655000200', store_key: 'TRPS0200' },
};

const step = preparePayment({
  ...account,
  model: '3d',
  order: { id: 'ORD-20261127-0001', amount: '1250.50', installments: 3 },
  card: { number: '4508 0345 0803 4509', expiry: '12/30', cvv: '000' },
  urls: { ok: 'https://shop.example/sanalpos/return?t=4f1c', fail: 'https://shop.example/sanalpos/return?t=4f1c' },
  lang: 'tr',
  // No nonce: the package draws one from Web Crypto (the form's `rnd`).
});
if (step.type !== 'form') throw new Error(`expected a form, got ${step.type}`);

// What the browser gets: an auto-submitting form with the fields in order. Logs mask `sensitive`.
const { action, method, fields, sensitive } = step.form;
console.log(`<form method="${method}" action="${action}">`);
for (const { name, value } of fields) {
  const shown = sensitive.includes(name) ? '***' : value;
  console.log(`  <input type="hidden" name="${name}" value="${shown.replaceAll('"', '&quot;')}">`);
}
console.log('</form><script>document.forms[0].submit()</script>');
