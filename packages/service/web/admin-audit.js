// The Audit tab: who did what, when and from where — money actions, admin changes, sign-ins —
// newest first, filtered by actor, action and China-time days, older pages by cursor.

import { $, api, el, loadFailed, msg, renderMessageRow, setText, showConsole } from './admin-dom.js';
import { chinaDayStart, formatTime } from './admin-format.js';
import { say } from './messages.js';

/** The actions the filter offers, each `action.<name>` in the catalogue. */
const ACTIONS = [
  'refund',
  'order.close',
  'order.query',
  'notification.resend',
  'webhook.resend',
  'reconciliation.run',
  'webhook-endpoint.change',
  'product.create',
  'product.update',
  'user.create',
  'user.update',
  'session.sign-in',
  'session.sign-in-failed',
  'session.sign-out',
];
const actionWords = (action) => (ACTIONS.includes(action) ? msg(`action.${action}`) : action);

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
    if (error.status !== 401) renderMessageRow($('audit-rows'), 6, loadFailed(error));
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
      el('td', {}, actionWords(entry.action)),
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
  else if (rows.length === 0) renderMessageRow($('audit-rows'), 6, msg('audit.none'));
  else $('audit-rows').replaceChildren(...rows);
  $('audit-more').hidden = !nextCursor;
  setText(
    $('audit-info'),
    msg('audit.count', { n: $('audit-rows').querySelectorAll('tr[data-action]').length }),
  );
}

/** The browser's name from its user agent, enough to tell two devices apart; the full text is the tooltip. */
function shortAgent(agent) {
  if (!agent) return '—';
  const known = /(Edg|Chrome|Firefox|Safari|MicroMessenger|curl|node)[/ ]?[\d.]*/.exec(agent);
  return known ? known[0] : agent.slice(0, 40);
}

export function wireAudit() {
  $('audit-action').append(...ACTIONS.map((value) => say(el('option', { value }), `action.${value}`)));
  $('audit-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    loadAudit();
  });
  $('audit-more').addEventListener('click', () => loadAudit(true));
}
