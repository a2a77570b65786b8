import {
  WechatPayApiError,
  WechatPayError,
  WechatPaySignatureError,
  WechatPayTransportError,
  WechatPayValidationError,
} from '@wechatpay-kit/sdk';
import { DomainError } from '../../domain/index.js';

/**
 * Turns whatever the SDK threw into the one error the use cases understand, `WECHAT_UNAVAILABLE`,
 * with WeChat's own code in `details.wechatCode` (shown to the buyer and the admin). Only SDK
 * messages are copied, and the SDK guarantees they never hold a key.
 */
export function toGatewayError(operation: string, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const { wechatCode, retryable } = classify(error);
  return new DomainError('WECHAT_UNAVAILABLE', `WeChat Pay ${operation} failed: ${safeReason(error)}`, {
    operation,
    wechatCode,
    retryable,
  });
}

/**
 * What may be said about an SDK failure to anyone, including the sender of a forged notification.
 * A v2 sign mismatch's own message names the sign that was expected — echoed back, it would let the
 * forger sign its next attempt — so signature failures are reduced to their reason. A field mismatch
 * is no signature failure (the signature held, the content names another merchant) and says so.
 */
export function safeReason(error: unknown): string {
  if (error instanceof WechatPaySignatureError && error.reason === 'field-mismatch') {
    // The signature verified; the signed content names someone else (another mchid…): say so.
    return `not for this merchant: ${error.message} (field-mismatch)`;
  }
  if (error instanceof WechatPaySignatureError) return `signature check failed (${error.reason})`;
  return error instanceof WechatPayError ? error.message : 'unexpected failure';
}

/** The WeChat code of an SDK error, or `undefined` when it is not a WeChat answer. */
export function wechatCodeOf(error: unknown): string | undefined {
  return error instanceof WechatPayApiError ? error.code : undefined;
}

/** v2 `ORDERNOTEXIST`, v3 404 `ORDER_NOT_EXIST` (spellings drift between WeChat's tables). */
export function isOrderNotFound(error: unknown): boolean {
  if (!(error instanceof WechatPayApiError)) return false;
  return (
    error.status === 404 ||
    error.code === 'ORDERNOTEXIST' ||
    error.code === 'ORDER_NOT_EXIST' ||
    error.code === 'RESOURCE_NOT_EXISTS'
  );
}

function classify(error: unknown): { wechatCode: string; retryable: boolean } {
  if (error instanceof WechatPayApiError) return { wechatCode: error.code, retryable: error.retryable };
  if (error instanceof WechatPayTransportError) {
    return { wechatCode: error.timedOut ? 'TIMEOUT' : 'NETWORK_ERROR', retryable: true };
  }
  if (error instanceof WechatPaySignatureError)
    return { wechatCode: 'INVALID_ANSWER_SIGNATURE', retryable: true };
  if (error instanceof WechatPayValidationError) return { wechatCode: 'INVALID_PARAMETER', retryable: false };
  return { wechatCode: 'UNEXPECTED_ERROR', retryable: false };
}

/**
 * The one error a notification that is not genuine becomes, whatever the dialect: the SDK's reason
 * (never the expected signature), and for the admin the order it claims to be about when that can
 * be read without trusting it.
 */
export function notificationRejected(what: string, error: unknown, claimedOrderNo?: string): DomainError {
  if (error instanceof DomainError) return error;
  const why = error instanceof WechatPayError ? safeReason(error) : 'unreadable notification';
  const reason = (error as { reason?: unknown }).reason;
  return new DomainError('NOTIFICATION_REJECTED', `${what} rejected: ${why}`, {
    reason: typeof reason === 'string' ? reason : (error as { type?: string }).type,
    claimedOrderNo,
  });
}
