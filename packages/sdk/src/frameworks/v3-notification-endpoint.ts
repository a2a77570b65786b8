import { WechatPayNotificationError, WechatPaySignatureError } from '../errors.js';
import type {
  V3Notification,
  V3NotificationEventType,
  V3RefundNotification,
  V3TransactionNotification,
} from '../v3/v3-notification.js';
import { v3NotificationAck, v3NotificationFailure } from '../v3/v3-notification-reply.js';
import {
  failureMessage,
  type NotificationEndpoint,
  type NotificationEndpointOptions,
  type NotificationStage,
  notificationEndpoint,
} from './notification-endpoint.js';

/** The event a handler of `K` receives: a paid transaction, or a refund in that state. */
export type V3NotificationOf<K extends V3NotificationEventType> = K extends 'TRANSACTION.SUCCESS'
  ? V3TransactionNotification
  : V3RefundNotification & { event_type: K };

/**
 * One async handler per event type. Resolving means "stored, ACK it"; throwing means "send it
 * again". WeChat resends until it sees the ACK, so a handler must accept the same event twice.
 */
export type V3NotificationHandlers = {
  [K in V3NotificationEventType]?: (event: V3NotificationOf<K>) => unknown;
};

/** What verifies v3 callbacks: a `V3Client` (its `notifications`) or a `V3NotificationParser`. */
export type V3NotificationSource =
  | { notifications: { parse(headers: V3Headers, body: Buffer): Promise<V3Notification> } }
  | { parse(headers: V3Headers, body: Buffer): Promise<V3Notification> };
type V3Headers = Record<string, string | string[] | undefined>;

/**
 * The v3 `notify_url` for payments and refunds: verifies the signature over the raw body with the
 * client's keys, decrypts the resource, calls the handler of its `event_type` and answers 204, or
 * 4xx/5xx `{code, message}` so WeChat resends. An event with no handler is not ACKed: it comes
 * again once a handler is deployed.
 */
export function v3NotificationEndpoint(
  source: V3NotificationSource,
  handlers: V3NotificationHandlers,
  options?: NotificationEndpointOptions,
): NotificationEndpoint {
  const parser = 'notifications' in source ? source.notifications : source;
  return notificationEndpoint<V3Notification>(
    {
      kind: 'v3',
      verify: (headers, body) => parser.parse(headers, body),
      async respond(event) {
        const handler = handlers[event.event_type] as ((event: V3Notification) => unknown) | undefined;
        if (!handler) {
          throw new WechatPayNotificationError(
            'no-handler',
            `没有处理 ${event.event_type} 的函数 (no handler for ${event.event_type}): not acknowledged, WeChat will resend`,
          );
        }
        await handler(event);
        return v3NotificationAck();
      },
      failure: (stage, error) => ({
        ...v3NotificationFailure(failureMessage(stage, error)),
        status: statusOf(stage, error),
      }),
    },
    options,
  );
}

function statusOf(stage: NotificationStage, error: unknown): number {
  if (error instanceof WechatPayNotificationError && error.reason === 'too-large') return 413;
  if (stage === 'verify') return error instanceof WechatPaySignatureError ? 401 : 400;
  return 500;
}
