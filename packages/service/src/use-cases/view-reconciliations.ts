import {
  addChinaDays,
  type Clock,
  chinaDate,
  type Discrepancy,
  DomainError,
  isCalendarDate,
  type Reconciliation,
  type ReconciliationStore,
} from '../domain/index.js';

const MAX_DAYS = 366;

/** A day's report with every difference found, for the admin and its CSV. */
export interface ReconciliationDetail {
  reconciliation: Reconciliation;
  discrepancies: Discrepancy[];
}

/** Reading reconciliations: the calendar over a range, and one day in full. */
export class ViewReconciliations {
  readonly #deps: { store: ReconciliationStore; clock: Clock };

  constructor(deps: { store: ReconciliationStore; clock: Clock }) {
    this.#deps = deps;
  }

  /** Days within `[from, to]` (China days); the last 31 days when left out. */
  async list(input: { from?: string; to?: string }): Promise<Reconciliation[]> {
    const to = input.to ?? addChinaDays(chinaDate(this.#deps.clock.now()), -1);
    const from = input.from ?? addChinaDays(to, -30);
    for (const [name, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!isCalendarDate(value))
        throw new DomainError('INVALID_DATE', `${name} must be a day written YYYY-MM-DD`);
    }
    if (from > to) throw new DomainError('INVALID_RANGE', 'from is after to');
    if (from < addChinaDays(to, -MAX_DAYS)) {
      throw new DomainError('INVALID_RANGE', `at most ${MAX_DAYS} days at a time`);
    }
    return this.#deps.store.list({ from, to });
  }

  async get(date: string): Promise<ReconciliationDetail> {
    if (!isCalendarDate(date)) throw new DomainError('INVALID_DATE', 'date must be a day written YYYY-MM-DD');
    const reconciliation = await this.#deps.store.get(date);
    if (!reconciliation) throw new DomainError('RECONCILIATION_NOT_FOUND', `${date} has not been reconciled`);
    return { reconciliation, discrepancies: await this.#deps.store.discrepancies(date) };
  }
}
