// Interim card form of the demo shop, with the interface of the plugin's framework-free
// plugin-php/assets/js/card-form.js (CardForm, loadCore); the router serves the plugin's script
// instead as soon as it exists. It asks the core's browser build about the card while the shopper
// types (card.inspect) and prices the installments for the cart and the card's BIN
// (installments.quote); the card is posted to the shop only when the POS needs it there.

export function loadCore(url) {
  return import(url);
}

export function digitsOf(text) {
  return String(text || '').replace(/[\s-]/g, '');
}

export class CardForm {
  constructor(root, config, core) {
    this.root = root;
    this.config = config;
    this.core = core;
    this.amount = root.dataset.amount || config.amount;
    this.report = null;
    this.quote = null;
    this.el = (name) => root.querySelector(`[data-sanalpos="${name}"]`);
    for (const name of ['number', 'holder', 'expiry', 'cvv']) {
      this.el(name)?.addEventListener('input', () => this.update());
    }
    this.el('installments')?.addEventListener('change', () => this.applyNames());
    this.update();
  }

  value(name) {
    return this.el(name)?.value ?? '';
  }

  card() {
    return { number: this.value('number'), holder: this.value('holder'), expiry: this.value('expiry'), cvv: this.value('cvv') };
  }

  update() {
    const card = this.card();
    const digits = digitsOf(card.number);
    this.report = null;
    if (this.core && digits !== '') {
      const request = { card: { number: card.number }, today: this.config.today, lang: this.config.lang };
      if (card.expiry.trim()) request.card.expiry = card.expiry;
      if (card.cvv.trim()) request.card.cvv = card.cvv;
      try {
        this.report = this.core.inspectCard(request);
      } catch (error) {
        this.report = null;
      }
    }
    const brand = this.el('brand');
    if (brand) brand.textContent = this.report?.brand?.name ?? '';
    this.price(digits.slice(0, 8));
    this.applyNames();
    const complete = this.report?.number?.complete && /\d{1,2}\s*\/\s*\d{2,4}/.test(card.expiry);
    this.showErrors(complete ? this.report.problems.map((p) => p.message) : []);
  }

  price(bin) {
    const select = this.el('installments');
    if (!select || !this.core) return;
    const request = {
      amount: this.amount, currency: this.config.currency, today: this.config.today, plans: this.config.plans,
      cart: this.config.cart, lang: this.config.lang,
    };
    if (bin.length >= 6) request.card = { number: bin };
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
      const campaign = option.campaign?.labels ? ` — ${option.campaign.labels[this.config.lang]}` : '';
      element.textContent = option.labels[this.config.lang] + campaign;
      return element;
    }));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  count() {
    return Math.max(1, parseInt(this.value('installments') || '1', 10));
  }

  entry() {
    return this.config.cardEntry[this.config.defaultAccount] || 'server';
  }

  applyNames() {
    const server = this.entry() === 'server';
    for (const name of ['number', 'holder', 'expiry', 'cvv']) {
      const input = this.el(name);
      if (input && server) input.setAttribute('name', this.config.fields[name]);
      else input?.removeAttribute('name');
    }
    const bin = this.el('bin');
    if (bin) bin.value = server ? '' : digitsOf(this.value('number')).slice(0, 8);
  }

  problem() {
    if (digitsOf(this.value('number')).length < 6) return this.config.i18n.cardMissing;
    return this.report?.problems?.[0]?.message ?? null;
  }

  showErrors(messages) {
    this.el('errors')?.replaceChildren(...messages.map((text) => {
      const line = document.createElement('div');
      line.textContent = text;
      return line;
    }));
  }

  submitToBank(bankForm) {
    const form = document.createElement('form');
    form.method = bankForm.method || 'POST';
    form.action = bankForm.action;
    form.style.display = 'none';
    let fields = bankForm.fields;
    const names = bankForm.card_fields;
    if (bankForm.card_entry === 'browser' && names) {
      const card = this.card();
      const expiry = this.report?.expiry ?? { month: 0, year: 0 };
      fields = fields.concat([
        { name: names.number, value: digitsOf(card.number) },
        { name: names.expiry_month, value: String(expiry.month).padStart(2, '0') },
        { name: names.expiry_year, value: names.year_digits === 2 ? String(expiry.year).slice(-2) : String(expiry.year) },
        { name: names.cvv, value: card.cvv.trim() },
      ]);
      if (names.holder) fields.push({ name: names.holder, value: card.holder.trim() });
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
