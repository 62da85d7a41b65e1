// The card form module's decisions that need no page: BIN list lookup, routing (as the server's
// flow routes), and the card fields a browser adds to a bank form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserCardFields, digitsOf, issuerFor, routeAccount } from '../../assets/js/card-form.js';

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
  const names = { number: 'cardnumber', expiry_month: 'cardexpiredatemonth', expiry_year: 'cardexpiredateyear', year_digits: 2, cvv: 'cardcvv2', holder: null };
  assert.deepEqual(browserCardFields(names, { number: '4282 2090-0434 8015', cvv: ' 123 ' }, { month: 8, year: 2030 }), [
    { name: 'cardnumber', value: '4282209004348015' },
    { name: 'cardexpiredatemonth', value: '08' },
    { name: 'cardexpiredateyear', value: '30' },
    { name: 'cardcvv2', value: '123' },
  ]);
  const four = browserCardFields({ ...names, year_digits: 4, holder: 'cardholder' }, { number: '1', cvv: '1', holder: 'Ayşe' }, { month: 12, year: 2031 });
  assert.deepEqual(four.slice(2), [{ name: 'cardexpiredateyear', value: '2031' }, { name: 'cardcvv2', value: '1' }, { name: 'cardholder', value: 'Ayşe' }]);
  assert.equal(digitsOf('4508 0345-0803 4509'), '4508034508034509');
});
