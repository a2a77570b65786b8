/**
 * What a wrong client gets: raw requests the SDK would never send, each answered with WeChat's code
 * and message. Communication-level refusals are unsigned FAILs; business refusals are signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';
import {
  expectResultFail,
  expectReturnFail,
  expectSignedFor,
  nativeOrder,
  rawPost,
  signedBody,
} from './v2-test-kit.js';

let sim: RunningSimulator;
let url: (path: string) => string;
/** A second merchant, to own an appid that is not the demo merchant's. */
let otherAppid: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  url = (path) => `${sim.url}${path}`;
  const other = await sim.ctx.merchants.create({ mchid: '1900000777' });
  otherAppid = other.apps[0]!.appid;
});

afterAll(async () => {
  await sim.stop();
});

describe('the request itself', () => {
  it('GET is REQUIRE_POST_METHOD', async () => {
    expectReturnFail(
      await rawPost(url('/pay/unifiedorder'), undefined, 'GET'),
      'REQUIRE_POST_METHOD',
      '请使用post方法',
    );
  });

  it('an empty body is POST_DATA_EMPTY', async () => {
    expectReturnFail(await rawPost(url('/pay/orderquery'), ''), 'POST_DATA_EMPTY', 'post数据为空');
  });

  it('GBK bytes are NOT_UTF8', async () => {
    const gbk = Buffer.concat([
      Buffer.from('<xml><body>'),
      Buffer.from([0xc4, 0xa3, 0xc4, 0xe2]),
      Buffer.from('</body></xml>'),
    ]);
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), gbk), 'NOT_UTF8', '编码格式错误');
  });

  it.each([
    ['broken XML', '<xml><mch_id>1</mch_id'],
    [
      'a DOCTYPE with an entity',
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><mch_id>&x;</mch_id></xml>',
    ],
    ['a repeated field', '<xml><mch_id>1</mch_id><mch_id>2</mch_id></xml>'],
    ['another root', '<root><mch_id>1</mch_id></root>'],
    ['a 100 KiB body', `<xml><attach>${'a'.repeat(100 * 1024)}</attach></xml>`],
  ])('%s is XML_FORMAT_ERROR', async (_name, body) => {
    const answer = await rawPost(url('/pay/unifiedorder'), body);
    expectReturnFail(answer, 'XML_FORMAT_ERROR', 'XML格式错误');
    expect(answer.headers.get('x-sim-hint')).toBeTruthy();
  });

  it('a body over the server limit is XML_FORMAT_ERROR too, not a JSON 413', async () => {
    const answer = await rawPost(
      url('/pay/unifiedorder'),
      `<xml><attach>${'a'.repeat(1100 * 1024)}</attach></xml>`,
    );
    expectReturnFail(answer, 'XML_FORMAT_ERROR', 'XML格式错误');
  });
});

describe('who is calling', () => {
  it('a one-character change of the sign is 签名错误, with the signed string in the hint', async () => {
    const body = signedBody(sim, nativeOrder('sign-1'));
    const forged = body.replace(
      /<sign><!\[CDATA\[(.)/,
      (_m, c: string) => `<sign><![CDATA[${c === 'A' ? 'B' : 'A'}`,
    );
    expect(forged).not.toBe(body);
    const answer = await rawPost(url('/pay/unifiedorder'), forged);
    expectReturnFail(answer, 'SIGNERROR', '签名错误');
    expect(answer.headers.get('x-sim-hint')).toMatch(/sign mismatch.*&key=\*\*\*/);
    expect(answer.headers.get('x-sim-hint')).not.toContain(sim.merchant.apiKey);
    const realSign = /<sign><!\[CDATA\[(\w+)/.exec(body)![1]!;
    expect(answer.headers.get('x-sim-hint')).not.toContain(realSign);
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'sign-1' })).toBeUndefined();
  });

  it('a field changed after signing is 签名错误', async () => {
    const body = signedBody(sim, nativeOrder('sign-2')).replace(
      '<total_fee><![CDATA[100]]>',
      '<total_fee><![CDATA[1]]>',
    );
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'SIGNERROR', '签名错误');
  });

  it('signed with another key is 签名错误', async () => {
    const body = signedBody(sim, nativeOrder('sign-3'), { key: 'k'.repeat(32) });
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'SIGNERROR', '签名错误');
  });

  it('an unknown sign_type is refused', async () => {
    const body = signedBody(sim, { ...nativeOrder('sign-4'), sign_type: 'SHA1' });
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'PARAM_ERROR', 'sign_type参数格式错误');
  });

  it('an unknown mch_id is MCHID_NOT_EXIST', async () => {
    const body = signedBody(sim, { ...nativeOrder('mch-1'), mch_id: '1234567890' });
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'MCHID_NOT_EXIST');
  });

  it('an appid nobody has is APPID_NOT_EXIST', async () => {
    const body = signedBody(sim, { ...nativeOrder('app-1'), appid: 'wx0000000000000000' });
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'APPID_NOT_EXIST', 'appid不存在');
  });

  it("another merchant's appid is APPID_MCHID_NOT_MATCH", async () => {
    const body = signedBody(sim, { ...nativeOrder('app-2'), appid: otherAppid });
    expectReturnFail(
      await rawPost(url('/pay/unifiedorder'), body),
      'APPID_MCHID_NOT_MATCH',
      '商户号mch_id与appid不匹配',
    );
  });
});

describe('parameters', () => {
  it.each(['total_fee', 'body', 'out_trade_no', 'spbill_create_ip', 'notify_url', 'trade_type', 'nonce_str'])(
    'without %s it is LACK_PARAMS naming the field',
    async (field) => {
      const body = signedBody(sim, { ...nativeOrder('lack-1'), [field]: undefined });
      expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'LACK_PARAMS', `缺少参数${field}`);
    },
  );

  it('NATIVE without product_id, JSAPI without openid are LACK_PARAMS', async () => {
    const native = signedBody(sim, { ...nativeOrder('lack-2'), product_id: undefined });
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), native), 'LACK_PARAMS', '缺少参数product_id');
    const jsapi = signedBody(sim, { ...nativeOrder('lack-3'), trade_type: 'JSAPI' });
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), jsapi), 'LACK_PARAMS', 'JSAPI支付必须传openid');
  });

  it.each([
    ['1.00', /64 位有符号整数/],
    ['0', 'invalid total_fee'],
    ['-5', 'invalid total_fee'],
  ])('total_fee %s is PARAM_ERROR', async (fee, message) => {
    const body = signedBody(sim, nativeOrder('fee-1', { total_fee: fee }));
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'PARAM_ERROR', message);
  });

  it.each([
    ['spbill_create_ip', 'localhost', 'invalid spbill_create_ip'],
    ['trade_type', 'MICROPAY', 'invalid trade_type'],
    ['out_trade_no', 'has space', 'out_trade_no参数格式错误'],
    ['body', '商'.repeat(43), 'body参数长度有误'],
    ['fee_type', 'USD', 'invalid fee_type'],
  ])('%s "%s" is refused', async (field, value, message) => {
    const body = signedBody(sim, nativeOrder('bad-1', { [field]: value }));
    expectReturnFail(await rawPost(url('/pay/unifiedorder'), body), 'PARAM_ERROR', message);
  });

  it('an unknown JSAPI openid is PARAM_ERROR, signed', async () => {
    const body = signedBody(sim, nativeOrder('openid-1', { trade_type: 'JSAPI', openid: 'not-an-openid' }));
    expectResultFail(sim, await rawPost(url('/pay/unifiedorder'), body), 'PARAM_ERROR');
  });
});

describe('business refusals are signed with the request sign type', () => {
  it('out_trade_no re-used with other parameters is INVALID_REQUEST 201 商户订单号重复', async () => {
    const first = await rawPost(url('/pay/unifiedorder'), signedBody(sim, nativeOrder('dup-1')));
    expectSignedFor(sim, first);
    const again = await rawPost(
      url('/pay/unifiedorder'),
      signedBody(sim, nativeOrder('dup-1', { body: '另一个商品' }), { signType: 'HMAC-SHA256' }),
    );
    expectResultFail(sim, again, 'INVALID_REQUEST', { signType: 'HMAC-SHA256' });
    expect(again.fields.err_code_des).toBe('201 商户订单号重复');
  });

  it('ORDERPAID, ORDERCLOSED, ORDERNOTEXIST, REFUNDNOTEXIST and the refund refusals', async () => {
    await rawPost(url('/pay/unifiedorder'), signedBody(sim, nativeOrder('biz-paid')));
    sim.ctx.trades.pay(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: 'biz-paid' })!, 'alice');
    expectResultFail(
      sim,
      await rawPost(url('/pay/unifiedorder'), signedBody(sim, nativeOrder('biz-paid'))),
      'ORDERPAID',
    );
    expectResultFail(
      sim,
      await rawPost(url('/pay/closeorder'), signedBody(sim, { out_trade_no: 'biz-paid' })),
      'ORDERPAID',
    );

    await rawPost(url('/pay/unifiedorder'), signedBody(sim, nativeOrder('biz-closed')));
    const closed = await rawPost(url('/pay/closeorder'), signedBody(sim, { out_trade_no: 'biz-closed' }));
    expect(closed.fields.result_code).toBe('SUCCESS');
    expectResultFail(
      sim,
      await rawPost(url('/pay/unifiedorder'), signedBody(sim, nativeOrder('biz-closed'))),
      'ORDERCLOSED',
    );
    expectResultFail(
      sim,
      await rawPost(url('/pay/closeorder'), signedBody(sim, { out_trade_no: 'biz-closed' })),
      'ORDERCLOSED',
    );

    expectResultFail(
      sim,
      await rawPost(url('/pay/orderquery'), signedBody(sim, { out_trade_no: 'biz-none' })),
      'ORDERNOTEXIST',
    );
    expectResultFail(
      sim,
      await rawPost(url('/pay/closeorder'), signedBody(sim, { out_trade_no: 'biz-none' })),
      'ORDERNOTEXIST',
    );
    expectResultFail(
      sim,
      await rawPost(url('/pay/refundquery'), signedBody(sim, { out_trade_no: 'biz-paid' })),
      'REFUNDNOTEXIST',
    );

    const refund = (no: string, fee: number) =>
      signedBody(sim, { out_trade_no: 'biz-paid', out_refund_no: no, total_fee: 100, refund_fee: fee });
    expect((await rawPost(url('/secapi/pay/refund'), refund('biz-r1', 60))).fields.result_code).toBe(
      'SUCCESS',
    );
    const over = await rawPost(url('/secapi/pay/refund'), refund('biz-r2', 41));
    expectResultFail(sim, over, 'INVALID_REQUEST');
    expect(over.fields.err_code_des).toBe('refund_fee大于可退金额');
    const otherFee = await rawPost(url('/secapi/pay/refund'), refund('biz-r1', 10));
    expectResultFail(sim, otherFee, 'REFUND_FEE_MISMATCH');
    expect(otherFee.fields.err_code_des).toBe('订单金额或退款金额与之前请求不一致，请核实后再试');
    const wrongTotal = await rawPost(
      url('/secapi/pay/refund'),
      signedBody(sim, { out_trade_no: 'biz-paid', out_refund_no: 'biz-r5', total_fee: 99, refund_fee: 1 }),
    );
    expectResultFail(sim, wrongTotal, 'REFUND_FEE_MISMATCH');
    expect(wrongTotal.fields.err_code_des).toBe('订单金额或退款金额与之前请求不一致，请核实后再试');
    expect((await rawPost(url('/secapi/pay/refund'), refund('biz-r6', 40))).fields.result_code).toBe(
      'SUCCESS',
    );
    const full = await rawPost(url('/secapi/pay/refund'), refund('biz-r7', 1));
    expectResultFail(sim, full, 'ERROR');
    expect(full.fields.err_code_des).toBe('订单已全额退款');
    expect(sim.ctx.refunds.ofTrade(sim.merchant.mchid, 'biz-paid').map((r) => r.outRefundNo)).toEqual([
      'biz-r1',
      'biz-r6',
    ]);
    expectReturnFail(
      await rawPost(url('/secapi/pay/refund'), refund('biz-r3', 101)),
      'PARAM_ERROR',
      'invalid refund_fee',
    );
    const unpaid = signedBody(sim, {
      out_trade_no: 'biz-closed',
      out_refund_no: 'biz-r4',
      total_fee: 100,
      refund_fee: 1,
    });
    expectResultFail(sim, await rawPost(url('/secapi/pay/refund'), unpaid), 'TRADE_STATE_ERROR');
  });

  it('time_expire less than a minute away is PARAM_ERROR', async () => {
    const soon = new Date(sim.ctx.clock.now() + 8 * 3600_000 + 20_000)
      .toISOString()
      .replace(/[-T:]/g, '')
      .slice(0, 14);
    const answer = await rawPost(
      url('/pay/unifiedorder'),
      signedBody(sim, nativeOrder('expire-1', { time_expire: soon })),
    );
    expectResultFail(sim, answer, 'PARAM_ERROR');
    expect(answer.fields.err_code_des).toContain('time_expire时间过短');
  });

  it('every path answers under /sandboxnew too, verifying with the sandbox key', async () => {
    const answer = await rawPost(
      url('/sandboxnew/pay/unifiedorder'),
      signedBody(sim, nativeOrder('sandbox-1')),
    );
    expectReturnFail(answer, 'SIGNERROR', '签名错误');
    expect(answer.headers.get('x-sim-hint')).toContain('getsignkey');
  });
});
