// The checkout page: mounts the plugin's card form (plugin-php/assets/js/card-form.js, the same
// module as the WooCommerce checkouts), asks the shop to start the payment, then posts the bank's
// signed form from this page.
const config = JSON.parse(document.getElementById('sanalpos-config').textContent);
const { CardForm, loadCore } = await import(config.cardForm);
let core = null;
try {
  core = await loadCore(config.core);
} catch (error) {
  core = null;
}
const root = document.querySelector('[data-sanalpos-form]');
const form = new CardForm(root, config, core);
root.dataset.ready = 'true';

// The bank radio buttons pick the POS account that serves this payment.
for (const radio of root.querySelectorAll('input[name="bank"]')) {
  radio.addEventListener('change', () => {
    config.defaultAccount = radio.value;
    form.applyNames();
  });
}

root.addEventListener('submit', async (event) => {
  event.preventDefault();
  const problem = form.problem();
  if (problem) {
    form.showErrors([problem]);
    return;
  }
  form.applyNames();
  const pay = document.getElementById('pay');
  pay.disabled = true;
  try {
    const response = await fetch('/checkout', { method: 'POST', body: new FormData(root) });
    const answer = await response.json();
    if (answer.result === 'success' && answer.form) {
      form.submitToBank(answer.form);
      return;
    }
    if (answer.result === 'success') {
      window.location.href = answer.redirect;
      return;
    }
    form.showErrors([answer.message || config.i18n.failed]);
  } catch (error) {
    form.showErrors([config.i18n.failed]);
  }
  pay.disabled = false;
});
