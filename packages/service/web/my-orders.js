// The shopper's own orders: the ones this browser placed (kept in localStorage, nothing else knows
// a shopper here), each asked from the server for its current state and linked to its receipt.
import { say, startI18n } from './messages.js';
import { api } from './order-watch.js';

export const MY_ORDERS_KEY = 'wechatpay-kit.my-orders';
const KEEP = 20;

/** Remembers an order this browser placed, newest first. */
export function rememberOrder(orderNo) {
  const known = (JSON.parse(localStorage.getItem(MY_ORDERS_KEY) ?? '[]') || []).filter((n) => n !== orderNo);
  localStorage.setItem(MY_ORDERS_KEY, JSON.stringify([orderNo, ...known].slice(0, KEEP)));
}

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
    say(list, 'myOrders.none');
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
      say(link, 'myOrders.row', {
        description: order.description,
        amount: order.amountText,
        state: { key: `myOrders.state.${order.state}` },
      });
      return link;
    }),
  );
  delete list.dataset.i18n;
}

if (document.getElementById('my-orders')) {
  startI18n();
  void renderList();
}
