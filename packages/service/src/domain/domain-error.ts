/** Why the domain refused something; the HTTP error mapper turns codes into statuses. */
export type DomainErrorCode =
  | 'PRODUCT_NOT_FOUND'
  | 'PRODUCT_UNAVAILABLE'
  | 'ORDER_NOT_FOUND'
  | 'INVALID_AMOUNT'
  | 'INVALID_TRANSITION'
  | 'OPENID_REQUIRED'
  | 'PAY_TYPE_UNSUPPORTED'
  | 'API_VERSION_NOT_CONFIGURED'
  | 'WECHAT_UNAVAILABLE'
  /** WeChat did not answer in time; the same request may be retried (`details.orderNo` names the order). */
  | 'WECHAT_TIMEOUT'
  | 'NOTIFICATION_REJECTED'
  | 'REFUND_EXCEEDS_PAID'
  | 'REFUND_CONFLICT'
  | 'REFUND_NOT_FOUND'
  | 'ORDER_NOT_REFUNDABLE'
  | 'NOT_AVAILABLE'
  | 'NOTHING_TO_RESEND'
  | 'INVALID_RANGE'
  /** The `Idempotency-Key` was sent before with another request (`details.orderNo`: its order). */
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'WEBHOOK_ENDPOINT_NOT_FOUND'
  /** The endpoint comes from the environment (`WEBHOOK_URL`): change it there. */
  | 'WEBHOOK_ENDPOINT_READ_ONLY'
  | 'WEBHOOK_URL_NOT_ALLOWED'
  | 'WEBHOOK_ENDPOINT_LIMIT'
  | 'PLATFORM_NOT_CONFIGURED'
  | 'URL_NOT_ALLOWED'
  | 'OAUTH_STATE_INVALID'
  | 'OAUTH_CODE_INVALID'
  | 'LOGIN_CODE_INVALID'
  | 'SESSION_INVALID'
  | 'OPENID_MISMATCH'
  | 'PRODUCT_EXISTS'
  | 'WEBHOOK_DELIVERY_NOT_FOUND'
  /** The delivery's endpoint is no longer configured: nowhere to resend it. */
  | 'WEBHOOK_ENDPOINT_GONE'
  /** A bill day that is not a real past China day. */
  | 'INVALID_DATE'
  | 'RECONCILIATION_NOT_FOUND'
  /** The day is being reconciled right now (by the daily job or another person). */
  | 'RECONCILIATION_RUNNING'
  /** WeChat's bill does not add up to its own summary line: not trusted, retried. */
  | 'BILL_INCONSISTENT'
  /** Unknown username, wrong password or disabled user: one answer for all three. */
  | 'SIGN_IN_FAILED'
  | 'USERNAME_TAKEN'
  | 'ADMIN_USER_NOT_FOUND'
  /** The change would leave the back office without an enabled owner. */
  | 'LAST_OWNER'
  /** Not the shape of a WeChat payment code (18 digits, `10`–`15` first): nothing was stored. */
  | 'PAYMENT_CODE_INVALID';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}
