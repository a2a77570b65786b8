export type PayRequestErrorCode =
  | 'MISSING_PARAMETER'
  | 'INVALID_PARAMETER'
  | 'PREPAY_NOT_FOUND'
  | 'PREPAY_EXPIRED'
  | 'NOT_JSAPI_ORDER'
  | 'NOT_APP_ORDER'
  | 'PARTNER_MISMATCH'
  | 'APPID_MISMATCH'
  | 'SIGN_TYPE_MISMATCH'
  | 'SIGN_ERROR'
  | 'ORDER_PAID'
  | 'ORDER_CLOSED'
  | 'PAYER_UNKNOWN';

/** A refusal of the pay sheet, worded as WeChat's client shows it (plus what to fix). */
export class PayRequestError extends Error {
  readonly code: PayRequestErrorCode;

  constructor(code: PayRequestErrorCode, message: string) {
    super(message);
    this.name = 'PayRequestError';
    this.code = code;
  }
}
