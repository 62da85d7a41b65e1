// The product list: each product's installment table, priced by the core in the browser
// (installments.table) under the shop's plans and the product's legal category.
const config = JSON.parse(document.getElementById('sanalpos-config').textContent);
const core = await import(config.core);

for (const box of document.querySelectorAll('.installment-table')) {
  const table = core.installmentTable({
    amount: box.dataset.amount, currency: config.currency, today: config.today, plans: config.plans,
    cart: [{ category: box.dataset.category, price: box.dataset.amount }],
  });
  const head = ['<tr><th>Card</th>', ...table.counts.map((n) => `<th>${n === 1 ? 'Single' : `${n}×`}</th>`), '</tr>'];
  const rows = table.rows.map((row) => {
    const cells = table.counts.map((n) => {
      const option = row.options.find((o) => o.count === n);
      return `<td>${option ? `${option.per_installment}<br><small>${option.total}</small>` : '—'}</td>`;
    });
    return `<tr><th>${row.name[config.lang]}</th>${cells.join('')}</tr>`;
  });
  box.innerHTML = `<table>${head.join('')}${rows.join('')}</table><p class="muted">Per installment, total below (TRY).</p>`;
}
