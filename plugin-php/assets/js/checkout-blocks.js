// The Cart & Checkout blocks payment method: the same card form (markup from the server, logic
// from card-form.js), plain wp.element without a build step. Data: the `sanalpos_data` setting
// (BlocksSupport::get_payment_method_data()).
(function () {
  'use strict';
  const settings = window.wc.wcSettings.getSetting('sanalpos_data', {});
  const { createElement: h, useEffect, useRef } = window.wp.element;
  const { decodeEntities } = window.wp.htmlEntities;
  const title = decodeEntities(settings.title || '');

  /** A minor-unit amount ("102500", 2) as the decimal string the core reads ("1025.00"). */
  const decimal = (minor, digits) => {
    const text = String(minor).padStart(digits + 1, '0');
    return digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  };

  const Content = (props) => {
    const ref = useRef(null);
    const form = useRef(null);
    const { eventRegistration, emitResponse, billing } = props;
    const amount = billing ? decimal(billing.cartTotal.value, billing.currency.minorUnit) : '';

    useEffect(() => {
      let alive = true;
      if (!settings.config) return undefined;
      import(settings.cardForm).then(async ({ CardForm, loadCore }) => {
        let core = null;
        try {
          core = await loadCore(settings.config.core);
        } catch (error) {
          core = null;
        }
        const root = ref.current && ref.current.querySelector('[data-sanalpos-form]');
        if (alive && root) {
          form.current = new CardForm(root, { ...settings.config, amount: amount || settings.config.amount }, core);
        }
      });
      return () => {
        alive = false;
      };
    }, []);

    useEffect(() => {
      if (form.current && amount) form.current.setAmount(amount);
    }, [amount]);

    useEffect(() => eventRegistration.onPaymentSetup(() => {
      const current = form.current;
      const problem = current ? current.problem() : (settings.config ? settings.config.i18n.failed : null);
      if (problem) {
        return { type: emitResponse.responseTypes.ERROR, message: problem, messageContext: emitResponse.noticeContexts.PAYMENTS };
      }
      return { type: emitResponse.responseTypes.SUCCESS, meta: { paymentMethodData: current.paymentData() } };
    }), [eventRegistration.onPaymentSetup]);

    // The server put the bank's form in the payment details: post it from this page. The promise
    // never settles, so the block does not redirect while the browser goes to the bank.
    useEffect(() => eventRegistration.onCheckoutSuccess(({ processingResponse }) => {
      const raw = processingResponse && processingResponse.paymentDetails ? processingResponse.paymentDetails.sanalpos : '';
      if (!raw || !form.current) return true;
      form.current.submitToBank(JSON.parse(raw));
      return new Promise(() => {});
    }), [eventRegistration.onCheckoutSuccess]);

    return h('div', { ref },
      settings.description ? h('p', null, decodeEntities(settings.description)) : null,
      h('div', { dangerouslySetInnerHTML: { __html: settings.formHtml } }));
  };

  window.wc.wcBlocksRegistry.registerPaymentMethod({
    name: 'sanalpos',
    label: h('span', null, title),
    ariaLabel: title,
    content: h(Content),
    edit: h(Content),
    canMakePayment: () => true,
    supports: { features: settings.supports || ['products'] },
  });
})();
