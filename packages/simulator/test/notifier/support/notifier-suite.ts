import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ApiVersion } from '../../../src/engine/sim-records.js';
import { type RunningSimulator, startSimulator } from '../../../src/index.js';
import type { NotificationRecord } from '../../../src/notifier/notification-log.js';
import { hookFixtures } from '../../support/hook-fixtures.js';
import { MerchantEndpoint } from './merchant-endpoint.js';
import { paymentNotificationOf, payTrade } from './notifier-test-kit.js';

/** What a notifier test works against; read inside tests, once the hooks have run. */
export interface NotifierSuite {
  readonly sim: RunningSimulator;
  readonly merchant: MerchantEndpoint;
  /** Pays a fresh order whose notify URL is this test's endpoint for `apiVersion`; its payment notification. */
  notifiedPayment(apiVersion: ApiVersion): NotificationRecord;
}

/**
 * Registers the hooks every notifier suite needs: one simulator for the suite (starting one is the
 * slow part) and a fresh merchant endpoint per test, so no test sees another's callbacks. Call it at
 * the top of a `describe`; hooks the suite adds afterwards run after these before a test and before
 * these after it.
 */
export function useNotifierSuite(): NotifierSuite {
  const { view, made, fill } = hookFixtures<NotifierSuite>();
  fill({
    notifiedPayment(apiVersion) {
      const notifyUrl = view.merchant.url(apiVersion === 'v3' ? '/v3' : '/v2/pay');
      return paymentNotificationOf(view.sim, payTrade(view.sim, { apiVersion, notifyUrl }));
    },
  });

  beforeAll(async () => {
    fill({ sim: await startSimulator({ port: 0 }) });
  });
  afterAll(async () => {
    await made.sim?.stop();
  });
  beforeEach(async () => {
    const { sim } = view;
    fill({ merchant: await MerchantEndpoint.start(sim.merchant) });
  });
  afterEach(async () => {
    await made.merchant?.close();
  });

  return view;
}
