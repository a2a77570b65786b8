import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { PgEventBus } from '../../src/adapters/events/index.js';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import { PG_URL, POSTGRES_SKIP_REASON } from '../persistence/test-databases.js';

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  'the service logs what goes wrong with its PostgreSQL event bus',
  () => {
    const schema = `events_${randomBytes(6).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-service-events-'));
    const warnings: Array<{ data: object; message: string }> = [];
    const logger = {
      info() {},
      warn: (data: object, message: string) => warnings.push({ data, message }),
      error: (data: object, message: string) => warnings.push({ data, message }),
    };
    let simulator: RunningSimulator;
    let service: ServiceApp;
    let admin: pg.Client;

    beforeAll(async () => {
      simulator = await startSimulator({ port: 0, host: '127.0.0.1', dataDir: join(dataDir, 'sim') });
      const config = validateServiceConfig({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        databaseUrl: PG_URL,
        publicUrl: 'http://127.0.0.1:1',
        adminToken: 'events-test-admin-token-0000000000',
        orderTtlMinutes: 15,
        logger: false,
        wechat: simulatorCredentials(simulator.merchant),
      });
      service = await createServiceApp(config, { databaseSchema: schema, logger });
      admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
    });
    afterAll(async () => {
      await service?.stop();
      await simulator?.stop();
      await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin?.end();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('a killed LISTEN connection is logged as a warning, and the bus listens again', async () => {
      const bus = service.events;
      if (!(bus instanceof PgEventBus)) throw new Error('expected the PostgreSQL event bus');
      const listenerPid = async () => {
        const { rows } = await admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
          [`wechatpay-kit-events:${bus.instanceId}`],
        );
        return rows[0]?.pid;
      };
      const killed = await listenerPid();
      expect(killed).toBeDefined();
      expect(warnings).toEqual([]);

      await admin.query('SELECT pg_terminate_backend($1)', [killed]);

      await waitFor(async () => bus.listening && ((await listenerPid()) ?? killed) !== killed);
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings[0]?.message).toMatch(/order events: PostgreSQL LISTEN\/NOTIFY problem/);
      expect(JSON.stringify(warnings[0]?.data)).toMatch(/terminat/i);
    });
  },
);

async function waitFor(condition: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
