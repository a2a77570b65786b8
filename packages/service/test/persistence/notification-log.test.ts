import { beforeEach, expect, it } from 'vitest';
import { KyselyNotificationLog } from '../../src/adapters/persistence/index.js';
import type { ReceivedNotification } from '../../src/domain/ports.js';
import { forEachEngine } from './test-databases.js';

forEachEngine('KyselyNotificationLog', (database) => {
  let log: KyselyNotificationLog;

  beforeEach(async () => {
    log = new KyselyNotificationLog(database.db);
  });

  const entry = (overrides: Partial<ReceivedNotification>): ReceivedNotification => ({
    apiVersion: 'v3',
    kind: 'payment',
    orderNo: 'N1',
    rawBody: '{"id":"EV-1","resource":{"ciphertext":"…"}}',
    headers: { 'wechatpay-serial': 'PUB_KEY_ID_0001', 'wechatpay-signature': 'c2lnbmF0dXJl' },
    verified: true,
    outcome: 'applied',
    receivedAt: new Date(Date.UTC(2026, 0, 15, 4, 0, 0, 123)),
    ...overrides,
  });

  it('keeps every notification for an order verbatim, in arrival order', async () => {
    const xml = '<xml><out_trade_no><![CDATA[N1]]></out_trade_no><sign>BAD</sign></xml>';
    const first = entry({});
    const second = entry({ outcome: 'duplicate', receivedAt: new Date(first.receivedAt.getTime() + 5000) });
    const third = entry({
      apiVersion: 'v2',
      rawBody: xml,
      headers: {},
      verified: false,
      outcome: 'rejected: bad signature',
    });
    await log.record(first);
    await log.record(second);
    await log.record(third);
    await log.record(entry({ orderNo: 'OTHER' }));
    await log.record(entry({ orderNo: null, verified: false, outcome: 'rejected: unparsable' }));
    expect(await log.forOrder('N1')).toEqual([first, second, third]);
    expect(await log.forOrder('OTHER')).toHaveLength(1);
    expect(await log.forOrder('none')).toEqual([]);
  });
});
