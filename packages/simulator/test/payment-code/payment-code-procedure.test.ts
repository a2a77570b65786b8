/**
 * The SDK's cashier procedure (`collectPaymentCode`) against the simulator over real HTTP, v2 and
 * v3: every branch a till meets — paid at once, the password typed / cancelled / never typed,
 * WeChat busy before or after charging, the bank slow, the answer lost, a reverse asked again,
 * codes expired, reused or short of balance. The simulator's own books say what really happened.
 */
import {
  collectPaymentCode,
  type PaymentCodeCashier,
  type PaymentCodeStep,
  parseBillCsv,
  type V2Client,
  type V3Client,
  v2PaymentCodeCashier,
  v3PaymentCodeCashier,
} from '@wechatpay-kit/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiFaultRule } from '../../src/engine/fault-injector.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator-server.js';
import { v2ClientFor } from '../v2/v2-client-for.js';
import { clientFor, uniqueNo } from '../v3/support/v3-test-kit.js';

let sim: RunningSimulator;
let v2: V2Client;
let v3: V3Client;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  v2 = v2ClientFor(sim, {
    tls: { cert: sim.merchant.certificatePem, key: sim.merchant.privateKeyPem },
    retry: { retries: 0, baseDelayMs: 0 },
    timeoutMs: 400,
  });
  v3 = clientFor(sim, { timeoutMs: 400, retry: { retries: 0, baseDelayMs: 0 } });
  await control('POST', '/users', { id: 'dora', balanceFen: 50_000 });
});

afterAll(async () => {
  await v2.close();
  await v3.close();
  await sim.stop();
});

afterEach(async () => {
  await control('DELETE', '/faults');
  await control('PATCH', '/users/alice', { passwordFreeFen: 100_000 });
  await control('PATCH', '/users/dora', { passwordFreeFen: 100_000 });
});

async function control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

async function codeOf(user: string): Promise<string> {
  return (await control('POST', `/users/${user}/payment-code`)).authCode as string;
}

const faults = (...api: ApiFaultRule[]) => control('PUT', '/faults', { api });

type Version = 'v2' | 'v3';

function cashier(version: Version, no: string, authCode: string, fen: number): PaymentCodeCashier<unknown> {
  if (version === 'v2') {
    return v2PaymentCodeCashier(v2, {
      body: '门店收款 Till',
      out_trade_no: no,
      total_fee: fen,
      spbill_create_ip: '203.0.113.9',
      auth_code: authCode,
      device_info: 'TILL-1',
    });
  }
  return v3PaymentCodeCashier(v3, {
    appid: sim.merchant.appid,
    description: '门店收款 Till',
    out_trade_no: no,
    payer: { auth_code: authCode },
    amount: { total: fen, currency: 'CNY' },
    scene_info: { device_id: 'TILL-1', store_info: { out_id: 'SZ-001' } },
  });
}

/** Runs the procedure with short timings; `onStep` may act as the customer. */
async function collect(
  version: Version,
  options: { user?: string; fen?: number; no?: string; authCode?: string; deadlineMs?: number } = {},
  onStep: (step: PaymentCodeStep, no: string) => Promise<void> | void = () => {},
) {
  const no = options.no ?? uniqueNo(`PC${version}`);
  const authCode = options.authCode ?? (await codeOf(options.user ?? 'alice'));
  const steps: PaymentCodeStep[] = [];
  const pending: Promise<void>[] = [];
  const outcome = await collectPaymentCode({
    cashier: cashier(version, no, authCode, options.fen ?? 100),
    pollMs: 60,
    deadlineMs: options.deadlineMs ?? 1_500,
    reverseRetryMs: 20,
    onStep: (step) => {
      steps.push(step);
      pending.push(Promise.resolve(onStep(step, no)));
    },
  });
  await Promise.all(pending);
  return { no, outcome, steps, trade: sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: no }) };
}

/** The customer types the PIN (or gives up) the first time the till waits for it. */
function customer(action: 'pay' | 'cancel') {
  let done = false;
  return async (step: PaymentCodeStep, no: string) => {
    if (step.step !== 'waiting-for-password' || done) return;
    done = true;
    await control('POST', `/orders/${no}/password`, { action });
  };
}

const balanceOf = (user: string) => sim.ctx.users.get(user)!.balanceFen;

describe.each(['v2', 'v3'] as const)('collectPaymentCode over %s', (version) => {
  it('pays at once below the password-free limit, and WeChat sends no notification', async () => {
    const { outcome, trade } = await collect(version);
    expect(outcome.outcome).toBe('paid');
    expect(trade).toMatchObject({ state: 'SUCCESS', tradeType: 'MICROPAY', payerUserId: 'alice' });
    expect(trade?.deviceId).toBe('TILL-1');
    expect(sim.ctx.notifier.list({ mchid: trade!.mchid, outTradeNo: trade!.outTradeNo })).toEqual([]);
  });

  it('waits for the password, then the customer pays on the phone', async () => {
    await control('PATCH', '/users/alice', { passwordFreeFen: 0 });
    const { outcome, steps, trade } = await collect(version, {}, customer('pay'));
    expect(steps.map((s) => s.step)).toContain('waiting-for-password');
    expect(outcome.outcome).toBe('paid');
    expect(trade?.state).toBe('SUCCESS');
  });

  it('the customer cancels the password sheet: failed, nothing charged', async () => {
    await control('PATCH', '/users/dora', { passwordFreeFen: 0 });
    const before = balanceOf('dora');
    const { outcome, trade } = await collect(version, { user: 'dora', fen: 300 }, customer('cancel'));
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'PAYERROR' });
    expect(trade?.state).toBe('PAYERROR');
    expect(balanceOf('dora')).toBe(before);
  });

  it('the password never comes: reversed at the deadline, closed for good', async () => {
    await control('PATCH', '/users/dora', { passwordFreeFen: 0 });
    const before = balanceOf('dora');
    const { no, outcome, trade } = await collect(version, { user: 'dora', fen: 300, deadlineMs: 400 });
    expect(outcome.outcome).toBe('reversed');
    expect(trade?.state).toBe('REVOKED');
    expect(balanceOf('dora')).toBe(before);
    const late = await fetch(`${sim.url}/_sim/orders/${no}/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"action":"pay"}',
    });
    expect(late.status).toBe(409);
    expect(balanceOf('dora')).toBe(before);
  });

  it('SYSTEMERROR after WeChat charged: the query finds the payment', async () => {
    await faults({ api: pay(version), kind: 'SYSTEMERROR', after: true, times: 1 });
    const before = balanceOf('dora');
    const { outcome, steps, trade } = await collect(version, { user: 'dora', fen: 250 });
    expect(steps.some((s) => s.step === 'querying')).toBe(true);
    expect(outcome.outcome).toBe('paid');
    expect(trade?.state).toBe('SUCCESS');
    expect(balanceOf('dora')).toBe(before! - 250);
  });

  it('SYSTEMERROR before anything happened: the order never existed, the reverse is a no-op', async () => {
    await faults({ api: pay(version), kind: 'SYSTEMERROR', times: 1 });
    const { outcome, trade } = await collect(version, { deadlineMs: 300 });
    expect(outcome.outcome).toBe('reversed');
    expect(trade).toBeUndefined();
  });

  it('BANKERROR after the charge: found paid by query', async () => {
    await faults({ api: pay(version), kind: 'BANKERROR', after: true, times: 1 });
    const { outcome, steps } = await collect(version);
    expect(steps.find((s) => s.step === 'querying')).toMatchObject({
      why: version === 'v2' ? 'BANKERROR' : 'BANK_ERROR',
    });
    expect(outcome.outcome).toBe('paid');
  });

  it('the answer is lost after the charge: the query settles it', async () => {
    await faults({ api: pay(version), kind: 'NO_ANSWER', after: true, times: 1 });
    const { outcome, trade } = await collect(version);
    expect(outcome.outcome).toBe('paid');
    expect(trade?.state).toBe('SUCCESS');
  });

  it('a reverse WeChat asks to repeat (recall / busy) is called again until it holds', async () => {
    await control('PATCH', '/users/dora', { passwordFreeFen: 0 });
    await faults({ api: reverse(version), kind: 'SYSTEMERROR', times: 2 });
    const { outcome, steps, trade } = await collect(version, { user: 'dora', deadlineMs: 300 });
    expect(outcome.outcome).toBe('reversed');
    expect(steps.filter((s) => s.step === 'reverse-again')).toHaveLength(2);
    expect(trade?.state).toBe('REVOKED');
  });

  it('a paid order reversed gives the money back', async () => {
    const before = balanceOf('dora');
    const { no, outcome } = await collect(version, { user: 'dora', fen: 400 });
    expect(outcome.outcome).toBe('paid');
    expect(balanceOf('dora')).toBe(before! - 400);
    if (version === 'v2') expect((await v2.reverse({ out_trade_no: no })).recall).toBe('N');
    else await v3.transactions.reverse(no, { appid: sim.merchant.appid });
    expect(balanceOf('dora')).toBe(before);
    expect(sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: no })?.state).toBe('REVOKED');
  });

  it('refuses a code used twice, a code past its minute, and a balance too low', async () => {
    const authCode = await codeOf('alice');
    expect((await collect(version, { authCode })).outcome.outcome).toBe('paid');
    expect((await collect(version, { authCode })).outcome).toMatchObject({
      outcome: 'failed',
      code: 'AUTH_CODE_INVALID',
    });

    const stale = await codeOf('alice');
    sim.ctx.clock.advance(61_000);
    expect((await collect(version, { authCode: stale })).outcome).toMatchObject({
      outcome: 'failed',
      code: 'AUTHCODEEXPIRE',
    });

    const poor = await collect(version, { user: 'carol', fen: 500 });
    expect(poor.outcome).toMatchObject({
      outcome: 'failed',
      code: version === 'v2' ? 'NOTENOUGH' : 'NOT_ENOUGH',
    });
    expect(poor.trade?.state).toBe('PAYERROR');
  });
});

describe('bills', () => {
  it('list payment-code orders as MICROPAY, and a reversed payment as its money going back', async () => {
    const kept = await collect('v2', { user: 'dora', fen: 120 });
    const undone = await collect('v3', { user: 'dora', fen: 80 });
    await v3.transactions.reverse(undone.no, { appid: sim.merchant.appid });
    const date = new Date(sim.ctx.clock.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const bill = parseBillCsv(await v2.downloadBill({ bill_date: date }));
    const rows = (no: string) => bill.rows.filter((r) => r.商户订单号 === no);
    expect(rows(kept.no)).toEqual([
      expect.objectContaining({ 交易类型: 'MICROPAY', 交易状态: 'SUCCESS', 应结订单金额: '1.20' }),
    ]);
    const [paid, reversed] = rows(undone.no);
    expect(paid).toMatchObject({ 交易类型: 'MICROPAY', 交易状态: 'SUCCESS', 应结订单金额: '0.80' });
    expect(reversed).toMatchObject({ 交易状态: 'REVOKED', 退款金额: '0.80', 退款状态: 'SUCCESS' });
  });
});

function pay(version: Version): string {
  return version === 'v2' ? 'v2.micropay' : 'v3.transactions.codepay';
}

function reverse(version: Version): string {
  return version === 'v2' ? 'v2.reverse' : 'v3.transactions.reverse';
}
