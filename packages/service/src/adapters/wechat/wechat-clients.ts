import { V2Client, V3Client, type V3Verification } from '@wechatpay-kit/sdk';
import type { PayType } from '../../domain/index.js';

/** One merchant's WeChat Pay credentials and where to reach WeChat (or the simulator). */
export interface WechatMerchantConfig {
  /** The official account (Native, JSAPI, H5, App orders). */
  appid: string;
  /** MINIPROGRAM orders are created under this appid (the payer's openid belongs to it). */
  miniProgramAppid?: string;
  mchid: string;
  /** API v2 key (32 characters). */
  apiKey: string;
  apiV3Key: string;
  /** Serial of the merchant API certificate. */
  serialNo: string;
  privateKeyPem: string;
  /** The merchant API certificate: the client certificate of v2 `/secapi/…` calls (refunds). */
  certificatePem?: string;
  /** How WeChat Pay's v3 signatures are checked: the WeChat Pay public key, or downloaded certificates. */
  verification:
    | { mode: 'public-key'; publicKeyId: string; publicKeyPem: string }
    | { mode: 'certificates'; pinnedPem?: string[] };
  /** Default `https://api.mch.weixin.qq.com`. */
  baseUrl?: string;
  /** The service's public URL; WeChat is told to notify `${notifyBaseUrl}/api/notify/…`. */
  notifyBaseUrl: string;
  /** Clock in ms for v3 signatures and the notification timestamp window (a simulator's movable clock). */
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
  /** Every appid payments may be made under. */
  readonly appids: readonly string[];
  readonly mchid: string;
  /** `notifyBaseUrl` without a trailing slash. */
  readonly notifyBaseUrl: string;
  readonly v2: V2Client;
  /** v2 signs the appid into every request: a mini-program needs its own client (same key, own pool). */
  readonly v2MiniProgram: V2Client;
  readonly v3: V3Client;

  constructor(config: WechatMerchantConfig) {
    this.config = config;
    this.appid = config.appid;
    this.miniProgramAppid = config.miniProgramAppid ?? config.appid;
    this.appids = [...new Set([config.appid, this.miniProgramAppid])];
    this.mchid = config.mchid;
    this.notifyBaseUrl = config.notifyBaseUrl.replace(/\/+$/, '');
    const v2Options = {
      mchid: config.mchid,
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      // The client certificate of `/secapi` (refunds): the merchant API certificate and its key.
      tls: config.certificatePem ? { cert: config.certificatePem, key: config.privateKeyPem } : undefined,
    };
    this.v2 = new V2Client({ ...v2Options, appid: config.appid });
    this.v2MiniProgram =
      this.miniProgramAppid === config.appid
        ? this.v2
        : new V2Client({ ...v2Options, appid: this.miniProgramAppid });
    this.v3 = new V3Client({
      mchid: config.mchid,
      serialNo: config.serialNo,
      privateKey: config.privateKeyPem,
      apiV3Key: config.apiV3Key,
      verification: v3Verification(config.verification),
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      now: config.now,
    });
  }

  /** The appid an order of `payType` is paid under. */
  appidFor(payType: PayType | undefined): string {
    return payType === 'MINIPROGRAM' ? this.miniProgramAppid : this.appid;
  }

  /** The v2 client whose appid an order of `payType` is signed with. */
  v2For(payType: PayType | undefined): V2Client {
    return payType === 'MINIPROGRAM' ? this.v2MiniProgram : this.v2;
  }

  /** Releases the HTTP connection pools. */
  async close(): Promise<void> {
    await Promise.all([this.v2.close(), this.v2MiniProgram.close(), this.v3.close()]);
  }
}

function v3Verification(v: WechatMerchantConfig['verification']): V3Verification {
  return v.mode === 'public-key'
    ? { mode: 'public-key', publicKeyId: v.publicKeyId, publicKey: v.publicKeyPem }
    : { mode: 'certificates', pinned: v.pinnedPem };
}
