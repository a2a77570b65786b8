import type { RefundStatus } from '../engine/sim-records.js';

/**
 * A refund's status as v2 spells it (`refund_status_$n` in refundquery, `refund_status` in the
 * refund notification): v3's `ABNORMAL` is v2's `CHANGE`, `CLOSED` is `REFUNDCLOSE`.
 */
export const V2_REFUND_STATUS: Readonly<Record<RefundStatus, string>> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  ABNORMAL: 'CHANGE',
  CLOSED: 'REFUNDCLOSE',
};
