/**
 * One error tree for everything the SDK can throw, so callers can branch on `instanceof`
 * (or on `type`) instead of parsing messages. No error ever carries a key, an API secret or a
 * private key in its message or fields.
 */
export class WechatPayError extends Error {
  /** Stable discriminator, handy where `instanceof` is lost (structured logs, IPC). */
  readonly type: string = 'WechatPayError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The SDK was configured wrongly (missing key, malformed PEM, APIv3 key of the wrong length…). */
export class WechatPayConfigError extends WechatPayError {
  override readonly type = 'WechatPayConfigError';
}

/** The request never produced a usable HTTP answer: DNS, TLS, reset, timeout, oversized body. */
export class WechatPayTransportError extends WechatPayError {
  override readonly type = 'WechatPayTransportError';
  readonly method: string;
  /** URL without its query string (queries may carry secrets such as `appsecret`). */
  readonly url: string;
  readonly timedOut: boolean;

  constructor(message: string, init: { method: string; url: string; timedOut?: boolean; cause?: unknown }) {
    super(message, { cause: init.cause });
    this.method = init.method;
    this.url = stripQuery(init.url);
    this.timedOut = init.timedOut ?? false;
  }
}

/** Why a signature or a signed message was refused. */
export type SignatureFailureReason =
  | 'missing-header'
  | 'stale-timestamp'
  | 'unknown-serial'
  | 'probe-signature'
  | 'bad-signature'
  | 'missing-sign'
  | 'sign-mismatch'
  | 'unsupported-sign-type'
  | 'field-mismatch'
  | 'hash-mismatch'
  | 'replayed';

/**
 * A signature did not verify, or the message around it cannot be trusted (stale timestamp, unknown
 * serial, replay). `reason` says which, `detail` says what was compared — v2 mismatches report the
 * expected and received sign and the exact field list that was signed, the most common integration pain.
 */
export class WechatPaySignatureError extends WechatPayError {
  override readonly type = 'WechatPaySignatureError';
  readonly reason: SignatureFailureReason;
  readonly detail: Readonly<Record<string, unknown>>;

  constructor(reason: SignatureFailureReason, message: string, detail: Record<string, unknown> = {}) {
    super(message);
    this.reason = reason;
    this.detail = detail;
  }
}

/** Ciphertext that cannot be decrypted: wrong key, tampered data or auth tag, truncated input. */
export class WechatPayDecryptError extends WechatPayError {
  override readonly type = 'WechatPayDecryptError';
}

/** A body that is not acceptable XML/JSON: malformed, oversized, DOCTYPE/entities, wrong shape. */
export class WechatPayFormatError extends WechatPayError {
  override readonly type = 'WechatPayFormatError';
}

/** Why a framework notification handler answered WeChat with a failure before or around the user's code. */
export type NotificationFailureReason =
  | 'already-read'
  | 'already-parsed'
  | 'too-large'
  | 'aborted'
  | 'timeout'
  | 'no-handler';

/**
 * A notification could not be handled as received: a body parser ran first, the body is over
 * the size bound, the client went away, the handler was slower than WeChat waits, or no handler
 * takes the event. Messages are in Chinese and English and say what to change, since the usual
 * cause is the app's middleware order.
 */
export class WechatPayNotificationError extends WechatPayError {
  override readonly type = 'WechatPayNotificationError';
  readonly reason: NotificationFailureReason;

  constructor(reason: NotificationFailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * A call's parameters were refused before anything was sent (amount not a positive integer of fen,
 * `out_trade_no` outside WeChat's alphabet…): failing here is cheaper and clearer than WeChat's
 * `PARAM_ERROR`. `field` names the offending parameter.
 */
export class WechatPayValidationError extends WechatPayError {
  override readonly type = 'WechatPayValidationError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/**
 * WeChat answered, and the answer is a business or protocol error. Keeps every code WeChat gave:
 * v3 `code` + `detail`, v2 `return_code`/`return_msg` and `result_code`/`err_code`/`err_code_des`,
 * the HTTP status and the `Request-ID` to quote to WeChat support.
 */
export class WechatPayApiError extends WechatPayError {
  override readonly type: string = 'WechatPayApiError';
  /** v3 `code`, v2 `err_code` (or `return_code` when communication failed), platform `errcode`. */
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  /** v2 only: `return_code` / `result_code` as sent. */
  readonly returnCode: string | undefined;
  readonly resultCode: string | undefined;
  /** v3 `detail` object, when WeChat sent one. */
  readonly detail: unknown;
  /** The parsed answer, for logging and support tickets. */
  readonly raw: unknown;

  constructor(
    message: string,
    init: {
      code: string;
      status?: number;
      requestId?: string;
      returnCode?: string;
      resultCode?: string;
      detail?: unknown;
      raw?: unknown;
    },
  ) {
    super(message);
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.returnCode = init.returnCode;
    this.resultCode = init.resultCode;
    this.detail = init.detail;
    this.raw = init.raw;
  }

  /** WeChat asks to retry with the same parameters (v2 SYSTEMERROR/BIZERR_NEED_RETRY, v3 5xx/202, platform -1). */
  get retryable(): boolean {
    return (
      this.code === 'SYSTEMERROR' ||
      this.code === 'SYSTEM_ERROR' ||
      this.code === 'BIZERR_NEED_RETRY' ||
      this.code === 'BANKERROR' ||
      this.code === 'SERVICE_UNAVAILABLE' ||
      this.code === '-1' ||
      this.status === 202 ||
      (this.status !== undefined && this.status >= 500)
    );
  }
}

/**
 * A payment-code order whose outcome could not be settled: WeChat never confirmed it paid, failed
 * or reversed, and reversing it did not succeed either. The customer may have been charged. Keep
 * the order (`outTradeNo`) and reconcile it — query it later, reverse or refund it by hand.
 */
export class WechatPayReconcileError extends WechatPayError {
  override readonly type = 'WechatPayReconcileError';
  readonly outTradeNo: string;

  constructor(outTradeNo: string, detail: string, options?: { cause?: unknown }) {
    super(
      `付款码订单 ${outTradeNo} 结果未知且撤销未确认，请保留订单并对账 / payment-code order ${outTradeNo} ` +
        `has an unknown outcome and its reversal was not confirmed: keep the order and reconcile it (${detail})`,
      options,
    );
    this.outTradeNo = outTradeNo;
  }
}

/** An error answer of the WeChat platform (`api.weixin.qq.com`): `{errcode, errmsg}`. */
export class WechatPlatformError extends WechatPayApiError {
  override readonly type = 'WechatPlatformError';
  readonly errcode: number;

  constructor(errcode: number, errmsg: string, init: { status?: number; raw?: unknown } = {}) {
    super(`WeChat platform error ${errcode}: ${errmsg}`, { code: String(errcode), ...init });
    this.errcode = errcode;
  }

  /** The access_token was superseded (40001) or expired (42001): drop it and fetch a new one. */
  get tokenInvalid(): boolean {
    return this.errcode === 40001 || this.errcode === 42001 || this.errcode === 40014;
  }
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}
