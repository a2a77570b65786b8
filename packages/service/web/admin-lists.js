// The orders tab (filters, search, keyset pages) and the refunds tab; a row opens the detail drawer.

import { openDetail } from './admin-detail.js';
import {
  $,
  api,
  badge,
  el,
  loadFailed,
  msg,
  renderMessageRow,
  saveDownload,
  setText,
  showConsole,
} from './admin-dom.js';
import { chinaDayStart, formatTime, parseYuanToFen } from './admin-format.js';

const PAGE_SIZE = 20;

/** Cursors of the pages before the current one (keyset paging: `before` = last order number). */
const pages = [];
let cursor;

function orderQuery(paged = true) {
  const params = new URLSearchParams(paged ? { limit: String(PAGE_SIZE) } : {});
  const q = $('q').value.trim();
  if (q) params.set('q', q);
  for (const state of $('state-filter').value.split(',').filter(Boolean)) params.append('state', state);
  if ($('paytype-filter').value) params.set('payType', $('paytype-filter').value);
  if ($('product-filter').value) params.set('productId', $('product-filter').value);
  const amount = parseYuanToFen($('amount-filter').value);
  if (amount !== null) params.set('amount', String(amount));
  if ($('version-filter').value) params.set('apiVersion', $('version-filter').value);
  const from = $('from').value && chinaDayStart($('from').value);
  const to = $('to').value && chinaDayStart($('to').value, 1);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (paged && cursor) params.set('before', cursor);
  return params;
}

/** Every order matching the filters (not only this page), as the CSV file the server streams. */
async function exportOrders() {
  const button = $('export-csv');
  button.disabled = true;
  try {
    await saveDownload(`/api/admin/orders.csv?${orderQuery(false)}`);
  } catch (error) {
    if (error.status !== 401)
      renderMessageRow(
        $('rows'),
        9,
        msg('orders.exportFailed', { code: error.code, message: error.message }),
      );
  } finally {
    button.disabled = false;
  }
}

export async function loadOrders() {
  let orders;
  try {
    orders = await api(`/api/admin/orders?${orderQuery()}`);
  } catch (error) {
    if (error.status !== 401) renderMessageRow($('rows'), 9, loadFailed(error));
    return;
  }
  showConsole();
  const rows = orders.map((order) =>
    el(
      'tr',
      {
        className: 'clickable',
        dataset: { orderNo: order.orderNo },
        onclick: () => openDetail(order.orderNo),
      },
      el('td', { className: 'mono' }, order.orderNo),
      el('td', {}, order.description + (order.quantity > 1 ? ` ×${order.quantity}` : '')),
      el('td', { className: 'num' }, order.amountText),
      el(
        'td',
        { title: order.wechatError ? `${order.wechatError.code}: ${order.wechatError.message}` : null },
        badge(order.state),
      ),
      el('td', {}, order.payType),
      el('td', {}, order.apiVersion),
      el('td', {}, formatTime(order.createdAt)),
      el('td', {}, formatTime(order.paidAt)),
      el('td', { className: 'mono' }, order.transactionId || '—'),
    ),
  );
  if (rows.length === 0) renderMessageRow($('rows'), 9, msg('orders.none'));
  else $('rows').replaceChildren(...rows);
  $('newer').disabled = pages.length === 0;
  $('older').disabled = orders.length < PAGE_SIZE;
  $('older').dataset.next = orders.length ? orders[orders.length - 1].orderNo : '';
  setText($('page-info'), msg('orders.page', { n: pages.length + 1 }));
}

function searchFromFirstPage() {
  pages.length = 0;
  cursor = undefined;
  loadOrders();
}

export async function loadRefunds() {
  const state = $('refund-state-filter').value;
  let refunds;
  try {
    refunds = await api(`/api/admin/refunds?limit=200${state ? `&state=${encodeURIComponent(state)}` : ''}`);
  } catch (error) {
    if (error.status !== 401) renderMessageRow($('refund-rows'), 8, loadFailed(error));
    return;
  }
  const rows = refunds.map((refund) =>
    el(
      'tr',
      {
        className: `clickable${refund.state === 'ABNORMAL' ? ' abnormal' : ''}`,
        onclick: () => openDetail(refund.orderNo),
      },
      el('td', { className: 'mono' }, refund.refundNo),
      el('td', { className: 'mono' }, refund.orderNo),
      el('td', { className: 'num' }, refund.amountText),
      el('td', {}, badge(refund.state)),
      el('td', {}, refund.reason || '—'),
      el('td', {}, formatTime(refund.createdAt)),
      el('td', {}, formatTime(refund.updatedAt)),
      el('td', {}, refund.errorMessage ? `${refund.errorCode || ''} ${refund.errorMessage}` : '—'),
    ),
  );
  if (rows.length === 0) renderMessageRow($('refund-rows'), 8, msg('refunds.none'));
  else $('refund-rows').replaceChildren(...rows);
}

/** The product filter's choices, from the catalogue the shop sells. */
async function loadProductChoices() {
  const products = await fetch('/api/products').then((r) => (r.ok ? r.json() : []));
  $('product-filter').append(...products.map((p) => el('option', { value: p.id }, `${p.name} (${p.id})`)));
}

export function wireLists() {
  loadProductChoices().catch(() => {});
  $('order-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    searchFromFirstPage();
  });
  for (const id of ['state-filter', 'paytype-filter', 'product-filter', 'version-filter', 'from', 'to']) {
    $(id).addEventListener('change', searchFromFirstPage);
  }
  $('refresh').addEventListener('click', loadOrders);
  $('export-csv').addEventListener('click', exportOrders);
  $('older').addEventListener('click', () => {
    pages.push(cursor);
    cursor = $('older').dataset.next;
    loadOrders();
  });
  $('newer').addEventListener('click', () => {
    cursor = pages.pop();
    loadOrders();
  });
  $('refund-state-filter').addEventListener('change', loadRefunds);
  $('refunds-refresh').addEventListener('click', loadRefunds);
}
