import {
  isPaidTradeState,
  type V2OrderQueryResult,
  type V2PaymentNotification,
  type V3Transaction,
  type V3TransactionNotification,
} from '@wechatpay-kit/sdk';
import type { VerifiedPayment, WechatTradeStatus } from '../../domain/index.js';
import { fromChinaCompactTime, fromRfc3339 } from './china-time.js';

/*
 * WeChat's two dialects (v2 XML fields, v3 JSON objects) turned into the protocol-neutral shapes of
 * the domain ports, so the gateway itself only decides which call to make.
 */

export function statusFromV2Query(r: V2OrderQueryResult): WechatTradeStatus {
  return {
    tradeState: r.trade_state,
    paid: isPaidTradeState(r.trade_state),
    transactionId: r.transaction_id || undefined,
    amountFen: r.total_fee,
    paidAt: fromChinaCompactTime(r.time_end),
    payerOpenid: r.openid || undefined,
  };
}

export function statusFromV3Transaction(t: V3Transaction): WechatTradeStatus {
  return {
    tradeState: t.trade_state,
    paid: isPaidTradeState(t.trade_state),
    transactionId: t.transaction_id,
    amountFen: t.amount?.total,
    paidAt: fromRfc3339(t.success_time),
    payerOpenid: t.payer?.openid,
  };
}

/** v2 notifies successful payments only; an unreadable `time_end` becomes an invalid Date for the caller to replace. */
export function paymentFromV2Notification(n: V2PaymentNotification): VerifiedPayment {
  return {
    apiVersion: 'v2',
    orderNo: n.out_trade_no,
    transactionId: n.transaction_id,
    appid: n.appid,
    mchid: n.mch_id,
    amountFen: n.total_fee,
    tradeState: 'SUCCESS',
    paidAt: fromChinaCompactTime(n.time_end) ?? new Date(Number.NaN),
    payerOpenid: n.openid,
  };
}

export function paymentFromV3Notification(n: V3TransactionNotification): VerifiedPayment {
  const status = statusFromV3Transaction(n.resource);
  return {
    apiVersion: 'v3',
    orderNo: n.resource.out_trade_no,
    transactionId: n.resource.transaction_id ?? '',
    appid: n.resource.appid,
    mchid: n.resource.mchid,
    // A missing amount can never equal an order's, so such a notification is refused downstream.
    amountFen: status.amountFen ?? Number.NaN,
    tradeState: n.resource.trade_state,
    paidAt: status.paidAt ?? new Date(Number.NaN),
    payerOpenid: status.payerOpenid,
  };
}
