import type { Fen } from './money.js';
import type { ApiVersion } from './order.js';
import type {
  BillEntry,
  BillTotals,
  Discrepancy,
  DiscrepancyResolution,
  Finding,
  LocalPayment,
  LocalRefund,
  MoneyTotals,
  Reconciliation,
  ReconciliationStatus,
} from './reconciliation.js';

/** A bill line as a source streams it: an entry, or the summary that ends the file. */
export type BillLine = BillEntry | { kind: 'summary'; totals: BillTotals };

/**
 * A day's trade bill as WeChat answered: `ready` with its lines (streamed, never held whole), or
 * not: `NOT_READY` (still being generated — ask later), `NO_BILL` (nothing happened that day),
 * `NO_BILL_OR_NOT_READY` (v2's "No Bill Exist" means either).
 */
export type TradeBill =
  | { ready: true; apiVersion: ApiVersion; hash: string | null; lines: AsyncIterable<BillLine> }
  | {
      ready: false;
      apiVersion: ApiVersion;
      reason: 'NOT_READY' | 'NO_BILL' | 'NO_BILL_OR_NOT_READY';
      message: string;
    };

/** The fund-flow bill's totals (basic account): what moved in and out. */
export interface FundFlowTotals {
  rows: number;
  incomeFen: Fen;
  expenseFen: Fen;
}

/** WeChat's bills, behind the gateway: the protocol and its two dialects stay in the adapters. */
export interface BillSource {
  readonly apiVersion: ApiVersion;
  tradeBill(date: string): Promise<TradeBill>;
  /** `undefined` when the dialect has no fund-flow bill to offer (v2 needs HMAC-SHA256 and TLS). */
  fundFlow(date: string): Promise<FundFlowTotals | undefined>;
}

/** A stored bill line with the record of the same number here, if any. */
export interface Paired<L> {
  id: number;
  entry: BillEntry;
  local: L | undefined;
}

/** A China day's span, `[from, to)`. */
export interface DayRange {
  from: Date;
  to: Date;
}

/** A difference as a run recorded it; `isNew` when no earlier run of the day had found it. */
export type RecordedDiscrepancy = Discrepancy & { isNew: boolean };

/** What a run leaves behind once matched. */
export interface ReconciliationOutcome {
  status: Extract<ReconciliationStatus, 'BALANCED' | 'UNBALANCED'>;
  apiVersion: ApiVersion;
  wechat: MoneyTotals;
  local: MoneyTotals;
  billRows: number;
  billHash: string | null;
  fundFlow: FundFlowTotals | null;
  /** What the run could not do without failing the day (the fund-flow bill was unavailable). */
  warning?: string;
  at: Date;
}

/**
 * Reconciliations, their bill lines and their differences. Matching runs in the database, page by
 * page, so a day of any size is never loaded whole.
 */
export interface ReconciliationStore {
  /** Marks the day RUNNING (one more attempt); drops an earlier run's lines. */
  begin(date: string, at: Date): Promise<void>;
  addEntries(date: string, entries: readonly BillEntry[]): Promise<void>;
  paymentPairs(date: string, afterId: number, limit: number): Promise<Paired<LocalPayment>[]>;
  refundPairs(date: string, afterId: number, limit: number): Promise<Paired<LocalRefund>[]>;
  /** Orders paid here within `range` that no stored bill lists, ordered by order number. */
  unbilledPayments(range: DayRange, afterOrderNo: string, limit: number): Promise<LocalPayment[]>;
  /** Refunds WeChat accepted within `range` (by the record here) that no stored bill lists. */
  unbilledRefunds(range: DayRange, afterRefundNo: string, limit: number): Promise<LocalRefund[]>;
  /** Payments and refunds recorded here within `range`. */
  localTotals(range: DayRange): Promise<Omit<MoneyTotals, 'feeFen' | 'netFen'>>;
  /** Records a run's findings: an earlier run's open difference found again keeps its row. */
  record(
    date: string,
    findings: readonly (Finding & { resolution: DiscrepancyResolution; note: string | null })[],
    at: Date,
  ): Promise<RecordedDiscrepancy[]>;
  /** Open differences of other days about a record this day's bill lists: they resolve themselves. */
  resolveFoundLater(date: string, at: Date): Promise<number>;
  finish(date: string, outcome: ReconciliationOutcome): Promise<Reconciliation>;
  /** Leaves the day WAITING_FOR_BILL or FAILED with why. */
  interrupt(
    date: string,
    status: Extract<ReconciliationStatus, 'WAITING_FOR_BILL' | 'FAILED'>,
    message: string,
    at: Date,
  ): Promise<Reconciliation>;
  get(date: string): Promise<Reconciliation | undefined>;
  list(range: { from: string; to: string }): Promise<Reconciliation[]>;
  discrepancies(date: string): Promise<Discrepancy[]>;
  findDiscrepancy(id: number): Promise<Discrepancy | undefined>;
  /** Open differences over every day (a gauge for alerting). */
  openCount(): Promise<number>;
}
