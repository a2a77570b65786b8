import type { Order, ReceivedNotification } from '../domain/index.js';
import { followUpJob, OPEN_STATES, type PaymentDeps } from './use-case-deps.js';

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

export type MarkPaidDeps = Pick<PaymentDeps, 'orders' | 'events' | 'jobs' | 'clock' | 'fulfil' | 'logger'>;

const FULFILMENT_RETRY_MS = 60_000;

/**
 * The one place an order becomes PAID — whether a notification, the reconcile query or the timeout
 * close found out. The conditional transition lets exactly one caller win; only the winner publishes
 * the event and runs the fulfilment hook, so goods are delivered once however many duplicates race.
 *
 * The hook runs before `fulfilled_at` is set: if it fails (or the process dies meanwhile) the order
 * stays PAID with `fulfilled_at` null, and a `reconcile` job retries it through {@link MarkPaid.fulfil}.
 * A hook must therefore tolerate being re-run after a crash (key it on the order number).
 */
export class MarkPaid {
  readonly #deps: MarkPaidDeps;

  constructor(deps: MarkPaidDeps) {
    this.#deps = deps;
  }

  async execute(input: MarkPaidInput): Promise<MarkPaidOutput> {
    const { orders, events, clock } = this.#deps;
    // Without a hook there is nothing to deliver: the order is fulfilled by the same UPDATE.
    const deliveredNow = this.#deps.fulfil === undefined;
    const paid = await orders.transition({
      orderNo: input.orderNo,
      from: OPEN_STATES,
      to: 'PAID',
      ...(input.amountFen !== undefined ? { amountFen: input.amountFen } : {}),
      changes: {
        transactionId: input.transactionId,
        ...(input.payerOpenid ? { payerOpenid: input.payerOpenid } : {}),
        paidAt: input.paidAt,
        ...(deliveredNow ? { fulfilledAt: clock.now() } : {}),
      },
      reason: input.reason,
      source: input.source,
      ...(input.notification ? { notification: input.notification } : {}),
    });
    if (!paid) {
      return {
        applied: false,
        order: await orders.findByOrderNo(input.orderNo),
        fulfilment: Promise.resolve(),
      };
    }
    events.publish({ orderNo: paid.orderNo, state: 'PAID', at: clock.now() });
    return { applied: true, order: paid, fulfilment: deliveredNow ? Promise.resolve() : this.fulfil(paid) };
  }

  /** Runs the hook for a paid, undelivered order and records the delivery; failures schedule a retry. */
  async fulfil(order: Order): Promise<void> {
    const { orders, jobs, clock, logger } = this.#deps;
    try {
      await this.#deps.fulfil?.(order);
      await orders.markFulfilled(order.orderNo, clock.now());
    } catch (error) {
      logger?.error(
        { orderNo: order.orderNo, err: error instanceof Error ? error.message : String(error) },
        'fulfilment failed; a reconcile job will retry it',
      );
      const runAt = new Date(clock.now().getTime() + FULFILMENT_RETRY_MS);
      await jobs
        .enqueue(followUpJob('reconcile', order.orderNo, runAt, { fulfil: true }))
        .catch((enqueueError: unknown) =>
          logger?.error(
            { orderNo: order.orderNo, err: String(enqueueError) },
            'could not schedule the fulfilment retry',
          ),
        );
    }
  }
}
