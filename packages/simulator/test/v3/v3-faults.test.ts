/** Injected faults and probe signatures, as our SDK experiences them. */
import {
  type V3Client,
  WechatPayApiError,
  WechatPaySignatureError,
  WechatPayTransportError,
} from '@wechatpay-kit/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { V3SigningMode } from '../../src/engine/sim-records.js';
import { pendingProbeSignatures, requestProbeSignatures } from '../../src/routes/v3/v3-probe-switch.js';
import { useV3Suite } from './support/v3-suite.js';
import { clientFor, nativeOrder } from './support/v3-test-kit.js';

describe.each<V3SigningMode>(['public-key', 'certificates'])('v3 faults and probes (%s mode)', (mode) => {
  const suite = useV3Suite(mode);
  let noRetry: V3Client;
  let outTradeNo: string;

  beforeAll(async () => {
    noRetry = clientFor(suite.sim, { retry: false, timeoutMs: 500 });
    const order = nativeOrder(suite.sim);
    outTradeNo = order.out_trade_no;
    await suite.wxpay.transactions.native(order);
    await noRetry.transactions.queryByOutTradeNo(outTradeNo); // certificate mode: download before faults start
  });
  afterEach(() => {
    suite.sim.ctx.faults.reset();
    requestProbeSignatures(suite.sim.ctx, 0);
  });
  afterAll(async () => {
    await noRetry.close();
  });

  const caught = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('SYSTEMERROR: a signed 500 SYSTEM_ERROR, retried by the SDK for idempotent calls', async () => {
    suite.sim.ctx.faults.addApiFault({ api: 'v3.transactions.query', kind: 'SYSTEMERROR', times: 1 });
    const order = await suite.wxpay.transactions.queryByOutTradeNo(outTradeNo);
    expect(order.trade_state).toBe('NOTPAY');
    expect(suite.sim.ctx.faults.apiFaults()).toEqual([]);

    suite.sim.ctx.faults.addApiFault({ api: 'v3.transactions.query', kind: 'SYSTEMERROR', times: 1 });
    const error = await caught(noRetry.transactions.queryByOutTradeNo(outTradeNo));
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(error).toMatchObject({ status: 500, code: 'SYSTEM_ERROR', retryable: true });
  });

  it('SYSTEMERROR on order creation: the retry gets the same code_url', async () => {
    suite.sim.ctx.faults.addApiFault({ api: 'v3.transactions.native', kind: 'SYSTEMERROR', times: 1 });
    const order = nativeOrder(suite.sim);
    const first = await suite.wxpay.transactions.native(order);
    expect(await suite.wxpay.transactions.native(order)).toEqual(first);
  });

  it('HTTP_500 / HTTP_503: unsigned gateway pages the SDK reports as HTTP errors', async () => {
    suite.sim.ctx.faults.addApiFault({ api: 'v3.transactions.close', kind: 'HTTP_500', times: 1 });
    const closeError = await caught(suite.wxpay.transactions.close(outTradeNo));
    expect(closeError).toMatchObject({ status: 500, code: 'HTTP_500' });
    expect((await suite.wxpay.transactions.queryByOutTradeNo(outTradeNo)).trade_state).toBe('NOTPAY');

    suite.sim.ctx.faults.addApiFault({ api: 'v3.refunds.query', kind: 'HTTP_503', times: 1 });
    expect(await caught(noRetry.refunds.query('R0001'))).toMatchObject({ status: 503, code: 'HTTP_503' });
    suite.sim.ctx.faults.addApiFault({ api: 'v3.refunds.query', kind: 'HTTP_503', times: 1 });
    expect(await caught(suite.wxpay.refunds.query('R0001'))).toMatchObject({
      status: 404,
      code: 'RESOURCE_NOT_EXISTS',
    });
  });

  it('SLOW: answers normally after the delay', async () => {
    suite.sim.ctx.faults.addApiFault({ api: 'v3.transactions.query', kind: 'SLOW', delayMs: 50, times: 1 });
    expect((await suite.wxpay.transactions.queryByOutTradeNo(outTradeNo)).out_trade_no).toBe(outTradeNo);
  });

  it('NO_ANSWER: the client times out, and the simulator still stops', async () => {
    suite.sim.ctx.faults.addApiFault({ api: 'v3.bills.trade', kind: 'NO_ANSWER', times: 1 });
    const error = await caught(noRetry.bills.tradeBill({ bill_date: '2020-01-01' }));
    expect(error).toBeInstanceOf(WechatPayTransportError);
  });

  it('probe signatures make the SDK refuse the answer, then real signatures resume', async () => {
    requestProbeSignatures(suite.sim.ctx, 1);
    const error = await caught(noRetry.transactions.queryByOutTradeNo(outTradeNo));
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect((error as WechatPaySignatureError).reason).toBe('probe-signature');
    expect(pendingProbeSignatures(suite.sim.ctx)).toBe(0);
    expect((await noRetry.transactions.queryByOutTradeNo(outTradeNo)).trade_state).toBe('NOTPAY');
  });

  it('probes error answers and 204s too', async () => {
    requestProbeSignatures(suite.sim.ctx, 1);
    const missing = await caught(noRetry.transactions.queryByOutTradeNo('NOPE000001'));
    expect(missing).toMatchObject({ reason: 'probe-signature', detail: { code: 'ORDER_NOT_EXIST' } });
    const order = nativeOrder(suite.sim);
    await noRetry.transactions.native(order);
    requestProbeSignatures(suite.sim.ctx, 1);
    expect(await caught(noRetry.transactions.close(order.out_trade_no))).toMatchObject({
      reason: 'probe-signature',
    });
  });
});
