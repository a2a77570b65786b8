/**
 * A closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending its next
 * request as soon as the previous answer is read. It stops after `count` requests or `maxMs`,
 * whichever comes first, and keeps every latency so percentiles are exact.
 */
import { Pool } from 'undici';

/**
 * @param {{ url: string, count: number, concurrency: number, maxMs?: number,
 *   request: () => { path: string, method: string, headers?: object, body?: string },
 *   check?: (status: number, text: string) => string | undefined }} options
 *   `check` returns an error text for a wrong answer; wrong answers are counted, not timed.
 */
export async function runLoad({ url, count, concurrency, maxMs = Number.POSITIVE_INFINITY, request, check }) {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  const latencies = [];
  const errors = [];
  let started = 0;
  const begin = performance.now();
  const deadline = begin + maxMs;
  const worker = async () => {
    while (started < count && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      try {
        const answer = await pool.request(request());
        const text = await answer.body.text();
        const problem = check?.(answer.statusCode, text);
        if (problem) errors.push(problem);
        else latencies.push(performance.now() - t0);
      } catch (error) {
        errors.push(String(error?.message ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  await pool.close();
  return {
    sent: started,
    ok: latencies.length,
    errors: errors.length,
    firstErrors: [...new Set(errors)].slice(0, 3),
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Nearest-rank percentile; undefined for no samples. */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
