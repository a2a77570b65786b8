import { randomUUID } from 'node:crypto';
import { aesGcmEncrypt } from '../crypto/aes-gcm.js';
import { nonceStr } from '../crypto/nonce.js';
import { signV3Response, type V3ResponseSigningKey } from './response-signer.js';
import { toRfc3339Beijing } from './rfc3339-time.js';
import type { V3NotificationEventType, V3NotificationResourceInputs } from './v3-notification.js';

export interface BuildV3NotificationOptions<E extends V3NotificationEventType> {
  event_type: E;
  /** The plain resource (a transaction or a refund); it is encrypted as WeChat does. */
  resource: V3NotificationResourceInputs[E];
  apiV3Key: string | Buffer;
  /** The WeChat Pay key the callback is signed with (platform certificate or public-key mode). */
  signer: Omit<V3ResponseSigningKey, 'now' | 'nonce'>;
  /** The event's clock (`create_time`). */
  now?: () => number;
  /**
   * The signature's clock (`Wechatpay-Timestamp`), default `now`. A simulator whose business clock
   * has been moved still signs on real time, as merchants check timestamps against theirs.
   */
  signedAt?: () => number;
  /** Defaults to a fresh UUID, as WeChat's notification ids are. */
  id?: string;
}

export interface BuiltV3Notification {
  headers: Record<string, string>;
  /** Send these exact bytes: the signature covers them. */
  body: string;
}

const SUMMARIES: Record<V3NotificationEventType, string> = {
  'TRANSACTION.SUCCESS': '支付成功',
  'REFUND.SUCCESS': '退款成功',
  'REFUND.ABNORMAL': '退款异常',
  'REFUND.CLOSED': '退款关闭',
};

/**
 * Builds a callback exactly as WeChat Pay would POST it: resource encrypted with the APIv3 key,
 * body signed, `create_time` in +08:00. Tests and the simulator use it to exercise the real parser
 * end to end instead of bypassing verification.
 */
export function buildV3Notification<E extends V3NotificationEventType>(
  options: BuildV3NotificationOptions<E>,
): BuiltV3Notification {
  const now = options.now ?? Date.now;
  const originalType = options.event_type === 'TRANSACTION.SUCCESS' ? 'transaction' : 'refund';
  const nonce = nonceStr(12);
  const body = JSON.stringify({
    id: options.id ?? randomUUID(),
    create_time: toRfc3339Beijing(now()),
    resource_type: 'encrypt-resource',
    event_type: options.event_type,
    summary: SUMMARIES[options.event_type],
    resource: {
      original_type: originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: aesGcmEncrypt(options.apiV3Key, nonce, originalType, JSON.stringify(options.resource)),
      associated_data: originalType,
      nonce,
    },
  });
  const headers = {
    'Content-Type': 'application/json',
    ...signV3Response(body, { ...options.signer, now: options.signedAt ?? now }),
  };
  return { headers, body };
}
