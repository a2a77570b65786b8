import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ApiVersion } from '../../domain/order.js';
import type { Refund, RefundHistoryEntry, RefundState } from '../../domain/refund.js';
import type { NewRefund, RefundTransitionRequest } from '../../domain/refund-ports.js';
import type { RefundHistoryTable, RefundsTable } from './database-schema.js';
import { historyRowMapper } from './history-row-mapper.js';
import { toDate, toMillis, toNullableDate, toNullableMillis } from './row-mapper.js';

/** Rows ↔ refunds, stored like orders: epoch ms, integer fen. */
export const refundRowMapper = {
  toRefund(row: Selectable<RefundsTable>): Refund {
    return {
      refundNo: row.refund_no,
      orderNo: row.order_no,
      amountFen: Number(row.amount_fen),
      reason: row.reason,
      state: row.state as RefundState,
      apiVersion: row.api_version as ApiVersion,
      wechatRefundId: row.wechat_refund_id,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      createdAt: toDate(row.created_at),
      updatedAt: toDate(row.updated_at),
      succeededAt: toNullableDate(row.succeeded_at),
    };
  },

  fromNewRefund(refund: NewRefund, state: RefundState, now: Date): Insertable<RefundsTable> {
    return {
      refund_no: refund.refundNo,
      order_no: refund.orderNo,
      amount_fen: refund.amountFen,
      reason: refund.reason,
      state,
      api_version: refund.apiVersion,
      created_at: toMillis(now),
      updated_at: toMillis(now),
    };
  },

  fromChanges(changes: RefundTransitionRequest['changes'] = {}): Updateable<RefundsTable> {
    const row: Updateable<RefundsTable> = {};
    if (changes.wechatRefundId !== undefined) row.wechat_refund_id = changes.wechatRefundId;
    if (changes.errorCode !== undefined) row.error_code = changes.errorCode;
    if (changes.errorMessage !== undefined) row.error_message = changes.errorMessage;
    if (changes.succeededAt !== undefined) row.succeeded_at = toNullableMillis(changes.succeededAt);
    return row;
  },

  toHistoryEntry(row: Selectable<RefundHistoryTable>): RefundHistoryEntry {
    return { refundNo: row.refund_no, ...historyRowMapper.toFields<RefundState>(row) };
  },

  fromHistoryEntry(entry: RefundHistoryEntry): Insertable<RefundHistoryTable> {
    return { refund_no: entry.refundNo, ...historyRowMapper.fromFields(entry) };
  },
};
