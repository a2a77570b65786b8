import { V2Client, V3Client, type V3Verification } from '@wechatpay-kit/sdk';
import { type ApiVersion, DomainError, type PayType } from '../../domain/index.js';

/** One merchant's WeChat Pay credentials and where to reach WeChat (or the simulator). */
export interface WechatMerchantConfig {
  /** The official account (Native, JSAPI, H5 orders). */
  appid: string;
  /** MINIPROGRAM orders are created under this appid (the payer's openid belongs to it). */
  miniProgramAppid?: string;
  /**
   * APP orders are created and signed under this appid: the open-platform mobile App's, the one
   * WeChat's App SDK is registered with (an official account's appid cannot open the App SDK).
   */
  appAppid?: string;
  mchid: string;
  /** API v2 key (32 characters); without it the merchant has no API v2. */
  apiKey?: string;
  /** APIv3 key; with `serialNo`, `privateKeyPem` and `verification` it gives the merchant API v3. */
  apiV3Key?: string;
  /** Serial of the merchant API certificate. */
  serialNo?: string;
  /** The merchant API private key: v3 request signing, and the key of v2's client certificate. */
  privateKeyPem?: string;
  /** The merchant API certificate: the client certificate of v2 `/secapi/…` calls (refunds). */
  certificatePem?: string;
  /** How WeChat Pay's v3 signatures are checked: the WeChat Pay public key, or downloaded certificates. */
  verification?:
    | { mode: 'public-key'; publicKeyId: string; publicKeyPem: string }
    | { mode: 'certificates'; pinnedPem?: string[] };
  /** Default `https://api.mch.weixin.qq.com`. */
  baseUrl?: string;
  /** The service's public URL; WeChat is told to notify `${notifyBaseUrl}/api/notify/…`. */
  notifyBaseUrl: string;
  /**
   * Clock in ms for v3 signatures and the notification timestamp window; default real time, which
   * is what WeChat (and the simulator, however far its business clock moved) checks and signs with.
   */
  now?: () => number;
  timeoutMs?: number;
}

/**
 * The SDK clients of one merchant, built once per process (keys parsed once, connections kept alive)
 * and shared by every WeChat adapter: payments, refunds, pay parameters, mode-1 callbacks.
 */
export class WechatClients {
  readonly config: Readonly<WechatMerchantConfig>;
  readonly appid: string;
  readonly miniProgramAppid: string;
  /** The mobile App's appid (APP orders); the official account's when none is configured. */
  readonly appAppid: string;
  /** Every appid payments may be made under. */
  readonly appids: readonly string[];
  readonly mchid: string;
  /** `notifyBaseUrl` without a trailing slash. */
  readonly notifyBaseUrl: string;
  /** The API versions this merchant is configured for. */
  readonly apiVersions: readonly ApiVersion[];
  readonly #v2: V2Client | undefined;
  readonly #v2MiniProgram: V2Client | undefined;
  readonly #v2App: V2Client | undefined;
  readonly #v3: V3Client | undefined;

  constructor(config: WechatMerchantConfig) {
    this.config = config;
    this.appid = config.appid;
    this.miniProgramAppid = config.miniProgramAppid ?? config.appid;
    this.appAppid = config.appAppid ?? config.appid;
    this.appids = [...new Set([config.appid, this.miniProgramAppid, this.appAppid])];
    this.mchid = config.mchid;
    this.notifyBaseUrl = config.notifyBaseUrl.replace(/\/+$/, '');
    const { apiKey, apiV3Key, serialNo, privateKeyPem, verification } = config;
    if (apiKey) {
      const v2Options = {
        mchid: config.mchid,
        apiKey,
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
        // The client certificate of `/secapi` (refunds): the merchant API certificate and its key.
        tls:
          config.certificatePem && privateKeyPem
            ? { cert: config.certificatePem, key: privateKeyPem }
            : undefined,
      };
      this.#v2 = new V2Client({ ...v2Options, appid: config.appid });
      // v2 signs the appid into every request: a mini-program or an App needs its own client (same key, own pool).
      const v2Of = (appid: string) =>
        appid === config.appid ? this.#v2 : new V2Client({ ...v2Options, appid });
      this.#v2MiniProgram = v2Of(this.miniProgramAppid);
      this.#v2App = v2Of(this.appAppid);
    }
    if (apiV3Key && serialNo && privateKeyPem && verification) {
      this.#v3 = new V3Client({
        mchid: config.mchid,
        serialNo,
        privateKey: privateKeyPem,
        apiV3Key,
        verification: v3Verification(verification),
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
        now: config.now,
      });
    }
    this.apiVersions = [...(this.#v2 ? ['v2' as const] : []), ...(this.#v3 ? ['v3' as const] : [])];
  }

  /** The API v2 client (official account's appid); throws when the merchant has no API v2. */
  get v2(): V2Client {
    return this.#v2 ?? notConfigured('v2');
  }

  /** The API v2 client signing with the mini-program's appid. */
  get v2MiniProgram(): V2Client {
    return this.#v2MiniProgram ?? notConfigured('v2');
  }

  get v3(): V3Client {
    return this.#v3 ?? notConfigured('v3');
  }

  /** The API v2 key (v2 signatures, `req_info`, mode-1 URLs); throws when the merchant has no API v2. */
  get apiKey(): string {
    return this.config.apiKey ?? notConfigured('v2');
  }

  /** The appid an order of `payType` is paid under. */
  appidFor(payType: PayType | undefined): string {
    if (payType === 'MINIPROGRAM') return this.miniProgramAppid;
    return payType === 'APP' ? this.appAppid : this.appid;
  }

  /** The v2 client whose appid an order of `payType` is signed with. */
  v2For(payType: PayType | undefined): V2Client {
    if (payType === 'MINIPROGRAM') return this.v2MiniProgram;
    if (payType === 'APP') return this.#v2App ?? notConfigured('v2');
    return this.v2;
  }

  /** Releases the HTTP connection pools. */
  async close(): Promise<void> {
    const v2 = new Set([this.#v2, this.#v2MiniProgram, this.#v2App]);
    await Promise.all([...[...v2].map((client) => client?.close()), this.#v3?.close()]);
  }
}

function notConfigured(apiVersion: ApiVersion): never {
  throw new DomainError(
    'API_VERSION_NOT_CONFIGURED',
    `this merchant is not configured for API ${apiVersion}`,
    { apiVersion },
  );
}

function v3Verification(v: NonNullable<WechatMerchantConfig['verification']>): V3Verification {
  return v.mode === 'public-key'
    ? { mode: 'public-key', publicKeyId: v.publicKeyId, publicKey: v.publicKeyPem }
    : { mode: 'certificates', pinned: v.pinnedPem };
}
