/**
 * The payment-code endpoints call by call, as a merchant's own code (not the procedure) sees them:
 * answer fields, WeChat's refusal codes in each API version, what reverse refuses.
 */
import { type V2Client, type V3Client, WechatPayApiError } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';
import { v2ClientFor } from '../v2/v2-client-for.js';
import { expectResultFail, rawPost, signedBody } from '../v2/v2-test-kit.js';
import { apiError } from '../v3/support/api-error.js';
import { clientFor, nativeOrder, uniqueNo } from '../v3/support/v3-test-kit.js';

let sim: RunningSimulator;
let v2: V2Client;
let v3: V3Client;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  v2 = v2ClientFor(sim, {
    tls: { cert: sim.merchant.certificatePem, key: sim.merchant.privateKeyPem },
    retry: { retries: 0, baseDelayMs: 0 },
  });
  v3 = clientFor(sim, { retry: { retries: 0, baseDelayMs: 0 } });
});

afterAll(async () => {
  await v2.close();
  await v3.close();
  await sim.stop();
});

const code = (user = 'alice') => sim.ctx.paymentCodes.issue(user).authCode;

const micropay = (no: string, authCode: string, fen = 100) =>
  v2.micropay({
    body: '收银 Till',
    out_trade_no: no,
    total_fee: fen,
    spbill_create_ip: '203.0.113.9',
    auth_code: authCode,
  });

const codepay = (no: string, authCode: string, fen = 100) =>
  v3.transactions.codepay({
    appid: sim.merchant.appid,
    description: '收银 Till',
    out_trade_no: no,
    payer: { auth_code: authCode },
    amount: { total: fen, currency: 'CNY' },
    scene_info: { store_info: { out_id: 'SZ-001' } },
  });

const v2NativeOrder = (no: string) =>
  v2.unifiedOrder({
    body: 'x',
    out_trade_no: no,
    total_fee: 100,
    spbill_create_ip: '203.0.113.9',
    notify_url: 'http://127.0.0.1:9/n',
    trade_type: 'NATIVE',
    product_id: 'P1',
  });

async function v2Error(promise: Promise<unknown>): Promise<WechatPayApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPayApiError);
  return error as WechatPayApiError;
}

describe('v2 /pay/micropay', () => {
  it('answers the paid trade: MICROPAY, payer, amounts, time_end', async () => {
    const no = uniqueNo('M2');
    const answer = await micropay(no, code(), 256);
    expect(answer).toMatchObject({ trade_type: 'MICROPAY', out_trade_no: no, total_fee: 256, cash_fee: 256 });
    expect(answer.transaction_id).toMatch(/^4200\d+$/);
    expect(answer.openid).toBe(sim.ctx.users.openid('alice', sim.merchant.appid));
    expect(answer.time_end).toMatch(/^\d{14}$/);
    const query = await v2.orderQuery({ out_trade_no: no });
    expect(query).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'MICROPAY' });
  });

  it('the same out_trade_no again is ORDERPAID without spending the new code; other parameters OUT_TRADE_NO_USED', async () => {
    const no = uniqueNo('M2');
    await micropay(no, code());
    const fresh = code();
    expect((await v2Error(micropay(no, fresh))).code).toBe('ORDERPAID');
    expect((await micropay(uniqueNo('M2'), fresh)).trade_type).toBe('MICROPAY');
    const native = uniqueNo('N2');
    await v2NativeOrder(native);
    expect((await v2Error(micropay(native, code()))).code).toBe('OUT_TRADE_NO_USED');
  });

  it('refuses codes by shape and prefix before looking them up, signed like every business answer', async () => {
    const raw = (authCode: string) =>
      rawPost(
        `${sim.url}/pay/micropay`,
        signedBody(sim, {
          body: 'x',
          out_trade_no: uniqueNo('M2'),
          total_fee: 1,
          spbill_create_ip: '203.0.113.9',
          auth_code: authCode,
        }),
      );
    expectResultFail(sim, await raw('1234'), 'AUTH_CODE_ERROR');
    const alipay = await raw('281234567890123456');
    expectResultFail(sim, alipay, 'AUTH_CODE_INVALID');
    expect(alipay.fields.err_code_des).toContain('10/11/12/13/14/15');
    expectResultFail(sim, await raw('134567890123456789'), 'AUTH_CODE_INVALID');
  });

  it('USERPAYING above the limit; ORDERREVERSED once reversed; reverse refused for a Native order', async () => {
    sim.ctx.users.update('bob', { passwordFreeFen: 500 });
    const no = uniqueNo('M2');
    const paying = await v2Error(micropay(no, code('bob'), 501));
    expect(paying.code).toBe('USERPAYING');
    expect((await v2.orderQuery({ out_trade_no: no })).trade_state).toBe('USERPAYING');
    expect((await v2Error(micropay(no, code('bob'), 501))).code).toBe('USERPAYING');
    expect((await v2.reverse({ out_trade_no: no })).recall).toBe('N');
    expect((await v2.orderQuery({ out_trade_no: no })).trade_state).toBe('REVOKED');
    expect((await v2Error(micropay(no, code('bob'), 501))).code).toBe('ORDERREVERSED');
    expect((await v2.reverse({ out_trade_no: no })).recall).toBe('N');

    const native = uniqueNo('N2');
    await v2NativeOrder(native);
    expect((await v2Error(v2.reverse({ out_trade_no: native }))).code).toBe('TRADE_ERROR');
    expect((await v2Error(v2.reverse({ out_trade_no: uniqueNo('X') }))).code).toBe('ORDERNOTEXIST');
  });
});

describe('v3 /v3/pay/transactions/codepay', () => {
  it('answers the transaction; USERPAYING is HTTP 202 and the query says USERPAYING', async () => {
    const paid = await codepay(uniqueNo('M3'), code(), 300);
    expect(paid).toMatchObject({ trade_type: 'MICROPAY', trade_state: 'SUCCESS', amount: { total: 300 } });
    expect(paid.payer?.openid).toBe(sim.ctx.users.openid('alice', sim.merchant.appid));

    sim.ctx.users.update('bob', { passwordFreeFen: 0 });
    const no = uniqueNo('M3');
    const paying = await apiError(codepay(no, code('bob')));
    expect(paying).toMatchObject({ status: 202, code: 'USERPAYING' });
    expect((await v3.transactions.queryByOutTradeNo(no)).trade_state).toBe('USERPAYING');
    sim.ctx.codePayments.answerPassword(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: no })!, 'pay');
    expect((await v3.transactions.queryByOutTradeNo(no)).trade_state).toBe('SUCCESS');
  });

  it('refusals in v3 words: NOT_ENOUGH, AUTH_CODE_INVALID, ORDER_REVERSED, and reverse of a Native order', async () => {
    expect(await apiError(codepay(uniqueNo('M3'), code('carol'), 500))).toMatchObject({
      status: 403,
      code: 'NOT_ENOUGH',
    });
    const used = code();
    await codepay(uniqueNo('M3'), used);
    expect(await apiError(codepay(uniqueNo('M3'), used))).toMatchObject({
      status: 400,
      code: 'AUTH_CODE_INVALID',
    });

    const no = uniqueNo('M3');
    await codepay(no, code());
    await v3.transactions.reverse(no, { appid: sim.merchant.appid });
    expect((await v3.transactions.queryByOutTradeNo(no)).trade_state).toBe('REVOKED');
    expect(await apiError(codepay(no, code()))).toMatchObject({ code: 'ORDER_REVERSED' });

    const native = nativeOrder(sim);
    await v3.transactions.native(native);
    expect(
      await apiError(v3.transactions.reverse(native.out_trade_no, { appid: sim.merchant.appid })),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });

  it('a PIN never typed fails the payment after five minutes: PAYERROR 用户支付超时, nothing charged', async () => {
    sim.ctx.users.add({ id: 'dora', nickname: 'Dora', balanceFen: 1_000, passwordFreeFen: 0 });
    const no = uniqueNo('M3');
    expect(await apiError(codepay(no, code('dora'), 300))).toMatchObject({ code: 'USERPAYING' });
    sim.ctx.clock.advance(5 * 60_000);
    expect(await v3.transactions.queryByOutTradeNo(no)).toMatchObject({
      trade_state: 'PAYERROR',
      trade_state_desc: '用户支付超时',
    });
    expect(sim.ctx.users.get('dora')?.balanceFen).toBe(1_000);
  });

  it('reverse is refused after 7 days (use a refund then)', async () => {
    const no = uniqueNo('M3');
    await codepay(no, code());
    sim.ctx.clock.advance(7 * 24 * 3600_000 + 60_000);
    const refused = await v2Error(v2.reverse({ out_trade_no: no }));
    expect(refused.code).toBe('REVERSE_EXPIRE');
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: no })?.state).toBe('SUCCESS');
  });
});
