// The admin console: orders (filters, search, pages), an order's detail drawer (history, raw
// notifications, refunds, query / resend / refund), refunds, a Chart.js dashboard, products,
// webhooks, the audit log and (for an owner) the users. This module signs in — with a username
// and password, or the admin token — shows who is signed in, switches tabs and wires the parts.

import { loadAudit, wireAudit } from './admin-audit.js';
import { loadStats, wireDashboard } from './admin-dashboard.js';
import { orderChanged, wireDetail } from './admin-detail.js';
import {
  $,
  ApiError,
  api,
  can,
  forget,
  msg,
  setSignedIn,
  setText,
  showLogin,
  signedIn,
  TOKEN_KEY,
} from './admin-dom.js';
import { loadOrders, loadRefunds, wireLists } from './admin-lists.js';
import { followLiveEvents, stopLiveEvents } from './admin-live.js';
import { loadProducts, wireProducts } from './admin-products.js';
import { loadReconciliation, wireReconciliation } from './admin-reconciliation.js';
import { loadUsers, wireUsers } from './admin-users.js';
import { loadWebhooks, wireWebhooks } from './admin-webhooks.js';
import { onLanguageChange, startI18n } from './messages.js';

startI18n();

const LOADERS = {
  orders: () => loadOrders(),
  refunds: () => loadRefunds(),
  dashboard: () => loadStats(),
  webhooks: () => loadWebhooks(),
  products: () => loadProducts(),
  reconciliation: () => loadReconciliation(),
  audit: () => loadAudit(),
  users: () => loadUsers(),
};

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
  currentTab = tab === 'users' && !can('users.manage') ? 'orders' : tab;
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.setAttribute('aria-pressed', String(button.dataset.tab === currentTab));
  }
  for (const section of document.querySelectorAll('.tab'))
    section.hidden = section.id !== `tab-${currentTab}`;
  LOADERS[currentTab]();
}

/** Shows who is in and what their role allows, then the current tab. */
function enter(me) {
  setSignedIn(me);
  document.body.dataset.role = me.role;
  setText(
    $('whoami'),
    msg('admin.whoami', {
      who: me.kind === 'token' ? { key: 'admin.tokenName' } : me.username,
      role: { key: `role.${me.role}` },
    }),
  );
  $('whoami').dataset.role = me.role;
  $('whoami').dataset.kind = me.kind;
  document.querySelector('[data-tab=users]').hidden = !can('users.manage');
  $('new-product').hidden = !can('products.manage');
  selectTab(currentTab);
}

/** Who the token or the session cookie is; a 401 has already shown the sign-in form. */
async function resume() {
  try {
    enter(await api('/api/admin/me'));
  } catch (error) {
    if (error.status !== 401) showLogin(`${error.code}: ${error.message}`);
  }
}

$('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('signin-error').hidden = true;
  sessionStorage.removeItem(TOKEN_KEY);
  const response = await fetch('/api/admin/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify({ username: $('username').value.trim(), password: $('password').value }),
  });
  const body = await response.json().catch(() => null);
  $('password').value = '';
  if (!response.ok) {
    const error = new ApiError(response.status, body);
    const words =
      error.code === 'SIGN_IN_FAILED'
        ? msg('admin.signInFailed')
        : error.code === 'TOO_MANY_REQUESTS'
          ? msg('admin.tooManyAttempts', { message: error.message })
          : `${error.code}: ${error.message}`;
    showLogin(words);
    return;
  }
  enter(body);
});

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  // Lists, the drawer and notices built from catalogue messages follow a switch by themselves; the
  // tab on screen is read again for what it composes from the server's answers (chart labels …).
  onLanguageChange(() => {
    if (signedIn()) LOADERS[currentTab]();
  });
  resume();
});

$('logout').addEventListener('click', async () => {
  // The server ends the session, so the cookie is worthless wherever it was copied.
  if (signedIn()?.kind === 'user') await api('/api/admin/session', { method: 'DELETE' }).catch(() => {});
  stopLiveEvents();
  forget();
  delete document.body.dataset.role;
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
wireUsers();
wireAudit();
wireDetail(() => {
  if (currentTab === 'orders') loadOrders();
  if (currentTab === 'refunds') loadRefunds();
});

// Lists, the drawer and notices built from catalogue messages follow a switch by themselves; the
// tab on screen is read again for what it composes from the server's answers (chart labels …).
onLanguageChange(() => {
  if (signedIn()) LOADERS[currentTab]();
});
resume();
