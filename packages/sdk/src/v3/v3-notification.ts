import { rawBodyBytes, withReserializationHint } from '../core/raw-body-bytes.js';
import { aesGcmDecrypt, apiV3KeyBuffer } from '../crypto/aes-gcm.js';
import { WechatPayFormatError, WechatPaySignatureError } from '../errors.js';
import { type HeaderBag, V3ResponseVerifier, type VerifiedHeaders } from './response-verifier.js';
import type { V3PaidTransaction, V3RefundNotificationResource, V3Transaction } from './v3-types.js';
import type { VerificationKeyStore } from './verification-keys.js';

export type V3RefundEventType = 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
export type V3NotificationEventType = 'TRANSACTION.SUCCESS' | V3RefundEventType;

/** The decrypted resource each event type carries. */
export interface V3NotificationResources {
  'TRANSACTION.SUCCESS': V3PaidTransaction;
  'REFUND.SUCCESS': V3RefundNotificationResource;
  'REFUND.ABNORMAL': V3RefundNotificationResource;
  'REFUND.CLOSED': V3RefundNotificationResource;
}

/**
 * What {@link buildV3Notification} encrypts per event type: as loose as a query answer, so tests
 * can also build the malformed callbacks a parser must refuse.
 */
export type V3NotificationResourceInputs = Omit<V3NotificationResources, 'TRANSACTION.SUCCESS'> & {
  'TRANSACTION.SUCCESS': V3Transaction;
};

interface V3NotificationBase {
  id: string;
  /** RFC 3339, +08:00. */
  create_time: string;
  resource_type: string;
  summary: string;
  /** What the signature check established: key serial, timestamp, nonce, `Request-ID`. */
  verified: VerifiedHeaders;
}

export interface V3TransactionNotification extends V3NotificationBase {
  event_type: 'TRANSACTION.SUCCESS';
  resource: V3PaidTransaction;
}

export interface V3RefundNotification extends V3NotificationBase {
  event_type: V3RefundEventType;
  resource: V3RefundNotificationResource;
}

/** A verified, decrypted notification; switch on `event_type` to get the typed resource. */
export type V3Notification = V3TransactionNotification | V3RefundNotification;

export interface V3NotificationParserOptions {
  apiV3Key: string | Buffer;
  /** The same keys API answers are verified with (public key, platform certificates or both). */
  keys: VerificationKeyStore;
  /** When set, a resource naming another merchant is refused. */
  mchid?: string;
  /** Bodies above this are refused before any work, default 64 KiB (real ones are ~1–2 KiB). */
  maxBodyBytes?: number;
  maxSkewSeconds?: number;
  now?: () => number;
}

const EVENT_TYPES = new Set<string>([
  'TRANSACTION.SUCCESS',
  'REFUND.SUCCESS',
  'REFUND.ABNORMAL',
  'REFUND.CLOSED',
]);

/**
 * Turns a v3 callback (`POST notify_url`) into a trusted, typed event. The order of checks is
 * deliberate: size first (cheap), then the signature over the exact raw bytes — so a body must never
 * be re-serialized by a framework before it gets here — and only then JSON and decryption.
 */
export class V3NotificationParser {
  readonly #apiV3Key: Buffer;
  readonly #verifier: V3ResponseVerifier;
  readonly #mchid: string | undefined;
  readonly #maxBytes: number;

  constructor(options: V3NotificationParserOptions) {
    this.#apiV3Key = apiV3KeyBuffer(options.apiV3Key);
    this.#verifier = new V3ResponseVerifier({
      keys: options.keys,
      maxSkewSeconds: options.maxSkewSeconds,
      now: options.now,
    });
    this.#mchid = options.mchid;
    this.#maxBytes = options.maxBodyBytes ?? 64 * 1024;
  }

  /**
   * @param headers the request headers as the framework gives them (names matched case-insensitively)
   * @param rawBody the request body exactly as received
   * @throws WechatPaySignatureError, WechatPayFormatError or WechatPayDecryptError — answer WeChat
   *   with `v3NotificationFailure` then, so it retries.
   */
  async parse(headers: HeaderBag, rawBody: string | Buffer): Promise<V3Notification> {
    const body = rawBodyBytes(rawBody);
    if (body.length > this.#maxBytes) {
      throw new WechatPayFormatError(`notification body of ${body.length} bytes exceeds ${this.#maxBytes}`);
    }
    const verified = await this.#verifier.verifyWithRefresh(headers, body).catch((error: unknown) => {
      throw withReserializationHint(error, body);
    });
    const envelope = parseObject(body, 'notification body');
    const eventType = envelope.event_type;
    if (typeof eventType !== 'string' || !EVENT_TYPES.has(eventType)) {
      throw new WechatPayFormatError(`unsupported notification event_type ${JSON.stringify(eventType)}`);
    }
    const resource = this.#decrypt(envelope.resource);
    if (eventType === 'TRANSACTION.SUCCESS')
      requireStrings(resource, ['out_trade_no', 'trade_state', 'mchid']);
    else requireStrings(resource, ['out_refund_no', 'refund_status', 'mchid']);
    if (this.#mchid !== undefined && resource.mchid !== this.#mchid) {
      throw new WechatPaySignatureError(
        'field-mismatch',
        `notification is for merchant ${String(resource.mchid)}, not ${this.#mchid}`,
        { expected: this.#mchid, received: resource.mchid },
      );
    }
    return {
      id: String(envelope.id ?? ''),
      create_time: String(envelope.create_time ?? ''),
      event_type: eventType,
      resource_type: String(envelope.resource_type ?? ''),
      summary: String(envelope.summary ?? ''),
      resource,
      verified,
    } as unknown as V3Notification;
  }

  #decrypt(resource: unknown): Record<string, unknown> {
    if (typeof resource !== 'object' || resource === null) {
      throw new WechatPayFormatError('notification has no resource object');
    }
    const { algorithm, nonce, associated_data, ciphertext } = resource as Record<string, unknown>;
    if (algorithm !== 'AEAD_AES_256_GCM') {
      throw new WechatPayFormatError(`unsupported resource.algorithm ${JSON.stringify(algorithm)}`);
    }
    if (typeof nonce !== 'string' || typeof ciphertext !== 'string') {
      throw new WechatPayFormatError('resource.nonce and resource.ciphertext must be strings');
    }
    if (associated_data !== undefined && typeof associated_data !== 'string') {
      throw new WechatPayFormatError('resource.associated_data must be a string');
    }
    const plaintext = aesGcmDecrypt(this.#apiV3Key, { nonce, associatedData: associated_data, ciphertext });
    return parseObject(plaintext, 'decrypted resource');
  }
}

function parseObject(data: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (cause) {
    throw new WechatPayFormatError(`${what} is not valid JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WechatPayFormatError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function requireStrings(resource: Record<string, unknown>, fields: string[]): void {
  const missing = fields.filter((f) => typeof resource[f] !== 'string');
  if (missing.length > 0) {
    throw new WechatPayFormatError(`decrypted resource lacks ${missing.join(', ')}`);
  }
}
