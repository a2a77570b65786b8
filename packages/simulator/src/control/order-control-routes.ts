import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TradeRecord, TradeState } from '../engine/sim-records.js';
import { type ProductScanDeps, scanProductQr } from '../notifier/product-callback-client.js';
import type { SimContext } from '../sim-context.js';
import { badRequest, ControlError, notFound } from './control-error.js';
import { ControlInput } from './control-input.js';
import { notificationsOfTrade } from './notification-view.js';
import { type OrderViewDeps, orderView, refundView } from './order-view.js';

export const TRADE_STATES: readonly TradeState[] = [
  'NOTPAY',
  'USERPAYING',
  'SUCCESS',
  'CLOSED',
  'REFUND',
  'PAYERROR',
  'REVOKED',
];
/** Who pays when the request names nobody and the order is not bound to a payer. */
const DEFAULT_USER = 'alice';
const NATIVE_CODE_URL = /^weixin:\/\/wxpay\/bizpayurl\?pr=[^&\s]+$/;
const PRODUCT_QR = /^weixin:\/\/wxpay\/bizpayurl\?(?=.*\bsign=)(?=.*\bproduct_id=)\S+$/;

type RefParams = { Params: { ref: string } };

/** What the order routes use: the order view's parts, the engines and the notification log. */
export type OrderControlDeps = OrderViewDeps & ProductScanDeps & Pick<SimContext, 'notifier' | 'refunds'>;

/**
 * `/_sim/orders` and `/_sim/scan`: what the person holding the phone does. Orders are found by any
 * reference a developer has at hand — `out_trade_no`, `code_url`, `prepay_id` or `transaction_id`
 * — and every action answers with the order, its refunds and its notification log.
 */
export function orderControlRoutes(app: FastifyInstance, ctx: OrderControlDeps): void {
  const detail = (trade: TradeRecord) => ({
    order: orderView(ctx, trade),
    refunds: ctx.refunds.ofTrade(trade.mchid, trade.outTradeNo).map(refundView),
    notifications: notificationsOfTrade(ctx, trade),
  });
  const tradeOf = (request: FastifyRequest<RefParams>) => {
    const { ref } = request.params;
    const mchid = ControlInput.query(request).string('mchid');
    const trade = mchid ? ctx.trades.find(mchid, { outTradeNo: ref }) : ctx.trades.lookup(ref);
    if (!trade) throw notFound(`order ${ref}`);
    return trade;
  };
  /** The paying user: named, or found by openid in the order's app, or the order's own payer. */
  const userOf = (input: ControlInput, trade: Pick<TradeRecord, 'appid' | 'openid'>) => {
    const openid = input.string('openid');
    if (openid) {
      const user = ctx.users.byOpenid(trade.appid, openid);
      if (!user) throw notFound(`simulated user with openid ${openid} in app ${trade.appid}`);
      return user.id;
    }
    const userId =
      input.string('user') ??
      (trade.openid && ctx.users.byOpenid(trade.appid, trade.openid)?.id) ??
      DEFAULT_USER;
    if (!ctx.users.get(userId)) throw notFound(`simulated user ${userId}`);
    return userId;
  };

  app.get('/orders', async (request) => {
    const query = ControlInput.query(request);
    const state = query.choice('state', TRADE_STATES);
    const limit = query.integer('limit', { min: 1, max: 1000 }) ?? 200;
    const mchid = query.string('mchid');
    return ctx.trades
      .list({ mchid, state })
      .slice(0, limit)
      .map((trade) => orderView(ctx, trade));
  });

  app.get<RefParams>('/orders/:ref', async (request) => detail(tradeOf(request)));

  app.post('/scan', async (request) => {
    const input = ControlInput.body(request);
    const scanned = (input.string('code_url') ?? input.string('bizpayurl'))?.trim();
    if (!scanned)
      throw badRequest('missing body field "code_url" (or "bizpayurl"): the content of the QR code');
    if (PRODUCT_QR.test(scanned)) {
      const appid = new URL(scanned).searchParams.get('appid') ?? '';
      return detail(await scanProductQr(ctx, scanned, userOf(input, { appid })));
    }
    if (!NATIVE_CODE_URL.test(scanned)) {
      throw badRequest(
        'not a WeChat Pay QR code: expected weixin://wxpay/bizpayurl?pr=… (a Native code_url) ' +
          'or weixin://wxpay/bizpayurl?sign=…&product_id=… (a mode-1 product QR)',
      );
    }
    const trade = ctx.trades.lookup(scanned);
    if (!trade || trade.codeUrl !== scanned) throw notFound(`order with code_url ${scanned}`);
    if (input.has('user') || input.has('openid')) userOf(input, trade);
    return detail(trade);
  });

  /** `{"lose": true}` stages a difference for reconciliation: paid, but never notified nor answered on query. */
  app.post<RefParams>('/orders/:ref/pay', async (request) => {
    const trade = tradeOf(request);
    const input = ControlInput.body(request);
    ctx.trades.pay(trade, userOf(input, trade), { lost: input.boolean('lose') === true });
    return detail(trade);
  });

  /**
   * A paid order the merchant's service never created (another till, a colleague's script): it is
   * in the day's bill only, since no notify URL of the service knows it.
   */
  app.post('/orders', async (request, reply) => {
    const input = ControlInput.body(request);
    const mchid = input.string('mchid') ?? ctx.merchants.list()[0]?.mchid;
    const merchant = mchid ? ctx.merchants.get(mchid) : undefined;
    if (!merchant) throw notFound(`merchant ${mchid ?? '(none configured)'}`);
    const outTradeNo =
      input.string('outTradeNo', {
        pattern: /^[0-9A-Za-z_\-|*]{6,32}$/,
        hint: '6–32 of 0-9 A-Z a-z _ - | *',
      }) ?? `UNRECORDED${Date.now()}${Math.floor(Math.random() * 1e4)}`;
    const totalFen = input.integer('amount', { min: 1, max: 100_000_000 }) ?? 100;
    const { trade } = ctx.trades.create({
      mchid: merchant.mchid,
      appid: merchant.apps[0]!.appid,
      apiVersion: input.choice('apiVersion', ['v2', 'v3'] as const) ?? 'v3',
      tradeType: 'NATIVE',
      outTradeNo,
      description: input.string('description') ?? '未记录的订单 unrecorded order',
      totalFen,
      notifyUrl: '',
    });
    ctx.trades.pay(trade, input.string('user') ?? DEFAULT_USER, { lost: true });
    return reply.code(201).send(detail(trade));
  });

  app.post<RefParams>('/orders/:ref/fail', async (request) =>
    detail(ctx.trades.failPayment(tradeOf(request))),
  );

  /** WeChat's side of a close, as the close API does it: for a developer who needs a closed order. */
  app.post<RefParams>('/orders/:ref/close', async (request) => {
    const trade = tradeOf(request);
    return detail(ctx.trades.close(trade.mchid, trade.outTradeNo));
  });

  app.post<RefParams>('/orders/:ref/cancel', async (request) => {
    const trade = tradeOf(request);
    if (trade.state !== 'NOTPAY' && trade.state !== 'USERPAYING') {
      throw new ControlError(
        409,
        'TRADE_STATE_ERROR',
        `订单状态为 ${trade.state}，没有可取消的支付 (nothing to cancel)`,
      );
    }
    return detail(ctx.trades.cancelPaying(trade));
  });
}
