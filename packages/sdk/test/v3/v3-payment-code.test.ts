import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPaymentCode, type PaymentCodeStep } from '../../src/core/payment-code-procedure.js';
import { WechatPayApiError, WechatPayReconcileError, WechatPayValidationError } from '../../src/errors.js';
import type { V3Client } from '../../src/v3/v3-client.js';
import type { V3CodepayParams } from '../../src/v3/v3-codepay-types.js';
import { v3PaymentCodeCashier } from '../../src/v3/v3-payment-code-cashier.js';
import { fakeClock } from '../support/fake-clock.js';
import { fixtures } from '../support/fixtures.js';
import type { FakeWechatV3 } from './support/fake-wechat-v3.js';
import { clientFor, startFake } from './support/v3-test-kit.js';

const CODE = '104567890123456789';
let fake: FakeWechatV3;
let client: V3Client;
let seq = 0;

function sale(overrides: Partial<V3CodepayParams> = {}): V3CodepayParams {
  return {
    appid: fixtures.appid,
    description: '门店收银 — wechatpay-kit',
    out_trade_no: `C${Date.now()}${++seq}`,
    payer: { auth_code: CODE },
    amount: { total: 1999, currency: 'CNY' },
    scene_info: { device_id: 'POS-3', device_ip: '10.0.0.3', store_info: { out_id: 'SZ-001' } },
    ...overrides,
  };
}

const requestsTo = (suffix: string) => fake.requests.filter((r) => r.url.split('?')[0]!.endsWith(suffix));

async function collect(params: V3CodepayParams, onSleep?: (t: number) => void) {
  const steps: PaymentCodeStep[] = [];
  const outcome = await collectPaymentCode({
    cashier: v3PaymentCodeCashier(client, params),
    onStep: (s) => steps.push(s),
    ...fakeClock(onSleep),
  });
  return { outcome, steps: steps.map((s) => s.step) };
}

beforeAll(async () => {
  fake = await startFake();
  client = clientFor(fake);
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

describe('V3 transactions.codepay and reverse', () => {
  it('posts the signed codepay body WeChat expects and answers the paid transaction', async () => {
    const params = sale({ attach: 'till-3' });
    const paid = await client.transactions.codepay(params);
    expect(paid).toMatchObject({
      out_trade_no: params.out_trade_no,
      trade_type: 'MICROPAY',
      trade_state: 'SUCCESS',
      transaction_id: expect.stringMatching(/^4200/),
      payer: { openid: expect.any(String) },
      amount: { total: 1999 },
      attach: 'till-3',
    });
    const sent = requestsTo('/v3/pay/transactions/codepay').at(-1)!;
    expect(sent.method).toBe('POST');
    expect(JSON.parse(sent.body)).toEqual({
      appid: fixtures.appid,
      mchid: fixtures.mchid,
      description: params.description,
      out_trade_no: params.out_trade_no,
      attach: 'till-3',
      payer: { auth_code: CODE },
      amount: { total: 1999, currency: 'CNY' },
      scene_info: { device_id: 'POS-3', device_ip: '10.0.0.3', store_info: { out_id: 'SZ-001' } },
    });
    expect(JSON.parse(sent.body)).not.toHaveProperty('notify_url');
  });

  it('throws USERPAYING with WeChat code and status, without resending', async () => {
    fake.codepayPlan.push({ code: 'USERPAYING', order: 'USERPAYING' });
    const params = sale();
    const before = requestsTo('/codepay').length;
    const err = await client.transactions.codepay(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayApiError);
    expect(err).toMatchObject({ code: 'USERPAYING', status: 202 });
    expect(requestsTo('/codepay').length).toBe(before + 1);
    await expect(client.transactions.queryByOutTradeNo(params.out_trade_no)).resolves.toMatchObject({
      trade_state: 'USERPAYING',
    });
  });

  it('refuses a malformed code (masked) or a missing store before sending', async () => {
    const before = fake.requests.length;
    const bad = '254567890123456789';
    const err = await client.transactions
      .codepay(sale({ payer: { auth_code: bad } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayValidationError);
    expect(err).toMatchObject({ field: 'payer.auth_code' });
    expect((err as Error).message).not.toContain(bad);
    expect((err as Error).message).toContain('25**************89');
    const noStore = sale({ scene_info: { store_info: {} } as unknown as V3CodepayParams['scene_info'] });
    await expect(client.transactions.codepay(noStore)).rejects.toMatchObject({
      field: 'scene_info.store_info.out_id',
    });
    expect(fake.requests.length).toBe(before);
  });

  it('reverses by out_trade_no with {appid, mchid}: the order becomes REVOKED', async () => {
    fake.codepayPlan.push({ code: 'USERPAYING', order: 'USERPAYING' });
    const params = sale();
    await client.transactions.codepay(params).catch(() => undefined);
    await client.transactions.reverse(params.out_trade_no, { appid: fixtures.appid });
    const sent = requestsTo(`/out-trade-no/${params.out_trade_no}/reverse`).at(-1)!;
    expect(JSON.parse(sent.body)).toEqual({ appid: fixtures.appid, mchid: fixtures.mchid });
    await expect(client.transactions.queryByOutTradeNo(params.out_trade_no)).resolves.toMatchObject({
      trade_state: 'REVOKED',
    });
  });
});

describe('collectPaymentCode over v3', () => {
  it('pays at once', async () => {
    const { outcome, steps } = await collect(sale());
    expect(outcome).toMatchObject({ outcome: 'paid', transaction: { trade_state: 'SUCCESS' } });
    expect(steps).toEqual(['paying']);
  });

  it('waits for the password, then paid', async () => {
    const params = sale();
    fake.codepayPlan.push({ code: 'USERPAYING', order: 'USERPAYING' });
    const { outcome, steps } = await collect(
      params,
      (t) => t >= 15_000 && fake.setState(params.out_trade_no, 'SUCCESS'),
    );
    expect(outcome).toMatchObject({ outcome: 'paid', transaction: { transaction_id: expect.any(String) } });
    expect(steps).toEqual(['paying', 'waiting-for-password', 'waiting-for-password', 'waiting-for-password']);
  });

  it('waits for the password, then failed', async () => {
    const params = sale();
    fake.codepayPlan.push({ code: 'USERPAYING', order: 'USERPAYING' });
    const { outcome } = await collect(params, () => fake.setState(params.out_trade_no, 'PAYERROR'));
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'PAYERROR', message: '支付失败' });
  });

  it('reverses at the deadline', async () => {
    const params = sale();
    fake.codepayPlan.push({ code: 'USERPAYING', order: 'USERPAYING' });
    const { outcome } = await collect(params);
    expect(outcome).toEqual({ outcome: 'reversed', reason: 'deadline' });
    expect(fake.orders.get(params.out_trade_no)?.state).toBe('REVOKED');
    expect(requestsTo(`/out-trade-no/${params.out_trade_no}`)).toHaveLength(6);
  });

  it('SYSTEM_ERROR: queries and finds it paid', async () => {
    const params = sale();
    fake.codepayPlan.push({ code: 'SYSTEM_ERROR', order: 'SUCCESS' });
    const { outcome, steps } = await collect(params);
    expect(outcome).toMatchObject({ outcome: 'paid' });
    expect(steps).toEqual(['paying', 'querying']);
  });

  it('BANK_ERROR never settled: reversed, the transient reverse failure retried', async () => {
    const params = sale();
    fake.codepayPlan.push({ code: 'BANK_ERROR', order: 'NOTPAY' });
    fake.reversePlan.push('SYSTEM_ERROR');
    const { outcome } = await collect(params);
    expect(outcome).toEqual({ outcome: 'reversed', reason: 'deadline' });
    expect(requestsTo(`/out-trade-no/${params.out_trade_no}/reverse`)).toHaveLength(2);
  });

  it('a refused reverse is a reconcile error naming the order', async () => {
    const params = sale();
    fake.codepayPlan.push({ code: 'USERPAYING', order: 'USERPAYING' });
    fake.reversePlan.push({ fail: 'INVALID_REQUEST', status: 400 });
    const err = await collect(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayReconcileError);
    expect(err).toMatchObject({ outTradeNo: params.out_trade_no, cause: { code: 'INVALID_REQUEST' } });
  });

  it('a final refusal fails at once', async () => {
    fake.codepayPlan.push({ fail: 'NOT_ENOUGH', status: 403 });
    const params = sale();
    const { outcome } = await collect(params);
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'NOT_ENOUGH' });
    expect(requestsTo(`/out-trade-no/${params.out_trade_no}`)).toHaveLength(0);
  });
});
