// The reconciliation tab: a month of China days coloured by how their reconciliation ended, and one
// day in full — both sides' totals, every difference with a link to its order, the CSV, a re-run.

import { openDetail } from './admin-detail.js';
import { $, api, badge, el, renderMessageRow, saveDownload, showConsole, showError } from './admin-dom.js';
import { formatFen, formatTime } from './admin-format.js';

const DAY_MS = 86_400_000;
const CHINA_MS = 8 * 3600_000;
const chinaDate = (ms) => new Date(ms + CHINA_MS).toISOString().slice(0, 10);
const RESOLUTION_WORDS = { open: '待处理 open', repaired: '已修复 repaired', resolved: '已消除 resolved' };
const TOTAL_ROWS = [
  ['收款笔数 Payments', 'payments', false],
  ['收款 Paid in', 'paymentFen', true],
  ['退款笔数 Refunds', 'refunds', false],
  ['退款 Refunded', 'refundFen', true],
  ['手续费 Fees', 'feeFen', true],
  ['净额 Net', 'netFen', true],
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
  const cells = ['一 Mon', '二 Tue', '三 Wed', '四 Thu', '五 Fri', '六 Sat', '日 Sun'].map((name) =>
    el('div', { className: 'recon-weekday' }, name),
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
          title: day ? day.statusLabel : '未对账 not reconciled',
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
  if (day.status === 'UNBALANCED') return `${day.discrepancies.open} 待处理 open`;
  return day.statusLabel.split(' / ')[0];
}

async function showDay(date) {
  selected = date;
  for (const cell of document.querySelectorAll('.recon-day')) {
    cell.classList.toggle('selected', cell.dataset.date === date);
  }
  $('recon-error').hidden = true;
  $('recon-day-title').textContent = `${date}（北京时间 China time）`;
  $('recon-panel').hidden = false;
  let detail;
  try {
    detail = await api(`/api/admin/reconciliations/${date}`);
  } catch (error) {
    if (error.code !== 'RECONCILIATION_NOT_FOUND') return showError($('recon-error'), error);
    $('recon-status').replaceChildren('尚未对账 Not reconciled yet');
    $('recon-csv').hidden = true;
    $('recon-rerun').textContent = '对账 Reconcile';
    $('recon-totals').replaceChildren();
    return renderMessageRow($('recon-rows'), 7, '—');
  }
  const { reconciliation: r, discrepancies } = detail;
  $('recon-status').replaceChildren(
    badge(r.status),
    ` ${r.statusLabel} · ${r.billRows} 行账单 bill lines · 第 ${r.attempts} 次 run ${r.attempts}`,
    r.finishedAt ? ` · ${formatTime(r.finishedAt)}` : '',
    r.lastError ? el('div', { className: 'error-box' }, r.lastError) : '',
  );
  $('recon-csv').hidden = false;
  $('recon-rerun').textContent = '重新对账 Re-run';
  $('recon-totals').replaceChildren(
    el(
      'tr',
      {},
      el('th', {}, ''),
      el('th', { className: 'num' }, '微信 WeChat'),
      el('th', { className: 'num' }, '本地 Here'),
    ),
    ...TOTAL_ROWS.map(([name, key, money]) =>
      el(
        'tr',
        { className: r.wechat[key] !== r.local[key] && key !== 'feeFen' ? 'abnormal' : null },
        el('td', {}, name),
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
      el('td', {}, d.label),
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
      el('td', {}, RESOLUTION_WORDS[d.resolution]),
      el('td', {}, d.note || d.detail),
    ),
  );
  if (rows.length === 0) renderMessageRow($('recon-rows'), 6, '没有差异 No differences');
  else $('recon-rows').replaceChildren(...rows);
}

async function rerun() {
  if (!selected) return;
  const box = $('recon-confirm');
  if (box.hidden) {
    $('recon-confirm-text').textContent =
      `重新下载 ${selected} 的微信账单并核对？能修复的订单会被标记为已支付。Download ${selected}'s WeChat bill again and check it? Orders it shows paid are marked paid.`;
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
