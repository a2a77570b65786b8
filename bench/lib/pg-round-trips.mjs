/**
 * Counts the PostgreSQL round trips this process makes. node-postgres sends one query at a time per
 * connection and waits for its answer, so every `Client#query` call is one round trip; the
 * service's Kysely pool, its LISTEN/NOTIFY bus and the pool of a floor all go through it. Installed
 * once by wrapping the prototype method in place, which changes nothing else about the call.
 *
 * A meter counts the calls made while it runs, by statement kind (the first word, or `cte` for a
 * `with …` statement), so a suite can say not only how many round trips an operation costs but
 * which ones.
 */
import pg from 'pg';

const active = new Set();
let installed = false;

function install() {
  if (installed) return;
  installed = true;
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(config, ...rest) {
    if (active.size > 0) {
      const text = typeof config === 'string' ? config : (config?.text ?? '');
      const kind = statementKind(text);
      for (const meter of active) meter[kind] = (meter[kind] ?? 0) + 1;
    }
    return original.call(this, config, ...rest);
  };
}

function statementKind(text) {
  const word = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'other';
  if (word === 'with') return 'cte';
  if (word === 'select' && /pg_notify/i.test(text)) return 'notify';
  return word;
}

/** Starts counting; `stop()` gives `{ total, byKind: { begin: n, update: n, … } }`. */
export function roundTripMeter() {
  install();
  const counts = {};
  active.add(counts);
  return {
    stop() {
      active.delete(counts);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      return { total, byKind: { ...counts } };
    },
  };
}

/** `{begin: 2000, update: 1000}` per `n` operations → `begin 2.00, update 1.00`, largest first. */
export function describeRoundTrips({ byKind }, n) {
  return Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${(count / Math.max(1, n)).toFixed(2)}`)
    .join(', ');
}
