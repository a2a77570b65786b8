/**
 * The timeout close asks WeChat before it closes anything: a paid order whose notification was lost
 * must turn PAID without WeChat ever being asked to close it, even while WeChat's close API fails.
 * The real SDK gateway talks to the simulator; the wrapper only writes down which calls were made.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiVersion, WechatGateway } from '../../src/domain/index.js';
import { PaymentHarness, postgresReachable } from './support/payment-harness.js';

const pgUp = await postgresReachable();
const EXPIRED = 15 * 60_000 + 1000;
const CLOSE_API = { v2: 'v2.closeorder', v3: 'v3.transactions.close' } as const;

for (const engine of ['sqlite', 'postgres'] as const) {
  describe.skipIf(engine === 'postgres' && !pgUp)(`timeout close queries first, on ${engine}`, () => {
    let h: PaymentHarness;
    const calls: string[] = [];

    beforeAll(async () => {
      h = await PaymentHarness.start({
        engine,
        wrapGateway: (g): WechatGateway => ({
          appid: g.appid,
          appids: g.appids,
          mchid: g.mchid,
          createPrepay: (order) => g.createPrepay(order),
          query: (order) => {
            calls.push(`query ${order.orderNo}`);
            return g.query(order);
          },
          close: (order) => {
            calls.push(`close ${order.orderNo}`);
            return g.close(order);
          },
        }),
      });
    });
    afterAll(async () => h?.stop());
    afterEach(() => {
      calls.length = 0;
      h.sim.ctx.faults.setApiFaults([]);
      h.sim.ctx.faults.setNotifyFaults({ dropProbability: 0 });
    });

    for (const version of ['v2', 'v3'] as ApiVersion[]) {
      it(`${version}: an expired unpaid order is queried, then closed at WeChat, then here`, async () => {
        const order = await h.nativeOrder(version);
        h.sim.ctx.clock.advance(EXPIRED);
        expect((await h.closeExpired.execute({ orderNo: order.orderNo })).outcome).toBe('CLOSED');
        expect(calls).toEqual([`query ${order.orderNo}`, `close ${order.orderNo}`]);
        expect(h.sim.ctx.trades.lookup(order.orderNo)?.state).toBe('CLOSED');
      });

      it(`${version}: a paid order whose notification was lost turns PAID and WeChat is never asked to close it`, async () => {
        h.sim.ctx.faults.setNotifyFaults({ dropProbability: 1 });
        const order = await h.nativeOrder(version);
        h.pay(order);
        h.sim.ctx.clock.advance(EXPIRED);
        // Were the close sent first, this failing close API would leave the paid order NOTPAY.
        h.sim.ctx.faults.setApiFaults([{ api: CLOSE_API[version], kind: 'SYSTEMERROR' }]);
        const result = await h.closeExpired.execute({ orderNo: order.orderNo });
        expect(result.outcome).toBe('PAID');
        expect(calls).toEqual([`query ${order.orderNo}`]);
        expect((await h.order(order.orderNo)).state).toBe('PAID');
        expect(h.sim.ctx.trades.lookup(order.orderNo)?.state).toBe('SUCCESS');
        await expect(h.gateway.close(order), 'the close API really was failing').rejects.toThrow();
      });
    }
  });
}
