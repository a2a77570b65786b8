import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppPayRequest } from '../engine/app-pay-request-checks.js';
import { PayRequestError } from '../engine/pay-request-error.js';
import {
  type PayRequest,
  PayRequestVerifier,
  type VerifiedPayRequest,
} from '../engine/pay-request-verifier.js';
import { SimError } from '../engine/sim-error.js';
import type { SimContext } from '../sim-context.js';
import { replyControlError } from './control-error.js';
import { ControlInput } from './control-input.js';
import { webFile } from './web-files.js';

/** What the pay sheet does with a verified request: the user's three choices. */
export const PAY_ACTIONS = ['pay', 'cancel', 'fail'] as const;
export type PayAction = (typeof PAY_ACTIONS)[number];

/** The order behind verified pay parameters, as the pay sheet shows it. */
export interface PayRequestView {
  prepayId: string;
  outTradeNo: string;
  mchid: string;
  merchantName: string;
  description: string;
  amountFen: number;
  appid: string;
  apiVersion: 'v2' | 'v3';
  payerOpenid: string;
  payerNickname: string;
}

/** The outcome of `POST /_sim/pay-requests/pay`. */
export interface PayRequestOutcome extends PayRequestView {
  action: PayAction;
  /** As the JS bridge reports it: `get_brand_wcpay_request:<result>`. */
  result: 'ok' | 'cancel' | 'fail';
  tradeState: string;
  transactionId?: string;
  /** Why a `fail` failed, in the words WeChat's sheet uses. */
  message?: string;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
  'cross-origin-resource-policy': 'cross-origin',
};

/** The verifiers read prepays, merchants, payers and the clock; the routes then move the trade. */
export type PayRequestDeps = Pick<SimContext, 'clock' | 'merchants' | 'trades' | 'users'>;

/**
 * `/_sim/jsbridge.js` and `/_sim/pay-requests/{verify,pay}`: what WeChat's client does when a page
 * calls `WeixinJSBridge.invoke('getBrandWCPayRequest')` or a mini-program calls
 * `wx.requestPayment()` — check the pay parameters, show the pay sheet, pay as the order's payer.
 *
 * These are called from the merchant's page on another origin, so they answer CORS for any origin
 * (no credentials are involved). Like the rest of `/_sim/` they let anyone pay any order: a local
 * development tool, never to be exposed. Payment goes through the trade engine, the same path as
 * the phone page and `/_sim/orders/:ref/pay`, so notifications go out as usual.
 */
export async function payRequestRoutes(app: FastifyInstance, ctx: PayRequestDeps): Promise<void> {
  const verifier = new PayRequestVerifier(ctx);
  const verify = (input: ControlInput): VerifiedPayRequest => verifier.verify(readPayRequest(input));

  app.setErrorHandler(replyPayRequestError);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(CORS_HEADERS);
    if (request.headers['access-control-request-private-network'] === 'true') {
      reply.header('access-control-allow-private-network', 'true');
    }
    return payload;
  });

  const bridge = webFile('jsbridge.js');
  app.get('/jsbridge.js', async (_request, reply) =>
    reply
      .headers({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
      .type(bridge.type)
      .send(bridge.body),
  );

  for (const path of ['/pay-requests/verify', '/pay-requests/pay']) {
    app.options(path, async (_request, reply) => reply.code(204).send());
  }

  app.post('/pay-requests/verify', async (request) =>
    payRequestView(ctx, verify(ControlInput.body(request))),
  );

  app.post('/pay-requests/pay', async (request): Promise<PayRequestOutcome> => {
    const input = ControlInput.body(request);
    const action = input.choice('action', PAY_ACTIONS) ?? 'pay';
    const verified = verify(input);
    const { trade } = verified;
    let result: PayRequestOutcome['result'] = 'ok';
    let message: string | undefined;
    if (action === 'pay') {
      ctx.trades.pay(trade, verified.payerUserId);
    } else if (action === 'cancel') {
      ctx.trades.cancelPaying(trade);
      result = 'cancel';
    } else {
      ctx.trades.failPayment(trade);
      result = 'fail';
      message = '支付失败：银行卡扣款失败（模拟），请更换支付方式';
    }
    return {
      ...payRequestView(ctx, verified),
      action,
      result,
      tradeState: trade.state,
      ...(trade.transactionId ? { transactionId: trade.transactionId } : {}),
      ...(message ? { message } : {}),
    };
  });
}

/** JSAPI / mini-program parameters, or (`kind: 'app'`) those an App hands to WeChat's SDK. */
function readPayRequest(input: ControlInput): PayRequest | AppPayRequest {
  const kind = input.choice('kind', ['jsapi', 'miniprogram', 'app'] as const) ?? 'jsapi';
  if (kind === 'app') {
    const names = [
      'appid',
      'partnerid',
      'prepayid',
      'package',
      'noncestr',
      'timestamp',
      'sign',
      'user',
    ] as const;
    return { kind, ...Object.fromEntries(names.map((name) => [name, input.string(name)])) };
  }
  return {
    kind,
    appId: kind === 'miniprogram' ? (input.string('appid') ?? input.string('appId')) : input.string('appId'),
    timeStamp: input.string('timeStamp'),
    nonceStr: input.string('nonceStr'),
    package: input.string('package'),
    signType: input.string('signType'),
    paySign: input.string('paySign'),
  };
}

function payRequestView(ctx: Pick<SimContext, 'users'>, verified: VerifiedPayRequest): PayRequestView {
  const { trade } = verified;
  return {
    prepayId: trade.prepayId,
    outTradeNo: trade.outTradeNo,
    mchid: trade.mchid,
    merchantName: verified.merchantName,
    description: trade.description,
    amountFen: trade.totalFen,
    appid: trade.appid,
    apiVersion: trade.apiVersion,
    payerOpenid: trade.openid ?? ctx.users.openid(verified.payerUserId, trade.appid),
    payerNickname: ctx.users.get(verified.payerUserId)?.nickname ?? verified.payerUserId,
  };
}

/**
 * A refused pay request is the client's mistake (or the simulated user's: a balance too low), so
 * every refusal is 400 `{error, message}` — the message is what WeChat's sheet would show.
 */
function replyPayRequestError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof PayRequestError || error instanceof SimError) {
    return reply.code(400).send({ error: error.code, message: error.message });
  }
  return replyControlError(error, request, reply);
}
