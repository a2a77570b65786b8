import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import { eventually, json, PG_URL, postgresSkipReason, readEvents } from './demo-harness.js';

type OrderBody = { orderNo: string; state: string; codeUrl?: string };

const pgSkip = await postgresSkipReason();

/**
 * One service instance as an operator would run it against the simulator's demo merchant. `publicUrl`
 * is where WeChat sends this instance's notifications; pointing it at another instance is how the
 * tests make "created on A, notified to B" happen.
 */
async function startInstance(
  simulator: RunningSimulator,
  options: { port: number; publicUrl?: string; dataDir: string; databaseUrl?: string; schema?: string },
): Promise<ServiceApp> {
  const m = simulator.merchant;
  const config = validateServiceConfig({
    port: options.port,
    host: '127.0.0.1',
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    publicUrl: options.publicUrl ?? `http://127.0.0.1:${options.port}`,
    adminToken: randomBytes(24).toString('hex'),
    orderTtlMinutes: 15,
    logger: false,
    wechat: simulatorCredentials(m),
  });
  const service = await createServiceApp(config, {
    clock: { now: () => new Date(simulator.ctx.clock.now()) },
    databaseSchema: options.schema,
    jobPollIntervalMs: 50,
  });
  await service.start();
  return service;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

const createOrder = (service: ServiceApp) =>
  json<OrderBody>(`${service.url}/api/orders`, {
    method: 'POST',
    body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
  });

const orderState = async (service: ServiceApp, orderNo: string) =>
  (await json<OrderBody>(`${service.url}/api/orders/${orderNo}`)).body.state;

describe.skipIf(pgSkip !== undefined)('two service instances on one PostgreSQL schema', () => {
  const schema = `instances_${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-service-instances-'));
  let simulator: RunningSimulator;
  let a: ServiceApp;
  let b: ServiceApp;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    const [portA, portB] = [await freePort(), await freePort()];
    // One at a time, so the schema is migrated once.
    b = await startInstance(simulator, { port: portB, dataDir, databaseUrl: PG_URL, schema });
    a = await startInstance(simulator, {
      port: portA,
      publicUrl: b.url,
      dataDir,
      databaseUrl: PG_URL,
      schema,
    });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
  });

  it('an SSE client on instance A sees PAID when WeChat notified instance B', async () => {
    const created = await createOrder(a);
    expect(created.status).toBe(201);
    const { orderNo, codeUrl } = created.body;

    const { states } = await readEvents(
      `${a.url}/api/orders/${orderNo}/events`,
      (event) => event.state === 'PAID',
      () => simulator.ctx.trades.pay(simulator.ctx.trades.lookup(codeUrl!)!, 'alice'),
    );
    expect(states).toEqual(['NOTPAY', 'PAID']);

    // The notification went to B, and only to B: A learned of the payment through PostgreSQL.
    const record = await eventually(async () =>
      simulator.ctx.notifier.list().find((r) => r.outTradeNo === orderNo && r.attempts.some((x) => x.acked)),
    );
    expect(record.url.startsWith(`${b.url}/`)).toBe(true);
    expect(await orderState(a, orderNo)).toBe('PAID');
  });

  it('refunds requested concurrently on both instances never exceed what was paid', async () => {
    const created = await createOrder(a);
    simulator.ctx.trades.pay(simulator.ctx.trades.lookup(created.body.codeUrl!)!, 'alice');
    const { orderNo } = created.body;
    await eventually(async () => ((await orderState(a, orderNo)) === 'PAID' ? true : undefined));
    const paid = (await json<{ amount: number }>(`${a.url}/api/orders/${orderNo}`)).body.amount;
    const part = Math.floor(paid * 0.3);
    const answers = await Promise.all(
      [a, b, a, b, a, b].map((instance) =>
        json<{ error?: string }>(`${instance.url}/api/orders/${orderNo}/refunds`, {
          method: 'POST',
          body: JSON.stringify({ amount: part }),
          headers: { Authorization: `Bearer ${instance.config.adminToken}` },
        }),
      ),
    );
    expect(answers.map((x) => x.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(answers.filter((x) => x.status === 409).map((x) => x.body.error)).toEqual(
      Array(3).fill('REFUND_EXCEEDS_PAID'),
    );
    const row = await a.database.db
      .selectFrom('orders')
      .select(['refund_reserved_fen', 'state'])
      .where('order_no', '=', orderNo)
      .executeTakeFirstOrThrow();
    expect({ reserved: Number(row.refund_reserved_fen), state: row.state }).toEqual({
      reserved: 3 * part,
      state: 'REFUNDING',
    });
    const atWechat = simulator.ctx.refunds
      .list(simulator.merchant.mchid)
      .filter((r) => r.outTradeNo === orderNo);
    expect(atWechat).toHaveLength(3);
  });
});

describe('a restart in the middle: the new instance resumes the jobs (SQLite file)', () => {
  let dataDir: string;
  let simulator: RunningSimulator;
  let service: ServiceApp | undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await simulator?.stop();
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    simulator.ctx.faults.reset();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function restartAfterExpiry(
    whileDown: (codeUrl: string) => void,
  ): Promise<{ orderNo: string; codeUrl: string }> {
    dataDir = mkdtempSync(join(tmpdir(), 'wxpay-service-restart-'));
    service = await startInstance(simulator, { port: await freePort(), dataDir });
    const created = await createOrder(service);
    expect(created.status).toBe(201);
    const { orderNo, codeUrl } = created.body;
    await service.stop();
    service = undefined;

    whileDown(codeUrl!);
    simulator.ctx.clock.advance(16 * 60_000);
    service = await startInstance(simulator, { port: await freePort(), dataDir });
    return { orderNo, codeUrl: codeUrl! };
  }

  it('an order that expired while the service was down ends CLOSED here and at WeChat', async () => {
    const { orderNo, codeUrl } = await restartAfterExpiry(() => {});
    const running = service!;
    await eventually(async () => ((await orderState(running, orderNo)) === 'CLOSED' ? true : undefined));
    expect(simulator.ctx.trades.lookup(codeUrl)?.state).toBe('CLOSED');
  });

  it('an order paid while the service was down (notification lost) ends PAID, not CLOSED', async () => {
    const { orderNo, codeUrl } = await restartAfterExpiry((code) => {
      // Every notification is lost: only the resumed close/reconcile job can learn of the payment.
      simulator.ctx.faults.setNotifyFaults({ dropProbability: 1 });
      simulator.ctx.trades.pay(simulator.ctx.trades.lookup(code)!, 'bob');
    });
    const running = service!;
    await eventually(async () => ((await orderState(running, orderNo)) === 'PAID' ? true : undefined));
    expect(simulator.ctx.trades.lookup(codeUrl)?.state).toBe('SUCCESS');
    const records = simulator.ctx.notifier.list().filter((r) => r.outTradeNo === orderNo);
    expect(records.every((r) => !r.attempts.some((attempt) => attempt.acked))).toBe(true);
  });
});
