/**
 * `/_sim/pay-requests/{verify,pay}` with `kind: 'app'`: what WeChat's App SDK checks on the
 * parameters a merchant's App hands it — above all that the appid is an App of the merchant, since
 * the SDK is registered under the open-platform App's appid, not the official account's.
 */
import { appPayParamsV2, appPayParamsV3, type V2Client } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2ClientFor } from '../v2/v2-client-for.js';
import { useControlSuite } from './support/control-suite.js';
import { outTradeNo } from './support/merchant-kit.js';
import { tampered } from './support/pay-request-kit.js';

describe('App pay requests', () => {
  const suite = useControlSuite();
  let v2App: V2Client;

  beforeAll(() => {
    v2App = v2ClientFor(suite.sim, {
      appid: suite.sim.merchant.appAppid,
      retry: { retries: 0, baseDelayMs: 0 },
    });
  });
  afterAll(async () => {
    await v2App?.close();
  });

  const post = async (action: 'verify' | 'pay', body: object) => {
    const res = await fetch(`${suite.sim.url}/_sim/pay-requests/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'app', ...body }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the tests read answers field by field
    return { status: res.status, body: (await res.json()) as any };
  };
  const stateOf = async (no: string) => (await suite.call('GET', `/orders/${no}`)).body.order.state as string;

  const v3AppOrder = async (appid: string) => {
    const no = outTradeNo('APP3');
    const { prepay_id } = await suite.client.transactions.app({
      appid,
      description: 'App 订单',
      out_trade_no: no,
      notify_url: suite.merchant.url,
      amount: { total: 990 },
    });
    return { no, prepayId: prepay_id };
  };

  it('the demo merchant has an App, and merchantConfig names its appid', () => {
    const app = suite.sim.merchant.apps.find((a) => a.kind === 'app');
    expect(app?.appid).toBe(suite.sim.merchant.appAppid);
    expect(suite.sim.merchant.appAppid).not.toBe(suite.sim.merchant.appid);
  });

  it('v3: parameters signed under the App appid verify, and pay as the user holding the phone', async () => {
    const { no, prepayId } = await v3AppOrder(suite.sim.merchant.appAppid);
    const params = appPayParamsV3({
      appid: suite.sim.merchant.appAppid,
      partnerid: suite.sim.merchant.mchid,
      prepayid: prepayId,
      privateKey: suite.sim.merchant.privateKeyPem,
    });
    const verified = await post('verify', params);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ prepayId, outTradeNo: no, amountFen: 990, apiVersion: 'v3' });
    expect(await stateOf(no)).toBe('NOTPAY');

    const paid = await post('pay', { ...params, user: 'bob' });
    expect(paid.body).toMatchObject({ result: 'ok', tradeState: 'SUCCESS', payerNickname: '鲍勃 Bob' });
    const query = await suite.client.transactions.queryByOutTradeNo(no);
    expect(query.payer?.openid).toBe(suite.sim.ctx.users.openid('bob', suite.sim.merchant.appAppid));
  });

  it('v3: an App order made and signed under the official account appid is refused, as the App SDK fails', async () => {
    const { no, prepayId } = await v3AppOrder(suite.sim.merchant.appid);
    const params = appPayParamsV3({
      appid: suite.sim.merchant.appid,
      partnerid: suite.sim.merchant.mchid,
      prepayid: prepayId,
      privateKey: suite.sim.merchant.privateKeyPem,
    });
    for (const action of ['verify', 'pay'] as const) {
      const answer = await post(action, params);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: 'APPID_MISMATCH',
        message: expect.stringMatching(/是公众号，不是移动应用/),
      });
    }
    expect(await stateOf(no)).toBe('NOTPAY');
  });

  it('v2: the App appid with the API key verifies; a changed sign, partnerid or package does not', async () => {
    const no = outTradeNo('APP2');
    const { prepay_id } = await v2App.unifiedOrder({
      body: 'App 订单 v2',
      out_trade_no: no,
      total_fee: 300,
      spbill_create_ip: '203.0.113.9',
      notify_url: 'http://127.0.0.1:9/api/notify/v2',
      trade_type: 'APP',
    });
    const params = appPayParamsV2({
      appid: suite.sim.merchant.appAppid,
      partnerid: suite.sim.merchant.mchid,
      prepayid: prepay_id,
      apiKey: suite.sim.merchant.apiKey,
    });
    const ok = await post('verify', params);
    expect(ok.body).toMatchObject({ amountFen: 300, apiVersion: 'v2' });
    const refusals: [Record<string, string>, string][] = [
      [{ sign: tampered(params.sign) }, 'SIGN_ERROR'],
      [{ partnerid: '1900000999' }, 'PARTNER_MISMATCH'],
      [{ package: 'prepay_id=x' }, 'INVALID_PARAMETER'],
      [{ noncestr: '' }, 'MISSING_PARAMETER'],
      [{ appid: suite.sim.merchant.miniProgramAppid }, 'APPID_MISMATCH'],
    ];
    for (const [change, error] of refusals) {
      const answer = await post('pay', { ...params, ...change });
      expect(answer.status, error).toBe(400);
      expect(answer.body.error).toBe(error);
    }
    expect(await stateOf(no)).toBe('NOTPAY');
  });

  it('JSAPI pay parameters of an App order are refused by the JSAPI sheet', async () => {
    const { prepayId } = await v3AppOrder(suite.sim.merchant.appAppid);
    const answer = await post('verify', {
      kind: 'jsapi',
      appId: suite.sim.merchant.appAppid,
      timeStamp: '1700000000',
      nonceStr: 'n',
      package: `prepay_id=${prepayId}`,
      signType: 'RSA',
      paySign: 'x',
    });
    expect(answer.body.error).toBe('NOT_JSAPI_ORDER');
  });
});
