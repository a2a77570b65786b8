// The checkout page: products, a Native QR dialog, and the order's state pushed by SSE
// (with 1 s polling when SSE is unavailable). Plain browser JavaScript, no build step.

import { errorText, onLanguageChange, say, startI18n, t } from './messages.js';
import { prepayReasonKey } from './messages-shop.js';
import { rememberOrder } from './my-orders.js';
import { api, FINAL, watchOrder } from './order-watch.js';
import { $, apiVersionSwitch, element } from './shop-page.js';

startI18n();
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
        const buy = say(element('button', { className: 'btn', type: 'button' }), 'checkout.buy');
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
      grid.replaceChildren(say(element('div', { className: 'empty' }), 'checkout.noProducts'));
  } catch (error) {
    grid.replaceChildren(
      say(element('div', { className: 'empty' }), 'checkout.loadFailed', { message: errorText(error) }),
    );
  }
}

/**
 * Native mode 1: the product's own static QR code (posters, vending machines). Scanning it makes
 * WeChat ask the service for an order; loaded when first opened.
 */
function posterQr(product) {
  const body = element('div', { className: 'poster-body' });
  const details = element('details', { className: 'poster' }, [
    say(element('summary'), 'checkout.poster'),
    body,
  ]);
  details.addEventListener('toggle', async () => {
    if (!details.open || body.childElementCount > 0) return;
    try {
      const { url } = await api(`/api/products/${encodeURIComponent(product.id)}/bizpayurl`);
      const text = element('code', { className: 'poster-url', textContent: url });
      text.dataset.testid = `poster-url-${product.id}`;
      body.replaceChildren(
        Object.assign(element('img', { src: `/api/products/${encodeURIComponent(product.id)}/qrcode.svg` }), {
          alt: t('checkout.posterAlt'),
        }),
        text,
      );
      if (simulatorUrl) {
        const phone = element('a', {
          href: `${simulatorUrl}/_sim/phone?code_url=${encodeURIComponent(url)}`,
          target: '_blank',
          rel: 'noopener',
        });
        say(phone, 'checkout.posterPhone');
        phone.dataset.testid = `poster-phone-${product.id}`;
        body.append(phone);
      }
    } catch (error) {
      body.replaceChildren(element('div', { className: 'error-box', textContent: errorText(error) }));
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
    showError({ key: 'prepay.refused', params: { reason: errorText(error) } }, orderNo);
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
  say($('pay-qr-overlay'), 'checkout.creating');
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
  say($('pay-order-no'), 'checkout.orderLine', { orderNo: o.orderNo, apiVersion: o.apiVersion });
  if (FINAL.has(o.state)) return showResult(o);
  if (o.codeUrl) {
    const img = $('pay-qr-img');
    const src = `/api/orders/${encodeURIComponent(o.orderNo)}/qrcode.svg`;
    if (img.getAttribute('src') !== src) img.src = src;
    img.hidden = false;
    $('pay-qr-overlay').hidden = o.state !== 'PAYERROR';
    say($('pay-qr-overlay'), 'checkout.scanAgain');
    $('pay-error').hidden = true;
    if (simulatorUrl) {
      const link = $('pay-sim-link');
      link.href = `${simulatorUrl}/_sim/phone?code_url=${encodeURIComponent(o.codeUrl)}`;
      link.hidden = false;
    }
    startCountdown(new Date(o.expiresAt));
  } else if (o.wechatError) {
    const reason = {
      key: 'prepay.withCode',
      params: { reason: { key: prepayReasonKey(o.wechatError.code) }, code: o.wechatError.code },
    };
    showError({ key: 'prepay.refused', params: { reason } }, o.orderNo);
  }
}

/** `message` is `{ key, params }` of the catalogue, so a language switch re-renders it. */
function showError(message, orderNo) {
  $('pay-waiting').hidden = true;
  $('pay-sim-link').hidden = true;
  $('pay-error').hidden = false;
  say($('pay-error-text'), message.key, message.params);
  const retry = $('pay-retry');
  retry.hidden = !orderNo;
  retry.onclick = async () => {
    retry.disabled = true;
    try {
      const order = await api(`/api/orders/${encodeURIComponent(orderNo)}/prepay`, { method: 'POST' });
      $('pay-waiting').hidden = false;
      render(order);
    } catch (error) {
      say($('pay-error-text'), 'checkout.retryFailed', { message: errorText(error) });
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
  say($('pay-result-title'), paid ? 'checkout.paid' : 'checkout.closed');
  $('pay-receipt').href = `/orders/${encodeURIComponent(order.orderNo)}`;
  const meta = $('pay-result-meta');
  if (order.transactionId) say(meta, 'checkout.transaction', { transactionId: order.transactionId });
  else if (!paid) say(meta, 'checkout.expiredClosed');
  else {
    delete meta.dataset.i18n;
    meta.textContent = '';
  }
}

function startCountdown(expiresAt) {
  clearInterval(current.timer);
  const tick = () => {
    if (!current) return;
    const left = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    const mm = String(Math.floor(left / 60)).padStart(2, '0');
    const ss = String(left % 60).padStart(2, '0');
    $('pay-countdown').textContent = left > 0 ? `${mm}:${ss}` : t('checkout.expired');
  };
  tick();
  current.timer = setInterval(tick, 1000);
  current.tick = tick;
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

// Texts set with `say` follow the switch by themselves; the countdown's 'expired' is redrawn here.
onLanguageChange(() => current?.tick?.());
loadProducts();
