import { type Kysely, type Selectable, sql } from 'kysely';
import type { IdempotencyClaim, IdempotencyRecord } from '../../domain/merchant-order.js';
import type { Order, OrderHistoryEntry } from '../../domain/order.js';
import { INITIAL_ORDER_STATE } from '../../domain/order-state-machine.js';
import {
  type Clock,
  FULFIL_JOB,
  type NewJob,
  type NewOrder,
  type OrderFilter,
  type OrderRepository,
  type TransitionRequest,
} from '../../domain/ports.js';
import { CompiledQueryCache } from './compiled-query-cache.js';
import type { DatabaseSchema, OrdersTable } from './database-schema.js';
import { readRows, writeGuarded, writeInOneTransaction } from './direct-sqlite.js';
import { idempotencyStatements } from './idempotency-key-statements.js';
import { compileEnqueueJobs } from './kysely-job-queue.js';
import { runTransition } from './kysely-order-transition.js';
import { orderHistoryInsert } from './order-history-writer.js';
import { rowMapper, toMillis } from './row-mapper.js';

const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 500;

/**
 * Orders on Kysely. Every state change is a conditional UPDATE whose WHERE clause names the states
 * it may leave, so of two racing writers (a notification and the timeout close) exactly one changes
 * the row; the loser sees zero rows updated and writes no history.
 */
export class KyselyOrderRepository implements OrderRepository {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #clock: Clock;
  readonly #queries = new CompiledQueryCache();

  constructor(db: Kysely<DatabaseSchema>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async insertWithJobs(order: NewOrder, jobs: NewJob[]): Promise<Order> {
    const { insertOrder, followers } = this.#insertStatements(order, jobs, this.#clock.now());
    const row = await writeInOneTransaction<Selectable<OrdersTable>>(this.#db, insertOrder, followers);
    if (!row) throw new Error(`order ${order.orderNo} was not inserted`);
    return rowMapper.toOrder(row);
  }

  async insertOnce(order: NewOrder, jobs: NewJob[], claim: IdempotencyClaim): Promise<Order | undefined> {
    const now = this.#clock.now();
    const { insertOrder, followers } = this.#insertStatements(order, jobs, now);
    const statements = idempotencyStatements(this.#db, claim, order.orderNo, now);
    const row = await writeGuarded<Selectable<OrdersTable>>(this.#db, statements.claim, insertOrder, [
      ...followers,
      statements.forgetExpired,
    ]);
    return row && rowMapper.toOrder(row);
  }

  async findByIdempotencyKey(scope: string, key: string, now: Date): Promise<IdempotencyRecord | undefined> {
    const row = await this.#db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'order_no', 'expires_at'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('expires_at', '>', toMillis(now))
      .executeTakeFirst();
    return (
      row && {
        fingerprint: row.fingerprint,
        orderNo: row.order_no,
        expiresAt: new Date(Number(row.expires_at)),
      }
    );
  }

  /** The order's INSERT … RETURNING, then its first history row and its jobs. */
  #insertStatements(order: NewOrder, jobs: NewJob[], now: Date) {
    const orderRow = rowMapper.fromNewOrder(order, INITIAL_ORDER_STATE, now);
    const insertOrder = this.#queries.query(
      `insert-order:${Object.keys(orderRow)}`,
      Object.values(orderRow),
      () => this.#db.insertInto('orders').values(orderRow).returningAll(),
    );
    const insertHistory = orderHistoryInsert(
      this.#db,
      {
        orderNo: order.orderNo,
        from: [],
        to: INITIAL_ORDER_STATE,
        reason: 'created',
        source: 'api',
        at: order.createdAt,
      },
      this.#queries,
    );
    const insertJobs = compileEnqueueJobs(this.#db, jobs, now, this.#queries);
    return { insertOrder, followers: insertJobs ? [insertHistory, insertJobs] : [insertHistory] };
  }

  async findByOrderNo(orderNo: string): Promise<Order | undefined> {
    const find = this.#queries.query('find', [orderNo], () =>
      this.#db.selectFrom('orders').selectAll().where('order_no', '=', orderNo),
    );
    const [row] = await readRows<Selectable<OrdersTable>>(this.#db, find);
    return row && rowMapper.toOrder(row);
  }

  async findByMode1CallbackKey(key: string): Promise<Order | undefined> {
    const row = await this.#db
      .selectFrom('orders')
      .selectAll()
      .where('mode1_callback_key', '=', key)
      .executeTakeFirst();
    return row && rowMapper.toOrder(row);
  }

  async transition(request: TransitionRequest): Promise<Order | undefined> {
    return runTransition(this.#db, this.#queries, request, this.#clock.now());
  }

  async recordPrepay(
    orderNo: string,
    prepay:
      | { codeUrl?: string; prepayId?: string; h5Url?: string }
      | { errorCode: string; errorMessage: string },
  ): Promise<Order | undefined> {
    const changes =
      'errorCode' in prepay
        ? { wechat_error_code: prepay.errorCode, wechat_error_message: prepay.errorMessage }
        : {
            code_url: prepay.codeUrl ?? null,
            prepay_id: prepay.prepayId ?? null,
            h5_url: prepay.h5Url ?? null,
            wechat_error_code: null,
            wechat_error_message: null,
          };
    const set = { ...changes, updated_at: toMillis(this.#clock.now()) };
    const update = this.#queries.query(`prepay:${Object.keys(set)}`, [...Object.values(set), orderNo], () =>
      this.#db.updateTable('orders').set(set).where('order_no', '=', orderNo).returningAll(),
    );
    const row = await writeInOneTransaction<Selectable<OrdersTable>>(this.#db, update, []);
    return row && rowMapper.toOrder(row);
  }

  async markFulfilled(orderNo: string, at: Date): Promise<boolean> {
    const now = toMillis(this.#clock.now());
    const update = this.#queries.query('fulfilled', [toMillis(at), now, orderNo], () =>
      this.#db
        .updateTable('orders')
        .set({ fulfilled_at: toMillis(at), updated_at: now })
        .where('order_no', '=', orderNo)
        .where('fulfilled_at', 'is', null)
        .returning('order_no'),
    );
    const completeJob = this.#queries.query('fulfil-job-done', [now, null, FULFIL_JOB, orderNo], () =>
      this.#db
        .updateTable('jobs')
        .set({ done_at: now, locked_until: null })
        .where('type', '=', FULFIL_JOB)
        .where('key', '=', orderNo)
        .where('done_at', 'is', null),
    );
    return (await writeInOneTransaction(this.#db, update, [completeJob])) !== undefined;
  }

  async history(orderNo: string): Promise<OrderHistoryEntry[]> {
    const rows = await this.#db
      .selectFrom('order_history')
      .selectAll()
      .where('order_no', '=', orderNo)
      .orderBy('id')
      .execute();
    return rows.map(rowMapper.toHistoryEntry);
  }

  async list(filter: OrderFilter = {}): Promise<Order[]> {
    const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? DEFAULT_LIST_LIMIT)), MAX_LIST_LIMIT);
    let query = this.#db.selectFrom('orders').selectAll();
    if (typeof filter.state === 'string') query = query.where('state', '=', filter.state);
    else if (filter.state && filter.state.length > 0) query = query.where('state', 'in', [...filter.state]);
    if (filter.payType) query = query.where('pay_type', '=', filter.payType);
    if (filter.apiVersion) query = query.where('api_version', '=', filter.apiVersion);
    if (filter.productId) query = query.where('product_id', '=', filter.productId);
    if (filter.amountFen !== undefined) query = query.where('amount_fen', '=', filter.amountFen);
    if (filter.createdFrom) query = query.where('created_at', '>=', toMillis(filter.createdFrom));
    if (filter.createdTo) query = query.where('created_at', '<', toMillis(filter.createdTo));
    if (filter.before) query = query.where('created_at', '<', toMillis(filter.before));
    const { search, afterOrderNo } = filter;
    if (search) {
      // substr rather than LIKE: the same case-sensitive prefix test on both engines, no wildcards to escape.
      query = query.where((eb) =>
        eb.or([
          eb(sql<string>`substr(order_no, 1, ${search.length})`, '=', search),
          eb('transaction_id', '=', search),
          eb('openid', '=', search),
          eb('payer_openid', '=', search),
        ]),
      );
    }
    if (afterOrderNo) {
      const cursor = this.#db.selectFrom('orders').select('created_at').where('order_no', '=', afterOrderNo);
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', cursor),
          eb.and([eb('created_at', '=', cursor), eb('order_no', '<', afterOrderNo)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('order_no', 'desc').limit(limit).execute();
    return rows.map(rowMapper.toOrder);
  }
}
