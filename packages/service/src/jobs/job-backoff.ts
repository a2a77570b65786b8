import type { Job } from './job-types.js';

/** 5 s, 10 s, 20 s … capped at 10 minutes. */
export function exponentialBackoff(attempts: number): number {
  return cappedBackoff(600_000)(attempts);
}

/** 5 s, 10 s, 20 s … never more than `capMs`: for work that must happen soon after WeChat recovers. */
export function cappedBackoff(capMs: number): (attempts: number) => number {
  return (attempts) => Math.min(5_000 * 2 ** Math.max(0, Math.min(attempts, 31) - 1), capMs);
}

/**
 * {@link exponentialBackoff}, with a lower cap for the job types named in `caps` (type → ms): how
 * long a job of that type may wait, at most, after the moment WeChat starts answering again.
 */
export function backoffByType(
  caps: Readonly<Record<string, number>>,
): (attempts: number, job: Job) => number {
  const capped = new Map(Object.entries(caps).map(([type, cap]) => [type, cappedBackoff(cap)]));
  return (attempts, job) => (capped.get(job.type) ?? exponentialBackoff)(attempts);
}
