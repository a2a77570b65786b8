import type { V2TradeState } from '../v2/v2-types.js';
import type { V3TradeState } from '../v3/v3-types.js';

/**
 * Whether WeChat holds the customer's money for an order: `SUCCESS`, or `REFUND` (paid, then a
 * refund was started). v2 and v3 spell trade states alike. A refund does not undo the payment, so
 * code that asks "was this order paid?" must accept both; testing `=== 'SUCCESS'` misses refunded orders.
 */
export function isPaidTradeState(state: V2TradeState | V3TradeState | (string & {})): boolean {
  return state === 'SUCCESS' || state === 'REFUND';
}
