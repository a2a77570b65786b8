import type { IncomingMessage } from 'node:http';
import { WechatPayNotificationError } from '../errors.js';
import {
  DEFAULT_MAX_NOTIFICATION_BYTES,
  type RawNotificationRequest,
  readRawBody,
} from './raw-body-reader.js';

/** What to send back, framework-neutral: every adapter writes these three fields and nothing else. */
export interface NotificationReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type NotificationEndpointKind = 'v3' | 'v2-payment' | 'v2-refund' | 'native-callback';
/** Where a notification failed: reading the body, verifying it, the user's handler, or the time budget. */
export type NotificationStage = 'body' | 'verify' | 'handler' | 'timeout';

export interface NotificationErrorInfo {
  endpoint: NotificationEndpointKind;
  stage: NotificationStage;
  /** True when this happened after the time budget ran out and WeChat already got a failure. */
  late: boolean;
}

export interface NotificationEndpointOptions {
  /** Bodies above this are refused, default 64 KiB (WeChat's are ~1–2 KiB). */
  maxBodyBytes?: number;
  /**
   * WeChat waits 5 s for an answer and treats silence as failure; past this budget (default
   * 4,500 ms, counted from the request's arrival) a failure is sent so the resend comes on time.
   */
  timeoutMs?: number;
  /**
   * Told of every failure: a refused body, a bad signature, the handler throwing or being late.
   * It must not throw (what it throws is ignored). Default: `console.error`.
   */
  onError?: (error: unknown, info: NotificationErrorInfo) => void;
}

/** One WeChat callback protocol: how to verify the raw body, act on it and word the answers. */
export interface NotificationProtocol<T> {
  kind: NotificationEndpointKind;
  verify(headers: IncomingMessage['headers'], body: Buffer, maxBodyBytes: number): Promise<T> | T;
  /** Runs the user's handler and builds the answer for its result. */
  respond(event: T): Promise<NotificationReply>;
  /** The answer that makes WeChat resend (or, for mode 1, that shows the payer a refusal). */
  failure(stage: NotificationStage, error: unknown, event: T | undefined): NotificationReply;
}

/** A mounted callback URL: raw request in, WeChat's answer out. `handle` never rejects. */
export interface NotificationEndpoint {
  readonly kind: NotificationEndpointKind;
  handle(request: RawNotificationRequest): Promise<NotificationReply>;
}

export const DEFAULT_NOTIFICATION_TIMEOUT_MS = 4_500;

const defaultOnError = (error: unknown, info: NotificationErrorInfo) => {
  console.error(`[wechatpay-kit] ${info.endpoint} notification failed at ${info.stage}:`, error);
};

/**
 * Runs one protocol under the rules every framework shares: bounded raw body, verify before any
 * user code, the user's handler raced against the time budget, and any exception turned into
 * WeChat's failure answer (never a framework error page). A handler still running when the budget
 * ends keeps running; its outcome is reported to `onError`, never left as an unhandled rejection.
 */
export function notificationEndpoint<T>(
  protocol: NotificationProtocol<T>,
  options: NotificationEndpointOptions = {},
): NotificationEndpoint {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_NOTIFICATION_BYTES;
  const budget = options.timeoutMs ?? DEFAULT_NOTIFICATION_TIMEOUT_MS;
  const onError = options.onError ?? defaultOnError;
  return {
    kind: protocol.kind,
    async handle(request) {
      let event: T | undefined;
      let timedOut = false;
      const report = (error: unknown, stage: NotificationStage) => {
        try {
          onError(error, { endpoint: protocol.kind, stage, late: timedOut && stage !== 'timeout' });
        } catch {
          // the hook's own failure must not turn into a framework error page
        }
      };
      const work = (async () => {
        let stage: NotificationStage = 'body';
        try {
          const body = await readRawBody(request, maxBytes);
          stage = 'verify';
          event = await protocol.verify(request.headers, body, maxBytes);
          stage = 'handler';
          return await protocol.respond(event);
        } catch (error) {
          report(error, stage);
          return safeFailure(protocol, stage, error, event);
        }
      })();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<NotificationReply>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          const error = new WechatPayNotificationError(
            'timeout',
            `${budget} ms 内未处理完，已答复失败让微信重发 (not handled within ${budget} ms: answered failure so WeChat resends)`,
          );
          report(error, 'timeout');
          resolve(safeFailure(protocol, 'timeout', error, event));
        }, budget);
      });
      try {
        return await Promise.race([work, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function safeFailure<T>(
  protocol: NotificationProtocol<T>,
  stage: NotificationStage,
  error: unknown,
  event: T | undefined,
): NotificationReply {
  try {
    return protocol.failure(stage, error, event);
  } catch {
    return { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'FAIL' };
  }
}

/** The message a failure answer carries: the SDK's own reasons, never the text of the user's errors. */
export function failureMessage(stage: NotificationStage, error: unknown): string {
  if (stage === 'handler') return '商户处理失败 (merchant handler failed)';
  return error instanceof Error ? error.message : 'FAIL';
}
