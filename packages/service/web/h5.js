// The H5 shop, for a phone's browser outside WeChat: buy → the order's h5Url (WeChat's cashier, which
// opens the WeChat app) → WeChat sends the browser back to the order page (/h5/orders/:orderNo).
// Plain browser module, no build step.
import { api } from './order-watch.js';
import { apiVersionSwitch, showPayableProducts, statusLine } from './shop-page.js';

const apiVersion = apiVersionSwitch();

const status = statusLine('h5-status');

async function buy(product, button) {
  button.disabled = true;
  status(`正在下单… creating the order for ${product.name}`, 'creating');
  try {
    const order = await api('/api/orders', {
      method: 'POST',
      body: JSON.stringify({ productId: product.id, quantity: 1, payType: 'H5', apiVersion: apiVersion() }),
    });
    if (!order.h5Url) {
      const why = order.wechatError
        ? `${order.wechatError.message}（${order.wechatError.code}）`
        : 'no h5_url';
      button.disabled = false;
      return status(`微信支付下单失败 WeChat Pay refused: ${why}`, 'error');
    }
    status('正在打开微信支付… opening WeChat Pay', 'redirecting');
    // A navigation from this page, so the cashier gets the Referer WeChat checks.
    location.assign(order.h5Url);
  } catch (error) {
    button.disabled = false;
    status(`出错了 ${error.message}`, 'error');
  }
}

await showPayableProducts(buy);
