import {
  FULFIL_JOB,
  type Order,
  orderTransition,
  type ReceivedNotification,
  webhookEventJob,
} from '../domain/index.js';
import { FulfilOrder } from './fulfil-order.js';
import type { PaymentDeps } from './use-case-deps.js';

export interface MarkPaidInput {
  orderNo: string;
  transactionId: string | null;
  /** Who paid, when WeChat said. */
  payerOpenid?: string | undefined;
  paidAt: Date;
  /** `notify-v2`, `notify-v3`, `job:close-expired`, `job:reconcile`. */
  source: string;
  reason: string;
  /** What the payer paid, when a notification says: the order becomes PAID only if it costs that. */
  amountFen?: number;
  /** The notification that reported the payment, logged in the transition's transaction if it wins. */
  notification?: ReceivedNotification;
}

export interface MarkPaidOutput {
  /** `true` for the one caller whose transition won; every other caller sees `false`. */
  applied: boolean;
  /** The order as it is now (after the change, or as the winner left it). */
  order: Order | undefined;
  /** Settles when the fulfilment hook has run (never rejects); callers on a deadline don't await it. */
  fulfilment: Promise<void>;
}

export type MarkPaidDeps = Pick<
  PaymentDeps,
  'orders' | 'events' | 'clock' | 'fulfil' | 'webhooks' | 'logger'
>;

export interface MarkPaidOptions {
  /**
   * When the delivery job of a paid order comes due, default 60 s after the payment. The process
   * that took the payment delivers at once; the job is what delivers instead if that failed or the
   * process died first. A hook slower than this may be called twice.
   */
  fulfilmentRetryMs?: number;
}

const DEFAULT_FULFILMENT_RETRY_MS = 60_000;

/**
 * The one place an order becomes PAID — whether a notification, the reconcile query or the timeout
 * close found out. The conditional transition lets exactly one caller win; only the winner publishes
 * the event and delivers, so goods are delivered once however many duplicates race.
 *
 * Delivery is an outbox: the `fulfil` job is written by the same transaction as PAID, so every paid
 * order is delivered at least once whatever fails after the commit. The winner then runs the hook at
 * once ({@link FulfilOrder.deliver}); if the hook fails or the process dies before `fulfilled_at` is
 * recorded, the job runs it later, on any instance. The hook must tolerate being re-run (key it on
 * the order number).
 */
export class MarkPaid {
  readonly #deps: MarkPaidDeps;
  readonly #fulfilOrder: FulfilOrder;
  readonly #retryMs: number;

  constructor(deps: MarkPaidDeps, options: MarkPaidOptions = {}) {
    this.#deps = deps;
    this.#fulfilOrder = new FulfilOrder(deps);
    this.#retryMs = options.fulfilmentRetryMs ?? DEFAULT_FULFILMENT_RETRY_MS;
    if (!Number.isSafeInteger(this.#retryMs) || this.#retryMs < 0) {
      throw new Error('fulfilmentRetryMs must be a whole number of milliseconds');
    }
  }

  async execute(input: MarkPaidInput): Promise<MarkPaidOutput> {
    const { orders, events, clock } = this.#deps;
    // Without a hook there is nothing to deliver: the order is fulfilled by the same UPDATE.
    const deliveredNow = this.#deps.fulfil === undefined;
    const now = clock.now();
    const jobs = [
      ...(deliveredNow
        ? []
        : [
            {
              type: FULFIL_JOB,
              key: input.orderNo,
              runAt: new Date(now.getTime() + this.#retryMs),
              payload: { orderNo: input.orderNo },
            },
          ]),
      ...((await this.#deps.webhooks?.wants('order.paid'))
        ? [webhookEventJob('order.paid', input.orderNo, now)]
        : []),
    ];
    const paid = await orders.transition({
      orderNo: input.orderNo,
      ...orderTransition('pay'),
      ...(input.amountFen !== undefined ? { amountFen: input.amountFen } : {}),
      changes: {
        transactionId: input.transactionId,
        ...(input.payerOpenid ? { payerOpenid: input.payerOpenid } : {}),
        paidAt: input.paidAt,
        ...(deliveredNow ? { fulfilledAt: now } : {}),
      },
      reason: input.reason,
      source: input.source,
      ...(input.notification ? { notification: input.notification } : {}),
      ...(jobs.length > 0 ? { jobs } : {}),
    });
    if (!paid) {
      return {
        applied: false,
        order: await orders.findByOrderNo(input.orderNo),
        fulfilment: Promise.resolve(),
      };
    }
    events.publish({ orderNo: paid.orderNo, state: 'PAID', at: clock.now() });
    return { applied: true, order: paid, fulfilment: deliveredNow ? Promise.resolve() : this.#deliver(paid) };
  }

  async #deliver(order: Order): Promise<void> {
    try {
      await this.#fulfilOrder.deliver(order);
    } catch (error) {
      this.#deps.logger?.error(
        { orderNo: order.orderNo, err: error instanceof Error ? error.message : String(error) },
        'fulfilment failed; its fulfil job will retry it',
      );
    }
  }
}
