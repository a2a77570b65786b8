import { describe, expect, it } from 'vitest';
import {
  fixedWebhookEndpoints,
  type WebhookAttempt,
  type WebhookEndpoint,
  type WebhookEvent,
  type WebhookSender,
} from '../../src/domain/index.js';
import { DeliverWebhook, WEBHOOK_GIVE_UP_AFTER_MS } from '../../src/use-cases/index.js';

const ENDPOINT: WebhookEndpoint = { id: 'erp', url: 'http://127.0.0.1:9/hooks', secret: 's'.repeat(32) };
const CREATED = new Date('2026-12-03T02:00:00.000Z');
const event = {
  id: 'evt_order_paid_20261203100000A1b2C3d4E5',
  type: 'order.paid' as const,
  createdAt: CREATED.toISOString(),
  data: { orderNo: '20261203100000A1b2C3d4E5', amount: 990 },
};

/** Answers as told and remembers what it was asked to send. */
class ScriptedSender implements WebhookSender {
  readonly sent: WebhookEvent[] = [];
  constructor(readonly answer: WebhookAttempt) {}
  async send(_endpoint: WebhookEndpoint, delivered: WebhookEvent): Promise<WebhookAttempt> {
    this.sent.push(delivered);
    return this.answer;
  }
}

const deliverAt = (at: number, sender: WebhookSender, endpoints = [ENDPOINT]) =>
  new DeliverWebhook({
    sender,
    webhooks: fixedWebhookEndpoints(endpoints),
    clock: { now: () => new Date(CREATED.getTime() + at) },
  });

describe('DeliverWebhook', () => {
  it('delivers the event as stored, with its time', async () => {
    const sender = new ScriptedSender({ acked: true, httpStatus: 204, durationMs: 3 });
    expect(await deliverAt(0, sender).execute({ endpointId: 'erp', event })).toBe('DELIVERED');
    expect(sender.sent).toEqual([{ ...event, createdAt: CREATED }]);
  });

  it('throws while not acknowledged, so the job runner retries; gives up once 25 h old', async () => {
    const sender = new ScriptedSender({
      acked: false,
      httpStatus: 503,
      error: 'answered HTTP 503',
      durationMs: 3,
    });
    await expect(
      deliverAt(WEBHOOK_GIVE_UP_AFTER_MS - 1, sender).execute({ endpointId: 'erp', event }),
    ).rejects.toThrow(/not acknowledged: HTTP 503/);
    expect(await deliverAt(WEBHOOK_GIVE_UP_AFTER_MS, sender).execute({ endpointId: 'erp', event })).toBe(
      'GAVE_UP',
    );
    expect(WEBHOOK_GIVE_UP_AFTER_MS).toBeGreaterThan(24 * 3600_000);
  });

  it('drops a delivery to an endpoint no longer configured, without sending', async () => {
    const sender = new ScriptedSender({ acked: true, durationMs: 1 });
    expect(await deliverAt(0, sender, []).execute({ endpointId: 'erp', event })).toBe('ENDPOINT_GONE');
    expect(sender.sent).toEqual([]);
  });
});
