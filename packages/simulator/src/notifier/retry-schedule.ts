const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * WeChat Pay's waits between notification attempts (15 s … 6 h, 24 h 4 min in all), the same for
 * v2 and v3, payments and refunds. A merchant that is down for a day still gets the news, but only
 * if its handler is idempotent: every attempt carries the same event.
 */
export const RETRY_INTERVALS_MS: readonly number[] = Object.freeze([
  15 * SECOND,
  15 * SECOND,
  30 * SECOND,
  3 * MINUTE,
  10 * MINUTE,
  20 * MINUTE,
  30 * MINUTE,
  30 * MINUTE,
  30 * MINUTE,
  60 * MINUTE,
  3 * HOUR,
  3 * HOUR,
  3 * HOUR,
  6 * HOUR,
  6 * HOUR,
]);

/** The first attempt plus one per interval. */
export const MAX_ATTEMPTS = RETRY_INTERVALS_MS.length + 1;

/**
 * When the next attempt is due after the `attemptsMade`-th failed one (1-based), which was due at
 * `dueAt`; `undefined` once the schedule is used up. Counting from the due time rather than from when
 * the answer came keeps the schedule exact however long the merchant took to fail.
 */
export function nextAttemptDue(dueAt: number, attemptsMade: number): number | undefined {
  const interval = RETRY_INTERVALS_MS[attemptsMade - 1];
  return interval === undefined ? undefined : dueAt + interval;
}
