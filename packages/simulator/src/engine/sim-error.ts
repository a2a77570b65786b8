/**
 * A business refusal of the simulated WeChat Pay, in protocol-neutral words; the v2 and v3 routes
 * translate each code into that API's own error code, HTTP status and message.
 */
export type SimErrorCode =
  | 'ORDER_NOT_EXIST'
  | 'OUT_TRADE_NO_USED'
  | 'ORDER_PAID'
  | 'ORDER_CLOSED'
  | 'ORDER_EXPIRED'
  | 'NOT_ENOUGH'
  | 'OPENID_MISMATCH'
  | 'TRADE_STATE_ERROR'
  | 'REFUND_NOT_EXIST'
  | 'REFUND_AMOUNT_INVALID'
  /** `total` is not what the order was paid: the request names another order or is stale. */
  | 'REFUND_TOTAL_MISMATCH'
  /** The refund adds up, with the earlier ones, to more than was paid. */
  | 'REFUND_EXCEEDS_PAID'
  /** Nothing is left to refund. */
  | 'ORDER_FULLY_REFUNDED'
  | 'REFUND_NO_USED'
  | 'PARAM_ERROR'
  /** Payment code: the customer is entering the password; query until the outcome is final. */
  | 'USERPAYING'
  /** Payment code not 18 digits. */
  | 'AUTH_CODE_ERROR'
  /** Payment code not WeChat's (prefix 10–15), never issued, or already used. */
  | 'AUTH_CODE_INVALID'
  /** Payment code shown more than a minute ago. */
  | 'AUTHCODEEXPIRE'
  /** The order was reversed (撤销): it can never be paid. */
  | 'ORDER_REVERSED'
  /** Only payment-code orders can be reversed, and only within 7 days. */
  | 'REVERSE_REFUSED'
  | 'REVERSE_EXPIRE'
  /** The payer's bank did not answer in time: the outcome is unknown, query it. */
  | 'BANK_ERROR'
  /** WeChat's own failure: the answer says nothing about the order (a lost trade, see `TradeRecord.lost`). */
  | 'SYSTEM_ERROR';

export class SimError extends Error {
  readonly code: SimErrorCode;

  constructor(code: SimErrorCode, message: string) {
    super(message);
    this.name = 'SimError';
    this.code = code;
  }
}
