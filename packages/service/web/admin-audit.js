// The Audit tab: who did what, when and from where — money actions, admin changes, sign-ins —
// newest first, filtered by actor, action and China-time days, older pages by cursor.

import { $, api, el, renderMessageRow, showConsole } from './admin-dom.js';
import { chinaDayStart, formatTime } from './admin-format.js';

const ACTION_WORDS = {
  refund: '退款 refund',
  'order.close': '关单 close order',
  'order.query': '查单 query WeChat',
  'notification.resend': '重发通知 resend notification',
  'webhook.resend': '重发 webhook resend webhook',
  'reconciliation.run': '对账 reconciliation',
  'webhook-endpoint.change': 'webhook 地址 webhook endpoint',
  'product.create': '新增商品 add product',
  'product.update': '修改商品 change product',
  'user.create': '新增用户 add user',
  'user.update': '修改用户 change user',
  'session.sign-in': '登录 sign-in',
  'session.sign-in-failed': '登录失败 failed sign-in',
  'session.sign-out': '退出 sign-out',
};

const PAGE_SIZE = 50;
let nextCursor;

function auditQuery() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const actor = $('audit-actor').value.trim();
  if (actor) params.set('actor', actor);
  if ($('audit-action').value) params.set('action', $('audit-action').value);
  const from = $('audit-from').value && chinaDayStart($('audit-from').value);
  const to = $('audit-to').value && chinaDayStart($('audit-to').value, 1);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  return params;
}

/** The first page for the filters, or (`more`) the next older one appended. */
export async function loadAudit(more = false) {
  const params = auditQuery();
  if (more && nextCursor) params.set('cursor', nextCursor);
  let page;
  try {
    page = await api(`/api/admin/audit?${params}`);
  } catch (error) {
    if (error.status !== 401)
      renderMessageRow($('audit-rows'), 6, `加载失败 ${error.code}: ${error.message}`);
    return;
  }
  showConsole();
  nextCursor = page.nextCursor;
  const rows = page.entries.map((entry) =>
    el(
      'tr',
      {
        className: entry.action === 'session.sign-in-failed' ? 'abnormal' : null,
        dataset: { action: entry.action, actor: entry.actor },
      },
      el('td', {}, formatTime(entry.at)),
      el('td', { className: 'mono' }, entry.actor),
      el('td', {}, ACTION_WORDS[entry.action] || entry.action),
      el('td', { className: 'mono' }, entry.target),
      el('td', { className: 'wrap' }, entry.detail),
      el(
        'td',
        { className: 'muted small', title: entry.userAgent },
        `${entry.ip} · ${shortAgent(entry.userAgent)}`,
      ),
    ),
  );
  if (more) $('audit-rows').append(...rows);
  else if (rows.length === 0) renderMessageRow($('audit-rows'), 6, '没有记录 Nothing recorded');
  else $('audit-rows').replaceChildren(...rows);
  $('audit-more').hidden = !nextCursor;
  $('audit-info').textContent = `${$('audit-rows').querySelectorAll('tr[data-action]').length} 条 entries`;
}

/** The browser's name from its user agent, enough to tell two devices apart; the full text is the tooltip. */
function shortAgent(agent) {
  if (!agent) return '—';
  const known = /(Edg|Chrome|Firefox|Safari|MicroMessenger|curl|node)[/ ]?[\d.]*/.exec(agent);
  return known ? known[0] : agent.slice(0, 40);
}

export function wireAudit() {
  $('audit-action').append(
    ...Object.entries(ACTION_WORDS).map(([value, words]) => el('option', { value }, words)),
  );
  $('audit-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    loadAudit();
  });
  $('audit-more').addEventListener('click', () => loadAudit(true));
}
