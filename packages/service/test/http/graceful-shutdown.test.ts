import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../src/service-app.js';
import { json, PG_URL, type TestEngine } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';

type Ready = { status: string; checks: Record<string, string>; failed: string[] };

/** Reads an SSE stream's raw text until the server ends it; `onFirstData` once the first event is in. */
function readRawStream(url: string, onFirstData: () => void): Promise<{ text: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let text = '';
      let told = false;
      res.on('data', (chunk: string) => {
        text += chunk;
        if (!told && text.includes('data: ')) {
          told = true;
          onFirstData();
        }
      });
      res.on('end', () => resolve({ text, ended: true }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describeOnEngines('graceful shutdown', (engine: TestEngine) => {
  let simulator: RunningSimulator;
  let service: ServiceApp | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-ops-shutdown-'));
  const schema = engine === 'postgres' ? `shutdown_${randomBytes(6).toString('hex')}` : undefined;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  afterAll(async () => {
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
    }
  });

  async function create(options: ServiceAppOptions = {}, port = 0): Promise<ServiceApp> {
    const config = validateServiceConfig({
      port,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: schema ? PG_URL : undefined,
      publicUrl: 'http://127.0.0.1:1',
      adminToken: randomBytes(24).toString('hex'),
      orderTtlMinutes: 15,
      logger: false,
      wechat: simulatorCredentials(simulator.merchant),
    });
    service = await createServiceApp(config, { databaseSchema: schema, ...options });
    return service;
  }

  async function start(options: ServiceAppOptions = {}): Promise<ServiceApp> {
    const app = await create(options);
    await app.start();
    return app;
  }

  it('readiness answers 503 naming the shutdown as soon as stop() begins; liveness still answers', async () => {
    const app = await start({ shutdownDelayMs: 400 });
    expect((await json(`${app.url}/health/ready`)).status).toBe(200);
    const stopping = app.stop();
    const ready = await json<Ready>(`${app.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', failed: ['shutdown'] });
    expect(ready.body.checks).toMatchObject({
      database: 'up',
      migrations: 'applied',
      shutdown: 'in-progress',
    });
    expect((await json(`${app.url}/health/live`)).status).toBe(200);
    await stopping;
    await expect(fetch(`${app.url}/health/live`)).rejects.toThrow();
  });

  it('an SSE client sees its stream end with a retry: hint to reconnect elsewhere', async () => {
    const app = await start();
    const created = await json<{ orderNo: string }>(`${app.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    expect(created.status).toBe(201);
    let stopping: Promise<void> | undefined;
    const stream = await readRawStream(`${app.url}/api/orders/${created.body.orderNo}/events`, () => {
      stopping = app.stop();
    });
    await stopping;
    expect(stream.ended).toBe(true);
    const blocks = stream.text.split('\n\n').filter(Boolean);
    expect(blocks[0]).toBe('retry: 2000');
    expect(blocks[1]).toContain('"state":"NOTPAY"');
    // The last block: a short reconnect delay, and no event, so the browser simply reconnects.
    expect(blocks.at(-1)).toMatch(/^: this instance is shutting down; reconnect\nretry: 1000$/);
  });

  it('a request in flight when stop() begins is answered, not cut off', async () => {
    const app = await start();
    const body = JSON.stringify({ id: 'x'.repeat(64) });
    const { port } = new URL(app.url);
    let stopping: Promise<void> | undefined;
    const answered = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/notify/v3',
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      // The request is on the wire, its body half sent, when shutdown begins.
      setTimeout(() => {
        stopping = app.stop();
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 100);
    });
    await stopping;
    // WeChat's failure format for an unsigned body (4xx), but an answer: the connection was not dropped.
    expect(answered).toBeGreaterThanOrEqual(400);
    expect(answered).toBeLessThan(500);
  });

  it('a request still unfinished when the grace period ends is cut, and stop() does not wait longer', async () => {
    const app = await start({ shutdownGraceMs: 300 });
    const { port } = new URL(app.url);
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/api/notify/v3',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': 1000 },
    });
    const outcome = new Promise<string>((resolve) => {
      req.on('error', (error) => resolve(error.message));
      req.on('response', () => resolve('answered'));
    });
    req.write('{"id":');
    await new Promise((wait) => setTimeout(wait, 100));
    const begun = Date.now();
    await app.stop();
    expect(Date.now() - begun).toBeLessThan(3_000);
    expect(await outcome).toMatch(/socket hang up|ECONNRESET/);
  });

  it('stop() after a start that failed (port taken) still closes everything, at once', async () => {
    const taken = await start();
    const port = Number(new URL(taken.url).port);
    const second = await create({}, port);
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const begun = Date.now();
    await second.stop();
    expect(Date.now() - begun).toBeLessThan(1_000);
    await taken.stop();
  });
});
