// The admin console: orders (filters, search, pages), an order's detail drawer (history, raw
// notifications, refunds, query / resend / refund), refunds, and a Chart.js dashboard. This module
// signs in, switches tabs and wires the parts together.

import { loadStats, wireDashboard } from './admin-dashboard.js';
import { orderChanged, wireDetail } from './admin-detail.js';
import { $, showLogin, TOKEN_KEY } from './admin-dom.js';
import { loadOrders, loadRefunds, wireLists } from './admin-lists.js';
import { followLiveEvents, stopLiveEvents } from './admin-live.js';
import { loadProducts, wireProducts } from './admin-products.js';
import { loadReconciliation, wireReconciliation } from './admin-reconciliation.js';
import { loadWebhooks, wireWebhooks } from './admin-webhooks.js';

let currentTab = 'orders';
let refreshTimer;

/** A live change: the open drawer re-reads it, the list on screen is re-read once the burst settles. */
function onOrderChanged(orderNo) {
  orderChanged(orderNo);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if ($('detail').open) return;
    if (currentTab === 'orders') loadOrders();
    if (currentTab === 'refunds') loadRefunds();
  }, 400);
}

function selectTab(tab) {
  followLiveEvents(onOrderChanged);
  currentTab = tab;
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.setAttribute('aria-pressed', String(button.dataset.tab === tab));
  }
  for (const section of document.querySelectorAll('.tab')) section.hidden = section.id !== `tab-${tab}`;
  if (tab === 'orders') loadOrders();
  if (tab === 'refunds') loadRefunds();
  if (tab === 'dashboard') loadStats();
  if (tab === 'webhooks') loadWebhooks();
  if (tab === 'products') loadProducts();
  if (tab === 'reconciliation') loadReconciliation();
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  selectTab(currentTab);
});
$('logout').addEventListener('click', () => {
  stopLiveEvents();
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin();
});
for (const button of document.querySelectorAll('[data-tab]')) {
  button.addEventListener('click', () => selectTab(button.dataset.tab));
}
wireLists();
wireDashboard();
wireWebhooks();
wireProducts();
wireReconciliation();
wireDetail(() => {
  if (currentTab === 'orders') loadOrders();
  if (currentTab === 'refunds') loadRefunds();
});

if (sessionStorage.getItem(TOKEN_KEY)) selectTab('orders');
else showLogin();
