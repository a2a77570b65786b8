/**
 * The least PostgreSQL can cost one payment notification, measured in the same run as the service:
 * the statements a notification must run (the conditional `UPDATE … RETURNING`, a history row and
 * a notification row of the same size), issued straight through node-postgres, with no layer in
 * between, against the service's own schema, at the notification load's concurrency. Two shapes:
 *
 * - `transaction`: BEGIN, the three statements, COMMIT: five round trips, as a plain driver user
 *   would write it;
 * - `statement`: the same three writes as one statement (data-modifying CTEs): one round trip, and
 *   still one transaction, since a statement is atomic.
 *
 * The orders are touched with their own state, so the service's data is unchanged in meaning (one
 * extra history row and log row each, written after every measurement that reads them).
 */
import pg from 'pg';

const PG_INT8_OID = 20;

const UPDATE = 'update orders set updated_at = $1 where order_no = $2 and state in ($3, $4) returning *';
const HISTORY =
  'insert into order_history (order_no, from_state, to_state, reason, source, at) values ($1, $2, $3, $4, $5, $6)';
const LOG =
  'insert into notifications_received (api_version, kind, order_no, raw_body, headers, verified, outcome, received_at) values ($1, $2, $3, $4, $5, $6, $7, $8)';
const ONE_STATEMENT = `with changed as (
  update orders set updated_at = $1 where order_no = $2 and state in ($3, $3) returning *
), history as (
  insert into order_history (order_no, from_state, to_state, reason, source, at)
  select order_no, $3, $3, 'bench floor', 'bench', $1 from changed
), logged as (
  insert into notifications_received (api_version, kind, order_no, raw_body, headers, verified, outcome, received_at)
  select 'v3', 'payment', order_no, $4, '{}', 1, 'bench floor', $1 from changed
)
select * from changed`;

/**
 * Runs each shape over `warmOrderNos` (unmeasured) then `orderNos`, with `concurrency` workers on a
 * pool of `poolSize` connections parsing bigint as the service does. Per shape: CPU µs per
 * notification in this process, notifications/s, and round trips per notification as issued.
 */
export async function postgresFloor({
  url,
  schema,
  poolSize,
  concurrency,
  warmOrderNos,
  orderNos,
  bodyBytes,
  cpuMeter,
}) {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: `-c search_path=${schema}`,
    types: {
      getTypeParser: (oid, format) =>
        oid === PG_INT8_OID ? (value) => Number(value) : pg.types.getTypeParser(oid, format),
    },
  });
  const body = 'x'.repeat(bodyBytes);
  const states = new Map();
  try {
    const all = [...warmOrderNos, ...orderNos];
    for (let i = 0; i < all.length; i += 1000) {
      const chunk = all.slice(i, i + 1000);
      const { rows } = await pool.query('select order_no, state from orders where order_no = any($1)', [
        chunk,
      ]);
      for (const row of rows) states.set(row.order_no, row.state);
    }
    const transaction = async (orderNo) => {
      const state = states.get(orderNo);
      const now = Date.now();
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(UPDATE, [now, orderNo, state, state]);
        await client.query(HISTORY, [orderNo, state, state, 'bench floor', 'bench', now]);
        await client.query(LOG, ['v3', 'payment', orderNo, body, '{}', 1, 'bench floor', now]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    };
    const statement = (orderNo) =>
      pool.query(ONE_STATEMENT, [Date.now(), orderNo, states.get(orderNo), body]);
    const measure = async (work, roundTrips) => {
      await runAll(warmOrderNos, concurrency, work);
      const cpu = cpuMeter();
      const started = performance.now();
      await runAll(orderNos, concurrency, work);
      const seconds = (performance.now() - started) / 1000;
      return { cpuUs: cpu.stop() / orderNos.length, perSecond: orderNos.length / seconds, roundTrips };
    };
    return { transaction: await measure(transaction, 5), statement: await measure(statement, 1) };
  } finally {
    await pool.end();
  }
}

async function runAll(items, concurrency, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
