import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgEventBus } from '../../src/adapters/events/index.js';
import type { OrderEvent } from '../../src/domain/index.js';
import { PG_URL, POSTGRES_SKIP_REASON } from '../persistence/test-databases.js';

async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  'PgEventBus: order events across instances via LISTEN/NOTIFY',
  () => {
    // A channel of its own, so test files running side by side never see each other's events.
    const channel = `order_events_test_${randomBytes(4).toString('hex')}`;
    let db: Kysely<unknown>;
    let admin: pg.Client;
    const buses: PgEventBus[] = [];
    const errors: unknown[] = [];

    async function bus(options: { db?: Kysely<unknown> } = {}): Promise<PgEventBus> {
      const created = new PgEventBus({
        connectionString: PG_URL,
        db: options.db ?? db,
        channel,
        reconnectDelayMs: 20,
        onError: (error) => errors.push(error),
      });
      await created.start();
      buses.push(created);
      return created;
    }

    function record(target: PgEventBus, orderNo: string): OrderEvent[] {
      const seen: OrderEvent[] = [];
      target.subscribe(orderNo, (event) => seen.push(event));
      return seen;
    }

    async function listenerPids(target: PgEventBus): Promise<number[]> {
      const { rows } = await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
        [`wechatpay-kit-events:${target.instanceId}`],
      );
      return rows.map((row) => row.pid);
    }

    beforeAll(async () => {
      db = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL }) }),
      });
      admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
    });
    afterAll(async () => {
      for (const b of buses) await b.close();
      await db?.destroy();
      await admin?.end();
    });

    it('an event published on A reaches a subscriber on B, with its state and time', async () => {
      const [a, b] = [await bus(), await bus()];
      const onB = record(b, 'ORDER-1');
      const at = new Date('2026-01-02T03:04:05.678Z');
      a.publish({ orderNo: 'ORDER-1', state: 'PAID', at });
      const [event] = await eventually(() => (onB.length > 0 ? onB : undefined));
      expect(event).toEqual({ orderNo: 'ORDER-1', state: 'PAID', at });
      // Only the order subscribed to is delivered.
      const other = record(b, 'ORDER-OTHER');
      a.publish({ orderNo: 'ORDER-1', state: 'CLOSED', at });
      await eventually(() => (onB.length === 2 ? true : undefined));
      expect(other).toEqual([]);
    });

    it("delivers this instance's own event exactly once (at publish; its NOTIFY echo is dropped)", async () => {
      const [a, b] = [await bus(), await bus()];
      const onA = record(a, 'ORDER-2');
      const onB = record(b, 'ORDER-2');
      a.publish({ orderNo: 'ORDER-2', state: 'NOTPAY', at: new Date() });
      expect(onA.map((e) => e.state)).toEqual(['NOTPAY']);
      await eventually(() => (onB.length > 0 ? true : undefined));
      // B's event commits after A's, and one LISTEN connection receives notifications in commit
      // order: once A has B's event, A's echo of its own has been seen, and dropped, already.
      b.publish({ orderNo: 'ORDER-2', state: 'PAID', at: new Date() });
      await eventually(() => (onA.length >= 2 ? true : undefined));
      expect(onA.map((e) => e.state)).toEqual(['NOTPAY', 'PAID']);
      expect(onB.map((e) => e.state)).toEqual(['NOTPAY', 'PAID']);
    });

    it('events published together leave in few round trips, in order, each exactly once', async () => {
      // A pool whose every query is counted: each one is a round trip the publisher waits for.
      let notifyQueries = 0;
      const pool = new pg.Pool({ connectionString: PG_URL });
      pool.on('connect', (client) => {
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as { query: unknown }).query = (...args: unknown[]) => {
          if (/pg_notify/.test(JSON.stringify(args[0]))) notifyQueries++;
          return query(...args);
        };
      });
      const counted = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      try {
        const [a, b] = [await bus({ db: counted }), await bus()];
        const onB: OrderEvent[] = [];
        b.subscribeAll((event) => onB.push(event));
        const states = ['NOTPAY', 'PAID', 'REFUNDING', 'REFUNDED'] as const;
        const published = Array.from({ length: 200 }, (_, i) => ({
          orderNo: `ORDER-BATCH-${i % 7}`,
          state: states[i % states.length]!,
          at: new Date(Date.UTC(2026, 0, 1) + i),
        }));
        for (const event of published) a.publish(event);
        await eventually(() => (onB.length >= published.length ? true : undefined));
        expect(onB).toEqual(published);
        // The first event leaves at once, the 199 published meanwhile as the next batch.
        expect(notifyQueries).toBeGreaterThan(0);
        expect(notifyQueries).toBeLessThanOrEqual(2);
      } finally {
        await counted.destroy();
      }
    });

    it('close() releases the LISTEN connection', async () => {
      const a = await bus();
      expect(await listenerPids(a)).toHaveLength(1);
      await a.close();
      expect(a.listening).toBe(false);
      await eventually(async () => ((await listenerPids(a)).length === 0 ? true : undefined));
    });

    it('reconnects after the listener connection is killed, and receives again', async () => {
      const [a, b] = [await bus(), await bus()];
      const [pid] = await listenerPids(b);
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await eventually(async () => {
        const pids = await listenerPids(b);
        return pids.length === 1 && pids[0] !== pid && b.listening ? true : undefined;
      });
      const onB = record(b, 'ORDER-3');
      a.publish({ orderNo: 'ORDER-3', state: 'PAID', at: new Date() });
      await eventually(() => (onB.length > 0 ? true : undefined));
      expect(onB.map((e) => e.state)).toEqual(['PAID']);
    });

    it('ignores a malformed notification (reported) and keeps delivering', async () => {
      const a = await bus();
      const onA = record(a, 'ORDER-4');
      const errorsBefore = errors.length;
      await admin.query('SELECT pg_notify($1, $2)', [channel, 'not json']);
      await admin.query('SELECT pg_notify($1, $2)', [
        channel,
        JSON.stringify({ orderNo: 'ORDER-4', at: 'x' }),
      ]);
      await admin.query('SELECT pg_notify($1, $2)', [
        channel,
        JSON.stringify({
          orderNo: 'ORDER-4',
          state: 'PAID',
          at: new Date().toISOString(),
          source: 'elsewhere',
        }),
      ]);
      await eventually(() => (onA.length > 0 ? true : undefined));
      expect(onA.map((e) => e.state)).toEqual(['PAID']);
      expect(errors.length).toBeGreaterThanOrEqual(errorsBefore + 2);
    });

    it('still delivers locally when the NOTIFY cannot be sent, and reports the failure', async () => {
      // The publishing pool points at a port nothing listens on; the LISTEN connection is fine.
      const brokenDb = new Kysely<unknown>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }),
        }),
      });
      const a = await bus({ db: brokenDb });
      const onA = record(a, 'ORDER-5');
      const errorsBefore = errors.length;
      a.publish({ orderNo: 'ORDER-5', state: 'CLOSED', at: new Date() });
      expect(onA.map((e) => e.state)).toEqual(['CLOSED']);
      await eventually(() => (errors.length > errorsBefore ? true : undefined));
      await a.close();
      await brokenDb.destroy();
    });

    it('close() returns when PostgreSQL stops answering, and reports the NOTIFY it dropped', async () => {
      // A server that accepts connections and never says a word: the NOTIFY hangs in its connect.
      const sockets: Socket[] = [];
      const silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      const hungDb = new Kysely<unknown>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` }),
        }),
      });
      const seen: unknown[] = [];
      const a = new PgEventBus({
        connectionString: PG_URL,
        db: hungDb,
        channel,
        closeTimeoutMs: 200,
        onError: (error) => seen.push(error),
      });
      await a.start();
      const onA = record(a, 'ORDER-6');
      a.publish({ orderNo: 'ORDER-6', state: 'PAID', at: new Date() });
      await eventually(() => (sockets.length > 0 ? true : undefined));

      await a.close();

      expect(a.listening).toBe(false);
      expect(onA.map((e) => e.state)).toEqual(['PAID']);
      expect(seen.map(String)).toContainEqual(expect.stringMatching(/close gave up after 200 ms/));
      await eventually(async () => ((await listenerPids(a)).length === 0 ? true : undefined));
      for (const socket of sockets) socket.destroy();
      silent.close();
      await hungDb.destroy();
    });
  },
);
