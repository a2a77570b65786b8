/**
 * D. Daily reconciliation of a busy day (issue 13, Benchmark). The simulator (in the forked child)
 * holds `BENCH_RECON_ORDERS` (100,000) paid orders of one China day; the service (in this process,
 * SQLite and, when reachable, PostgreSQL) holds the same orders, less one in 1,000 (never recorded)
 * plus one in 1,000 extra (paid here, unknown to WeChat). One `POST /api/admin/reconciliations`
 * downloads the v3 bill (gzip, SHA-1 checked), stores its lines, matches them and reports. Wall
 * time, and peak heap and RSS of this process over its state before the run, sampled every 10 ms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatorCredentials } from '../../packages/cli/dist/demo/simulator-merchant-settings.js';
import { createServiceApp, validateServiceConfig } from '../../packages/service/dist/index.js';
import { benchAmount, benchOffsetMs } from '../lib/bench-day.mjs';
import { startOutsideWorld } from '../lib/outside-world-client.mjs';
import { PG_URL, postgresSkip, throwAwaySchema } from '../lib/postgres-bench.mjs';
import { freePort } from '../lib/service-phases.mjs';

const ORDERS = Number(process.env.BENCH_RECON_ORDERS ?? 100_000);
const ADMIN_TOKEN = 'bench-admin-token-not-secret-0000';
const DAY_MS = 86_400_000;
const MB = 1024 * 1024;

export async function runSuite() {
  const world = await startOutsideWorld();
  const date = new Date(Date.now() + 8 * 3600_000 - 2 * DAY_MS).toISOString().slice(0, 10);
  const prefix = `R${randomBytes(3).toString('hex')}`;
  const rows = [];
  const notes = [];
  try {
    const seeded = await world.call('seedPaidTrades', { count: ORDERS, date, prefix });
    notes.push(
      `day ${date}: ${seeded.count.toLocaleString('en-US')} paid orders at WeChat; bill ≈ ${(seeded.approxBillBytes / MB).toFixed(0)} MB of CSV`,
    );
    for (const engine of ['sqlite', 'postgres']) {
      const skip = engine === 'postgres' ? await postgresSkip() : undefined;
      if (skip) {
        notes.push(`PostgreSQL skipped: ${skip}`);
        continue;
      }
      rows.push(await reconcileOn(engine, world.merchant, date, prefix));
    }
  } finally {
    await world.call('stop').catch(() => undefined);
  }
  for (const row of rows) {
    if (row.problem) notes.push(`PROBLEM ${row.engine}: ${row.problem}`);
  }
  return {
    id: 'reconciliation',
    title: `D. Daily reconciliation: ${ORDERS.toLocaleString('en-US')} orders against the v3 bill`,
    notes: [
      ...notes,
      'heap / RSS = peak over the run minus before it, in the process running the service (the simulator is in the child)',
    ],
    header: ['engine', 'seconds', 'lines/s', 'peak heap +MB', 'peak RSS +MB', 'differences'],
    rows: rows.map((r) => [
      r.engine,
      r.seconds.toFixed(1),
      Math.round(r.billRows / r.seconds).toLocaleString('en-US'),
      r.heapMb.toFixed(0),
      r.rssMb.toFixed(0),
      `${r.open} open`,
    ]),
    headlines: rows.flatMap((r) => [
      {
        label: `${r.engine}: seconds to reconcile ${ORDERS.toLocaleString('en-US')} orders`,
        value: r.seconds,
        display: r.seconds.toFixed(1),
      },
      {
        // Sampled heapUsed includes garbage not yet collected: an upper bound on what the run holds.
        label: `${r.engine}: peak heap growth over a ${r.billMb.toFixed(0)} MB bill (streamed, never held whole)`,
        value: r.heapMb,
        display: `${r.heapMb.toFixed(0)} MB`,
      },
    ]),
  };
}

async function reconcileOn(engine, merchant, date, prefix) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxkit-bench-recon-'));
  const throwAway = engine === 'postgres' ? throwAwaySchema() : undefined;
  const schema = throwAway?.name;
  const port = await freePort();
  const config = validateServiceConfig({
    port,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: schema ? PG_URL : undefined,
    publicUrl: `http://127.0.0.1:${port}`,
    adminToken: ADMIN_TOKEN,
    orderTtlMinutes: 15,
    logger: false,
    wechat: simulatorCredentials(merchant, 'v3'),
    reconciliation: { enabled: false, runAt: { hour: 10, minute: 0 }, feeRateBasisPoints: 60 },
  });
  const service = await createServiceApp(config, { databaseSchema: schema });
  try {
    const url = await service.start();
    await seedOrders(service.database.db, date, prefix);
    global.gc?.();
    const memory = sampleMemory();
    const started = performance.now();
    const answer = await fetch(`${url}/api/admin/reconciliations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ date }),
      signal: AbortSignal.timeout(600_000),
    });
    const seconds = (performance.now() - started) / 1000;
    const peak = memory.stop();
    const body = await answer.json();
    const report = body.reconciliation;
    const expectedOpen = 2 * Math.floor(ORDERS / 1000);
    const problem =
      answer.status !== 200
        ? `HTTP ${answer.status} ${JSON.stringify(body).slice(0, 200)}`
        : report.billRows !== ORDERS || report.discrepancies.open !== expectedOpen
          ? `expected ${ORDERS} bill lines and ${expectedOpen} open differences, got ${report.billRows} and ${report.discrepancies.open}`
          : undefined;
    return {
      engine: engine === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      seconds,
      billRows: report?.billRows ?? 0,
      billMb: (ORDERS * 330) / MB,
      heapMb: peak.heap / MB,
      rssMb: peak.rss / MB,
      open: report?.discrepancies.open ?? 0,
      problem,
    };
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await throwAway?.drop();
  }
}

/** The service's side of the day: every WeChat order but one in 1,000, plus one in 1,000 unknown to WeChat. */
async function seedOrders(db, date, prefix) {
  const dayStart = Date.parse(`${date}T00:00:00+08:00`);
  const row = (orderNo, i) => {
    const paidAt = dayStart + benchOffsetMs(i, ORDERS);
    return {
      order_no: orderNo,
      product_id: 'demo-coffee',
      quantity: 1,
      description: 'bench coffee',
      amount_fen: benchAmount(i),
      state: 'PAID',
      pay_type: 'NATIVE',
      api_version: 'v3',
      openid: null,
      client_ip: '127.0.0.1',
      code_url: null,
      prepay_id: null,
      h5_url: null,
      transaction_id: `T${orderNo}`,
      wechat_error_code: null,
      wechat_error_message: null,
      created_at: paidAt - 30_000,
      expires_at: paidAt + 900_000,
      paid_at: paidAt,
      closed_at: null,
      fulfilled_at: paidAt,
      refunded_fen: 0,
      updated_at: paidAt,
      mode1_callback_key: null,
    };
  };
  let batch = [];
  const flush = async () => {
    if (batch.length > 0) await db.insertInto('orders').values(batch).execute();
    batch = [];
  };
  for (let i = 0; i < ORDERS; i++) {
    if (i % 1000 === 999) batch.push(row(`${prefix}X${i}`, i));
    else batch.push(row(`${prefix}${i}`, i));
    if (batch.length === 500) await flush();
  }
  await flush();
}

function sampleMemory() {
  const base = process.memoryUsage();
  const peak = { heap: 0, rss: 0 };
  const take = () => {
    const now = process.memoryUsage();
    peak.heap = Math.max(peak.heap, now.heapUsed - base.heapUsed);
    peak.rss = Math.max(peak.rss, now.rss - base.rss);
  };
  const timer = setInterval(take, 10);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
