// The till's own memory: its device id and the last payments it took, in localStorage. The list
// is built from the answers this till got (the service has no per-device list), newest first;
// it holds order numbers, amounts and states, never a payment code.

import { formatFen, formatTime } from './admin-format.js';
import { say } from './messages.js';

const DEVICE_KEY = 'wechatpay-kit.pos.device';
const RECENT_KEY = 'wechatpay-kit.pos.payments';
const KEEP = 20;

/** This till's id (`POS-` and 8 hex digits), made once and kept: it goes with every payment. */
export function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!/^POS-[0-9A-F]{8}$/.test(id ?? '')) {
    const bytes = crypto.getRandomValues(new Uint8Array(4));
    id = `POS-${[...bytes]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase()}`;
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function read() {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** Adds or updates one payment (by order number) and redraws the list. */
export function remember(entry) {
  const list = read();
  const at = list.findIndex((p) => p.orderNo === entry.orderNo);
  const merged = { ...(at >= 0 ? list[at] : { at: new Date().toISOString() }), ...entry };
  if (at >= 0) list.splice(at, 1);
  list.unshift(merged);
  localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, KEEP)));
  renderRecent();
}

export function forgetRecent() {
  localStorage.removeItem(RECENT_KEY);
  renderRecent();
}

export function renderRecent() {
  const box = document.getElementById('pos-recent');
  const list = read();
  if (list.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'muted';
    box.replaceChildren(say(empty, 'pos.recentEmpty'));
    return;
  }
  box.replaceChildren(
    ...list.map((p) => {
      const item = document.createElement('li');
      item.className = 'pos-recent-item';
      item.dataset.orderNo = p.orderNo;
      item.dataset.state = p.state;
      const when = document.createElement('span');
      when.className = 'muted small';
      when.textContent = formatTime(p.at).slice(11);
      const amount = document.createElement('strong');
      amount.textContent = formatFen(p.amount);
      const state = document.createElement('span');
      state.className = `badge ${p.state}`;
      say(state, `pos.state.${p.state in STATE_WORDS ? p.state : 'failed'}`);
      const no = document.createElement('span');
      no.className = 'muted small mono';
      no.textContent = p.orderNo;
      item.append(when, amount, state, no);
      return item;
    }),
  );
}

/** The states the list words by name; anything else reads "failed". */
const STATE_WORDS = {
  NOTPAY: 1,
  USERPAYING: 1,
  PAID: 1,
  PAYERROR: 1,
  CLOSED: 1,
  REVERSED: 1,
  REFUNDING: 1,
  PARTIALLY_REFUNDED: 1,
  REFUNDED: 1,
};
