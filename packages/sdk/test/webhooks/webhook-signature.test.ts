import { createHmac } from 'node:crypto';
import { WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { buildSignedWebhook } from '@wechatpay-kit/sdk/testing';
import {
  type KitWebhookEvent,
  parseWebhook,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from '@wechatpay-kit/sdk/webhooks';
import { describe, expect, it } from 'vitest';

const SECRET = 'whsec_test_5f0c2a7e9b4d4f1e8a3c6b2d0e9f7a1c';
const NOW = 1_764_727_200_000;
const T = NOW / 1000;
const now = () => NOW;

const paid: KitWebhookEvent<'order.paid'> = {
  id: 'evt_20261203100000A1b2C3d4E5_paid',
  type: 'order.paid',
  createdAt: '2026-12-03T02:00:00.000Z',
  data: {
    orderNo: '20261203100000A1b2C3d4E5',
    amount: 990,
    transactionId: '4200002026120312345678901234',
    paidAt: '2026-12-03T02:00:00.000Z',
    payType: 'NATIVE',
    apiVersion: 'v3',
    productId: 'demo-coffee',
    description: '拿铁咖啡',
  },
};

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as WechatPaySignatureError;
  }
  throw new Error('expected a refusal');
};

describe('outbound webhook signatures (X-Wechatpay-Kit-Signature)', () => {
  it('is HMAC-SHA256 over "t.body", as an independent computation gives it', () => {
    const body = JSON.stringify(paid);
    const expected = createHmac('sha256', SECRET).update(`${T}.${body}`).digest('hex');
    expect(signWebhook(body, SECRET, { timestamp: T })).toBe(`t=${T},v1=${expected}`);
    expect(signWebhook(Buffer.from(body), SECRET, { timestamp: T })).toBe(`t=${T},v1=${expected}`);
  });

  it('round-trips through the test helper and parseWebhook, typed by event type', () => {
    const delivery = buildSignedWebhook(paid, SECRET, { timestamp: T });
    const event = parseWebhook(delivery.headers, delivery.body, SECRET, { now });
    expect(event).toEqual(paid);
    if (event.type === 'order.paid') expect(event.data.amount).toBe(990);
  });

  it('accepts any of several secrets, and a header signed with both while rotating', () => {
    const body = JSON.stringify(paid);
    const both = signWebhook(body, ['old-secret', SECRET], { timestamp: T });
    expect(both.split(',v1=')).toHaveLength(3);
    expect(() => verifyWebhookSignature(body, both, 'old-secret', { now })).not.toThrow();
    expect(() => verifyWebhookSignature(body, both, SECRET, { now })).not.toThrow();
    const single = signWebhook(body, 'old-secret', { timestamp: T });
    expect(() => verifyWebhookSignature(body, single, ['new-secret', 'old-secret'], { now })).not.toThrow();
  });

  it('refuses a changed body, another secret and a re-serialized body, naming no secret', () => {
    const delivery = buildSignedWebhook(paid, SECRET, { timestamp: T });
    const tampered = delivery.body.replace('"amount":990', '"amount":1');
    for (const [body, secret] of [
      [tampered, SECRET],
      [delivery.body, 'another-secret'],
      [JSON.stringify(JSON.parse(delivery.body), null, 2), SECRET],
    ] as const) {
      const error = failure(() =>
        verifyWebhookSignature(body, delivery.headers[WEBHOOK_SIGNATURE_HEADER], secret, { now }),
      );
      expect(error).toBeInstanceOf(WechatPaySignatureError);
      expect(error.reason).toBe('bad-signature');
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.detail)).not.toContain(secret);
    }
  });

  it('refuses a delivery outside the replay window, either way, and takes a wider window when told', () => {
    const old = buildSignedWebhook(paid, SECRET, { timestamp: T - 301 });
    expect(failure(() => parseWebhook(old.headers, old.body, SECRET, { now })).reason).toBe(
      'stale-timestamp',
    );
    const future = buildSignedWebhook(paid, SECRET, { timestamp: T + 301 });
    expect(failure(() => parseWebhook(future.headers, future.body, SECRET, { now })).reason).toBe(
      'stale-timestamp',
    );
    expect(parseWebhook(old.headers, old.body, SECRET, { now, toleranceSeconds: 600 }).id).toBe(paid.id);
    const edge = buildSignedWebhook(paid, SECRET, { timestamp: T - 300 });
    expect(parseWebhook(edge.headers, edge.body, SECRET, { now }).id).toBe(paid.id);
  });

  it('refuses a missing or malformed header, and a parsed body with a clear error', () => {
    const delivery = buildSignedWebhook(paid, SECRET, { timestamp: T });
    expect(failure(() => parseWebhook({}, delivery.body, SECRET, { now })).reason).toBe('missing-header');
    for (const header of ['v1=abc', `t=${T}`, `t=soon,v1=${'0'.repeat(64)}`, 'garbage']) {
      const error = failure(() => verifyWebhookSignature(delivery.body, header, SECRET, { now }));
      expect(error.reason, header).toBe('bad-signature');
      expect(error.message).toContain('t=');
    }
    expect(() =>
      verifyWebhookSignature(
        JSON.parse(delivery.body) as never,
        delivery.headers[WEBHOOK_SIGNATURE_HEADER],
        SECRET,
        { now },
      ),
    ).toThrow(/raw request body/);
  });

  it('refuses a signed body that is not an event', () => {
    const body = '{"hello":"world"}';
    const headers = { [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, SECRET, { timestamp: T }) };
    expect(() => parseWebhook(headers, body, SECRET, { now })).toThrow(/not an event/);
  });
});
