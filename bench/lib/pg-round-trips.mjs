/**
 * Counts the PostgreSQL round trips this process makes, and how long it waits for them. node-postgres
 * sends one query at a time per connection and waits for its answer, so every `Client#query` call
 * is one round trip; the service's Kysely pool, its LISTEN/NOTIFY bus and the pool of a floor all go
 * through it. Installed once by wrapping `Client#query` and `Pool#connect` in place, which changes
 * nothing else about the calls.
 *
 * A meter counts the calls made while it runs by statement kind (the first word, `cte` for a
 * `with …` statement, `notify` for `select pg_notify`), so a suite can say which round trips an
 * operation costs, and sums the milliseconds from each call to its answer: `queryMs` for queries
 * (sent until answered), `poolWaitMs` for `Pool#connect` (asked until a connection was handed out).
 */
import pg from 'pg';

const active = new Set();
let installed = false;

function install() {
  if (installed) return;
  installed = true;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(config, ...rest) {
    const result = query.call(this, config, ...rest);
    if (active.size === 0) return result;
    const kind = statementKind(typeof config === 'string' ? config : (config?.text ?? ''));
    for (const meter of active) meter.byKind[kind] = (meter.byKind[kind] ?? 0) + 1;
    timed(result, 'queryMs');
    return result;
  };
  const connect = pg.Pool.prototype.connect;
  pg.Pool.prototype.connect = function timedConnect(...args) {
    const result = connect.apply(this, args);
    if (active.size > 0) timed(result, 'poolWaitMs');
    return result;
  };
}

/** Adds the time until `result` (a promise, when the caller passed no callback) settles. */
function timed(result, field) {
  if (typeof result?.then !== 'function') return;
  const meters = [...active];
  const started = performance.now();
  const done = () => {
    const ms = performance.now() - started;
    for (const meter of meters) meter[field] += ms;
  };
  result.then(done, done);
}

function statementKind(text) {
  const word = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'other';
  if (word === 'with') return 'cte';
  if (word === 'select' && /pg_notify/i.test(text)) return 'notify';
  return word;
}

/** Starts counting; `stop()` gives `{ total, byKind: { begin: n, … }, queryMs, poolWaitMs }`. */
export function roundTripMeter() {
  install();
  const meter = { byKind: {}, queryMs: 0, poolWaitMs: 0 };
  active.add(meter);
  return {
    stop() {
      active.delete(meter);
      const total = Object.values(meter.byKind).reduce((a, b) => a + b, 0);
      return { total, byKind: { ...meter.byKind }, queryMs: meter.queryMs, poolWaitMs: meter.poolWaitMs };
    },
  };
}

/** Per operation: `cte 1.00, notify 0.06`, largest first, then the waits in ms. */
export function describeRoundTrips({ byKind, queryMs, poolWaitMs }, n) {
  const per = (x) => x / Math.max(1, n);
  const kinds = Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${per(count).toFixed(2)}`)
    .join(', ');
  return `${kinds}; waited ${per(queryMs).toFixed(1)} ms in queries, ${per(poolWaitMs).toFixed(1)} ms for a pool connection`;
}
