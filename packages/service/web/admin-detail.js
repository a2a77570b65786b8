// An order's detail drawer: fields, refunds, history, every notification received (raw body and
// headers as text), and the buttons: query WeChat now, request a resend (demo), refund.

import { $, api, badge, can, el, msg, setText, showError } from './admin-dom.js';
import { formatFen, formatTime, parseYuanToFen } from './admin-format.js';
import { t } from './messages.js';

const DEMO = document.body.dataset.demo === 'true';

let detailOrderNo;
let detailTimer;
let lastDetail;
/** The refund this drawer submitted: the notice follows it to its final state. */
let trackedRefundNo;
/** What is waiting for the confirmation: `{ orderNo, amount, reason, refundNo }`. */
let pendingRefund;
/** Refreshes the list behind the drawer (set by {@link wireDetail}). */
let refreshList = () => {};

/** A refund's state in words (`refundWords.<STATE>` in the catalogue). */
const refundWords = (state) => ({ key: `refundWords.${state}` });

/** A live state change: the open drawer showing that order reads it again. */
export function orderChanged(orderNo) {
  if ($('detail').open && orderNo === detailOrderNo) refreshDetail();
}

export async function openDetail(orderNo) {
  detailOrderNo = orderNo;
  $('detail-error').hidden = true;
  $('detail-notice').hidden = true;
  $('refund-form').reset();
  $('refund-confirm').hidden = true;
  trackedRefundNo = undefined;
  pendingRefund = undefined;
  // What the role may not do is not offered (the server refuses it anyway).
  $('resend').hidden = !DEMO || !can('resend');
  $('query-now').hidden = !can('reconcile');
  $('detail-read-only').hidden = can('refund') || can('close');
  if (!$('detail').open) $('detail').showModal();
  await refreshDetail();
}

async function refreshDetail() {
  clearTimeout(detailTimer);
  const orderNo = detailOrderNo;
  let detail;
  try {
    detail = await api(`/api/admin/orders/${encodeURIComponent(orderNo)}`);
  } catch (error) {
    showError($('detail-error'), error);
    return;
  }
  if (orderNo !== detailOrderNo) return;
  const stateChanged = lastDetail?.order.orderNo === orderNo && lastDetail.order.state !== detail.order.state;
  lastDetail = detail;
  renderDetail(detail);
  if (stateChanged) refreshList();
  followRefund(detail);
  // While money is moving, follow it without a reload.
  const moving =
    detail.order.state === 'REFUNDING' ||
    (detail.refunds || []).some((r) => r.state === 'PENDING' || r.state === 'PROCESSING');
  if (moving && $('detail').open) detailTimer = setTimeout(refreshDetail, 1500);
}

function renderDetail({ order, history, notifications, refunds }) {
  $('detail').dataset.state = order.state;
  setText($('detail-title'), msg('detail.title', { orderNo: order.orderNo }));
  const refundable = order.amount - (order.refundedAmount || 0);
  const fields = [
    ['field.state', badge(order.state)],
    ['field.item', `${order.description} ×${order.quantity}`],
    ['field.amount', order.amountText],
    ['field.refunded', formatFen(order.refundedAmount || 0)],
    ['field.payType', `${order.payType} · API ${order.apiVersion}`],
    ['field.created', formatTime(order.createdAt)],
    ['field.expires', formatTime(order.expiresAt)],
    ['field.paid', formatTime(order.paidAt)],
    ['field.fulfilled', formatTime(order.fulfilledAt)],
    ['field.closed', formatTime(order.closedAt)],
    ['field.transaction', order.transactionId || '—'],
    ['field.openid', order.openid || '—'],
    ['field.payer', order.payerOpenid || '—'],
  ];
  if (order.wechatError)
    fields.push(['field.wechatError', `${order.wechatError.code}: ${order.wechatError.message}`]);
  $('detail-fields').replaceChildren(
    ...fields.flatMap(([label, value]) => [el('dt', {}, msg(label)), el('dd', {}, value)]),
  );

  const canRefund = ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDING'].includes(order.state) && refundable > 0;
  $('close-order').hidden = !['NOTPAY', 'PAYERROR'].includes(order.state) || !can('close');
  $('refund-form').hidden = !canRefund || !can('refund');
  $('refund-amount').placeholder = `≤ ${formatFen(refundable).slice(1)}`;

  const refundList = refunds || [];
  $('detail-refunds').replaceChildren(
    refundList.length === 0
      ? el('div', { className: 'muted' }, msg('detail.noRefunds'))
      : el(
          'table',
          { className: 'compact' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['col.refund', 'col.amount', 'col.state', 'col.reason', 'col.time'].map((h) =>
                el('th', {}, msg(h)),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            ...refundList.map((refund) =>
              el(
                'tr',
                {
                  className: refund.state === 'ABNORMAL' ? 'abnormal' : null,
                  dataset: { refundNo: refund.refundNo, state: refund.state },
                },
                el('td', { className: 'mono' }, refund.refundNo),
                el('td', { className: 'num' }, refund.amountText),
                el(
                  'td',
                  {},
                  badge(refund.state),
                  refund.errorMessage ? el('div', { className: 'error-text' }, refund.errorMessage) : null,
                ),
                el('td', {}, refund.reason || '—'),
                el('td', {}, formatTime(refund.succeededAt || refund.updatedAt)),
              ),
            ),
          ),
        ),
  );

  $('detail-history').replaceChildren(
    ...history.map((entry) =>
      el(
        'li',
        {},
        el('span', { className: 'when' }, formatTime(entry.at)),
        ' ',
        entry.fromState ? badge(entry.fromState) : null,
        entry.fromState ? ' → ' : null,
        badge(entry.toState),
        el('div', { className: 'why' }, `${entry.reason} · ${entry.source}`),
      ),
    ),
  );

  $('detail-notifications').replaceChildren(
    ...(notifications.length === 0
      ? [el('div', { className: 'muted' }, msg('detail.noNotifications'))]
      : notifications.map((n) =>
          el(
            'details',
            {
              className: `notification ${n.verified ? 'verified' : 'unverified'}`,
              dataset: { verified: String(n.verified) },
            },
            el(
              'summary',
              {},
              el(
                'span',
                { className: 'mark', title: n.verified ? 'signature verified' : 'NOT verified' },
                n.verified ? '✓' : '✗',
              ),
              ` ${formatTime(n.receivedAt)} · ${n.kind} · ${n.apiVersion} · `,
              el('span', { className: 'outcome' }, n.outcome),
            ),
            el('div', { className: 'muted small' }, msg('detail.headers')),
            el(
              'pre',
              { className: 'raw' },
              Object.entries(n.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n') || '—',
            ),
            el('div', { className: 'muted small' }, msg('detail.rawBody')),
            el('pre', { className: 'raw' }, n.rawBody),
            n.decryptedBody ? el('div', { className: 'muted small' }, msg('detail.decrypted')) : null,
            n.decryptedBody ? el('pre', { className: 'raw decrypted' }, prettyJson(n.decryptedBody)) : null,
          ),
        )),
  );
}

/** The decrypted resource, indented for reading; left as it is if it is not JSON. */
function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function showNotice(text) {
  $('detail-error').hidden = true;
  $('detail-notice').hidden = false;
  setText($('detail-notice'), text);
}

/**
 * Runs one of the drawer's actions with its button disabled meanwhile: `work` returns the notice to
 * show, then the drawer is refreshed; a failure is shown instead.
 */
async function act(buttonId, work) {
  const button = $(buttonId);
  button.disabled = true;
  try {
    showNotice(await work());
    await refreshDetail();
  } catch (error) {
    showError($('detail-error'), error);
  } finally {
    button.disabled = false;
  }
}

const queryNow = () =>
  act('query-now', async () => {
    const result = await api(`/api/admin/orders/${encodeURIComponent(detailOrderNo)}/query`, {
      method: 'POST',
    });
    return msg('detail.queried', {
      tradeState: result.tradeState,
      outcome: result.outcome,
      state: result.order.state,
    });
  });

const closeOrder = () => {
  const orderNo = detailOrderNo;
  if (!window.confirm(t('detail.confirmClose', { orderNo }))) return;
  return act('close-order', async () => {
    const result = await api(`/api/admin/orders/${encodeURIComponent(orderNo)}/close`, { method: 'POST' });
    return result.outcome === 'PAID'
      ? msg('detail.closePaid', { state: result.order.state })
      : msg('detail.closed', { outcome: result.outcome, state: result.order.state });
  });
};

const requestResend = () =>
  act('resend', async () => {
    const r = await api(`/api/admin/orders/${encodeURIComponent(detailOrderNo)}/notifications/resend`, {
      method: 'POST',
    });
    const how = `${r.acked ? 'ACKed' : 'not ACKed'}${r.httpStatus ? ` (HTTP ${r.httpStatus})` : ''}${r.error ? ` — ${r.error}` : ''}`;
    return msg('detail.resent', { id: r.notificationId, how });
  });

/** The notice of a submitted refund, kept up to date until the refund reaches its final state. */
function followRefund(detail) {
  const refund = trackedRefundNo && (detail.refunds || []).find((r) => r.refundNo === trackedRefundNo);
  if (!refund) return;
  showNotice(
    msg('detail.refundNotice', {
      refundNo: refund.refundNo,
      amount: refund.amountText,
      words: refundWords(refund.state),
      error: refund.errorMessage ? ` — ${refund.errorMessage}` : '',
    }),
  );
}

/** First step: check the amount and show what will happen; nothing is sent until it is confirmed. */
function submitRefund(event) {
  event.preventDefault();
  const fen = parseYuanToFen($('refund-amount').value);
  const order = lastDetail?.order;
  if (fen === null || fen <= 0 || !order) {
    showError($('detail-error'), msg('detail.badAmount'));
    return;
  }
  const refundable = order.amount - (order.refundedAmount || 0);
  if (fen > refundable) {
    showError($('detail-error'), msg('detail.tooMuch', { amount: formatFen(refundable) }));
    return;
  }
  const reason = $('refund-reason').value.trim();
  // One key per confirmation: a double click sends the same refund twice, which WeChat and the service dedupe.
  pendingRefund = {
    orderNo: order.orderNo,
    amount: fen,
    reason,
    refundNo: `R${order.orderNo}${Date.now().toString(36)}`,
  };
  $('detail-error').hidden = true;
  setText(
    $('refund-confirm-text'),
    msg('detail.confirmRefundText', {
      amount: formatFen(fen),
      orderNo: order.orderNo,
      paid: formatFen(order.amount),
      refundable: formatFen(refundable),
      reason: reason || { key: 'detail.noReason' },
    }),
  );
  $('refund-confirm').hidden = false;
  $('refund-confirm-yes').focus();
}

/** Second step: the refund goes to WeChat; the notice then follows it to SUCCESS or ABNORMAL. */
function confirmRefund() {
  const refund = pendingRefund;
  if (!refund) return;
  return act('refund-confirm-yes', async () => {
    const body = { amount: refund.amount, refundNo: refund.refundNo };
    if (refund.reason) body.reason = refund.reason;
    const created = await api(`/api/orders/${encodeURIComponent(refund.orderNo)}/refunds`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    pendingRefund = undefined;
    trackedRefundNo = created.refundNo;
    $('refund-confirm').hidden = true;
    $('refund-form').reset();
    return msg('detail.refundSubmitted', {
      refundNo: created.refundNo,
      amount: created.amountText,
      words: refundWords(created.state),
    });
  });
}

function cancelRefund() {
  pendingRefund = undefined;
  $('refund-confirm').hidden = true;
}

/** Wires the drawer's buttons; `onClose` refreshes whatever list the drawer was opened from. */
export function wireDetail(onClose) {
  refreshList = onClose;
  $('detail-close').addEventListener('click', () => $('detail').close());
  $('detail').addEventListener('close', () => {
    clearTimeout(detailTimer);
    detailOrderNo = undefined;
    onClose();
  });
  $('query-now').addEventListener('click', queryNow);
  $('close-order').addEventListener('click', closeOrder);
  $('resend').addEventListener('click', requestResend);
  $('refund-form').addEventListener('submit', submitRefund);
  $('refund-confirm-yes').addEventListener('click', confirmRefund);
  $('refund-confirm-no').addEventListener('click', cancelRefund);
}
