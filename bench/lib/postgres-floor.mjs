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
 * The orders keep their state and amount; their `paid_at` moves to the floor's clock (the schema is
 * thrown away right after), and each gets one more history row and log row.
 */
import pg from 'pg';
import { postgresCpuMeter, walMeter } from './postgres-bench.mjs';

const PG_INT8_OID = 20;

// As a payment does: the payment's columns set (paid_at changes, so the row's indexes are
// written, as when the state changes), the history row's from-state read by a sub-select, the
// notification logged with its decrypted resource.
const UPDATE =
  'update orders set transaction_id = $1, paid_at = $2, updated_at = $2 where order_no = $3 and state in ($4, $5) and amount_fen = $6 returning *';
const HISTORY =
  'insert into order_history (order_no, from_state, to_state, reason, source, at) values ($1, (select to_state from order_history where order_no = $1 order by id desc limit 1), $2, $3, $4, $5)';
const LOG =
  'insert into notifications_received (api_version, kind, order_no, raw_body, headers, verified, outcome, received_at, decrypted_body) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)';
const ONE_STATEMENT = `with changed as (
  update orders set transaction_id = $1, paid_at = $2, updated_at = $2
  where order_no = $3 and state in ($4, $4) and amount_fen = $5 returning *
), history as (
  insert into order_history (order_no, from_state, to_state, reason, source, at)
  select order_no, (select to_state from order_history h where h.order_no = $3 order by id desc limit 1),
    $4, 'bench floor', 'bench', $2 from changed
), logged as (
  insert into notifications_received (api_version, kind, order_no, raw_body, headers, verified, outcome, received_at, decrypted_body)
  select 'v3', 'payment', order_no, $6, '{}', 1, 'bench floor', $2, $7 from changed
)
select * from changed`;

/**
 * Runs each shape over `warmOrderNos` (unmeasured) then `orderNos`, with `concurrency` workers on a
 * pool of `poolSize` connections parsing bigint as the service does. Per shape: CPU µs per
 * notification in this process, notifications/s, round trips per notification as issued, and WAL
 * bytes per notification.
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
  // About the size of a v3 payment's decrypted resource.
  const decrypted = 'y'.repeat(600);
  const states = new Map();
  try {
    const all = [...warmOrderNos, ...orderNos];
    for (let i = 0; i < all.length; i += 1000) {
      const chunk = all.slice(i, i + 1000);
      const { rows } = await pool.query(
        'select order_no, state, amount_fen, transaction_id from orders where order_no = any($1)',
        [chunk],
      );
      for (const row of rows) states.set(row.order_no, row);
    }
    const transaction = async (orderNo) => {
      const { state, amount_fen: amount, transaction_id: transactionId } = states.get(orderNo);
      const now = Date.now();
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(UPDATE, [transactionId, now, orderNo, state, state, amount]);
        await client.query(HISTORY, [orderNo, state, 'bench floor', 'bench', now]);
        await client.query(LOG, ['v3', 'payment', orderNo, body, '{}', 1, 'bench floor', now, decrypted]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    };
    const statement = (orderNo) => {
      const { state, amount_fen: amount, transaction_id: transactionId } = states.get(orderNo);
      return pool.query(ONE_STATEMENT, [transactionId, Date.now(), orderNo, state, amount, body, decrypted]);
    };
    const measure = async (work, roundTrips) => {
      await runAll(warmOrderNos, concurrency, work);
      const wal = walMeter();
      const pgCpu = postgresCpuMeter();
      const cpu = cpuMeter();
      const started = performance.now();
      await runAll(orderNos, concurrency, work);
      const seconds = (performance.now() - started) / 1000;
      const cpuUs = cpu.stop() / orderNos.length;
      const pgCpuTotal = pgCpu.stop();
      const pgCpuUs = pgCpuTotal === undefined ? undefined : pgCpuTotal / orderNos.length;
      const walBytes = (await wal.stop()) / orderNos.length;
      return { cpuUs, perSecond: orderNos.length / seconds, roundTrips, walBytes, pgCpuUs };
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
