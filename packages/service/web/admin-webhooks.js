// The webhooks tab: where events go (never the secrets; managed in admin-webhook-endpoints.js),
// every delivery with its state and last answer, and "resend now" (the same event id, which
// receivers dedupe by).

import {
  $,
  api,
  badge,
  can,
  el,
  loadFailed,
  msg,
  renderMessageRow,
  setText,
  showConsole,
} from './admin-dom.js';
import { formatTime } from './admin-format.js';
import { renderEndpoints, wireEndpoints } from './admin-webhook-endpoints.js';

export async function loadWebhooks() {
  let answer;
  const status = $('webhook-status-filter').value;
  try {
    answer = await api(`/api/admin/webhooks?limit=200${status ? `&status=${status}` : ''}`);
  } catch (error) {
    if (error.status !== 401) renderMessageRow($('webhook-rows'), 7, loadFailed(error));
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
      el('td', {}, badge(d.status), ' ', msg(`webhookStatus.${d.status}`)),
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
              msg('webhooks.resend'),
            )
          : null,
      ),
    ),
  );
  if (rows.length === 0) renderMessageRow($('webhook-rows'), 7, msg('webhooks.noDeliveries'));
  else $('webhook-rows').replaceChildren(...rows);
}

async function resend(id) {
  $('webhook-notice').hidden = false;
  setText($('webhook-notice'), msg('webhooks.resending'));
  try {
    const detail = await api(`/api/admin/webhooks/deliveries/${encodeURIComponent(id)}/resend`, {
      method: 'POST',
    });
    const last = detail.history.at(-1);
    setText(
      $('webhook-notice'),
      last?.acked
        ? msg('webhooks.acked', { event: detail.eventType, subject: detail.subject, status: last.httpStatus })
        : msg('webhooks.notAcked', { why: last?.httpStatus ? `HTTP ${last.httpStatus}` : last?.error || '' }),
    );
  } catch (error) {
    setText($('webhook-notice'), msg('webhooks.resendFailed', { code: error.code, message: error.message }));
  }
  await loadWebhooks();
}

export function wireWebhooks() {
  wireEndpoints(loadWebhooks);
  $('webhook-status-filter').addEventListener('change', loadWebhooks);
  $('webhooks-refresh').addEventListener('click', loadWebhooks);
}
