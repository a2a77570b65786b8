// An order's detail drawer: fields, refunds, history, every notification received (raw body and
// headers as text), and the buttons: query WeChat now, request a resend (demo), refund.

import { $, api, badge, el, showError } from './admin-dom.js';
import { formatFen, formatTime, parseYuanToFen } from './admin-format.js';

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

const REFUND_STATE_WORDS = {
  PENDING: '待提交 waiting to be sent',
  PROCESSING: '处理中 processing at WeChat',
  SUCCESS: '已退回买家 returned to the buyer',
  ABNORMAL: '异常：退款未到账，需人工处理 ABNORMAL: not paid out, a person must act',
  CLOSED: '已关闭 closed',
  FAILED: '失败 failed',
};

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
  $('resend').hidden = !DEMO;
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
  $('detail-title').textContent = `订单 Order ${order.orderNo}`;
  const refundable = order.amount - (order.refundedAmount || 0);
  const fields = [
    ['状态 State', badge(order.state)],
    ['商品 Item', `${order.description} ×${order.quantity}`],
    ['金额 Amount', order.amountText],
    ['已退款 Refunded', formatFen(order.refundedAmount || 0)],
    ['方式 Pay type', `${order.payType} · API ${order.apiVersion}`],
    ['创建 Created', formatTime(order.createdAt)],
    ['过期 Expires', formatTime(order.expiresAt)],
    ['支付 Paid', formatTime(order.paidAt)],
    ['发货 Fulfilled', formatTime(order.fulfilledAt)],
    ['关闭 Closed', formatTime(order.closedAt)],
    ['微信支付单号 Transaction', order.transactionId || '—'],
    ['下单 openid (ordered for)', order.openid || '—'],
    ['付款 openid (paid by)', order.payerOpenid || '—'],
  ];
  if (order.wechatError)
    fields.push(['微信错误 WeChat error', `${order.wechatError.code}: ${order.wechatError.message}`]);
  $('detail-fields').replaceChildren(
    ...fields.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]),
  );

  const canRefund = ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDING'].includes(order.state) && refundable > 0;
  $('close-order').hidden = !['NOTPAY', 'PAYERROR'].includes(order.state);
  $('refund-form').hidden = !canRefund;
  $('refund-amount').placeholder = `≤ ${formatFen(refundable).slice(1)}`;

  const refundList = refunds || [];
  $('detail-refunds').replaceChildren(
    refundList.length === 0
      ? el('div', { className: 'muted' }, '无 None')
      : el(
          'table',
          { className: 'compact' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['退款单号 Refund', '金额 Amount', '状态 State', '原因 Reason', '时间 Time'].map((h) =>
                el('th', {}, h),
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
      ? [el('div', { className: 'muted' }, '尚未收到 None received')]
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
            el('div', { className: 'muted small' }, '请求头 Headers'),
            el(
              'pre',
              { className: 'raw' },
              Object.entries(n.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n') || '—',
            ),
            el('div', { className: 'muted small' }, '原始报文 Raw body'),
            el('pre', { className: 'raw' }, n.rawBody),
            n.decryptedBody
              ? el('div', { className: 'muted small' }, '解密后的内容 Decrypted resource')
              : null,
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
  $('detail-notice').textContent = text;
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
    return `微信 WeChat: ${result.tradeState} → ${result.outcome} (order ${result.order.state})`;
  });

const closeOrder = () => {
  const orderNo = detailOrderNo;
  if (
    !window.confirm(
      `关闭订单 ${orderNo}？会先向微信查单，已支付则不会关闭。Close order ${orderNo}? WeChat is asked first; a paid order is not closed.`,
    )
  )
    return;
  return act('close-order', async () => {
    const result = await api(`/api/admin/orders/${encodeURIComponent(orderNo)}/close`, { method: 'POST' });
    return result.outcome === 'PAID'
      ? `微信显示已支付，订单已补记为已支付 WeChat says paid: the order is now ${result.order.state}`
      : `订单已关闭 Order ${result.outcome === 'CLOSED' ? 'closed' : result.outcome} (${result.order.state})`;
  });
};

const requestResend = () =>
  act('resend', async () => {
    const r = await api(`/api/admin/orders/${encodeURIComponent(detailOrderNo)}/notifications/resend`, {
      method: 'POST',
    });
    return `已重发 Resent ${r.notificationId}: ${r.acked ? 'ACKed' : 'not ACKed'}${r.httpStatus ? ` (HTTP ${r.httpStatus})` : ''}${r.error ? ` — ${r.error}` : ''}`;
  });

/** The notice of a submitted refund, kept up to date until the refund reaches its final state. */
function followRefund(detail) {
  const refund = trackedRefundNo && (detail.refunds || []).find((r) => r.refundNo === trackedRefundNo);
  if (!refund) return;
  const words = REFUND_STATE_WORDS[refund.state] || refund.state;
  showNotice(
    `退款 Refund ${refund.refundNo} ${refund.amountText}：${words}${refund.errorMessage ? ` — ${refund.errorMessage}` : ''}`,
  );
}

/** First step: check the amount and show what will happen; nothing is sent until it is confirmed. */
function submitRefund(event) {
  event.preventDefault();
  const fen = parseYuanToFen($('refund-amount').value);
  const order = lastDetail?.order;
  if (fen === null || fen <= 0 || !order) {
    showError(
      $('detail-error'),
      new Error('金额格式不对 Enter an amount in yuan, e.g. 12.30 (at most two decimals).'),
    );
    return;
  }
  const refundable = order.amount - (order.refundedAmount || 0);
  if (fen > refundable) {
    showError($('detail-error'), new Error(`最多可退 At most ${formatFen(refundable)} can be refunded.`));
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
  $('refund-confirm-text').textContent =
    `确认把 ${formatFen(fen)} 原路退回买家？订单 ${order.orderNo}（实付 ${formatFen(order.amount)}，` +
    `可退 ${formatFen(refundable)}），原因：${reason || '（未填写）'}。退款一经提交无法撤回。 ` +
    `Refund ${formatFen(fen)} of order ${order.orderNo} to the buyer${reason ? ` (${reason})` : ''}? This cannot be undone.`;
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
    return `退款已提交 Refund ${created.refundNo} ${created.amountText}：${REFUND_STATE_WORDS[created.state] || created.state}`;
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
