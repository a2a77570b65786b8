import { type BucketTotals, CHINA_OFFSET_MS, DomainError, type OrderStatistics } from '../domain/index.js';
import type { PaymentDeps } from './use-case-deps.js';

export type StatsBucket = 'hour' | 'day';

export interface GetOrderStatsInput {
  bucket: StatsBucket;
  /** Default: 24 hours (hour buckets) or 30 days (day buckets) before `to`. */
  from?: Date;
  /** Default: now. */
  to?: Date;
}

export interface GetOrderStatsDeps extends Pick<PaymentDeps, 'clock'> {
  statistics: OrderStatistics;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BUCKET_MS: Record<StatsBucket, number> = { hour: HOUR_MS, day: DAY_MS };
const DEFAULT_SPAN: Record<StatsBucket, number> = { hour: DAY_MS, day: 30 * DAY_MS };
/** A chart wider than this is unreadable and a sign of a typo in the dates. */
export const MAX_BUCKETS = 1000;

/**
 * The dashboard's paid amount, paid orders and created orders per hour or per China-time day. The
 * range is widened to whole buckets and every bucket is present, zero when nothing happened, so a
 * chart's x axis is continuous.
 */
export class GetOrderStats {
  readonly #deps: GetOrderStatsDeps;

  constructor(deps: GetOrderStatsDeps) {
    this.#deps = deps;
  }

  async execute(input: GetOrderStatsInput): Promise<BucketTotals[]> {
    const bucketMs = BUCKET_MS[input.bucket];
    const toMs = (input.to ?? this.#deps.clock.now()).getTime();
    const fromMs = input.from?.getTime() ?? toMs - DEFAULT_SPAN[input.bucket];
    if (!(fromMs < toMs)) throw new DomainError('INVALID_RANGE', '"from" must be before "to"');
    const first = bucketStart(fromMs, bucketMs);
    const end = bucketStart(toMs - 1, bucketMs) + bucketMs;
    const count = (end - first) / bucketMs;
    if (count > MAX_BUCKETS) {
      throw new DomainError(
        'INVALID_RANGE',
        `${count} ${input.bucket} buckets asked; at most ${MAX_BUCKETS}`,
      );
    }
    const totals = await this.#deps.statistics.totalsPerBucket({
      bucketMs,
      offsetMs: CHINA_OFFSET_MS,
      from: new Date(first),
      to: new Date(end),
    });
    const byStart = new Map(totals.map((bucket) => [bucket.start, bucket]));
    return Array.from({ length: count }, (_, i) => {
      const start = first + i * bucketMs;
      return (
        byStart.get(start) ?? {
          start,
          paidAmountFen: 0,
          paidOrders: 0,
          createdOrders: 0,
          refunds: 0,
          refundedAmountFen: 0,
          feeFen: 0,
        }
      );
    });
  }
}

/** The start of the China-time bucket holding `ms`. */
function bucketStart(ms: number, bucketMs: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / bucketMs) * bucketMs - CHINA_OFFSET_MS;
}
