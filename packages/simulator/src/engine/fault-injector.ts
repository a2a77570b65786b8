/** How a faulty API call misbehaves. `BANKERROR`: the payer's bank did not answer (payment codes). */
export type ApiFaultKind = 'SYSTEMERROR' | 'BANKERROR' | 'HTTP_500' | 'HTTP_503' | 'SLOW' | 'NO_ANSWER';

export interface ApiFaultRule {
  /**
   * Which calls: an API name as the routes report it (`v2.unifiedorder`, `v2.orderquery`,
   * `v3.transactions.native`, `v3.transactions.query`, `v3.refunds.create`, `platform.token`, …),
   * a prefix ending in `*` (`v3.*`), or `*` for all.
   */
  api: string;
  kind: ApiFaultKind;
  /** Chance per matching call, default 1. */
  probability?: number;
  /** Applies this many times, then disappears; default unlimited. */
  times?: number;
  /** `SLOW`: delay before the real answer, default 3000 ms. */
  delayMs?: number;
  /**
   * The call takes effect first (the order is made, the customer charged) and only its answer is
   * replaced by the fault: the "SYSTEMERROR after WeChat charged" and "answer lost" cases that only
   * a query can settle.
   */
  after?: boolean;
}

export interface NotifyFaults {
  /** Chance a notification attempt is silently not sent (it is retried on schedule, as a lost one would be). */
  dropProbability: number;
  /** Chance it is sent twice. */
  duplicateProbability: number;
  /** Chance it is held back by `delayMs` before sending. */
  delayProbability: number;
  delayMs: number;
  /** Hold first attempts for `reorderWindowMs` and send them newest first. */
  reorder: boolean;
  reorderWindowMs: number;
}

const NO_NOTIFY_FAULTS: NotifyFaults = {
  dropProbability: 0,
  duplicateProbability: 0,
  delayProbability: 0,
  delayMs: 0,
  reorder: false,
  reorderWindowMs: 500,
};

/**
 * Fault injection for reliability tests: API calls that fail or crawl, notifications that are lost,
 * duplicated, late or out of order. Runtime-only (not persisted); the random source is replaceable
 * so a test can make every "probability" certain.
 */
export class FaultInjector {
  #rules: Array<ApiFaultRule & { remaining: number }> = [];
  #notify: NotifyFaults = { ...NO_NOTIFY_FAULTS };
  random: () => number = Math.random;

  setApiFaults(rules: ApiFaultRule[]): void {
    this.#rules = rules.map((rule) => ({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }));
  }

  addApiFault(rule: ApiFaultRule): void {
    this.#rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  apiFaults(): ApiFaultRule[] {
    return this.#rules.map(({ remaining, ...rule }) => ({
      ...rule,
      ...(Number.isFinite(remaining) ? { times: remaining } : {}),
    }));
  }

  /** The fault to apply to this call, if any (consumes one of its `times`). */
  apiFault(api: string): ApiFaultRule | undefined {
    for (const rule of this.#rules) {
      if (rule.remaining <= 0 || !matches(rule.api, api)) continue;
      if (this.random() >= (rule.probability ?? 1)) continue;
      rule.remaining -= 1;
      this.#rules = this.#rules.filter((r) => r.remaining > 0);
      return rule;
    }
    return undefined;
  }

  get notify(): Readonly<NotifyFaults> {
    return this.#notify;
  }

  setNotifyFaults(faults: Partial<NotifyFaults>): void {
    this.#notify = { ...this.#notify, ...faults };
  }

  /** True with the given probability (for the notifier's decisions). */
  chance(probability: number): boolean {
    return probability > 0 && this.random() < probability;
  }

  reset(): void {
    this.#rules = [];
    this.#notify = { ...NO_NOTIFY_FAULTS };
  }
}

function matches(pattern: string, api: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return api.startsWith(pattern.slice(0, -1));
  return pattern === api;
}
