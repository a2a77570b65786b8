/**
 * C. The payment service under load (issue 4, Benchmark). The bench process runs the service alone
 * (SQLite in a temp dir, v3, public-key mode), so its `process.cpuUsage()` is the merchant's CPU.
 * The simulator, the buyers, the SSE clients and WeChat's notification sender run in one forked
 * child (`lib/outside-world.mjs`). Every figure comes from this one run.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatorCredentials } from '../../packages/cli/dist/demo/simulator-merchant-settings.js';
import { createServiceApp, validateServiceConfig } from '../../packages/service/dist/index.js';
import { percentile, runLoad } from '../lib/http-load.mjs';
import { startOutsideWorld } from '../lib/outside-world-client.mjs';
import { sqliteFloor, startEmptyRoute } from '../lib/service-floors.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const WARMUP = env('BENCH_SERVICE_WARMUP', 2000);
const ORDERS = env('BENCH_SERVICE_ORDERS', 6000);
const ORDERS_MAX_MS = env('BENCH_SERVICE_ORDERS_MS', 15_000);
const ORDER_CONCURRENCY = 16;
const NOTIFY_CONCURRENCY = 32;
const WATCHED = env('BENCH_SERVICE_WATCHED', 40);

/** Runs the four measurements against one service and one simulator; see bench/README.md § C. */
export async function runSuite() {
  const world = await startOutsideWorld();
  const dataDir = mkdtempSync(join(tmpdir(), 'wxkit-bench-service-'));
  let service;
  try {
    service = await startService(world.merchant, dataDir);
    const orders = await measureOrders(world, service.url);
    const notifications = await measureNotifications(world, service, orders);
    const payments = await measurePaymentLatency(world, service.url);
    const floors = await measureFloors(world, dataDir, notifications);
    return present(orders, notifications, payments, floors);
  } finally {
    await service?.stop();
    await world.call('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * 1 + 2: merchant CPU per order against a bare RSA sign (measured before and after), rate, latency.
 * `WARMUP` orders first, unmeasured: until V8 has optimised the hot paths, its compiler's work
 * dominates the CPU figures (an empty route costs ~5× more over its first 2,000 requests). Their
 * notifications warm the notification phase the same way.
 */
async function measureOrders(world, serviceUrl) {
  const before = rsaFloor(world.merchant);
  const warm = await world.call('createOrders', {
    serviceUrl,
    count: WARMUP,
    concurrency: ORDER_CONCURRENCY,
  });
  const cpu = cpuMeter();
  const profile = await phaseProfile('orders');
  const created = await world.call('createOrders', {
    serviceUrl,
    count: ORDERS,
    concurrency: ORDER_CONCURRENCY,
    maxMs: ORDERS_MAX_MS,
  });
  const cpuPerOrderUs = cpu.stop() / Math.max(1, created.ok);
  await profile.stop();
  const after = rsaFloor(world.merchant);
  return {
    created,
    warmOrders: warm.orders,
    cpuPerOrderUs,
    rsa: { before, after },
    signUs: (before.signUs + after.signUs) / 2,
    verifyUs: (before.verifyUs + after.verifyUs) / 2,
  };
}

/**
 * 3: every order created gets its TRANSACTION.SUCCESS callback; all must end PAID. The warm-up
 * orders' callbacks go first, unmeasured.
 */
async function measureNotifications(world, service, { warmOrders, created }) {
  const orders = created.orders;
  await world.call('buildNotifications', { orders: warmOrders, set: 'warm' });
  const { bodyBytes } = await world.call('buildNotifications', { orders, set: 'measured' });
  const send = (set) =>
    world.call('sendNotifications', { serviceUrl: service.url, concurrency: NOTIFY_CONCURRENCY, set });
  await send('warm');
  const cpu = cpuMeter();
  const profile = await phaseProfile('notifications');
  const sent = await send('measured');
  const cpuPerNotificationUs = cpu.stop() / Math.max(1, sent.ok);
  await profile.stop();
  return {
    sent,
    cpuPerNotificationUs,
    paid: await countPaid(service, orders),
    expected: orders.length,
    orderNos: orders.map((o) => o.orderNo),
    warmOrderNos: warmOrders.map((o) => o.orderNo),
    bodyBytes,
  };
}

/**
 * 5: floors, after everything else: an empty Fastify route receiving the same notification bytes at
 * the same concurrency (HTTP server floor), a bare undici client calling a bare server in the child
 * (the HTTP client floor an order pays for its call to WeChat), and the statements a notification
 * must run, on raw better-sqlite3 against the service's own file (SQLite floor).
 */
async function measureFloors(world, dataDir, notifications) {
  const count = notifications.orderNos.length;
  const warmup = Math.max(WARMUP, 2000);
  const route = await startEmptyRoute();
  let server;
  try {
    await world.call('sendCopies', {
      url: route.url,
      path: '/empty',
      count: warmup,
      concurrency: NOTIFY_CONCURRENCY,
    });
    const cpu = cpuMeter();
    server = await world.call('sendCopies', {
      url: route.url,
      path: '/empty',
      count,
      concurrency: NOTIFY_CONCURRENCY,
    });
    server.cpuUs = cpu.stop() / Math.max(1, server.ok);
  } finally {
    await route.close();
  }
  const bare = await world.call('startBareServer');
  const clientLoad = (n) =>
    runLoad({
      url: bare,
      count: n,
      concurrency: ORDER_CONCURRENCY,
      request: () => ({ path: '/', method: 'POST', body: '{}' }),
    });
  await clientLoad(warmup);
  const cpu = cpuMeter();
  const client = await clientLoad(count);
  client.cpuUs = cpu.stop() / Math.max(1, client.ok);
  const sqliteUs = sqliteFloor({
    dataDir,
    warmOrderNos: notifications.warmOrderNos,
    orderNos: notifications.orderNos,
    bodyBytes: notifications.bodyBytes,
    cpuMeter,
  });
  return { server, client, sqliteUs };
}

/** 4: pay → PAID event on an SSE stream, against a 1 s poller watching the same orders. */
async function measurePaymentLatency(world, serviceUrl) {
  const fresh = await world.call('createOrders', { serviceUrl, count: WATCHED, concurrency: 4 });
  const watched = await world.call('watchPayments', {
    serviceUrl,
    orders: fresh.orders,
    gapMs: 75,
    pollMs: 1000,
  });
  const summary = (all) => {
    // A watcher that never saw PAID sends NaN, which arrives over IPC as null.
    const values = all.filter((v) => typeof v === 'number' && !Number.isNaN(v));
    return {
      p50Ms: percentile(values, 0.5),
      p99Ms: percentile(values, 0.99),
      missed: all.length - values.length,
      samples: values,
    };
  };
  return {
    sse: summary(watched.map((w) => w.sseMs)),
    poll: summary(watched.map((w) => w.pollMs)),
    payCall: summary(watched.map((w) => w.payCallMs)),
  };
}

function present(orders, notifications, payments, floors) {
  const { created, cpuPerOrderUs, signUs, verifyUs } = orders;
  const { sent, cpuPerNotificationUs, paid, expected } = notifications;
  const { sse, poll, payCall } = payments;
  const orderRatio = cpuPerOrderUs / signUs;
  const rows = [
    ['RSA-2048 sign, bare node:crypto', 1e6 / signUs, {}, signUs],
    ['RSA-2048 verify, bare node:crypto', 1e6 / verifyUs, {}, verifyUs],
    [
      `POST /api/orders v3 Native (c=${ORDER_CONCURRENCY}, ${created.ok} orders)`,
      created.perSecond,
      created,
      cpuPerOrderUs,
    ],
    [
      `POST /api/notify/v3 (c=${NOTIFY_CONCURRENCY}, ${sent.ok} applied)`,
      sent.perSecond,
      sent,
      cpuPerNotificationUs,
    ],
    [`pay → PAID event on SSE (${sse.samples.length} orders)`, undefined, sse],
    ['pay → seen by a 1 s poller (same orders)', undefined, poll],
    ['  (the pay call itself, for reference)', undefined, payCall],
    [
      `floor: empty Fastify POST route, same bytes (c=${NOTIFY_CONCURRENCY})`,
      floors.server.perSecond,
      floors.server,
      floors.server.cpuUs,
    ],
    [
      `floor: undici client POST to a bare server (c=${ORDER_CONCURRENCY})`,
      floors.client.perSecond,
      floors.client,
      floors.client.cpuUs,
    ],
    [
      'floor: SQLite find + 1 transaction (UPDATE…RETURNING, 2 INSERTs), raw',
      1e6 / floors.sqliteUs,
      {},
      floors.sqliteUs,
    ],
  ];
  const notificationFloorUs = floors.server.cpuUs + floors.sqliteUs + verifyUs;
  const orderFloorUs = signUs + verifyUs + floors.server.cpuUs + floors.client.cpuUs;
  const errors = created.errors + sent.errors;
  return {
    id: 'service',
    title: 'C. Payment service: v3 Native orders, notifications, SSE (SQLite, simulator in a child process)',
    notes: [
      'merchant CPU = process.cpuUsage() of the bench process, which runs only the service;',
      'simulator, buyers and the notification sender run in a forked child on the other core.',
      `${paid} of ${expected} notified orders ended PAID; ${errors === 0 ? 'no errors' : `errors: ${created.errors} order, ${sent.errors} notification`}`,
      ...created.firstErrors.map((e) => `PROBLEM order creation: ${e}`),
      ...sent.firstErrors.map((e) => `PROBLEM notification: ${e}`),
      ...(sse.missed + poll.missed > 0
        ? [`PROBLEM: PAID never seen within 10 s: ${sse.missed} SSE streams, ${poll.missed} pollers`]
        : []),
      'CPU µs/op counts every thread of the process (GC helpers too), so 1/CPU can be below the rate.',
    ],
    header: ['measure', 'per s', 'p50 ms', 'p99 ms', 'CPU µs/op'],
    rows: rows.map(([label, rate, latency, cpu]) => [
      label,
      rate === undefined ? '' : Math.round(rate).toLocaleString('en-US'),
      ms(latency.p50Ms),
      ms(latency.p99Ms),
      cpu === undefined ? '' : cpu.toFixed(0),
    ]),
    headlines: [
      {
        label: 'merchant CPU per v3 Native order / one RSA-2048 sign',
        value: orderRatio,
        target: '≤ 1.30×',
        max: 1.3,
      },
      {
        label: '  order floor (sign + verify + empty route + client call) / one sign',
        value: orderFloorUs / signUs,
        display: `${(orderFloorUs / signUs).toFixed(2)}×`,
      },
      {
        // Restated target (bench/README.md § C): 1.3 × one sign is below the order floor here.
        label: '  merchant CPU per order / that floor',
        value: cpuPerOrderUs / orderFloorUs,
        display: `${(cpuPerOrderUs / orderFloorUs).toFixed(2)}×`,
        target: '≤ 2.00× (restated)',
        max: 2,
      },
      {
        label: `orders/s, POST /api/orders (p50 ${ms(created.p50Ms)} ms, p99 ${ms(created.p99Ms)} ms)`,
        value: created.perSecond,
        display: created.perSecond.toFixed(0),
      },
      {
        label: 'v3 notifications applied/s (SQLite, one core)',
        // Not a single lost notification may count as throughput.
        value: paid === expected ? sent.perSecond : 0,
        display: sent.perSecond.toFixed(0),
        target: '≥ 5,000/s',
        min: 5000,
      },
      {
        label: '  CPU-bound capacity of one core (1 / CPU per notification)',
        value: 1e6 / cpuPerNotificationUs,
        display: (1e6 / cpuPerNotificationUs).toFixed(0),
      },
      {
        label: '  floor of one core: 1 / (empty route + SQLite floor + RSA verify)',
        value: 1e6 / notificationFloorUs,
        display: (1e6 / notificationFloorUs).toFixed(0),
      },
      {
        label: '  notification CPU / that floor',
        value: cpuPerNotificationUs / notificationFloorUs,
        display: `${(cpuPerNotificationUs / notificationFloorUs).toFixed(2)}×`,
        target: '≤ 2.00× (vs floor)',
        max: 2,
      },
      {
        label: 'payment → SSE event p50 (ms)',
        value: sse.p50Ms,
        display: ms(sse.p50Ms),
        target: '≤ 50 ms',
        max: 50,
      },
      { label: '1 s polling client p50 (ms), for comparison', value: poll.p50Ms, display: ms(poll.p50Ms) },
    ],
    details: {
      orders: { ...created, orders: undefined, cpuPerOrderUs, rsa: orders.rsa },
      orderCpuBreakdownUs: { rsaSign: signUs, rsaVerify: verifyUs, rest: cpuPerOrderUs - signUs - verifyUs },
      notifications: { ...sent, paid, expected, cpuPerNotificationUs },
      notificationCpuBreakdownUs: { rsaVerify: verifyUs, rest: cpuPerNotificationUs - verifyUs },
      payments,
      floors: {
        serverCpuUs: floors.server.cpuUs,
        clientCpuUs: floors.client.cpuUs,
        sqliteUs: floors.sqliteUs,
        notificationFloorUs,
        orderFloorUs,
      },
    },
  };
}

/** The service exactly as `startDemo` configures it for the simulator's merchant, on a real clock. */
async function startService(m, dataDir) {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const config = validateServiceConfig({
    port,
    host,
    dataDir,
    publicUrl: `http://${host}:${port}`,
    adminToken: 'bench-admin-token-not-secret-0000',
    orderTtlMinutes: 15,
    logger: false,
    // One load generator is one client: the per-client order limit would measure itself.
    limits: { orders: { max: 0, windowMs: 60_000 } },
    wechat: simulatorCredentials(m, 'v3'),
  });
  const service = await createServiceApp(config);
  await service.start();
  return service;
}

/**
 * One bare RSA-2048 sign and verify with pre-parsed KeyObjects over a ~300-byte message: the
 * least a v3 order can cost (the service signs one request and verifies one answer per order).
 * Median of 7 batches of 60, in CPU time like the figures it is compared with: on a shared machine
 * wall time also counts the time the process waited for a core.
 */
function rsaFloor(m) {
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
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${phase}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

function cpuMeter() {
  const start = process.cpuUsage();
  return {
    /** µs of user + system CPU since the meter started. */
    stop() {
      const used = process.cpuUsage(start);
      return used.user + used.system;
    },
  };
}

async function countPaid(service, orders) {
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

function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function ms(value) {
  return value === undefined ? '' : value < 10 ? value.toFixed(2) : value.toFixed(1);
}
