import { toRfc3339Beijing, type V3RefundNotificationResource } from '@wechatpay-kit/sdk';
import type { RefundRecord } from '../engine/sim-records.js';
import { REFUND_RECEIVED_ACCOUNT } from './v3-refund-view.js';

/**
 * The decrypted `resource` of a v3 refund notification (`REFUND.SUCCESS` / `ABNORMAL` / `CLOSED`):
 * a narrower shape than the refund query answers, with the same ids, amounts and receiving
 * account, so a callback and a later query agree. `success_time` only for a successful refund.
 */
export function v3RefundNotificationView(
  refund: RefundRecord,
  successAt: number,
): V3RefundNotificationResource {
  return {
    mchid: refund.mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    ...(refund.status === 'SUCCESS' ? { success_time: toRfc3339Beijing(successAt) } : {}),
    user_received_account: REFUND_RECEIVED_ACCOUNT,
    amount: {
      total: refund.totalFen,
      refund: refund.refundFen,
      payer_total: refund.totalFen,
      payer_refund: refund.refundFen,
    },
  };
}
