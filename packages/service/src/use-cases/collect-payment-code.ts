import {
  type MicropayJobPayload,
  type Order,
  orderTransition,
  type PaymentCodeGateway,
  type PaymentCodeProgress,
  type PaymentCodeResult,
  type PaymentCodeStore,
} from '../domain/index.js';
import type { MarkPaid } from './mark-paid.js';
import type { PaymentDeps } from './use-case-deps.js';
import { isOpen } from './use-case-deps.js';

export interface CollectPaymentCodeDeps extends Pick<PaymentDeps, 'orders' | 'events' | 'clock' | 'logger'> {
  paymentCodes: PaymentCodeGateway;
  codeStore: PaymentCodeStore;
}

export interface CollectPaymentCodeOptions {
  /** Between queries while the customer types the password or the result is unknown; WeChat says 5 s. */
  pollMs: number;
  /** From the order's creation to the reversal of an order still not final; WeChat says 30 s. */
  deadlineMs: number;
}

const SOURCE = 'job:micropay';

/**
 * The `micropay` job: WeChat's cashier procedure for one payment-code order, run to a final state.
 * A first run pays with the code; any later run — the process died, the answer was lost, the
 * reversal was not confirmed — resumes: it queries first, so a charge already made is found and
 * never attempted again, and pays only if WeChat never saw the order and the code is still held.
 * Each step is a conditional transition with its history row and an event (USERPAYING while the
 * password is typed); PAID goes through {@link MarkPaid}, the one place an order becomes paid, so
 * fulfilment happens once. The code is dropped from the job as soon as the pay call was answered.
 */
export class CollectPaymentCode {
  readonly #deps: CollectPaymentCodeDeps;
  readonly #markPaid: Pick<MarkPaid, 'execute'>;
  readonly #options: CollectPaymentCodeOptions;

  constructor(
    deps: CollectPaymentCodeDeps,
    markPaid: Pick<MarkPaid, 'execute'>,
    options: CollectPaymentCodeOptions,
  ) {
    for (const [name, value] of Object.entries(options)) {
      if (!Number.isSafeInteger(value) || value < 1)
        throw new Error(`${name} must be a whole number of ms ≥ 1`);
    }
    this.#deps = deps;
    this.#markPaid = markPaid;
    this.#options = options;
  }

  /** Runs the job; resolves once the order is final (or was already). Throws to be retried. */
  async execute(payload: MicropayJobPayload, run: { attempts: number }): Promise<Order | undefined> {
    const { orders, clock, codeStore } = this.#deps;
    const order = await orders.findByOrderNo(payload.orderNo);
    // PAYERROR is final for a payment code: the code is spent, nothing was charged.
    if (order?.payType !== 'MICROPAY' || !isOpen(order) || order.state === 'PAYERROR') {
      if (payload.authCode !== undefined) await codeStore.save(withoutCode(payload));
      return order;
    }
    const resume = payload.started === true || run.attempts > 0 || order.state !== 'NOTPAY';
    if (!resume) await codeStore.save({ ...payload, started: true });
    const elapsed = clock.now().getTime() - order.createdAt.getTime();
    let steps = Promise.resolve();
    const result = await this.#deps.paymentCodes.collect(order, {
      resume,
      ...(payload.authCode !== undefined ? { authCode: payload.authCode } : {}),
      ...(payload.deviceId !== undefined ? { deviceId: payload.deviceId } : {}),
      deadlineMs: Math.max(0, this.#options.deadlineMs - elapsed),
      pollMs: this.#options.pollMs,
      onStep: (progress) => {
        steps = steps
          .then(() => this.#onStep(order, payload, progress))
          .catch((error: unknown) => {
            this.#deps.logger?.warn(
              { orderNo: order.orderNo, err: String(error) },
              'payment-code step not stored',
            );
          });
        return steps;
      },
    });
    await steps;
    if (payload.authCode !== undefined) await codeStore.save(withoutCode({ ...payload, started: true }));
    return this.#finish(order, result);
  }

  async #onStep(order: Order, payload: MicropayJobPayload, progress: PaymentCodeProgress): Promise<void> {
    if (progress.step === 'code-used') {
      await this.#deps.codeStore.save(withoutCode({ ...payload, started: true }));
      return;
    }
    if (progress.step !== 'waiting-for-password') return;
    const waiting = await this.#deps.orders.transition({
      orderNo: order.orderNo,
      ...orderTransition('await-password'),
      reason: 'WeChat: USERPAYING, the customer is entering the password',
      source: SOURCE,
    });
    if (waiting)
      this.#deps.events.publish({ orderNo: order.orderNo, state: 'USERPAYING', at: this.#deps.clock.now() });
  }

  async #finish(order: Order, result: PaymentCodeResult): Promise<Order | undefined> {
    const { orders, events, clock, logger } = this.#deps;
    const { orderNo } = order;
    if (result.outcome === 'paid') {
      const paid = await this.#markPaid.execute({
        orderNo,
        transactionId: result.transactionId,
        ...(result.payerOpenid ? { payerOpenid: result.payerOpenid } : {}),
        paidAt: result.paidAt,
        source: SOURCE,
        reason: 'WeChat confirmed the payment-code payment',
      });
      if (result.amountFen !== undefined && result.amountFen !== order.amountFen) {
        logger?.error(
          { orderNo, wechatFen: result.amountFen, orderFen: order.amountFen },
          'paid amount differs',
        );
      }
      return paid.order;
    }
    const now = clock.now();
    const failed = result.outcome === 'failed';
    const changed = await orders.transition({
      orderNo,
      ...orderTransition(failed ? 'fail' : 'reverse'),
      changes: {
        closedAt: now,
        wechatErrorCode: failed
          ? result.code
          : result.reason === 'deadline'
            ? 'REVERSED_AT_DEADLINE'
            : result.reason,
        wechatErrorMessage: failed
          ? result.message
          : 'reversed at WeChat (撤销): refunded if charged, else closed',
      },
      reason: failed ? `WeChat: ${result.code}` : `reversed (${result.reason})`,
      source: SOURCE,
    });
    if (changed) events.publish({ orderNo, state: changed.state, at: now });
    logger?.info({ orderNo, outcome: result.outcome }, 'payment-code order settled');
    return changed ?? (await orders.findByOrderNo(orderNo));
  }
}

function withoutCode(payload: MicropayJobPayload): MicropayJobPayload {
  const { authCode: _dropped, ...rest } = payload;
  return rest;
}
