import type { RunningSimulator } from '@wechatpay-kit/simulator';
import type { WechatMerchantConfig } from '../../src/adapters/wechat/index.js';
import type { ApiVersion, Order } from '../../src/domain/index.js';
import { newOrderNo } from '../../src/use-cases/index.js';

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
    ...extra,
  };
}

/** A Native order of the demo coffee (¥9.90, 15 minutes) as the gateway sees it, created at the simulator's now. */
export function simulatedOrder(
  sim: RunningSimulator,
  apiVersion: ApiVersion,
  extra: Partial<Order> = {},
): Order {
  const createdAt = new Date(sim.ctx.clock.now());
  return {
    orderNo: newOrderNo(createdAt),
    productId: 'demo-coffee',
    quantity: 1,
    description: '拿铁咖啡',
    amountFen: 990,
    state: 'NOTPAY',
    payType: 'NATIVE',
    apiVersion,
    openid: null,
    payerOpenid: null,
    clientIp: '127.0.0.1',
    codeUrl: null,
    prepayId: null,
    h5Url: null,
    transactionId: null,
    wechatErrorCode: null,
    wechatErrorMessage: null,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 15 * 60_000),
    paidAt: null,
    closedAt: null,
    fulfilledAt: null,
    refundedFen: 0,
    ...extra,
  };
}
