import { describe, expect, it } from 'vitest';
import {
  type PaymentCodeResumer,
  type PaymentCodeState,
  type PaymentCodeStep,
  resumePaymentCode,
} from '../../src/core/payment-code-procedure.js';
import { WechatPayApiError, WechatPayReconcileError } from '../../src/errors.js';
import { fakeClock } from '../support/fake-clock.js';

type Trade = { transaction_id: string };

/**
 * An in-memory WeChat for one order: `states` is what successive queries answer (the last one
 * repeats); a string entry is thrown as a WeChat error with that code.
 */
function wechat(states: (PaymentCodeState<Trade> | string)[], options: { code?: boolean } = {}) {
  const calls: string[] = [];
  let i = 0;
  const next = async (): Promise<PaymentCodeState<Trade>> => {
    const entry = states[Math.min(i++, states.length - 1)]!;
    if (typeof entry === 'string') throw new WechatPayApiError(entry, { code: entry });
    return entry;
  };
  const resumer: PaymentCodeResumer<Trade> = {
    outTradeNo: 'P1',
    query: () => {
      calls.push('query');
      return next();
    },
    reverse: async () => {
      calls.push('reverse');
      return { recall: false };
    },
    ...(options.code
      ? {
          pay: async () => {
            calls.push('pay');
            return { state: 'paid', transaction: { transaction_id: 'T-new' } } as const;
          },
        }
      : {}),
  };
  return { resumer, calls };
}

const paid: PaymentCodeState<Trade> = { state: 'paid', transaction: { transaction_id: 'T1' } };

async function resume(cashier: PaymentCodeResumer<Trade>, deadlineMs = 30_000) {
  const steps: PaymentCodeStep[] = [];
  const outcome = await resumePaymentCode({
    cashier,
    deadlineMs,
    onStep: (s) => steps.push(s),
    ...fakeClock(),
  });
  return { outcome, steps: steps.map((s) => s.step) };
}

describe('resumePaymentCode', () => {
  it('finds a charge already made by querying, and never pays again', async () => {
    const { resumer, calls } = wechat([paid], { code: true });
    const { outcome, steps } = await resume(resumer);
    expect(outcome).toEqual({ outcome: 'paid', transaction: { transaction_id: 'T1' } });
    expect(calls).toEqual(['query']);
    expect(steps).toEqual(['querying']);
  });

  it('keeps polling while the customer types the password, then reverses at the deadline', async () => {
    const { resumer, calls } = wechat([{ state: 'paying' }]);
    const { outcome, steps } = await resume(resumer, 10_000);
    expect(outcome).toEqual({ outcome: 'reversed', reason: 'deadline' });
    expect(calls.filter((c) => c === 'query')).toHaveLength(3);
    expect(calls.at(-1)).toBe('reverse');
    expect(steps).toContain('waiting-for-password');
  });

  it('reverses at once when the deadline has passed and the query is not final', async () => {
    const { resumer, calls } = wechat(['SYSTEMERROR']);
    const { outcome } = await resume(resumer, 0);
    expect(outcome).toEqual({ outcome: 'reversed', reason: 'deadline' });
    expect(calls).toEqual(['query', 'reverse']);
  });

  it('pays with the code still held when WeChat never saw the order', async () => {
    const { resumer, calls } = wechat(['ORDERNOTEXIST'], { code: true });
    const { outcome, steps } = await resume(resumer);
    expect(outcome).toEqual({ outcome: 'paid', transaction: { transaction_id: 'T-new' } });
    expect(calls).toEqual(['query', 'pay']);
    expect(steps).toEqual(['querying', 'paying']);
  });

  it('without the code, an order WeChat never saw failed: nothing was charged', async () => {
    const { resumer, calls } = wechat(['ORDER_NOT_EXIST']);
    const { outcome } = await resume(resumer);
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'ORDER_NOT_EXIST' });
    expect(calls).toEqual(['query']);
  });

  it('an order reversed before the crash reads as failed with REVOKED: nothing to do again', async () => {
    const { resumer, calls } = wechat([{ state: 'failed', code: 'REVOKED', message: '已撤销' }]);
    const { outcome } = await resume(resumer);
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'REVOKED' });
    expect(calls).toEqual(['query']);
  });

  it('an unconfirmed reversal still throws WechatPayReconcileError', async () => {
    const { resumer } = wechat([{ state: 'paying' }]);
    resumer.reverse = async () => {
      throw new WechatPayApiError('no', { code: 'INVALID_REQUEST' });
    };
    await expect(resume(resumer, 0)).rejects.toBeInstanceOf(WechatPayReconcileError);
  });
});
