import { type Kysely, type Selectable, sql } from 'kysely';
import {
  BILLED_ORDER_STATES,
  BILLED_REFUND_STATES,
  type BillEntry,
  type DayRange,
  type Discrepancy,
  type DiscrepancyKind,
  type DiscrepancyResolution,
  DomainError,
  type Finding,
  type LocalPayment,
  type LocalRefund,
  type MoneyTotals,
  type Paired,
  type Reconciliation,
  type ReconciliationOutcome,
  type ReconciliationStatus,
  type ReconciliationStore,
  type RecordedDiscrepancy,
} from '../../domain/index.js';
import type { ApiVersion, OrderState } from '../../domain/order.js';
import type { RefundState } from '../../domain/refund.js';
import type {
  BillEntriesTable,
  DatabaseSchema,
  ReconciliationDiscrepanciesTable,
  ReconciliationsTable,
} from './database-schema.js';
import { toDate, toMillis, toNullableDate } from './instant-columns.js';

/** A RUNNING day whose run started longer ago than this is taken for abandoned (its process died). */
const RUN_LOCK_MS = 15 * 60_000;
const INSERT_CHUNK = 500;
const MAX_ERROR = 1000;
const ZERO: MoneyTotals = { payments: 0, paymentFen: 0, refunds: 0, refundFen: 0, feeFen: 0, netFen: 0 };

/**
 * Reconciliations on either engine. Pairing is a join page by page (`bill_entries` by id against
 * `orders` / `refunds` by number), and "paid here, not in any bill" a `NOT EXISTS` over the
 * indexed lines, so a day of a hundred thousand orders is matched without holding it.
 */
export class KyselyReconciliationStore implements ReconciliationStore {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async begin(date: string, at: Date): Promise<void> {
    const now = toMillis(at);
    await this.#db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('reconciliations')
        .values({ date, status: 'RUNNING', attempts: 1, started_at: now })
        .onConflict((oc) =>
          oc
            .column('date')
            .doUpdateSet({
              status: 'RUNNING',
              attempts: sql`reconciliations.attempts + 1`,
              started_at: now,
              last_error: null,
              finished_at: null,
            })
            .where((eb) =>
              eb.or([
                eb('reconciliations.status', '!=', 'RUNNING'),
                eb('reconciliations.started_at', '<', now - RUN_LOCK_MS),
              ]),
            ),
        )
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) {
        throw new DomainError(
          'RECONCILIATION_RUNNING',
          `${date} is being reconciled right now; try again in a few minutes`,
        );
      }
      await trx.deleteFrom('bill_entries').where('date', '=', date).execute();
    });
  }

  async addEntries(date: string, entries: readonly BillEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
      await this.#db
        .insertInto('bill_entries')
        .values(
          entries.slice(i, i + INSERT_CHUNK).map((e) => ({
            date,
            kind: e.kind,
            at: toMillis(e.at),
            order_no: e.orderNo,
            transaction_id: e.transactionId,
            refund_no: e.refundNo ?? null,
            wechat_refund_id: e.wechatRefundId ?? null,
            amount_fen: e.amountFen,
            settlement_fen: e.settlementFen,
            fee_fen: e.feeFen,
            state: e.state,
          })),
        )
        .execute();
    }
  }

  async paymentPairs(date: string, afterId: number, limit: number): Promise<Paired<LocalPayment>[]> {
    const rows = await this.#db
      .selectFrom('bill_entries as e')
      .leftJoin('orders as o', 'o.order_no', 'e.order_no')
      .selectAll('e')
      .select([
        'o.order_no as local_no',
        'o.state as local_state',
        'o.amount_fen as local_fen',
        'o.api_version as local_version',
      ])
      .where('e.date', '=', date)
      .where('e.kind', '=', 'payment')
      .where('e.id', '>', afterId)
      .orderBy('e.id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      entry: toEntry(row),
      local:
        row.local_no === null
          ? undefined
          : {
              orderNo: row.local_no,
              state: row.local_state as OrderState,
              amountFen: Number(row.local_fen),
              apiVersion: row.local_version as ApiVersion,
            },
    }));
  }

  async refundPairs(date: string, afterId: number, limit: number): Promise<Paired<LocalRefund>[]> {
    const rows = await this.#db
      .selectFrom('bill_entries as e')
      .leftJoin('refunds as r', 'r.refund_no', 'e.refund_no')
      .selectAll('e')
      .select([
        'r.refund_no as local_no',
        'r.order_no as local_order',
        'r.state as local_state',
        'r.amount_fen as local_fen',
      ])
      .where('e.date', '=', date)
      .where('e.kind', '=', 'refund')
      .where('e.id', '>', afterId)
      .orderBy('e.id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      entry: toEntry(row),
      local:
        row.local_no === null
          ? undefined
          : {
              refundNo: row.local_no,
              orderNo: row.local_order ?? row.order_no,
              state: row.local_state as RefundState,
              amountFen: Number(row.local_fen),
            },
    }));
  }

  async unbilledPayments(range: DayRange, afterOrderNo: string, limit: number): Promise<LocalPayment[]> {
    const rows = await this.#db
      .selectFrom('orders as o')
      .select(['o.order_no', 'o.state', 'o.amount_fen', 'o.api_version'])
      .where('o.paid_at', '>=', toMillis(range.from))
      .where('o.paid_at', '<', toMillis(range.to))
      .where('o.state', 'in', BILLED_ORDER_STATES)
      .where('o.order_no', '>', afterOrderNo)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('bill_entries as e')
              .select('e.id')
              .whereRef('e.order_no', '=', 'o.order_no')
              .where('e.kind', '=', 'payment'),
          ),
        ),
      )
      .orderBy('o.order_no')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      orderNo: row.order_no,
      state: row.state as OrderState,
      amountFen: Number(row.amount_fen),
      apiVersion: row.api_version as ApiVersion,
    }));
  }

  async unbilledRefunds(range: DayRange, afterRefundNo: string, limit: number): Promise<LocalRefund[]> {
    const rows = await this.#db
      .selectFrom('refunds as r')
      .select(['r.refund_no', 'r.order_no', 'r.state', 'r.amount_fen'])
      .where('r.created_at', '>=', toMillis(range.from))
      .where('r.created_at', '<', toMillis(range.to))
      .where('r.state', 'in', BILLED_REFUND_STATES)
      .where('r.refund_no', '>', afterRefundNo)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('bill_entries as e').select('e.id').whereRef('e.refund_no', '=', 'r.refund_no')),
        ),
      )
      .orderBy('r.refund_no')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      refundNo: row.refund_no,
      orderNo: row.order_no,
      state: row.state as RefundState,
      amountFen: Number(row.amount_fen),
    }));
  }

  async localTotals(range: DayRange): Promise<Omit<MoneyTotals, 'feeFen' | 'netFen'>> {
    const from = toMillis(range.from);
    const to = toMillis(range.to);
    const paid = await this.#db
      .selectFrom('orders')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), sql<number>`0`).as('fen'),
      ])
      .where('paid_at', '>=', from)
      .where('paid_at', '<', to)
      .where('state', 'in', BILLED_ORDER_STATES)
      .executeTakeFirstOrThrow();
    const refunded = await this.#db
      .selectFrom('refunds')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), sql<number>`0`).as('fen'),
      ])
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .where('state', 'in', BILLED_REFUND_STATES)
      .executeTakeFirstOrThrow();
    return {
      payments: Number(paid.n),
      paymentFen: Number(paid.fen),
      refunds: Number(refunded.n),
      refundFen: Number(refunded.fen),
    };
  }

  /**
   * A difference still open from an earlier run of the day keeps its row (and id: its webhook is
   * not sent again); one found for the first time is added; an open one this run no longer finds
   * is resolved. So a day run twice records each difference once.
   */
  async record(
    date: string,
    findings: readonly (Finding & { resolution: DiscrepancyResolution; note: string | null })[],
    at: Date,
  ): Promise<RecordedDiscrepancy[]> {
    const now = toMillis(at);
    const open = new Map(
      (
        await this.#db
          .selectFrom('reconciliation_discrepancies')
          .selectAll()
          .where('date', '=', date)
          .where('resolution', '=', 'open')
          .execute()
      ).map((row) => [keyOf(row.kind, row.order_no, row.refund_no), row]),
    );
    const out: RecordedDiscrepancy[] = [];
    const fresh: (typeof findings)[number][] = [];
    for (const f of findings) {
      const key = keyOf(f.kind, f.orderNo, f.refundNo ?? null);
      const earlier = open.get(key);
      if (!earlier) {
        fresh.push(f);
        continue;
      }
      open.delete(key);
      const row = await this.#db
        .updateTable('reconciliation_discrepancies')
        .set({
          wechat_fen: f.wechatFen ?? null,
          local_fen: f.localFen ?? null,
          detail: f.detail,
          resolution: f.resolution,
          note: f.note,
          resolved_at: f.resolution === 'open' ? null : now,
        })
        .where('id', '=', earlier.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      out.push({ ...toDiscrepancy(row), isNew: false });
    }
    for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
      const rows = await this.#db
        .insertInto('reconciliation_discrepancies')
        .values(
          fresh.slice(i, i + INSERT_CHUNK).map((f) => ({
            date,
            kind: f.kind,
            order_no: f.orderNo,
            refund_no: f.refundNo ?? null,
            wechat_fen: f.wechatFen ?? null,
            local_fen: f.localFen ?? null,
            detail: f.detail,
            resolution: f.resolution,
            note: f.note,
            created_at: now,
            resolved_at: f.resolution === 'open' ? null : now,
          })),
        )
        .returningAll()
        .execute();
      out.push(...rows.map((row) => ({ ...toDiscrepancy(row), isNew: true })));
    }
    const vanished = [...open.values()].map((row) => row.id);
    if (vanished.length > 0) {
      await this.#db
        .updateTable('reconciliation_discrepancies')
        .set({ resolution: 'resolved', note: 'no longer found when the day was run again', resolved_at: now })
        .where('id', 'in', vanished)
        .execute();
    }
    return out;
  }

  async resolveFoundLater(date: string, at: Date): Promise<number> {
    const result = await this.#db
      .updateTable('reconciliation_discrepancies as d')
      .set({ resolution: 'resolved', note: `listed in the bill of ${date}`, resolved_at: toMillis(at) })
      .where('d.resolution', '=', 'open')
      .where('d.date', '!=', date)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('d.kind', '=', 'MISSING_FROM_BILL'),
            eb(
              'd.order_no',
              'in',
              eb
                .selectFrom('bill_entries')
                .select('order_no')
                .where('date', '=', date)
                .where('kind', '=', 'payment'),
            ),
          ]),
          eb.and([
            eb('d.kind', '=', 'REFUND_HERE_ONLY'),
            eb(
              'd.refund_no',
              'in',
              eb
                .selectFrom('bill_entries')
                .select('refund_no')
                .where('date', '=', date)
                .where('kind', '=', 'refund'),
            ),
          ]),
        ]),
      )
      .executeTakeFirst();
    const resolved = Number(result.numUpdatedRows);
    if (resolved > 0) {
      await this.#db
        .updateTable('reconciliations as r')
        .set({ status: 'BALANCED' })
        .where('r.status', '=', 'UNBALANCED')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('reconciliation_discrepancies as d')
                .select('d.id')
                .whereRef('d.date', '=', 'r.date')
                .where('d.resolution', '=', 'open'),
            ),
          ),
        )
        .execute();
    }
    return resolved;
  }

  async finish(date: string, outcome: ReconciliationOutcome): Promise<Reconciliation> {
    await this.#db
      .updateTable('reconciliations')
      .set({
        status: outcome.status,
        api_version: outcome.apiVersion,
        wechat: JSON.stringify(outcome.wechat),
        local: JSON.stringify(outcome.local),
        bill_rows: outcome.billRows,
        bill_hash: outcome.billHash,
        fund_flow: outcome.fundFlow ? JSON.stringify(outcome.fundFlow) : null,
        last_error: outcome.warning?.slice(0, MAX_ERROR) ?? null,
        finished_at: toMillis(outcome.at),
      })
      .where('date', '=', date)
      .execute();
    return (await this.get(date))!;
  }

  async interrupt(
    date: string,
    status: Extract<ReconciliationStatus, 'WAITING_FOR_BILL' | 'FAILED'>,
    message: string,
    at: Date,
  ): Promise<Reconciliation> {
    await this.#db
      .updateTable('reconciliations')
      .set({ status, last_error: message.slice(0, MAX_ERROR), finished_at: toMillis(at) })
      .where('date', '=', date)
      .execute();
    return (await this.get(date))!;
  }

  async get(date: string): Promise<Reconciliation | undefined> {
    const [found] = await this.list({ from: date, to: date });
    return found;
  }

  async list(range: { from: string; to: string }): Promise<Reconciliation[]> {
    const rows = await this.#db
      .selectFrom('reconciliations')
      .selectAll()
      .where('date', '>=', range.from)
      .where('date', '<=', range.to)
      .orderBy('date', 'desc')
      .execute();
    if (rows.length === 0) return [];
    const counts = await this.#db
      .selectFrom('reconciliation_discrepancies')
      .select((eb) => ['date', 'resolution', eb.fn.countAll<number>().as('n')])
      .where('date', '>=', range.from)
      .where('date', '<=', range.to)
      .groupBy(['date', 'resolution'])
      .execute();
    return rows.map((row) =>
      toReconciliation(
        row,
        counts.filter((c) => c.date === row.date),
      ),
    );
  }

  async discrepancies(date: string): Promise<Discrepancy[]> {
    const rows = await this.#db
      .selectFrom('reconciliation_discrepancies')
      .selectAll()
      .where('date', '=', date)
      .orderBy('id')
      .execute();
    return rows.map(toDiscrepancy);
  }

  async findDiscrepancy(id: number): Promise<Discrepancy | undefined> {
    const row = await this.#db
      .selectFrom('reconciliation_discrepancies')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDiscrepancy(row);
  }

  async openCount(): Promise<number> {
    const row = await this.#db
      .selectFrom('reconciliation_discrepancies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('resolution', '=', 'open')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** What makes two findings of one day the same difference. */
function keyOf(kind: string, orderNo: string, refundNo: string | null): string {
  return `${kind}\u0000${orderNo}\u0000${refundNo ?? ''}`;
}

function toEntry(row: Selectable<BillEntriesTable>): BillEntry {
  return {
    kind: row.kind as BillEntry['kind'],
    at: toDate(row.at),
    orderNo: row.order_no,
    transactionId: row.transaction_id,
    ...(row.refund_no === null ? {} : { refundNo: row.refund_no }),
    ...(row.wechat_refund_id === null ? {} : { wechatRefundId: row.wechat_refund_id }),
    amountFen: Number(row.amount_fen),
    settlementFen: Number(row.settlement_fen),
    feeFen: Number(row.fee_fen),
    state: row.state,
  };
}

function toDiscrepancy(row: Selectable<ReconciliationDiscrepanciesTable>): Discrepancy {
  return {
    id: Number(row.id),
    date: row.date,
    kind: row.kind as DiscrepancyKind,
    orderNo: row.order_no,
    ...(row.refund_no === null ? {} : { refundNo: row.refund_no }),
    ...(row.wechat_fen === null ? {} : { wechatFen: Number(row.wechat_fen) }),
    ...(row.local_fen === null ? {} : { localFen: Number(row.local_fen) }),
    detail: row.detail,
    resolution: row.resolution as DiscrepancyResolution,
    note: row.note,
    createdAt: toDate(row.created_at),
    resolvedAt: toNullableDate(row.resolved_at),
  };
}

function toReconciliation(
  row: Selectable<ReconciliationsTable>,
  counts: readonly { resolution: string; n: number | string }[],
): Reconciliation {
  const count = (resolution: DiscrepancyResolution) =>
    Number(counts.find((c) => c.resolution === resolution)?.n ?? 0);
  return {
    date: row.date,
    status: row.status as ReconciliationStatus,
    apiVersion: row.api_version as ApiVersion | null,
    wechat: row.wechat ? (JSON.parse(row.wechat) as MoneyTotals) : ZERO,
    local: row.local ? (JSON.parse(row.local) as MoneyTotals) : ZERO,
    billRows: Number(row.bill_rows),
    billHash: row.bill_hash,
    fundFlow: row.fund_flow ? JSON.parse(row.fund_flow) : null,
    counts: { open: count('open'), repaired: count('repaired'), resolved: count('resolved') },
    attempts: Number(row.attempts),
    lastError: row.last_error,
    startedAt: toDate(row.started_at),
    finishedAt: toNullableDate(row.finished_at),
  };
}
