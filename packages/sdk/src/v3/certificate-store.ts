import type { KeyObject } from 'node:crypto';
import type { HttpResponse } from '../core/http-client.js';
import { aesGcmDecrypt, apiV3KeyBuffer } from '../crypto/aes-gcm.js';
import { type CertificateInfo, parseCertificate } from '../crypto/rsa.js';
import { WechatPayApiError, type WechatPayError, WechatPayFormatError } from '../errors.js';
import { V3ResponseVerifier } from './response-verifier.js';
import { v3ApiError } from './v3-error-mapper.js';
import { StaticKeyStore, type VerificationKeyStore } from './verification-keys.js';

const TWELVE_HOURS = 12 * 3600_000;

export interface PlatformCertificateStoreOptions {
  apiV3Key: string | Buffer;
  /**
   * Sends the signed `GET /v3/certificates` and hands back the answer as received. The store
   * verifies it itself: taking a function rather than the client keeps the two free of a cycle.
   */
  fetch: () => Promise<HttpResponse>;
  /** Certificates trusted before any download (PEM), e.g. saved from WeChat's certificate tool. */
  pinned?: Array<string | Buffer>;
  /**
   * An unknown `Wechatpay-Serial` triggers a download; anyone can send a notification with a made-up
   * serial, so downloads after the first are spaced by at least this much. Default 60 s.
   */
  minRefreshIntervalMs?: number;
  /** Called with the error of a failed background refresh (the previous set stays in use). */
  onError?: (error: unknown) => void;
  now?: () => number;
  maxSkewSeconds?: number;
}

/**
 * WeChat Pay platform certificates, downloaded and kept fresh. WeChat rotates them with an overlap
 * and signs with either, so every unexpired certificate it lists is kept, keyed by serial.
 *
 * The download is authenticated twice: each certificate is AEAD-encrypted with the APIv3 key (which
 * only WeChat and the merchant know), and the answer is signed by one of the certificates it carries.
 */
export class PlatformCertificateStore implements VerificationKeyStore {
  readonly #apiV3Key: Buffer;
  readonly #fetch: () => Promise<HttpResponse>;
  readonly #pinned: Map<string, CertificateInfo>;
  readonly #minInterval: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #now: () => number;
  readonly #maxSkew: number | undefined;
  #downloaded = new Map<string, CertificateInfo>();
  #inflight: Promise<void> | undefined;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: PlatformCertificateStoreOptions) {
    this.#apiV3Key = apiV3KeyBuffer(options.apiV3Key);
    this.#fetch = options.fetch;
    const pinned = (options.pinned ?? []).map((pem) => parseCertificate(pem));
    this.#pinned = new Map(pinned.map((cert) => [cert.serialNo, cert]));
    this.#minInterval = options.minRefreshIntervalMs ?? 60_000;
    this.#onError = options.onError;
    this.#now = options.now ?? Date.now;
    this.#maxSkew = options.maxSkewSeconds;
  }

  get(serial: string): KeyObject | undefined {
    const cert = this.#downloaded.get(serial) ?? this.#pinned.get(serial);
    return cert && this.#unexpired(cert) ? cert.publicKey : undefined;
  }

  serials(): string[] {
    return this.certificates().map((c) => c.serialNo);
  }

  /** Every certificate currently trusted (downloaded or pinned) and not expired. */
  certificates(): CertificateInfo[] {
    const all = new Map([...this.#pinned, ...this.#downloaded]);
    return [...all.values()].filter((c) => this.#unexpired(c));
  }

  /**
   * The certificate to encrypt sensitive fields with: the most recently issued one already in
   * effect (WeChat announces successors before they take over). Undefined before the first download.
   */
  newest(): CertificateInfo | undefined {
    const now = this.#now();
    const certs = this.certificates().sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime());
    return certs.find((c) => c.notBefore.getTime() <= now) ?? certs[0];
  }

  /**
   * Downloads the current set. Concurrent callers share one download; after a successful one,
   * further calls within `minRefreshIntervalMs` return at once unless `force` is set.
   */
  refresh(options: { force?: boolean } = {}): Promise<void> {
    if (this.#inflight) return this.#inflight;
    const recent = this.#now() - this.#lastAttempt < this.#minInterval;
    if (!options.force && recent && this.#downloaded.size > 0) return Promise.resolve();
    this.#inflight = this.#download().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /** Refreshes in the background every `intervalMs`; the timer never keeps the process alive. */
  start(intervalMs: number = TWELVE_HOURS): void {
    this.stop();
    this.#timer = setInterval(() => {
      this.refresh({ force: true }).catch((error: unknown) => this.#onError?.(error));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #download(): Promise<void> {
    this.#lastAttempt = this.#now();
    const res = await this.#fetch();
    if (res.status < 200 || res.status >= 300) throw certificatesError(res);
    const fresh = this.#decryptAll(res.body);
    const trusted = new StaticKeyStore();
    for (const cert of [...this.#pinned.values(), ...this.#downloaded.values(), ...fresh.values()]) {
      trusted.add(cert.serialNo, cert.publicKey);
    }
    new V3ResponseVerifier({ keys: trusted, now: this.#now, maxSkewSeconds: this.#maxSkew }).verify(
      res.headers,
      res.body,
    );
    this.#downloaded = fresh;
  }

  #decryptAll(body: Buffer): Map<string, CertificateInfo> {
    let items: unknown;
    try {
      items = (JSON.parse(body.toString('utf8')) as { data?: unknown }).data;
    } catch (cause) {
      throw new WechatPayFormatError('GET /v3/certificates answered with invalid JSON', { cause });
    }
    if (!Array.isArray(items))
      throw new WechatPayFormatError('GET /v3/certificates answer has no data array');
    const fresh = new Map<string, CertificateInfo>();
    for (const item of items as CertificateItem[]) {
      const cert = this.#decryptOne(item);
      if (this.#unexpired(cert)) fresh.set(cert.serialNo, cert);
    }
    if (fresh.size === 0) {
      throw new WechatPayFormatError('GET /v3/certificates listed no unexpired platform certificate');
    }
    return fresh;
  }

  #decryptOne(item: CertificateItem): CertificateInfo {
    const envelope = item?.encrypt_certificate;
    if (envelope?.algorithm !== 'AEAD_AES_256_GCM') {
      throw new WechatPayFormatError(`platform certificate ${item?.serial_no} uses unsupported algorithm`);
    }
    const pem = aesGcmDecrypt(this.#apiV3Key, {
      nonce: envelope.nonce,
      associatedData: envelope.associated_data,
      ciphertext: envelope.ciphertext,
    });
    let cert: CertificateInfo;
    try {
      cert = parseCertificate(pem);
    } catch (cause) {
      throw new WechatPayFormatError(
        `platform certificate ${item.serial_no} is not a valid X.509 certificate`,
        {
          cause,
        },
      );
    }
    if (cert.serialNo !== String(item.serial_no).toUpperCase()) {
      throw new WechatPayFormatError(
        `platform certificate listed as ${item.serial_no} actually has serial ${cert.serialNo}`,
      );
    }
    return cert;
  }

  #unexpired(cert: CertificateInfo): boolean {
    return cert.notAfter.getTime() > this.#now();
  }
}

interface CertificateItem {
  serial_no: string;
  encrypt_certificate: { algorithm: string; nonce: string; associated_data?: string; ciphertext: string };
}

function certificatesError(res: HttpResponse): WechatPayError {
  const err = v3ApiError(res);
  if (res.status !== 404 || err.code !== 'RESOURCE_NOT_EXISTS') return err;
  return new WechatPayApiError(
    'GET /v3/certificates answered 404 RESOURCE_NOT_EXISTS: this merchant uses the WeChat Pay public-key mode; ' +
      'configure verification with its publicKeyId (PUB_KEY_ID_…) and public key instead of platform certificates',
    { code: err.code, status: 404, requestId: err.requestId, detail: err.detail, raw: err.raw },
  );
}
