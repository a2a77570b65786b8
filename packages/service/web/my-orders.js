// The shopper's own orders: the ones this browser placed (kept in localStorage, nothing else knows
// a shopper here), each asked from the server for its current state and linked to its receipt.
import { api } from './order-watch.js';

export const MY_ORDERS_KEY = 'wechatpay-kit.my-orders';
const KEEP = 20;

/** Remembers an order this browser placed, newest first. */
export function rememberOrder(orderNo) {
  const known = (JSON.parse(localStorage.getItem(MY_ORDERS_KEY) ?? '[]') || []).filter((n) => n !== orderNo);
  localStorage.setItem(MY_ORDERS_KEY, JSON.stringify([orderNo, ...known].slice(0, KEEP)));
}

const WORDS = {
  NOTPAY: '待支付 not paid yet',
  PAID: '已支付 paid',
  CLOSED: '已关闭 closed',
  PAYERROR: '支付失败 payment failed',
  REFUNDING: '退款中 refunding',
  PARTIALLY_REFUNDED: '部分退款 partly refunded',
  REFUNDED: '已退款 refunded',
};

async function renderList() {
  const list = document.getElementById('my-orders');
  if (!list) return;
  let numbers = [];
  try {
    numbers = JSON.parse(localStorage.getItem(MY_ORDERS_KEY) ?? '[]') || [];
  } catch {
    numbers = [];
  }
  if (numbers.length === 0) {
    list.textContent = '这台设备上还没有订单 No orders from this device yet';
    return;
  }
  const rows = await Promise.all(
    numbers.map((orderNo) => api(`/api/orders/${encodeURIComponent(orderNo)}`).catch(() => null)),
  );
  list.replaceChildren(
    ...rows.filter(Boolean).map((order) => {
      const link = document.createElement('a');
      link.className = 'my-order';
      link.href = `/orders/${encodeURIComponent(order.orderNo)}`;
      link.dataset.orderNo = order.orderNo;
      link.dataset.state = order.state;
      link.textContent = `${order.description} · ${order.amountText} · ${WORDS[order.state] ?? order.state}`;
      return link;
    }),
  );
}

void renderList();
