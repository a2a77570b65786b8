// The shopper's order page, where WeChat's H5 cashier sends the browser back (redirect_url) after
// paying or cancelling. Coming back proves nothing: the page asks the server, and follows the order
// (SSE, polling fallback) because WeChat's notification may land a moment after the browser does.
import { errorText, say, startI18n } from './messages.js';
import { api, watchOrder } from './order-watch.js';

startI18n();

const $ = (id) => document.getElementById(id);
const orderNo = decodeURIComponent(location.pathname.split('/').pop() ?? '');

function show(order) {
  const line = $('order-state');
  line.dataset.state = order.state;
  say(line, `order.state.${order.state}`);
  const payable = order.state === 'NOTPAY' && order.h5Url && Date.parse(order.expiresAt) > Date.now();
  $('actions').hidden = !payable;
  if (payable) $('pay-again').href = order.h5Url;
}

try {
  const order = await api(`/api/orders/${encodeURIComponent(orderNo)}`);
  $('order-no').textContent = order.orderNo;
  const description = $('description');
  delete description.dataset.i18n;
  description.textContent = order.description;
  $('amount').textContent = order.amountText;
  show(order);
  let latest = order;
  watchOrder(order.orderNo, (update) => {
    latest = { ...latest, ...update };
    show(latest);
  });
} catch (error) {
  $('order-state').dataset.state = 'error';
  if (error.status === 404) say($('order-state'), 'order.noSuchOrder');
  else say($('order-state'), 'shop.error', { message: errorText(error) });
}
