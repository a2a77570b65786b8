// JSAPI payment on an official-account (公众号) page in Express, done right: the buyer's openid from
// web authorisation (snsapi_base), wx.config signed on the server from a cached jsapi_ticket, the
// v3 order placed for the session's openid at the catalogue's price, the pay parameters signed on
// the server, the notification verified over the raw body, applied once and amount-checked, and the
// page trusting the server's state, not the bridge's "ok". Orders and sessions live in memory here;
// a real shop keeps them in its database under the same rules.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import {
  AccessTokenProvider,
  JsapiTicketProvider,
  OAuthClient,
  PlatformClient,
  toRfc3339Beijing,
  V3Client,
  v3NotificationEndpoint,
  WechatPlatformError,
} from '@wechatpay-kit/sdk';
import { expressNotifications } from '@wechatpay-kit/sdk/express';
import express from 'express';

const merchantDir = process.env.WXPAY_MERCHANT_DIR ?? 'data/simulator/merchant';
const v3Options = JSON.parse(readFileSync(join(merchantDir, 'v3-client-options.json'), 'utf8'));
// The official account: the variables the payment service reads, from service.env, the environment first.
const envFile = join(merchantDir, 'service.env');
const fileEnv = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
const setting = (name) => process.env[name] || fileEnv[name] || undefined;
const appid = setting('WECHATPAY_APPID');
const appSecret = setting('WECHAT_APPSECRET');
if (!appid || !appSecret) throw new Error(`WECHATPAY_APPID and WECHAT_APPSECRET are needed (${envFile})`);
// Unset, the SDK talks to the real api.weixin.qq.com / open.weixin.qq.com.
const platform = new PlatformClient({ baseUrl: setting('WECHAT_API_BASE_URL') });
const oauth = new OAuthClient({
  appid,
  secret: appSecret,
  client: platform,
  oauthBaseUrl: setting('WECHAT_OAUTH_BASE_URL'),
});
const tokens = new AccessTokenProvider({ appid, secret: appSecret, client: platform });
const tickets = new JsapiTicketProvider({ tokenProvider: tokens }); // cached until shortly before expiry
const v3 = new V3Client(v3Options);
// The simulator's stand-in WeixinJSBridge and wx; without a simulator, WeChat's own JS-SDK.
const simUrl = process.env.SIM_URL ?? fileEnv.WECHAT_API_BASE_URL;
const jssdkScript = simUrl ? `${simUrl}/_sim/jsbridge.js` : 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js';

const PRODUCTS = { latte: { name: '拿铁咖啡', priceFen: 990 }, tea: { name: '乌龙茶', priceFen: 500 } };
/** @type {Map<string, {outTradeNo: string, openid: string, productId: string, description: string, amountFen: number, state: 'NOTPAY'|'PAID', createdAt: number, queriedAt: number, transactionId?: string, paidAt?: string}>} */
const orders = new Map();
/** Opaque session id (the cookie) → the buyer's openid. */
const sessions = new Map();
let publicUrl = process.env.PUBLIC_URL?.replace(/\/+$/, '');

/**
 * What the notification and the query fallback both apply. Paid once: a duplicate changes nothing
 * and is acknowledged. A mismatch (amount, merchant, app) is logged for a person and acknowledged,
 * since a resend cannot fix it; an unknown order throws, so WeChat resends.
 */
function markPaid(paid) {
  const order = orders.get(paid.out_trade_no);
  if (!order) throw new Error(`unknown out_trade_no ${paid.out_trade_no}`);
  if (paid.amount?.total !== order.amountFen || paid.mchid !== v3.mchid || paid.appid !== appid) {
    console.error(
      `ANOMALY ${order.outTradeNo}: paid ${paid.amount?.total} fen to ${paid.mchid}/${paid.appid}; not shipped`,
    );
    return;
  }
  if (order.state === 'PAID') return;
  Object.assign(order, { state: 'PAID', transactionId: paid.transaction_id, paidAt: paid.success_time });
  console.log(`paid ${order.outTradeNo} (${paid.transaction_id})`);
}

/** A notification can be late or lost: while the page waits, ask WeChat now and then. */
async function refresh(order) {
  if (order.state !== 'NOTPAY' || Date.now() - order.queriedAt < 3000) return;
  order.queriedAt = Date.now();
  const status = await v3.transactions.queryByOutTradeNo(order.outTradeNo);
  if (status.trade_state === 'SUCCESS') markPaid(status);
}

const view = ({ outTradeNo, description, amountFen, state, transactionId, paidAt }) => ({
  outTradeNo,
  description,
  amountFen,
  state,
  transactionId,
  paidAt,
});

function cookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
const setCookie = (res, name, value, maxAge) =>
  res.append(
    'Set-Cookie',
    `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${publicUrl.startsWith('https:') ? '; Secure' : ''}`,
  );
const openidOf = (req) => sessions.get(cookie(req, 'sid') ?? '');
const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const app = express();
app.disable('x-powered-by');
// WeChat's callback first: the SDK reads the raw body itself (no body parser before it).
app.post(
  '/notify/v3',
  expressNotifications(
    v3NotificationEndpoint(v3, { 'TRANSACTION.SUCCESS': ({ resource }) => markPaid(resource) }),
  ),
);
app.use(express.json({ limit: '4kb' }));

app.get('/', (req, res) => {
  const openid = openidOf(req);
  if (!openid) {
    // Web authorisation; the state, bound to this browser by a cookie, stops login CSRF.
    const state = randomBytes(16).toString('hex');
    setCookie(res, 'oauth_state', state, 600);
    return res.redirect(
      oauth.authorizeUrl({ redirectUri: `${publicUrl}/oauth/callback`, scope: 'snsapi_base', state }),
    );
  }
  res.type('html').send(shopPage(openid));
});

app.get('/oauth/callback', async (req, res) => {
  const { code, state } = req.query;
  const expected = cookie(req, 'oauth_state');
  setCookie(res, 'oauth_state', '', 0);
  if (typeof code !== 'string' || typeof state !== 'string' || !expected || state !== expected) {
    return res
      .status(400)
      .type('html')
      .send('<p>登录已失效 the sign-in expired: <a href="/">重新进入 start again</a></p>');
  }
  let openid;
  try {
    ({ openid } = await oauth.exchangeCode(code)); // single use, 5 minutes
  } catch (error) {
    if (!(error instanceof WechatPlatformError)) throw error;
    return res
      .status(400)
      .type('html')
      .send(`<p>微信登录失败 (${error.errcode}): <a href="/">重新进入 start again</a></p>`);
  }
  const sid = randomBytes(24).toString('base64url');
  sessions.set(sid, openid);
  setCookie(res, 'sid', sid, 7200);
  res.redirect('/');
});

/** wx.config for one of this shop's own pages: the page sends its URL (without #…), as WeChat signs it. */
app.get('/jssdk-config', async (req, res) => {
  const url = typeof req.query.url === 'string' ? req.query.url : '';
  if (!url.startsWith(`${publicUrl}/`)) return res.status(400).json({ message: 'not a page of this shop' });
  res.json(await tickets.jssdkConfig(url, ['chooseWXPay']));
});

app.post('/orders', async (req, res) => {
  const openid = openidOf(req);
  if (!openid) return res.status(401).json({ message: 'sign in first' });
  const productId = req.body?.productId;
  const product = Object.hasOwn(PRODUCTS, productId) ? PRODUCTS[productId] : undefined;
  if (!product) return res.status(404).json({ message: 'no such product' });
  const outTradeNo = `EJ${Date.now()}${randomBytes(3).toString('hex')}`;
  // The amount is the catalogue's; nothing the browser sends besides productId is read.
  const { prepay_id } = await v3.transactions.jsapi({
    appid,
    description: product.name,
    out_trade_no: outTradeNo,
    notify_url: `${publicUrl}/notify/v3`,
    time_expire: toRfc3339Beijing(new Date(Date.now() + 15 * 60_000)),
    amount: { total: product.priceFen },
    payer: { openid },
  });
  const order = {
    outTradeNo,
    openid,
    productId,
    description: product.name,
    amountFen: product.priceFen,
    state: 'NOTPAY',
    createdAt: Date.now(),
    queriedAt: Date.now(),
  };
  orders.set(outTradeNo, order);
  const payParams = v3.jsapiPayParams({ appId: appid, prepayId: prepay_id }); // the client's parsed key
  res.status(201).json({ ...view(order), payParams });
});

app.get('/orders/:no', async (req, res) => {
  const order = orders.get(req.params.no);
  if (!order || order.openid !== openidOf(req)) return res.status(404).json({ message: 'no such order' });
  await refresh(order).catch((error) => console.error(`query ${order.outTradeNo} failed:`, error.message));
  res.json(view(order));
});

app.use((error, _req, res, _next) => {
  if (error.status >= 400 && error.status < 500)
    return res.status(error.status).json({ message: 'bad request body' });
  console.error(error); // the SDK's errors carry WeChat's code and message, never a key or token
  res.status(502).json({ message: 'WeChat could not be reached or refused; try again' });
});

function shopPage(openid) {
  const items = Object.entries(PRODUCTS)
    .map(
      ([id, p]) =>
        `<li>${esc(p.name)} ¥${(p.priceFen / 100).toFixed(2)} <button data-product="${id}" disabled>支付 Pay</button></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>公众号小店 JSAPI shop</title>
<style>body{font:16px system-ui,sans-serif;max-width:30rem;margin:1.5rem auto;padding:0 1rem}li{margin:.6rem 0}
button{margin-left:.5rem;padding:.3rem .9rem}[data-state=PAID]{color:#07c160;font-weight:600}[data-state=error]{color:#c00}</style>
<script src="${esc(jssdkScript)}"></script>
</head><body>
<h1>公众号小店 JSAPI shop</h1>
<p>openid <code id="openid">${esc(openid)}</code></p>
<p id="jssdk" data-state="pending">wx.config…</p>
<ul>${items}</ul>
<p id="result" data-state="idle"></p>
<script>
const show = (id, text, state) => Object.assign(document.getElementById(id), { textContent: text }).setAttribute('data-state', state);
const json = async (path, init) => {
  const res = await fetch(path, init);
  const body = await res.json();
  if (!res.ok) throw new Error(body.message || 'HTTP ' + res.status);
  return body;
};
json('/jssdk-config?url=' + encodeURIComponent(location.href.split('#')[0])).then((config) => {
  wx.config(config);
  wx.ready(() => {
    show('jssdk', 'wx.config 成功 ready', 'ready');
    for (const button of document.querySelectorAll('button')) button.disabled = false;
  });
  wx.error((res) => show('jssdk', 'wx.config 失败 failed: ' + res.errMsg, 'error'));
}, (error) => show('jssdk', 'wx.config: ' + error.message, 'error'));

// The bridge's "ok" is only a hint: the order is paid when the server says so (notification or query).
async function follow(no) {
  for (let i = 0; i < 30; i++) {
    const order = await json('/orders/' + no);
    if (order.state === 'PAID') return show('result', '支付成功 PAID · ' + no + ' · ' + order.transactionId, 'PAID');
    await new Promise((tick) => setTimeout(tick, 1000));
  }
  show('result', '支付结果确认中，请稍后刷新 still confirming · ' + no, 'confirming');
}

for (const button of document.querySelectorAll('button')) {
  button.addEventListener('click', async () => {
    show('result', '下单中 creating the order…', 'creating');
    try {
      const order = await json('/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ productId: button.dataset.product }),
      });
      const p = order.payParams;
      wx.chooseWXPay({
        timestamp: p.timeStamp, // the JS-SDK spells it lower-case
        nonceStr: p.nonceStr,
        package: p.package,
        signType: p.signType,
        paySign: p.paySign,
        success: () => {
          show('result', '确认中 confirming · ' + order.outTradeNo, 'confirming');
          follow(order.outTradeNo).catch((error) => show('result', error.message, 'error'));
        },
        cancel: () => show('result', '已取消 cancelled · ' + order.outTradeNo, 'cancelled'),
        fail: (res) => show('result', '支付失败 failed: ' + res.errMsg, 'error'),
      });
    } catch (error) {
      show('result', error.message, 'error');
    }
  });
}
</script>
</body></html>`;
}

const server = app.listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => {
  publicUrl ??= `http://127.0.0.1:${server.address().port}`;
  console.log(`express-jsapi listening on ${publicUrl}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    Promise.all([v3.close(), platform.close()]).then(() => process.exit(0));
  });
}
