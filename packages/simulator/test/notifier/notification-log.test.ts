import { describe, expect, it } from 'vitest';
import { StateStore } from '../../src/engine/state-store.js';
import { NotificationLog, type NotificationRecord } from '../../src/notifier/notification-log.js';

function record(n: number, status: NotificationRecord['status']): NotificationRecord {
  return {
    id: `n${n}`,
    kind: n % 2 === 0 ? 'payment' : 'refund',
    apiVersion: 'v3',
    event: 'TRANSACTION.SUCCESS',
    mchid: n % 3 === 0 ? 'm3' : 'm1',
    outTradeNo: `T${n}`,
    url: 'http://127.0.0.1:1/notify',
    body: '{}',
    headers: {},
    status,
    attempts: [],
    roundAttempts: 0,
    createdAt: n,
  };
}

describe('NotificationLog', () => {
  it('lists newest first, filtered, up to a limit', () => {
    const log = new NotificationLog(new StateStore());
    for (let n = 1; n <= 9; n++) log.add(record(n, n === 5 ? 'pending' : 'delivered'));
    expect(log.list({ limit: 3 }).map((r) => r.id)).toEqual(['n9', 'n8', 'n7']);
    expect(log.list({ mchid: 'm3' }).map((r) => r.id)).toEqual(['n9', 'n6', 'n3']);
    expect(log.list({ kind: 'refund', status: 'delivered', limit: 2 }).map((r) => r.id)).toEqual([
      'n9',
      'n7',
    ]);
    expect(log.list({ outTradeNo: 'T4' }).map((r) => r.id)).toEqual(['n4']);
    expect(log.pending().map((r) => r.id)).toEqual(['n5']);
  });

  it('past its limit forgets the oldest finished notifications, never a pending one', () => {
    const log = new NotificationLog(new StateStore(), 10);
    for (let n = 1; n <= 11; n++) log.add(record(n, n <= 2 ? 'pending' : 'failed'));
    const kept = log.list().map((r) => r.id);
    expect(kept).toHaveLength(9);
    expect(kept).toEqual(expect.arrayContaining(['n1', 'n2', 'n11']));
    expect(kept).not.toContain('n3');
    expect(log.get('n1')?.status).toBe('pending');
  });
});
