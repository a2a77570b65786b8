/** At most `max` events per client in a window of `windowMs`; `max` 0 turns the limit off. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/**
 * How much one client may do before being told to wait (429 with `Retry-After`), and how long
 * notifications that failed verification are kept. Limits are per instance (see the README).
 */
export interface AbuseLimits {
  /** Orders a client may create (`POST /api/orders`, `…/prepay`). */
  orders: RateLimit;
  /** Failed admin / metrics authentications per client; after that even the right token waits. */
  authFailures: RateLimit;
  /**
   * Notifications from one source that failed verification. Past it, further unverified ones are
   * answered 429 and not stored; a correctly signed one is still verified, applied and ACKed.
   */
  notifyFailures: RateLimit;
  /** Unverified notifications stored, from all sources together; past it they are answered, not kept. */
  unverifiedStored: RateLimit;
  /** Clients tracked per limit at most (the oldest are forgotten first). */
  maxClients: number;
  /** Unverified notifications older than this are deleted; verified ones are kept for good. */
  unverifiedRetentionDays: number;
}

const MINUTE = 60_000;

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  orders: { max: 60, windowMs: MINUTE },
  authFailures: { max: 10, windowMs: 15 * MINUTE },
  notifyFailures: { max: 20, windowMs: MINUTE },
  unverifiedStored: { max: 120, windowMs: MINUTE },
  maxClients: 10_000,
  unverifiedRetentionDays: 30,
};

const UNIT_MS: Record<string, number> = { s: 1000, m: MINUTE, h: 60 * MINUTE };

/**
 * A limit written `COUNT/PERIOD` (`60/1m`, `10/15m`, `5/30s`, `100/1h`), or `0` / `off` for none.
 * Answers `undefined` when the text is not one; the caller names the variable.
 */
export function parseRateLimit(text: string): RateLimit | undefined {
  if (text === '0' || text === 'off') return { max: 0, windowMs: MINUTE };
  const match = /^(\d{1,7})\/(\d{1,4})([smh])$/.exec(text);
  if (!match) return undefined;
  const max = Number(match[1]);
  const windowMs = Number(match[2]) * UNIT_MS[match[3]!]!;
  return windowMs > 0 ? { max, windowMs } : undefined;
}

/** The defaults, with every setting `limits` gives (an `undefined` one keeps its default). */
export function resolveAbuseLimits(limits: Partial<AbuseLimits> = {}): AbuseLimits {
  const resolved = { ...DEFAULT_ABUSE_LIMITS };
  for (const key of Object.keys(limits) as Array<keyof AbuseLimits>) {
    if (limits[key] !== undefined) Object.assign(resolved, { [key]: limits[key] });
  }
  return resolved;
}
