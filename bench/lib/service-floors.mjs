/**
 * The least a notification can cost on this machine, measured in the same run as the service:
 * what an HTTP POST costs a server that does nothing with it, and what SQLite takes for the
 * statements a notification must run, without any layer in between. Together with one RSA verify
 * they bound the notifications one core can apply, whatever the service does.
 */
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import { runLoad } from './http-load.mjs';

/** An empty Fastify POST route on its own port, raw body as the notify route reads it. */
export async function startEmptyRoute() {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/empty', async (_request, reply) => reply.status(204).send());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/**
 * The HTTP server floor: the empty route receiving the first prebuilt notification's bytes `count`
 * times at `concurrency`, after `warmup` unmeasured ones. Rate, latency and CPU µs per request.
 */
export async function emptyRouteFloor(world, { count, warmup, concurrency, cpuMeter }) {
  const route = await startEmptyRoute();
  try {
    const send = (n) => world.call('sendCopies', { url: route.url, path: '/empty', count: n, concurrency });
    await send(warmup);
    const cpu = cpuMeter();
    const server = await send(count);
    return { ...server, cpuUs: cpu.stop() / Math.max(1, server.ok) };
  } finally {
    await route.close();
  }
}

/**
 * The HTTP client floor an order pays for its call to WeChat: a bare undici client POSTing `{}` to
 * a bare server in the child, `count` times at `concurrency`, after `warmup` unmeasured ones.
 */
export async function clientCallFloor(world, { count, warmup, concurrency, cpuMeter }) {
  const bare = await world.call('startBareServer');
  const load = (n) =>
    runLoad({ url: bare, count: n, concurrency, request: () => ({ path: '/', method: 'POST', body: '{}' }) });
  await load(warmup);
  const cpu = cpuMeter();
  const client = await load(count);
  return { ...client, cpuUs: cpu.stop() / Math.max(1, client.ok) };
}

/**
 * On a second connection to the service's own SQLite file (same WAL, same pragmas), `count` times:
 * find the order, then one transaction of the conditional UPDATE … RETURNING, a history row and a
 * notification row of `bodyBytes`. Prepared once, plain better-sqlite3, no async. Returns CPU µs per
 * notification, after the same run over `warmOrderNos`. The orders are touched with their own state, so the service's data is unchanged in
 * meaning (one extra history row and log row each, written after every measurement that reads them).
 */
export function sqliteFloor({ dataDir, warmOrderNos = [], orderNos, bodyBytes, cpuMeter }) {
  const db = openServiceFile(dataDir);
  try {
    const find = db.prepare('select * from orders where order_no = ?');
    const update = db.prepare(
      'update orders set updated_at = ? where order_no = ? and state in (?, ?) returning *',
    );
    const history = db.prepare(INSERT_HISTORY);
    const log = db.prepare(
      'insert into notifications_received (api_version, kind, order_no, raw_body, headers, verified, outcome, received_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const body = 'x'.repeat(bodyBytes);
    const apply = db.transaction((orderNo, state, now) => {
      update.get(now, orderNo, state, state);
      history.run(orderNo, state, state, 'bench floor', 'bench', now);
      log.run('v3', 'payment', orderNo, body, '{}', 1, 'bench floor', now);
    });
    const run = (list) => {
      for (const orderNo of list) {
        const order = find.get(orderNo);
        apply(orderNo, order.state, Date.now());
      }
    };
    run(warmOrderNos);
    const cpu = cpuMeter();
    run(orderNos);
    return cpu.stop() / orderNos.length;
  } finally {
    db.close();
  }
}

/**
 * The statements one order must run, on raw better-sqlite3 against the service's own file: the
 * product lookup, one transaction of the order's INSERT … RETURNING, its first history row and its
 * two jobs, then the prepay's UPDATE … RETURNING in a second transaction, as the service commits
 * the order before it calls WeChat. The rows are copies of the order `templateOrderNo` under new
 * numbers, deleted again afterwards. Returns CPU µs per order, after `warmup` unmeasured ones.
 */
export function orderSqliteFloor({ dataDir, templateOrderNo, count, warmup, cpuMeter }) {
  const db = openServiceFile(dataDir);
  const prefix = `FLOOR${Date.now()}`;
  try {
    // The template has been paid since; its copies look as it did when it was created.
    const created = db
      .prepare('select to_state from order_history where order_no = ? order by id limit 1')
      .get(templateOrderNo);
    const template = {
      ...db.prepare('select * from orders where order_no = ?').get(templateOrderNo),
      state: created.to_state,
      transaction_id: null,
    };
    for (const column of Object.keys(template)) {
      if (['paid_at', 'closed_at', 'fulfilled_at'].includes(column)) template[column] = null;
    }
    const columns = Object.keys(template);
    const product = db.prepare('select * from products where id = ?');
    const insertOrder = db.prepare(
      `insert into orders (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) returning *`,
    );
    const history = db.prepare(INSERT_HISTORY);
    const jobs = db.prepare(
      `insert into jobs (type, key, run_at, attempts, created_at, payload) values (?, ?, ?, 0, ?, ?), (?, ?, ?, 0, ?, ?)
         on conflict (type, key) where done_at is null do nothing`,
    );
    const prepay = db.prepare(
      `update orders set code_url = ?, prepay_id = ?, h5_url = ?, wechat_error_code = ?, wechat_error_message = ?,
         updated_at = ? where order_no = ? returning *`,
    );
    const insert = db.transaction((row, now) => {
      insertOrder.get(...columns.map((column) => row[column]));
      history.run(row.order_no, null, row.state, 'created', 'api', now);
      const payload = JSON.stringify({ orderNo: row.order_no });
      // Due in a day: the service still running must not pick these rows up.
      const later = now + 86_400_000;
      jobs.run(
        'close-expired',
        row.order_no,
        later,
        now,
        payload,
        'reconcile',
        row.order_no,
        later,
        now,
        payload,
      );
    });
    const recordPrepay = db.transaction((orderNo, now) =>
      prepay.get(template.code_url, null, null, null, null, now, orderNo),
    );
    const run = (from, to) => {
      for (let i = from; i < to; i++) {
        const now = Date.now();
        product.get(template.product_id);
        const orderNo = `${prefix}${i}`;
        insert({ ...template, order_no: orderNo, code_url: null, created_at: now, updated_at: now }, now);
        recordPrepay(orderNo, now);
      }
    };
    run(0, warmup);
    const cpu = cpuMeter();
    run(warmup, warmup + count);
    return cpu.stop() / count;
  } finally {
    const like = `${prefix}%`;
    db.prepare('delete from jobs where key like ?').run(like);
    db.prepare('delete from order_history where order_no like ?').run(like);
    db.prepare('delete from orders where order_no like ?').run(like);
    db.close();
  }
}

const INSERT_HISTORY =
  'insert into order_history (order_no, from_state, to_state, reason, source, at) values (?, ?, ?, ?, ?, ?)';

/** A second connection to the service's own SQLite file, with the pragmas the service sets. */
function openServiceFile(dataDir) {
  const db = new SqliteDatabase(join(dataDir, 'service.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
