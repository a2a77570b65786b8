import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

type Ready = { status: string; checks: Record<string, string>; failed: string[] };

describeOnEngines('liveness and readiness', (engine) => {
  let demo: TestDemo;
  useTestDemo(engine, (d) => {
    demo = d;
  });

  it('/health/live answers without asking anything', async () => {
    const live = await json(`${demo.url}/health/live`);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/health/ready is 200 with every check passed, and /health still answers as before', async () => {
    const ready = await json<Ready>(`${demo.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { database: 'up', migrations: 'applied', shutdown: 'no' },
      failed: [],
    });
    expect(await json(`${demo.url}/health`)).toMatchObject({
      status: 200,
      body: { status: 'ok', database: 'up' },
    });
  });

  it('/health/ready is 503 naming the migrations when a known migration is not recorded', async () => {
    const { db } = demo.service.database;
    const table = sql.table('kysely_migration');
    const { rows } = await sql<{
      name: string;
      timestamp: string;
    }>`select name, timestamp from ${table} where name = ${'0014-admin-users'}`.execute(db);
    expect(rows).toHaveLength(1);
    await sql`delete from ${table} where name = ${'0014-admin-users'}`.execute(db);
    try {
      const ready = await json<Ready>(`${demo.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', failed: ['migrations'] });
      expect(ready.body.checks).toMatchObject({ database: 'up', migrations: 'missing' });
      // Liveness does not care: restarting the process would not bring the migration back.
      expect((await json(`${demo.url}/health/live`)).status).toBe(200);
    } finally {
      const row = rows[0]!;
      await sql`insert into ${table} (name, timestamp) values (${row.name}, ${row.timestamp})`.execute(db);
    }
    expect((await json(`${demo.url}/health/ready`)).status).toBe(200);
  });
});
