import { generateKeyPairSync } from 'node:crypto';
import { buildV2PaymentNotification, buildV3Notification } from '@wechatpay-kit/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_STATUS } from '../../src/http/error-mapper.js';
import { json, startTestDemo, type TestDemo } from './demo-harness.js';

type OrderBody = { orderNo: string; state: string; amount: number };

describe('notifications that must not change an order', () => {
  let demo: TestDemo;
  let order: OrderBody;

  beforeAll(async () => {
    demo = await startTestDemo();
    const created = await json<OrderBody>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    order = created.body;
  });
  afterAll(async () => {
    await demo?.cleanup();
  });

  const post = (version: 'v2' | 'v3', body: string, headers: Record<string, string>) =>
    fetch(`${demo.url}/api/notify/${version}`, { method: 'POST', body, headers });

  async function expectStillNotPaid(): Promise<void> {
    const { body } = await json<OrderBody>(`${demo.url}/api/orders/${order.orderNo}`);
    expect(body.state).toBe('NOTPAY');
  }

  it('v3 garbage body → 4xx {code: FAIL}', async () => {
    const response = await post('v3', '{not json', { 'Content-Type': 'application/json' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.json()).toMatchObject({ code: 'FAIL' });
    await expectStillNotPaid();
  });

  it('v3 notification signed with a key that is not WeChat Pay’s → FAIL, order unchanged', async () => {
    const m = demo.simulator.merchant;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = buildV3Notification({
      event_type: 'TRANSACTION.SUCCESS',
      apiV3Key: m.apiV3Key,
      signer: { privateKey, serial: m.publicKeyId },
      resource: {
        appid: m.appid,
        mchid: m.mchid,
        out_trade_no: order.orderNo,
        transaction_id: '4200000000000000000000000001',
        trade_type: 'NATIVE',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        success_time: new Date().toISOString(),
        payer: { openid: 'o-forged' },
        amount: { total: order.amount, payer_total: order.amount, currency: 'CNY', payer_currency: 'CNY' },
      } as never,
    });
    const response = await post('v3', forged.body, forged.headers);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'FAIL' });
    await expectStillNotPaid();
  });

  it('v3 without a content type, or oversized, still gets WeChat’s failure format', async () => {
    const bare = await fetch(`${demo.url}/api/notify/v3`, {
      method: 'POST',
      body: new Uint8Array([1, 2, 3]),
    });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({ code: 'FAIL' });
    const huge = await post('v3', `{"x":"${'a'.repeat(100_000)}"}`, { 'Content-Type': 'application/json' });
    expect(huge.status).toBe(400);
    expect(await huge.json()).toMatchObject({ code: 'FAIL' });
    await expectStillNotPaid();
  });

  it('v2 garbage body → XML FAIL', async () => {
    const response = await post('v2', 'definitely not xml', { 'Content-Type': 'text/xml' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    await expectStillNotPaid();
  });

  it('v2 notification signed with the wrong API key → XML FAIL, order unchanged', async () => {
    const m = demo.simulator.merchant;
    const xml = buildV2PaymentNotification(
      {
        appid: m.appid,
        mch_id: m.mchid,
        out_trade_no: order.orderNo,
        transaction_id: '4200000000000000000000000002',
        total_fee: order.amount,
      },
      'x'.repeat(32),
    );
    const response = await post('v2', xml, { 'Content-Type': 'text/xml' });
    const text = await response.text();
    expect(text).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    await expectStillNotPaid();
  });

  it('a genuine v2 notification with the right key is ACKed in WeChat’s XML (control for the tests above)', async () => {
    const m = demo.simulator.merchant;
    const other = await json<OrderBody>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v2' }),
    });
    const xml = buildV2PaymentNotification(
      {
        appid: m.appid,
        mch_id: m.mchid,
        out_trade_no: other.body.orderNo,
        transaction_id: '4200000000000000000000000003',
        total_fee: other.body.amount,
      },
      m.apiKey,
      'MD5',
      demo.simulator.ctx.clock.now(),
    );
    const response = await post('v2', xml, { 'Content-Type': 'text/xml' });
    expect(await response.text()).toBe(
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>',
    );
    const { body } = await json<OrderBody>(`${demo.url}/api/orders/${other.body.orderNo}`);
    expect(body.state).toBe('PAID');
  });
});

describe('admin, health, metrics and docs', () => {
  let demo: TestDemo;

  beforeAll(async () => {
    demo = await startTestDemo();
  });
  afterAll(async () => {
    await demo?.cleanup();
  });

  it('admin orders need the bearer token', async () => {
    await json(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    const none = await json(`${demo.url}/api/admin/orders`);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: 'UNAUTHORIZED' });
    const wrong = await json(`${demo.url}/api/admin/orders`, {
      headers: { Authorization: `Bearer ${demo.adminToken}x` },
    });
    expect(wrong.status).toBe(401);
    const ok = await json<{ state: string }[]>(`${demo.url}/api/admin/orders?state=NOTPAY`, {
      headers: { Authorization: `Bearer ${demo.adminToken}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(1);
    expect(ok.body.every((o) => o.state === 'NOTPAY')).toBe(true);
    const paid = await json<unknown[]>(`${demo.url}/api/admin/orders?state=PAID`, {
      headers: { Authorization: `Bearer ${demo.adminToken}` },
    });
    expect(paid.body).toEqual([]);
  });

  it('/health answers ok after pinging the database', async () => {
    expect((await json(`${demo.url}/health`)).body).toEqual({ status: 'ok', database: 'up' });
  });

  it('/metrics exposes the order counters and /docs serves the OpenAPI UI and document', async () => {
    const metrics = await (await fetch(`${demo.url}/metrics`)).text();
    expect(metrics).toContain('orders_created_total');
    expect(metrics).toContain('notification_handling_seconds');
    const docs = await fetch(`${demo.url}/docs`);
    expect(docs.status).toBe(200);
    const openapi = await json<{ paths: Record<string, unknown> }>(`${demo.url}/docs/json`);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/api/orders', '/api/orders/{orderNo}/events', '/api/notify/v3', '/health']),
    );
  });

  it('/docs/json has a real title, tag descriptions and every error code with its meaning', async () => {
    const { body } = await json<{
      info: { title: string; version: string; description: string };
      tags: { name: string; description: string }[];
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>(`${demo.url}/docs/json`);
    expect(body.info.title).toMatch(/支付服务/);
    expect(body.info.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const [code, status] of Object.entries(DOMAIN_STATUS)) {
      expect(body.info.description).toContain(`| \`${code}\` | ${status} |`);
    }
    const described = new Set(body.tags.map((tag) => tag.name));
    const used = Object.values(body.paths).flatMap((methods) =>
      Object.values(methods).flatMap((op) => op.tags ?? []),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const tag of used) expect(described, `tag ${tag} has no description`).toContain(tag);
  });

  it('serves the checkout and admin pages with the simulator link in demo mode', async () => {
    const page = await (await fetch(`${demo.url}/`)).text();
    expect(page).toContain(`data-simulator-url="${demo.simulator.url}"`);
    const admin = await fetch(`${demo.url}/admin`);
    expect(admin.status).toBe(200);
    expect((await fetch(`${demo.url}/assets/checkout.js`)).headers.get('content-type')).toContain(
      'javascript',
    );
  });
});
