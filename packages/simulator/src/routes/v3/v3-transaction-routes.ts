import { isIP } from 'node:net';
import { isRfc3339 } from '@wechatpay-kit/sdk';
import type { TradeType } from '../../engine/sim-records.js';
import type { SimContext } from '../../sim-context.js';
import { v3TransactionView } from '../../wire/v3-transaction-view.js';
import { callerOrigin, checkmwebUrl } from '../h5/checkmweb-url.js';
import type { V3Call, V3Endpoints } from './v3-endpoint.js';
import { V3Error } from './v3-error.js';
import type { V3JsonBody } from './v3-json-body.js';
import { v3MerchantFields } from './v3-merchant-fields.js';

const H5_TYPES = new Set(['Wap', 'iOS', 'Android']);

type OrderKind = 'native' | 'jsapi' | 'app' | 'h5';
const TRADE_TYPES: Record<OrderKind, TradeType> = {
  native: 'NATIVE',
  jsapi: 'JSAPI',
  app: 'APP',
  h5: 'MWEB',
};

/** The engine parts the transaction routes use. */
export type V3TransactionDeps = Pick<SimContext, 'clock' | 'publicUrl' | 'trades' | 'users'>;

/**
 * `/v3/pay/transactions/*`: create (Native, JSAPI/mini-program, App, H5), query by
 * `transaction_id` or `out_trade_no`, close. Input is checked field by field as WeChat does, then
 * the shared trade engine decides (re-submits, paid or closed orders, reused `out_trade_no`).
 */
export function v3TransactionRoutes(endpoints: V3Endpoints, ctx: V3TransactionDeps): void {
  for (const kind of Object.keys(TRADE_TYPES) as OrderKind[]) {
    endpoints.post(`/v3/pay/transactions/${kind}`, { api: `v3.transactions.${kind}` }, (call) =>
      createOrder(ctx, call, kind),
    );
  }

  endpoints.get('/v3/pay/transactions/id/:transaction_id', { api: 'v3.transactions.query' }, (call) => {
    const mchid = queryMchid(call);
    const trade = ctx.trades.find(mchid, { transactionId: call.param('transaction_id') });
    if (!trade)
      throw notFound(
        `no paid order with transaction_id ${call.param('transaction_id')} (unpaid orders can only be queried by out_trade_no)`,
      );
    return { status: 200, body: v3TransactionView(ctx.trades.reachable(trade)) };
  });

  endpoints.get(
    '/v3/pay/transactions/out-trade-no/:out_trade_no',
    { api: 'v3.transactions.query' },
    (call) => {
      const mchid = queryMchid(call);
      const trade = ctx.trades.find(mchid, { outTradeNo: call.param('out_trade_no') });
      if (!trade)
        throw notFound(`merchant ${mchid} has no order with out_trade_no ${call.param('out_trade_no')}`);
      return { status: 200, body: v3TransactionView(ctx.trades.reachable(trade)) };
    },
  );

  endpoints.post(
    '/v3/pay/transactions/out-trade-no/:out_trade_no/close',
    { api: 'v3.transactions.close' },
    (call) => {
      v3MerchantFields.mchid(call, call.json());
      const trade = ctx.trades.find(call.caller.mchid, { outTradeNo: call.param('out_trade_no') });
      if (trade) ctx.trades.reachable(trade);
      ctx.trades.close(call.caller.mchid, call.param('out_trade_no'));
      return { status: 204 };
    },
  );
}

function createOrder(ctx: V3TransactionDeps, call: V3Call, kind: OrderKind) {
  const body = call.json();
  const { mchid, appid, description, outTradeNo, attach } = v3MerchantFields.orderHead(call, body);
  const notifyUrl = body.string('notify_url', { required: true, max: 255 });
  checkNotifyUrl(notifyUrl);
  body.string('goods_tag', { max: 32 });
  const amount = body.object('amount', { required: true });
  const totalFen = amount.integer('total', { required: true });
  const currency = amount.string('currency');
  if (currency !== undefined && currency !== 'CNY') {
    throw V3Error.param('amount.currency', `amount.currency must be CNY, got ${currency}`, 'body', currency);
  }
  const timeExpire = readTimeExpire(body, ctx.clock.now());
  const scene = body.object('scene_info', { required: kind === 'h5' });
  const clientIp = scene && readClientIp(scene);
  if (kind === 'h5') {
    const h5 = scene!.object('h5_info', { required: true });
    const type = h5.string('type', { required: true });
    if (!H5_TYPES.has(type)) {
      throw V3Error.param(
        'scene_info.h5_info.type',
        `scene_info.h5_info.type must be Wap, iOS or Android, got ${type}`,
        'body',
        type,
      );
    }
  }
  let openid: string | undefined;
  if (kind === 'jsapi') {
    openid = body.object('payer', { required: true }).string('openid', { required: true, max: 128 });
    if (!ctx.users.byOpenid(appid, openid)) {
      throw new V3Error(400, 'PARAM_ERROR', 'appid和openid不匹配', {
        field: 'payer.openid',
        value: openid,
        location: 'body',
        issue: `${openid} is not the openid of any user under appid ${appid} (openids differ per app: obtain it through OAuth or jscode2session with this appid)`,
      });
    }
  }

  const { trade } = ctx.trades.create({
    mchid,
    appid,
    apiVersion: 'v3',
    tradeType: TRADE_TYPES[kind],
    outTradeNo,
    description,
    attach,
    totalFen,
    currency: currency ?? 'CNY',
    notifyUrl,
    openid,
    clientIp,
    timeExpire,
  });
  if (kind === 'native') return { status: 200, body: { code_url: trade.codeUrl } };
  if (kind === 'h5') {
    return {
      status: 200,
      body: { h5_url: checkmwebUrl(callerOrigin(call.request, ctx.publicUrl()), trade) },
    };
  }
  return { status: 200, body: { prepay_id: trade.prepayId } };
}

function queryMchid(call: V3Call): string {
  const mchid = call.query('mchid');
  if (!mchid) throw V3Error.param('mchid', 'query parameter mchid is required (?mchid=…)', 'query');
  if (mchid !== call.caller.mchid) {
    throw V3Error.param(
      'mchid',
      `mchid ${mchid} in the query differs from mchid ${call.caller.mchid} in Authorization`,
      'query',
      mchid,
    );
  }
  return mchid;
}

function notFound(issue: string): V3Error {
  return new V3Error(404, 'ORDER_NOT_EXIST', '订单不存在', { issue });
}

function checkNotifyUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw V3Error.param('notify_url', 'notify_url must be an absolute http(s) URL', 'body', url);
  }
}

function readTimeExpire(body: V3JsonBody, now: number): number | undefined {
  const text = body.string('time_expire', { max: 64 });
  if (text === undefined) return undefined;
  if (!isRfc3339(text)) {
    throw V3Error.param(
      'time_expire',
      'time_expire must be RFC 3339 with an offset, e.g. 2026-11-22T20:00:00+08:00',
      'body',
      text,
    );
  }
  const at = Date.parse(text);
  if (at <= now) {
    throw V3Error.param(
      'time_expire',
      `time_expire ${text} is not in the future (simulated clock: ${new Date(now).toISOString()})`,
      'body',
      text,
    );
  }
  return at;
}

function readClientIp(scene: V3JsonBody): string {
  const ip = scene.string('payer_client_ip', { required: true, max: 45 });
  if (isIP(ip) === 0) {
    throw V3Error.param(
      'scene_info.payer_client_ip',
      `scene_info.payer_client_ip ${ip} is not an IPv4 or IPv6 address`,
      'body',
      ip,
    );
  }
  return ip;
}
