import { randomUUID } from 'node:crypto';
import type { RefundRecord, TradeRecord } from '../engine/sim-records.js';
import {
  type DeliveryAttempt,
  type NotificationFilter,
  NotificationLog,
  type NotificationRecord,
} from './notification-log.js';
import { type NotificationDraft, NotificationPayloads } from './notification-payloads.js';
import { NotificationSender } from './notification-sender.js';
import type { NotifierDeps } from './notifier-deps.js';
import { ReorderBuffer } from './reorder-buffer.js';
import { nextAttemptDue } from './retry-schedule.js';

interface DueAttempt {
  record: NotificationRecord;
  dueAt: number;
}

type RecordIdentity = Pick<
  NotificationRecord,
  'kind' | 'apiVersion' | 'event' | 'mchid' | 'outTradeNo' | 'outRefundNo' | 'url'
>;

const INTERRUPTED = 'interrupted: the simulator stopped before the merchant answered';

/**
 * WeChat Pay's side of the callbacks: after a payment or a settled refund it POSTs the signed (v2)
 * or signed-and-encrypted (v3) notification to the merchant and retries on WeChat's schedule until
 * it is acknowledged or 16 attempts have failed. Every attempt goes into the persisted log, which
 * the control API shows and resends from, and the faults configured in `ctx.faults.notify` (drop,
 * duplicate, delay, reorder) are applied here.
 *
 * Deliveries never hold up the request that caused them (a payment is confirmed from an HTTP
 * handler): the first attempt starts at once and its outcome is only recorded. Retries run on the
 * simulated clock, so advancing it by a day replays the whole schedule in a moment.
 *
 * `resend(id)` is the merchant platform's "send again": one extra attempt now, outside the faults.
 * For a `pending` notification it does not disturb the schedule (but an ACK ends it); for a
 * `failed` one it re-arms the schedule, the resend counting as attempt 1 of a fresh round of 16;
 * for a `delivered` one it is just one more copy.
 */
export class NotificationDispatcher {
  readonly #ctx: NotifierDeps;
  readonly #log: NotificationLog;
  readonly #payloads: NotificationPayloads;
  readonly #sender = new NotificationSender();
  readonly #reorder: ReorderBuffer<DueAttempt>;
  #stopped = false;

  constructor(ctx: NotifierDeps) {
    this.#ctx = ctx;
    // Built before the store loads, so the collection is registered in time to be restored.
    this.#log = new NotificationLog(ctx.store);
    this.#payloads = new NotificationPayloads(ctx);
    this.#reorder = new ReorderBuffer(ctx.scheduler, ctx.clock, (batch) => void this.#sendInOrder(batch));
  }

  /** How long a merchant has to answer (real ms, default 5 000 as at WeChat). */
  get timeoutMs(): number {
    return this.#sender.timeoutMs;
  }

  set timeoutMs(ms: number) {
    this.#sender.timeoutMs = ms;
  }

  paymentSucceeded(trade: TradeRecord): NotificationRecord | undefined {
    if (!trade.notifyUrl) return undefined;
    const identity: RecordIdentity = {
      kind: 'payment',
      apiVersion: trade.apiVersion,
      event: 'TRANSACTION.SUCCESS',
      mchid: trade.mchid,
      outTradeNo: trade.outTradeNo,
      url: trade.notifyUrl,
    };
    return this.#start(identity, (id) => this.#payloads.payment(trade, id));
  }

  /** Refunds created without a `notify_url` are not notified, as at WeChat. */
  refundSettled(refund: RefundRecord): NotificationRecord | undefined {
    if (!refund.notifyUrl) return undefined;
    const identity: RecordIdentity = {
      kind: 'refund',
      apiVersion: refund.apiVersion,
      event: `REFUND.${refund.status}`,
      mchid: refund.mchid,
      outTradeNo: refund.outTradeNo,
      outRefundNo: refund.outRefundNo,
      url: refund.notifyUrl,
    };
    return this.#start(identity, (id) => this.#payloads.refund(refund, id));
  }

  /** Newest first. */
  list(filter: NotificationFilter = {}): NotificationRecord[] {
    return this.#log.list(filter);
  }

  get(id: string): NotificationRecord | undefined {
    return this.#log.get(id);
  }

  /** Sends once more now and resolves when the merchant has answered; `undefined` for an unknown id. */
  async resend(id: string): Promise<NotificationRecord | undefined> {
    const record = this.#log.get(id);
    if (!record || this.#stopped || record.error !== undefined) return record;
    const now = this.#ctx.clock.now();
    const rearm = record.status === 'failed';
    if (rearm) Object.assign(record, { status: 'pending', roundAttempts: 0, nextAttemptAt: now });
    const attempt = this.#begin(record, now, { manual: true }, rearm);
    const acked = await this.#deliver(record, attempt, () => this.#headers(record, false));
    if (this.#stopped) return record;
    if (rearm) this.#settle(record, now, acked);
    else if (acked && record.status === 'pending') this.#markDelivered(record);
    return record;
  }

  resume(): void {
    const now = this.#ctx.clock.now();
    for (const record of this.#log.pending()) {
      let interruptedDueAt: number | undefined;
      for (const attempt of record.attempts) {
        if (attempt.durationMs !== undefined || attempt.error !== undefined) continue;
        attempt.error = INTERRUPTED;
        if (!attempt.manual) interruptedDueAt = attempt.dueAt;
      }
      if (interruptedDueAt !== undefined && interruptedDueAt === record.nextAttemptAt) {
        this.#settle(record, interruptedDueAt, false);
      } else {
        const dueAt = record.nextAttemptAt ?? now;
        record.nextAttemptAt = dueAt;
        this.#ctx.scheduler.at(dueAt, () => this.#due(record, dueAt));
      }
    }
    this.#log.changed();
  }

  stop(): void {
    this.#stopped = true;
    void this.#sender.close().catch(() => undefined);
  }

  #start(
    identity: RecordIdentity,
    build: (id: string) => NotificationDraft | undefined,
  ): NotificationRecord | undefined {
    if (this.#stopped) return undefined;
    const id = randomUUID();
    const now = this.#ctx.clock.now();
    const fresh = { status: 'pending' as const, attempts: [], roundAttempts: 0, createdAt: now };
    let draft: NotificationDraft | undefined;
    try {
      draft = build(id);
    } catch (err) {
      const error = `could not build the notification: ${err instanceof Error ? err.message : String(err)}`;
      return this.#log.add({ ...identity, ...fresh, id, body: '', headers: {}, status: 'failed', error });
    }
    if (!draft) return undefined;
    const record = this.#log.add({ ...draft, ...fresh, nextAttemptAt: now });
    this.#due(record, now);
    return record;
  }

  /**
   * A scheduled attempt comes due. Faults are decided in this order, at most one per attempt:
   * reorder (first attempts only), drop, delay, duplicate. A dropped attempt counts as a failed one,
   * so the schedule carries on exactly as it would after a lost request.
   */
  #due(record: NotificationRecord, dueAt: number): void {
    if (!this.#isDue(record, dueAt)) return;
    const faults = this.#ctx.faults;
    const plan = faults.notify;
    if (plan.reorder && record.attempts.length === 0) {
      this.#reorder.hold({ record, dueAt }, plan.reorderWindowMs);
    } else if (faults.chance(plan.dropProbability)) {
      const attempt = this.#begin(record, dueAt, { fault: 'dropped' }, true);
      Object.assign(attempt, {
        durationMs: 0,
        error: 'not sent: dropped by fault injection, as if lost on the way',
      });
      this.#settle(record, dueAt, false);
    } else if (plan.delayMs > 0 && faults.chance(plan.delayProbability)) {
      this.#ctx.scheduler.at(this.#ctx.clock.now() + plan.delayMs, () => {
        if (this.#isDue(record, dueAt)) void this.#attempt(record, dueAt, 'delayed');
      });
    } else {
      void this.#attempt(record, dueAt, undefined, faults.chance(plan.duplicateProbability));
    }
  }

  async #sendInOrder(batch: DueAttempt[]): Promise<void> {
    // One after the other: concurrent requests over a pool could arrive in any order.
    for (const { record, dueAt } of batch) {
      if (this.#isDue(record, dueAt)) await this.#attempt(record, dueAt, 'reordered');
    }
  }

  async #attempt(
    record: NotificationRecord,
    dueAt: number,
    fault: 'delayed' | 'reordered' | undefined,
    duplicate = false,
  ): Promise<void> {
    const firstSend = record.attempts.every((a) => a.fault === 'dropped');
    const attempt = this.#begin(record, dueAt, fault ? { fault } : {}, true);
    let headers: Record<string, string> | undefined;
    const headersOnce = () => {
      headers ??= this.#headers(record, firstSend);
      return headers;
    };
    let acked = await this.#deliver(record, attempt, headersOnce);
    if (duplicate && !this.#stopped) {
      // The same request again, byte for byte, as a network-level duplicate would be.
      const copy = this.#begin(record, dueAt, { fault: 'duplicated' }, false);
      acked = (await this.#deliver(record, copy, headersOnce)) || acked;
    }
    if (!this.#stopped) this.#settle(record, dueAt, acked);
  }

  /** Adds an attempt to the log before it is sent, so the log shows it in flight. */
  #begin(
    record: NotificationRecord,
    dueAt: number,
    extra: Partial<DeliveryAttempt>,
    counts: boolean,
  ): DeliveryAttempt {
    const attempt: DeliveryAttempt = {
      at: this.#ctx.clock.now(),
      dueAt,
      realAt: Date.now(),
      acked: false,
      ...extra,
    };
    record.attempts.push(attempt);
    if (counts) record.roundAttempts += 1;
    this.#log.changed();
    return attempt;
  }

  async #deliver(
    record: NotificationRecord,
    attempt: DeliveryAttempt,
    headers: () => Record<string, string>,
  ): Promise<boolean> {
    try {
      const result = await this.#sender.send(record.apiVersion, record.url, record.body, headers());
      if (this.#stopped) return false;
      Object.assign(attempt, result);
    } catch (err) {
      Object.assign(attempt, {
        durationMs: 0,
        error: `not sent: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    this.#log.changed();
    return attempt.acked;
  }

  /** Records an attempt's outcome and arms the next one, unless a resend settled things meanwhile. */
  #settle(record: NotificationRecord, dueAt: number, acked: boolean): void {
    if (!this.#isDue(record, dueAt)) return;
    if (acked) {
      this.#markDelivered(record);
      return;
    }
    const next = nextAttemptDue(dueAt, record.roundAttempts);
    if (next === undefined) {
      record.status = 'failed';
      delete record.nextAttemptAt;
    } else {
      record.nextAttemptAt = next;
      this.#ctx.scheduler.at(next, () => this.#due(record, next));
    }
    this.#log.changed();
  }

  #markDelivered(record: NotificationRecord): void {
    record.status = 'delivered';
    record.deliveredAt = this.#ctx.clock.now();
    delete record.nextAttemptAt;
    this.#log.changed();
  }

  #isDue(record: NotificationRecord, dueAt: number): boolean {
    return !this.#stopped && record.status === 'pending' && record.nextAttemptAt === dueAt;
  }

  #headers(record: NotificationRecord, firstSend: boolean): Record<string, string> {
    record.headers = this.#payloads.headersFor(record, firstSend);
    return record.headers;
  }
}
