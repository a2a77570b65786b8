import { toRfc3339Beijing, type V3Refund } from '@wechatpay-kit/sdk';
import type { RefundRecord } from '../engine/sim-records.js';

/** Where simulated refunds go back to: the payer's WeChat balance, as for most real refunds. */
export const REFUND_RECEIVED_ACCOUNT = '支付用户零钱';

/**
 * The v3 shape of a refund. Simulated payments use no coupons and charge no fee, so payer and
 * settlement amounts equal the order and refund amounts, and the money returns to the payer's
 * WeChat balance (`支付用户零钱`) by the original channel.
 */
export function v3RefundView(refund: RefundRecord): V3Refund {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: REFUND_RECEIVED_ACCOUNT,
    ...(refund.successAt === undefined ? {} : { success_time: toRfc3339Beijing(refund.successAt) }),
    create_time: toRfc3339Beijing(refund.createdAt),
    status: refund.status,
    amount: {
      total: refund.totalFen,
      refund: refund.refundFen,
      from: [],
      payer_total: refund.totalFen,
      payer_refund: refund.refundFen,
      settlement_refund: refund.refundFen,
      settlement_total: refund.totalFen,
      discount_refund: 0,
      currency: 'CNY',
      refund_fee: 0,
    },
  };
}
