// The H5 shop, for a phone's browser outside WeChat: buy → the order's h5Url (WeChat's cashier, which
// opens the WeChat app) → WeChat sends the browser back to the order page (/h5/orders/:orderNo).
// Plain browser module, no build step.
import { api } from './order-watch.js';

const $ = (id) => document.getElementById(id);
let apiVersion = 'v3';

function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

function status(text, state) {
  const line = $('h5-status');
  line.hidden = false;
  line.textContent = text;
  line.dataset.state = state;
}

async function buy(product, button) {
  button.disabled = true;
  status(`正在下单… creating the order for ${product.name}`, 'creating');
  try {
    const order = await api('/api/orders', {
      method: 'POST',
      body: JSON.stringify({ productId: product.id, quantity: 1, payType: 'H5', apiVersion }),
    });
    if (!order.h5Url) {
      const why = order.wechatError ? `${order.wechatError.code}: ${order.wechatError.message}` : 'no h5_url';
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

async function loadProducts() {
  const products = await api('/api/products');
  $('products').replaceChildren(
    ...products.map((product) => {
      const button = element('button', { className: 'btn', type: 'button', textContent: '微信支付 Pay' });
      button.disabled = !product.available;
      button.dataset.productId = product.id;
      button.addEventListener('click', () => buy(product, button));
      return element('article', { className: 'card' }, [
        element('h3', { textContent: product.name }),
        element('p', { textContent: product.description }),
        element('div', { className: 'row' }, [
          element('div', { className: 'price' }, [product.priceText]),
          button,
        ]),
      ]);
    }),
  );
}

for (const button of document.querySelectorAll('#api-version button')) {
  button.addEventListener('click', () => {
    apiVersion = button.dataset.version;
    for (const other of document.querySelectorAll('#api-version button')) {
      other.setAttribute('aria-pressed', String(other === button));
    }
  });
}

await loadProducts();
