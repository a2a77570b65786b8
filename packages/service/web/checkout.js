// The checkout page: products, a Native QR dialog, and the order's state pushed by SSE
// (with 1 s polling when SSE is unavailable). Plain browser JavaScript, no build step.

import { rememberOrder } from './my-orders.js';
import { api, FINAL, watchOrder } from './order-watch.js';
import { $, apiVersionSwitch, element } from './shop-page.js';

const simulatorUrl = document.body.dataset.simulatorUrl || '';

const apiVersion = apiVersionSwitch();
/** The order the dialog shows, and how it is being watched. */
let current = null;

/** A monogram instead of product photos: no image files, and no emoji font needed. */
function artFor(product) {
  return element('span', { className: 'art-mark', textContent: Array.from(product.name)[0] || '?' });
}

async function loadProducts() {
  const grid = $('products');
  try {
    const products = await api('/api/products');
    grid.replaceChildren(
      ...products.map((product) => {
        const buy = element('button', { className: 'btn', type: 'button', textContent: '购买 Buy' });
        buy.disabled = !product.available;
        buy.dataset.productId = product.id;
        buy.addEventListener('click', () => buyProduct(product, buy));
        const price = element('div', { className: 'price' }, [product.priceText]);
        return element('article', { className: 'card' }, [
          element('div', { className: 'art' }, [artFor(product)]),
          element('h3', { textContent: product.name }),
          element('p', { textContent: product.description }),
          element('div', { className: 'row' }, [price, buy]),
          posterQr(product),
        ]);
      }),
    );
    if (products.length === 0)
      grid.replaceChildren(element('div', { className: 'empty', textContent: '暂无商品 No products' }));
  } catch (error) {
    grid.replaceChildren(element('div', { className: 'empty', textContent: `加载失败 ${error.message}` }));
  }
}

/**
 * Native mode 1: the product's own static QR code (posters, vending machines). Scanning it makes
 * WeChat ask the service for an order; loaded when first opened.
 */
function posterQr(product) {
  const body = element('div', { className: 'poster-body' });
  const details = element('details', { className: 'poster' }, [
    element('summary', { textContent: '海报码 Poster QR (Native mode 1)' }),
    body,
  ]);
  details.addEventListener('toggle', async () => {
    if (!details.open || body.childElementCount > 0) return;
    try {
      const { url } = await api(`/api/products/${encodeURIComponent(product.id)}/bizpayurl`);
      const text = element('code', { className: 'poster-url', textContent: url });
      text.dataset.testid = `poster-url-${product.id}`;
      body.replaceChildren(
        element('img', {
          src: `/api/products/${encodeURIComponent(product.id)}/qrcode.svg`,
          alt: 'Poster QR code',
        }),
        text,
      );
      if (simulatorUrl) {
        const phone = element('a', {
          href: `${simulatorUrl}/_sim/phone?code_url=${encodeURIComponent(url)}`,
          target: '_blank',
          rel: 'noopener',
          textContent: '在模拟微信中扫码 / scan in simulated WeChat ↗',
        });
        phone.dataset.testid = `poster-phone-${product.id}`;
        body.append(phone);
      }
    } catch (error) {
      body.replaceChildren(element('div', { className: 'error-box', textContent: error.message }));
    }
  });
  return details;
}

async function buyProduct(product, button) {
  stopWatching();
  current = { order: null, watcher: null, timer: null };
  showDialog({ amountText: product.priceText, description: product.name });
  button.disabled = true;
  try {
    const order = await api('/api/orders', {
      method: 'POST',
      body: JSON.stringify({
        productId: product.id,
        quantity: 1,
        payType: 'NATIVE',
        apiVersion: apiVersion(),
      }),
    });
    rememberOrder(order.orderNo);
    render(order);
    watch(order.orderNo);
  } catch (error) {
    // WeChat too slow: the order exists; the retry button asks again with the same out_trade_no.
    const orderNo = error.retryable ? error.orderNo : null;
    showError(error.message, orderNo);
    if (orderNo) watch(orderNo);
  } finally {
    button.disabled = false;
  }
}

function showDialog(order) {
  $('pay-amount').textContent = order.amountText;
  $('pay-desc').textContent = order.description;
  $('pay-waiting').hidden = false;
  $('pay-qr-img').hidden = true;
  $('pay-qr-overlay').hidden = false;
  $('pay-qr-overlay').textContent = '正在下单… creating';
  $('pay-error').hidden = true;
  $('pay-result').hidden = true;
  $('pay-sim-link').hidden = true;
  $('pay-order-no').textContent = '';
  $('pay-countdown').textContent = '--:--';
  const dialog = $('pay-dialog');
  if (!dialog.open) dialog.showModal();
}

/** Shows an order as the server describes it; called on creation, on every event and every poll. */
function render(order) {
  if (!current) return;
  current.order = { ...current.order, ...order };
  const o = current.order;
  $('pay-amount').textContent = o.amountText;
  $('pay-desc').textContent = o.description;
  $('pay-order-no').textContent = `订单号 ${o.orderNo} · API ${o.apiVersion}`;
  if (FINAL.has(o.state)) return showResult(o);
  if (o.codeUrl) {
    const img = $('pay-qr-img');
    const src = `/api/orders/${encodeURIComponent(o.orderNo)}/qrcode.svg`;
    if (img.getAttribute('src') !== src) img.src = src;
    img.hidden = false;
    $('pay-qr-overlay').hidden = o.state !== 'PAYERROR';
    $('pay-qr-overlay').textContent = '支付失败，可重新扫码 payment failed, scan again';
    $('pay-error').hidden = true;
    if (simulatorUrl) {
      const link = $('pay-sim-link');
      link.href = `${simulatorUrl}/_sim/phone?code_url=${encodeURIComponent(o.codeUrl)}`;
      link.hidden = false;
    }
    startCountdown(new Date(o.expiresAt));
  } else if (o.wechatError) {
    showError(`${o.wechatError.message}（${o.wechatError.code}）`, o.orderNo);
  }
}

function showError(message, orderNo) {
  $('pay-waiting').hidden = true;
  $('pay-sim-link').hidden = true;
  $('pay-error').hidden = false;
  $('pay-error-text').textContent = `微信支付下单失败 WeChat Pay refused: ${message}`;
  const retry = $('pay-retry');
  retry.hidden = !orderNo;
  retry.onclick = async () => {
    retry.disabled = true;
    try {
      const order = await api(`/api/orders/${encodeURIComponent(orderNo)}/prepay`, { method: 'POST' });
      $('pay-waiting').hidden = false;
      render(order);
    } catch (error) {
      $('pay-error-text').textContent = `重试失败 retry failed: ${error.message}`;
    } finally {
      retry.disabled = false;
    }
  };
}

function showResult(order) {
  stopWatching(true);
  $('pay-waiting').hidden = true;
  $('pay-error').hidden = true;
  $('pay-sim-link').hidden = true;
  const paid = order.state !== 'CLOSED';
  const result = $('pay-result');
  result.hidden = false;
  result.className = paid ? 'result paid' : 'result closed';
  result.dataset.state = order.state;
  $('icon-paid').hidden = !paid;
  $('icon-closed').hidden = paid;
  $('pay-result-title').textContent = paid ? '支付成功 paid' : '已关闭 closed';
  $('pay-receipt').href = `/orders/${encodeURIComponent(order.orderNo)}`;
  $('pay-result-meta').textContent = order.transactionId
    ? `微信支付单号 ${order.transactionId}`
    : paid
      ? ''
      : '订单已超时关闭 the order expired and was closed';
}

function startCountdown(expiresAt) {
  clearInterval(current.timer);
  const tick = () => {
    const left = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    const mm = String(Math.floor(left / 60)).padStart(2, '0');
    const ss = String(left % 60).padStart(2, '0');
    $('pay-countdown').textContent = left > 0 ? `${mm}:${ss}` : '已过期 expired';
  };
  tick();
  current.timer = setInterval(tick, 1000);
}

/** Follows the order (SSE, polling fallback) while this dialog shows it. */
function watch(orderNo) {
  const watching = current;
  watching.watcher = watchOrder(orderNo, (order) => current === watching && render(order));
}

function stopWatching(keepOrder) {
  if (!current) return;
  current.watcher?.stop();
  clearInterval(current.timer);
  if (!keepOrder) current = null;
}

for (const id of ['pay-close', 'pay-continue']) {
  $(id).addEventListener('click', () => {
    stopWatching();
    $('pay-dialog').close();
  });
}
$('pay-dialog').addEventListener('cancel', () => stopWatching());

loadProducts();
