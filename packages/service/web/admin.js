// The orders page: the admin token is asked for once and kept in sessionStorage (gone when the tab
// closes); every request sends it as a Bearer token.

const TOKEN_KEY = 'wxpay-admin-token';
const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function showLogin(message) {
  $('orders').hidden = true;
  $('login').hidden = false;
  $('login-error').hidden = !message;
  $('login-error').textContent = message || '';
  $('token').focus();
}

function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return (
    d.getFullYear() +
    '-' +
    pad(d.getMonth() + 1) +
    '-' +
    pad(d.getDate()) +
    ' ' +
    pad(d.getHours()) +
    ':' +
    pad(d.getMinutes()) +
    ':' +
    pad(d.getSeconds())
  );
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function loadOrders() {
  const state = $('state-filter').value;
  const url = `/api/admin/orders${state ? `?state=${encodeURIComponent(state)}` : ''}`;
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token()}` } });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    return showLogin('令牌无效 The token was not accepted.');
  }
  if (!response.ok) return showLogin(`加载失败 HTTP ${response.status}`);
  const orders = await response.json();
  $('login').hidden = true;
  $('orders').hidden = false;
  const rows = orders.map((order) => {
    const tr = document.createElement('tr');
    const badge = document.createElement('span');
    badge.className = `badge ${order.state}`;
    badge.textContent = order.state;
    const stateCell = document.createElement('td');
    stateCell.append(badge);
    if (order.wechatError) stateCell.title = `${order.wechatError.code}: ${order.wechatError.message}`;
    tr.append(
      cell(order.orderNo, 'mono'),
      cell(order.description + (order.quantity > 1 ? ` ×${order.quantity}` : '')),
      cell(order.amountText, 'num'),
      stateCell,
      cell(order.apiVersion),
      cell(formatTime(order.createdAt)),
      cell(formatTime(order.paidAt)),
      cell(order.transactionId || '—', 'mono'),
    );
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('没有订单 No orders', 'muted');
    td.colSpan = 8;
    tr.append(td);
    rows.push(tr);
  }
  $('rows').replaceChildren(...rows);
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  loadOrders();
});
$('state-filter').addEventListener('change', loadOrders);
$('refresh').addEventListener('click', loadOrders);
$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin();
});

if (token()) loadOrders();
else showLogin();
