import type { ApiVersion } from '../engine/sim-records.js';
import type { Collection, StateStore } from '../engine/state-store.js';

export type NotificationKind = 'payment' | 'refund';
export type NotificationStatus = 'pending' | 'delivered' | 'failed';
/** What fault injection did to an attempt; at most one per attempt. */
export type DeliveryFault = 'dropped' | 'duplicated' | 'delayed' | 'reordered';

/** One POST to the merchant (or one that fault injection swallowed). */
export interface DeliveryAttempt {
  /** Simulated ms when it was sent; later than `dueAt` when a fault held it or the clock jumped. */
  at: number;
  /** Simulated ms the retry schedule called for: consecutive `dueAt`s follow WeChat's intervals exactly. */
  dueAt: number;
  /** Wall-clock ms, to match the merchant's own logs. */
  realAt: number;
  /** Absent while the answer is awaited. */
  durationMs?: number;
  httpStatus?: number;
  /** The first 2 KiB of the merchant's answer. */
  responseBody?: string;
  /** Why it did not count as an acknowledgement, in words a merchant developer can act on. */
  error?: string;
  acked: boolean;
  fault?: DeliveryFault;
  /** Sent by `resend` from the control API, outside the schedule. */
  manual?: boolean;
}

/** A callback WeChat owes a merchant, with everything it tried so far. */
export interface NotificationRecord {
  /** For v3 also the `id` inside the body, so a merchant's log and this one line up. */
  id: string;
  kind: NotificationKind;
  apiVersion: ApiVersion;
  /** `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `REFUND.ABNORMAL` or `REFUND.CLOSED` (also for v2). */
  event: string;
  mchid: string;
  outTradeNo: string;
  outRefundNo?: string;
  transactionId?: string;
  url: string;
  /** The exact bytes sent: the merchant verifies its signature over them. */
  body: string;
  /** As sent last (v3 retries are signed afresh, with a new timestamp and nonce). */
  headers: Record<string, string>;
  status: NotificationStatus;
  attempts: DeliveryAttempt[];
  /** When the next scheduled attempt is due (simulated ms) while `pending`. */
  nextAttemptAt?: number;
  /** Scheduled attempts made in the current round of the schedule; a resend after `failed` starts a new round. */
  roundAttempts: number;
  createdAt: number;
  deliveredAt?: number;
  /** Set when the notification could not even be built (it is then `failed` without attempts). */
  error?: string;
}

export interface NotificationFilter {
  mchid?: string;
  outTradeNo?: string;
  outRefundNo?: string;
  kind?: NotificationKind;
  status?: NotificationStatus;
  /** Newest first; default all. */
  limit?: number;
}

/**
 * The persisted notification log (collection `notifications`). Records are mutated in place and
 * the store is only told something changed, so logging an attempt costs O(1) however long the log.
 * The log is bounded: past `maxRecords`, the oldest finished notifications are forgotten. A record
 * is about 2 KB and the store rewrites its whole JSON document after changes, so a benchmark
 * sending millions of callbacks must not make every save heavier than the last.
 */
export class NotificationLog {
  readonly #records: Collection<NotificationRecord>;
  readonly #maxRecords: number;
  #pruneAbove: number;

  constructor(store: StateStore, maxRecords = 2_000) {
    this.#records = store.collection<NotificationRecord>('notifications', (n) => n.id);
    this.#maxRecords = maxRecords;
    this.#pruneAbove = maxRecords;
  }

  add(record: NotificationRecord): NotificationRecord {
    this.#records.set(record);
    if (this.#records.size > this.#pruneAbove) this.#prune();
    return record;
  }

  get(id: string): NotificationRecord | undefined {
    return this.#records.get(id);
  }

  /** Call after changing a record in place. */
  changed(): void {
    this.#records.touch();
  }

  list(filter: NotificationFilter = {}): NotificationRecord[] {
    const out: NotificationRecord[] = [];
    const all = [...this.#records.values()];
    for (let i = all.length - 1; i >= 0 && out.length < (filter.limit ?? Number.POSITIVE_INFINITY); i--) {
      const n = all[i]!;
      if (filter.mchid !== undefined && n.mchid !== filter.mchid) continue;
      if (filter.outTradeNo !== undefined && n.outTradeNo !== filter.outTradeNo) continue;
      if (filter.outRefundNo !== undefined && n.outRefundNo !== filter.outRefundNo) continue;
      if (filter.kind !== undefined && n.kind !== filter.kind) continue;
      if (filter.status !== undefined && n.status !== filter.status) continue;
      out.push(n);
    }
    return out;
  }

  pending(): NotificationRecord[] {
    return [...this.#records.values()].filter((n) => n.status === 'pending');
  }

  /**
   * Forgets the oldest finished records (insertion order is creation order) down to 90 % of the
   * limit. When most are still pending little can go; the next attempt then waits for another 10 %
   * of growth, which keeps the cost amortised O(1) per record.
   */
  #prune(): void {
    const target = Math.floor(this.#maxRecords * 0.9);
    let excess = this.#records.size - target;
    for (const record of this.#records.values()) {
      if (excess <= 0) break;
      if (record.status === 'pending') continue;
      this.#records.delete(record.id);
      excess -= 1;
    }
    this.#pruneAbove = Math.max(this.#records.size, this.#maxRecords) + Math.ceil(this.#maxRecords / 10);
  }
}
