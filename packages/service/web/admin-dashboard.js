// The dashboard: gross, refunds, fees (from reconciled bills), net and the share of orders paid,
// for the last 24 h / 30 days or any China-time date range, per hour or per day, with Chart.js.

import { $, api, loadFailed, msg, setText } from './admin-dom.js';
import { chinaDayStart, chinaLabel, formatFen } from './admin-format.js';
import { t } from './messages.js';

let chart;
let bucket = 'hour';

function statsQuery() {
  const params = new URLSearchParams({ bucket });
  const from = $('stats-from').value && chinaDayStart($('stats-from').value);
  const to = $('stats-to').value && chinaDayStart($('stats-to').value, 1);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  return params;
}

export async function loadStats() {
  let stats;
  try {
    stats = await api(`/api/admin/stats?${statsQuery()}`);
  } catch (error) {
    setText($('stats-total'), loadFailed(error));
    return;
  }
  const labels = stats.map((b) => chinaLabel(b.start, bucket));
  // Chart values in yuan for the axis; every sum below is computed in fen.
  const paid = stats.map((b) => b.paidAmount / 100);
  const refunded = stats.map((b) => -b.refundedAmount / 100);
  const paidOrders = stats.map((b) => b.paidOrders);
  const createdOrders = stats.map((b) => b.createdOrders);
  const sum = (list, key) => list.reduce((total, b) => total + b[key], 0);
  const created = sum(stats, 'createdOrders');
  $('stat-gross').textContent = formatFen(sum(stats, 'paidAmount'));
  $('stat-refunds').textContent = formatFen(sum(stats, 'refundedAmount'));
  $('stat-fees').textContent = formatFen(sum(stats, 'fee'));
  $('stat-net').textContent = formatFen(sum(stats, 'net'));
  $('stat-rate').textContent =
    created === 0 ? '—' : `${((100 * sum(stats, 'paidOrders')) / created).toFixed(1)}%`;
  setText(
    $('stats-total'),
    msg('stats.total', { paid: sum(stats, 'paidOrders'), created, refunds: sum(stats, 'refunds') }),
  );
  const canvas = $('stats-chart');
  canvas.dataset.paidOrders = String(sum(stats, 'paidOrders'));
  if (chart) chart.destroy();
  chart = new window.Chart(canvas, {
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: t('stats.paidAmount'),
          data: paid,
          yAxisID: 'amount',
          backgroundColor: '#07c16080',
        },
        {
          type: 'line',
          label: t('stats.paidOrders'),
          data: paidOrders,
          yAxisID: 'orders',
          borderColor: '#1677ff',
          tension: 0.2,
        },
        {
          type: 'line',
          label: t('stats.createdOrders'),
          data: createdOrders,
          yAxisID: 'orders',
          borderColor: '#fa8c16',
          borderDash: [4, 4],
          tension: 0.2,
        },
        {
          type: 'bar',
          label: t('stats.refunded'),
          data: refunded,
          yAxisID: 'amount',
          backgroundColor: '#cf3b3b80',
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        amount: { type: 'linear', position: 'left', stacked: true, title: { display: true, text: '¥' } },
        x: { stacked: true },
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

export function wireDashboard() {
  $('stats-from').addEventListener('change', loadStats);
  $('stats-to').addEventListener('change', loadStats);
  for (const button of document.querySelectorAll('[data-bucket]')) {
    button.addEventListener('click', () => {
      bucket = button.dataset.bucket;
      for (const b of document.querySelectorAll('[data-bucket]'))
        b.setAttribute('aria-pressed', String(b === button));
      loadStats();
    });
  }
}
