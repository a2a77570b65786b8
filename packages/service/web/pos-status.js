// The till's big status panel: what happens to the payment on screen — sending, waiting for the
// customer's password, paid, failed with WeChat's reason in the catalogue's words, reversed — in
// letters a cashier reads from a step away. Every line is a catalogue message, so a language
// switch redraws it by itself.

import { formatFen } from './admin-format.js';
import { say, t } from './messages.js';

/** States after which nothing more happens to a till payment. */
export const SETTLED = new Set([
  'PAID',
  'PAYERROR',
  'CLOSED',
  'REVERSED',
  'REFUNDING',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
]);
const TITLED = new Set([...SETTLED, 'NOTPAY', 'USERPAYING', 'idle', 'submitting', 'failed']);

const $ = (id) => document.getElementById(id);
/** What the panel shows, so the till can redraw it after signing in again. */
let shown = { state: 'idle' };

export const shownStatus = () => shown;

/** Puts `text` into `node` as it is, forgetting any catalogue key the node had. */
export function plain(node, text) {
  delete node.dataset.i18n;
  delete node.dataset.i18nParams;
  node.textContent = text ?? '';
}

/**
 * The reason line of a failure or a reversal: WeChat's code (or the service's) in the catalogue's
 * words, else the server's message.
 */
export function reasonOf(code, message, state) {
  if (!code) return message ? { text: message } : null;
  const key = `pos.reason.${code}`;
  const fallback = state === 'REVERSED' ? 'pos.reason.reversed' : 'pos.reason.otherwise';
  return { key: 'pos.reasonLine', params: { reason: { key: t(key) !== key ? key : fallback }, code } };
}

/**
 * Shows `state` (an order state, or the page's own `idle` / `submitting` / `failed`) with what is
 * known: `{ amount, orderNo, transactionId, masked, reason }`.
 */
export function showState(state, details = {}) {
  shown = { ...details, state };
  $('pos-status').dataset.state = state;
  if (TITLED.has(state)) say($('pos-status-title'), `pos.state.${state}`);
  else say($('pos-status-title'), 'pos.state.unknown', { state });
  $('pos-status-amount').textContent = details.amount !== undefined ? formatFen(details.amount) : '';
  const reason = $('pos-status-reason');
  if (state === 'USERPAYING') say(reason, 'pos.waitingHint');
  else if (details.reason?.key) say(reason, details.reason.key, details.reason.params);
  else plain(reason, details.reason?.text);
  const meta = [];
  if (details.orderNo) meta.push(t('pos.orderNo', { orderNo: details.orderNo }));
  if (details.transactionId) meta.push(t('pos.transaction', { id: details.transactionId }));
  if (details.masked) meta.push(details.masked);
  $('pos-status-meta').textContent = meta.join(' · ');
  $('pos-next').hidden = !(SETTLED.has(state) || state === 'failed');
}
