import { describe, expect, it } from 'vitest';
import { notificationVerdict } from '../../src/use-cases/index.js';

describe('notificationVerdict: one rule for every callback', () => {
  it('acknowledges whatever resending would not change', () => {
    for (const outcome of ['applied', 'duplicate', 'ignored', 'anomaly']) {
      expect(notificationVerdict(outcome, 'detail', true)).toEqual({ ack: true });
    }
  });

  it('a rejection is the sender’s fault, marked unverified when nothing verified it', () => {
    expect(notificationVerdict('rejected', 'bad sign', false)).toEqual({
      ack: false,
      failure: 'rejected',
      message: 'bad sign',
      unverified: true,
    });
    expect(notificationVerdict('rejected', 'amount differs', true)).toMatchObject({ unverified: false });
  });

  it('retry is ours to fix: WeChat is asked to resend', () => {
    expect(notificationVerdict('retry', 'WeChat unreachable', true)).toEqual({
      ack: false,
      failure: 'error',
      message: 'WeChat unreachable',
      unverified: false,
    });
  });
});
