import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { simulatorCredentials } from '../../src/demo-launcher.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';

describe('the use cases log through the service logger', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-service-logging-'));
  const lines: Array<{ level: string; data: object; message: string }> = [];
  const record = (level: string) => (data: object, message: string) => lines.push({ level, data, message });
  const logger = { info: record('info'), warn: record('warn'), error: record('error') };
  let simulator: RunningSimulator;
  let service: ServiceApp;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
    const config = validateServiceConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      publicUrl: 'http://127.0.0.1:1',
      adminToken: 'logging-test-admin-token-000000000',
      orderTtlMinutes: 15,
      logger: false,
      wechat: simulatorCredentials(simulator.merchant),
    });
    service = await createServiceApp(config, { logger });
    await service.start();
  });
  afterAll(async () => {
    await service?.stop();
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a forged payment notification is logged as a warning, without the key or the body', async () => {
    const forged = '<xml><appid>wx1</appid><out_trade_no>X1</out_trade_no><sign>00</sign></xml>';
    const answer = await fetch(`${service.url}/api/notify/v2`, { method: 'POST', body: forged });
    expect(await answer.text()).toContain('FAIL');
    const warning = lines.find((l) => l.level === 'warn' && l.message === 'payment notification rejected');
    expect(warning?.data).toMatchObject({ apiVersion: 'v2' });
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(simulator.merchant.apiKey);
    expect(logged).not.toContain('<xml>');
  });
});
