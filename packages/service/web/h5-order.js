// The shopper's order page, where WeChat's H5 cashier sends the browser back (redirect_url) after
// paying or cancelling. Coming back proves nothing: the page asks the server, and follows the order
// (SSE, polling fallback) because WeChat's notification may land a moment after the browser does.
import { api, watchOrder } from './order-watch.js';

const $ = (id) => document.getElementById(id);
const orderNo = decodeURIComponent(location.pathname.split('/').pop() ?? '');

const TEXT = {
  NOTPAY: '尚未支付 not paid yet — if you paid, this page updates by itself',
  PAID: '支付成功 paid',
  CLOSED: '已关闭 closed — the order can no longer be paid',
  PAYERROR: '支付失败 payment failed',
  REFUNDING: '退款中 refunding',
  PARTIALLY_REFUNDED: '部分退款 partially refunded',
  REFUNDED: '已退款 refunded',
};

function show(order) {
  const line = $('order-state');
  line.dataset.state = order.state;
  line.textContent = TEXT[order.state] ?? order.state;
  const payable = order.state === 'NOTPAY' && order.h5Url && Date.parse(order.expiresAt) > Date.now();
  $('actions').hidden = !payable;
  if (payable) $('pay-again').href = order.h5Url;
}

try {
  const order = await api(`/api/orders/${encodeURIComponent(orderNo)}`);
  $('order-no').textContent = order.orderNo;
  $('description').textContent = order.description;
  $('amount').textContent = order.amountText;
  show(order);
  let latest = order;
  watchOrder(order.orderNo, (update) => {
    latest = { ...latest, ...update };
    show(latest);
  });
} catch (error) {
  $('order-state').dataset.state = 'error';
  $('order-state').textContent =
    error.status === 404 ? '没有这个订单 no such order' : `出错了 ${error.message}`;
}
