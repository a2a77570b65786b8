import { WechatPayApiError, WechatPayTransportError } from '../errors.js';

export interface RetryPolicy {
  /** Extra attempts after the first, default 2. */
  retries: number;
  /** First back-off in ms, doubled each time (with jitter), default 100. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 100 };

/**
 * Runs `attempt` again after transport failures and WeChat's "retry with the same parameters"
 * answers. Callers pass only operations that are safe to repeat: reads, and writes keyed by the
 * merchant's own `out_trade_no` / `out_refund_no`, which WeChat deduplicates.
 */
export async function withRetry<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= policy.retries || !isRetryable(err)) throw err;
      const delay = policy.baseDelayMs * 2 ** i;
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
  }
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof WechatPayTransportError) return true;
  if (err instanceof WechatPayApiError) return err.retryable;
  return false;
}
