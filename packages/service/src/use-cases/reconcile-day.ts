import {
  type AuditContext,
  type AuditLog,
  type BillEntry,
  type BillLine,
  type BillSource,
  type BillTotals,
  type Clock,
  checkPayment,
  checkRefund,
  chinaDate,
  chinaDayRange,
  type Discrepancy,
  DomainError,
  type Finding,
  type FundFlowTotals,
  isCalendarDate,
  type JobQueue,
  missingPayment,
  missingRefund,
  moneyTotals,
  type OrderRepository,
  REVERSAL_LINE_STATE,
  type Reconciliation,
  type ReconciliationStore,
  type RefundRepository,
  type TradeBill,
  type WebhookEndpoints,
  webhookEventJob,
} from '../domain/index.js';
import { recordAudit } from './audit-trail.js';
import type { ReconcileOrder } from './reconcile-order.js';
import type { ReconcileRefund } from './reconcile-refund.js';
import type { UseCaseLogger } from './use-case-deps.js';

/** The durable job that reconciles one China day (its payload names the day). */
export const RECONCILE_DAY_JOB = 'reconcile-day';
/** How long to wait before asking again for a bill WeChat has not published yet. */
export const BILL_RETRY_MS = 30 * 60_000;
/** v2's "No Bill Exist" is taken for an empty day, even with payments here, once the day is this old. */
const AMBIGUOUS_NO_BILL_MS = 2 * 24 * 3600_000;
const PAGE = 1_000;

export interface ReconcileDayDeps {
  store: ReconciliationStore;
  /** Where a re-run asked for by an admin is recorded. */
  audit?: AuditLog;
  bills: BillSource;
  orders: Pick<OrderRepository, 'findByOrderNo'>;
  refunds: Pick<RefundRepository, 'find'>;
  jobs: JobQueue;
  clock: Clock;
  webhooks?: WebhookEndpoints;
  logger?: UseCaseLogger;
}

export interface ReconcileDayOptions {
  /** The merchant's fee rate in basis points (60 = 0.60%); fees are not checked when absent. */
  feeRateBasisPoints?: number;
}

type Recorded = Finding & { resolution: 'open' | 'repaired'; note: string | null };

/** What streaming the bill's lines into the store found. */
interface BillRead {
  payments: number;
  refunds: number;
  totals: BillTotals;
}

const NO_LINES: BillRead = {
  payments: 0,
  refunds: 0,
  totals: { count: 0, paymentFen: 0, refundFen: 0, feeFen: 0 },
};

function retryJob(date: string, runAt: Date) {
  return { type: RECONCILE_DAY_JOB, key: `${date}@${runAt.getTime()}`, runAt, payload: { date } };
}

/**
 * Reconciles one China day against WeChat's trade bill: fetch the bill (or wait for it), store its
 * lines as they stream in while checking them against the summary line, pair every line with the
 * order or refund of its number, repair what the service may repair (a payment WeChat has and this
 * side missed; a refund WeChat finished), and report the rest for a person. Re-running a day
 * replaces its lines; a difference found again keeps its record (and is not announced twice), one
 * no longer found is resolved, and repairs already made stay in the record.
 */
export class ReconcileDay {
  readonly #deps: ReconcileDayDeps;
  readonly #reconcileOrder: ReconcileOrder;
  readonly #reconcileRefund: ReconcileRefund;
  readonly #feeRate: number | undefined;

  constructor(
    deps: ReconcileDayDeps,
    useCases: { reconcileOrder: ReconcileOrder; reconcileRefund: ReconcileRefund },
    options: ReconcileDayOptions = {},
  ) {
    this.#deps = deps;
    this.#reconcileOrder = useCases.reconcileOrder;
    this.#reconcileRefund = useCases.reconcileRefund;
    this.#feeRate = options.feeRateBasisPoints;
  }

  /**
   * @param input.rerun from the admin: runs even when the day was reconciled already (the job
   *   leaves a finished day alone, so a restart does not redo it)
   * @param input.by the admin who asked: the run is written to the audit log, whatever its outcome
   */
  async execute(input: { date: string; rerun?: boolean; by?: AuditContext }): Promise<Reconciliation> {
    const audit = (detail: string) =>
      recordAudit(
        this.#deps.audit,
        input.by,
        { action: 'reconciliation.run', target: `day ${input.date}`, detail },
        this.#deps.clock.now(),
      );
    let report: Reconciliation;
    try {
      report = await this.#run(input);
    } catch (error) {
      await audit(`failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    const { counts } = report;
    await audit(
      `${report.status}: ${report.billRows} bill lines, ${counts.open} open, ${counts.repaired} repaired`,
    );
    return report;
  }

  async #run(input: { date: string; rerun?: boolean }): Promise<Reconciliation> {
    const { store, bills, clock } = this.#deps;
    const { date } = input;
    this.#assertPastDay(date);
    const earlier = await store.get(date);
    if (earlier && !input.rerun && (earlier.status === 'BALANCED' || earlier.status === 'UNBALANCED')) {
      return earlier;
    }
    try {
      await store.begin(date, clock.now());
    } catch (error) {
      // Two jobs of one day (the daily one and a retry) due together: the other one is on it.
      if (earlier && !input.rerun && (error as DomainError).code === 'RECONCILIATION_RUNNING') return earlier;
      throw error;
    }
    try {
      const bill = await bills.tradeBill(date);
      if (!bill.ready && (await this.#stillToCome(date, bill))) {
        await this.#deps.jobs.enqueue(retryJob(date, new Date(clock.now().getTime() + BILL_RETRY_MS)));
        return await store.interrupt(date, 'WAITING_FOR_BILL', bill.message, clock.now());
      }
      const read = bill.ready ? await this.#storeLines(date, bill.lines) : NO_LINES;
      const { fundFlow, warning } = bill.ready ? await this.#fundFlow(date) : { fundFlow: null };
      const findings = await this.#match(date);
      const recorded = await store.record(date, await this.#repair(findings), clock.now());
      await store.resolveFoundLater(date, clock.now());
      const open = recorded.filter((d) => d.resolution === 'open');
      const report = await this.#finish(date, bill, read, { fundFlow, warning }, open.length > 0);
      // A re-run tells a person only about what it found for the first time.
      await this.#announce(open.filter((d) => d.isNew));
      return report;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await store.interrupt(date, 'FAILED', message, clock.now());
      throw error;
    }
  }

  #assertPastDay(date: string): void {
    if (!isCalendarDate(date)) {
      throw new DomainError('INVALID_DATE', `date must be a real day written YYYY-MM-DD, got "${date}"`);
    }
    if (date >= chinaDate(this.#deps.clock.now())) {
      throw new DomainError(
        'INVALID_DATE',
        `${date} has not ended yet (China time): WeChat bills only past days`,
      );
    }
  }

  /**
   * The fund-flow totals are a second view of the day, not what it is matched on: when that bill
   * cannot be had, the day is still reconciled and the report says what is missing.
   */
  async #fundFlow(date: string): Promise<{ fundFlow: FundFlowTotals | null; warning?: string }> {
    try {
      return { fundFlow: (await this.#deps.bills.fundFlow(date)) ?? null };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#deps.logger?.warn(
        { date, error: message },
        'fund-flow bill unavailable; the day is reconciled without it',
      );
      return { fundFlow: null, warning: `fund-flow bill unavailable (re-run the day for it): ${message}` };
    }
  }

  /** Whether a missing bill is worth waiting for, rather than taken for an empty day. */
  async #stillToCome(date: string, bill: Extract<TradeBill, { ready: false }>): Promise<boolean> {
    if (bill.reason === 'NOT_READY') return true;
    if (bill.reason === 'NO_BILL') return false;
    const { to } = chinaDayRange(date);
    if (this.#deps.clock.now().getTime() - to.getTime() > AMBIGUOUS_NO_BILL_MS) return false;
    const here = await this.#deps.store.localTotals(chinaDayRange(date));
    return here.payments + here.refunds > 0;
  }

  /** Stores the lines in pages as they stream, summing them; the bill's summary line must agree. */
  async #storeLines(date: string, lines: AsyncIterable<BillLine>): Promise<BillRead> {
    const sum: BillTotals = { count: 0, paymentFen: 0, refundFen: 0, feeFen: 0 };
    let payments = 0;
    let summary: BillTotals | undefined;
    let page: BillEntry[] = [];
    for await (const line of lines) {
      if (line.kind === 'summary') {
        summary = line.totals;
        continue;
      }
      sum.count++;
      if (line.kind === 'refund') sum.refundFen += line.amountFen;
      else if (line.state === REVERSAL_LINE_STATE) sum.refundFen += line.amountFen;
      else {
        payments++;
        sum.paymentFen += line.settlementFen;
      }
      sum.feeFen += line.feeFen;
      page.push(line);
      if (page.length === PAGE) {
        await this.#deps.store.addEntries(date, page);
        page = [];
      }
    }
    if (page.length > 0) await this.#deps.store.addEntries(date, page);
    if (!summary || (Object.keys(sum) as (keyof BillTotals)[]).some((k) => sum[k] !== summary[k])) {
      throw new DomainError(
        'BILL_INCONSISTENT',
        `the bill of ${date} does not add up to its summary line (lines ${JSON.stringify(sum)}, summary ${JSON.stringify(summary ?? null)})`,
      );
    }
    return { payments, refunds: sum.count - payments, totals: sum };
  }

  /** Every difference between the stored lines and the records here, page by page. */
  async #match(date: string): Promise<Finding[]> {
    const { store } = this.#deps;
    const findings: Finding[] = [];
    const add = (finding: Finding | undefined) => finding && findings.push(finding);
    for (
      let after = 0, pairs = await store.paymentPairs(date, 0, PAGE);
      pairs.length > 0;
      pairs = await store.paymentPairs(date, after, PAGE)
    ) {
      for (const { id, entry, local } of pairs) {
        add(checkPayment(entry, local, this.#feeRate));
        after = id;
      }
    }
    for (
      let after = 0, pairs = await store.refundPairs(date, 0, PAGE);
      pairs.length > 0;
      pairs = await store.refundPairs(date, after, PAGE)
    ) {
      for (const { id, entry, local } of pairs) {
        add(checkRefund(entry, local));
        after = id;
      }
    }
    const range = chinaDayRange(date);
    for (
      let page = await store.unbilledPayments(range, '', PAGE);
      page.length > 0;
      page = await store.unbilledPayments(range, page.at(-1)!.orderNo, PAGE)
    ) {
      for (const local of page) add(missingPayment(local));
    }
    for (
      let page = await store.unbilledRefunds(range, '', PAGE);
      page.length > 0;
      page = await store.unbilledRefunds(range, page.at(-1)!.refundNo, PAGE)
    ) {
      for (const local of page) add(missingRefund(local));
    }
    return findings;
  }

  /** Repairs what may be repaired, then reads the record again: a repair counts only if it took. */
  async #repair(findings: readonly Finding[]): Promise<Recorded[]> {
    const out: Recorded[] = [];
    for (const finding of findings) {
      out.push(await this.#repairOne(finding));
    }
    return out;
  }

  async #repairOne(finding: Finding): Promise<Recorded> {
    const { logger } = this.#deps;
    try {
      if (finding.repair === 'mark-paid') {
        const evidence = finding.evidence!;
        await this.#reconcileOrder.applyBillPayment({
          orderNo: finding.orderNo,
          transactionId: evidence.transactionId,
          amountFen: evidence.amountFen,
          paidAt: evidence.at,
        });
        const order = await this.#deps.orders.findByOrderNo(finding.orderNo);
        if (
          order?.state === 'PAID' ||
          order?.state === 'REFUNDING' ||
          order?.state === 'PARTIALLY_REFUNDED'
        ) {
          return {
            ...finding,
            resolution: 'repaired',
            note: `marked paid from the bill (${evidence.transactionId})`,
          };
        }
        return {
          ...finding,
          resolution: 'open',
          note: `repair did not take: order is ${order?.state ?? 'gone'}`,
        };
      }
      if (finding.repair === 'query-refund' && finding.refundNo) {
        await this.#reconcileRefund.execute({ refundNo: finding.refundNo });
        const refund = await this.#deps.refunds.find(finding.refundNo);
        if (refund?.state === 'SUCCESS') {
          return { ...finding, resolution: 'repaired', note: 'refund settled after querying WeChat' };
        }
        return {
          ...finding,
          resolution: 'open',
          note: `WeChat query left the refund ${refund?.state ?? 'gone'}`,
        };
      }
    } catch (error) {
      logger?.warn(
        { orderNo: finding.orderNo, kind: finding.kind, error: (error as Error).message },
        'reconciliation repair failed',
      );
      return { ...finding, resolution: 'open', note: `repair failed: ${(error as Error).message}` };
    }
    return { ...finding, resolution: 'open', note: null };
  }

  async #finish(
    date: string,
    bill: TradeBill,
    read: BillRead,
    { fundFlow, warning }: { fundFlow: FundFlowTotals | null; warning?: string },
    unbalanced: boolean,
  ): Promise<Reconciliation> {
    const { store, clock } = this.#deps;
    const here = await store.localTotals(chinaDayRange(date));
    const { totals } = read;
    const wechat = moneyTotals({
      payments: read.payments,
      paymentFen: totals.paymentFen,
      refunds: read.refunds,
      refundFen: totals.refundFen,
      feeFen: totals.feeFen,
    });
    return store.finish(date, {
      status: unbalanced ? 'UNBALANCED' : 'BALANCED',
      apiVersion: bill.apiVersion,
      wechat,
      local: moneyTotals({ ...here, feeFen: totals.feeFen }),
      billRows: totals.count,
      billHash: bill.ready ? bill.hash : null,
      fundFlow,
      ...(warning ? { warning } : {}),
      at: clock.now(),
    });
  }

  /** One error line per open difference, and the `reconciliation.discrepancy` webhook. */
  async #announce(open: readonly Discrepancy[]): Promise<void> {
    const { logger, jobs, clock, webhooks } = this.#deps;
    for (const d of open) {
      logger?.error(
        {
          kind: d.kind,
          orderNo: d.orderNo,
          refundNo: d.refundNo,
          wechatFen: d.wechatFen,
          localFen: d.localFen,
        },
        `reconciliation discrepancy ${d.kind}: ${d.detail}`,
      );
      if (await webhooks?.wants('reconciliation.discrepancy')) {
        await jobs.enqueue(webhookEventJob('reconciliation.discrepancy', String(d.id), clock.now()));
      }
    }
  }
}
