import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V3ClientOptions } from '@wechatpay-kit/sdk';

/**
 * Where the shop's WeChat settings come from: the merchant directory `npx wxpay sim` writes
 * (`data/simulator/merchant/`), or one holding the real merchant's files in the same shapes. Read
 * once at start-up; a missing file fails the start, not the first payment.
 */
export class ShopConfig {
  readonly v3Options: V3ClientOptions;
  readonly mchid: string;
  /** Orders are made and their pay parameters signed under the mini-program's appid. */
  readonly miniProgramAppid: string;
  readonly miniProgramSecret: string;
  /** `api.weixin.qq.com` (jscode2session); the simulator serves it too. */
  readonly platformBaseUrl: string | undefined;
  readonly orderTtlMs: number;
  /** The public HTTPS origin WeChat calls back; set from the listening address when not given. */
  publicUrl: string | undefined;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const dir = env.WXPAY_MERCHANT_DIR ?? 'data/simulator/merchant';
    const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const merchant = read('merchant.json') as {
      miniProgramAppid: string;
      miniProgramSecret: string;
      baseUrl?: string;
    };
    const simUrl = env.SIM_URL;
    const v3 = read('v3-client-options.json') as V3ClientOptions & { privateKey: string };
    // The client parses the key once and signs every request and every paySign with it.
    this.v3Options = {
      ...v3,
      privateKey: createPrivateKey(v3.privateKey),
      ...(simUrl ? { baseUrl: simUrl } : {}),
    };
    this.mchid = this.v3Options.mchid;
    this.miniProgramAppid = merchant.miniProgramAppid;
    this.miniProgramSecret = merchant.miniProgramSecret;
    this.platformBaseUrl = simUrl ?? merchant.baseUrl;
    this.orderTtlMs = Number(env.ORDER_TTL_SECONDS ?? 900) * 1000;
    this.publicUrl = env.PUBLIC_URL;
  }
}
