// The dashboard: paid amount and orders per hour or per China-time day, drawn with Chart.js.

import { $, api } from './admin-dom.js';
import { chinaLabel, formatFen } from './admin-format.js';

let chart;
let bucket = 'hour';

export async function loadStats() {
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

export function wireDashboard() {
  for (const button of document.querySelectorAll('[data-bucket]')) {
    button.addEventListener('click', () => {
      bucket = button.dataset.bucket;
      for (const b of document.querySelectorAll('[data-bucket]'))
        b.setAttribute('aria-pressed', String(b === button));
      loadStats();
    });
  }
}
