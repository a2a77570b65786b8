// The webhooks tab: where events go (never the secrets; managed in admin-webhook-endpoints.js),
// every delivery with its state and last answer, and "resend now" (the same event id, which
// receivers dedupe by).

import { $, api, badge, can, el, renderMessageRow, showConsole } from './admin-dom.js';
import { formatTime } from './admin-format.js';
import { renderEndpoints, wireEndpoints } from './admin-webhook-endpoints.js';

const STATUS_WORDS = {
  pending: '重试中 retrying',
  delivered: '已确认 acknowledged',
  failed: '已放弃 gave up',
};

export async function loadWebhooks() {
  let answer;
  const status = $('webhook-status-filter').value;
  try {
    answer = await api(`/api/admin/webhooks?limit=200${status ? `&status=${status}` : ''}`);
  } catch (error) {
    if (error.status !== 401)
      renderMessageRow($('webhook-rows'), 7, `加载失败 ${error.code}: ${error.message}`);
    return;
  }
  showConsole();
  renderEndpoints(answer.endpoints, loadWebhooks);
  const rows = answer.deliveries.map((d) =>
    el(
      'tr',
      {
        className: d.status === 'failed' ? 'abnormal' : null,
        dataset: { deliveryId: d.id, status: d.status },
      },
      el('td', {}, formatTime(d.createdAt)),
      el('td', { className: 'mono' }, d.eventType),
      el('td', { className: 'mono' }, d.subject),
      el('td', {}, d.endpointId),
      el('td', {}, badge(d.status), ' ', STATUS_WORDS[d.status] || ''),
      el(
        'td',
        { className: 'num' },
        `${d.attempts}${d.lastHttpStatus ? ` · HTTP ${d.lastHttpStatus}` : ''}${d.lastError ? ` · ${d.lastError}` : ''}`,
      ),
      el(
        'td',
        {},
        can('resend')
          ? el(
              'button',
              { type: 'button', className: 'btn small secondary', onclick: () => resend(d.id) },
              '重发 Resend',
            )
          : null,
      ),
    ),
  );
  if (rows.length === 0) renderMessageRow($('webhook-rows'), 7, '没有投递 No deliveries yet');
  else $('webhook-rows').replaceChildren(...rows);
}

async function resend(id) {
  $('webhook-notice').hidden = false;
  $('webhook-notice').textContent = '正在重发 Resending…';
  try {
    const detail = await api(`/api/admin/webhooks/deliveries/${encodeURIComponent(id)}/resend`, {
      method: 'POST',
    });
    const last = detail.history.at(-1);
    $('webhook-notice').textContent = last?.acked
      ? `已重发并确认 Resent and acknowledged: ${detail.eventType} ${detail.subject} (HTTP ${last.httpStatus})`
      : `已重发，未确认 Resent, not acknowledged: ${last?.httpStatus ? `HTTP ${last.httpStatus}` : last?.error || ''}`;
  } catch (error) {
    $('webhook-notice').textContent = `重发失败 Resend failed ${error.code}: ${error.message}`;
  }
  await loadWebhooks();
}

export function wireWebhooks() {
  wireEndpoints(loadWebhooks);
  $('webhook-status-filter').addEventListener('change', loadWebhooks);
  $('webhooks-refresh').addEventListener('click', loadWebhooks);
}
