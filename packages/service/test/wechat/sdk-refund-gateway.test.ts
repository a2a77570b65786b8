import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SdkRefundGateway,
  SdkWechatGateway,
  WechatClients,
  type WechatMerchantConfig,
} from '../../src/adapters/wechat/index.js';
import type { ApiVersion, Order, Refund } from '../../src/domain/index.js';
import { newOrderNo } from '../../src/use-cases/index.js';
import { simulatedMerchantConfig, simulatedOrder } from './simulated-merchant.js';

/**
 * The refund adapter against the simulator: the merchant certificate in the config is what lets v2
 * refunds go out (mutual TLS), every answer maps to accepted / refused / unknown, and queries map
 * WeChat's refund states.
 */
describe('SdkRefundGateway against the simulator', () => {
  let sim: RunningSimulator;
  let config: WechatMerchantConfig;
  const clients: WechatClients[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    config = simulatedMerchantConfig(sim, {
      certificatePem: sim.merchant.certificatePem,
      notifyBaseUrl: 'http://127.0.0.1:9/shop',
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim?.stop();
  });

  function gateways(overrides: Partial<WechatMerchantConfig> = {}) {
    const shared = new WechatClients({ ...config, ...overrides });
    clients.push(shared);
    return { refunds: new SdkRefundGateway(shared), payments: new SdkWechatGateway(shared) };
  }

  async function paidOrder(payments: SdkWechatGateway, apiVersion: ApiVersion): Promise<Order> {
    const order = simulatedOrder(sim, apiVersion, { state: 'PAID' });
    const { codeUrl } = await payments.createPrepay(order);
    sim.ctx.trades.pay(sim.ctx.trades.lookup(codeUrl!)!, 'alice');
    return order;
  }

  function refund(order: Order, amountFen: number, refundNo = `R${newOrderNo(new Date())}`): Refund {
    const now = new Date();
    return {
      refundNo,
      orderNo: order.orderNo,
      amountFen,
      reason: 'test',
      state: 'PENDING',
      apiVersion: order.apiVersion,
      wechatRefundId: null,
      errorCode: null,
      errorMessage: null,
      createdAt: now,
      updatedAt: now,
      succeededAt: null,
    };
  }

  for (const apiVersion of ['v3', 'v2'] as const) {
    it(`${apiVersion}: accepted, then queried through PROCESSING and SUCCESS; unknown numbers are undefined`, async () => {
      const { refunds, payments } = gateways();
      const order = await paidOrder(payments, apiVersion);
      const r = refund(order, 300);
      const answer = await refunds.submit(r, order);
      expect(answer).toMatchObject({ kind: 'accepted', status: 'PROCESSING', amountFen: 300 });
      const [atWechat] = sim.ctx.refunds.list(config.mchid).filter((x) => x.outRefundNo === r.refundNo);
      expect(atWechat?.notifyUrl).toBe(`http://127.0.0.1:9/shop/api/notify/${apiVersion}/refund`);
      expect(await refunds.query(r, order)).toMatchObject({ status: 'PROCESSING', amountFen: 300 });
      sim.ctx.refunds.settle(atWechat!, 'SUCCESS');
      const settled = await refunds.query(r, order);
      expect(settled).toMatchObject({ status: 'SUCCESS' });
      expect(settled?.succeededAt).toBeInstanceOf(Date);
      expect(await refunds.query(refund(order, 1, 'R-never-made'), order)).toBeUndefined();
    });

    it(`${apiVersion}: more than is left is refused for good with WeChat's code`, async () => {
      const { refunds, payments } = gateways();
      const order = await paidOrder(payments, apiVersion);
      const answer = await refunds.submit(refund(order, 991), order);
      expect(answer.kind).toBe('refused');
    });
  }

  it('v2 without the merchant certificate: refused as CONFIGURATION_ERROR, nothing sent', async () => {
    const { refunds, payments } = gateways({ certificatePem: undefined });
    const order = await paidOrder(payments, 'v2');
    const r = refund(order, 100);
    expect(await refunds.submit(r, order)).toMatchObject({ kind: 'refused', code: 'CONFIGURATION_ERROR' });
    expect(sim.ctx.refunds.list(config.mchid).filter((x) => x.outRefundNo === r.refundNo)).toEqual([]);
  });

  it('an unreachable WeChat is "unavailable", never a refusal', async () => {
    const { payments } = gateways();
    const order = await paidOrder(payments, 'v3');
    const { refunds: offline } = gateways({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
    expect(await offline.submit(refund(order, 100), order)).toMatchObject({ kind: 'unavailable' });
  });
});
