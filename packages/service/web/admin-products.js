// The products tab: the whole catalogue (withdrawn products too), a form to add one, and per row a
// new price (typed in yuan, converted to fen without floating point) and withdraw / offer again.

import { $, api, can, el, loadFailed, msg, renderMessageRow, showConsole, showError } from './admin-dom.js';
import { formatFen, parseYuanToFen } from './admin-format.js';
import { t } from './messages.js';

export async function loadProducts() {
  let products;
  try {
    products = await api('/api/admin/products');
  } catch (error) {
    if (error.status !== 401) renderMessageRow($('product-rows'), 6, loadFailed(error));
    return;
  }
  showConsole();
  const manage = can('products.manage');
  const rows = products.map((p) => {
    return el(
      'tr',
      {
        className: p.available ? null : 'withdrawn',
        dataset: { productId: p.id, available: String(p.available) },
      },
      el('td', { className: 'mono' }, p.id),
      el('td', {}, p.name),
      el('td', { className: 'num' }, formatFen(p.price)),
      el('td', { className: 'num' }, p.stock === null ? msg('products.unlimited') : String(p.stock)),
      el('td', {}, msg(p.available ? 'products.onSale' : 'products.withdrawn')),
      manage ? actions(p) : el('td', { className: 'muted' }, '—'),
    );
  });
  if (rows.length === 0) renderMessageRow($('product-rows'), 6, msg('products.none'));
  else $('product-rows').replaceChildren(...rows);
}

/** An owner's buttons on a product row: a new price, withdraw or offer again. */
function actions(p) {
  const price = el('input', {
    type: 'text',
    inputmode: 'decimal',
    className: 'price-input',
    value: (p.price / 100).toFixed(2),
    'aria-label': t('products.newPriceOf', { id: p.id }),
  });
  return el(
    'td',
    {},
    price,
    el(
      'button',
      { type: 'button', className: 'btn small secondary', onclick: () => reprice(p, price.value) },
      msg('products.setPrice'),
    ),
    ' ',
    el(
      'button',
      {
        type: 'button',
        className: 'btn small secondary',
        onclick: () => change(p.id, { available: !p.available }),
      },
      msg(p.available ? 'products.withdraw' : 'products.offer'),
    ),
  );
}

async function change(id, body) {
  $('product-error').hidden = true;
  try {
    await api(`/api/admin/products/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: JSON.stringify(body),
    });
  } catch (error) {
    showError($('product-error'), error);
  }
  await loadProducts();
}

function reprice(product, text) {
  const fen = parseYuanToFen(text);
  if (fen === null || fen <= 0) {
    showError($('product-error'), msg('products.badPrice'));
    return;
  }
  return change(product.id, { price: fen });
}

async function addProduct(event) {
  event.preventDefault();
  $('product-error').hidden = true;
  const price = parseYuanToFen($('new-product-price').value);
  if (price === null || price <= 0) {
    showError($('product-error'), msg('products.badPrice'));
    return;
  }
  const stock = $('new-product-stock').value.trim();
  try {
    await api('/api/admin/products', {
      method: 'POST',
      body: JSON.stringify({
        id: $('new-product-id').value.trim(),
        name: $('new-product-name').value.trim(),
        price,
        ...(stock === '' ? {} : { stock: Number(stock) }),
      }),
    });
    $('new-product').reset();
  } catch (error) {
    showError($('product-error'), error);
  }
  await loadProducts();
}

export function wireProducts() {
  $('new-product').addEventListener('submit', addProduct);
}
