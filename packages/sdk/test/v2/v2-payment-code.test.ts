import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClient, UndiciHttpClient } from '../../src/core/http-client.js';
import { collectPaymentCode, type PaymentCodeStep } from '../../src/core/payment-code-procedure.js';
import {
  WechatPayReconcileError,
  WechatPayTransportError,
  WechatPayValidationError,
} from '../../src/errors.js';
import { V2Client } from '../../src/v2/v2-client.js';
import { v2PaymentCodeCashier } from '../../src/v2/v2-payment-code-cashier.js';
import type { V2MicropayParams } from '../../src/v2/v2-types.js';
import { fakeClock } from '../support/fake-clock.js';
import { fixtures } from '../support/fixtures.js';
import { FakeV2Server, fakeSign } from './support/fake-v2-server.js';

const read = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ca = read('ca-cert.pem');
const CODE = '134567890123456789';

let fake: FakeV2Server;
let client: V2Client;
let http: UndiciHttpClient;
let base: string;
let seq = 0;

function sale(overrides: Partial<V2MicropayParams> = {}): V2MicropayParams {
  return {
    body: '门店收银 — wechatpay-kit',
    out_trade_no: `P${Date.now()}_${++seq}`,
    total_fee: 888,
    spbill_create_ip: '203.0.113.9',
    auth_code: CODE,
    ...overrides,
  };
}

async function collect(params: V2MicropayParams, onSleep?: (t: number) => void) {
  const steps: PaymentCodeStep[] = [];
  const outcome = await collectPaymentCode({
    cashier: v2PaymentCodeCashier(client, params),
    onStep: (s) => steps.push(s),
    ...fakeClock(onSleep),
  });
  return { outcome, steps: steps.map((s) => s.step) };
}

const calls = (path: string, no: string) =>
  fake.calls.filter((c) => c.path === path && c.fields.out_trade_no === no).length;

beforeAll(async () => {
  fake = new FakeV2Server({
    appid: fixtures.appid,
    mchid: fixtures.mchid,
    apiKey: fixtures.apiKey,
    tls: { key: read('server-key.pem'), cert: read('server-cert.pem'), ca: [fixtures.merchantCert] },
  });
  base = await fake.start();
  http = new UndiciHttpClient({ tls: { ca } });
  client = new V2Client({
    appid: fixtures.appid,
    mchid: fixtures.mchid,
    apiKey: fixtures.apiKey,
    baseUrl: base,
    http,
    tls: { cert: fixtures.merchantCert, key: fixtures.merchantKey, ca },
    retry: { retries: 2, baseDelayMs: 1 },
  });
});

afterAll(async () => {
  await client.close();
  await http.close();
  await fake.stop();
});

describe('V2Client.micropay and reverse', () => {
  it('sends a signed micropay with the code and no notify_url; the answer is the paid trade', async () => {
    const params = sale({ attach: 'till-3' });
    const paid = await client.micropay(params);
    expect(paid).toMatchObject({
      trade_type: 'MICROPAY',
      out_trade_no: params.out_trade_no,
      total_fee: 888,
      cash_fee: 888,
      attach: 'till-3',
    });
    const sent = fake.calls.find(
      (c) => c.path === '/pay/micropay' && c.fields.out_trade_no === params.out_trade_no,
    )!;
    expect(sent.fields.auth_code).toBe(CODE);
    expect(sent.fields.total_fee).toBe('888');
    expect(sent.fields).not.toHaveProperty('notify_url');
    expect(sent.fields.sign).toBe(fakeSign(sent.fields, fixtures.apiKey));
  });

  it('is refused by WeChat when signed with another key', async () => {
    const wrong = new V2Client({
      appid: fixtures.appid,
      mchid: fixtures.mchid,
      apiKey: 'x'.repeat(32),
      baseUrl: base,
      http,
    });
    await expect(wrong.micropay(sale())).rejects.toMatchObject({ code: 'SIGNERROR', returnCode: 'FAIL' });
    await wrong.close();
  });

  it('keeps err_code USERPAYING / BANKERROR as the API error code and is not retried', async () => {
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    const params = sale();
    const err = await client.micropay(params).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'USERPAYING', resultCode: 'FAIL' });
    fake.micropayPlan.push({ answer: 'BANKERROR', order: 'NOTPAY' });
    const bank = sale();
    await expect(client.micropay(bank)).rejects.toMatchObject({ code: 'BANKERROR' });
    expect(calls('/pay/micropay', bank.out_trade_no)).toBe(1);
    await expect(client.orderQuery({ out_trade_no: params.out_trade_no })).resolves.toMatchObject({
      trade_state: 'USERPAYING',
    });
  });

  it('refuses a malformed code before sending, masking it', async () => {
    const before = fake.calls.length;
    for (const bad of [
      '284567890123456789',
      '13456789012345678',
      '1345678901234567890',
      '13456789012345678x',
    ]) {
      const err = await client.micropay(sale({ auth_code: bad })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WechatPayValidationError);
      expect((err as WechatPayValidationError).field).toBe('auth_code');
      expect((err as Error).message).not.toContain(bad);
      expect((err as Error).message).not.toContain(bad.slice(2, -2));
    }
    expect(() => v2PaymentCodeCashier(client, sale({ auth_code: '' }))).toThrow(WechatPayValidationError);
    expect(fake.calls.length).toBe(before);
  });

  it('reverses over mutual TLS: the order becomes REVOKED', async () => {
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    const params = sale();
    await client.micropay(params).catch(() => undefined);
    await expect(client.reverse({ out_trade_no: params.out_trade_no })).resolves.toMatchObject({
      recall: 'N',
    });
    const state = await client.orderQuery({ out_trade_no: params.out_trade_no });
    expect(state.trade_state).toBe('REVOKED');
  });
});

describe('collectPaymentCode over v2', () => {
  it('pays at once', async () => {
    const { outcome, steps } = await collect(sale());
    expect(outcome).toMatchObject({
      outcome: 'paid',
      transaction: { trade_type: 'MICROPAY', total_fee: 888 },
    });
    expect(steps).toEqual(['paying']);
  });

  it('waits for the password, then paid', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    const { outcome, steps } = await collect(
      params,
      (t) => t >= 10_000 && fake.setState(params.out_trade_no, 'SUCCESS'),
    );
    expect(outcome).toMatchObject({ outcome: 'paid', transaction: { out_trade_no: params.out_trade_no } });
    expect(steps).toEqual(['paying', 'waiting-for-password', 'waiting-for-password']);
    expect(calls('/pay/orderquery', params.out_trade_no)).toBe(2);
  });

  it('waits for the password, then failed', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    const { outcome } = await collect(
      params,
      (t) => t >= 5_000 && fake.setState(params.out_trade_no, 'PAYERROR'),
    );
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'PAYERROR' });
    expect(calls('/secapi/pay/reverse', params.out_trade_no)).toBe(0);
  });

  it('reverses when the password never comes before the deadline', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    const { outcome, steps } = await collect(params);
    expect(outcome).toEqual({ outcome: 'reversed', reason: 'deadline' });
    expect(steps.filter((s) => s === 'waiting-for-password')).toHaveLength(6);
    expect(steps.at(-1)).toBe('reversing');
    expect(fake.orders.get(params.out_trade_no)?.state).toBe('REVOKED');
  });

  it('SYSTEMERROR: queries and finds it paid', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'SYSTEMERROR', order: 'SUCCESS' });
    const { outcome, steps } = await collect(params);
    expect(outcome).toMatchObject({ outcome: 'paid' });
    expect(steps).toEqual(['paying', 'querying']);
  });

  it('SYSTEMERROR: never found, so reversed at the deadline', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'SYSTEMERROR', order: 'none' });
    const { outcome } = await collect(params);
    expect(outcome).toEqual({ outcome: 'reversed', reason: 'deadline' });
    expect(calls('/pay/orderquery', params.out_trade_no)).toBe(6);
    expect(calls('/secapi/pay/reverse', params.out_trade_no)).toBe(1);
  });

  it('an answer lost on the way back (WeChat charged): queries and finds it paid', async () => {
    // The request reaches WeChat and is charged; only the answer is lost, as with a reset socket.
    const lossy: HttpClient = {
      request: async (req) => {
        const res = await http.request(req);
        if (req.url.endsWith('/pay/micropay')) {
          throw new WechatPayTransportError('socket hang up', { method: req.method, url: req.url });
        }
        return res;
      },
    };
    const c = new V2Client({
      appid: fixtures.appid,
      mchid: fixtures.mchid,
      apiKey: fixtures.apiKey,
      baseUrl: base,
      http: lossy,
    });
    const params = sale();
    const steps: PaymentCodeStep[] = [];
    const outcome = await collectPaymentCode({
      cashier: v2PaymentCodeCashier(c, params),
      onStep: (s) => steps.push(s),
      ...fakeClock(),
    });
    expect(outcome).toMatchObject({ outcome: 'paid', transaction: { out_trade_no: params.out_trade_no } });
    expect(steps[1]).toEqual({ step: 'querying', attempt: 1, why: 'WechatPayTransportError' });
    expect(calls('/pay/micropay', params.out_trade_no)).toBe(1);
    await c.close();
  });

  it('BANKERROR: queries until the bank answers', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'BANKERROR', order: 'NOTPAY' });
    const { outcome } = await collect(
      params,
      (t) => t >= 15_000 && fake.setState(params.out_trade_no, 'SUCCESS'),
    );
    expect(outcome).toMatchObject({ outcome: 'paid' });
    expect(calls('/pay/orderquery', params.out_trade_no)).toBe(3);
  });

  it('a final refusal (expired code) fails at once: no query, no reverse', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'fail', errCode: 'AUTHCODEEXPIRE', errCodeDes: '二维码已过期' });
    const { outcome } = await collect(params);
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'AUTHCODEEXPIRE' });
    expect(calls('/pay/orderquery', params.out_trade_no)).toBe(0);
  });

  it('reverses again while WeChat answers recall=Y', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    fake.reversePlan.push('recall');
    const { outcome, steps } = await collect(params);
    expect(outcome).toEqual({ outcome: 'reversed', reason: 'deadline' });
    expect(steps.slice(-2)).toEqual(['reversing', 'reverse-again']);
    expect(calls('/secapi/pay/reverse', params.out_trade_no)).toBe(2);
  });

  it('throws a reconcile error when the reverse is refused', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    fake.reversePlan.push({ errCode: 'REVERSE_EXPIRE' });
    const err = await collect(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatPayReconcileError);
    expect(err).toMatchObject({ outTradeNo: params.out_trade_no });
    expect((err as Error).message).toMatch(/对账.*reconcile.*REVERSE_EXPIRE/);
  });

  it('throws a reconcile error when recall=Y never ends (bounded)', async () => {
    const params = sale();
    fake.micropayPlan.push({ answer: 'USERPAYING', order: 'USERPAYING' });
    fake.reversePlan.push('recall', 'recall', 'recall', 'recall', 'recall');
    await expect(collect(params)).rejects.toBeInstanceOf(WechatPayReconcileError);
    expect(calls('/secapi/pay/reverse', params.out_trade_no)).toBe(5);
  });
});
