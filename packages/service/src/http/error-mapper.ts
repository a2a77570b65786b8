import { STATUS_CODES, validateHeaderValue } from 'node:http';
import type { Duplex } from 'node:stream';
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
  /** The refused input (`amount`, `from`…) when one field was wrong. */
  field?: string;
}

/** Fastify's own refusals under the service's codes (its `FST_ERR_…` names are not a contract). */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'BAD_URL',
};

/** The HTTP status of every domain error (the OpenAPI document lists them from here). */
export const DOMAIN_STATUS: Readonly<Record<DomainErrorCode, number>> = {
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
  IDEMPOTENCY_KEY_REUSED: 409,
  WEBHOOK_ENDPOINT_NOT_FOUND: 404,
  WEBHOOK_ENDPOINT_READ_ONLY: 409,
  WEBHOOK_URL_NOT_ALLOWED: 400,
  WEBHOOK_ENDPOINT_LIMIT: 409,
  PLATFORM_NOT_CONFIGURED: 503,
  URL_NOT_ALLOWED: 400,
  OAUTH_STATE_INVALID: 400,
  OAUTH_CODE_INVALID: 401,
  LOGIN_CODE_INVALID: 401,
  SESSION_INVALID: 401,
  OPENID_MISMATCH: 400,
  PRODUCT_EXISTS: 409,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  WEBHOOK_ENDPOINT_GONE: 409,
  INVALID_DATE: 400,
  RECONCILIATION_NOT_FOUND: 404,
  RECONCILIATION_RUNNING: 409,
  BILL_INCONSISTENT: 502,
  SIGN_IN_FAILED: 401,
  USERNAME_TAKEN: 409,
  ADMIN_USER_NOT_FOUND: 404,
  LAST_OWNER: 409,
  PAYMENT_CODE_INVALID: 400,
};

/** Seconds a client should wait before retrying a `retryable` answer: a late prepay is usually stored by then. */
const RETRY_AFTER_SECONDS = 2;

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
  const fastifyError = error as Partial<FastifyError> & { field?: string };
  if (fastifyError.validation) {
    const message = fastifyError.message ?? 'invalid request';
    return { status: 400, body: { error: 'VALIDATION_FAILED', message, field: fastifyError.field } };
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = FRAMEWORK_CODES[fastifyError.code ?? ''] ?? 'BAD_REQUEST';
    return { status, body: { error: code, message: fastifyError.message ?? 'bad request' } };
  }
  return { status: 500, body: { error: 'INTERNAL', message: 'internal error' } };
}

/**
 * Fastify's error handler: one place decides statuses; 5xx are logged, never sent in detail. A
 * `Location` the route had set, and any header value Node refuses to send, are dropped: otherwise
 * the error answer fails too and Fastify's fallback handler answers with its internal text.
 */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = mapError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (name === 'location' || !sendable(name, value)) reply.removeHeader(name);
  }
  // A retryable refusal (WeChat slower than the buyer's deadline) says when trying again makes sense.
  if (body.retryable) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  void reply.status(status).type('application/json; charset=utf-8').send(body);
}

function sendable(name: string, value: unknown): boolean {
  try {
    validateHeaderValue(name, value as string);
    return true;
  } catch {
    return false;
  }
}

/**
 * Answers a request Node could not even parse (bad request line, oversized headers), which never
 * reaches a route or {@link errorHandler}: same format, so no framework default answers either.
 */
export function clientErrorAnswer(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    error: status === 400 ? 'BAD_REQUEST' : status === 408 ? 'REQUEST_TIMEOUT' : 'HEADERS_TOO_LARGE',
    message: 'the request could not be read as HTTP',
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
