// The classic checkout and the order-pay page: mounts the shared card form (card-form.js) and
// posts the bank's signed form from this page. Data: window.sanalposCheckout (Checkout::config()).
(function ($) {
  'use strict';
  const config = window.sanalposCheckout;
  if (!config) return;

  import(config.cardForm).then(async ({ CardForm, loadCore }) => {
    let core = null;
    try {
      core = await loadCore(config.core);
    } catch (error) {
      core = null;
    }
    let form = null;
    // WooCommerce re-renders the payment methods after every checkout update.
    const mount = () => {
      const root = document.querySelector('[data-sanalpos-form]');
      if (root && root.sanalposForm === undefined) {
        root.sanalposForm = new CardForm(root, config, core);
      }
      form = root ? root.sanalposForm : null;
    };
    mount();
    $(document.body).on('updated_checkout', mount);

    const checkout = $('form.checkout');
    checkout.on('checkout_place_order_sanalpos', () => {
      if (form) form.applyNames();
      return true;
    });
    // process_payment() answered with the bank's form: post it to the bank from here, and keep
    // WooCommerce from following its redirect (the order-pay page is the no-JavaScript fallback).
    checkout.on('checkout_place_order_success', (event, result) => {
      if (form && result && result.sanalpos) {
        form.submitToBank(JSON.parse(result.sanalpos));
        return false;
      }
      return true;
    });

    // The order-pay page's form: ask the plugin for the bank's form, then post it from here.
    const pay = document.querySelector('[data-sanalpos-pay]');
    if (pay) {
      pay.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!form) return;
        form.applyNames();
        const data = new FormData(pay);
        data.append('sanalpos_ajax', '1');
        try {
          const response = await fetch(pay.action, { method: 'POST', body: data, credentials: 'same-origin' });
          const answer = await response.json();
          if (answer.result === 'success' && answer.sanalpos) {
            form.submitToBank(JSON.parse(answer.sanalpos));
          } else if (answer.result === 'success') {
            window.location.href = answer.redirect;
          } else {
            form.showErrors([answer.messages || config.i18n.failed]);
          }
        } catch (error) {
          form.showErrors([config.i18n.failed]);
        }
      });
    }
  });
})(jQuery);
