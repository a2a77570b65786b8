/**
 * Our SDK's V2Client against the simulator over real HTTP, operation by operation: what a
 * merchant's code sees, signatures checked by the client itself on every answer.
 */
import { parseBillCsv, type V2Client, WechatPayApiError } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShortUrlBook } from '../../src/routes/short-url-book.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';
import { v2ClientFor } from './v2-client-for.js';
import { beijingToday, expectReturnFail, nativeOrder, rawPost, signedBody } from './v2-test-kit.js';

let sim: RunningSimulator;
let client: V2Client;

const order = (outTradeNo: string, totalFee = 100) => ({
  body: '模拟商品',
  out_trade_no: outTradeNo,
  total_fee: totalFee,
  spbill_create_ip: '203.0.113.7',
  notify_url: 'http://127.0.0.1:9/notify',
});

function payNow(outTradeNo: string, user = 'alice') {
  const trade = sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo })!;
  return sim.ctx.trades.pay(trade, user);
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  client = v2ClientFor(sim, {
    tls: { cert: sim.merchant.certificatePem, key: sim.merchant.privateKeyPem },
    retry: { retries: 0, baseDelayMs: 0 },
  });
});

afterAll(async () => {
  await client.close();
  await sim.stop();
});

describe('unifiedorder', () => {
  it('NATIVE answers a code_url and a prepay_id of a new NOTPAY order', async () => {
    const answer = await client.unifiedOrder({
      ...order('native-1'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
    });
    expect(answer.trade_type).toBe('NATIVE');
    expect(answer.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const trade = sim.ctx.trades.lookup(answer.code_url!)!;
    expect(trade).toMatchObject({
      outTradeNo: 'native-1',
      prepayId: answer.prepay_id,
      totalFen: 100,
      state: 'NOTPAY',
      apiVersion: 'v2',
    });
  });

  it('the same out_trade_no and parameters answer the same prepay again', async () => {
    const first = await client.unifiedOrder({
      ...order('native-2'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
    });
    const again = await client.unifiedOrder({
      ...order('native-2'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
    });
    expect(again.prepay_id).toBe(first.prepay_id);
    const changed = client.unifiedOrder({
      ...order('native-2', 101),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
    });
    await expect(changed).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('JSAPI is made for the payer openid of that appid', async () => {
    const openid = sim.ctx.users.openid('alice', sim.merchant.appid);
    const answer = await client.unifiedOrder({ ...order('jsapi-1'), trade_type: 'JSAPI', openid });
    expect(answer.code_url).toBeUndefined();
    expect(sim.ctx.trades.lookup(answer.prepay_id)).toMatchObject({ tradeType: 'JSAPI', openid });
    expect(() => payNow('jsapi-1', 'bob')).toThrow(/其他微信用户/);
  });

  it('NATIVE with an openid (mode 1: made for the scanner) cannot be paid by another user', async () => {
    const openid = sim.ctx.users.openid('alice', sim.merchant.appid);
    const answer = await client.unifiedOrder({
      ...order('native-mode1-1'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
      openid,
    });
    expect(sim.ctx.trades.lookup(answer.prepay_id)).toMatchObject({ tradeType: 'NATIVE', openid });
    expect(() => payNow('native-mode1-1', 'bob')).toThrow(/其他微信用户/);
    expect(sim.ctx.trades.lookup(answer.prepay_id)).toMatchObject({ state: 'NOTPAY' });
  });

  it('JSAPI with the openid the user has in another app is PARAM_ERROR', async () => {
    const miniOpenid = sim.ctx.users.openid('alice', sim.merchant.miniProgramAppid);
    const wrong = client.unifiedOrder({ ...order('jsapi-2'), trade_type: 'JSAPI', openid: miniOpenid });
    await expect(wrong).rejects.toMatchObject({
      code: 'PARAM_ERROR',
      raw: { err_code_des: 'appid和openid不匹配' },
    });
  });

  it('APP orders use the mobile app appid', async () => {
    const app = sim.merchant.apps.find((a) => a.kind === 'app')!;
    const appClient = v2ClientFor(sim, { appid: app.appid });
    const answer = await appClient.unifiedOrder({ ...order('app-1'), trade_type: 'APP' });
    await appClient.close();
    expect(answer).toMatchObject({ trade_type: 'APP', appid: app.appid });
    expect(sim.ctx.trades.lookup(answer.prepay_id)?.appid).toBe(app.appid);
  });

  it("MWEB answers an mweb_url shaped as WeChat's cashier URL, on the host the client called", async () => {
    const answer = await client.unifiedOrder({
      ...order('mweb-1'),
      trade_type: 'MWEB',
      scene_info: JSON.stringify({
        h5_info: { type: 'Wap', wap_url: 'https://shop.example', wap_name: 'shop' },
      }),
    });
    const trade = sim.ctx.trades.lookup(answer.prepay_id)!;
    expect(trade.h5Package).toMatch(/^[1-9]\d{9}$/);
    expect(answer.mweb_url).toBe(
      `${sim.url}/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${answer.prepay_id}&package=${trade.h5Package}`,
    );
    const byName = v2ClientFor(sim, { baseUrl: sim.url.replace('127.0.0.1', 'localhost') });
    const again = await byName.unifiedOrder({ ...order('mweb-2'), trade_type: 'MWEB' });
    await byName.close();
    expect(again.mweb_url).toMatch(
      new RegExp(
        `^http://localhost:${new URL(sim.url).port}/cgi-bin/mmpayweb-bin/checkmweb\\?prepay_id=${again.prepay_id}&package=\\d{10}$`,
      ),
    );
  });

  it('HMAC-SHA256 requests are answered signed with HMAC-SHA256', async () => {
    const hmac = v2ClientFor(sim, {
      signType: 'HMAC-SHA256',
    });
    const answer = await hmac.unifiedOrder({ ...order('hmac-1'), trade_type: 'NATIVE', product_id: 'SKU-1' });
    await hmac.close();
    expect(answer.sign).toMatch(/^[0-9A-F]{64}$/);
    expect(sim.ctx.trades.lookup(answer.prepay_id)?.signType).toBe('HMAC-SHA256');
  });
});

describe('orderquery and closeorder', () => {
  it('orderquery shows NOTPAY, then SUCCESS with the payment details once paid', async () => {
    await client.unifiedOrder({
      ...order('query-1', 250),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
      attach: 'cart=7',
    });
    const before = await client.orderQuery({ out_trade_no: 'query-1' });
    expect(before).toMatchObject({
      trade_state: 'NOTPAY',
      trade_state_desc: '订单未支付',
      total_fee: 250,
      attach: 'cart=7',
    });
    expect(before.transaction_id).toBeUndefined();

    const paid = payNow('query-1');
    const after = await client.orderQuery({ out_trade_no: 'query-1' });
    expect(after).toMatchObject({
      trade_state: 'SUCCESS',
      transaction_id: paid.transactionId,
      openid: sim.ctx.users.openid('alice', sim.merchant.appid),
      total_fee: 250,
      cash_fee: 250,
      bank_type: 'OTHERS',
      is_subscribe: 'N',
    });
    expect(after.time_end).toMatch(/^\d{14}$/);
    const byId = await client.orderQuery({ transaction_id: paid.transactionId! });
    expect(byId.out_trade_no).toBe('query-1');
  });

  it('orderquery of an unknown order is ORDERNOTEXIST', async () => {
    await expect(client.orderQuery({ out_trade_no: 'nobody-ordered-this' })).rejects.toMatchObject({
      code: 'ORDERNOTEXIST',
    });
  });

  it('closeorder closes an unpaid order; it then cannot be paid or re-ordered', async () => {
    await client.unifiedOrder({ ...order('close-1'), trade_type: 'NATIVE', product_id: 'SKU-1' });
    await client.closeOrder('close-1');
    expect((await client.orderQuery({ out_trade_no: 'close-1' })).trade_state).toBe('CLOSED');
    await expect(client.closeOrder('close-1')).rejects.toMatchObject({ code: 'ORDERCLOSED' });
    const reorder = client.unifiedOrder({ ...order('close-1'), trade_type: 'NATIVE', product_id: 'SKU-1' });
    await expect(reorder).rejects.toMatchObject({ code: 'ORDERCLOSED' });
    expect(() => payNow('close-1')).toThrow();
  });

  it('closeorder of a paid order is ORDERPAID', async () => {
    await client.unifiedOrder({ ...order('close-2'), trade_type: 'NATIVE', product_id: 'SKU-1' });
    payNow('close-2');
    await expect(client.closeOrder('close-2')).rejects.toMatchObject({ code: 'ORDERPAID' });
    const reorder = client.unifiedOrder({ ...order('close-2'), trade_type: 'NATIVE', product_id: 'SKU-1' });
    await expect(reorder).rejects.toMatchObject({ code: 'ORDERPAID' });
  });
});

describe('refund and refundquery', () => {
  it('partial refunds add up to the total; one fen more is ERROR 订单已全额退款', async () => {
    await client.unifiedOrder({ ...order('refund-1', 100), trade_type: 'NATIVE', product_id: 'SKU-1' });
    const paid = payNow('refund-1');
    const first = await client.refund({
      out_trade_no: 'refund-1',
      out_refund_no: 'r1-a',
      total_fee: 100,
      refund_fee: 30,
    });
    expect(first).toMatchObject({
      out_refund_no: 'r1-a',
      refund_fee: 30,
      total_fee: 100,
      transaction_id: paid.transactionId,
    });
    expect(first.refund_id).toMatch(/^50\d{27}$/);
    await client.refund({
      transaction_id: paid.transactionId!,
      out_refund_no: 'r1-b',
      total_fee: 100,
      refund_fee: 20,
    });
    const retried = await client.refund({
      out_trade_no: 'refund-1',
      out_refund_no: 'r1-a',
      total_fee: 100,
      refund_fee: 30,
    });
    expect(retried.refund_id).toBe(first.refund_id);
    await client.refund({ out_trade_no: 'refund-1', out_refund_no: 'r1-c', total_fee: 100, refund_fee: 50 });
    const over = client.refund({
      out_trade_no: 'refund-1',
      out_refund_no: 'r1-d',
      total_fee: 100,
      refund_fee: 1,
    });
    await expect(over).rejects.toMatchObject({ code: 'ERROR', raw: { err_code_des: '订单已全额退款' } });
    expect((await client.orderQuery({ out_trade_no: 'refund-1' })).trade_state).toBe('REFUND');
  });

  it('refundquery lists the refunds _0.._n, PROCESSING then SUCCESS with the success time', async () => {
    const listed = await client.refundQuery({ out_trade_no: 'refund-1' });
    expect(listed.refund_count).toBe(3);
    expect(listed.refunds.map((r) => [r.out_refund_no, r.refund_fee, r.refund_status])).toEqual([
      ['r1-a', 30, 'PROCESSING'],
      ['r1-b', 20, 'PROCESSING'],
      ['r1-c', 50, 'PROCESSING'],
    ]);
    sim.ctx.clock.advance(sim.ctx.refunds.settleDelayMs);
    const settled = await client.refundQuery({ out_refund_no: 'r1-b' });
    expect(settled.refund_count).toBe(1);
    expect(settled.refunds[0]).toMatchObject({ out_refund_no: 'r1-b', refund_status: 'SUCCESS' });
    expect(settled.refunds[0]!.refund_success_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('an ABNORMAL refund reads CHANGE, a CLOSED one REFUNDCLOSE', async () => {
    await client.unifiedOrder({ ...order('refund-2', 100), trade_type: 'NATIVE', product_id: 'SKU-1' });
    payNow('refund-2');
    await client.refund({ out_trade_no: 'refund-2', out_refund_no: 'r2-a', total_fee: 100, refund_fee: 10 });
    await client.refund({ out_trade_no: 'refund-2', out_refund_no: 'r2-b', total_fee: 100, refund_fee: 10 });
    sim.ctx.refunds.settle(sim.ctx.refunds.find(sim.merchant.mchid, 'r2-a')!, 'ABNORMAL');
    sim.ctx.refunds.settle(sim.ctx.refunds.find(sim.merchant.mchid, 'r2-b')!, 'CLOSED');
    const listed = await client.refundQuery({ out_trade_no: 'refund-2' });
    expect(listed.refunds.map((r) => r.refund_status)).toEqual(['CHANGE', 'REFUNDCLOSE']);
  });

  it('refundquery of an order without refunds is REFUNDNOTEXIST', async () => {
    await expect(client.refundQuery({ out_refund_no: 'never-refunded' })).rejects.toMatchObject({
      code: 'REFUNDNOTEXIST',
    });
  });

  it('over plain HTTP the refund answer warns that no certificate was checked', async () => {
    const body = signedBody(sim, {
      out_trade_no: 'refund-1',
      out_refund_no: 'r1-a',
      total_fee: 100,
      refund_fee: 30,
    });
    const answer = await rawPost(`${sim.url}/secapi/pay/refund`, body);
    expect(answer.headers.get('x-sim-warning')).toBe('client certificate not checked over HTTP');
    expect(answer.fields.result_code).toBe('SUCCESS');
  });
});

describe('downloadbill', () => {
  it('ALL, SUCCESS and REFUND bills of today parse with the SDK and add up', async () => {
    const date = beijingToday(sim);
    const all = parseBillCsv(await client.downloadBill({ bill_date: date }));
    expect(all.columns).toContain('费率备注');
    const payments = all.rows.filter((r) => r.交易状态 === 'SUCCESS');
    const refunds = all.rows.filter((r) => r.交易状态 === 'REFUND');
    expect(payments.map((r) => r.商户订单号).sort()).toEqual(['close-2', 'query-1', 'refund-1', 'refund-2']);
    expect(refunds.map((r) => r.商户退款单号).sort()).toEqual(['r1-a', 'r1-b', 'r1-c', 'r2-a', 'r2-b']);
    expect(all.summary.总交易单数).toBe('9');
    expect(all.summary.应结订单总金额).toBe('5.50');
    expect(all.summary.退款总金额).toBe('1.20');

    const success = parseBillCsv(await client.downloadBill({ bill_date: date, bill_type: 'SUCCESS' }));
    expect(success.rows).toHaveLength(4);
    expect(success.summaryColumns).toEqual(['总交易单数', '应结订单总金额', '手续费总金额', '订单总金额']);
    const refundBill = parseBillCsv(await client.downloadBill({ bill_date: date, bill_type: 'REFUND' }));
    expect(refundBill.rows).toHaveLength(5);
    expect(refundBill.columns).toContain('退款申请时间');
  });

  it('tar_type GZIP answers the same bill gzip-compressed', async () => {
    const { gunzipSync } = await import('node:zlib');
    const date = beijingToday(sim);
    const gz = await client.downloadBill({ bill_date: date, tar_type: 'GZIP' });
    expect(gz.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(gz).toString('utf8')).toBe(await client.downloadBill({ bill_date: date }));
  });

  it('downloadfundflow (HMAC-SHA256 only) answers the Basic account fund flow', async () => {
    const path = `${sim.url}/pay/downloadfundflow`;
    const fields = { bill_date: beijingToday(sim), account_type: 'Basic' };
    const flow = await rawPost(path, signedBody(sim, fields, { signType: 'HMAC-SHA256' }));
    const bill = parseBillCsv(flow.text);
    expect(bill.rows.filter((r) => r.业务类型 === '交易')).toHaveLength(4);
    expect(bill.summary.收入金额).toBeTruthy();
    const md5 = await rawPost(path, signedBody(sim, fields));
    expectReturnFail(md5, 'PARAM_ERROR');
    const fees = await rawPost(
      path,
      signedBody(sim, { ...fields, account_type: 'Fees' }, { signType: 'HMAC-SHA256' }),
    );
    expect(fees.fields).toMatchObject({ return_code: 'FAIL', return_msg: 'No Bill Exist' });
  });

  it('a day without trades is "No Bill Exist"', async () => {
    const error = await client.downloadBill({ bill_date: '20200101' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(error).toMatchObject({
      code: 'NO_BILL_EXIST',
      returnCode: 'FAIL',
      raw: { return_msg: 'No Bill Exist', error_code: '20002' },
    });
  });
});

describe('shorturl', () => {
  it('answers a weixin://wxpay/s/ code that the book expands back, the same code every time', async () => {
    const { code_url } = await client.unifiedOrder({
      ...order('short-1'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
    });
    const first = await client.shortUrl(code_url!);
    expect(first.short_url).toMatch(/^weixin:\/\/wxpay\/s\/[\w-]{7}$/);
    expect((await client.shortUrl(code_url!)).short_url).toBe(first.short_url);
    expect(new ShortUrlBook(sim.ctx.store).expand(first.short_url)).toBe(code_url);
  });

  it('a URL-encoded long_url signed in its decoded form is accepted, as WeChat documents', async () => {
    const longUrl = 'weixin://wxpay/bizpayurl?pr=AbCdEf1';
    const body = signedBody(sim, { long_url: longUrl }).replace(longUrl, encodeURIComponent(longUrl));
    const answer = await rawPost(`${sim.url}/tools/shorturl`, body);
    expect(answer.fields.result_code).toBe('SUCCESS');
    expect(new ShortUrlBook(sim.ctx.store).expand(answer.fields.short_url!)).toBe(longUrl);
  });
});

describe('sandbox', () => {
  it('getsignkey issues the sandbox key, and orders under /sandboxnew are signed with it', async () => {
    const sandbox = v2ClientFor(sim, {
      sandbox: true,
    });
    const answer = await sandbox.unifiedOrder({
      ...order('sandbox-1'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
    });
    await sandbox.close();
    const sandboxKey = sim.ctx.merchants.get(sim.merchant.mchid)!.sandboxSignKey!;
    expect(sandboxKey).toMatch(/^[0-9a-f]{32}$/);
    expect(sandboxKey).not.toBe(sim.merchant.apiKey);
    expect(answer.prepay_id).toBeTruthy();

    const withRealKey = await rawPost(
      `${sim.url}/sandboxnew/pay/orderquery`,
      signedBody(sim, { out_trade_no: 'sandbox-1' }),
    );
    expectReturnFail(withRealKey, 'SIGNERROR', '签名错误');
    const withSandboxKey = await rawPost(
      `${sim.url}/sandboxnew/pay/orderquery`,
      signedBody(sim, { out_trade_no: 'sandbox-1' }, { key: sandboxKey }),
    );
    expect(withSandboxKey.fields.trade_state).toBe('NOTPAY');
  });

  it('getsignkey signed with a wrong key is refused and issues nothing new', async () => {
    const body = signedBody(sim, { appid: undefined }, { key: 'x'.repeat(32) });
    const answer = await rawPost(`${sim.url}/sandboxnew/pay/getsignkey`, body);
    expect(answer.fields).toMatchObject({ return_code: 'FAIL', return_msg: '签名错误' });
    expect(answer.fields.sandbox_signkey).toBeUndefined();
  });

  it('the raw getsignkey answer is unsigned and stable', async () => {
    const body = signedBody(sim, { appid: undefined });
    const one = await rawPost(`${sim.url}/sandboxnew/pay/getsignkey`, body);
    const two = await rawPost(`${sim.url}/sandboxnew/pay/getsignkey`, body);
    expect(one.fields).toMatchObject({ return_code: 'SUCCESS', mch_id: sim.merchant.mchid });
    expect(one.fields.sign).toBeUndefined();
    expect(two.fields.sandbox_signkey).toBe(one.fields.sandbox_signkey);
  });
});

describe('time_expire', () => {
  it('is read as UTC+8 and becomes the order expiry', async () => {
    const expiresAt = Math.floor(sim.ctx.clock.now() / 1000) * 1000 + 30 * 60_000;
    const text = new Date(expiresAt + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
    await client.unifiedOrder({
      ...order('expire-1'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
      time_expire: text,
    });
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'expire-1' })?.expiresAt).toBe(expiresAt);
  });

  it('less than a minute after time_start is PARAM_ERROR', async () => {
    const now = sim.ctx.clock.now();
    const fmt = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
    const short = client.unifiedOrder({
      ...order('expire-2'),
      trade_type: 'NATIVE',
      product_id: 'SKU-1',
      time_start: fmt(now),
      time_expire: fmt(now + 30_000),
    });
    await expect(short).rejects.toMatchObject({
      code: 'PARAM_ERROR',
      raw: { err_code_des: expect.stringContaining('time_expire时间过短') },
    });
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'expire-2' })).toBeUndefined();
    const raw = await rawPost(
      `${sim.url}/pay/unifiedorder`,
      signedBody(sim, nativeOrder('expire-3', { time_expire: '20201301000000' })),
    );
    expectReturnFail(raw, 'PARAM_ERROR', 'time_expire参数格式错误');
  });
});
