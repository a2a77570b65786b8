import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhook } from '@wechatpay-kit/sdk/webhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

const ENV_SECRET = 'whsec_env_endpoint_0123456789abcdef';
const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters!!';
const MERCHANT_KEY = 'mk_webhooks_0123456789abcdefgh';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  eventId: string;
}

interface Endpoint {
  id: string;
  url: string;
  events?: string[];
  enabled: boolean;
  readOnly: boolean;
  secret?: string;
  previousSecretUntil?: string;
  error?: string;
}

/** The merchant's systems: every POST kept raw, acknowledged with 204. */
async function startReceiver() {
  const received: Delivery[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    received.push({
      path: request.url ?? '',
      headers: request.headers,
      body,
      eventId: String(request.headers['x-wechatpay-kit-event-id']),
    });
    response.writeHead(204).end();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((closed) => server.close(closed)),
  };
}

describeOnEngines('webhook endpoints managed from the admin', (engine) => {
  let demo: TestDemo;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    {
      get webhooks() {
        return [
          { id: 'env', url: `${receiver.url}/env`, secret: ENV_SECRET, events: ['order.closed' as const] },
        ];
      },
      webhookStore: { encryptionKey: ENCRYPTION_KEY },
      merchantApiKeys: [{ name: 'erp', key: MERCHANT_KEY }],
    },
  );

  const admin = () => ({ Authorization: `Bearer ${demo.adminToken}` });
  const call = (method: string, path: string, body?: unknown) =>
    json<Endpoint>(`${demo.url}/api/admin/webhooks/endpoints${path}`, {
      method,
      headers: admin(),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const paidOrder = async (merchantReference?: string) => {
    const created = await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify(
        merchantReference
          ? { amount: 1_288, description: '发票', merchantReference, payType: 'NATIVE' }
          : { productId: 'demo-coffee', payType: 'NATIVE' },
      ),
      headers: merchantReference ? { Authorization: `Bearer ${MERCHANT_KEY}` } : {},
    });
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(created.body.codeUrl)!, 'alice');
    return `evt_order_paid_${created.body.orderNo}`;
  };
  const deliveriesOf = (eventId: string, path: string) =>
    receiver.received.filter((d) => d.eventId === eventId && d.path === path);
  const arrivedAt = (eventId: string, path: string) =>
    eventually(async () => {
      const [first] = deliveriesOf(eventId, path);
      return first;
    }, 10_000);
  const verifies = (delivery: Delivery, secret: string) => {
    try {
      return parseWebhook(delivery.headers, delivery.body, secret).id === delivery.eventId;
    } catch {
      return false;
    }
  };

  let erp: Endpoint;
  let crm: Endpoint;

  it('adds endpoints with a secret shown once; lists them, the environment’s read-only, never a secret', async () => {
    const created = await call('POST', '', {
      url: `${receiver.url}/erp`,
      events: ['order.paid', 'order.closed', 'refund.succeeded'],
      description: 'ERP 订单系统',
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    erp = created.body;
    crm = (await call('POST', '', { url: `${receiver.url}/crm`, events: ['order.paid'] })).body;
    expect(crm.id).not.toBe(erp.id);

    const listed = await call('GET', '');
    const all = listed.body as unknown as Endpoint[];
    expect(all.map((e) => [e.id, e.readOnly, e.enabled])).toEqual([
      ['env', true, true],
      [erp.id, false, true],
      [crm.id, false, true],
    ]);
    const tab = await json(`${demo.url}/api/admin/webhooks`, { headers: admin() });
    // Each change is in the audit log, without its secret.
    const audit = await json<{ entries: Array<{ actor: string; target: string; detail: string }> }>(
      `${demo.url}/api/admin/audit?action=webhook-endpoint.change`,
      { headers: admin() },
    );
    expect(audit.body.entries.map((e) => e.target).sort()).toEqual(
      [`webhook endpoint ${erp.id}`, `webhook endpoint ${crm.id}`].sort(),
    );
    expect(audit.body.entries[0]).toMatchObject({ actor: 'token', detail: expect.stringContaining('added') });
    for (const text of [JSON.stringify(all), JSON.stringify(tab.body), JSON.stringify(audit.body)]) {
      expect(text).not.toContain(erp.secret);
      expect(text).not.toContain(crm.secret);
      expect(text).not.toContain(ENV_SECRET);
    }
    // At rest the secret is sealed with WEBHOOK_ENCRYPTION_KEY: a copy of the table does not give it away.
    const rows = await demo.service.database.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'secret'])
      .execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.secret).toMatch(/^aes256gcm:/);
      expect(row.secret).not.toContain(erp.secret!.slice(6, 20));
      expect(row.secret).not.toContain(crm.secret!.slice(6, 20));
    }
  });

  it('an event goes to every enabled endpoint that takes it, each signed with its own secret', async () => {
    const eventId = await paidOrder('INV-2026-0042');
    const [atErp, atCrm] = await Promise.all([arrivedAt(eventId, '/erp'), arrivedAt(eventId, '/crm')]);
    expect(verifies(atErp, erp.secret!)).toBe(true);
    expect(parseWebhook(atErp.headers, atErp.body, erp.secret!).data).toMatchObject({
      amount: 1_288,
      merchantReference: 'INV-2026-0042',
    });
    expect(verifies(atCrm, crm.secret!)).toBe(true);
    expect(verifies(atErp, crm.secret!)).toBe(false);
    // The environment's endpoint takes order.closed only.
    expect(deliveriesOf(eventId, '/env')).toEqual([]);
    // The receiver has answered; the log says so once the sender has recorded the answer.
    const status = await eventually(async () => {
      const detail = await json<{ status: string }>(
        `${demo.url}/api/admin/webhooks/deliveries/${encodeURIComponent(`${eventId}|${crm.id}`)}`,
        { headers: admin() },
      );
      return detail.body.status === 'pending' ? undefined : detail.body.status;
    });
    expect(status).toBe('delivered');
  });

  it('a disabled endpoint gets nothing new, keeps its deliveries, and gets events again once enabled', async () => {
    const disabled = await call('DELETE', `/${crm.id}`);
    expect([disabled.status, disabled.body.enabled]).toEqual([200, false]);
    const eventId = await paidOrder();
    await arrivedAt(eventId, '/erp');
    await new Promise((settle) => setTimeout(settle, 1500));
    expect(deliveriesOf(eventId, '/crm')).toEqual([]);
    const tab = await json<{ deliveries: { endpointId: string }[] }>(
      `${demo.url}/api/admin/webhooks?limit=500`,
      {
        headers: admin(),
      },
    );
    const ofCrm = tab.body.deliveries.filter((d) => d.endpointId === crm.id);
    expect(ofCrm.length).toBeGreaterThan(0);
    expect(
      tab.body.deliveries.some((d) => d.endpointId === crm.id && JSON.stringify(d).includes(eventId)),
    ).toBe(false);

    const enabled = await call('PATCH', `/${crm.id}`, {
      enabled: true,
      events: ['order.paid', 'refund.failed'],
    });
    expect(enabled.body).toMatchObject({ enabled: true, events: ['order.paid', 'refund.failed'] });
    const next = await paidOrder();
    expect(verifies(await arrivedAt(next, '/crm'), crm.secret!)).toBe(true);
  });

  it('a rotated secret signs beside the old one for 24 h, then alone', async () => {
    const rotated = await call('POST', `/${erp.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret!;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(erp.secret);
    expect(Date.parse(rotated.body.previousSecretUntil!) - Date.now()).toBeGreaterThan(23 * 3600_000);

    const during = await arrivedAt(await paidOrder(), '/erp');
    expect(String(during.headers['x-wechatpay-kit-signature']).match(/v1=/g)).toHaveLength(2);
    expect(verifies(during, erp.secret!)).toBe(true);
    expect(verifies(during, fresh)).toBe(true);

    await json(`${demo.simulator.url}/_sim/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ minutes: 24 * 60 + 1 }),
    });
    const after = await arrivedAt(await paidOrder(), '/erp');
    expect(String(after.headers['x-wechatpay-kit-signature']).match(/v1=/g)).toHaveLength(1);
    expect(verifies(after, fresh)).toBe(true);
    expect(verifies(after, erp.secret!)).toBe(false);
  });

  it('refuses what cannot be: the environment’s endpoint, unknown ones, URLs that are no http(s) or carry credentials', async () => {
    const envChange = await call('PATCH', '/env', { enabled: false });
    expect([envChange.status, envChange.body.error]).toEqual([409, 'WEBHOOK_ENDPOINT_READ_ONLY']);
    expect((await call('POST', '/env/rotate-secret')).body.error).toBe('WEBHOOK_ENDPOINT_READ_ONLY');
    expect((await call('DELETE', '/we_nosuchendpoint')).status).toBe(404);
    for (const url of [
      'ftp://erp.example.com/hooks',
      'https://user:pw@erp.example.com/h',
      'https://erp.example.com/h#x',
    ]) {
      const refused = await call('POST', '', { url, events: ['order.paid'] });
      expect([refused.status, refused.body.error], url).toEqual([400, 'WEBHOOK_URL_NOT_ALLOWED']);
    }
    for (const body of [
      { url: `${receiver.url}/x`, events: [] },
      { url: `${receiver.url}/x`, events: ['order.payed'] },
      { url: `${receiver.url}/x`, events: ['order.paid', 'order.paid'] },
      { url: 'https://erp.example.com/a b', events: ['order.paid'] },
      { url: `${receiver.url}/x` },
    ]) {
      const refused = await call('POST', '', body);
      expect([refused.status, refused.body.error], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await call('PATCH', `/${erp.id}`, {})).status).toBe(400);
    expect((await fetch(`${demo.url}/api/admin/webhooks/endpoints`)).status).toBe(401);
  });
});
