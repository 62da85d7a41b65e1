// The card form's logic, in one framework-free ES module: used by the classic checkout, the
// Blocks checkout, the order-pay page (checkout-classic.js, checkout-blocks.js) and the demo shop.
//
// It asks the core (the browser build of the .wasm) about the card as the shopper types —
// brand, Luhn, expiry, BIN → card family — and prices the installments for the cart total and
// the card's BIN, with no server round-trip per keystroke. It decides which fields are posted:
// the card only when the POS that will serve it needs the card on the server (`card_entry`
// `server`); otherwise just the BIN and the installment count. When the server answers with the
// bank's signed form, it posts that form to the bank, adding the card fields in the browser
// where the bank's signature does not cover them (`card_entry` `browser`).
//
// Markup: elements carrying data-sanalpos="number|holder|expiry|cvv|installments|bin|brand|
// errors|bank-page-note" and data-sanalpos="card-only" rows, inside one root element.

/** Loads the core's browser entry (it fetches its .wasm before resolving). */
export function loadCore(url) {
  return import(url);
}

/** The shop's BIN list entry for some card digits: the 8-digit prefix first, then 6. */
export function issuerFor(bins, digits) {
  for (const n of [8, 6]) {
    if (digits.length >= n && bins && bins[digits.slice(0, n)]) {
      return bins[digits.slice(0, n)];
    }
  }
  return null;
}

/** The digits of a card number as typed (spaces and dashes are the only separators accepted). */
export function digitsOf(text) {
  return String(text || '').replace(/[\s-]/g, '');
}

/**
 * The account that serves a payment, as the server's flow routes it: installments go to the POS
 * of the card family's plan, single payments to the default POS.
 */
export function routeAccount(config, plan, count) {
  const pos = count > 1 && plan && plan.pos ? plan.pos : '';
  return pos && config.cardEntry[pos] ? pos : config.defaultAccount;
}

/** An expiry written in one of the core's layouts (`MM`, `YY`, `YYYY`, `MMYY`, …). */
export function expiryText(layout, expiry) {
  const year = String(expiry.year);
  return layout.replace('YYYY', year).replace('YY', year.slice(-2)).replace('MM', String(expiry.month).padStart(2, '0'));
}

/** The code listed (`[[id, code], …]`) for the first of `ids` that has one, or null. */
function codeFor(codes, ids) {
  for (const id of ids) {
    const listed = id ? codes.find(([key]) => key === id) : null;
    if (listed) return listed[1];
  }
  return null;
}

/**
 * The fields to add to the bank's form in the browser (`card_entry` `browser`), named and
 * formatted as the core's `card_fields` says (core/API.md): the number, each expiry field in its
 * layout, the CVV, the holder, the scheme's code and the card program's code when the bank wants
 * them. `report` is the core's `card.inspect` of the card (its expiry, brand and issuer family,
 * the shop's BIN list applied).
 */
export function browserCardFields(cardFields, card, report) {
  const expiry = report && report.expiry ? report.expiry : { month: 0, year: 0 };
  const issuer = (report && report.issuer) || {};
  const fields = [[cardFields.number, digitsOf(card.number)]];
  for (const [name, layout] of cardFields.expiry) {
    fields.push([name, expiryText(layout, expiry)]);
  }
  fields.push([cardFields.cvv, String(card.cvv || '').trim()]);
  if (cardFields.holder) {
    fields.push([cardFields.holder, String(card.holder || '').trim()]);
  }
  const brand = report && report.brand ? report.brand.id : null;
  // A code by brand id; one by family id, a sub-brand without its own taking its parent's.
  for (const [field, ids] of [[cardFields.brand, [brand]], [cardFields.program, [issuer.family, issuer.family_parent]]]) {
    const code = field ? codeFor(field[1], ids) : null;
    if (code !== null) fields.push([field[0], code]);
  }
  return fields.map(([name, value]) => ({ name, value }));
}

export class CardForm {
  /**
   * @param {Element} root The form's root element.
   * @param {object} config The page data (Checkout::config() in the plugin).
   * @param {object|null} core The core's API module, or null when it could not be loaded (the
   *        server then checks everything when the order is placed).
   */
  constructor(root, config, core) {
    this.root = root;
    this.config = config;
    this.core = core;
    this.amount = root.dataset.amount || config.amount;
    this.quote = null;
    this.report = null;
    this.quotedFor = '';
    this.el = (name) => root.querySelector(`[data-sanalpos="${name}"]`);
    for (const name of ['number', 'holder', 'expiry', 'cvv']) {
      const input = this.el(name);
      if (input) {
        input.addEventListener('input', () => this.update());
      }
    }
    const select = this.el('installments');
    if (select) {
      select.addEventListener('change', () => this.applyNames());
    }
    if (!core) {
      this.showErrors([config.i18n.coreFailed]);
    }
    this.update();
  }

  value(name) {
    const input = this.el(name);
    return input ? input.value : '';
  }

  card() {
    return { number: this.value('number'), holder: this.value('holder'), expiry: this.value('expiry'), cvv: this.value('cvv') };
  }

  /** Re-reads the card; re-prices when the BIN or the amount changed. */
  update() {
    const digits = digitsOf(this.value('number'));
    if (this.core && digits !== '') {
      const card = this.card();
      const request = { card: { number: card.number }, today: this.config.today, lang: this.config.lang };
      if (card.expiry.trim() !== '') request.card.expiry = card.expiry;
      if (card.cvv.trim() !== '') request.card.cvv = card.cvv;
      const issuer = issuerFor(this.config.bins, digits);
      if (issuer) request.issuer = issuer;
      try {
        this.report = this.core.inspectCard(request);
      } catch (error) {
        this.report = null;
      }
    } else {
      this.report = null;
    }
    const brand = this.el('brand');
    if (brand) {
      brand.textContent = this.report && this.report.brand ? this.report.brand.name : '';
    }
    const bin = digits.slice(0, 8);
    if (bin.slice(0, 6) + '|' + this.amount !== this.quotedFor && (bin.length >= 6 || this.quotedFor === '')) {
      this.quotedFor = bin.slice(0, 6) + '|' + this.amount;
      this.price(bin);
    }
    this.applyNames();
    this.showErrors(this.visibleProblems());
  }

  /** Problems worth showing while typing: those of a field the shopper has finished. */
  visibleProblems() {
    if (!this.report) return [];
    const done = {
      number: this.report.number && this.report.brand && this.report.brand.lengths.includes(this.report.number.length),
      expiry: /^\s*\d{1,2}\s*\/\s*\d{2,4}\s*$/.test(this.value('expiry')),
      cvv: this.report.brand ? this.value('cvv').trim().length >= this.report.brand.cvv_length : false,
    };
    return this.report.problems.filter((p) => done[String(p.field || '').split('.').pop()]).map((p) => p.message);
  }

  /** Fills the installment selector from the core's quote for the amount, cart and BIN. */
  price(bin) {
    const select = this.el('installments');
    if (!select || !this.core) return;
    const request = {
      amount: this.amount, currency: this.config.currency, today: this.config.today, plans: this.config.plans,
      cart: this.config.cart, lang: this.config.lang,
    };
    if (this.config.limits && Object.keys(this.config.limits).length > 0) request.limits = this.config.limits;
    if (bin.length >= 6) {
      request.card = { number: bin };
      const issuer = issuerFor(this.config.bins, bin);
      if (issuer) request.issuer = issuer;
    }
    try {
      this.quote = this.core.quoteInstallments(request);
    } catch (error) {
      this.quote = null;
      return;
    }
    const chosen = select.value;
    select.replaceChildren(...this.quote.options.map((option) => {
      const element = document.createElement('option');
      element.value = String(option.count);
      const campaign = option.campaign && option.campaign.labels ? ` — ${option.campaign.labels[this.config.lang]}` : '';
      element.textContent = option.labels[this.config.lang] + campaign;
      return element;
    }));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  setAmount(amount) {
    if (amount && amount !== this.amount) {
      this.amount = amount;
      this.update();
    }
  }

  count() {
    return Math.max(1, parseInt(this.value('installments') || '1', 10));
  }

  /** How the card reaches the bank for the current card and installment choice. */
  entry() {
    const account = routeAccount(this.config, this.quote && this.quote.plan, this.count());
    return this.config.cardEntry[account] || 'server';
  }

  /** Names the card inputs only when the card must be posted; keeps the hidden BIN current. */
  applyNames() {
    const entry = this.entry();
    const fields = this.config.fields;
    for (const name of ['number', 'holder', 'expiry', 'cvv']) {
      const input = this.el(name);
      if (!input) continue;
      if (entry === 'server') input.setAttribute('name', fields[name]);
      else input.removeAttribute('name');
    }
    const bin = this.el('bin');
    if (bin) bin.value = entry === 'server' ? '' : digitsOf(this.value('number')).slice(0, 8);
    for (const row of this.root.querySelectorAll('[data-sanalpos="card-only"]')) {
      row.hidden = entry === 'bank_page';
    }
    const note = this.el('bank-page-note');
    if (note) note.hidden = entry !== 'bank_page';
  }

  /** What is posted (the Blocks checkout sends it as payment data). */
  paymentData() {
    this.applyNames();
    const fields = this.config.fields;
    const data = { [fields.installments]: String(this.count()) };
    if (this.entry() === 'server') {
      const card = this.card();
      for (const name of ['number', 'holder', 'expiry', 'cvv']) data[fields[name]] = card[name];
    } else {
      data[fields.bin] = digitsOf(this.value('number')).slice(0, 8);
    }
    return data;
  }

  /** The first problem that keeps the order from being placed, or null (the server re-checks). */
  problem() {
    if (!this.core) return null;
    const digits = digitsOf(this.value('number'));
    if (digits.length < 6) return this.config.i18n.cardMissing || this.config.i18n.failed;
    if (this.entry() === 'bank_page') return null;
    const problems = this.report ? this.report.problems : [];
    return problems.length > 0 ? problems[0].message : null;
  }

  showErrors(messages) {
    const box = this.el('errors');
    if (!box) return;
    box.replaceChildren(...messages.map((text) => {
      const line = document.createElement('div');
      line.textContent = text;
      return line;
    }));
  }

  /**
   * Posts the bank's signed form from this page. For `browser` entry, the card fields are added
   * here; they never reach the shop's server.
   */
  submitToBank(bankForm) {
    const form = document.createElement('form');
    form.method = bankForm.method || 'POST';
    form.action = bankForm.action;
    form.style.display = 'none';
    let fields = bankForm.fields;
    if (bankForm.card_entry === 'browser' && bankForm.card_fields) {
      fields = fields.concat(browserCardFields(bankForm.card_fields, this.card(), this.report));
    }
    for (const field of fields) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = field.name;
      input.value = field.value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    this.showErrors([this.config.i18n.redirect]);
    form.submit();
  }
}
