import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { validateServiceConfig, type WechatCredentials } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import { eventually, json } from './demo-harness.js';

type OrderBody = { orderNo: string; state: string; codeUrl?: string; error?: string; message?: string };

const V3_ONLY = ['apiV3Key', 'serialNo', 'publicKeyId', 'publicKeyPem'] as const;

describe.each([
  { only: 'v2' as const, drop: [...V3_ONLY, 'privateKeyPem'] as const },
  { only: 'v3' as const, drop: ['apiKey'] as const },
])('a merchant configured for API $only only', ({ only, drop }) => {
  const other = only === 'v2' ? 'v3' : 'v2';
  const dataDir = mkdtempSync(join(tmpdir(), `wxpay-service-${only}-only-`));
  let simulator: RunningSimulator;
  let service: ServiceApp;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
    const wechat: WechatCredentials = { ...simulatorCredentials(simulator.merchant), apiVersion: only };
    for (const field of drop) delete wechat[field];
    const config = validateServiceConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      publicUrl: 'http://127.0.0.1:1',
      adminToken: 'single-version-admin-token-0000000',
      orderTtlMinutes: 15,
      logger: false,
      wechat,
    });
    service = await createServiceApp(config, { clock: { now: () => new Date(simulator.ctx.clock.now()) } });
    await service.start();
  });
  afterAll(async () => {
    await service?.stop();
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const orderCount = async () =>
    (await service.database.db.selectFrom('orders').select('order_no').execute()).length;

  it(`starts, and a Native order (API ${only} by default) is created and paid`, async () => {
    const created = await json<OrderBody>(`${service.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    expect(created.status).toBe(201);
    expect(created.body.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);
    expect(simulator.ctx.trades.lookup(created.body.codeUrl!)).toMatchObject({ apiVersion: only });
    const trades = simulator.ctx.trades;
    trades.pay(trades.lookup(created.body.codeUrl!)!, 'bob');
    // The notification reaches nobody (publicUrl is a dead port): the query fallback finds the payment.
    const queried = await json<{ tradeState: string }>(
      `${service.url}/api/admin/orders/${created.body.orderNo}/query`,
      { method: 'POST', headers: { Authorization: 'Bearer single-version-admin-token-0000000' } },
    );
    expect(queried.body.tradeState).toBe('SUCCESS');
    await eventually(async () => {
      const o = await json<OrderBody>(`${service.url}/api/orders/${created.body.orderNo}`);
      return o.body.state === 'PAID' ? o : undefined;
    });
  });

  it(`refuses an API ${other} order with a clear error, and stores nothing`, async () => {
    const before = await orderCount();
    const refused = await json<OrderBody>(`${service.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: other }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'API_VERSION_NOT_CONFIGURED' });
    expect(refused.body.message).toContain(other);
    expect(await orderCount()).toBe(before);
  });

  it(`answers a ${other} notification with WeChat's failure format`, async () => {
    const answer = await fetch(`${service.url}/api/notify/${other}`, {
      method: 'POST',
      headers: { 'Content-Type': other === 'v2' ? 'text/xml' : 'application/json' },
      body: other === 'v2' ? '<xml><return_code>SUCCESS</return_code></xml>' : '{"id":"x"}',
    });
    const text = await answer.text();
    if (other === 'v2') expect(text).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    else expect(answer.status).toBeGreaterThanOrEqual(400);
  });
});
