import type { RunningSimulator } from '@wechatpay-kit/simulator';
import type { WechatMerchantConfig } from '../../src/adapters/wechat/index.js';

/** The WeChat adapters' config for the simulator's demo merchant (public-key mode, the simulator's clock). */
export function simulatedMerchantConfig(
  sim: RunningSimulator,
  extra: Partial<WechatMerchantConfig> = {},
): WechatMerchantConfig {
  const m = sim.merchant;
  return {
    appid: m.appid,
    mchid: m.mchid,
    apiKey: m.apiKey,
    apiV3Key: m.apiV3Key,
    serialNo: m.serialNo,
    privateKeyPem: m.privateKeyPem,
    verification: { mode: 'public-key', publicKeyId: m.publicKeyId, publicKeyPem: m.publicKeyPem },
    baseUrl: sim.url,
    notifyBaseUrl: 'http://127.0.0.1:9/shop/',
    now: () => sim.ctx.clock.now(),
    ...extra,
  };
}
