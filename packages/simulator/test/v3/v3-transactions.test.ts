/**
 * Orders through our SDK's V3Client against a running simulator, in both ways WeChat Pay signs:
 * public-key mode (new merchants) and platform-certificate mode (the client downloads
 * /v3/certificates). Every answer reaching these assertions has passed the SDK's verification.
 */
import { type V3Client, WechatPayApiError } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V3SigningMode } from '../../src/engine/sim-records.js';
import type { RunningSimulator } from '../../src/simulator-server.js';
import {
  clientFor,
  NOTIFY_URL,
  nativeOrder,
  payAs,
  startV3Simulator,
  uniqueNo,
} from './support/v3-test-kit.js';

async function apiError(promise: Promise<unknown>): Promise<WechatPayApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPayApiError);
  return error as WechatPayApiError;
}

describe.each<V3SigningMode>(['public-key', 'certificates'])('v3 transactions (%s mode)', (mode) => {
  let sim: RunningSimulator;
  let wxpay: V3Client;

  beforeAll(async () => {
    sim = await startV3Simulator(mode);
    wxpay = clientFor(sim);
  });
  afterAll(async () => {
    await wxpay.close();
    await sim.stop();
  });

  it('creates a Native order, shows it unpaid, then paid after the user pays', async () => {
    const order = nativeOrder(sim, { attach: 'cart=42' });
    const { code_url } = await wxpay.transactions.native(order);
    expect(code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);

    const unpaid = await wxpay.transactions.queryByOutTradeNo(order.out_trade_no);
    expect(unpaid).toMatchObject({
      appid: sim.merchant.appid,
      mchid: sim.merchant.mchid,
      out_trade_no: order.out_trade_no,
      trade_type: 'NATIVE',
      trade_state: 'NOTPAY',
      trade_state_desc: '未支付',
      amount: { total: 100, currency: 'CNY', payer_currency: 'CNY' },
    });
    expect(unpaid).not.toHaveProperty('transaction_id');
    expect(unpaid).not.toHaveProperty('payer');
    expect(unpaid).not.toHaveProperty('success_time');

    const paid = payAs(sim, order.out_trade_no);
    const byId = await wxpay.transactions.queryById(paid.transactionId!);
    expect(byId).toMatchObject({
      transaction_id: paid.transactionId,
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      attach: 'cart=42',
      payer: { openid: sim.ctx.users.openid('alice', sim.merchant.appid) },
      amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
    });
    expect(byId.success_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(await wxpay.transactions.queryByOutTradeNo(order.out_trade_no)).toEqual(byId);
  });

  it('creates JSAPI, mini-program, App and H5 orders', async () => {
    const openid = sim.ctx.users.openid('bob', sim.merchant.appid);
    const jsapi = await wxpay.transactions.jsapi({ ...nativeOrder(sim), payer: { openid } });
    expect(jsapi.prepay_id).toMatch(/^wx\d{14}[0-9a-f]+$/);

    const mini = sim.merchant.miniProgramAppid;
    const miniOrder = {
      ...nativeOrder(sim, { appid: mini }),
      payer: { openid: sim.ctx.users.openid('bob', mini) },
    };
    expect((await wxpay.transactions.jsapi(miniOrder)).prepay_id).toMatch(/^wx/);

    const appApp = sim.merchant.apps.find((a) => a.kind === 'app')!.appid;
    expect((await wxpay.transactions.app(nativeOrder(sim, { appid: appApp }))).prepay_id).toMatch(/^wx/);

    const h5 = await wxpay.transactions.h5({
      ...nativeOrder(sim),
      scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } },
    });
    expect(h5.h5_url).toContain(`${sim.url}/_sim/phone?prepay_id=`);
    const h5Trade = sim.ctx.trades.lookup(new URL(h5.h5_url).searchParams.get('prepay_id')!);
    expect(h5Trade?.tradeType).toBe('MWEB');
    expect(h5Trade?.clientIp).toBe('203.0.113.7');
  });

  it('answers a re-submitted order with the same code_url, and refuses other parameters', async () => {
    const order = nativeOrder(sim);
    const first = await wxpay.transactions.native(order);
    expect(await wxpay.transactions.native(order)).toEqual(first);
    const error = await apiError(wxpay.transactions.native({ ...order, amount: { total: 101 } }));
    expect(error).toMatchObject({ status: 403, code: 'OUT_TRADE_NO_USED' });
  });

  it('closes an unpaid order (204) and refuses to close or re-create a paid one', async () => {
    const open = nativeOrder(sim);
    await wxpay.transactions.native(open);
    await expect(wxpay.transactions.close(open.out_trade_no)).resolves.toBeUndefined();
    expect((await wxpay.transactions.queryByOutTradeNo(open.out_trade_no)).trade_state).toBe('CLOSED');
    expect(await apiError(wxpay.transactions.native(open))).toMatchObject({
      status: 400,
      code: 'ORDER_CLOSED',
    });

    const paid = nativeOrder(sim);
    await wxpay.transactions.native(paid);
    payAs(sim, paid.out_trade_no);
    expect(await apiError(wxpay.transactions.close(paid.out_trade_no))).toMatchObject({
      status: 400,
      code: 'ORDERPAID',
    });
    expect(await apiError(wxpay.transactions.native(paid))).toMatchObject({ status: 400, code: 'ORDERPAID' });
  });

  it('answers 404 ORDER_NOT_EXIST for unknown orders, and unpaid orders are not found by id', async () => {
    expect(await apiError(wxpay.transactions.queryByOutTradeNo(uniqueNo('NOPE')))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_EXIST',
    });
    expect(await apiError(wxpay.transactions.queryById('4200000000202601011234567890'))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_EXIST',
    });
    expect(await apiError(wxpay.transactions.close(uniqueNo('NOPE')))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_EXIST',
    });
  });

  it('honours time_expire: the order cannot be paid after it', async () => {
    const expire = new Date(sim.ctx.clock.now() + 10 * 60_000);
    const order = nativeOrder(sim, {
      time_expire: `${new Date(expire.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`,
    });
    await wxpay.transactions.native(order);
    const trade = sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: order.out_trade_no })!;
    expect(Math.abs(trade.expiresAt - expire.getTime())).toBeLessThan(1000);
    sim.ctx.clock.advance(11 * 60_000);
    expect(() => payAs(sim, order.out_trade_no)).toThrow(/过期/);
  });

  it('refuses what WeChat refuses, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ appid: 'wx0000000000000000' }, 400, 'APPID_MCHID_NOT_MATCH', 'appid'],
      [{ description: 'x'.repeat(128) }, 400, 'PARAM_ERROR', 'description'],
      [{ time_expire: '2001-01-01T00:00:00+08:00' }, 400, 'PARAM_ERROR', 'time_expire'],
      [{ notify_url: 'ftp://127.0.0.1/notify' }, 400, 'PARAM_ERROR', 'notify_url'],
    ];
    for (const [change, status, code, field] of cases) {
      const error = await apiError(
        wxpay.request('POST', '/v3/pay/transactions/native', {
          body: { ...nativeOrder(sim), ...change, mchid: sim.merchant.mchid },
        }),
      );
      expect(error, JSON.stringify(change)).toMatchObject({ status, code });
      expect((error.detail as { field?: string }).field).toBe(field);
    }
    const yuan = await apiError(
      wxpay.request('POST', '/v3/pay/transactions/native', {
        body: { ...nativeOrder(sim), mchid: sim.merchant.mchid, amount: { total: 0.01 } },
      }),
    );
    expect(yuan).toMatchObject({ status: 400, code: 'PARAM_ERROR' });
    expect(yuan.detail).toMatchObject({
      field: 'amount.total',
      issue: expect.stringContaining('integer fen'),
    });
  });

  it('refuses a body mchid or query mchid other than the signing merchant', async () => {
    const body = await apiError(
      wxpay.request('POST', '/v3/pay/transactions/native', {
        body: { ...nativeOrder(sim), mchid: '1900000001' },
      }),
    );
    expect(body).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'mchid', location: 'body' },
    });
    const query = await apiError(
      wxpay.request('GET', `/v3/pay/transactions/out-trade-no/${uniqueNo()}`, {
        query: { mchid: '1900000001' },
      }),
    );
    expect(query).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'mchid', location: 'query' },
    });
  });

  it('needs payer.openid of the same app for JSAPI, and a client IP and h5_info for H5', async () => {
    const foreign = sim.ctx.users.openid('alice', sim.merchant.miniProgramAppid);
    const mismatch = await apiError(
      wxpay.transactions.jsapi({ ...nativeOrder(sim), payer: { openid: foreign } }),
    );
    expect(mismatch).toMatchObject({ status: 400, code: 'PARAM_ERROR', detail: { field: 'payer.openid' } });
    expect(mismatch.message).toContain('appid和openid不匹配');

    const noPayer = await apiError(
      wxpay.request('POST', '/v3/pay/transactions/jsapi', {
        body: { ...nativeOrder(sim), mchid: sim.merchant.mchid },
      }),
    );
    expect(noPayer.detail).toMatchObject({ field: 'payer' });

    const badIp = await apiError(
      wxpay.request('POST', '/v3/pay/transactions/h5', {
        body: {
          ...nativeOrder(sim),
          mchid: sim.merchant.mchid,
          scene_info: { payer_client_ip: 'nope', h5_info: { type: 'Wap' } },
        },
      }),
    );
    expect(badIp.detail).toMatchObject({ field: 'scene_info.payer_client_ip' });
  });

  it('keeps the notify_url and description the order was made with', async () => {
    const order = nativeOrder(sim, { description: '商品 ✓' });
    await wxpay.transactions.native(order);
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: order.out_trade_no })).toMatchObject({
      notifyUrl: NOTIFY_URL,
      description: '商品 ✓',
      apiVersion: 'v3',
    });
  });
});
