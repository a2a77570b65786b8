/**
 * `/_sim/pay-requests/{verify,pay}`: the checks WeChat's client makes on JSAPI / mini-program pay
 * parameters, and the pay sheet's three outcomes — over real HTTP, with orders placed and pay
 * parameters signed by our SDK.
 */
import { jsapiPayParamsV2, jsapiPayParamsV3, type V2Client, type V2SignType } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2ClientFor } from '../v2/v2-client-for.js';
import { useControlSuite } from './support/control-suite.js';
import {
  type ClientPayParams,
  type Prepay,
  payParamsOf,
  tampered,
  v2Prepay,
  v3Prepay,
} from './support/pay-request-kit.js';

const MERCHANT_PAGE = 'http://127.0.0.1:3000';

describe('pay requests', () => {
  const suite = useControlSuite();
  let v2: V2Client;

  beforeAll(() => {
    v2 = v2ClientFor(suite.sim, { retry: { retries: 0, baseDelayMs: 0 } });
  });
  afterAll(async () => {
    await v2?.close();
  });

  const post = async (action: 'verify' | 'pay', body: unknown) => {
    const res = await fetch(`${suite.sim.url}/_sim/pay-requests/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: MERCHANT_PAGE },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the tests read answers field by field
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const orderState = async (prepay: Prepay) =>
    (await suite.call('GET', `/orders/${prepay.outTradeNo}`)).body.order.state as string;
  const notificationsOf = async (prepay: Prepay) =>
    (await suite.call('GET', `/notifications?outTradeNo=${prepay.outTradeNo}`)).body as unknown[];

  /** A refusal: 400 with the code and words, and the order left untouched. */
  const expectRefused = async (
    prepay: Prepay,
    params: Partial<ClientPayParams> | Record<string, unknown>,
    error: string,
    message: RegExp,
  ) => {
    const before = await orderState(prepay);
    for (const action of ['verify', 'pay'] as const) {
      const answer = await post(action, { ...params, action: 'pay' });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error, message: expect.stringMatching(message) });
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect(await orderState(prepay)).toBe(before);
  };

  it('v3 RSA pay parameters verify and show the order; verifying changes nothing', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client, {
      user: 'bob',
      total: 1288,
      description: '月饼礼盒',
    });
    const answer = await post('verify', payParamsOf(suite.sim, prepay));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      prepayId: prepay.prepayId,
      outTradeNo: prepay.outTradeNo,
      mchid: suite.sim.merchant.mchid,
      merchantName: suite.sim.merchant.name,
      description: '月饼礼盒',
      amountFen: 1288,
      appid: prepay.appid,
      apiVersion: 'v3',
      payerOpenid: prepay.openid,
      payerNickname: '鲍勃 Bob',
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(await orderState(prepay)).toBe('NOTPAY');
    expect(await notificationsOf(prepay)).toEqual([]);
  });

  it.each<V2SignType>(['MD5', 'HMAC-SHA256'])(
    'v2 %s pay parameters verify, and pay as the prepay payer',
    async (signType) => {
      const prepay = await v2Prepay(suite.sim, v2, { user: 'alice', total: 500 });
      const params = payParamsOf(suite.sim, prepay, signType);
      expect((await post('verify', params)).body).toMatchObject({ amountFen: 500, apiVersion: 'v2' });

      const paid = await post('pay', { ...params, action: 'pay' });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ action: 'pay', result: 'ok', tradeState: 'SUCCESS' });
      const query = await v2.orderQuery({ out_trade_no: prepay.outTradeNo });
      expect(query).toMatchObject({ trade_state: 'SUCCESS', openid: prepay.openid, total_fee: 500 });
      expect(query.transaction_id).toBe(paid.body.transactionId);
    },
  );

  it('paying sends the merchant its signed notification, logged as delivered', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client, { notifyUrl: suite.merchant.url, total: 321 });
    const paid = await post('pay', { ...payParamsOf(suite.sim, prepay), action: 'pay' });
    expect(paid.body.result).toBe('ok');

    const notification = await suite.merchant.next('TRANSACTION.SUCCESS', prepay.outTradeNo);
    expect(notification.resource).toMatchObject({
      out_trade_no: prepay.outTradeNo,
      transaction_id: paid.body.transactionId,
      trade_state: 'SUCCESS',
      payer: { openid: prepay.openid },
      amount: { total: 321 },
    });
    await expect
      .poll(async () => (await notificationsOf(prepay)).map((n) => (n as { status: string }).status))
      .toEqual(['delivered']);
    expect(suite.merchant.rejected).toEqual([]);
  });

  it('a tampered paySign is refused with 支付验证签名失败, for v3 and v2', async () => {
    const v3Order = await v3Prepay(suite.sim, suite.client);
    const v3Params = payParamsOf(suite.sim, v3Order);
    await expectRefused(
      v3Order,
      { ...v3Params, paySign: tampered(v3Params.paySign) },
      'SIGN_ERROR',
      /^支付验证签名失败/,
    );
    // signed right but over other values: a page that changed the nonce after signing
    await expectRefused(
      v3Order,
      { ...v3Params, nonceStr: `${v3Params.nonceStr}x` },
      'SIGN_ERROR',
      /支付验证签名失败/,
    );

    const v2Order = await v2Prepay(suite.sim, v2);
    const v2Params = payParamsOf(suite.sim, v2Order, 'HMAC-SHA256');
    await expectRefused(
      v2Order,
      { ...v2Params, paySign: tampered(v2Params.paySign) },
      'SIGN_ERROR',
      /^支付验证签名失败.*HMAC-SHA256/,
    );
    // a valid MD5 sign announced as HMAC-SHA256
    const md5 = payParamsOf(suite.sim, v2Order, 'MD5');
    await expectRefused(v2Order, { ...md5, signType: 'HMAC-SHA256' }, 'SIGN_ERROR', /支付验证签名失败/);
    expect(await notificationsOf(v2Order)).toEqual([]);
  });

  it('an appId other than the order’s is refused', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client);
    // signed honestly by the merchant, but for another app
    const wrongApp = jsapiPayParamsV3({
      appId: 'wx00000000000000ff',
      prepayId: prepay.prepayId,
      privateKey: suite.sim.merchant.privateKeyPem,
    });
    await expectRefused(prepay, wrongApp, 'APPID_MISMATCH', new RegExp(`属于 ${prepay.appid}`));

    // a mini-program's order cannot be paid from a web page (and the other way round)
    const mini = await v3Prepay(suite.sim, suite.client, { appid: suite.sim.merchant.miniProgramAppid });
    await expectRefused(
      mini,
      payParamsOf(suite.sim, mini),
      'APPID_MISMATCH',
      /是小程序，不能在公众号中调起支付/,
    );
    await expectRefused(
      prepay,
      { ...payParamsOf(suite.sim, prepay), kind: 'miniprogram' },
      'APPID_MISMATCH',
      /是公众号，不能在小程序中调起支付/,
    );
  });

  it('a signType not of the order’s API version is refused', async () => {
    const v3Order = await v3Prepay(suite.sim, suite.client);
    // an MD5 sign over the v3 prepay with the v2 key: right recipe, wrong API
    const asV2 = jsapiPayParamsV2({
      appId: v3Order.appid,
      prepayId: v3Order.prepayId,
      apiKey: suite.sim.merchant.apiKey,
    });
    await expectRefused(v3Order, asV2, 'SIGN_TYPE_MISMATCH', /API v3 下单的订单 signType 必须是 RSA/);

    const v2Order = await v2Prepay(suite.sim, v2);
    await expectRefused(
      v2Order,
      { ...payParamsOf(suite.sim, v2Order), signType: 'RSA' },
      'SIGN_TYPE_MISMATCH',
      /API v2 下单的订单 signType 必须是 MD5 或 HMAC-SHA256/,
    );
  });

  it('missing or malformed parameters and unknown prepays are refused', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client);
    const params = payParamsOf(suite.sim, prepay);
    for (const name of ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const) {
      const { [name]: _left, ...rest } = params;
      await expectRefused(prepay, rest, 'MISSING_PARAMETER', new RegExp(`^调用支付JSAPI缺少参数：${name}$`));
    }
    await expectRefused(
      prepay,
      { ...params, timeStamp: Number(params.timeStamp) },
      'BAD_REQUEST',
      /"timeStamp" must be a string/,
    );
    await expectRefused(prepay, { ...params, package: prepay.prepayId }, 'INVALID_PARAMETER', /prepay_id=/);
    await expectRefused(
      prepay,
      { ...params, package: 'prepay_id=wx0000' },
      'PREPAY_NOT_FOUND',
      /prepay_id 不存在：wx0000/,
    );
    const notJson = await post('verify', '{"appId":');
    expect(notJson).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
  });

  it('an order already paid or closed is refused', async () => {
    const paid = await v3Prepay(suite.sim, suite.client);
    const params = payParamsOf(suite.sim, paid);
    expect((await post('pay', { ...params, action: 'pay' })).body.result).toBe('ok');
    await expectRefused(paid, params, 'ORDER_PAID', /该订单已支付/);

    const closed = await v3Prepay(suite.sim, suite.client);
    await suite.client.transactions.close(closed.outTradeNo);
    await expectRefused(closed, payParamsOf(suite.sim, closed), 'ORDER_CLOSED', /该订单已关闭/);
  });

  it('cancel leaves the order unpaid and payable; fail is the bank declining (PAYERROR, no notification)', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client, { notifyUrl: suite.merchant.url });
    const params = payParamsOf(suite.sim, prepay);
    const cancelled = await post('pay', { ...params, action: 'cancel' });
    expect(cancelled).toMatchObject({
      status: 200,
      body: { action: 'cancel', result: 'cancel', tradeState: 'NOTPAY' },
    });
    expect(await orderState(prepay)).toBe('NOTPAY');
    expect((await post('verify', params)).status).toBe(200);

    const failed = await post('pay', { ...params, action: 'fail' });
    expect(failed).toMatchObject({ status: 200, body: { result: 'fail', tradeState: 'PAYERROR' } });
    expect(failed.body.message).toMatch(/支付失败/);
    expect((await suite.client.transactions.queryByOutTradeNo(prepay.outTradeNo)).trade_state).toBe(
      'PAYERROR',
    );
    expect(await notificationsOf(prepay)).toEqual([]);

    const unknownAction = await post('pay', { ...params, action: 'refund' });
    expect(unknownAction).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
  });

  it('a user whose balance is too low cannot pay: 400 NOT_ENOUGH, order unpaid', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client, { user: 'carol', total: 10_000 });
    const answer = await post('pay', { ...payParamsOf(suite.sim, prepay), action: 'pay' });
    expect(answer).toMatchObject({ status: 400, body: { error: 'NOT_ENOUGH', message: '用户余额不足' } });
    expect(await orderState(prepay)).toBe('NOTPAY');
  });

  it('mini-program requests carry no appId: the prepay’s mini-program appid is used', async () => {
    const miniV2 = v2ClientFor(suite.sim, {
      appid: suite.sim.merchant.miniProgramAppid,
      retry: { retries: 0, baseDelayMs: 0 },
    });
    const prepay = await v2Prepay(suite.sim, miniV2, { total: 99 }).finally(() => miniV2.close());
    const { appId: _none, ...params } = payParamsOf(suite.sim, prepay, 'HMAC-SHA256');
    const request = { ...params, kind: 'miniprogram' };
    expect((await post('verify', request)).body).toMatchObject({ appid: prepay.appid, amountFen: 99 });
    expect((await post('verify', { ...request, appid: prepay.appid })).status).toBe(200);
    await expectRefused(prepay, { ...request, appid: suite.sim.merchant.appid }, 'APPID_MISMATCH', /属于/);
    expect((await post('pay', { ...request, action: 'pay' })).body.tradeState).toBe('SUCCESS');
  });

  it('answers CORS preflights from any origin and serves the bridge script', async () => {
    for (const path of ['verify', 'pay']) {
      const res = await fetch(`${suite.sim.url}/_sim/pay-requests/${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: MERCHANT_PAGE,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
    }
    const script = await fetch(`${suite.sim.url}/_sim/jsbridge.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('no-cache');
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    expect(await script.text()).toContain('WeixinJSBridgeReady');
  });

  // last: it moves the simulated clock for the whole suite
  it('a prepay older than 2 hours is refused as expired', async () => {
    const prepay = await v3Prepay(suite.sim, suite.client);
    const params = payParamsOf(suite.sim, prepay);
    expect((await post('verify', params)).status).toBe(200);
    await suite.call('POST', '/clock/advance', { minutes: 121 });
    await expectRefused(prepay, params, 'PREPAY_EXPIRED', /prepay_id 已失效/);
  });
});
