import type { SimClock } from '../../engine/sim-clock.js';
import type { Collection, StateStore } from '../../engine/state-store.js';

/** WeChat's call limits per app (and per user for `jscode2session`); all adjustable through `/_sim/platform/settings`. */
export interface PlatformQuotas {
  /** `cgi-bin/token` per appid per day: 2000 for an official account. */
  token: number;
  /** `stable_token` per appid per day (500 000) and per minute (10 000). */
  stableToken: number;
  stableTokenPerMinute: number;
  /** `force_refresh` per appid per day (20), and the least interval between two, in seconds (30). */
  forceRefresh: number;
  forceRefreshIntervalSeconds: number;
  /** `getticket` per appid per day. WeChat publishes no figure ("very limited"); 2000 here. */
  getticket: number;
  /** `jscode2session` per user per minute (100). */
  jscode2sessionPerUserPerMinute: number;
  /** `cgi-bin/clear_quota` per appid per month (10). */
  clearQuotaPerMonth: number;
}

export interface PlatformSettings {
  quotas: PlatformQuotas;
  /** Users whose mini-program login WeChat's risk control blocks (`jscode2session` → 40226). */
  riskyUsers: string[];
}

export const DEFAULT_PLATFORM_QUOTAS: Readonly<PlatformQuotas> = {
  token: 2000,
  stableToken: 500_000,
  stableTokenPerMinute: 10_000,
  forceRefresh: 20,
  forceRefreshIntervalSeconds: 30,
  getticket: 2000,
  jscode2sessionPerUserPerMinute: 100,
  clearQuotaPerMonth: 10,
};

type Period = 'day' | 'minute' | 'month';

interface UsageRecord {
  id: string;
  period: Period;
  window: string;
  count: number;
}

const BEIJING_OFFSET_MS = 8 * 3600_000;
const SETTINGS_META = 'platformSettings';

/**
 * Counts platform calls per window of the simulated clock. WeChat's days (and months) run on
 * Beijing time, so a daily quota resets at 00:00 UTC+8 — which `clock.advance` can reach. Counts are
 * persisted: restarting the simulator does not hand a looping client a fresh quota.
 */
export class PlatformQuotaMeter {
  readonly #usage: Collection<UsageRecord>;
  readonly #store: StateStore;
  readonly #clock: SimClock;

  constructor(store: StateStore, clock: SimClock) {
    this.#usage = store.collection<UsageRecord>('platformQuotaUsage', (u) => u.id);
    this.#store = store;
    this.#clock = clock;
  }

  settings(): PlatformSettings {
    const saved = this.#store.getMeta<Partial<PlatformSettings>>(SETTINGS_META) ?? {};
    return {
      quotas: { ...DEFAULT_PLATFORM_QUOTAS, ...saved.quotas },
      riskyUsers: [...(saved.riskyUsers ?? [])],
    };
  }

  /** Changes limits or risky users; throws a `RangeError` naming the bad field. */
  update(patch: { quotas?: Partial<Record<string, unknown>>; riskyUsers?: unknown }): PlatformSettings {
    const next = this.settings();
    for (const [name, value] of Object.entries(patch.quotas ?? {})) {
      if (!(name in DEFAULT_PLATFORM_QUOTAS)) {
        throw new RangeError(
          `unknown quota "${name}"; known: ${Object.keys(DEFAULT_PLATFORM_QUOTAS).join(', ')}`,
        );
      }
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new RangeError(`quota "${name}" must be a non-negative integer`);
      }
      next.quotas[name as keyof PlatformQuotas] = value;
    }
    if (patch.riskyUsers !== undefined) {
      if (!Array.isArray(patch.riskyUsers) || !patch.riskyUsers.every((u) => typeof u === 'string')) {
        throw new RangeError('riskyUsers must be an array of user ids');
      }
      next.riskyUsers = [...new Set(patch.riskyUsers as string[])];
    }
    this.#store.setMeta(SETTINGS_META, next);
    return next;
  }

  quota(name: keyof PlatformQuotas): number {
    return this.settings().quotas[name];
  }

  isRisky(userId: string): boolean {
    return this.settings().riskyUsers.includes(userId);
  }

  /** Counts one call of `api` for `key` in the current `period`; false (and not counted) once `limit` is reached. */
  take(period: Period, api: string, key: string, limit: number): boolean {
    const window = this.#window(period);
    const id = `${period}|${api}|${key}`;
    let record = this.#usage.get(id);
    if (record && record.window !== window) {
      record.window = window;
      record.count = 0;
    }
    if ((record?.count ?? 0) >= limit) return false;
    if (record) {
      record.count += 1;
      this.#usage.touch();
    } else {
      record = this.#usage.set({ id, period, window, count: 1 });
    }
    return true;
  }

  /** Today's count of `api` for `key`. */
  used(api: string, key: string): number {
    const record = this.#usage.get(`day|${api}|${key}`);
    return record && record.window === this.#window('day') ? record.count : 0;
  }

  /** Resets the daily counts of one app (what `clear_quota` does), or of every app. */
  clearDaily(appid?: string): void {
    for (const record of [...this.#usage.values()]) {
      if (record.period === 'day' && (appid === undefined || record.id.endsWith(`|${appid}`))) {
        this.#usage.delete(record.id);
      }
    }
  }

  #window(period: Period): string {
    const now = this.#clock.now();
    if (period === 'minute') return String(Math.floor(now / 60_000));
    const beijing = new Date(now + BEIJING_OFFSET_MS).toISOString();
    return period === 'day' ? beijing.slice(0, 10) : beijing.slice(0, 7);
  }
}
