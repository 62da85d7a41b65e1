// The card form module's decisions that need no page: BIN list lookup, routing (as the server's
// flow routes), and the card fields a browser adds to a bank form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserCardFields, digitsOf, expiryText, issuerFor, routeAccount } from '../../assets/js/card-form.js';

test('the shop BIN list: 8 digits first, then 6', () => {
  const bins = { 540036: { family: 'bonus' }, 54003612: { family: 'world' } };
  assert.equal(issuerFor(bins, '5400361234567890').family, 'world');
  assert.equal(issuerFor(bins, '5400369999').family, 'bonus');
  assert.equal(issuerFor(bins, '54003'), null);
  assert.equal(issuerFor({}, '5400361234567890'), null);
});

test('installments go to the family plan POS, single payments to the default', () => {
  const config = { defaultAccount: 'isbank', cardEntry: { isbank: 'server', garanti: 'browser' } };
  assert.equal(routeAccount(config, { pos: 'garanti' }, 3), 'garanti');
  assert.equal(routeAccount(config, { pos: 'garanti' }, 1), 'isbank');
  assert.equal(routeAccount(config, { pos: 'gone' }, 3), 'isbank');
  assert.equal(routeAccount(config, null, 6), 'isbank');
});

test('card fields added in the browser follow the core card_fields', () => {
  // Garanti's card_fields (core/API.md, payment.prepare): two expiry fields.
  const garanti = { number: 'cardnumber', expiry: [['cardexpiredatemonth', 'MM'], ['cardexpiredateyear', 'YY']], cvv: 'cardcvv2', holder: null, brand: null };
  const visa = { expiry: { month: 8, year: 2030 }, brand: { id: 'visa' } };
  assert.deepEqual(browserCardFields(garanti, { number: '4282 2090-0434 8015', cvv: ' 123 ' }, visa), [
    { name: 'cardnumber', value: '4282209004348015' },
    { name: 'cardexpiredatemonth', value: '08' },
    { name: 'cardexpiredateyear', value: '30' },
    { name: 'cardcvv2', value: '123' },
  ]);
  // One combined expiry field, the holder, and the scheme's code (InterPos-style).
  const combined = {
    number: 'Pan', expiry: [['Expiry', 'MMYY']], cvv: 'Cvv2', holder: 'CardHolderName',
    brand: ['CardType', [['visa', '0'], ['mastercard', '1']]],
  };
  assert.deepEqual(browserCardFields(combined, { number: '1', cvv: '1', holder: ' Ayşe ' }, { expiry: { month: 12, year: 2031 }, brand: { id: 'mastercard' } }).slice(1), [
    { name: 'Expiry', value: '1231' }, { name: 'Cvv2', value: '1' }, { name: 'CardHolderName', value: 'Ayşe' }, { name: 'CardType', value: '1' },
  ]);
  const amex = browserCardFields(combined, { number: '1', cvv: '1', holder: '' }, { expiry: { month: 1, year: 2031 }, brand: { id: 'amex' } });
  assert.equal(amex.some((f) => f.name === 'CardType'), false, 'a brand the bank does not list leaves the field out');
  assert.equal(expiryText('YYYYMM', { month: 3, year: 2029 }), '202903');
  assert.equal(digitsOf('4508 0345-0803 4509'), '4508034508034509');
});

test('the card program is added by family, a sub-brand taking its parent program', () => {
  // PayTR's card_fields for installments (core/API.md, PayTR): card_type by family id.
  const paytr = {
    number: 'card_number', expiry: [['expiry_month', 'MM'], ['expiry_year', 'YY']], cvv: 'cvv', holder: 'cc_owner', brand: null,
    program: ['card_type', [['axess', 'axess'], ['bankkart', 'combo'], ['bonus', 'bonus']]],
  };
  const card = { number: '4355 0843 5508 4358', cvv: '000', holder: 'PAYTR TEST' };
  const programOf = (issuer) => {
    const fields = browserCardFields(paytr, card, { expiry: { month: 12, year: 2030 }, brand: { id: 'visa' }, issuer });
    const found = fields.filter((f) => f.name === 'card_type');
    assert.ok(found.length <= 1);
    return found.length ? found[0].value : null;
  };
  assert.equal(programOf({ family: 'bankkart', family_parent: null }), 'combo');
  assert.equal(programOf({ family: 'wings', family_parent: 'axess' }), 'axess', 'Wings has no code of its own');
  assert.equal(programOf({ family: 'world', family_parent: null }), null, 'a family not listed leaves the field out');
  assert.equal(programOf({ family: null, family_parent: null }), null, 'so does a card of no family');
  assert.equal(programOf(undefined), null);
  // A single payment's form asks for no program: nothing beyond the card.
  assert.deepEqual(browserCardFields({ ...paytr, program: null }, card, { expiry: { month: 12, year: 2030 }, issuer: { family: 'axess' } }).map((f) => f.name),
    ['card_number', 'expiry_month', 'expiry_year', 'cvv', 'cc_owner']);
});
