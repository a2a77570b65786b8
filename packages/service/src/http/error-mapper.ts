import { WechatPayApiError, WechatPayError } from '@wechatpay-kit/sdk';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode } from '../domain/index.js';

/** The body of every error answer: a stable code to branch on and a message for people. */
export interface ErrorBody {
  error: string;
  message: string;
  /** WeChat's own code when WeChat refused (`ORDERPAID`, `SYSTEMERROR`…). */
  wechatCode?: string;
  /** The order the failure is about, when it was stored anyway (retry with its number). */
  orderNo?: string;
  /** `true` when the same request may simply be sent again. */
  retryable?: boolean;
}

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  PRODUCT_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PRODUCT_UNAVAILABLE: 409,
  INVALID_AMOUNT: 400,
  INVALID_TRANSITION: 409,
  OPENID_REQUIRED: 400,
  PAY_TYPE_UNSUPPORTED: 400,
  API_VERSION_NOT_CONFIGURED: 400,
  WECHAT_UNAVAILABLE: 502,
  WECHAT_TIMEOUT: 503,
  NOTIFICATION_REJECTED: 400,
  REFUND_EXCEEDS_PAID: 409,
  REFUND_CONFLICT: 409,
  REFUND_NOT_FOUND: 404,
  ORDER_NOT_REFUNDABLE: 409,
  NOT_AVAILABLE: 501,
  NOTHING_TO_RESEND: 409,
  INVALID_RANGE: 400,
  PLATFORM_NOT_CONFIGURED: 503,
  URL_NOT_ALLOWED: 400,
  OAUTH_STATE_INVALID: 400,
  OAUTH_CODE_INVALID: 401,
  LOGIN_CODE_INVALID: 401,
  SESSION_INVALID: 401,
  OPENID_MISMATCH: 400,
};

/** Turns any thrown error into a status and a body that reveal nothing internal. */
export function mapError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    const { wechatCode, orderNo, retryable } = error.details;
    return {
      status: DOMAIN_STATUS[error.code],
      body: {
        error: error.code,
        message: error.message,
        ...(typeof wechatCode === 'string' ? { wechatCode } : {}),
        ...(typeof orderNo === 'string' ? { orderNo } : {}),
        ...(retryable === true ? { retryable } : {}),
      },
    };
  }
  if (error instanceof WechatPayApiError) {
    return { status: 502, body: { error: 'WECHAT_ERROR', message: error.message, wechatCode: error.code } };
  }
  if (error instanceof WechatPayError) {
    return { status: 502, body: { error: 'WECHAT_UNAVAILABLE', message: 'WeChat Pay could not be reached' } };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return {
      status: 400,
      body: { error: 'VALIDATION_FAILED', message: fastifyError.message ?? 'invalid request' },
    };
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: { error: fastifyError.code ?? 'BAD_REQUEST', message: fastifyError.message ?? '' },
    };
  }
  return { status: 500, body: { error: 'INTERNAL', message: 'internal error' } };
}

/** Fastify's error handler: one place decides statuses; 5xx are logged, never sent in detail. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = mapError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(status).send(body);
}
