import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MERCHANT_EXPORT_FILES, type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../../../test-support/env-file.js';
import { loadServiceConfig } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';

describe('the service runs on the environment the simulator exports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-sim-env-'));
  let sim: RunningSimulator;
  let service: ServiceApp;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, dataDir: join(dir, 'simulator') });
    const exported = readFileSync(
      join(dir, 'simulator', 'merchant', MERCHANT_EXPORT_FILES.serviceEnv),
      'utf8',
    );
    const config = loadServiceConfig({
      ...parseEnvFile(exported),
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: join(dir, 'service'),
      // The service's own secrets: the export leaves them to the merchant, commented.
      ADMIN_TOKEN: 'sim-env-admin-token-000000000000',
      SESSION_SECRET: 's'.repeat(48),
    });
    service = await createServiceApp(config);
    await service.start();
  });
  afterAll(async () => {
    await service?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the simulated merchant and its key files as the service expects', () => {
    expect(service.config.wechat).toMatchObject({
      mchid: sim.merchant.mchid,
      appid: sim.merchant.appid,
      baseUrl: sim.url,
      publicKeyId: sim.merchant.publicKeyId,
    });
    expect(service.config.platform).toBeDefined();
  });

  it('places v3 and v2 Native orders at the simulator with no other setting', async () => {
    for (const apiVersion of ['v3', 'v2'] as const) {
      const answer = await fetch(`${service.url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion }),
      });
      expect(answer.status).toBe(201);
      const order = (await answer.json()) as { codeUrl?: string; state: string };
      expect(order.state).toBe('NOTPAY');
      expect(order.codeUrl).toMatch(/^weixin:\/\//);
    }
  });
});
