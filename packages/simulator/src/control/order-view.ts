import type { RefundRecord, TradeRecord } from '../engine/sim-records.js';
import { checkmwebUrl } from '../routes/h5/checkmweb-url.js';
import type { SimContext } from '../sim-context.js';

/** An order as the phone page, the console and `wxpay sim pay` show it. */
export interface OrderView {
  mchid: string;
  merchantName: string;
  appid: string;
  appName: string;
  apiVersion: TradeRecord['apiVersion'];
  tradeType: TradeRecord['tradeType'];
  outTradeNo: string;
  description: string;
  attach?: string;
  totalFen: number;
  currency: string;
  /** `¥12.34`, computed from fen with integer arithmetic. */
  amountText: string;
  state: TradeRecord['state'];
  stateDesc: string;
  /** Simulated-clock times (epoch ms); `now` lets a page count down against the simulated clock. */
  createdAt: number;
  expiresAt: number;
  now: number;
  expired: boolean;
  prepayId: string;
  codeUrl?: string;
  h5Url?: string;
  productId?: string;
  notifyUrl: string;
  /** JSAPI / mini-program: only this openid may pay, and the simulated user behind it. */
  openid?: string;
  designatedUser?: string;
  transactionId?: string;
  payerOpenid?: string;
  payerUser?: string;
  paidAt?: number;
  closedAt?: number;
  refundedFen: number;
  /** MICROPAY: the merchant's terminal, wrong PINs typed so far, when it was reversed. */
  deviceId?: string;
  wrongPasswords?: number;
  reversedAt?: number;
}

export interface RefundView {
  mchid: string;
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  apiVersion: RefundRecord['apiVersion'];
  totalFen: number;
  refundFen: number;
  amountText: string;
  reason?: string;
  notifyUrl?: string;
  status: RefundRecord['status'];
  createdAt: number;
  successAt?: number;
  /** How the refund will end when it settles (set by the control API). */
  outcome?: RefundRecord['outcome'];
}

/** `¥1,234.56` from 123456 fen: integer arithmetic, so no amount is ever shown rounded. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** An order's view reads its merchant, payer, the clock and the simulator's URL. */
export type OrderViewDeps = Pick<SimContext, 'clock' | 'merchants' | 'publicUrl' | 'users'>;

export function orderView(ctx: OrderViewDeps, trade: TradeRecord): OrderView {
  const merchant = ctx.merchants.get(trade.mchid);
  const app = merchant?.apps.find((a) => a.appid === trade.appid);
  const now = ctx.clock.now();
  const userOf = (openid: string | undefined) =>
    openid === undefined ? undefined : ctx.users.byOpenid(trade.appid, openid)?.id;
  return {
    mchid: trade.mchid,
    merchantName: merchant?.name ?? trade.mchid,
    appid: trade.appid,
    appName: app?.name ?? trade.appid,
    apiVersion: trade.apiVersion,
    tradeType: trade.tradeType,
    outTradeNo: trade.outTradeNo,
    description: trade.description,
    attach: trade.attach,
    totalFen: trade.totalFen,
    currency: trade.currency,
    amountText: formatFen(trade.totalFen),
    state: trade.state,
    stateDesc: trade.stateDesc,
    createdAt: trade.createdAt,
    expiresAt: trade.expiresAt,
    now,
    expired: (trade.state === 'NOTPAY' || trade.state === 'USERPAYING') && now >= trade.expiresAt,
    prepayId: trade.prepayId,
    codeUrl: trade.codeUrl,
    h5Url: checkmwebUrl(ctx.publicUrl(), trade),
    productId: trade.productId,
    notifyUrl: trade.notifyUrl,
    openid: trade.openid,
    designatedUser: userOf(trade.openid),
    transactionId: trade.transactionId,
    payerOpenid: trade.payerOpenid,
    payerUser: trade.payerUserId ?? userOf(trade.payerOpenid),
    ...(trade.deviceId ? { deviceId: trade.deviceId } : {}),
    ...(trade.wrongPasswords ? { wrongPasswords: trade.wrongPasswords } : {}),
    ...(trade.reversedAt ? { reversedAt: trade.reversedAt } : {}),
    paidAt: trade.paidAt,
    closedAt: trade.closedAt,
    refundedFen: trade.refundedFen,
  };
}

export function refundView(refund: RefundRecord): RefundView {
  return {
    mchid: refund.mchid,
    outRefundNo: refund.outRefundNo,
    refundId: refund.refundId,
    outTradeNo: refund.outTradeNo,
    transactionId: refund.transactionId,
    apiVersion: refund.apiVersion,
    totalFen: refund.totalFen,
    refundFen: refund.refundFen,
    amountText: formatFen(refund.refundFen),
    reason: refund.reason,
    notifyUrl: refund.notifyUrl,
    status: refund.status,
    createdAt: refund.createdAt,
    successAt: refund.successAt,
    outcome: refund.outcome,
  };
}
