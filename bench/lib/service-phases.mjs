/**
 * The phases the service suites share (C on SQLite, F on PostgreSQL): the service started as
 * `startDemo` starts it, the order load, the notification load, and the yardsticks they are judged
 * by. Each phase can be given extra meters (e.g. database round trips) that run exactly as long as
 * its CPU meter, so every figure of a phase covers the same work.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { simulatorCredentials } from '../../packages/cli/dist/demo/simulator-merchant-settings.js';
import { createServiceApp, validateServiceConfig } from '../../packages/service/dist/index.js';
import { percentile } from './http-load.mjs';
import { profileBreakdown } from './profile-breakdown.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
export const WARMUP = env('BENCH_SERVICE_WARMUP', 2000);
export const ORDERS = env('BENCH_SERVICE_ORDERS', 6000);
const ORDERS_MAX_MS = env('BENCH_SERVICE_ORDERS_MS', 15_000);
export const ORDER_CONCURRENCY = 16;
export const NOTIFY_CONCURRENCY = 32;

/**
 * The service exactly as `startDemo` configures it for the simulator's merchant, on a real clock;
 * with `databaseUrl` (and a throw-away `schema`) on PostgreSQL instead of SQLite in `dataDir`.
 */
export async function startBenchService(m, dataDir, { databaseUrl, schema, poolSize } = {}) {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const config = validateServiceConfig({
    port,
    host,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(poolSize ? { databasePoolSize: poolSize } : {}),
    publicUrl: `http://${host}:${port}`,
    adminToken: 'bench-admin-token-not-secret-0000',
    orderTtlMinutes: 15,
    logger: false,
    // One load generator is one client: the per-client order limit would measure itself.
    limits: { orders: { max: 0, windowMs: 60_000 } },
    wechat: simulatorCredentials(m, 'v3'),
  });
  const service = await createServiceApp(config, schema ? { databaseSchema: schema } : {});
  await service.start();
  return service;
}

/**
 * Merchant CPU per order against a bare RSA sign (measured before and after), rate, latency.
 * `WARMUP` orders first, unmeasured: until V8 has optimised the hot paths, its compiler's work
 * dominates the CPU figures (an empty route costs ~5× more over its first 2,000 requests). Their
 * notifications warm the notification phase the same way. `meters` (name → start function) run
 * over the measured orders only.
 */
export async function measureOrders(world, serviceUrl, meters = {}) {
  const before = rsaFloor(world.merchant);
  const warm = await world.call('createOrders', {
    serviceUrl,
    count: WARMUP,
    concurrency: ORDER_CONCURRENCY,
  });
  const running = startMeters({ cpu: cpuMeter, ...meters });
  const profile = await phaseProfile('orders');
  const created = await world.call('createOrders', {
    serviceUrl,
    count: ORDERS,
    concurrency: ORDER_CONCURRENCY,
    maxMs: ORDERS_MAX_MS,
  });
  const measured = running.stop();
  const breakdown = await profile.stop(created.ok);
  const after = rsaFloor(world.merchant);
  return {
    created,
    breakdown,
    warmOrders: warm.orders,
    cpuPerOrderUs: measured.cpu / Math.max(1, created.ok),
    measured,
    rsa: { before, after },
    signUs: (before.signUs + after.signUs) / 2,
    verifyUs: (before.verifyUs + after.verifyUs) / 2,
  };
}

/**
 * Every order created gets its TRANSACTION.SUCCESS callback; all must end PAID. The warm-up
 * orders' callbacks go first, unmeasured.
 */
export async function measureNotifications(world, service, { warmOrders, created }, meters = {}) {
  const orders = created.orders;
  await world.call('buildNotifications', { orders: warmOrders, set: 'warm' });
  const { bodyBytes } = await world.call('buildNotifications', { orders, set: 'measured' });
  const send = (set) =>
    world.call('sendNotifications', { serviceUrl: service.url, concurrency: NOTIFY_CONCURRENCY, set });
  await send('warm');
  const running = startMeters({ cpu: cpuMeter, ...meters });
  const profile = await phaseProfile('notifications');
  const sent = await send('measured');
  const measured = running.stop();
  const breakdown = await profile.stop(sent.ok);
  return {
    sent,
    breakdown,
    cpuPerNotificationUs: measured.cpu / Math.max(1, sent.ok),
    measured,
    paid: await countPaid(service, orders),
    expected: orders.length,
    orderNos: orders.map((o) => o.orderNo),
    warmOrderNos: warmOrders.map((o) => o.orderNo),
    bodyBytes,
  };
}

function startMeters(meters) {
  const running = Object.entries(meters).map(([name, start]) => [name, start()]);
  return { stop: () => Object.fromEntries(running.map(([name, meter]) => [name, meter.stop()])) };
}

/**
 * One bare RSA-2048 sign and verify with pre-parsed KeyObjects over a ~300-byte message: the
 * least a v3 order can cost (the service signs one request and verifies one answer per order).
 * Median of 7 batches of 60, in CPU time like the figures it is compared with: on a shared machine
 * wall time also counts the time the process waited for a core.
 */
export function rsaFloor(m) {
  const key = createPrivateKey(m.privateKeyPem);
  const pub = createPublicKey(key);
  const message = Buffer.from(`POST\n/v3/pay/transactions/native\n1700000000\nNONCE\n${'x'.repeat(260)}\n`);
  const signature = sign('sha256', message, key);
  const time = (fn) => {
    for (let i = 0; i < 20; i++) fn();
    const batches = [];
    for (let b = 0; b < 7; b++) {
      const cpu = cpuMeter();
      for (let i = 0; i < 60; i++) fn();
      batches.push(cpu.stop() / 60);
    }
    return percentile(batches, 0.5);
  };
  return {
    signUs: time(() => sign('sha256', message, key)),
    verifyUs: time(() => verify('sha256', message, pub, signature)),
  };
}

/**
 * With `BENCH_PROFILE=<dir>`, a V8 CPU profile of the service process during one phase, written to
 * `<dir>/<phase>.cpuprofile` (open it in Chrome DevTools). The profiler's own cost lands in the CPU
 * figures of that run, so compare profiled runs only with each other.
 */
async function phaseProfile(phase) {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    /** Writes the profile; answers where the phase's CPU went per operation (`operations` of them). */
    async stop(operations) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${phase}.cpuprofile`), JSON.stringify(profile));
      return profileBreakdown(profile, Math.max(1, operations));
    },
  };
}

/**
 * How late this process's event loop runs its timers (sampled every 5 ms): a busy loop, or one the
 * OS does not schedule, delays every answer, and every pool connection held meanwhile.
 */
export function loopDelayMeter() {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      return {
        p50Ms: histogram.percentile(50) / 1e6,
        p99Ms: histogram.percentile(99) / 1e6,
        maxMs: histogram.max / 1e6,
      };
    },
  };
}

/** CPU of this process (user + system, every thread) from now on. */
export function cpuMeter() {
  const start = process.cpuUsage();
  return {
    /** µs of user + system CPU since the meter started. */
    stop() {
      const used = process.cpuUsage(start);
      return used.user + used.system;
    },
  };
}

export async function countPaid(service, orders) {
  const orderNos = orders.map((o) => o.orderNo);
  let paid = 0;
  for (let i = 0; i < orderNos.length; i += 500) {
    const row = await service.database.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'PAID')
      .where('order_no', 'in', orderNos.slice(i, i + 500))
      .executeTakeFirst();
    paid += Number(row?.n ?? 0);
  }
  return paid;
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Milliseconds as the tables print them. */
export function ms(value) {
  return value === undefined ? '' : value < 10 ? value.toFixed(2) : value.toFixed(1);
}
