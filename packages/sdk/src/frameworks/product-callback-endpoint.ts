import { WechatPaySignatureError } from '../errors.js';
import { buildProductCallbackReply, type ProductCallback, parseProductCallback } from '../v2/native-mode1.js';
import { v2NotificationAck } from '../v2/v2-notification.js';
import {
  failureMessage,
  type NotificationEndpoint,
  type NotificationEndpointOptions,
  notificationEndpoint,
} from './notification-endpoint.js';
import { xmlReply } from './v2-notification-endpoints.js';

/** What the handler decides for a scanned product: the order it created, or why not (shown to the payer). */
export type ProductCallbackDecision = { prepay_id: string } | { err_code_des: string };

export interface ProductCallbackEndpointOptions extends NotificationEndpointOptions {
  apiKey: string;
  /** When set, a callback naming another merchant is refused. */
  mchid?: string;
}

/**
 * The Native mode-1 callback URL: verifies the scan callback's sign, asks the handler for an
 * order (typically `V2Client.unifiedOrder` with the callback's `product_id` and `openid`) and
 * answers with the signed XML WeChat expects — the prepay_id, or `err_code_des` for the payer. A
 * handler that throws or is late gets a signed `return_code` FAIL: the payer sees an error and may
 * scan again. Keep it fast: the payer is staring at the phone.
 */
export function productCallbackEndpoint(
  handler: (callback: ProductCallback) => Promise<ProductCallbackDecision> | ProductCallbackDecision,
  options: ProductCallbackEndpointOptions,
): NotificationEndpoint {
  const { apiKey, mchid } = options;
  return notificationEndpoint<ProductCallback>(
    {
      kind: 'native-callback',
      verify(_headers, body) {
        const callback = parseProductCallback(body, apiKey);
        if (mchid !== undefined && callback.mch_id !== mchid) {
          throw new WechatPaySignatureError(
            'field-mismatch',
            `callback is for merchant ${callback.mch_id}, not ${mchid}`,
            {
              expected: mchid,
              received: callback.mch_id,
            },
          );
        }
        return callback;
      },
      async respond(callback) {
        const decision = await handler(callback);
        const reply = buildProductCallbackReply(
          { appid: callback.appid, mch_id: callback.mch_id, ...decision },
          apiKey,
        );
        return xmlReply(200, reply);
      },
      failure(stage, error, callback) {
        const message = failureMessage(stage, error);
        if (!callback) return xmlReply(200, v2NotificationAck(false, message));
        const refusal = {
          appid: callback.appid,
          mch_id: callback.mch_id,
          return_code: 'FAIL' as const,
          return_msg: message,
        };
        return xmlReply(200, buildProductCallbackReply(refusal, apiKey));
      },
    },
    options,
  );
}
