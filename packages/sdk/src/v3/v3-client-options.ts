import type { HttpClient } from '../core/http-client.js';
import type { RetryPolicy } from '../core/retry.js';
import type { KeyInput } from '../crypto/rsa.js';
import type { VerificationKeyStore } from './verification-keys.js';

/** Options of the platform-certificate mode. */
export interface V3CertificateModeOptions {
  /** Certificates (PEM) trusted before the first download. */
  pinned?: Array<string | Buffer>;
  /**
   * Re-download in the background this often, default 12 h, so a rotated certificate is known
   * before the first answer signed with it arrives; `0` turns it off (unknown serials still trigger
   * a download). The timer never keeps the process alive.
   */
  refreshIntervalMs?: number;
  minRefreshIntervalMs?: number;
  onRefreshError?: (error: unknown) => void;
}

/**
 * How WeChat Pay's signatures are checked. Merchants created since late 2024 have only the public
 * key; older ones have platform certificates; during the migration WeChat may sign with either.
 */
export type V3Verification =
  | { mode: 'public-key'; publicKeyId: string; publicKey: KeyInput }
  | ({ mode: 'certificates' } & V3CertificateModeOptions)
  | ({ mode: 'both'; publicKeyId: string; publicKey: KeyInput } & V3CertificateModeOptions)
  | { mode: 'custom'; keys: VerificationKeyStore; encryptionKey?: { serial: string; publicKey: KeyInput } };

export interface V3ClientOptions {
  mchid: string;
  /** Serial of the merchant API certificate. */
  serialNo: string;
  /** Merchant API private key (`apiclient_key.pem`). */
  privateKey: KeyInput;
  /** The 32-character APIv3 key (certificate download, notifications). */
  apiV3Key: string | Buffer;
  /** Default `{ mode: 'certificates' }`. */
  verification?: V3Verification;
  /** Default `https://api.mch.weixin.qq.com`; point it at the simulator in development. */
  baseUrl?: string;
  /** Default: an {@link UndiciHttpClient} owned (and closed) by this client. */
  http?: HttpClient;
  timeoutMs?: number;
  /** Retries of idempotent calls; `false` disables them. */
  retry?: Partial<RetryPolicy> | false;
  userAgent?: string;
  /** Clock in ms, for signatures and freshness checks (simulators with a movable clock). */
  now?: () => number;
}
