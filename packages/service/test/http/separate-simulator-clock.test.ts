/**
 * `wxpay start` against a `wxpay sim` of its own: the service keeps real time while the simulator's
 * clock is moved. WeChat checks and signs timestamps on real time, so neither the service's requests
 * nor the simulator's notifications may go stale because the simulated clock jumped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { simulatorCredentials } from '../../src/demo-launcher.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import { eventually, json } from './demo-harness.js';

type OrderBody = { orderNo: string; state: string; codeUrl?: string };

/** The notify URL must name the service's port before it listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// About clocks, not storage: SQLite only (the engines are covered by every other HTTP suite).
describe('a service on real time against a simulator whose clock moved', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-service-real-clock-'));
  let simulator: RunningSimulator;
  let service: ServiceApp;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
    const port = await freePort();
    const config = validateServiceConfig({
      port,
      host: '127.0.0.1',
      dataDir,
      publicUrl: `http://127.0.0.1:${port}`,
      adminToken: 'real-clock-admin-token-00000000000',
      orderTtlMinutes: 60,
      logger: false,
      wechat: { ...simulatorCredentials(simulator.merchant), apiVersion: 'v3' },
    });
    // No clock option: the service runs on the machine's clock, as when started on its own.
    service = await createServiceApp(config);
    await service.start();
  });
  afterAll(async () => {
    await service?.stop();
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('orders, and accepts the payment notification, after the simulated clock jumped 30 minutes', async () => {
    simulator.ctx.clock.advance(30 * 60_000);
    const created = await json<OrderBody>(`${service.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' }),
    });
    expect(created.status).toBe(201);
    const trade = simulator.ctx.trades.lookup(created.body.codeUrl!)!;
    simulator.ctx.trades.pay(trade, 'alice');
    await eventually(async () => {
      const order = await json<OrderBody>(`${service.url}/api/orders/${created.body.orderNo}`);
      return order.body.state === 'PAID' ? order : undefined;
    });
    const [notification] = simulator.ctx.notifier.list({ outTradeNo: trade.outTradeNo });
    expect(notification).toMatchObject({ status: 'delivered' });
  });
});
