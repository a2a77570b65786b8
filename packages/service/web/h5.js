// The H5 shop, for a phone's browser outside WeChat: buy → the order's h5Url (WeChat's cashier, which
// opens the WeChat app) → WeChat sends the browser back to the order page (/h5/orders/:orderNo).
// Plain browser module, no build step.
import { errorText, startI18n } from './messages.js';
import { prepayReasonKey } from './messages-shop.js';
import { api } from './order-watch.js';
import { apiVersionSwitch, showPayableProducts, statusLine } from './shop-page.js';

startI18n();
const apiVersion = apiVersionSwitch();

const status = statusLine('h5-status');

async function buy(product, button) {
  button.disabled = true;
  status('shop.creatingFor', { product: product.name }, 'creating');
  try {
    const order = await api('/api/orders', {
      method: 'POST',
      body: JSON.stringify({ productId: product.id, quantity: 1, payType: 'H5', apiVersion: apiVersion() }),
    });
    if (!order.h5Url) {
      const code = order.wechatError?.code;
      const reason = code
        ? { key: 'prepay.withCode', params: { reason: { key: prepayReasonKey(code) }, code } }
        : { key: 'prepay.none' };
      button.disabled = false;
      return status('prepay.refused', { reason }, 'error');
    }
    status('h5.opening', undefined, 'redirecting');
    // A navigation from this page, so the cashier gets the Referer WeChat checks.
    location.assign(order.h5Url);
  } catch (error) {
    button.disabled = false;
    status('shop.error', { message: errorText(error) }, 'error');
  }
}

await showPayableProducts(buy);
