// End to end, per bank family: a real Chromium pays through the demo shop's checkout (the
// plugin's payment flow, the core in the browser and on the server) against the bank simulator,
// and the simulator's ledger says what the bank booked.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HTTP_TIMEOUT_SECONDS, Steps, launchBrowser, ledger, minor, repo, startServers } from './harness.mjs';

const CARD = { approve: '4546 7112 3456 7894', bonus: '5400 3600 0000 0003', decline: '4111 1111 1111 1129', timeout: '4129 1111 1111 1111' };

/**
 * How to forge each family's POST back. Signed callbacks: a failed 3D result turned into a
 * success (a signed field changed); the shop must refuse it and change nothing. POSNET's callback
 * is sealed for the bank: a changed packet goes back to the bank, which cannot open it.
 */
const FAMILIES = {
  nestpay: { forge: { acs: 'fail', field: 'mdStatus', value: () => '1' } },
  garanti: { forge: { acs: 'fail', field: 'mdstatus', value: () => '1' } },
  posnet: { forge: { acs: 'confirm', field: 'BankPacket', value: (v) => `${v}0`, sealed: true } },
  akbank: { forge: { acs: 'fail', field: 'responseCode', value: () => 'VPS-0000' } },
  payfor: { forge: { acs: 'fail', field: '3DStatus', value: () => '1' } },
  interpos: { forge: { acs: 'fail', field: 'mdStatus', value: () => '1' } },
  posnet_v1: { forge: { acs: 'fail', field: 'MdStatus', value: () => '1' } },
  tosla: { forge: { acs: 'fail', field: 'MdStatus', value: () => '1' } },
};

let servers;
let browser;

before(async () => {
  servers = await startServers();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await servers?.stop();
});

async function newPage(scenario) {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => { throw error; });
  return { page, steps: new Steps(page, scenario) };
}

/** Fills the checkout for `family` and pays; returns once the browser is at the bank. */
async function checkout(page, steps, { family, card, installments = 1, product = 'chair', preauth = false, bankPage = false }) {
  await page.goto(`${servers.shopUrl}/checkout?product=${product}`);
  await page.waitForSelector('[data-ready="true"]');
  await page.check(`input[name="bank"][value="${family}"]`);
  await page.fill('#card-number', card);
  if (bankPage) {
    // The rest of the card goes on the provider's own page.
    assert.equal(await page.isVisible('#card-expiry'), false);
    assert.equal(await page.isVisible('#bank-page-note'), true);
    await steps.shot('checkout');
    await Promise.all([page.waitForURL(/\/bank-page\?t=/), page.click('#pay')]);
    await steps.shot('provider-page');
    return;
  }
  await page.fill('#card-expiry', '12/30');
  await page.fill('#card-cvv', '000');
  if (installments > 1) {
    await page.selectOption('#installments', String(installments));
  }
  if (preauth) {
    await page.check('#preauth');
  }
  assert.equal(await page.locator('#card-errors').innerText(), '');
  await steps.shot('checkout');
  await Promise.all([page.waitForURL((url) => url.href.startsWith(servers.simUrl)), page.click('#pay')]);
  await steps.shot('bank');
}

/** Answers the ACS page (`confirm` with the one-time code, or `fail`) and waits for the shop. */
async function acs(page, steps, action = 'confirm') {
  await page.waitForSelector('#otp');
  if (action === 'confirm') {
    await page.fill('#otp', await page.locator('#otp-hint').innerText());
  }
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(servers.shopUrl)),
    page.click(action === 'confirm' ? '#acs-submit' : '#acs-fail'),
  ]);
  await page.waitForLoadState();
  await steps.shot('back-at-shop');
}

/** The order shown on the result page. */
async function shownOrder(page) {
  const id = new URL(page.url()).pathname.match(/^\/order\/(\d+)$/)?.[1];
  assert.ok(id, `on an order page: ${page.url()}`);
  const bankOrder = (await page.locator('#bank-order-id, #last-bank-order-id').first().innerText()).trim();
  return {
    id,
    bankOrder,
    status: await page.locator('#order-status').innerText(),
    total: await page.locator('#order-total').getAttribute('data-amount'),
  };
}

async function notes(page) {
  return page.locator('.notes li').allInnerTexts();
}

for (const [family, { forge }] of Object.entries(FAMILIES)) {
  describe(family, () => {
    let paid;

    it('pays in one installment: the order total is what the bank captured', async () => {
      const { page, steps } = await newPage(`${family}-single`);
      await checkout(page, steps, { family, card: CARD.approve });
      await acs(page, steps);
      const order = await shownOrder(page);
      assert.equal(order.status, 'paid');
      assert.equal(order.total, '3000.00');
      const books = await ledger(servers.simUrl, order.bankOrder);
      assert.equal(books.family, family);
      assert.equal(books.payments, 1);
      assert.equal(books.captured_minor, minor(order.total));
      paid = order;
      await page.close();
    });

    it('pays in 6 installments with the commission passed to the customer', async () => {
      const { page, steps } = await newPage(`${family}-6-installments`);
      await checkout(page, steps, { family, card: CARD.bonus, installments: 6 });
      await acs(page, steps);
      const order = await shownOrder(page);
      assert.equal(order.status, 'paid');
      assert.equal(await page.locator('#order-installments').innerText(), '6');
      const commission = await page.locator('#order-commission').innerText();
      assert.ok(minor(order.total) > 300000, `the total ${order.total} includes the commission ${commission}`);
      const books = await ledger(servers.simUrl, order.bankOrder);
      assert.equal(books.payments, 1);
      assert.equal(books.captured_minor, minor(order.total), 'the bank captured exactly the order total');
      assert.equal(books.entries[0].installments, 6);
      await page.close();
    });

    it('a declined card leaves the order failed and nothing booked', async () => {
      const { page, steps } = await newPage(`${family}-decline`);
      await checkout(page, steps, { family, card: CARD.decline });
      await acs(page, steps);
      const order = await shownOrder(page);
      assert.equal(order.status, 'failed');
      assert.equal(await page.locator('#order-reason').innerText(), 'The bank declined the payment.');
      assert.equal((await ledger(servers.simUrl, order.bankOrder)).payments, 0);
      await page.close();
    });

    it('a failed 3-D Secure authentication fails the order', async () => {
      const { page, steps } = await newPage(`${family}-3ds-failed`);
      await checkout(page, steps, { family, card: CARD.approve });
      await acs(page, steps, 'fail');
      const order = await shownOrder(page);
      assert.equal(order.status, 'failed');
      assert.match(await page.locator('#order-reason').innerText(), /3-D Secure authentication failed/);
      assert.deepEqual((await ledger(servers.simUrl, order.bankOrder)).entries, []);
      await page.close();
    });

    it('a forged callback leaves the order unpaid and nothing booked', async () => {
      const { page, steps } = await newPage(`${family}-forged-callback`);
      await page.route('**/return?t=*', async (route) => {
        const post = new URLSearchParams(route.request().postData());
        assert.ok(post.has(forge.field), `the callback carries ${forge.field}`);
        post.set(forge.field, forge.value(post.get(forge.field)));
        await route.continue({ postData: post.toString() });
      });
      await checkout(page, steps, { family, card: CARD.approve });
      await page.waitForSelector('#otp');
      if (forge.acs === 'confirm') {
        await page.fill('#otp', await page.locator('#otp-hint').innerText());
      }
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/return?t=')),
        page.click(forge.acs === 'confirm' ? '#acs-submit' : '#acs-fail'),
      ]);
      await page.waitForLoadState();
      await steps.shot('forged-post-answered');
      if (forge.sealed) {
        // The bank refused to open the packets: the attempt failed, nothing was charged.
        assert.equal(response.status(), 303);
      } else {
        assert.equal(response.status(), 400);
        assert.match(await page.locator('#error').innerText(), /could not be verified/);
        await page.click('#order-link');
      }
      const order = await shownOrder(page);
      await steps.shot('order-unpaid');
      assert.equal(order.status, forge.sealed ? 'failed' : 'pending', 'not paid');
      assert.deepEqual((await ledger(servers.simUrl, order.bankOrder)).entries, [], 'nothing provisioned');
      await page.close();
    });

    it('the same valid callback posted again and concurrently pays and books once', async () => {
      const { page, steps } = await newPage(`${family}-replay`);
      let copies = [];
      let callback = null;
      await page.route('**/return?t=*', async (route) => {
        const request = route.request();
        callback = { url: request.url(), body: request.postData() };
        // Four more copies race the browser's own POST.
        copies = Array.from({ length: 4 }, () => post(callback));
        await route.continue();
      }, { times: 1 });
      await checkout(page, steps, { family, card: CARD.approve });
      await acs(page, steps);
      const answers = await Promise.all(copies);
      const replay = await post(callback);
      const order = await shownOrder(page);
      assert.equal(order.status, 'paid');
      for (const answer of [...answers, replay]) {
        assert.equal(answer.status, 303, 'every copy is answered and sent to the order');
        assert.equal(answer.headers.get('location'), `/order/${order.id}`);
      }
      await page.reload();
      await steps.shot('after-replays');
      const approvals = (await notes(page)).filter((n) => n.startsWith('Payment approved'));
      assert.equal(approvals.length, 1, 'one approval note');
      const books = await ledger(servers.simUrl, order.bankOrder);
      assert.equal(books.payments, 1, 'the bank booked one payment');
      assert.equal(books.captured_minor, minor(order.total));
      await page.close();
    });

    it('refunds part, then the rest, and the bank refuses an over-refund', async () => {
      const { page, steps } = await newPage(`${family}-refunds`);
      const refund = async (amount, step) => {
        await page.goto(`${servers.shopUrl}/orders`);
        const row = page.locator(`#order-${paid.id}`);
        await row.locator('input[name="amount"]').fill(amount);
        await Promise.all([page.waitForURL(/\/orders\?message=/), row.locator('button[name="refund"]').click()]);
        await steps.shot(step);
        return page.locator('#flash').innerText();
      };
      assert.match(await refund('1000.00', 'partial-refund'), /refunded 1000\.00/);
      assert.match(await refund('2000.00', 'rest-refunded'), /refunded 2000\.00/);
      assert.match(await refund('1.00', 'over-refund-refused'), /The bank refused the refund/);
      const books = await ledger(servers.simUrl, paid.bankOrder);
      assert.equal(books.refunded_minor, minor(paid.total), 'refunded exactly the payment');
      assert.ok(books.entries.some((e) => e.kind === 'refund' && !e.approved && e.refusal === 'over_refund'));
      await page.close();
    });
  });
}

/**
 * More families, paid and declined through the same checkout: KuveytTürk and Vakıf Katılım (the
 * card enrolled server-to-server, the bank's page on to the ACS, a provision by the callback's MD),
 * VakıfBank Common Payment (the bank charges on its own page and sends the shopper back with a
 * GET; the shop asks the bank for the result), ParamPos (the bank's 3D page comes back as a
 * document the shop serves) and iyzico (a signed initialize, callback and auth).
 */
for (const family of ['kuveyt', 'vakif_katilim', 'payflex_cp', 'param', 'iyzico']) {
  describe(family, () => {
    it('pays in one installment: the order total is what the bank captured', async () => {
      const { page, steps } = await newPage(`${family}-single`);
      await checkout(page, steps, { family, card: CARD.approve });
      await acs(page, steps);
      const order = await shownOrder(page);
      assert.equal(order.status, 'paid');
      const books = await ledger(servers.simUrl, order.bankOrder);
      assert.equal(books.family, family);
      assert.equal(books.payments, 1);
      assert.equal(books.captured_minor, minor(order.total));
      await page.close();
    });

    it('a declined card leaves the order failed', async () => {
      const { page, steps } = await newPage(`${family}-decline`);
      await checkout(page, steps, { family, card: CARD.decline });
      await acs(page, steps);
      const order = await shownOrder(page);
      assert.equal(order.status, 'failed');
      assert.equal((await ledger(servers.simUrl, order.bankOrder)).payments, 0);
      await page.close();
    });
  });
}

/**
 * PayTR's iFrame API: the card goes on PayTR's page inside the shop's; the shopper comes back
 * empty-handed and the result arrives as PayTR's notification, which the order page waits for.
 */
describe('paytr', () => {
  /** Pays on PayTR's embedded page and answers the ACS inside it; returns the shown order. */
  async function payInFrame(page, steps, card, action = 'confirm') {
    await checkout(page, steps, { family: 'paytr', card, bankPage: true });
    const frame = page.frameLocator('#provider-frame');
    await frame.locator('#paytr-card').fill(card);
    await frame.locator('#paytr-expiry').fill('12/30');
    await frame.locator('#paytr-cvv').fill('000');
    await frame.locator('#paytr-pay').click();
    await frame.locator('#otp').waitFor();
    await steps.shot('acs-in-frame');
    if (action === 'confirm') {
      await frame.locator('#otp').fill(await frame.locator('#otp-hint').innerText());
    }
    await Promise.all([
      page.waitForURL(/\/order\/\d+$/),
      frame.locator(action === 'confirm' ? '#acs-submit' : '#acs-fail').click(),
    ]);
    // Until the notification is in, the order page looks again by itself.
    await page.waitForFunction(() => !document.getElementById('awaiting'), null, { timeout: 15000 }).catch(() => {});
    await page.waitForLoadState();
    await steps.shot('back-at-shop');
    return shownOrder(page);
  }

  it('pays on the embedded page; the notification marks the order paid', async () => {
    const { page, steps } = await newPage('paytr-single');
    const order = await payInFrame(page, steps, CARD.approve);
    assert.equal(order.status, 'paid');
    const books = await ledger(servers.simUrl, order.bankOrder);
    assert.equal(books.family, 'paytr');
    assert.equal(books.captured_minor, minor(order.total));
    const notes = await fetch(`${servers.simUrl}/admin/notifications?order_id=${order.bankOrder}`).then((r) => r.json());
    const deliveries = notes.notifications[0].deliveries;
    assert.equal(deliveries.at(-1).answer, 'OK', 'the shop answered the notification with OK');
    await page.close();
  });

  it('a declined card leaves the order failed', async () => {
    const { page, steps } = await newPage('paytr-decline');
    const order = await payInFrame(page, steps, CARD.decline);
    assert.equal(order.status, 'failed');
    assert.equal((await ledger(servers.simUrl, order.bankOrder)).payments, 0);
    await page.close();
  });
});

describe('the shop', () => {
  it('runs the core on an engine the plugin picks (EngineFactory)', () => {
    assert.ok(['ffi', 'php'].includes(servers.engine), servers.engine);
  });

  it('sends the browser the plugin\'s checkout build, which prices the product list\'s installment tables', async () => {
    const { page, steps } = await newPage('checkout-build');
    const fetched = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.endsWith('.wasm')) fetched.push(response);
    });
    await page.goto(`${servers.shopUrl}/`);
    await page.waitForSelector('.installment-table table');
    await steps.shot('products');
    assert.deepEqual(fetched.map((r) => new URL(r.url()).pathname), ['/plugin-assets/sanalpos/gen/sanalpos_bg.wasm']);
    assert.ok((await fetched[0].body()).equals(readFileSync(join(repo, 'build/wasm/checkout/sanalpos_bg.wasm'))), 'the checkout build\'s bytes');
    // The bank ops are not in it: the browser never signs or verifies.
    const core = await page.evaluate(async () => {
      const { version, listGateways } = await import('/plugin-assets/sanalpos/browser.js');
      let error = null;
      try {
        listGateways();
      } catch (e) {
        error = e.code;
      }
      return { gateways: version().gateways, error };
    });
    assert.deepEqual(core, { gateways: [], error: 'request.op_unavailable' });
    await page.close();
  });
});

describe('after the sale', () => {
  it('a pre-authorisation is captured once from the orders page', async () => {
    const { page, steps } = await newPage('nestpay-preauth-capture');
    await checkout(page, steps, { family: 'nestpay', card: CARD.approve, product: 'kettle', preauth: true });
    await acs(page, steps);
    const order = await shownOrder(page);
    assert.equal(order.status, 'paid');
    assert.equal((await ledger(servers.simUrl, order.bankOrder)).captured_minor, 0, 'only authorised');
    await page.goto(`${servers.shopUrl}/orders`);
    await Promise.all([page.waitForURL(/\/orders\?message=/), page.locator(`#order-${order.id} button[name="capture"]`).click()]);
    await steps.shot('captured');
    assert.match(await page.locator('#flash').innerText(), /captured/);
    assert.equal(await page.locator(`#order-${order.id} button[name="capture"]`).count(), 0, 'no second capture');
    const books = await ledger(servers.simUrl, order.bankOrder);
    assert.equal(books.captured_minor, minor(order.total));
    await page.close();
  });

  it('a bank that answers too late leaves the order pending until "Check status" finds it paid', async () => {
    const { page, steps } = await newPage('nestpay-timeout-then-status');
    await checkout(page, steps, { family: 'nestpay', card: CARD.timeout });
    const started = Date.now();
    await acs(page, steps);
    assert.ok(Date.now() - started >= HTTP_TIMEOUT_SECONDS * 1000, 'the shop waited for the bank');
    const order = await shownOrder(page);
    assert.equal(order.status, 'pending');
    await page.goto(`${servers.shopUrl}/orders`);
    await Promise.all([page.waitForURL(/\/orders\?message=/), page.locator(`#order-${order.id} button:has-text("Check status")`).click()]);
    await steps.shot('status-checked');
    assert.match(await page.locator('#flash').innerText(), /the bank says paid/);
    await page.goto(`${servers.shopUrl}/order/${order.id}`);
    assert.equal(await page.locator('#order-status').innerText(), 'paid');
    assert.equal((await ledger(servers.simUrl, order.bankOrder)).payments, 1);
    await page.close();
  });
});

/** Posts a captured callback as the bank's page would, without following the redirect. */
function post({ url, body }) {
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
}
