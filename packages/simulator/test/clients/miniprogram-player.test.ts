/**
 * The mini-program player against a real simulator over HTTP: `wx.login()` codes exchanged by our
 * SDK's MiniProgramClient, `wx.requestPayment()` with pay parameters signed by our SDK for prepays
 * placed by our SDK's clients.
 */
import {
  MiniProgramClient,
  miniProgramPayParamsV2,
  PlatformClient,
  type V2Client,
  type WechatPlatformError,
} from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramPlayer, RequestPaymentError } from '../../src/index.js';
import { useControlSuite } from '../control/support/control-suite.js';
import {
  type Prepay,
  payParamsOf,
  tampered,
  v2Prepay,
  v3Prepay,
} from '../control/support/pay-request-kit.js';
import { v2ClientFor } from '../v2/v2-client-for.js';

describe('MiniProgramPlayer', () => {
  const suite = useControlSuite();
  let v2Mini: V2Client;
  let platform: PlatformClient;
  let player: MiniProgramPlayer;
  let mini: { appid: string; secret: string };

  beforeAll(() => {
    const { merchant, url } = suite.sim;
    mini = { appid: merchant.miniProgramAppid, secret: merchant.miniProgramSecret };
    v2Mini = v2ClientFor(suite.sim, { appid: mini.appid, retry: { retries: 0, baseDelayMs: 0 } });
    platform = new PlatformClient({ baseUrl: url, retry: { retries: 0, baseDelayMs: 1 } });
    player = new MiniProgramPlayer({ simulatorUrl: url });
  });
  afterAll(async () => {
    await v2Mini?.close();
    await platform?.close();
  });

  const miniV3Prepay = (total = 600) =>
    v3Prepay(suite.sim, suite.client, {
      appid: mini.appid,
      user: 'alice',
      total,
      notifyUrl: suite.merchant.url,
    });
  const stateOf = async (prepay: Prepay) =>
    (await suite.call('GET', `/orders/${prepay.outTradeNo}`)).body.order.state as string;
  const rejectionOf = async (promise: Promise<unknown>): Promise<RequestPaymentError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RequestPaymentError);
    return error as RequestPaymentError;
  };

  it('login() is wx.login(): a single-use code the merchant exchanges for the user’s openid', async () => {
    expect(await player.appid()).toBe(mini.appid);
    const first = await player.login('alice');
    const second = await player.login('alice');
    expect(first.errMsg).toBe('login:ok');
    expect(second.code).not.toBe(first.code);

    const client = new MiniProgramClient({ ...mini, client: platform });
    const session = await client.code2Session(first.code);
    expect(session.openid).toBe(suite.sim.ctx.users.openid('alice', mini.appid));
    const reused = await client.code2Session(first.code).catch((e: WechatPlatformError) => e);
    expect((reused as WechatPlatformError).errcode).toBe(40163);
    expect((await client.code2Session(second.code)).openid).toBe(session.openid);

    await expect(player.login('mallory')).rejects.toThrow(/^login:fail no simulated user mallory/);
    const webPlayer = new MiniProgramPlayer({ simulatorUrl: suite.sim.url, appid: suite.sim.merchant.appid });
    await expect(webPlayer.login('alice')).rejects.toThrow(/wx\.login needs a mini-program/);
  });

  it('requestPayment() pays a v3 prepay as its payer, and the merchant is notified', async () => {
    const prepay = await miniV3Prepay(600);
    await expect(player.requestPayment(payParamsOf(suite.sim, prepay))).resolves.toEqual({
      errMsg: 'requestPayment:ok',
    });
    const trade = await suite.client.transactions.queryByOutTradeNo(prepay.outTradeNo);
    expect(trade).toMatchObject({
      trade_state: 'SUCCESS',
      payer: { openid: prepay.openid },
      appid: mini.appid,
    });
    const notification = await suite.merchant.next('TRANSACTION.SUCCESS', prepay.outTradeNo);
    expect(notification.resource.transaction_id).toBe(trade.transaction_id);
  });

  it('requestPayment() pays a v2 prepay signed with miniProgramPayParamsV2 (HMAC-SHA256)', async () => {
    const prepay = await v2Prepay(suite.sim, v2Mini, { user: 'bob', total: 250 });
    const params = miniProgramPayParamsV2({
      appId: mini.appid,
      prepayId: prepay.prepayId,
      apiKey: suite.sim.merchant.apiKey,
      signType: 'HMAC-SHA256',
    });
    await expect(player.requestPayment(params)).resolves.toEqual({ errMsg: 'requestPayment:ok' });
    expect(await v2Mini.orderQuery({ out_trade_no: prepay.outTradeNo })).toMatchObject({
      trade_state: 'SUCCESS',
      openid: prepay.openid,
    });
  });

  it('cancel rejects with requestPayment:fail cancel and the order stays payable', async () => {
    const prepay = await miniV3Prepay();
    const params = payParamsOf(suite.sim, prepay);
    const cancelled = await rejectionOf(player.requestPayment(params, { action: 'cancel' }));
    expect(cancelled.errMsg).toBe('requestPayment:fail cancel');
    expect(await stateOf(prepay)).toBe('NOTPAY');
    await expect(player.requestPayment(params)).resolves.toEqual({ errMsg: 'requestPayment:ok' });
    expect(await stateOf(prepay)).toBe('SUCCESS');

    const again = await rejectionOf(player.requestPayment(params));
    expect(again).toMatchObject({
      code: 'ORDER_PAID',
      errMsg: 'requestPayment:fail 该订单已支付，请勿重复支付',
    });
  });

  it('a bank failure and a tampered paySign reject with WeChat’s words', async () => {
    const declined = await miniV3Prepay();
    const failure = await rejectionOf(
      player.requestPayment(payParamsOf(suite.sim, declined), { action: 'fail' }),
    );
    expect(failure.errMsg).toMatch(/^requestPayment:fail 支付失败/);
    expect(await stateOf(declined)).toBe('PAYERROR');

    const forged = await miniV3Prepay();
    const params = payParamsOf(suite.sim, forged);
    const refused = await rejectionOf(
      player.requestPayment({ ...params, paySign: tampered(params.paySign) }),
    );
    expect(refused.code).toBe('SIGN_ERROR');
    expect(refused.errMsg).toMatch(/^requestPayment:fail 支付验证签名失败/);
    expect(await stateOf(forged)).toBe('NOTPAY');

    // a web page's JSAPI order cannot be paid from the mini-program
    const web = await v3Prepay(suite.sim, suite.client);
    const wrongApp = await rejectionOf(player.requestPayment(payParamsOf(suite.sim, web)));
    expect(wrongApp.code).toBe('APPID_MISMATCH');
    expect(await stateOf(web)).toBe('NOTPAY');
  });
});
