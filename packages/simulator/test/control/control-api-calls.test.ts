import { V2Client, V3Client, WechatPayApiError } from '@wechatpay-kit/sdk';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { merchantClientOptions } from '../../src/index.js';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';

describe('control API: the log of API calls', () => {
  const suite = useControlSuite();
  let v2: V2Client | undefined;
  afterEach(async () => {
    await suite.call('DELETE', '/faults');
  });
  afterAll(async () => {
    await v2?.close();
  });

  const callsAfter = async (seq: number) =>
    (await suite.call('GET', `/api-calls?after=${seq}&limit=1000`)).body as Record<string, unknown>[];
  const lastSeq = async () => ((await callsAfter(0)).at(-1)?.seq as number | undefined) ?? 0;

  it('logs a v3 call with its merchant, order and answer, and not the control calls around it', async () => {
    const before = await lastSeq();
    const no = outTradeNo('LOG');
    await suite.nativeOrder({ outTradeNo: no, description: 'logged', total: 1 });
    await suite.client.transactions.queryByOutTradeNo(no);
    await suite.call('GET', `/orders/${no}`);
    const calls = await callsAfter(before);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v3/pay/transactions/native',
      `GET /v3/pay/transactions/out-trade-no/${no}`,
    ]);
    expect(calls[0]).toMatchObject({
      family: 'v3',
      mchid: suite.sim.merchant.mchid,
      outTradeNo: no,
      httpStatus: 200,
    });
    expect(calls[0]).not.toHaveProperty('code');
    expect(calls[1]).toMatchObject({ outTradeNo: no, httpStatus: 200 });
    expect(calls[1]!.seq as number).toBeGreaterThan(calls[0]!.seq as number);
  });

  it('logs a refusal with WeChat’s code and words: v3 bad signature, v2 unknown order', async () => {
    const before = await lastSeq();
    const forged = await fetch(`${suite.sim.url}/v3/pay/transactions/out-trade-no/FORGED01?mchid=1`, {
      headers: {
        accept: 'application/json',
        authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${suite.sim.merchant.mchid}",nonce_str="n0",signature="AAAA",timestamp="${Math.floor(Date.now() / 1000)}",serial_no="${suite.sim.merchant.serialNo}"`,
      },
    });
    expect(forged.status).toBe(401);
    v2 = new V2Client({ ...merchantClientOptions(suite.sim.merchant).v2, baseUrl: suite.sim.url });
    await expect(v2.orderQuery({ out_trade_no: 'NEVERPLACED01' })).rejects.toBeInstanceOf(WechatPayApiError);

    const [v3Call, v2Call] = await callsAfter(before);
    expect(v3Call).toMatchObject({
      path: '/v3/pay/transactions/out-trade-no/FORGED01',
      mchid: suite.sim.merchant.mchid,
      outTradeNo: 'FORGED01',
      httpStatus: 401,
      code: 'SIGN_ERROR',
    });
    expect(v2Call).toMatchObject({
      family: 'v2',
      path: '/pay/orderquery',
      mchid: suite.sim.merchant.mchid,
      outTradeNo: 'NEVERPLACED01',
      httpStatus: 200,
      code: 'ORDERNOTEXIST',
    });
    expect(v2Call!.message).toEqual(expect.any(String));
  });

  it('keeps secrets out: no query string, no body, no token', async () => {
    const before = await lastSeq();
    const app = suite.sim.merchant.appid;
    const secretish = 'not-the-secret-0123456789abcdef';
    await fetch(
      `${suite.sim.url}/cgi-bin/token?grant_type=client_credential&appid=${app}&secret=${secretish}`,
    );
    const good = await fetch(
      `${suite.sim.url}/cgi-bin/token?grant_type=client_credential&appid=${app}&secret=${suite.sim.merchant.appSecret}`,
    );
    const token = ((await good.json()) as { access_token: string }).access_token;
    const calls = await callsAfter(before);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ family: 'platform', path: '/cgi-bin/token', code: expect.any(String) });
    expect(calls[1]).toMatchObject({ path: '/cgi-bin/token', httpStatus: 200 });
    expect(calls[1]).not.toHaveProperty('code');
    const logged = JSON.stringify(calls);
    for (const secret of [secretish, suite.sim.merchant.appSecret, token])
      expect(logged).not.toContain(secret);
  });

  it('logs a call held by the NO_ANSWER fault once the client gave up, with no status', async () => {
    await suite.call('PUT', '/faults', {
      api: [{ api: 'v3.transactions.query', kind: 'NO_ANSWER', times: 1 }],
    });
    const before = await lastSeq();
    const impatient = new V3Client({
      ...merchantClientOptions(suite.sim.merchant).v3,
      baseUrl: suite.sim.url,
      timeoutMs: 300,
      retry: false,
    });
    try {
      await expect(impatient.transactions.queryByOutTradeNo('HELD000001')).rejects.toThrow();
    } finally {
      await impatient.close();
    }
    await expect
      .poll(async () => (await callsAfter(before))[0])
      .toMatchObject({
        api: 'v3.transactions.query',
        fault: 'NO_ANSWER',
      });
    expect((await callsAfter(before))[0]).not.toHaveProperty('httpStatus');
  });

  it('filters by merchant, pages by seq and refuses a bad limit', async () => {
    const all = await callsAfter(0);
    expect(all.length).toBeGreaterThan(2);
    const mine = (await suite.call('GET', `/api-calls?mchid=${suite.sim.merchant.mchid}`)).body as {
      mchid: string;
    }[];
    expect(mine.every((c) => c.mchid === suite.sim.merchant.mchid)).toBe(true);
    expect((await suite.call('GET', '/api-calls?limit=1')).body).toEqual([all.at(-1)]);
    expect((await suite.call('GET', `/api-calls?after=${all.at(-1)!.seq}`)).body).toEqual([]);
    const bad = await suite.call('GET', '/api-calls?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('"limit"');
  });
});
