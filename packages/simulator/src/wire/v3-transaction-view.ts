import { toRfc3339Beijing, type V3Transaction } from '@wechatpay-kit/sdk';
import type { TradeRecord } from '../engine/sim-records.js';

/**
 * The v3 shape of an order. What exists only once paid — `transaction_id`, `payer`, `bank_type`,
 * `success_time`, `payer_total` — is absent before, and `attach` too, as WeChat documents. Also
 * what the notifier encrypts into payment notifications, so queries and callbacks agree.
 */
export function v3TransactionView(trade: TradeRecord): V3Transaction {
  const paid = trade.transactionId !== undefined && trade.paidAt !== undefined;
  return {
    appid: trade.appid,
    mchid: trade.mchid,
    out_trade_no: trade.outTradeNo,
    ...(paid ? { transaction_id: trade.transactionId } : {}),
    trade_type: trade.tradeType,
    trade_state: trade.state,
    trade_state_desc: trade.stateDesc,
    ...(paid
      ? {
          bank_type: trade.bankType ?? 'OTHERS',
          ...(trade.attach === undefined ? {} : { attach: trade.attach }),
          success_time: toRfc3339Beijing(trade.paidAt!),
          payer: { openid: trade.payerOpenid ?? '' },
        }
      : {}),
    amount: {
      total: trade.totalFen,
      ...(paid ? { payer_total: trade.totalFen } : {}),
      currency: trade.currency,
      payer_currency: trade.currency,
    },
  };
}
