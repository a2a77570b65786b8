import type { NotificationVerdict } from '../domain/index.js';

/**
 * How WeChat is answered, decided once for every callback: a rejection will never verify (so the
 * sender is at fault), `retry` is ours to fix (WeChat should resend), anything else is acknowledged —
 * a duplicate or an anomaly included, since resending would change nothing.
 */
export function notificationVerdict(
  outcome: string,
  message: string,
  verified: boolean,
): NotificationVerdict {
  if (outcome === 'rejected') return { ack: false, failure: 'rejected', message, unverified: !verified };
  if (outcome === 'retry') return { ack: false, failure: 'error', message, unverified: !verified };
  return { ack: true };
}
