import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyNotificationLog } from '../../src/adapters/persistence/index.js';
import { validateServiceConfig } from '../../src/config/service-config.js';
import { simulatorCredentials } from '../../src/demo-launcher.js';
import { createServiceApp, type ServiceApp } from '../../src/service-app.js';
import { eventually } from './demo-harness.js';

describe('the running service prunes unverified notifications by itself', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-retention-timer-'));
  let simulator: RunningSimulator;
  let service: ServiceApp;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
    const config = validateServiceConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      publicUrl: 'http://127.0.0.1:1',
      adminToken: 'retention-timer-admin-token-00000',
      orderTtlMinutes: 15,
      logger: false,
      limits: { unverifiedRetentionDays: 2 },
      wechat: simulatorCredentials(simulator.merchant),
    });
    service = await createServiceApp(config, { pruneIntervalMs: 50 });
    await service.start();
  });
  afterAll(async () => {
    await service?.stop();
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an unverified notification past the retention disappears without being asked; a verified one stays', async () => {
    const log = new KyselyNotificationLog(service.database.db);
    const old = new Date(Date.now() - 3 * 24 * 60 * 60_000);
    const entry = {
      apiVersion: 'v3' as const,
      kind: 'payment' as const,
      rawBody: '{}',
      headers: {},
      receivedAt: old,
    };
    await log.record({
      ...entry,
      orderNo: 'TIMER-FORGED',
      verified: false,
      outcome: 'rejected: bad signature',
    });
    await log.record({ ...entry, orderNo: 'TIMER-GENUINE', verified: true, outcome: 'applied' });
    await eventually(async () => ((await log.forOrder('TIMER-FORGED')).length === 0 ? true : undefined));
    expect(await log.forOrder('TIMER-GENUINE')).toHaveLength(1);
  });
});
