import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Clock, NewJob } from '../../domain/ports.js';
import type { Refund, RefundHistoryEntry } from '../../domain/refund.js';
import type {
  NewRefund,
  RefundFilter,
  RefundRepository,
  RefundReservation,
  RefundTransitionRequest,
  RefundTransitionResult,
} from '../../domain/refund-ports.js';
import { settleRefund } from '../../domain/refund-settlement.js';
import {
  assertRefundTransition,
  INITIAL_REFUND_STATE,
  OPEN_REFUND_STATES,
  REFUNDABLE_ORDER_STATES,
} from '../../domain/refund-state-machine.js';
import type { DatabaseSchema, RefundsTable } from './database-schema.js';
import { enqueueJobs } from './kysely-job-queue.js';
import { refundHistoryInsert } from './refund-history-writer.js';
import { applySettlement, lockOrder, refusal, settlementView } from './refund-order-updates.js';
import { refundRowMapper } from './refund-row-mapper.js';
import { rowMapper, toMillis } from './row-mapper.js';

const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 500;
/** A refund has few states; a writer racing through all of them would need this many re-reads. */
const MAX_STATE_READS = 4;

type RefundRow = Selectable<RefundsTable>;

type Trx = Transaction<DatabaseSchema>;

/**
 * Refunds on Kysely. The money rule lives in SQL: a reservation is one conditional UPDATE of the
 * order (`refund_reserved_fen + amount <= amount_fen`), so of any number of concurrent requests on
 * any number of instances only those that fit succeed. Every refund transition then locks the
 * order row, which serialises what follows: the domain's `settleRefund` decides the order's money
 * and state, and this repository executes it (`applySettlement`).
 */
export class KyselyRefundRepository implements RefundRepository {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #clock: Clock;

  constructor(db: Kysely<DatabaseSchema>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async reserve(refund: NewRefund, jobs: NewJob[]): Promise<RefundReservation> {
    const existing = await this.find(refund.refundNo);
    if (existing) return { kind: 'existing', refund: existing };
    try {
      return await this.#db.transaction().execute((trx) => this.#reserve(trx, refund, jobs));
    } catch (error) {
      // The unique refund_no lost a race with the same request: that one is the answer.
      const raced = await this.find(refund.refundNo);
      if (raced) return { kind: 'existing', refund: raced };
      throw error;
    }
  }

  async #reserve(trx: Trx, refund: NewRefund, jobs: NewJob[]): Promise<RefundReservation> {
    const now = this.#clock.now();
    const reserved = await trx
      .updateTable('orders')
      .set({
        refund_reserved_fen: sql`refund_reserved_fen + ${refund.amountFen}`,
        updated_at: toMillis(now),
      })
      .where('order_no', '=', refund.orderNo)
      .where('state', 'in', [...REFUNDABLE_ORDER_STATES])
      .where(sql<boolean>`refund_reserved_fen + ${refund.amountFen} <= amount_fen`)
      .returningAll()
      .executeTakeFirst();
    if (!reserved) return refusal(trx, refund.orderNo);

    const row = await trx
      .insertInto('refunds')
      .values(refundRowMapper.fromNewRefund(refund, INITIAL_REFUND_STATE, now))
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.executeQuery(
      refundHistoryInsert(trx, {
        refundNo: refund.refundNo,
        fromState: null,
        toState: INITIAL_REFUND_STATE,
        reason: `refund of ${refund.amountFen} fen requested`,
        source: 'api',
        at: now,
      }),
    );
    // The reservation is the guarded UPDATE above; what is left is the order's move to REFUNDING.
    const settlement = settleRefund({
      order: settlementView(reserved),
      refund: { amountFen: refund.amountFen, state: INITIAL_REFUND_STATE },
      openRefunds: 1, // at least the one just created
    });
    const applied = await applySettlement(trx, reserved, settlement, {
      reason: `refund ${refund.refundNo} requested`,
      source: 'api',
      at: now,
    });
    await enqueueJobs(trx, jobs, now);
    return {
      kind: 'created',
      refund: refundRowMapper.toRefund(row),
      order: rowMapper.toOrder(applied.order),
      orderChanged: applied.moved,
    };
  }

  async find(refundNo: string): Promise<Refund | undefined> {
    const row = await this.#db
      .selectFrom('refunds')
      .selectAll()
      .where('refund_no', '=', refundNo)
      .executeTakeFirst();
    return row && refundRowMapper.toRefund(row);
  }

  async transition(request: RefundTransitionRequest): Promise<RefundTransitionResult | undefined> {
    if (request.from.length === 0) return undefined;
    assertRefundTransition(request.from, request.to);
    return this.#db.transaction().execute(async (trx) => {
      const now = this.#clock.now();
      // Read, then change only if still in that state. On PostgreSQL another transaction may move the
      // refund between the two (a notification racing the answer to the refund request): the UPDATE
      // then matches nothing, and reading again sees the committed state — retry from there.
      let current: { state: string; order_no: string; amount_fen: number } | undefined;
      let row: RefundRow | undefined;
      for (let attempt = 0; attempt < MAX_STATE_READS && !row; attempt++) {
        current = await trx
          .selectFrom('refunds')
          .select(['state', 'order_no', 'amount_fen'])
          .where('refund_no', '=', request.refundNo)
          .executeTakeFirst();
        if (!current || !request.from.includes(current.state as Refund['state'])) return undefined;
        row = await trx
          .updateTable('refunds')
          .set({
            ...refundRowMapper.fromChanges(request.changes),
            state: request.to,
            updated_at: toMillis(now),
          })
          .where('refund_no', '=', request.refundNo)
          .where('state', '=', current.state)
          .returningAll()
          .executeTakeFirst();
      }
      if (!row || !current) return undefined;
      await trx.executeQuery(
        refundHistoryInsert(trx, {
          refundNo: request.refundNo,
          fromState: current.state as Refund['state'],
          toState: request.to,
          reason: request.reason,
          source: request.source,
          at: now,
        }),
      );
      const order = await lockOrder(trx, row.order_no, now);
      const open = await trx
        .selectFrom('refunds')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('order_no', '=', row.order_no)
        .where('state', 'in', [...OPEN_REFUND_STATES])
        .executeTakeFirstOrThrow();
      const settlement = settleRefund({
        order: settlementView(order),
        refund: { amountFen: Number(row.amount_fen), state: request.to },
        openRefunds: Number(open.n),
      });
      const applied = await applySettlement(trx, order, settlement, {
        reason: `refund ${request.refundNo} ${request.to}`,
        source: request.source,
        at: now,
      });
      if (request.jobs) await enqueueJobs(trx, request.jobs, now);
      return {
        refund: refundRowMapper.toRefund(row),
        order: rowMapper.toOrder(applied.order),
        orderChanged: applied.moved,
      };
    });
  }

  async recordError(refundNo: string, error: { code: string; message: string }): Promise<void> {
    await this.#db
      .updateTable('refunds')
      .set({ error_code: error.code, error_message: error.message, updated_at: toMillis(this.#clock.now()) })
      .where('refund_no', '=', refundNo)
      .execute();
  }

  async forOrder(orderNo: string): Promise<Refund[]> {
    const rows = await this.#db
      .selectFrom('refunds')
      .selectAll()
      .where('order_no', '=', orderNo)
      .orderBy('created_at')
      .orderBy('refund_no')
      .execute();
    return rows.map(refundRowMapper.toRefund);
  }

  async list(filter: RefundFilter = {}): Promise<Refund[]> {
    const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? DEFAULT_LIST_LIMIT)), MAX_LIST_LIMIT);
    let query = this.#db.selectFrom('refunds').selectAll();
    if (filter.state) query = query.where('state', '=', filter.state);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('refund_no', 'desc')
      .limit(limit)
      .execute();
    return rows.map(refundRowMapper.toRefund);
  }

  async history(refundNo: string): Promise<RefundHistoryEntry[]> {
    const rows = await this.#db
      .selectFrom('refund_history')
      .selectAll()
      .where('refund_no', '=', refundNo)
      .orderBy('id')
      .execute();
    return rows.map(refundRowMapper.toHistoryEntry);
  }
}
