import { toDate, toMillis } from './instant-columns.js';

/** The columns every history table shares (`order_history`, `refund_history`), whatever its key. */
interface HistoryColumns {
  from_state: string | null;
  to_state: string;
  reason: string;
  source: string;
  at: number;
}

/** The fields every history entry shares, `S` being its machine's states. */
interface HistoryFields<S extends string> {
  fromState: S | null;
  toState: S;
  reason: string;
  source: string;
  at: Date;
}

/**
 * One transition row ↔ entry, for both state machines: the key column (`order_no`, `refund_no`)
 * is the caller's, the rest is stored the same way.
 */
export const historyRowMapper = {
  toFields<S extends string>(row: HistoryColumns): HistoryFields<S> {
    return {
      fromState: row.from_state as S | null,
      toState: row.to_state as S,
      reason: row.reason,
      source: row.source,
      at: toDate(row.at),
    };
  },

  fromFields(entry: HistoryFields<string>): HistoryColumns {
    return {
      from_state: entry.fromState,
      to_state: entry.toState,
      reason: entry.reason,
      source: entry.source,
      at: toMillis(entry.at),
    };
  },
};
