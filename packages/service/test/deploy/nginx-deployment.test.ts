import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReasonFor } from '../../../../test-support/required-service.js';
import { eventually, PG_URL, postgresSkipReason } from '../http/demo-harness.js';
import { freePort, ServiceProcess } from '../http/support/service-process.js';
import { DEPLOY_FILES, REPO_ROOT, render, renderNginxSite, unitInstance } from './support/deploy-files.js';
import { type EventWatcher, HttpsClient } from './support/https-client.js';
import { findExecutable, NginxServer } from './support/nginx-server.js';

/**
 * The deployment files of deploy/ run for real: Debian's nginx with deploy/nginx/wechatpay-kit.conf
 * (only its ports, upstream addresses and paths moved) in front of two instances started exactly as
 * deploy/systemd/wechatpay-kit@.service starts them — its ExecStart, folder and environment, the
 * environment file being the shipped example filled in with the simulator's merchant — on one
 * throw-away PostgreSQL database. The simulator runs as `wxpay sim` and calls the notify URL the
 * service gives WeChat: nginx's HTTPS address.
 */

const nginxBinary = findExecutable('nginx');
const opensslBinary = findExecutable('openssl');
const nginxSkip = skipReasonFor(
  'nginx',
  nginxBinary === undefined
    ? 'not found on PATH or in /usr/sbin (apt-get install nginx)'
    : opensslBinary === undefined
      ? 'openssl, which makes the test certificate, is not on PATH'
      : undefined,
);
const pgSkip = await postgresSkipReason();
const systemdAnalyze = findExecutable('systemd-analyze');

const CLI = join(REPO_ROOT, 'packages/cli/dist/main.js');
const SHUTDOWN_DELAY_MS = 400;

type Order = { orderNo: string; state: string; codeUrl?: string };

describe.skipIf(nginxSkip !== undefined || pgSkip !== undefined)('nginx in front of two instances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-deploy-'));
  const database = `wxpay_deploy_${randomBytes(5).toString('hex')}`;
  const adminToken = randomBytes(20).toString('hex');
  let certificate: string;
  let nginx: NginxServer;
  let nginxCheck: { status: number | null; output: string };
  let simulator: ServiceProcess;
  let simUrl: string;
  let unitText: string;
  let unitPath: string;
  const instances = new Map<number, ServiceProcess>();
  let ports: { https: number; http: number; a: number; b: number };
  let client: HttpsClient;
  let databaseUrl: string;
  const accessLog = join(dir, 'nginx', 'logs', 'access.log');

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    ports = { https: await freePort(), http: await freePort(), a: await freePort(), b: await freePort() };
    const key = join(dir, 'tls.key');
    const cert = join(dir, 'tls.crt');
    const made = spawnSync(opensslBinary!, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
    certificate = readFileSync(cert, 'utf8');
    client = new HttpsClient(ports.https, certificate);

    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`).finally(() => admin.end());
    const url = new URL(PG_URL);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();

    // WeChat's side: trusts the certificate nginx shows, as WeChat trusts a real one.
    simulator = new ServiceProcess(CLI, ['sim', '--port', '0', '--data-dir', join(dir, 'sim')], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
    });
    simUrl = (await simulator.line('WeChat Pay simulator listening on ')).split(' on ')[1]!;

    // The operator's environment file: the shipped example, the merchant's values, this database.
    const envFile = join(dir, 'wechatpay-kit.env');
    writeFileSync(
      envFile,
      [
        readFileSync(DEPLOY_FILES.envExample, 'utf8'),
        readFileSync(join(dir, 'sim', 'merchant', 'service.env'), 'utf8'),
        `DATABASE_URL=${databaseUrl}`,
        `PUBLIC_URL=${client.origin}`,
        `ADMIN_TOKEN=${adminToken}`,
        `SESSION_SECRET=${randomBytes(24).toString('hex')}`,
        `SHUTDOWN_DELAY_MS=${SHUTDOWN_DELAY_MS}`,
      ].join('\n'),
    );
    unitText = render(DEPLOY_FILES.systemdUnit, [
      ['/opt/wechatpay-kit', REPO_ROOT.replace(/\/$/, '')],
      ['/usr/bin/node', process.execPath],
      ['/etc/wechatpay-kit/wechatpay-kit.env', envFile],
      ['/var/lib/wechatpay-kit', join(dir, 'state')],
    ]);
    mkdirSync(join(dir, 'units'));
    unitPath = join(dir, 'units', 'wechatpay-kit@.service');
    writeFileSync(unitPath, unitText);
    await Promise.all([ports.a, ports.b].map((port) => startInstance(port)));

    nginx = new NginxServer(
      nginxBinary!,
      join(dir, 'nginx'),
      renderNginxSite({
        httpsPort: ports.https,
        httpPort: ports.http,
        upstreamPorts: [ports.a, ports.b],
        certificate: cert,
        key,
        accessLog,
      }),
    );
    nginxCheck = nginx.check();
    await nginx.start(ports.https);
  }, 40_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const instance of instances.values()) await instance.kill('SIGTERM');
    await simulator?.kill('SIGTERM');
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => admin.end());
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** One instance as systemd starts `wechatpay-kit@<port>`: the unit's command, folder and environment. */
  async function startInstance(port: number): Promise<void> {
    const unit = unitInstance(unitText, String(port));
    const [script, ...args] = unit.args;
    const instance = new ServiceProcess(script!, args, {
      command: unit.command,
      env: unit.env,
      cwd: unit.cwd,
    });
    instances.set(port, instance);
    await instance.line('payment service for merchant');
  }

  const sim = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${simUrl}/_sim${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    if (!res.ok) throw new Error(`simulator ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const createOrder = async (options: { localAddress?: string; headers?: Record<string, string> } = {}) => {
    const answer = await client.call('/api/orders', {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
      ...options,
    });
    expect(answer.status, answer.text).toBe(201);
    return JSON.parse(answer.text) as Order;
  };

  /** An order placed on one instance directly, so that nginx is not asked anything meanwhile. */
  const createOrderAt = async (port: number): Promise<Order> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Order;
  };

  const watchOrder = async (orderNo: string): Promise<EventWatcher> => {
    const watcher = await client.watch(`/api/orders/${orderNo}/events`);
    expect(watcher.status).toBe(200);
    return watcher;
  };

  /** How many requests for `path` each instance logged (pino's "incoming request" line names the URL). */
  const served = (path: string) =>
    [...instances.values()].map((i) => i.lines.filter((l) => l.includes(`"url":"${path}"`)).length);
  /** `served(path)` once the instances' log lines add up to `total` (they reach us a little after the answers). */
  const servedInAll = (path: string, total: number) =>
    eventually(async () => {
      const counts = served(path);
      return counts.reduce((a, b) => a + b) >= total ? counts : undefined;
    });

  it('passes nginx -t with its ports and paths moved to the test’s', () => {
    expect(nginxCheck.output).toMatch(/test is successful/);
    expect(nginxCheck.status).toBe(0);
  });

  it.skipIf(systemdAnalyze === undefined)(
    'passes systemd-analyze verify, for the template and an instance',
    () => {
      for (const name of [unitPath, join(dir, 'units', `wechatpay-kit@${ports.a}.service`)]) {
        const result = spawnSync(systemdAnalyze!, ['verify', name], { encoding: 'utf8' });
        expect(`${result.stdout}${result.stderr}`).toBe('');
        expect(result.status).toBe(0);
      }
    },
  );

  it('an order paid at WeChat: the notification comes back through nginx, is ACKed, and the streams see PAID', async () => {
    const order = await createOrder();
    const live = await client.watch('/api/admin/events', { Authorization: `Bearer ${adminToken}` });
    expect(live.status).toBe(200);
    const watcher = await watchOrder(order.orderNo);
    // The first event is in while the stream is open: nothing between the browser and the
    // instance holds it back (a buffering proxy would send it only with the end of the stream).
    await watcher.state('NOTPAY');
    expect(watcher.ended).toBe(false);

    await sim(`/orders/${order.orderNo}/pay`, { user: 'alice' });
    await watcher.state('PAID');
    expect(watcher.states).toEqual(['NOTPAY', 'PAID']);
    // The back office's stream never ends by itself: its event can only have come through unbuffered.
    await live.state('PAID', order.orderNo);
    expect(live.ended).toBe(false);
    live.close();

    type Notification = { status: string; url: string; attempts: Array<{ acked: boolean }> };
    const [record] = await eventually(async () => {
      const list = await sim<Notification[]>(`/notifications?outTradeNo=${order.orderNo}`);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    expect(record!.url).toBe(`${client.origin}/api/notify/v3`);
    expect(record!.attempts.at(-1)?.acked).toBe(true);
    await servedInAll('/api/notify/v3', 1);
    const state = await client.call(`/api/orders/${order.orderNo}`);
    expect(JSON.parse(state.text)).toMatchObject({ state: 'PAID' });
  });

  it('takes the client address from nginx, never from an X-Forwarded-For the client sent', async () => {
    const order = await createOrder({
      localAddress: '127.0.0.2',
      headers: { 'X-Forwarded-For': '203.0.113.7' },
    });
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const { rows } = await db
      .query('select client_ip from orders where order_no = $1', [order.orderNo])
      .finally(() => db.end());
    expect(rows[0]?.client_ip).toBe('127.0.0.2');
  });

  it('spreads requests over both instances', async () => {
    for (let i = 0; i < 8; i++) expect((await client.call('/health/live')).status).toBe(200);
    const counts = await servedInAll('/health/live', 8);
    expect(counts.reduce((a, b) => a + b)).toBe(8);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('answers a body over 64 KiB itself, in the service’s error format', async () => {
    const answer = await client.call('/api/orders', {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', note: 'x'.repeat(70_000) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'BODY_TOO_LARGE' });
    // nginx's log line for it names no upstream: no instance was asked.
    const refused = await eventually(async () =>
      readFileSync(accessLog, 'utf8')
        .split('\n')
        .find((line) => line.includes('"POST /api/orders HTTP/1.1" 413 ')),
    );
    expect(refused).toMatch(/ upstream=- /);
  });

  it('redirects plain HTTP to HTTPS and keeps /metrics off the public address', async () => {
    const redirect = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: ports.http, path: '/api/products' }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      })
        .on('error', reject)
        .end();
    });
    expect(redirect).toEqual({ status: 301, location: 'https://127.0.0.1/api/products' });
    expect((await client.call('/metrics')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${ports.a}/metrics`)).status).toBe(200);
  });

  it('a notification an instance cannot answer in time is answered by the other, inside WeChat’s 5 s', async () => {
    type Notification = { status: string; attempts: Array<{ acked: boolean }> };
    const frozen = instances.get(ports.a)!;
    const retried = `upstream=127.0.0.1:${ports.a}, 127.0.0.1:${ports.b} us=504, 204 `;
    const retriedLine = () =>
      readFileSync(accessLog, 'utf8')
        .split('\n')
        .find((line) => line.includes('"POST /api/notify/v3 HTTP/1.1" 204 ') && line.includes(retried));
    // A hung instance: it holds its connections, answers nothing. Nothing but notifications is sent
    // meanwhile; least_conn takes turns, so within two payments one goes to the hung instance first.
    frozen.signal('SIGSTOP');
    try {
      for (let i = 0; i < 3 && !retriedLine(); i++) {
        const order = await createOrderAt(ports.b);
        await sim(`/orders/${order.orderNo}/pay`, { user: 'alice' });
        const [record] = await eventually(async () => {
          const list = await sim<Notification[]>(`/notifications?outTradeNo=${order.orderNo}`);
          return list[0]?.status === 'delivered' ? list : undefined;
        }, 8_000);
        // Answered within the attempt WeChat made: no resend was needed.
        expect(record!.attempts).toHaveLength(1);
        expect(record!.attempts[0]?.acked).toBe(true);
      }
      expect(retriedLine(), readFileSync(accessLog, 'utf8')).toBeDefined();
    } finally {
      frozen.signal('SIGCONT');
    }
    // nginx takes the instance back once its fail_timeout (10 s) is over and a request reaches it.
    const before = served('/health/live')[0]!;
    await eventually(async () => {
      await client.call('/health/live');
      return served('/health/live')[0]! > before ? true : undefined;
    }, 15_000);
  }, 30_000);

  it('keeps serving while one instance stops on SIGTERM: its streams move, its requests go to the other', async () => {
    const order = await createOrder();
    // least_conn puts the second stream on the instance without one.
    const watchers = [await watchOrder(order.orderNo), await watchOrder(order.orderNo)];
    for (const watcher of watchers) await watcher.state('NOTPAY');

    const stopping = instances.get(ports.a)!;
    const exited = stopping.kill('SIGTERM');
    // Readiness drops at once, while the instance still serves through the delay.
    await eventually(async () => {
      const ready = await fetch(`http://127.0.0.1:${ports.a}/health/ready`);
      return ready.status === 503 ? true : undefined;
    });
    const statuses: number[] = [];
    let gone = false;
    const polling = (async () => {
      for (let after = 0; !gone || after++ < 10; ) {
        statuses.push((await client.call(`/api/orders/${order.orderNo}`)).status);
        await new Promise((wait) => setTimeout(wait, 20));
      }
    })();
    expect(await exited).toBe(0);
    gone = true;
    await polling;
    instances.delete(ports.a);
    expect(stopping.lines).toContain('stopped (SIGTERM)');
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    // The stream the stopped instance held ended with the reconnect hint; the other stays open.
    const [handedOver, kept] = watchers[0]!.ended ? watchers : [watchers[1]!, watchers[0]!];
    await handedOver!.until('the end of the stream', (w) => w.ended);
    expect(handedOver!.raw).toMatch(/: this instance is shutting down; reconnect\nretry: 1000\n\n$/);
    expect(kept!.ended).toBe(false);
    const reconnected = await watchOrder(order.orderNo);
    await reconnected.state('NOTPAY');

    await sim(`/orders/${order.orderNo}/pay`, { user: 'bob' });
    await Promise.all([kept!.state('PAID'), reconnected.state('PAID')]);
    for (let i = 0; i < 3; i++) await createOrder();
  });
});
