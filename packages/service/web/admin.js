// The admin console: orders (filters, search, pages), an order's detail drawer (history, raw
// notifications, refunds, query / resend / refund), refunds, and a Chart.js dashboard.
// The admin token is asked for once and kept in sessionStorage (gone when the tab closes); every
// request sends it as a Bearer token. Everything shown is set with textContent: notification
// bodies and headers come from whoever posted them.

import { chinaDayStart, chinaLabel, formatFen, formatTime, parseYuanToFen } from './admin-format.js';

const TOKEN_KEY = 'wxpay-admin-token';
const PAGE_SIZE = 20;
const DEMO = document.body.dataset.demo === 'true';
const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or strings (always text, never HTML). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const badge = (state) => el('span', { className: `badge ${state}` }, state);

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ? body.error : `HTTP_${status}`;
  }
}

/** A call to the admin API; a 401 sends the admin back to the token form. */
async function api(path, init = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` };
  if (init.body) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { ...init, headers });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin('令牌无效 The token was not accepted.');
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function showError(box, error) {
  box.hidden = false;
  box.textContent =
    error instanceof ApiError ? `${error.code}: ${error.message}` : String(error.message || error);
}

// ---- sign-in and tabs ----

function showLogin(message) {
  $('console').hidden = true;
  $('login').hidden = false;
  $('login-error').hidden = !message;
  $('login-error').textContent = message || '';
  $('token').focus();
}

function showConsole() {
  $('login').hidden = true;
  $('console').hidden = false;
}

let currentTab = 'orders';
function selectTab(tab) {
  currentTab = tab;
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.setAttribute('aria-pressed', String(button.dataset.tab === tab));
  }
  for (const section of document.querySelectorAll('.tab')) section.hidden = section.id !== `tab-${tab}`;
  if (tab === 'orders') loadOrders();
  if (tab === 'refunds') loadRefunds();
  if (tab === 'dashboard') loadStats();
}

// ---- orders ----

/** Cursors of the pages before the current one (keyset paging: `before` = last order number). */
const pages = [];
let cursor;

function orderQuery() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const q = $('q').value.trim();
  if (q) params.set('q', q);
  if ($('state-filter').value) params.set('state', $('state-filter').value);
  if ($('paytype-filter').value) params.set('payType', $('paytype-filter').value);
  if ($('version-filter').value) params.set('apiVersion', $('version-filter').value);
  const from = $('from').value && chinaDayStart($('from').value);
  const to = $('to').value && chinaDayStart($('to').value, 1);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (cursor) params.set('before', cursor);
  return params;
}

async function loadOrders() {
  let orders;
  try {
    orders = await api(`/api/admin/orders?${orderQuery()}`);
  } catch (error) {
    if (error.status !== 401) renderMessageRow($('rows'), 9, `加载失败 ${error.code}: ${error.message}`);
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
  if (rows.length === 0) renderMessageRow($('rows'), 9, '没有订单 No orders');
  else $('rows').replaceChildren(...rows);
  $('newer').disabled = pages.length === 0;
  $('older').disabled = orders.length < PAGE_SIZE;
  $('older').dataset.next = orders.length ? orders[orders.length - 1].orderNo : '';
  $('page-info').textContent = `第 ${pages.length + 1} 页 Page ${pages.length + 1}`;
}

function renderMessageRow(tbody, columns, text) {
  tbody.replaceChildren(el('tr', {}, el('td', { className: 'muted', colspan: String(columns) }, text)));
}

function searchFromFirstPage() {
  pages.length = 0;
  cursor = undefined;
  loadOrders();
}

// ---- refunds ----

async function loadRefunds() {
  const state = $('refund-state-filter').value;
  let refunds;
  try {
    refunds = await api(`/api/admin/refunds?limit=200${state ? `&state=${encodeURIComponent(state)}` : ''}`);
  } catch (error) {
    if (error.status !== 401)
      renderMessageRow($('refund-rows'), 8, `加载失败 ${error.code}: ${error.message}`);
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
  if (rows.length === 0) renderMessageRow($('refund-rows'), 8, '没有退款 No refunds');
  else $('refund-rows').replaceChildren(...rows);
}

// ---- order detail ----

let detailOrderNo;
let detailTimer;
let lastDetail;

async function openDetail(orderNo) {
  detailOrderNo = orderNo;
  $('detail-error').hidden = true;
  $('detail-notice').hidden = true;
  $('refund-form').reset();
  $('resend').hidden = !DEMO;
  if (!$('detail').open) $('detail').showModal();
  await refreshDetail();
}

async function refreshDetail() {
  clearTimeout(detailTimer);
  const orderNo = detailOrderNo;
  let detail;
  try {
    detail = await api(`/api/admin/orders/${encodeURIComponent(orderNo)}`);
  } catch (error) {
    showError($('detail-error'), error);
    return;
  }
  if (orderNo !== detailOrderNo) return;
  lastDetail = detail;
  renderDetail(detail);
  // While money is moving, follow it without a reload.
  const moving =
    detail.order.state === 'REFUNDING' ||
    (detail.refunds || []).some((r) => r.state === 'PENDING' || r.state === 'PROCESSING');
  if (moving && $('detail').open) detailTimer = setTimeout(refreshDetail, 1500);
}

function renderDetail({ order, history, notifications, refunds }) {
  $('detail').dataset.state = order.state;
  $('detail-title').textContent = `订单 Order ${order.orderNo}`;
  const refundable = order.amount - (order.refundedAmount || 0);
  const fields = [
    ['状态 State', badge(order.state)],
    ['商品 Item', `${order.description} ×${order.quantity}`],
    ['金额 Amount', order.amountText],
    ['已退款 Refunded', formatFen(order.refundedAmount || 0)],
    ['方式 Pay type', `${order.payType} · API ${order.apiVersion}`],
    ['创建 Created', formatTime(order.createdAt)],
    ['过期 Expires', formatTime(order.expiresAt)],
    ['支付 Paid', formatTime(order.paidAt)],
    ['发货 Fulfilled', formatTime(order.fulfilledAt)],
    ['关闭 Closed', formatTime(order.closedAt)],
    ['微信支付单号 Transaction', order.transactionId || '—'],
    ['下单 openid (ordered for)', order.openid || '—'],
    ['付款 openid (paid by)', order.payerOpenid || '—'],
  ];
  if (order.wechatError)
    fields.push(['微信错误 WeChat error', `${order.wechatError.code}: ${order.wechatError.message}`]);
  $('detail-fields').replaceChildren(
    ...fields.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]),
  );

  const canRefund = ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDING'].includes(order.state) && refundable > 0;
  $('refund-form').hidden = !canRefund;
  $('refund-amount').placeholder = `≤ ${formatFen(refundable).slice(1)}`;

  const refundList = refunds || [];
  $('detail-refunds').replaceChildren(
    refundList.length === 0
      ? el('div', { className: 'muted' }, '无 None')
      : el(
          'table',
          { className: 'compact' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['退款单号 Refund', '金额 Amount', '状态 State', '原因 Reason', '时间 Time'].map((h) =>
                el('th', {}, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            ...refundList.map((refund) =>
              el(
                'tr',
                {
                  className: refund.state === 'ABNORMAL' ? 'abnormal' : null,
                  dataset: { refundNo: refund.refundNo, state: refund.state },
                },
                el('td', { className: 'mono' }, refund.refundNo),
                el('td', { className: 'num' }, refund.amountText),
                el(
                  'td',
                  {},
                  badge(refund.state),
                  refund.errorMessage ? el('div', { className: 'error-text' }, refund.errorMessage) : null,
                ),
                el('td', {}, refund.reason || '—'),
                el('td', {}, formatTime(refund.succeededAt || refund.updatedAt)),
              ),
            ),
          ),
        ),
  );

  $('detail-history').replaceChildren(
    ...history.map((entry) =>
      el(
        'li',
        {},
        el('span', { className: 'when' }, formatTime(entry.at)),
        ' ',
        entry.fromState ? badge(entry.fromState) : null,
        entry.fromState ? ' → ' : null,
        badge(entry.toState),
        el('div', { className: 'why' }, `${entry.reason} · ${entry.source}`),
      ),
    ),
  );

  $('detail-notifications').replaceChildren(
    ...(notifications.length === 0
      ? [el('div', { className: 'muted' }, '尚未收到 None received')]
      : notifications.map((n) =>
          el(
            'details',
            {
              className: `notification ${n.verified ? 'verified' : 'unverified'}`,
              dataset: { verified: String(n.verified) },
            },
            el(
              'summary',
              {},
              el(
                'span',
                { className: 'mark', title: n.verified ? 'signature verified' : 'NOT verified' },
                n.verified ? '✓' : '✗',
              ),
              ` ${formatTime(n.receivedAt)} · ${n.kind} · ${n.apiVersion} · `,
              el('span', { className: 'outcome' }, n.outcome),
            ),
            el('div', { className: 'muted small' }, '请求头 Headers'),
            el(
              'pre',
              { className: 'raw' },
              Object.entries(n.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n') || '—',
            ),
            el('div', { className: 'muted small' }, '原始报文 Raw body'),
            el('pre', { className: 'raw' }, n.rawBody),
          ),
        )),
  );
}

function showNotice(text) {
  $('detail-error').hidden = true;
  $('detail-notice').hidden = false;
  $('detail-notice').textContent = text;
}

async function queryNow() {
  const button = $('query-now');
  button.disabled = true;
  try {
    const result = await api(`/api/admin/orders/${encodeURIComponent(detailOrderNo)}/query`, {
      method: 'POST',
    });
    showNotice(`微信 WeChat: ${result.tradeState} → ${result.outcome} (order ${result.order.state})`);
    await refreshDetail();
  } catch (error) {
    showError($('detail-error'), error);
  } finally {
    button.disabled = false;
  }
}

async function requestResend() {
  const button = $('resend');
  button.disabled = true;
  try {
    const r = await api(`/api/admin/orders/${encodeURIComponent(detailOrderNo)}/notifications/resend`, {
      method: 'POST',
    });
    showNotice(
      `已重发 Resent ${r.notificationId}: ${r.acked ? 'ACKed' : 'not ACKed'}${r.httpStatus ? ` (HTTP ${r.httpStatus})` : ''}${r.error ? ` — ${r.error}` : ''}`,
    );
    await refreshDetail();
  } catch (error) {
    showError($('detail-error'), error);
  } finally {
    button.disabled = false;
  }
}

async function submitRefund(event) {
  event.preventDefault();
  const fen = parseYuanToFen($('refund-amount').value);
  if (fen === null || fen <= 0) {
    showError(
      $('detail-error'),
      new Error('金额格式不对 Enter an amount in yuan, e.g. 12.30 (at most two decimals).'),
    );
    return;
  }
  const order = lastDetail?.order;
  const button = $('refund-submit');
  button.disabled = true;
  try {
    const body = { amount: fen };
    const reason = $('refund-reason').value.trim();
    if (reason) body.reason = reason;
    const refund = await api(`/api/orders/${encodeURIComponent(order.orderNo)}/refunds`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    showNotice(`退款已提交 Refund ${refund.refundNo} of ${refund.amountText}: ${refund.state}`);
    $('refund-form').reset();
    await refreshDetail();
  } catch (error) {
    showError($('detail-error'), error);
  } finally {
    button.disabled = false;
  }
}

// ---- dashboard ----

let chart;
let bucket = 'hour';

async function loadStats() {
  let stats;
  try {
    stats = await api(`/api/admin/stats?bucket=${bucket}`);
  } catch (error) {
    $('stats-total').textContent = `加载失败 ${error.code}: ${error.message}`;
    return;
  }
  const labels = stats.map((b) => chinaLabel(b.start, bucket));
  // Chart values in yuan for the axis; the sum below is computed in fen.
  const paid = stats.map((b) => b.paidAmount / 100);
  const paidOrders = stats.map((b) => b.paidOrders);
  const createdOrders = stats.map((b) => b.createdOrders);
  const sum = (list, key) => list.reduce((total, b) => total + b[key], 0);
  $('stats-total').textContent =
    `合计 Total: ${formatFen(sum(stats, 'paidAmount'))} · ${sum(stats, 'paidOrders')} paid / ${sum(stats, 'createdOrders')} created`;
  const canvas = $('stats-chart');
  canvas.dataset.paidOrders = String(sum(stats, 'paidOrders'));
  if (chart) chart.destroy();
  chart = new window.Chart(canvas, {
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: '支付金额 Paid amount (¥)',
          data: paid,
          yAxisID: 'amount',
          backgroundColor: '#07c16080',
        },
        {
          type: 'line',
          label: '支付订单 Paid orders',
          data: paidOrders,
          yAxisID: 'orders',
          borderColor: '#1677ff',
          tension: 0.2,
        },
        {
          type: 'line',
          label: '创建订单 Created orders',
          data: createdOrders,
          yAxisID: 'orders',
          borderColor: '#fa8c16',
          borderDash: [4, 4],
          tension: 0.2,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        amount: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: '¥' } },
        orders: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          ticks: { precision: 0 },
          grid: { drawOnChartArea: false },
        },
      },
    },
  });
}

// ---- wiring ----

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  selectTab(currentTab);
});
$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin();
});
for (const button of document.querySelectorAll('[data-tab]')) {
  button.addEventListener('click', () => selectTab(button.dataset.tab));
}
$('order-filters').addEventListener('submit', (event) => {
  event.preventDefault();
  searchFromFirstPage();
});
for (const id of ['state-filter', 'paytype-filter', 'version-filter', 'from', 'to']) {
  $(id).addEventListener('change', searchFromFirstPage);
}
$('refresh').addEventListener('click', loadOrders);
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
for (const button of document.querySelectorAll('[data-bucket]')) {
  button.addEventListener('click', () => {
    bucket = button.dataset.bucket;
    for (const b of document.querySelectorAll('[data-bucket]'))
      b.setAttribute('aria-pressed', String(b === button));
    loadStats();
  });
}
$('detail-close').addEventListener('click', () => $('detail').close());
$('detail').addEventListener('close', () => {
  clearTimeout(detailTimer);
  detailOrderNo = undefined;
  if (currentTab === 'orders') loadOrders();
  if (currentTab === 'refunds') loadRefunds();
});
$('query-now').addEventListener('click', queryNow);
$('resend').addEventListener('click', requestResend);
$('refund-form').addEventListener('submit', submitRefund);

if (sessionStorage.getItem(TOKEN_KEY)) selectTab('orders');
else showLogin();
