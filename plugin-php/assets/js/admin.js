// Settings screen: show each POS account's credential fields for the chosen bank only, and run
// the Connection test (nonce-checked admin AJAX). Without JavaScript every family's fields show.
(function () {
  'use strict';
  const data = window.sanalposAdmin || {};
  const sync = (account) => {
    const preset = account.querySelector('.sanalpos-preset');
    const chosen = preset.selectedOptions[0];
    const family = chosen ? chosen.dataset.family || '' : '';
    for (const block of account.querySelectorAll('.sanalpos-family')) {
      block.hidden = family !== '' && block.dataset.family !== family;
    }
    for (const option of account.querySelectorAll('.sanalpos-model option')) {
      option.hidden = family !== '' && option.dataset.family !== family;
    }
    const model = account.querySelector('.sanalpos-model');
    if (model.selectedOptions[0] && model.selectedOptions[0].hidden) {
      const first = [...model.options].find((o) => !o.hidden);
      if (first) model.value = first.value;
    }
  };
  for (const account of document.querySelectorAll('.sanalpos-account')) {
    account.querySelector('.sanalpos-preset').addEventListener('change', () => sync(account));
    sync(account);
  }
  for (const button of document.querySelectorAll('.sanalpos-connection-test')) {
    button.addEventListener('click', async () => {
      const out = button.parentElement.querySelector('.sanalpos-connection-result');
      out.textContent = data.testing;
      const body = new URLSearchParams({ action: 'sanalpos_connection_test', nonce: data.nonce, account: button.dataset.account });
      try {
        const answer = await (await fetch(data.ajax, { method: 'POST', body, credentials: 'same-origin' })).json();
        out.textContent = answer.data && answer.data.message ? answer.data.message : String(answer.data);
        out.className = `sanalpos-connection-result ${answer.success ? 'sanalpos-ok' : 'sanalpos-failed'}`;
      } catch (error) {
        out.textContent = String(error);
      }
    });
  }
})();
