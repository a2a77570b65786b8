// The JSAPI page, opened inside WeChat: signs in through WeChat (session cookie), lists products and
// pays with WeixinJSBridge's getBrandWCPayRequest. In demo mode, outside WeChat, the simulator's
// stand-in bridge takes WeChat's place. Plain browser module, no build step.
import { api, watchOrder } from './order-watch.js';
import { $, apiVersionSwitch, element, showPayableProducts, statusLine } from './shop-page.js';

const simulatorUrl = document.body.dataset.simulatorUrl || '';
const apiVersion = apiVersionSwitch();
let watcher = null;

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
    $('jssdk-status').textContent =
      `JS-SDK: wx.config ready (appId ${config.appId}, signature ${config.signature.slice(0, 8)}…)`;
    $('jssdk-status').dataset.ready = 'true';
  } catch (error) {
    $('jssdk-status').textContent = `JS-SDK: ${error.message}`;
  }
}

/** WeChat's own bridge, or in demo mode the simulator's stand-in. */
function bridge() {
  if (window.WeixinJSBridge) return Promise.resolve(window.WeixinJSBridge);
  if (!simulatorUrl) return Promise.reject(new Error('请在微信中打开 open this page inside WeChat'));
  return new Promise((resolve, reject) => {
    document.addEventListener('WeixinJSBridgeReady', () => resolve(window.WeixinJSBridge), { once: true });
    const script = element('script', { src: `${simulatorUrl}/_sim/jsbridge.js` });
    script.onerror = () => reject(new Error('the simulator’s stand-in WeixinJSBridge could not be loaded'));
    document.head.append(script);
  });
}

function invokePay(jsBridge, payParams) {
  return new Promise((resolve) => jsBridge.invoke('getBrandWCPayRequest', payParams, resolve));
}

async function buy(product, button) {
  watcher?.stop();
  button.disabled = true;
  status(`正在下单… creating the order for ${product.name}`, 'creating');
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
      const why = order.wechatError
        ? `${order.wechatError.message}（${order.wechatError.code}）`
        : 'no prepay';
      return status(`微信支付下单失败 WeChat Pay refused: ${why}`, 'error');
    }
    const following = watchOrder(order.orderNo, (update) => {
      if (update.state === 'PAID') status(`支付成功 paid · 订单 ${order.orderNo}`, 'paid');
      else if (update.state === 'CLOSED') status(`已关闭 closed · 订单 ${order.orderNo}`, 'closed');
    });
    watcher = following;
    status(`请在微信中确认支付 confirm the payment in WeChat · 订单 ${order.orderNo}`, 'paying');
    const result = await invokePay(await bridge(), order.payParams);
    const outcome = String(result?.err_msg ?? '')
      .split(':')
      .pop();
    if ($('jsapi-status').dataset.state === 'paid') return;
    // The bridge's "ok" is not proof of payment: only the server, told by WeChat, says paid.
    if (outcome === 'ok') status('支付确认中… confirming with the server', 'confirming');
    else if (outcome === 'cancel') {
      following.stop();
      status('已取消支付 payment cancelled — the order is still open', 'cancelled');
    } else {
      following.stop();
      status(`支付失败 payment failed${result?.err_desc ? `: ${result.err_desc}` : ''}`, 'failed');
    }
  } catch (error) {
    status(`出错了 ${error.message}`, 'error');
  } finally {
    button.disabled = false;
  }
}

const user = await session();
$('jsapi-user').textContent = user.nickname ? `${user.nickname} (${user.openid})` : user.openid;
await Promise.all([checkJssdk(), showPayableProducts(buy)]);
