// @ts-check
// Quote installments (taksit) for a card at checkout, under the shop's rate plans and the legal
// limits, and show the product-page table for every card family. Run: node quote-installments.mjs
import { installmentTable, quoteInstallments } from 'sanalpos';

const today = '2026-11-27';
// The shop's settings: Bonus cards pay a markup per count, every other card gets single payment.
const plans = [
  { family: 'bonus', mode: /** @type {const} */ ('markup'), min_installment_amount: '100.00', rates: [
    { count: 1, rate: '0' }, { count: 3, rate: '2.5', plus_installments: 2, campaign: 'Bonus +2' },
    { count: 6, rate: '5.25' }, { count: 9, rate: '7.9' }] },
  { family: 'default', mode: /** @type {const} */ ('absorb'), rates: [{ count: 1, rate: '1.99' }] },
];

// The first digits of the card pick the plan; the cart's category caps the count (electronics: 4).
const quote = quoteInstallments({ amount: '1000.00', today, plans, card: { number: '5400 36' },
  issuer: { bank_code: '0062', card_type: 'credit' }, cart: [{ category: 'electronics', price: '1000.00' }] });
console.log(`${quote.issuer.bank_name} ${quote.issuer.family_name} card, plan ${quote.plan?.family}:`);
for (const option of quote.options) {
  console.log(`  ${option.labels.en.padEnd(48)} total ${option.total} (installments sum to it: ${sum(option) === option.total_minor})`);
}
for (const { count, reason } of quote.removed.filter((r) => r.count <= 9)) {
  console.log(`  ${count}: not offered - ${quote.reasons[reason].en}`);
}

// The product page: one row per family, one column per offered count.
const table = installmentTable({ amount: '2500.00', today, plans, families: ['bonus', 'miles_smiles', 'default'] });
console.log(`\n${'family'.padEnd(14)}${table.counts.map((c) => `${c}x`.padStart(12)).join('')}`);
for (const row of table.rows) {
  const cells = table.counts.map((c) => row.options.find((o) => o.count === c)?.total ?? '-');
  console.log(`${row.name.en.padEnd(14)}${cells.map((t) => t.padStart(12)).join('')}`);
}

/** @param {import('sanalpos').InstallmentOption} o */
function sum(o) {
  return o.first_installment_minor + o.per_installment_minor * (o.count - 1);
}
