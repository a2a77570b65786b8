import { WechatPayNotificationError } from '../errors.js';
import {
  parseV2PaymentNotification,
  parseV2RefundNotification,
  type V2PaymentNotification,
  type V2RefundNotification,
  v2NotificationAck,
} from '../v2/v2-notification.js';
import {
  failureMessage,
  type NotificationEndpoint,
  type NotificationEndpointOptions,
  type NotificationReply,
  notificationEndpoint,
} from './notification-endpoint.js';

/** Resolving means "stored, ACK it"; throwing means "send it again" (WeChat resends until ACKed). */
export type V2NotificationHandler<T> = (notification: T) => unknown;

/**
 * The v2 payment `notify_url`: checks the sign with the API key over the raw XML, calls the
 * handler with the paid trade (amounts in integer fen) and answers `return_code` SUCCESS, or FAIL
 * so WeChat resends.
 */
export function v2PaymentNotificationEndpoint(
  apiKey: string,
  handler: V2NotificationHandler<V2PaymentNotification>,
  options?: NotificationEndpointOptions,
): NotificationEndpoint {
  return v2Endpoint(
    'v2-payment',
    (body, maxBytes) => parseV2PaymentNotification(body, apiKey, { maxBytes }),
    handler,
    options,
  );
}

/**
 * The v2 refund `notify_url`: decrypts `req_info` with the API key (the proof that it is WeChat's,
 * as refund callbacks carry no sign), calls the handler and answers SUCCESS, or FAIL to be resent.
 */
export function v2RefundNotificationEndpoint(
  apiKey: string,
  handler: V2NotificationHandler<V2RefundNotification>,
  options?: NotificationEndpointOptions,
): NotificationEndpoint {
  return v2Endpoint(
    'v2-refund',
    (body, maxBytes) => parseV2RefundNotification(body, apiKey, { maxBytes }),
    handler,
    options,
  );
}

function v2Endpoint<T>(
  kind: 'v2-payment' | 'v2-refund',
  parse: (body: Buffer, maxBytes: number) => T,
  handler: V2NotificationHandler<T>,
  options: NotificationEndpointOptions | undefined,
): NotificationEndpoint {
  return notificationEndpoint<T>(
    {
      kind,
      verify: (_headers, body, maxBytes) => parse(body, maxBytes),
      async respond(notification) {
        await handler(notification);
        return xmlReply(200, v2NotificationAck(true));
      },
      failure: (stage, error) => {
        const tooLarge = error instanceof WechatPayNotificationError && error.reason === 'too-large';
        return xmlReply(tooLarge ? 413 : 200, v2NotificationAck(false, failureMessage(stage, error)));
      },
    },
    options,
  );
}

export function xmlReply(status: number, body: string): NotificationReply {
  return { status, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body };
}
