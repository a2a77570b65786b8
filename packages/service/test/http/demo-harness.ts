import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { skipReasonFor } from '../../../../test-support/required-service.js';
import { type DemoOptions, type RunningDemo, startDemo } from '../../../cli/src/demo/demo-launcher.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why the PostgreSQL variants are skipped (the server cannot be reached), or `undefined` to run them; throws under CI. */
export async function postgresSkipReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return skipReasonFor('PostgreSQL', `unreachable at ${PG_URL}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why the Redis variants are skipped (the server does not answer PING), or `undefined` to run them. */
export async function redisSkipReason(): Promise<string | undefined> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0 });
  let cause: Error | undefined;
  redis.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return skipReasonFor('Redis', `unreachable at ${REDIS_URL}: ${(cause ?? (error as Error)).message}`);
  } finally {
    redis.disconnect();
  }
}

export type TestEngine = 'sqlite' | 'postgres';

/** A running demo from {@link startTestDemo}. */
export type TestDemo = Awaited<ReturnType<typeof startTestDemo>>;

/**
 * The real service and simulator in-process, on free ports, with a throw-away database: SQLite in a
 * temp dir, or a fresh PostgreSQL schema dropped afterwards.
 */
export async function startTestDemo(
  engine: TestEngine = 'sqlite',
  options: Pick<
    DemoOptions,
    | 'apiVersion'
    | 'tokenCache'
    | 'redisUrl'
    | 'redisPrefix'
    | 'limits'
    | 'metricsToken'
    | 'trustProxy'
    | 'prepayDeadlineMs'
    | 'webhooks'
    | 'merchantApiKeys'
    | 'webhookStore'
    | 'pos'
  > = {},
): Promise<RunningDemo & { url: string; schema?: string; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-service-http-'));
  const schema = engine === 'postgres' ? `http_${randomBytes(6).toString('hex')}` : undefined;
  const demo = await startDemo({
    port: 0,
    simPort: 0,
    dataDir,
    databaseUrl: schema ? PG_URL : undefined,
    databaseSchema: schema,
    print: () => {},
    ...options,
  });
  return {
    ...demo,
    url: demo.service.url,
    schema,
    async cleanup() {
      await demo.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
      }
    },
  };
}

/**
 * Reads an SSE stream with a raw HTTP request (no EventSource polyfill) until `until` matches an
 * event, or the server ends the stream. Resolves with every `data:` payload seen.
 */
export function readEvents(
  url: string,
  until: (data: { state: string }) => boolean,
  onOpen?: () => void,
): Promise<{ states: string[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const states: string[] = [];
    const req = request(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block
            .split('\n')
            .find((line) => line.startsWith('data: '))
            ?.slice(6);
          if (data) {
            const event = JSON.parse(data) as { state: string };
            states.push(event.state);
            if (!opened) {
              opened = true;
              onOpen?.();
            }
            if (until(event)) {
              req.destroy();
              return resolve({ states, ended: false });
            }
          }
          cut = buffer.indexOf('\n\n');
        }
      });
      res.on('end', () => resolve({ states, ended: true }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function json<T = Record<string, unknown>>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, {
    ...init,
    headers: { ...(init?.body ? { 'Content-Type': 'application/json' } : {}), ...(init?.headers ?? {}) },
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

/** Waits until `check` passes (notifications arrive asynchronously); fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
