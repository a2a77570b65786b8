// The reconciliation tab: a month of China days coloured by how their reconciliation ended, and one
// day in full — both sides' totals, every difference with a link to its order, the CSV, a re-run.

import { openDetail } from './admin-detail.js';
import {
  $,
  api,
  badge,
  el,
  msg,
  renderMessageRow,
  saveDownload,
  setText,
  showConsole,
  showError,
} from './admin-dom.js';
import { formatFen, formatTime } from './admin-format.js';
import { t } from './messages.js';

const DAY_MS = 86_400_000;
const CHINA_MS = 8 * 3600_000;
const chinaDate = (ms) => new Date(ms + CHINA_MS).toISOString().slice(0, 10);
const TOTAL_ROWS = [
  ['recon.total.payments', 'payments', false],
  ['recon.total.paymentFen', 'paymentFen', true],
  ['recon.total.refunds', 'refunds', false],
  ['recon.total.refundFen', 'refundFen', true],
  ['recon.total.feeFen', 'feeFen', true],
  ['recon.total.netFen', 'netFen', true],
];

let selected;

/**
 * The month in the picker (yesterday's, China time, at first). Which days have ended is the
 * server's to say (its clock may be a simulator's): a day not reconciled yet can always be asked for.
 */
export async function loadReconciliation() {
  if (!$('recon-month').value) $('recon-month').value = chinaDate(Date.now() - DAY_MS).slice(0, 7);
  const month = $('recon-month').value;
  const to = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0))
    .toISOString()
    .slice(0, 10);
  let days;
  try {
    days = await api(`/api/admin/reconciliations?from=${month}-01&to=${to}`);
  } catch (error) {
    if (error.status !== 401) showError($('recon-error'), error);
    return;
  }
  showConsole();
  renderCalendar(month, new Map(days.map((d) => [d.date, d])));
  if (selected?.startsWith(month)) await showDay(selected);
}

function renderCalendar(month, byDate) {
  const first = new Date(`${month}-01T00:00:00Z`);
  const lead = (first.getUTCDay() + 6) % 7;
  const cells = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((name) =>
    el('div', { className: 'recon-weekday' }, msg(`weekday.${name}`)),
  );
  for (let i = 0; i < lead; i++) cells.push(el('div', {}));
  for (let d = new Date(first); d.toISOString().slice(0, 7) === month; d = new Date(d.getTime() + DAY_MS)) {
    const date = d.toISOString().slice(0, 10);
    const day = byDate.get(date);
    cells.push(
      el(
        'button',
        {
          type: 'button',
          className: `recon-day ${day ? day.status : 'NONE'}${date === selected ? ' selected' : ''}`,
          dataset: { date },
          title: t(day ? `recon.status.${day.status}` : 'recon.notReconciled'),
          onclick: () => showDay(date),
        },
        el('strong', {}, String(d.getUTCDate())),
        el('span', { className: 'small' }, day ? statusWord(day) : '—'),
      ),
    );
  }
  $('recon-calendar').replaceChildren(...cells);
}

function statusWord(day) {
  if (day.status === 'UNBALANCED') return msg('recon.openCount', { n: day.discrepancies.open });
  return msg(`recon.status.${day.status}`);
}

async function showDay(date) {
  selected = date;
  for (const cell of document.querySelectorAll('.recon-day')) {
    cell.classList.toggle('selected', cell.dataset.date === date);
  }
  $('recon-error').hidden = true;
  setText($('recon-day-title'), msg('recon.dayTitle', { date }));
  $('recon-panel').hidden = false;
  let detail;
  try {
    detail = await api(`/api/admin/reconciliations/${date}`);
  } catch (error) {
    if (error.code !== 'RECONCILIATION_NOT_FOUND') return showError($('recon-error'), error);
    $('recon-status').replaceChildren(el('span', {}, msg('recon.notYet')));
    $('recon-csv').hidden = true;
    setText($('recon-rerun'), msg('recon.reconcile'));
    $('recon-totals').replaceChildren();
    return renderMessageRow($('recon-rows'), 7, '—');
  }
  const { reconciliation: r, discrepancies } = detail;
  $('recon-status').replaceChildren(
    badge(r.status),
    ' ',
    el(
      'span',
      {},
      msg('recon.statusLine', {
        status: { key: `recon.status.${r.status}` },
        rows: r.billRows,
        n: r.attempts,
      }),
    ),
    r.finishedAt ? ` · ${formatTime(r.finishedAt)}` : '',
    r.lastError ? el('div', { className: 'error-box' }, r.lastError) : '',
  );
  $('recon-csv').hidden = false;
  setText($('recon-rerun'), msg('recon.rerun'));
  $('recon-totals').replaceChildren(
    el(
      'tr',
      {},
      el('th', {}, ''),
      el('th', { className: 'num' }, msg('col.wechat')),
      el('th', { className: 'num' }, msg('col.here')),
    ),
    ...TOTAL_ROWS.map(([name, key, money]) =>
      el(
        'tr',
        { className: r.wechat[key] !== r.local[key] && key !== 'feeFen' ? 'abnormal' : null },
        el('td', {}, msg(name)),
        el('td', { className: 'num' }, money ? formatFen(r.wechat[key]) : String(r.wechat[key])),
        el('td', { className: 'num' }, money ? formatFen(r.local[key]) : String(r.local[key])),
      ),
    ),
  );
  const rows = discrepancies.map((d) =>
    el(
      'tr',
      {
        className: d.resolution === 'open' ? 'abnormal' : null,
        dataset: { kind: d.kind, resolution: d.resolution },
      },
      el('td', {}, msg(`recon.kind.${d.kind}`)),
      el(
        'td',
        { className: 'mono' },
        d.kind === 'UNKNOWN_ORDER'
          ? d.orderNo
          : el(
              'button',
              { type: 'button', className: 'link', onclick: () => openDetail(d.orderNo) },
              d.orderNo,
            ),
        d.refundNo ? ` / ${d.refundNo}` : '',
      ),
      el('td', { className: 'num' }, d.wechatFen === undefined ? '—' : formatFen(d.wechatFen)),
      el('td', { className: 'num' }, d.localFen === undefined ? '—' : formatFen(d.localFen)),
      el('td', {}, msg(`recon.resolution.${d.resolution}`)),
      el('td', {}, d.note || d.detail),
    ),
  );
  if (rows.length === 0) renderMessageRow($('recon-rows'), 6, msg('recon.none'));
  else $('recon-rows').replaceChildren(...rows);
}

async function rerun() {
  if (!selected) return;
  const box = $('recon-confirm');
  if (box.hidden) {
    setText($('recon-confirm-text'), msg('recon.confirmText', { date: selected }));
    box.hidden = false;
    return;
  }
  box.hidden = true;
  $('recon-rerun').disabled = true;
  try {
    await api('/api/admin/reconciliations', { method: 'POST', body: JSON.stringify({ date: selected }) });
    await loadReconciliation();
  } catch (error) {
    if (error.status !== 401) showError($('recon-error'), error);
  } finally {
    $('recon-rerun').disabled = false;
  }
}

export function wireReconciliation() {
  $('recon-month').addEventListener('change', () => {
    selected = undefined;
    $('recon-panel').hidden = true;
    loadReconciliation();
  });
  $('recon-rerun').addEventListener('click', rerun);
  $('recon-confirm-yes').addEventListener('click', rerun);
  $('recon-confirm-no').addEventListener('click', () => {
    $('recon-confirm').hidden = true;
  });
  $('recon-csv').addEventListener('click', async () => {
    try {
      await saveDownload(`/api/admin/reconciliations/${selected}.csv`);
    } catch (error) {
      if (error.status !== 401) showError($('recon-error'), error);
    }
  });
}
