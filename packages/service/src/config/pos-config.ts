import { type Env, integer, optional } from './env-reader.js';
import { ServiceConfigError } from './service-config-error.js';

/** In-store payment-code (付款码) payments: the cashier procedure's timing and the store's number. */
export interface PosConfig {
  /** `POS_POLL_MS`: between queries while the customer types the password; WeChat says 5 000. */
  pollMs: number;
  /** `POS_DEADLINE_MS`: from the scan to the reversal of an order still not final; WeChat says 30 000. */
  deadlineMs: number;
  /** `POS_STORE_ID`: the merchant's store number sent with v3 codepay (`store_info.out_id`). */
  storeId: string;
}

export const DEFAULT_POS: PosConfig = { pollMs: 5_000, deadlineMs: 30_000, storeId: 'STORE-1' };

/** Reads the POS settings; the poll must fit in the deadline, so at least one query is made. */
export function posConfig(env: Env): PosConfig {
  const pollMs = integer(env, 'POS_POLL_MS', DEFAULT_POS.pollMs, 50, 60_000);
  const deadlineMs = integer(env, 'POS_DEADLINE_MS', DEFAULT_POS.deadlineMs, 500, 600_000);
  if (pollMs > deadlineMs)
    throw new ServiceConfigError('POS_POLL_MS', 'must not be longer than POS_DEADLINE_MS');
  const storeId = optional(env, 'POS_STORE_ID') ?? DEFAULT_POS.storeId;
  if (!/^[0-9A-Za-z_-]{1,32}$/.test(storeId)) {
    throw new ServiceConfigError('POS_STORE_ID', 'must be 1–32 letters, digits, _ or -');
  }
  return { pollMs, deadlineMs, storeId };
}
