// Native (QR) payment in Koa, done right: API v3 and v2 orders, the QR code, both notifications
// (raw body, verified, idempotent, amount checked), the result pushed to the browser (SSE, or
// polling), and unpaid orders closed on timeout after asking WeChat first. Orders live in memory
// here; a real shop keeps them in its database with the same rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  toRfc3339Beijing,
  V2Client,
  V3Client,
  v2PaymentNotificationEndpoint,
  v3NotificationEndpoint,
  WechatPayApiError,
} from '@wechatpay-kit/sdk';
import { koaNotifications } from '@wechatpay-kit/sdk/koa';
import Koa from 'koa';
import QRCode from 'qrcode';

const merchantDir = process.env.WXPAY_MERCHANT_DIR ?? 'data/simulator/merchant';
const readJson = (name) => JSON.parse(readFileSync(join(merchantDir, name), 'utf8'));
const v3Options = readJson('v3-client-options.json');
const v2Options = readJson('v2-client-options.json');
const v3 = new V3Client(v3Options);
const v2 = new V2Client(v2Options);
const ttlMs = Number(process.env.ORDER_TTL_SECONDS ?? 900) * 1000;

const PRODUCTS = { latte: { name: '拿铁咖啡', priceFen: 990 }, tea: { name: '乌龙茶', priceFen: 500 } };
/** @type {Map<string, {outTradeNo: string, apiVersion: 'v2'|'v3', amountFen: number, description: string, state: string, codeUrl: string, expiresAt: number, transactionId?: string}>} */
const orders = new Map();
/** @type {Map<string, Set<import('node:http').ServerResponse>>} */
const watchers = new Map();
let publicUrl = process.env.PUBLIC_URL;

/** A state change happens once, from NOTPAY only: a duplicate notification or a late close changes nothing. */
function settle(order, state, changes = {}) {
  if (order.state !== 'NOTPAY') return false;
  Object.assign(order, changes, { state });
  for (const response of watchers.get(order.outTradeNo) ?? []) {
    response.write(`data: ${JSON.stringify(view(order))}\n\n`);
    response.end();
  }
  watchers.delete(order.outTradeNo);
  return true;
}

/** What both notifications and the query fallback apply; throwing makes WeChat resend. */
function markPaid({ outTradeNo, transactionId, amountFen }) {
  const order = orders.get(outTradeNo);
  if (!order) throw new Error(`unknown out_trade_no ${outTradeNo}`);
  if (amountFen !== order.amountFen) {
    console.error(`ANOMALY ${outTradeNo}: paid ${amountFen} fen, order is ${order.amountFen}; not shipped`);
    return; // acknowledged, so WeChat stops; a person looks at it
  }
  if (order.state === 'CLOSED') console.error(`ANOMALY ${outTradeNo}: paid at WeChat but closed here`);
  if (settle(order, 'PAID', { transactionId })) console.log(`paid ${outTradeNo} (${transactionId})`);
}

const view = ({ outTradeNo, apiVersion, amountFen, description, state, codeUrl, transactionId }) => ({
  outTradeNo,
  apiVersion,
  amountFen,
  description,
  state,
  codeUrl,
  transactionId,
});

async function placeOrder({ productId, apiVersion = 'v3' }, clientIp) {
  const product = PRODUCTS[productId];
  if (!product) return undefined;
  const outTradeNo = `KN${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const expiresAt = Date.now() + ttlMs;
  let codeUrl;
  if (apiVersion === 'v2') {
    const answer = await v2.unifiedOrder({
      body: product.name,
      out_trade_no: outTradeNo,
      total_fee: product.priceFen,
      spbill_create_ip: clientIp,
      notify_url: `${publicUrl}/notify/v2`,
      trade_type: 'NATIVE',
      product_id: productId,
    });
    codeUrl = answer.code_url;
  } else {
    const answer = await v3.transactions.native({
      appid: v2Options.appid,
      description: product.name,
      out_trade_no: outTradeNo,
      notify_url: `${publicUrl}/notify/v3`,
      time_expire: toRfc3339Beijing(new Date(expiresAt + 60_000)), // WeChat keeps it a little longer than we do
      amount: { total: product.priceFen },
    });
    codeUrl = answer.code_url;
  }
  const order = {
    outTradeNo,
    apiVersion,
    amountFen: product.priceFen,
    description: product.name,
    state: 'NOTPAY',
    codeUrl,
    expiresAt,
  };
  orders.set(outTradeNo, order);
  return order;
}

/** Timeout close: ask WeChat first (a lost notification is recovered), close there, then here. */
async function closeExpired(order) {
  const status =
    order.apiVersion === 'v2'
      ? await v2.orderQuery({ out_trade_no: order.outTradeNo })
      : await v3.transactions.queryByOutTradeNo(order.outTradeNo);
  if (status.trade_state === 'SUCCESS') {
    const amountFen = order.apiVersion === 'v2' ? status.total_fee : status.amount?.total;
    return markPaid({ outTradeNo: order.outTradeNo, transactionId: status.transaction_id, amountFen });
  }
  try {
    if (order.apiVersion === 'v2') await v2.closeOrder(order.outTradeNo);
    else await v3.transactions.close(order.outTradeNo);
  } catch (error) {
    if (error instanceof WechatPayApiError && error.code === 'ORDERPAID') return closeExpired(order);
    throw error;
  }
  if (settle(order, 'CLOSED')) console.log(`closed ${order.outTradeNo} on timeout`);
}

const sweeper = setInterval(() => {
  for (const order of orders.values()) {
    if (order.state === 'NOTPAY' && Date.now() >= order.expiresAt) {
      closeExpired(order).catch((error) =>
        console.error(`close ${order.outTradeNo} failed, retried next sweep:`, error.message),
      );
    }
  }
}, 1000);
sweeper.unref();

/** A small JSON body, bounded: the shop's own API, not a WeChat callback. */
async function jsonBody(ctx) {
  let text = '';
  for await (const chunk of ctx.req) {
    text += chunk;
    if (text.length > 4096) ctx.throw(413, 'body too large');
  }
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    ctx.throw(400, 'body is not JSON');
  }
}

const app = new Koa();
// WeChat's callbacks first: they read the raw body themselves (no body parser before them).
app.use(
  koaNotifications(
    v3NotificationEndpoint(v3, {
      'TRANSACTION.SUCCESS': ({ resource }) =>
        markPaid({
          outTradeNo: resource.out_trade_no,
          transactionId: resource.transaction_id,
          amountFen: resource.amount.total,
        }),
    }),
    { path: '/notify/v3' },
  ),
);
app.use(
  koaNotifications(
    v2PaymentNotificationEndpoint(v2Options.apiKey, (n) =>
      markPaid({ outTradeNo: n.out_trade_no, transactionId: n.transaction_id, amountFen: n.total_fee }),
    ),
    { path: '/notify/v2' },
  ),
);
app.use(async (ctx) => {
  const [, resource, outTradeNo, tail] = ctx.path.split('/');
  if (resource !== 'orders') ctx.throw(404);
  if (ctx.method === 'POST' && !outTradeNo) {
    const input = await jsonBody(ctx);
    if (input.apiVersion !== undefined && input.apiVersion !== 'v2' && input.apiVersion !== 'v3')
      ctx.throw(400, 'apiVersion is v2 or v3');
    const order = await placeOrder(input, ctx.ip.replace(/^::ffff:/, '') || '127.0.0.1');
    if (!order) ctx.throw(404, 'no such product');
    ctx.status = 201;
    ctx.body = view(order);
    return;
  }
  const order = orders.get(outTradeNo ?? '');
  if (ctx.method !== 'GET' || !order) ctx.throw(404);
  if (!tail) {
    ctx.body = view(order); // polling
  } else if (tail === 'qr.svg') {
    ctx.type = 'image/svg+xml';
    ctx.body = await QRCode.toString(order.codeUrl, { type: 'svg' });
  } else if (tail === 'events') {
    // Server-Sent Events: the state now, then the one change (PAID or CLOSED), then the end.
    ctx.respond = false;
    ctx.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    ctx.res.write(`data: ${JSON.stringify(view(order))}\n\n`);
    if (order.state !== 'NOTPAY') return ctx.res.end();
    if (!watchers.has(order.outTradeNo)) watchers.set(order.outTradeNo, new Set());
    watchers.get(order.outTradeNo).add(ctx.res);
    ctx.res.on('close', () => watchers.get(order.outTradeNo)?.delete(ctx.res));
  } else {
    ctx.throw(404);
  }
});

const server = app.listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => {
  publicUrl ??= `http://127.0.0.1:${server.address().port}`;
  console.log(`koa-native listening on ${publicUrl}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    Promise.all([v2.close(), v3.close()]).then(() => process.exit(0));
  });
}
