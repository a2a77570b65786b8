// The JSAPI page, opened inside WeChat: signs in through WeChat (session cookie), lists products and
// pays with WeixinJSBridge's getBrandWCPayRequest, then shows WeChat's kind of result screen. In demo
// mode, outside WeChat, the simulator's stand-in bridge takes WeChat's place. Plain browser module.
import { formatTime } from './admin-format.js';
import { errorText, say, startI18n } from './messages.js';
import { prepayReasonKey } from './messages-shop.js';
import { api, watchOrder } from './order-watch.js';
import { $, apiVersionSwitch, element, showPayableProducts, statusLine } from './shop-page.js';

startI18n();
const simulatorUrl = document.body.dataset.simulatorUrl || '';
const apiVersion = apiVersionSwitch();
/** The purchase on screen: its product, order, pay parameters, watcher and the server's verdict. */
let current = null;

const status = statusLine('jsapi-status');

/** The signed-in user, or off to WeChat's sign-in (which comes back here). */
async function session() {
  try {
    return await api('/api/session');
  } catch (error) {
    if (error.status !== 401) throw error;
    const scope =
      new URLSearchParams(location.search).get('scope') === 'snsapi_userinfo'
        ? 'snsapi_userinfo'
        : 'snsapi_base';
    const returnTo = location.pathname + location.search;
    location.assign(`/wechat/login?scope=${scope}&returnTo=${encodeURIComponent(returnTo)}`);
    return new Promise(() => {});
  }
}

/** The real jweixin script cannot be loaded offline; the signature is fetched to show it would work. */
async function checkJssdk() {
  try {
    const config = await api(`/api/jssdk/config?url=${encodeURIComponent(location.href)}`);
    say($('jssdk-status'), 'jsapi.jssdkReady', {
      appId: config.appId,
      signature: config.signature.slice(0, 8),
    });
    $('jssdk-status').dataset.ready = 'true';
  } catch (error) {
    say($('jssdk-status'), 'jsapi.jssdkFailed', { message: errorText(error) });
  }
}

/** WeChat's own bridge, or in demo mode the simulator's stand-in. */
function bridge() {
  if (window.WeixinJSBridge) return Promise.resolve(window.WeixinJSBridge);
  if (!simulatorUrl)
    return Promise.reject(Object.assign(new Error('not in WeChat'), { code: 'NOT_IN_WECHAT' }));
  return new Promise((resolve, reject) => {
    document.addEventListener('WeixinJSBridgeReady', () => resolve(window.WeixinJSBridge), { once: true });
    const script = element('script', { src: `${simulatorUrl}/_sim/jsbridge.js` });
    script.onerror = () => reject(Object.assign(new Error('no bridge'), { code: 'NO_BRIDGE' }));
    document.head.append(script);
  });
}

function invokePay(jsBridge, payParams) {
  return new Promise((resolve) => jsBridge.invoke('getBrandWCPayRequest', payParams, resolve));
}

/** What the screen says for each outcome: the status line's state and the result screen's words. */
const SCREENS = {
  confirming: { line: 'jsapi.confirming', title: 'result.confirming', note: 'result.confirmingNote' },
  paid: { line: 'jsapi.paid', title: 'result.paid', note: 'result.paidNote' },
  cancelled: { line: 'jsapi.cancelled', title: 'result.cancelled', note: 'result.cancelledNote' },
  failed: { line: 'jsapi.failed', title: 'result.failed', note: 'result.failedNote' },
  closed: { line: 'jsapi.closed', title: 'result.closed', note: 'result.closedNote' },
};

/** The server's word on an order: paid and closed are final, whatever the bridge said. */
function serverVerdict(order) {
  if (order.state === 'PAID' || order.state === 'REFUNDING' || order.state === 'PARTIALLY_REFUNDED')
    return 'paid';
  if (order.state === 'REFUNDED') return 'paid';
  if (order.state === 'CLOSED') return 'closed';
  if (order.state === 'PAYERROR') return 'failed';
  return null;
}

function showResult(outcome) {
  const purchase = current;
  const order = purchase.order;
  const screen = SCREENS[outcome];
  status(screen.line, { orderNo: order.orderNo }, outcome);
  $('jsapi-shop').hidden = true;
  const result = $('jsapi-result');
  result.hidden = false;
  result.dataset.state = outcome;
  say($('result-title'), screen.title);
  say($('result-note'), screen.note);
  $('result-amount').textContent = order.amountText;
  $('result-product').textContent = order.description;
  $('result-order-no').textContent = order.orderNo;
  const at = outcome === 'paid' ? order.paidAt : outcome === 'closed' ? order.closedAt : undefined;
  say($('result-time'), 'result.timeValue', { time: formatTime(at ?? new Date().toISOString()) });
  $('result-transaction').textContent = order.transactionId ?? '';
  $('result-transaction').hidden = !order.transactionId;
  $('result-transaction-label').hidden = !order.transactionId;
  $('result-view').href = `/orders/${encodeURIComponent(order.orderNo)}`;
  const retry = outcome === 'cancelled' || outcome === 'failed';
  $('result-retry').hidden = !retry;
  // One green button: try again when it is offered, else view order.
  $('result-view').classList.toggle('secondary', retry);
  $('result-view').hidden = outcome === 'confirming';
}

/** Takes an update from the server (event, poll or a fetch) and shows its verdict if it has one. */
function take(purchase, update) {
  if (current !== purchase) return;
  purchase.order = { ...purchase.order, ...update };
  const verdict = serverVerdict(purchase.order);
  if (!verdict) return;
  purchase.verdict = verdict;
  showResult(verdict);
}

async function pay(purchase) {
  status('jsapi.confirmInWechat', { orderNo: purchase.order.orderNo }, 'paying');
  purchase.watcher?.stop();
  purchase.watcher = watchOrder(purchase.order.orderNo, (update) => take(purchase, update));
  const result = await invokePay(await bridge(), purchase.payParams);
  if (current !== purchase || purchase.verdict) return;
  const outcome = String(result?.err_msg ?? '')
    .split(':')
    .pop();
  // The bridge's "ok" is not proof of payment: only the server, told by WeChat, says paid. A cancel
  // or a failure is checked with the server too (a payment may have gone through all the same).
  if (outcome === 'ok') return showResult('confirming');
  take(purchase, await api(`/api/orders/${encodeURIComponent(purchase.order.orderNo)}`));
  if (!purchase.verdict) showResult(outcome === 'cancel' ? 'cancelled' : 'failed');
}

async function buy(product, button) {
  current?.watcher?.stop();
  button.disabled = true;
  status('shop.creatingFor', { product: product.name }, 'creating');
  try {
    const order = await api('/api/orders', {
      method: 'POST',
      body: JSON.stringify({
        productId: product.id,
        quantity: 1,
        payType: 'JSAPI',
        apiVersion: apiVersion(),
      }),
    });
    if (!order.payParams) {
      const code = order.wechatError?.code;
      const reason = code
        ? { key: 'prepay.withCode', params: { reason: { key: prepayReasonKey(code) }, code } }
        : { key: 'prepay.none' };
      return status('prepay.refused', { reason }, 'error');
    }
    current = { product, order, payParams: order.payParams, watcher: null, verdict: null };
    await pay(current);
  } catch (error) {
    const key = { NOT_IN_WECHAT: 'jsapi.openInWechat', NO_BRIDGE: 'jsapi.bridgeMissing' }[error.code];
    status('shop.error', { message: key ? { key } : errorText(error) }, 'error');
  } finally {
    button.disabled = false;
  }
}

function backToShop() {
  current?.watcher?.stop();
  current = null;
  $('jsapi-result').hidden = true;
  $('jsapi-shop').hidden = false;
  $('jsapi-status').hidden = true;
}

$('result-continue').addEventListener('click', backToShop);
$('result-retry').addEventListener('click', async () => {
  const purchase = current;
  if (!purchase) return;
  $('jsapi-result').hidden = true;
  $('jsapi-shop').hidden = false;
  // An open order is paid again with the same prepay; one WeChat gave up on is bought anew.
  if (purchase.order.state === 'NOTPAY') {
    try {
      await pay(purchase);
    } catch (error) {
      status('shop.error', { message: errorText(error) }, 'error');
    }
  } else {
    await buy(purchase.product, document.querySelector(`button[data-product-id="${purchase.product.id}"]`));
  }
});

const user = await session();
$('jsapi-user').textContent = user.nickname ? `${user.nickname} (${user.openid})` : user.openid;
await Promise.all([checkJssdk(), showPayableProducts(buy)]);
