// The two checkout scripts (assets/js/checkout-classic.js, checkout-blocks.js) run against test
// doubles of the page, jQuery and WooCommerce Blocks' registry: they mount the card form, hand the
// card or only the BIN to WooCommerce, and post the bank's form from the page, adding the card in
// the browser where the bank allows it. Not a browser: the demo shop's end-to-end tests run
// card-form.js in Chromium; these check the WooCommerce glue around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const assets = new URL('../../assets/js/', import.meta.url);

/** A DOM element double: attributes, data-*, children, listeners, and the selectors the scripts use. */
class Element {
  constructor(tag, attributes = {}, children = []) {
    this.tagName = tag.toUpperCase();
    this.attributes = {};
    this.dataset = {};
    this.children = [];
    this.listeners = {};
    this.style = {};
    this.hidden = false;
    this.value = '';
    this.textContent = '';
    for (const [name, value] of Object.entries(attributes)) this.setAttribute(name, value);
    for (const child of children) this.appendChild(child);
  }

  setAttribute(name, value) {
    this.attributes[name] = String(value);
    if (name.startsWith('data-')) this.dataset[name.slice(5).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = String(value);
    if (name === 'value') this.value = String(value);
  }

  getAttribute(name) {
    return name in this.attributes ? this.attributes[name] : null;
  }

  removeAttribute(name) {
    delete this.attributes[name];
  }

  appendChild(child) {
    this.children.push(child);
    return child;
  }

  replaceChildren(...children) {
    this.children = children;
  }

  get options() {
    return this.children.filter((c) => c.tagName === 'OPTION');
  }

  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }

  dispatch(type, event = {}) {
    for (const listener of this.listeners[type] || []) listener({ preventDefault() {}, ...event });
  }

  /** `[attr]` or `[attr="value"]`, the only selectors the scripts use. */
  matches(selector) {
    const m = /^\[([\w-]+)(?:="([^"]*)")?\]$/.exec(selector);
    return m !== null && m[1] in this.attributes && (m[2] === undefined || this.attributes[m[1]] === m[2]);
  }

  querySelectorAll(selector) {
    const found = [];
    const walk = (el) => {
      for (const child of el.children) {
        if (child.matches(selector)) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null;
  }

  submit() {
    submitted.push(this);
  }
}

let submitted = [];

/** The card form's markup, as Checkout::cardFormHtml() renders it (the inputs that matter). */
function cardForm(named) {
  const input = (field, name) => new Element('input', { 'data-sanalpos': field, ...(named ? { name } : {}) });
  return new Element('fieldset', { 'data-sanalpos-form': '', 'data-amount': '1000.00' }, [
    input('number', 'sanalpos_card_number'),
    new Element('p', { 'data-sanalpos': 'card-only' }, [input('holder', 'sanalpos_card_holder')]),
    new Element('p', { 'data-sanalpos': 'card-only' }, [input('expiry', 'sanalpos_card_expiry')]),
    new Element('p', { 'data-sanalpos': 'card-only' }, [input('cvv', 'sanalpos_card_cvv')]),
    new Element('select', { 'data-sanalpos': 'installments', name: 'sanalpos_installments' }, [new Element('option', { value: '1' })]),
    new Element('input', { 'data-sanalpos': 'bin', name: 'sanalpos_bin' }),
    new Element('span', { 'data-sanalpos': 'brand' }),
    new Element('p', { 'data-sanalpos': 'bank-page-note' }),
    new Element('div', { 'data-sanalpos': 'errors' }),
  ]);
}

/**
 * A core double for the card form: a valid Visa, single payment only. Its issuer is a Wings card
 * (an Axess sub-brand) unless the shop's BIN list (the request's issuer) names the family.
 */
const core = 'data:text/javascript,' + encodeURIComponent(`
  export const inspectCard = (request) => ({ brand: { id: 'visa', name: 'Visa', lengths: [16], cvv_length: 3 },
    number: { length: 16 }, expiry: { month: 12, year: 2030 }, problems: [],
    issuer: request.issuer ? { family: request.issuer.family, family_parent: null } : { family: 'wings', family_parent: 'axess' } });
  export const quoteInstallments = () => ({ plan: null, options: [{ count: 1, labels: { en: 'Single payment' } }] });
`);

function pageConfig(entry) {
  return {
    core, cardForm: pathToFileURL(fileURLToPath(new URL('card-form.js', assets))).href, lang: 'en', today: '2026-11-27',
    amount: '1000.00', currency: 'TRY', cart: [], plans: [], bins: {}, limits: {}, cardEntry: { pos: entry }, defaultAccount: 'pos',
    fields: { number: 'sanalpos_card_number', holder: 'sanalpos_card_holder', expiry: 'sanalpos_card_expiry', cvv: 'sanalpos_card_cvv', bin: 'sanalpos_bin', installments: 'sanalpos_installments' },
    i18n: { single: 'Single payment', redirect: 'Redirecting…', failed: 'Failed', coreFailed: 'No core', bankPage: 'At the bank', cardMissing: 'Card?' },
  };
}

/** Page globals for one script run. */
function page(body) {
  submitted = [];
  const document = new Element('html', {}, [body]);
  document.body = body;
  document.createElement = (tag) => new Element(tag);
  globalThis.document = document;
  globalThis.window = globalThis;
  return document;
}

/** Runs a classic script (not a module) the way a <script> tag would. */
function runScript(name) {
  new Function(readFileSync(new URL(name, assets), 'utf8'))();
}

/** Resolves once the script's dynamic imports have settled. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function type(root, card) {
  for (const [field, value] of Object.entries(card)) {
    const input = root.querySelector(`[data-sanalpos="${field}"]`);
    input.value = value;
    input.dispatch('input');
  }
}

const GARANTI_FORM = {
  action: 'https://bank.example/gt3dengine', method: 'POST', fields: [{ name: 'hash', value: 'H' }], sensitive: [],
  card_entry: 'browser',
  card_fields: { number: 'cardnumber', expiry: [['cardexpiredatemonth', 'MM'], ['cardexpiredateyear', 'YY']], cvv: 'cardcvv2', holder: null, brand: null },
};

test('classic checkout: the card stays in the browser and is added to the bank form there', async () => {
  const root = cardForm(true);
  const checkoutForm = new Element('form');
  page(new Element('body', {}, [checkoutForm, root]));
  const handlers = {};
  globalThis.jQuery = (target) => ({
    on(event, handler) {
      handlers[event] = handler;
      return this;
    },
    target,
  });
  globalThis.sanalposCheckout = pageConfig('browser');
  runScript('checkout-classic.js');
  await settle();
  assert.ok(root.sanalposForm, 'the card form is mounted');
  type(root, { number: '4282 2090 0434 8015', expiry: '12/30', cvv: '123' });
  assert.equal(handlers.checkout_place_order_sanalpos(), true);
  assert.equal(root.querySelector('[data-sanalpos="number"]').getAttribute('name'), null, 'the card number is not posted');
  assert.equal(root.querySelector('[data-sanalpos="bin"]').value, '42822090');

  // process_payment() answered with the bank's form: posted from this page, WooCommerce's redirect stopped.
  assert.equal(handlers.checkout_place_order_success({}, { result: 'success', sanalpos: JSON.stringify(GARANTI_FORM) }), false);
  const [form] = submitted;
  assert.equal(form.action, 'https://bank.example/gt3dengine');
  assert.deepEqual(form.children.map((i) => [i.name, i.value]), [
    ['hash', 'H'], ['cardnumber', '4282209004348015'], ['cardexpiredatemonth', '12'], ['cardexpiredateyear', '30'], ['cardcvv2', '123'],
  ]);
  // No form (PayTR's page, a bank page on the shop's address, a paid order): WooCommerce redirects.
  assert.equal(handlers.checkout_place_order_success({}, { result: 'success', sanalpos: '', redirect: '/order-pay/1' }), true);
  assert.equal(submitted.length, 1);
});

test('classic checkout: a PayTR installment form gets the program of the card family the browser found', async () => {
  // PayTR's Direct API form for 3 installments (core/API.md, PayTR): card_type outside the token.
  const paytr = {
    action: 'https://www.paytr.com/odeme', method: 'POST', fields: [{ name: 'installment_count', value: '3' }, { name: 'paytr_token', value: 'T' }],
    sensitive: [], card_entry: 'browser',
    card_fields: {
      number: 'card_number', expiry: [['expiry_month', 'MM'], ['expiry_year', 'YY']], cvv: 'cvv', holder: 'cc_owner', brand: null,
      program: ['card_type', [['axess', 'axess'], ['bankkart', 'combo'], ['bonus', 'bonus']]],
    },
  };
  // The built-in answer (Wings: Axess's program), then the shop's BIN list naming the family.
  for (const [bins, program] of [[{}, 'axess'], [{ 43550843: { family: 'bankkart' } }, 'combo']]) {
    const root = cardForm(true);
    page(new Element('body', {}, [root]));
    const handlers = {};
    globalThis.jQuery = () => ({ on(event, handler) { handlers[event] = handler; return this; } });
    globalThis.sanalposCheckout = { ...pageConfig('browser'), bins };
    runScript('checkout-classic.js');
    await settle();
    type(root, { number: '4355 0843 5508 4358', holder: 'PAYTR TEST', expiry: '12/30', cvv: '000' });
    handlers.checkout_place_order_sanalpos();
    handlers.checkout_place_order_success({}, { result: 'success', sanalpos: JSON.stringify(paytr) });
    assert.deepEqual(submitted[0].children.map((i) => [i.name, i.value]), [
      ['installment_count', '3'], ['paytr_token', 'T'], ['card_number', '4355084355084358'], ['expiry_month', '12'], ['expiry_year', '30'],
      ['cvv', '000'], ['cc_owner', 'PAYTR TEST'], ['card_type', program],
    ]);
  }
});

test('classic checkout: a server-entry POS posts the card, a GET form opens the bank page by address', async () => {
  const root = cardForm(true);
  page(new Element('body', {}, [root]));
  const handlers = {};
  globalThis.jQuery = () => ({ on(event, handler) { handlers[event] = handler; return this; } });
  globalThis.sanalposCheckout = pageConfig('server');
  runScript('checkout-classic.js');
  await settle();
  type(root, { number: '4508 0345 0803 4509', expiry: '12/30', cvv: '000' });
  handlers.checkout_place_order_sanalpos();
  assert.equal(root.querySelector('[data-sanalpos="number"]').getAttribute('name'), 'sanalpos_card_number');
  const get = { action: 'https://cp.example/SecurePayment', method: 'GET', fields: [{ name: 'Ptkn', value: 'T' }], sensitive: [], card_entry: 'bank_page', card_fields: null };
  handlers.checkout_place_order_success({}, { sanalpos: JSON.stringify(get) });
  assert.deepEqual([submitted[0].method, submitted[0].children.map((i) => i.name)], ['GET', ['Ptkn']]);
});

test('Blocks checkout: payment data without the card, the bank form posted on checkout success', async () => {
  const root = cardForm(false);
  page(new Element('body', {}, [new Element('div', {}, [root])]));
  let registered = null;
  const effects = [];
  const settings = { title: 'Card', description: '', formHtml: '<fieldset>', cardForm: pageConfig('browser').cardForm, config: pageConfig('browser'), supports: ['products', 'refunds'] };
  globalThis.wc = {
    wcSettings: { getSetting: (name) => (name === 'sanalpos_data' ? settings : null) },
    wcBlocksRegistry: { registerPaymentMethod: (method) => { registered = method; } },
  };
  globalThis.wp = {
    element: {
      createElement: (type, props, ...children) => ({ type, props, children }),
      useRef: () => ({ current: null }),
      useEffect: (effect) => effects.push(effect),
    },
    htmlEntities: { decodeEntities: (text) => text },
  };
  runScript('checkout-blocks.js');
  assert.equal(registered.name, 'sanalpos');
  assert.deepEqual(registered.supports.features, ['products', 'refunds']);

  // Render the block's content once: its container holds the server's form markup.
  const callbacks = {};
  const props = {
    billing: { cartTotal: { value: 100000 }, currency: { minorUnit: 2 } },
    emitResponse: { responseTypes: { SUCCESS: 'success', ERROR: 'error' }, noticeContexts: { PAYMENTS: 'payments' } },
    eventRegistration: { onPaymentSetup: (cb) => { callbacks.setup = cb; return () => {}; }, onCheckoutSuccess: (cb) => { callbacks.success = cb; return () => {}; } },
  };
  const tree = registered.content.type(props);
  tree.props.ref.current = document.body.children[0];
  for (const effect of effects) effect();
  await settle();

  type(root, { number: '4282 2090 0434 8015', expiry: '12/30', cvv: '123' });
  const setup = callbacks.setup();
  assert.equal(setup.type, 'success');
  assert.deepEqual(setup.meta.paymentMethodData, { sanalpos_installments: '1', sanalpos_bin: '42822090' }, 'no card data leaves the page');

  const pending = callbacks.success({ processingResponse: { paymentDetails: { sanalpos: JSON.stringify(GARANTI_FORM) } } });
  assert.ok(pending instanceof Promise, 'the block waits while the browser goes to the bank');
  assert.equal(submitted[0].children.find((i) => i.name === 'cardnumber').value, '4282209004348015');
  assert.equal(callbacks.success({ processingResponse: { paymentDetails: { sanalpos: '' } } }), true, 'no form: the block redirects');
});
