import { describe, expect, it } from 'vitest';
import type { V3SigningMode } from '../../src/engine/sim-records.js';
import { apiError } from './support/api-error.js';
import { useV3Suite } from './support/v3-suite.js';
import { NOTIFY_URL, nativeOrder, payAs, uniqueNo } from './support/v3-test-kit.js';

describe.each<V3SigningMode>(['public-key', 'certificates'])('v3 transactions (%s mode)', (mode) => {
  const suite = useV3Suite(mode);

  it('creates a Native order, shows it unpaid, then paid after the user pays', async () => {
    const order = nativeOrder(suite.sim, { attach: 'cart=42' });
    const { code_url } = await suite.wxpay.transactions.native(order);
    expect(code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);

    const unpaid = await suite.wxpay.transactions.queryByOutTradeNo(order.out_trade_no);
    expect(unpaid).toMatchObject({
      appid: suite.sim.merchant.appid,
      mchid: suite.sim.merchant.mchid,
      out_trade_no: order.out_trade_no,
      trade_type: 'NATIVE',
      trade_state: 'NOTPAY',
      trade_state_desc: '未支付',
      amount: { total: 100, currency: 'CNY', payer_currency: 'CNY' },
    });
    expect(unpaid).not.toHaveProperty('transaction_id');
    expect(unpaid).not.toHaveProperty('payer');
    expect(unpaid).not.toHaveProperty('success_time');

    const paid = payAs(suite.sim, order.out_trade_no);
    const byId = await suite.wxpay.transactions.queryById(paid.transactionId!);
    expect(byId).toMatchObject({
      transaction_id: paid.transactionId,
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      attach: 'cart=42',
      payer: { openid: suite.sim.ctx.users.openid('alice', suite.sim.merchant.appid) },
      amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
    });
    expect(byId.success_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(await suite.wxpay.transactions.queryByOutTradeNo(order.out_trade_no)).toEqual(byId);
  });

  it('creates JSAPI, mini-program, App and H5 orders', async () => {
    const openid = suite.sim.ctx.users.openid('bob', suite.sim.merchant.appid);
    const jsapi = await suite.wxpay.transactions.jsapi({ ...nativeOrder(suite.sim), payer: { openid } });
    expect(jsapi.prepay_id).toMatch(/^wx\d{14}[0-9a-f]+$/);

    const mini = suite.sim.merchant.miniProgramAppid;
    const miniOrder = {
      ...nativeOrder(suite.sim, { appid: mini }),
      payer: { openid: suite.sim.ctx.users.openid('bob', mini) },
    };
    expect((await suite.wxpay.transactions.jsapi(miniOrder)).prepay_id).toMatch(/^wx/);

    const appApp = suite.sim.merchant.apps.find((a) => a.kind === 'app')!.appid;
    expect((await suite.wxpay.transactions.app(nativeOrder(suite.sim, { appid: appApp }))).prepay_id).toMatch(
      /^wx/,
    );

    const h5 = await suite.wxpay.transactions.h5({
      ...nativeOrder(suite.sim),
      scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } },
    });
    expect(h5.h5_url).toMatch(
      new RegExp(`^${suite.sim.url}/cgi-bin/mmpayweb-bin/checkmweb\\?prepay_id=wx\\w+&package=\\d{10}$`),
    );
    const h5Trade = suite.sim.ctx.trades.lookup(new URL(h5.h5_url).searchParams.get('prepay_id')!);
    expect(h5Trade?.tradeType).toBe('MWEB');
    expect(h5Trade?.clientIp).toBe('203.0.113.7');
  });

  it('answers a re-submitted order with the same code_url, and refuses other parameters', async () => {
    const order = nativeOrder(suite.sim);
    const first = await suite.wxpay.transactions.native(order);
    expect(await suite.wxpay.transactions.native(order)).toEqual(first);
    const error = await apiError(suite.wxpay.transactions.native({ ...order, amount: { total: 101 } }));
    expect(error).toMatchObject({ status: 403, code: 'OUT_TRADE_NO_USED' });
  });

  it('closes an unpaid order (204) and refuses to close or re-create a paid one', async () => {
    const open = nativeOrder(suite.sim);
    await suite.wxpay.transactions.native(open);
    await expect(suite.wxpay.transactions.close(open.out_trade_no)).resolves.toBeUndefined();
    expect((await suite.wxpay.transactions.queryByOutTradeNo(open.out_trade_no)).trade_state).toBe('CLOSED');
    expect(await apiError(suite.wxpay.transactions.native(open))).toMatchObject({
      status: 400,
      code: 'ORDER_CLOSED',
    });

    const paid = nativeOrder(suite.sim);
    await suite.wxpay.transactions.native(paid);
    payAs(suite.sim, paid.out_trade_no);
    expect(await apiError(suite.wxpay.transactions.close(paid.out_trade_no))).toMatchObject({
      status: 400,
      code: 'ORDERPAID',
    });
    expect(await apiError(suite.wxpay.transactions.native(paid))).toMatchObject({
      status: 400,
      code: 'ORDERPAID',
    });
  });

  it('answers 404 ORDER_NOT_EXIST for unknown orders, and unpaid orders are not found by id', async () => {
    expect(await apiError(suite.wxpay.transactions.queryByOutTradeNo(uniqueNo('NOPE')))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_EXIST',
    });
    expect(await apiError(suite.wxpay.transactions.queryById('4200000000202601011234567890'))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_EXIST',
    });
    expect(await apiError(suite.wxpay.transactions.close(uniqueNo('NOPE')))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_EXIST',
    });
  });

  it('honours time_expire: the order cannot be paid after it', async () => {
    const expire = new Date(suite.sim.ctx.clock.now() + 10 * 60_000);
    const order = nativeOrder(suite.sim, {
      time_expire: `${new Date(expire.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`,
    });
    await suite.wxpay.transactions.native(order);
    const trade = suite.sim.ctx.trades.find(suite.sim.merchant.mchid, { outTradeNo: order.out_trade_no })!;
    expect(Math.abs(trade.expiresAt - expire.getTime())).toBeLessThan(1000);
    suite.sim.ctx.clock.advance(11 * 60_000);
    expect(() => payAs(suite.sim, order.out_trade_no)).toThrow(/过期/);
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
        suite.wxpay.request('POST', '/v3/pay/transactions/native', {
          body: { ...nativeOrder(suite.sim), ...change, mchid: suite.sim.merchant.mchid },
        }),
      );
      expect(error, JSON.stringify(change)).toMatchObject({ status, code });
      expect((error.detail as { field?: string }).field).toBe(field);
    }
    const yuan = await apiError(
      suite.wxpay.request('POST', '/v3/pay/transactions/native', {
        body: { ...nativeOrder(suite.sim), mchid: suite.sim.merchant.mchid, amount: { total: 0.01 } },
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
      suite.wxpay.request('POST', '/v3/pay/transactions/native', {
        body: { ...nativeOrder(suite.sim), mchid: '1900000001' },
      }),
    );
    expect(body).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: 'mchid', location: 'body' },
    });
    const query = await apiError(
      suite.wxpay.request('GET', `/v3/pay/transactions/out-trade-no/${uniqueNo()}`, {
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
    const foreign = suite.sim.ctx.users.openid('alice', suite.sim.merchant.miniProgramAppid);
    const mismatch = await apiError(
      suite.wxpay.transactions.jsapi({ ...nativeOrder(suite.sim), payer: { openid: foreign } }),
    );
    expect(mismatch).toMatchObject({ status: 400, code: 'PARAM_ERROR', detail: { field: 'payer.openid' } });
    expect(mismatch.message).toContain('appid和openid不匹配');

    const noPayer = await apiError(
      suite.wxpay.request('POST', '/v3/pay/transactions/jsapi', {
        body: { ...nativeOrder(suite.sim), mchid: suite.sim.merchant.mchid },
      }),
    );
    expect(noPayer.detail).toMatchObject({ field: 'payer' });

    const badIp = await apiError(
      suite.wxpay.request('POST', '/v3/pay/transactions/h5', {
        body: {
          ...nativeOrder(suite.sim),
          mchid: suite.sim.merchant.mchid,
          scene_info: { payer_client_ip: 'nope', h5_info: { type: 'Wap' } },
        },
      }),
    );
    expect(badIp.detail).toMatchObject({ field: 'scene_info.payer_client_ip' });
  });

  it('keeps the notify_url and description the order was made with', async () => {
    const order = nativeOrder(suite.sim, { description: '商品 ✓' });
    await suite.wxpay.transactions.native(order);
    expect(
      suite.sim.ctx.trades.find(suite.sim.merchant.mchid, { outTradeNo: order.out_trade_no }),
    ).toMatchObject({
      notifyUrl: NOTIFY_URL,
      description: '商品 ✓',
      apiVersion: 'v3',
    });
  });
});
