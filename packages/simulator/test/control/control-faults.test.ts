import { WechatPayApiError, WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';

describe('control API: fault injection and probe signatures', () => {
  const suite = useControlSuite();
  let orderNo: string;

  beforeAll(async () => {
    orderNo = outTradeNo('FLT');
    await suite.nativeOrder({ outTradeNo: orderNo, description: 'faults', total: 10 });
  });
  afterEach(async () => {
    await suite.call('DELETE', '/faults');
  });

  it('makes the next query answer SYSTEM_ERROR once, as our SDK sees it', async () => {
    const put = await suite.call('PUT', '/faults', {
      api: [{ api: 'v3.transactions.query', kind: 'SYSTEMERROR', times: 1 }],
    });
    expect(put.status).toBe(200);
    expect(put.body.api).toEqual([{ api: 'v3.transactions.query', kind: 'SYSTEMERROR', times: 1 }]);

    const failing = suite.client.transactions.queryByOutTradeNo(orderNo);
    await expect(failing).rejects.toBeInstanceOf(WechatPayApiError);
    await expect(failing).rejects.toMatchObject({ code: 'SYSTEM_ERROR', status: 500 });
    expect((await suite.call('GET', '/faults')).body.api).toEqual([]);
    expect((await suite.client.transactions.queryByOutTradeNo(orderNo)).trade_state).toBe('NOTPAY');
  });

  it('makes a family of APIs answer 503 from the gateway until the faults are cleared', async () => {
    await suite.call('PUT', '/faults', { api: [{ api: 'v3.*', kind: 'HTTP_503' }] });
    await expect(suite.client.transactions.queryByOutTradeNo(orderNo)).rejects.toMatchObject({ status: 503 });
    await expect(suite.client.transactions.queryByOutTradeNo(orderNo)).rejects.toMatchObject({ status: 503 });
    const cleared = await suite.call('DELETE', '/faults');
    expect(cleared.body.api).toEqual([]);
    expect((await suite.client.transactions.queryByOutTradeNo(orderNo)).out_trade_no).toBe(orderNo);
  });

  it('drops notifications when told to, and the log says so', async () => {
    const set = await suite.call('PUT', '/faults', { notify: { dropProbability: 1 } });
    expect(set.body.notify).toMatchObject({ dropProbability: 1, duplicateProbability: 0, reorder: false });
    const no = outTradeNo('DRP');
    await suite.nativeOrder({ outTradeNo: no, description: 'dropped', total: 1 });
    await suite.call('POST', `/orders/${no}/pay`, { user: 'alice' });
    await expect
      .poll(async () => (await suite.call('GET', `/orders/${no}`)).body.notifications[0]?.lastAttempt?.fault)
      .toBe('dropped');
    expect(suite.merchant.verified.some((n) => n.resource.out_trade_no === no)).toBe(false);
  });

  it.each([
    ['an unknown kind', { api: [{ api: 'v3.*', kind: 'BOOM' }] }, '"kind" must be one of SYSTEMERROR'],
    ['a rule without kind', { api: [{ api: 'v3.*' }] }, 'missing "kind" in a fault rule'],
    ['a bad API pattern', { api: [{ api: 'v3 transactions', kind: 'HTTP_500' }] }, 'must be an API name'],
    ['a probability above 1', { api: [{ api: '*', kind: 'SLOW', probability: 2 }] }, 'must be a number ≤ 1'],
    ['zero times', { api: [{ api: '*', kind: 'SLOW', times: 0 }] }, 'must be an integer ≥ 1'],
    ['rules that are not a list', { api: { api: '*' } }, 'body field "api" must be an array'],
    ['an unknown notify fault', { notify: { lose: 1 } }, 'unknown notify fault lose'],
    ['a notify probability as text', { notify: { dropProbability: '1' } }, 'must be a number'],
    ['an unknown top-level field', { apis: [] }, 'unknown field apis'],
  ])('refuses %s with 400 and changes nothing', async (_what, body, message) => {
    const answer = await suite.call('PUT', '/faults', body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(message);
    expect((await suite.call('GET', '/faults')).body).toMatchObject({
      api: [],
      notify: { dropProbability: 0 },
    });
  });

  it('probe-signs the next answer, which our SDK refuses, then signs normally again', async () => {
    const probes = await suite.call('POST', '/probe-signatures', { count: 1 });
    expect(probes.status).toBe(200);
    expect(probes.body).toEqual({ pending: 1 });
    const probed = suite.client.transactions.queryByOutTradeNo(orderNo);
    await expect(probed).rejects.toBeInstanceOf(WechatPaySignatureError);
    await expect(probed).rejects.toMatchObject({ reason: 'probe-signature' });
    expect((await suite.client.transactions.queryByOutTradeNo(orderNo)).out_trade_no).toBe(orderNo);
    expect((await suite.call('POST', '/probe-signatures', { count: -1 })).status).toBe(400);
  });
});
