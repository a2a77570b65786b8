import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestDemo, type TestDemo } from './demo-harness.js';

const MINUTE = 60_000;

describe('rate limits per client (X-Forwarded-For trusted, as behind a proxy)', () => {
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startTestDemo('sqlite', {
      trustProxy: true,
      limits: { orders: { max: 2, windowMs: MINUTE }, authFailures: { max: 3, windowMs: 15 * MINUTE } },
    });
  });
  afterAll(async () => {
    await demo?.cleanup();
  });

  const from = (ip: string, token?: string) => ({
    'X-Forwarded-For': ip,
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  });
  const adminOrders = (ip: string, token: string) =>
    fetch(`${demo.url}/api/admin/orders`, { headers: from(ip, token) });
  const order = (ip: string) =>
    json<{ orderNo: string; error?: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      headers: from(ip),
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });

  it('failed admin sign-ins: after the limit even the right token waits (429, Retry-After); other clients do not', async () => {
    for (let i = 0; i < 3; i++)
      expect((await adminOrders('203.0.113.7', `wrong-token-${i}`)).status).toBe(401);
    const blocked = await adminOrders('203.0.113.7', demo.adminToken);
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect(await blocked.json()).toMatchObject({ error: 'TOO_MANY_REQUESTS' });
    // Refunds and the metrics token share the count: guesses add up wherever they are sent.
    const refund = await fetch(`${demo.url}/api/orders/X1/refunds`, {
      method: 'POST',
      headers: { ...from('203.0.113.7', demo.adminToken), 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount: 1 }),
    });
    expect(refund.status).toBe(429);
    expect((await adminOrders('203.0.113.8', demo.adminToken)).status).toBe(200);
  });

  it('successful sign-ins and requests without a token are not counted', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await adminOrders('203.0.113.9', demo.adminToken)).status).toBe(200);
      const anonymous = await fetch(`${demo.url}/api/admin/orders`, { headers: from('203.0.113.9') });
      expect(anonymous.status).toBe(401);
    }
    expect((await adminOrders('203.0.113.9', 'wrong-token')).status).toBe(401);
  });

  it('order creation: past the limit 429 with Retry-After and nothing is created; another client still orders', async () => {
    const before = await json<unknown[]>(`${demo.url}/api/admin/orders?limit=200`, {
      headers: from('198.51.100.200', demo.adminToken),
    });
    expect((await order('198.51.100.1')).status).toBe(201);
    expect((await order('198.51.100.1')).status).toBe(201);
    const refused = await order('198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('TOO_MANY_REQUESTS');
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    const after = await json<unknown[]>(`${demo.url}/api/admin/orders?limit=200`, {
      headers: from('198.51.100.200', demo.adminToken),
    });
    expect(after.body.length).toBe(before.body.length + 2);
    expect((await order('198.51.100.2')).status).toBe(201);
    const metrics = await (await fetch(`${demo.url}/metrics`)).text();
    expect(metrics).toMatch(/wxpay_rate_limited_total\{limit="orders"\} 1/);
  });
});
