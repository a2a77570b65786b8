import {
  WechatPayApiError,
  WechatPayConfigError,
  WechatPayReconcileError,
  WechatPayValidationError,
} from '../errors.js';
import { isRetryable } from './retry.js';

/** What WeChat says about a payment-code order at one moment, in either API version's words. */
export type PaymentCodeState<T> =
  | { state: 'paid'; transaction: T }
  /** The customer is entering the password (`USERPAYING`). */
  | { state: 'paying' }
  /** Not known yet (`NOTPAY` right after a lost answer, order not found yet). */
  | { state: 'pending' }
  | { state: 'failed'; code: string; message: string };

/**
 * The three calls the cashier procedure needs, for one order. `v2PaymentCodeCashier` and
 * `v3PaymentCodeCashier` build it from a client; anything else (another gateway, a test) may too.
 * `pay` and `query` may throw: WeChat's `USERPAYING`, `SYSTEMERROR`, `BANKERROR` and transport
 * errors are understood as "not known yet", any other `WechatPayApiError` of `pay` as a failure.
 */
export interface PaymentCodeCashier<T> {
  readonly outTradeNo: string;
  pay(): Promise<PaymentCodeState<T>>;
  query(): Promise<PaymentCodeState<T>>;
  /** `recall: true`: WeChat asks for another reverse call. */
  reverse(): Promise<{ recall: boolean }>;
}

export type PaymentCodeStep =
  | { step: 'paying' }
  | { step: 'waiting-for-password'; attempt: number }
  | { step: 'querying'; attempt: number; why: string }
  | { step: 'reversing'; attempt: number }
  | { step: 'reverse-again'; attempt: number; why: string };

export type PaymentCodeOutcome<T> =
  | { outcome: 'paid'; transaction: T }
  | { outcome: 'failed'; code: string; message: string }
  /** Reversed (refunded or closed) because WeChat gave no final answer before the deadline. */
  | { outcome: 'reversed'; reason: 'deadline' };

export interface CollectPaymentCodeOptions<T> {
  cashier: PaymentCodeCashier<T>;
  /** Between queries, default 5 000 ms (WeChat's recommendation). */
  pollMs?: number;
  /** After this long without a final answer the order is reversed; default 30 000 ms. */
  deadlineMs?: number;
  /** Reverse calls before giving up with a `WechatPayReconcileError`, default 5. */
  maxReverseAttempts?: number;
  /** Pause between reverse calls, default 1 000 ms. */
  reverseRetryMs?: number;
  /** Every step, for the cashier's screen (`waiting-for-password` → "请在手机上输入密码"). */
  onStep?: (step: PaymentCodeStep) => void;
  /** Injectable clock and sleep, so tests need no real timers. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const UNKNOWN_CODES = new Set([
  'SYSTEMERROR',
  'SYSTEM_ERROR',
  'BANKERROR',
  'BANK_ERROR',
  'ORDERPAID',
  'ORDER_PAID',
]);

/**
 * WeChat's recommended cashier procedure for a payment code (付款码), written once for v2 and v3:
 * pay; while the customer enters the password (`USERPAYING`) or the result is unknown
 * (`SYSTEMERROR`, `BANKERROR`, a lost answer) query every `pollMs`; when still not final at
 * `deadlineMs`, reverse — again while WeChat answers `recall` or fails transiently. The outcome is
 * always final: paid, failed (nothing charged) or reversed. When even the reversal cannot be
 * confirmed it throws `WechatPayReconcileError`: the order must be kept and reconciled.
 */
export async function collectPaymentCode<T>(
  options: CollectPaymentCodeOptions<T>,
): Promise<PaymentCodeOutcome<T>> {
  const run = procedureRun(options);
  run.onStep({ step: 'paying' });
  return run.untilFinal(await settle(() => options.cashier.pay(), true));
}

/** The answer WeChat gives to a query for an order it has never seen (v2, v3). */
const NOT_FOUND_CODES = new Set(['ORDERNOTEXIST', 'ORDER_NOT_EXIST', 'RESOURCE_NOT_EXISTS']);

/**
 * A {@link PaymentCodeCashier} for taking over an order whose first pay call may or may not have
 * reached WeChat: `pay` is there only while the code is still held (it is a bearer credential,
 * dropped once the first call has been answered).
 */
export type PaymentCodeResumer<T> = Omit<PaymentCodeCashier<T>, 'pay'> & {
  pay?: PaymentCodeCashier<T>['pay'];
};

export interface ResumePaymentCodeOptions<T> extends Omit<CollectPaymentCodeOptions<T>, 'cashier'> {
  cashier: PaymentCodeResumer<T>;
}

/**
 * {@link collectPaymentCode} for a cashier that was interrupted (its process died, its answer was
 * lost): it starts with a query instead of a pay, so a charge already made is found rather than
 * attempted twice. An order WeChat does not know was never paid: it is paid now when the code is
 * still held (`cashier.pay`), otherwise the outcome is `failed` with WeChat's not-found code.
 * After that it is the same procedure — poll while `USERPAYING` or unknown, reverse at the
 * deadline — with `deadlineMs` counted from now, so a caller resuming late passes what is left
 * (0 reverses at once unless the query is final).
 */
export async function resumePaymentCode<T>(
  options: ResumePaymentCodeOptions<T>,
): Promise<PaymentCodeOutcome<T>> {
  const { cashier } = options;
  const run = procedureRun({ ...options, cashier: { ...cashier, pay: cashier.pay ?? unreachable } });
  run.onStep({ step: 'querying', attempt: 0, why: 'resume' });
  let seen: Seen<T>;
  try {
    seen = await settle(() => cashier.query(), false, true);
  } catch (err) {
    if (!(err instanceof WechatPayApiError) || !NOT_FOUND_CODES.has(err.code)) throw err;
    if (!cashier.pay) return { outcome: 'failed', code: err.code, message: err.message };
    run.onStep({ step: 'paying' });
    seen = await settle(() => cashier.pay!(), true);
  }
  return run.untilFinal(seen);
}

async function unreachable(): Promise<never> {
  throw new WechatPayConfigError('resumePaymentCode: no payment code to pay with');
}

/** The polling and reversing half both procedures share, from the first answer on. */
function procedureRun<T>(options: CollectPaymentCodeOptions<T>) {
  const { cashier, onStep = () => {} } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 5_000;
  const deadline = now() + (options.deadlineMs ?? 30_000);
  return {
    onStep,
    async untilFinal(first: Seen<T>): Promise<PaymentCodeOutcome<T>> {
      let seen = first;
      for (let attempt = 1; ; attempt++) {
        if (seen.state === 'paid') return { outcome: 'paid', transaction: seen.transaction };
        if (seen.state === 'failed') return { outcome: 'failed', code: seen.code, message: seen.message };
        if (now() + pollMs > deadline) break;
        onStep(
          seen.state === 'paying'
            ? { step: 'waiting-for-password', attempt }
            : { step: 'querying', attempt, why: seen.why },
        );
        await sleep(pollMs);
        seen = await settle(() => cashier.query(), false);
      }
      await reverseUntilConfirmed(cashier, options, onStep, sleep);
      return { outcome: 'reversed', reason: 'deadline' };
    },
  };
}

type Seen<T> = Exclude<PaymentCodeState<T>, { state: 'pending' }> | { state: 'pending'; why: string };

/** One call's answer, with the errors that mean "not known yet" folded into `paying` / `pending`. */
async function settle<T>(
  call: () => Promise<PaymentCodeState<T>>,
  paying: boolean,
  notFoundThrows = false,
): Promise<Seen<T>> {
  try {
    const state = await call();
    return state.state === 'pending' ? { state: 'pending', why: 'NOTPAY' } : state;
  } catch (err) {
    if (err instanceof WechatPayValidationError || err instanceof WechatPayConfigError) throw err;
    if (err instanceof WechatPayApiError) {
      if (notFoundThrows && NOT_FOUND_CODES.has(err.code)) throw err;
      if (err.code === 'USERPAYING') return { state: 'paying' };
      if (paying && !UNKNOWN_CODES.has(err.code) && !err.retryable) {
        return { state: 'failed', code: err.code, message: err.message };
      }
      return { state: 'pending', why: err.code };
    }
    return { state: 'pending', why: err instanceof Error ? err.name : 'unknown' };
  }
}

async function reverseUntilConfirmed<T>(
  cashier: Pick<PaymentCodeCashier<T>, 'outTradeNo' | 'reverse'>,
  options: CollectPaymentCodeOptions<T>,
  onStep: (step: PaymentCodeStep) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const attempts = options.maxReverseAttempts ?? 5;
  let why = 'recall';
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    onStep(attempt === 1 ? { step: 'reversing', attempt } : { step: 'reverse-again', attempt, why });
    try {
      if (!(await cashier.reverse()).recall) return;
      why = 'recall';
    } catch (err) {
      if (!isRetryable(err)) {
        throw new WechatPayReconcileError(cashier.outTradeNo, `reverse refused: ${describe(err)}`, {
          cause: err,
        });
      }
      lastError = err;
      why = describe(err);
    }
    if (attempt < attempts) await sleep(options.reverseRetryMs ?? 1_000);
  }
  throw new WechatPayReconcileError(cashier.outTradeNo, `still ${why} after ${attempts} reverse calls`, {
    cause: lastError,
  });
}

function describe(err: unknown): string {
  if (err instanceof WechatPayApiError) return err.code;
  return err instanceof Error ? err.name : String(err);
}
