import { describe, expect, it } from 'vitest';
import { KyselyNotificationLog } from '../../src/adapters/persistence/index.js';
import { eventually } from './demo-harness.js';
import { useServiceBesideSimulator } from './service-beside-simulator.js';

describe('the running service prunes unverified notifications by itself', () => {
  const running = useServiceBesideSimulator('retention-timer', () => ({
    config: { limits: { unverifiedRetentionDays: 2 } },
    options: { pruneIntervalMs: 50 },
  }));

  it('an unverified notification past the retention disappears without being asked; a verified one stays', async () => {
    const log = new KyselyNotificationLog(running.service.database.db);
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
