/**
 * Injected API faults on the v2 surface: a signed SYSTEMERROR, gateway 5xx pages, slow answers and
 * silent connections — and a simulator that still stops cleanly while a connection is held.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';
import { v2ClientFor } from './v2-client-for.js';
import { expectResultFail, nativeOrder, rawPost, signedBody } from './v2-test-kit.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await sim.stop();
});

describe('v2 API faults', () => {
  it('SYSTEMERROR is a signed result FAIL, and the call did nothing', async () => {
    sim.ctx.faults.addApiFault({ api: 'v2.unifiedorder', kind: 'SYSTEMERROR', times: 1 });
    const answer = await rawPost(`${sim.url}/pay/unifiedorder`, signedBody(sim, nativeOrder('fault-1')));
    expectResultFail(sim, answer, 'SYSTEMERROR');
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'fault-1' })).toBeUndefined();
    const retried = await rawPost(`${sim.url}/pay/unifiedorder`, signedBody(sim, nativeOrder('fault-1')));
    expect(retried.fields.result_code).toBe('SUCCESS');
  });

  it('the SDK retries a SYSTEMERROR with the same parameters and succeeds', async () => {
    sim.ctx.faults.addApiFault({ api: 'v2.orderquery', kind: 'SYSTEMERROR', times: 1 });
    const client = v2ClientFor(sim, {
      retry: { retries: 1, baseDelayMs: 1 },
    });
    const answer = await client.orderQuery({ out_trade_no: 'fault-1' });
    await client.close();
    expect(answer.trade_state).toBe('NOTPAY');
    expect(sim.ctx.faults.apiFaults()).toEqual([]);
  });

  it.each([
    ['HTTP_500', 500],
    ['HTTP_503', 503],
  ] as const)('%s answers that status with an HTML page', async (kind, status) => {
    sim.ctx.faults.addApiFault({ api: 'v2.closeorder', kind, times: 1 });
    const answer = await rawPost(`${sim.url}/pay/closeorder`, signedBody(sim, { out_trade_no: 'fault-1' }));
    expect(answer.status).toBe(status);
    expect(answer.text).toContain(`<h1>${status}`);
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'fault-1' })?.state).toBe('NOTPAY');
  });

  it('SLOW answers normally after the delay', async () => {
    sim.ctx.faults.addApiFault({ api: 'v2.shorturl', kind: 'SLOW', delayMs: 50, times: 1 });
    const answer = await rawPost(
      `${sim.url}/tools/shorturl`,
      signedBody(sim, { long_url: 'weixin://wxpay/bizpayurl?pr=slow123' }),
    );
    expect(answer.fields.result_code).toBe('SUCCESS');
  });

  it('a fault rule only hits the API it names', async () => {
    sim.ctx.faults.addApiFault({ api: 'v2.refund', kind: 'HTTP_500' });
    const answer = await rawPost(`${sim.url}/pay/orderquery`, signedBody(sim, { out_trade_no: 'fault-1' }));
    expect(answer.status).toBe(200);
    sim.ctx.faults.reset();
  });

  it('NO_ANSWER holds the connection until the client gives up, and stop() still returns', async () => {
    const own = await startSimulator({ port: 0 });
    own.ctx.faults.addApiFault({ api: 'v2.downloadbill', kind: 'NO_ANSWER' });
    const body = signedBody(own, { bill_date: '20200101' });
    await expect(post(`${own.url}/pay/downloadbill`, body, 300)).rejects.toThrow('client gave up');

    own.ctx.faults.setApiFaults([{ api: 'v2.downloadbill', kind: 'NO_ANSWER', times: 1 }]);
    const held = post(`${own.url}/pay/downloadbill`, body).catch((e: unknown) => e);
    // the rule is used up once the request has reached the gate and is being held
    while (own.ctx.faults.apiFaults().length > 0) await new Promise((resolve) => setImmediate(resolve));
    await own.stop();
    expect(await held).toMatchObject({ code: 'ECONNRESET' });
  });
});

/** One request on its own connection; `giveUpMs` makes it abandon a silent server. */
function post(url: string, body: string, giveUpMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false, timeout: giveUpMs }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve(text));
    });
    req.on('timeout', () => req.destroy(new Error('client gave up')));
    req.on('error', reject);
    req.end(body);
  });
}
