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
import type { RunningSimulator } from '../../src/simulator-server.js';
import { clientFor, nativeOrder, startV3Simulator } from './support/v3-test-kit.js';

describe.each<V3SigningMode>(['public-key', 'certificates'])('v3 faults and probes (%s mode)', (mode) => {
  let sim: RunningSimulator;
  let wxpay: V3Client;
  let noRetry: V3Client;
  let outTradeNo: string;

  beforeAll(async () => {
    sim = await startV3Simulator(mode);
    wxpay = clientFor(sim);
    noRetry = clientFor(sim, { retry: false, timeoutMs: 500 });
    const order = nativeOrder(sim);
    outTradeNo = order.out_trade_no;
    await wxpay.transactions.native(order);
    await noRetry.transactions.queryByOutTradeNo(outTradeNo); // certificate mode: download before faults start
  });
  afterEach(() => {
    sim.ctx.faults.reset();
    requestProbeSignatures(sim.ctx, 0);
  });
  afterAll(async () => {
    await wxpay.close();
    await noRetry.close();
    await sim.stop();
  });

  const caught = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('SYSTEMERROR: a signed 500 SYSTEM_ERROR, retried by the SDK for idempotent calls', async () => {
    sim.ctx.faults.addApiFault({ api: 'v3.transactions.query', kind: 'SYSTEMERROR', times: 1 });
    const order = await wxpay.transactions.queryByOutTradeNo(outTradeNo);
    expect(order.trade_state).toBe('NOTPAY');
    expect(sim.ctx.faults.apiFaults()).toEqual([]);

    sim.ctx.faults.addApiFault({ api: 'v3.transactions.query', kind: 'SYSTEMERROR', times: 1 });
    const error = await caught(noRetry.transactions.queryByOutTradeNo(outTradeNo));
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(error).toMatchObject({ status: 500, code: 'SYSTEM_ERROR', retryable: true });
  });

  it('SYSTEMERROR on order creation: the retry gets the same code_url', async () => {
    sim.ctx.faults.addApiFault({ api: 'v3.transactions.native', kind: 'SYSTEMERROR', times: 1 });
    const order = nativeOrder(sim);
    const first = await wxpay.transactions.native(order);
    expect(await wxpay.transactions.native(order)).toEqual(first);
  });

  it('HTTP_500 / HTTP_503: unsigned gateway pages the SDK reports as HTTP errors', async () => {
    sim.ctx.faults.addApiFault({ api: 'v3.transactions.close', kind: 'HTTP_500', times: 1 });
    const closeError = await caught(wxpay.transactions.close(outTradeNo));
    expect(closeError).toMatchObject({ status: 500, code: 'HTTP_500' });
    expect((await wxpay.transactions.queryByOutTradeNo(outTradeNo)).trade_state).toBe('NOTPAY');

    sim.ctx.faults.addApiFault({ api: 'v3.refunds.query', kind: 'HTTP_503', times: 1 });
    expect(await caught(noRetry.refunds.query('R0001'))).toMatchObject({ status: 503, code: 'HTTP_503' });
    sim.ctx.faults.addApiFault({ api: 'v3.refunds.query', kind: 'HTTP_503', times: 1 });
    expect(await caught(wxpay.refunds.query('R0001'))).toMatchObject({
      status: 404,
      code: 'RESOURCE_NOT_EXISTS',
    });
  });

  it('SLOW: answers normally after the delay', async () => {
    sim.ctx.faults.addApiFault({ api: 'v3.transactions.query', kind: 'SLOW', delayMs: 50, times: 1 });
    expect((await wxpay.transactions.queryByOutTradeNo(outTradeNo)).out_trade_no).toBe(outTradeNo);
  });

  it('NO_ANSWER: the client times out, and the simulator still stops', async () => {
    sim.ctx.faults.addApiFault({ api: 'v3.bills', kind: 'NO_ANSWER', times: 1 });
    const error = await caught(noRetry.bills.tradeBill({ bill_date: '2020-01-01' }));
    expect(error).toBeInstanceOf(WechatPayTransportError);
  });

  it('probe signatures make the SDK refuse the answer, then real signatures resume', async () => {
    requestProbeSignatures(sim.ctx, 1);
    const error = await caught(noRetry.transactions.queryByOutTradeNo(outTradeNo));
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect((error as WechatPaySignatureError).reason).toBe('probe-signature');
    expect(pendingProbeSignatures(sim.ctx)).toBe(0);
    expect((await noRetry.transactions.queryByOutTradeNo(outTradeNo)).trade_state).toBe('NOTPAY');
  });

  it('probes error answers and 204s too', async () => {
    requestProbeSignatures(sim.ctx, 1);
    const missing = await caught(noRetry.transactions.queryByOutTradeNo('NOPE000001'));
    expect(missing).toMatchObject({ reason: 'probe-signature', detail: { code: 'ORDER_NOT_EXIST' } });
    const order = nativeOrder(sim);
    await noRetry.transactions.native(order);
    requestProbeSignatures(sim.ctx, 1);
    expect(await caught(noRetry.transactions.close(order.out_trade_no))).toMatchObject({
      reason: 'probe-signature',
    });
  });
});
