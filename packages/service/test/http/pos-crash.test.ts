import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/adapters/persistence/index.js';
import { eventually, json, PG_URL } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';
import { freePort, ServiceProcess } from './support/service-process.js';

const CHILD = fileURLToPath(new URL('./support/pos-child.mjs', import.meta.url));
const POS = { pollMs: 100, deadlineMs: 3_000, storeId: 'SZ-001' };
/** A dead process's job is taken over this long after its last lock renewal. */
const LOCK_MS = 1_500;

/**
 * `kill -9` at each step of the till's procedure, then a restart: the order and its job were
 * stored before WeChat was called, so the restarted process takes the job over, queries first and
 * pays or reverses. Afterwards WeChat (the simulator's own records) and the service agree on every
 * order: no customer charged without a PAID order, no PAID order that WeChat reversed, each paid
 * order delivered once, and no payment code left in the jobs table.
 */
describeOnEngines('the till survives kill -9 at every step of a payment-code payment', (engine) => {
  let sim: RunningSimulator;
  let dataDir: string;
  let setupPath: string;
  let adminToken: string;
  const running: ServiceProcess[] = [];
  const schema = engine === 'postgres' ? `poscrash_${randomBytes(6).toString('hex')}` : undefined;
  const open = (): Promise<Database> =>
    engine === 'postgres' ? openDatabase({ url: PG_URL, schema }) : openDatabase({ dataDir });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'wxpay-pos-crash-'));
    setupPath = join(dataDir, 'setup.json');
    adminToken = randomBytes(16).toString('hex');
    writeFileSync(
      setupPath,
      JSON.stringify({
        port: await freePort(),
        dataDir,
        databaseUrl: engine === 'postgres' ? PG_URL : undefined,
        schema,
        adminToken,
        merchant: sim.merchant,
        pos: POS,
        jobLockMs: LOCK_MS,
      }),
    );
  });
  afterEach(async () => {
    for (const service of running.splice(0)) await service.kill('SIGKILL');
    await simCall('/faults', 'DELETE');
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
    }
  });

  const simCall = (path: string, method: string, body?: unknown) =>
    json<Record<string, unknown>>(`${sim.url}/_sim${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** Starts a service process; `pollMs` long = it will not claim the job it is given in time. */
  const start = async (pollMs?: number | 'off') => {
    const service = new ServiceProcess(CHILD, pollMs ? [setupPath, String(pollMs)] : [setupPath]);
    running.push(service);
    const url = (await service.line('listening ')).slice('listening '.length);
    return { service, url };
  };
  const kill = async (service: ServiceProcess) => {
    await service.kill('SIGKILL');
    running.splice(running.indexOf(service), 1);
  };
  const take = async (url: string, user: string, amount: number) => {
    const code = await simCall(`/users/${user}/payment-code`, 'POST');
    const taken = await json<{ orderNo: string; state: string }>(`${url}/api/pos/payments`, {
      method: 'POST',
      body: JSON.stringify({ authCode: code.body.authCode, amount, apiVersion: 'v3' }),
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(taken.status).toBe(202);
    return taken.body.orderNo;
  };
  const trade = (orderNo: string) => sim.ctx.trades.find(sim.merchant.mchid, { outTradeNo: orderNo });
  const stored = async (orderNo: string) => {
    const database = await open();
    try {
      const order = await database.db
        .selectFrom('orders')
        .select(['state', 'fulfilled_at'])
        .where('order_no', '=', orderNo)
        .executeTakeFirstOrThrow();
      const jobs = await database.db
        .selectFrom('jobs')
        .select(['payload', 'done_at'])
        .where('type', '=', 'micropay')
        .where('key', '=', orderNo)
        .execute();
      return { ...order, jobs };
    } finally {
      await database.close();
    }
  };
  /** The final verdict once the restarted process settled the order: WeChat and the service agree. */
  const settled = async (url: string, orderNo: string, service: ServiceProcess) => {
    const final = await eventually(async () => {
      const { body } = await json<{ state: string }>(`${url}/api/orders/${orderNo}`);
      return ['PAID', 'PAYERROR', 'REVERSED'].includes(body.state) ? body.state : undefined;
    }, 20_000);
    const atWechat = trade(orderNo)?.state ?? 'NONE';
    const charged = atWechat === 'SUCCESS' || atWechat === 'REFUND';
    expect({ final, charged }).toEqual({
      final: charged ? 'PAID' : expect.not.stringMatching(/^PAID$/),
      charged,
    });
    if (final === 'REVERSED') expect(['REVOKED', 'NONE']).toContain(atWechat);
    const row = await eventually(async () => {
      const now = await stored(orderNo);
      return now.jobs.every((j) => j.done_at !== null) && (final !== 'PAID' || now.fulfilled_at !== null)
        ? now
        : undefined;
    });
    for (const job of row.jobs) expect(JSON.parse(job.payload)).not.toHaveProperty('authCode');
    if (final === 'PAID') {
      await new Promise((settle) => setTimeout(settle, 300));
      expect(service.lines.filter((l) => l === `delivered ${orderNo}`)).toHaveLength(1);
    }
    return { final, atWechat };
  };

  it('killed before the call: the job waiting in the database pays on restart', async () => {
    // The first instance runs no jobs: the order and its job are stored, WeChat is never called.
    const first = await start('off');
    const orderNo = await take(first.url, 'alice', 880);
    await kill(first.service);
    expect(trade(orderNo)).toBeUndefined();
    expect((await stored(orderNo)).state).toBe('NOTPAY');

    const second = await start();
    expect(await settled(second.url, orderNo, second.service)).toEqual({
      final: 'PAID',
      atWechat: 'SUCCESS',
    });
  });

  it('killed while the customer types the password: paid meanwhile → PAID; never answered → REVERSED', async () => {
    await simCall('/users/bob', 'PATCH', { passwordFreeFen: 0 });
    try {
      for (const [action, final, atWechat] of [
        ['pay', 'PAID', 'SUCCESS'],
        [undefined, 'REVERSED', 'REVOKED'],
      ] as const) {
        const first = await start();
        const orderNo = await take(first.url, 'bob', 1_500);
        await eventually(async () => ((await stored(orderNo)).state === 'USERPAYING' ? true : undefined));
        await kill(first.service);
        if (action) await simCall(`/orders/${orderNo}/password`, 'POST', { action });

        const second = await start();
        expect(await settled(second.url, orderNo, second.service)).toEqual({ final, atWechat });
        await kill(second.service);
      }
    } finally {
      await simCall('/users/bob', 'PATCH', { passwordFreeFen: 100_000 });
    }
  }, 60_000);

  it('killed after a lost answer (charged, answer never came): the restart finds the payment', async () => {
    await simCall('/faults', 'PUT', {
      api: [{ api: 'v3.transactions.codepay', kind: 'NO_ANSWER', after: true, times: 1 }],
    });
    const first = await start();
    const orderNo = await take(first.url, 'alice', 770);
    await eventually(async () => (trade(orderNo)?.state === 'SUCCESS' ? true : undefined));
    await kill(first.service);
    expect((await stored(orderNo)).state).not.toBe('PAID');

    const second = await start();
    expect(await settled(second.url, orderNo, second.service)).toEqual({
      final: 'PAID',
      atWechat: 'SUCCESS',
    });
  });

  it('killed during the reverse (done at WeChat, answer lost): the restart reads REVOKED → REVERSED', async () => {
    await simCall('/users/carol', 'PATCH', { passwordFreeFen: 0 });
    await simCall('/faults', 'PUT', {
      api: [{ api: 'v3.transactions.reverse', kind: 'NO_ANSWER', after: true, times: 1 }],
    });
    try {
      const first = await start();
      const orderNo = await take(first.url, 'carol', 50);
      await eventually(async () => (trade(orderNo)?.state === 'REVOKED' ? true : undefined), 10_000);
      await kill(first.service);
      expect((await stored(orderNo)).state).toBe('USERPAYING');

      const second = await start();
      expect(await settled(second.url, orderNo, second.service)).toEqual({
        final: 'REVERSED',
        atWechat: 'REVOKED',
      });
    } finally {
      await simCall('/users/carol', 'PATCH', { passwordFreeFen: 100_000 });
    }
  }, 30_000);
});
