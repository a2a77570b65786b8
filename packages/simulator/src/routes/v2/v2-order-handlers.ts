import { isIP } from 'node:net';
import { isPaidTradeState, type V2Fields } from '@wechatpay-kit/sdk';
import { beijingCompact } from '../../engine/sim-ids.js';
import type { TradeRecord, TradeState, TradeType } from '../../engine/sim-records.js';
import type { SimContext } from '../../sim-context.js';
import { callerOrigin, checkmwebUrl } from '../h5/checkmweb-url.js';
import {
  beijingTime,
  fen,
  oneOf,
  oneOfValues,
  optional,
  outTradeNo,
  paramError,
  required,
} from './v2-field-rules.js';
import type { V2Call, V2Handler } from './v2-gateway.js';
import { V2ResultFailure, V2ReturnFailure } from './v2-replies.js';

const TRADE_TYPES: readonly TradeType[] = ['JSAPI', 'NATIVE', 'APP', 'MWEB'];

/** `time_expire` must leave the payer at least this long (see PROTOCOL.md). */
const MIN_ORDER_LIFETIME_MS = 60_000;

/** WeChat's own `trade_state_desc` texts for orderquery. */
const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  USERPAYING: '需要用户输入支付密码',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '订单发生过退款，退款详情请查询退款单',
  PAYERROR: '支付失败，请重新下单支付',
  REVOKED: '已撤销（付款码支付）',
};

/** The engine parts the order handlers use. */
export type V2OrderDeps = Pick<SimContext, 'clock' | 'merchants' | 'publicUrl' | 'trades' | 'users'>;

/** unifiedorder, orderquery and closeorder over the shared trade engine. */
export function v2OrderHandlers(
  ctx: V2OrderDeps,
): Record<'unifiedOrder' | 'orderQuery' | 'closeOrder', V2Handler> {
  return {
    unifiedOrder(call) {
      const f = call.fields;
      const tradeType = oneOfValues(required(f, 'trade_type', 16), 'trade_type', TRADE_TYPES);
      const description = required(f, 'body', 128);
      const orderNo = outTradeNo(required(f, 'out_trade_no', 32));
      const totalFen = fen(f, 'total_fee', '标价金额');
      const clientIp = required(f, 'spbill_create_ip', 64);
      if (!isIP(clientIp)) {
        throw new V2ReturnFailure(
          'invalid spbill_create_ip',
          'PARAM_ERROR',
          `spbill_create_ip must be the payer's IPv4 or IPv6 address, got "${clientIp}"`,
        );
      }
      const notifyUrl = required(f, 'notify_url', 256);
      if (!/^https?:\/\/[^\s?#]+$/.test(notifyUrl)) {
        throw new V2ReturnFailure(
          'notify_url参数格式错误',
          'PARAM_ERROR',
          'notify_url must be an absolute http(s) URL without a query string',
        );
      }
      const currency = optional(f, 'fee_type', 16) ?? 'CNY';
      if (currency !== 'CNY')
        throw new V2ReturnFailure('invalid fee_type', 'PARAM_ERROR', 'only CNY is accepted');
      const productId = optional(f, 'product_id', 32);
      if (tradeType === 'NATIVE' && !productId) required(f, 'product_id', 32);
      const openid = optional(f, 'openid', 128);
      if (tradeType === 'JSAPI') {
        if (!openid)
          throw new V2ReturnFailure(
            'JSAPI支付必须传openid',
            'LACK_PARAMS',
            'trade_type JSAPI needs the payer openid (under this appid)',
          );
        checkOpenid(ctx, call.appid, openid);
      } else if (tradeType === 'NATIVE' && openid) {
        // Mode 1: the order made for the user who scanned the product QR is theirs alone.
        checkOpenid(ctx, call.appid, openid);
      }
      const { trade } = ctx.trades.create({
        mchid: call.merchant.mchid,
        appid: call.appid,
        apiVersion: 'v2',
        tradeType,
        outTradeNo: orderNo,
        description,
        attach: optional(f, 'attach', 127),
        totalFen,
        currency,
        notifyUrl,
        openid: tradeType === 'JSAPI' || tradeType === 'NATIVE' ? openid : undefined,
        productId,
        clientIp,
        timeExpire: timeExpire(ctx, f),
        signType: call.signType,
      });
      return {
        fields: {
          device_info: f.device_info,
          trade_type: trade.tradeType,
          prepay_id: trade.prepayId,
          code_url: trade.codeUrl,
          mweb_url: checkmwebUrl(callerOrigin(call.request, ctx.publicUrl()), trade),
        },
      };
    },

    orderQuery(call) {
      const trade = ctx.trades.reachable(findTrade(ctx, call));
      return { fields: { device_info: call.fields.device_info, ...orderFields(trade) } };
    },

    closeOrder(call) {
      const orderNo = outTradeNo(required(call.fields, 'out_trade_no', 32));
      const trade = ctx.trades.find(call.merchant.mchid, { outTradeNo: orderNo });
      if (trade) ctx.trades.reachable(trade);
      if (trade?.state === 'CLOSED' || trade?.state === 'REVOKED') {
        throw new V2ResultFailure(
          'ORDERCLOSED',
          '订单已关闭，无法重复关闭',
          'closing twice is refused in v2; query the order instead',
        );
      }
      if (trade && isPaidTradeState(trade.state)) {
        throw new V2ResultFailure(
          'ORDERPAID',
          '订单已支付，不能发起关单',
          'a paid order is never closed: refund it instead',
        );
      }
      ctx.trades.close(call.merchant.mchid, orderNo);
      return { fields: { result_msg: 'OK' } };
    },
  };
}

/** The fields orderquery answers; amounts only exist once paid, as WeChat answers them. */
function orderFields(trade: TradeRecord): V2Fields {
  const paid = trade.paidAt !== undefined;
  return {
    trade_state: trade.state,
    trade_state_desc: TRADE_STATE_DESC[trade.state],
    out_trade_no: trade.outTradeNo,
    trade_type: trade.tradeType,
    total_fee: trade.totalFen,
    fee_type: trade.currency,
    attach: trade.attach,
    openid: paid ? trade.payerOpenid : trade.openid,
    is_subscribe: paid ? 'N' : undefined,
    bank_type: paid ? trade.bankType : undefined,
    cash_fee: paid ? trade.totalFen : undefined,
    cash_fee_type: paid ? trade.currency : undefined,
    transaction_id: trade.transactionId,
    time_end: paid ? beijingCompact(trade.paidAt!) : undefined,
  };
}

function findTrade(ctx: Pick<SimContext, 'trades'>, call: V2Call): TradeRecord {
  const by = oneOf(call.fields, ['transaction_id', 'out_trade_no'] as const);
  const ref = by.name === 'transaction_id' ? { transactionId: by.value } : { outTradeNo: by.value };
  const trade = ctx.trades.find(call.merchant.mchid, ref);
  if (!trade)
    throw new V2ResultFailure(
      'ORDERNOTEXIST',
      'order not exist',
      `merchant ${call.merchant.mchid} has no order with ${by.name} ${by.value}`,
    );
  return trade;
}

/**
 * A JSAPI payer must be a user of this appid. The openid of a simulated user under another app is
 * the classic mix-up (official-account openid sent with the mini-program appid); an openid nobody
 * knows is accepted when it looks like one, so a merchant's own test openids still work.
 */
function checkOpenid(ctx: Pick<SimContext, 'merchants' | 'users'>, appid: string, openid: string): void {
  if (ctx.users.byOpenid(appid, openid)) return;
  for (const merchant of ctx.merchants.list()) {
    for (const app of merchant.apps) {
      if (app.appid !== appid && ctx.users.byOpenid(app.appid, openid)) {
        throw paramError(
          'appid和openid不匹配',
          `openid ${openid} belongs to appid ${app.appid}, but the order uses appid ${appid}`,
        );
      }
    }
  }
  if (!/^o[\w-]{5,}$/.test(openid)) {
    throw paramError('appid和openid不匹配', `"${openid}" is not an openid of appid ${appid}`);
  }
}

/** `time_expire` (UTC+8) → epoch ms, after checking it leaves the payer enough time. */
function timeExpire(ctx: Pick<SimContext, 'clock'>, f: Readonly<Record<string, string>>): number | undefined {
  const expire = optional(f, 'time_expire', 14);
  const startText = optional(f, 'time_start', 14);
  const start = startText === undefined ? ctx.clock.now() : beijingTime(startText, 'time_start');
  if (expire === undefined) return undefined;
  const expiresAt = beijingTime(expire, 'time_expire');
  if (expiresAt - start < MIN_ORDER_LIFETIME_MS || expiresAt - ctx.clock.now() < MIN_ORDER_LIFETIME_MS) {
    throw paramError(
      'time_expire时间过短，刷卡至少1分钟，其他5分钟',
      `time_expire ${expire} is less than a minute after ${startText ? `time_start ${startText}` : 'now'} (UTC+8: is your clock in another time zone?)`,
    );
  }
  return expiresAt;
}
