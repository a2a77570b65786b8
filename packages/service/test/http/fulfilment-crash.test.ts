import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWebhook } from '@wechatpay-kit/sdk/webhooks';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/adapters/persistence/index.js';
import { eventually, json, PG_URL } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';
import { freePort, ServiceProcess } from './support/service-process.js';

const CHILD = fileURLToPath(new URL('./support/fulfilment-child.mjs', import.meta.url));

describeOnEngines(
  'a paid order is delivered, and its webhook sent, after the process dies between PAID and its delivery',
  (engine) => {
    let sim: RunningSimulator;
    let dataDir: string;
    let setupPath: string;
    // The merchant's ERP: refuses (503) until told to answer, and records what it acknowledged.
    const secret = `whsec_${randomBytes(18).toString('hex')}`;
    const erp = { answer: 503, acknowledged: [] as string[], refused: 0 };
    let receiver: Server;
    const schema = engine === 'postgres' ? `crash_${randomBytes(6).toString('hex')}` : undefined;
    const open = (): Promise<Database> =>
      engine === 'postgres' ? openDatabase({ url: PG_URL, schema }) : openDatabase({ dataDir });

    beforeAll(async () => {
      sim = await startSimulator({ port: 0 });
      receiver = createHttpServer(async (request, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const event = parseWebhook(request.headers, Buffer.concat(chunks), secret);
        if (erp.answer === 204) erp.acknowledged.push(event.id);
        else erp.refused++;
        response.writeHead(erp.answer).end();
      });
      await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
      const { port: erpPort } = receiver.address() as { port: number };
      dataDir = mkdtempSync(join(tmpdir(), 'wxpay-fulfil-crash-'));
      setupPath = join(dataDir, 'setup.json');
      writeFileSync(
        setupPath,
        JSON.stringify({
          port: await freePort(),
          dataDir,
          databaseUrl: engine === 'postgres' ? PG_URL : undefined,
          schema,
          adminToken: randomBytes(16).toString('hex'),
          merchant: sim.merchant,
          fulfilmentRetryMs: 1_000,
          webhookUrl: `http://127.0.0.1:${erpPort}/hooks`,
          webhookSecret: secret,
        }),
      );
    });
    afterAll(async () => {
      await new Promise((closed) => receiver?.close(closed));
      await sim?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
      }
    });

    it('kill -9 while the hook runs; the restarted service runs it from the job written with PAID', async () => {
      const first = new ServiceProcess(CHILD, [setupPath, 'hang']);
      const url = (await first.line('listening ')).slice('listening '.length);
      const created = await json<{ orderNo: string; codeUrl: string }>(`${url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' }),
      });
      expect(created.status).toBe(201);
      const { orderNo, codeUrl } = created.body;
      sim.ctx.trades.pay(sim.ctx.trades.lookup(codeUrl)!, 'alice');
      await first.line(`fulfilling ${orderNo}`);
      // The order.paid webhook was written with PAID and tried once; the ERP refused it, and the
      // outbox holds it for a retry when the process dies.
      const eventId = `evt_order_paid_${orderNo}`;
      const adminHeaders = {
        Authorization: `Bearer ${JSON.parse(readFileSync(setupPath, 'utf8')).adminToken}`,
      };
      const delivery = () =>
        json<{ status: string; attempts: number }>(
          `${url}/api/admin/webhooks/deliveries/${encodeURIComponent(`${eventId}|erp`)}`,
          { headers: adminHeaders },
        );
      await eventually(async () => ((await delivery()).body.attempts > 0 ? true : undefined));
      expect(erp.refused).toBeGreaterThan(0);
      await first.kill('SIGKILL');

      const database = await open();
      try {
        const order = await database.db
          .selectFrom('orders')
          .select(['state', 'fulfilled_at'])
          .where('order_no', '=', orderNo)
          .executeTakeFirstOrThrow();
        expect(order).toEqual({ state: 'PAID', fulfilled_at: null });
      } finally {
        await database.close();
      }

      const second = new ServiceProcess(CHILD, [setupPath, 'deliver']);
      try {
        await second.line('listening ');
        await second.line(`delivered ${orderNo}`);
        const { body } = await json<{ state: string }>(`${url}/api/orders/${orderNo}`);
        expect(body.state).toBe('PAID');
        const after = await open();
        try {
          const row = await after.db
            .selectFrom('orders')
            .select('fulfilled_at')
            .where('order_no', '=', orderNo)
            .executeTakeFirstOrThrow();
          expect(row.fulfilled_at).not.toBeNull();
          const jobs = await after.db
            .selectFrom('jobs')
            .select('done_at')
            .where('type', '=', 'fulfil')
            .where('key', '=', orderNo)
            .execute();
          expect(jobs).toHaveLength(1);
          expect(jobs[0]!.done_at).not.toBeNull();
        } finally {
          await after.close();
        }
        expect(second.lines.filter((l) => l === `delivered ${orderNo}`)).toHaveLength(1);

        // The ERP is back: the same event, from the outbox the dead process left, acknowledged once.
        erp.answer = 204;
        await eventually(async () => (erp.acknowledged.includes(eventId) ? true : undefined), 15_000);
        const log = await eventually(async () => {
          const answer = await delivery();
          return answer.body.status === 'delivered' ? answer : undefined;
        });
        expect(log.body.attempts).toBeGreaterThanOrEqual(2);
        await new Promise((settle) => setTimeout(settle, 1_000));
        expect(erp.acknowledged.filter((id) => id === eventId)).toHaveLength(1);
      } finally {
        await second.kill('SIGTERM');
      }
    });
  },
);
