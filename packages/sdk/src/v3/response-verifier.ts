import { unixSeconds } from '../crypto/nonce.js';
import { rsaVerify } from '../crypto/rsa.js';
import { signedMessage } from '../crypto/signed-message.js';
import { WechatPaySignatureError } from '../errors.js';
import type { VerificationKeyStore } from './verification-keys.js';

/** WeChat's probe signatures start with this; a merchant that accepts them is not really verifying. */
export const PROBE_SIGNATURE_PREFIX = 'WECHATPAY/SIGNTEST/';

export interface V3VerifierOptions {
  keys: VerificationKeyStore;
  /** Allowed clock difference, default 300 s as WeChat recommends. */
  maxSkewSeconds?: number;
  /** Injectable clock (ms), for tests and simulators with a controllable clock. */
  now?: () => number;
}

/** Header names are matched case-insensitively; pass Node/undici/Fastify header objects as they are. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export interface VerifiedHeaders {
  timestamp: number;
  nonce: string;
  serial: string;
  requestId: string | undefined;
}

/**
 * Verifies WeChat Pay's signature on API answers and notifications: `TIMESTAMP\nNONCE\nBODY\n` over
 * the raw body, signed with the platform certificate or public key named by `Wechatpay-Serial`.
 * Each failure says which check failed, and a probe signature (`WECHATPAY/SIGNTEST/…`) is reported
 * as such rather than as a generic mismatch.
 */
export class V3ResponseVerifier {
  readonly keys: VerificationKeyStore;
  readonly #maxSkew: number;
  readonly #now: () => number;

  constructor(options: V3VerifierOptions) {
    this.keys = options.keys;
    this.#maxSkew = options.maxSkewSeconds ?? 300;
    this.#now = options.now ?? Date.now;
  }

  /** Throws {@link WechatPaySignatureError} unless `body` carries a valid, fresh signature. */
  verify(headers: HeaderBag, body: string | Buffer): VerifiedHeaders {
    const timestampText = header(headers, 'wechatpay-timestamp');
    const nonce = header(headers, 'wechatpay-nonce');
    const signature = header(headers, 'wechatpay-signature');
    const serial = header(headers, 'wechatpay-serial');
    // An empty header proves as little as an absent one, and is reported the same way.
    const missing = [
      !timestampText && 'Wechatpay-Timestamp',
      !nonce && 'Wechatpay-Nonce',
      !signature && 'Wechatpay-Signature',
      !serial && 'Wechatpay-Serial',
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new WechatPaySignatureError('missing-header', `missing header ${missing.join(', ')}`, {
        missing,
      });
    }
    if (signature!.startsWith(PROBE_SIGNATURE_PREFIX)) {
      throw new WechatPaySignatureError(
        'probe-signature',
        'WeChat Pay probe signature (WECHATPAY/SIGNTEST/): correctly refused',
        { serial },
      );
    }
    const timestamp = Number(timestampText);
    const skew = Math.abs(unixSeconds(this.#now()) - timestamp);
    if (!/^\d{1,12}$/.test(timestampText!) || skew >= this.#maxSkew) {
      throw new WechatPaySignatureError(
        'stale-timestamp',
        `Wechatpay-Timestamp ${timestampText} is ${Number.isFinite(skew) ? `${skew} s` : 'far'} from now (limit ${this.#maxSkew} s)`,
        { timestamp: timestampText, maxSkewSeconds: this.#maxSkew },
      );
    }
    const key = this.keys.get(serial!);
    if (!key) {
      throw new WechatPaySignatureError(
        'unknown-serial',
        `Wechatpay-Serial ${serial} names no known platform certificate or public key (known: ${this.keys.serials().join(', ') || 'none'})`,
        { serial, known: this.keys.serials() },
      );
    }
    if (!rsaVerify(key, signedMessage(timestampText!, nonce!, body), signature!)) {
      throw new WechatPaySignatureError(
        'bad-signature',
        `Wechatpay-Signature does not match the body (serial ${serial})`,
        { serial },
      );
    }
    return { timestamp, nonce: nonce!, serial: serial!, requestId: header(headers, 'request-id') };
  }

  /**
   * Like {@link verify}, but when the serial is unknown asks the key store to refresh once (WeChat
   * rotates platform certificates) before giving up.
   */
  async verifyWithRefresh(headers: HeaderBag, body: string | Buffer): Promise<VerifiedHeaders> {
    try {
      return this.verify(headers, body);
    } catch (err) {
      if (
        !(err instanceof WechatPaySignatureError) ||
        err.reason !== 'unknown-serial' ||
        !this.keys.refresh
      ) {
        throw err;
      }
      await this.keys.refresh();
      return this.verify(headers, body);
    }
  }
}

/** Reads a header from any header bag, case-insensitively. */
export function header(headers: HeaderBag, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  return Array.isArray(value) ? value[0] : value;
}
