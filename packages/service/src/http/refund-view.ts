import type { Static } from '@sinclair/typebox';
import { formatYuan, type Refund } from '../domain/index.js';
import type { RefundSchema } from './refund-schemas.js';

export type RefundView = Static<typeof RefundSchema>;

/** A refund as the admin sees it: amounts in fen (plus display text), times as ISO strings. */
export function refundView(refund: Refund): RefundView {
  return {
    refundNo: refund.refundNo,
    orderNo: refund.orderNo,
    amount: refund.amountFen,
    amountText: formatYuan(refund.amountFen),
    reason: refund.reason,
    state: refund.state,
    apiVersion: refund.apiVersion,
    wechatRefundId: refund.wechatRefundId ?? undefined,
    errorCode: refund.errorCode ?? undefined,
    errorMessage: refund.errorMessage ?? undefined,
    createdAt: refund.createdAt.toISOString(),
    updatedAt: refund.updatedAt.toISOString(),
    succeededAt: refund.succeededAt?.toISOString(),
  };
}
