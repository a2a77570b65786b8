import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KitWebhookEvent, parseWebhook } from '@wechatpay-kit/sdk/webhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, json, startTestDemo, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines } from './engine-suites.js';

const SECRET = 'whsec_outbound_test_0123456789abcdef';
const CLOSED_ONLY_SECRET = 'whsec_closed_only_0123456789abcdef';

interface WebhookDetail {
  status: string;
  eventType: string;
  subject: string;
  endpointId: string;
  attempts: number;
  event: unknown;
  history: { httpStatus?: number; acked: boolean; manual: boolean }[];
}

interface Received {
  endpoint: string;
  event: KitWebhookEvent;
  signature: string;
}

/** The merchant's own system: verifies every delivery with the SDK, and fails on demand. */
async function startReceiver(failFirst: Set<string>) {
  const received: Received[] = [];
  const refused: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const endpoint = request.url ?? '';
    try {
      const secret = endpoint === '/closed-only' ? CLOSED_ONLY_SECRET : SECRET;
      const event = parseWebhook(request.headers, Buffer.concat(chunks), secret);
      if (failFirst.delete(event.id)) {
        response.writeHead(500).end('down for a moment');
        return;
      }
      received.push({ endpoint, event, signature: String(request.headers['x-wechatpay-kit-signature']) });
      response.writeHead(204).end();
    } catch (error) {
      refused.push((error as Error).message);
      response.writeHead(400).end();
    }
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    refused,
    close: () => new Promise((closed) => server.close(closed)),
  };
}

describeOnEngines('outbound webhooks', outboundWebhooksSuite);

function outboundWebhooksSuite(engine: TestEngine): void {
  let demo: TestDemo;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const failFirst = new Set<string>();
  const admin = () => ({ Authorization: `Bearer ${demo.adminToken}` });

  beforeAll(async () => {
    receiver = await startReceiver(failFirst);
    demo = await startTestDemo(engine, {
      webhooks: [
        { id: 'erp', url: `${receiver.url}/erp`, secret: SECRET },
        {
          id: 'closed-only',
          url: `${receiver.url}/closed-only`,
          secret: CLOSED_ONLY_SECRET,
          events: ['order.closed'],
        },
      ],
    });
    await json(`${demo.simulator.url}/_sim/refunds/behaviour`, {
      method: 'PUT',
      body: JSON.stringify({ settleDelayMs: 24 * 3600_000, nextOutcome: 'SUCCESS' }),
    });
  });
  afterAll(async () => {
    await demo?.cleanup();
    await receiver?.close();
  });

  const eventsOf = (id: string) => receiver.received.filter((r) => r.event.id === id);
  const placeOrder = async () =>
    (
      await json<{ orderNo: string; codeUrl: string; amount: number }>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' }),
      })
    ).body;
  const pay = async (codeUrl: string) => {
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(codeUrl)!, 'alice');
  };

  it('a paid order reaches the endpoint once as order.paid, signed, with the order’s facts', async () => {
    const order = await placeOrder();
    await pay(order.codeUrl);
    const id = `evt_order_paid_${order.orderNo}`;
    const [delivery] = await eventually(
      async () => (eventsOf(id).length > 0 ? eventsOf(id) : undefined),
      10_000,
    );
    const stored = (
      await json<{ transactionId: string; paidAt: string }>(`${demo.url}/api/orders/${order.orderNo}`)
    ).body;
    expect(delivery!.endpoint).toBe('/erp');
    expect(delivery!.event).toMatchObject({
      type: 'order.paid',
      data: {
        orderNo: order.orderNo,
        amount: order.amount,
        transactionId: stored.transactionId,
        paidAt: stored.paidAt,
        payType: 'NATIVE',
        apiVersion: 'v3',
        productId: 'demo-coffee',
      },
    });
    expect(delivery!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    // WeChat's notification again (a duplicate): the order does not change, so no second event.
    const [notification] = (
      await json<{ id: string }[]>(`${demo.simulator.url}/_sim/notifications?outTradeNo=${order.orderNo}`)
    ).body;
    await json(`${demo.simulator.url}/_sim/notifications/${notification!.id}/resend`, {
      method: 'POST',
      body: '{}',
    });
    await new Promise((settle) => setTimeout(settle, 1500));
    expect(eventsOf(id)).toHaveLength(1);
    expect(receiver.received.filter((r) => r.endpoint === '/closed-only')).toEqual([]);
    expect(receiver.refused).toEqual([]);
  });

  it('an endpoint that fails gets the same event again, until it acknowledges', async () => {
    const order = await placeOrder();
    const id = `evt_order_paid_${order.orderNo}`;
    failFirst.add(id);
    await pay(order.codeUrl);
    const [delivery] = await eventually(
      async () => (eventsOf(id).length > 0 ? eventsOf(id) : undefined),
      15_000,
    );
    expect(failFirst.has(id)).toBe(false);
    expect(delivery!.event.data).toMatchObject({ orderNo: order.orderNo });

    // The admin sees both attempts, the refusal first, and the event exactly as delivered.
    const detail = await eventually(async () => {
      const d = await json<WebhookDetail>(
        `${demo.url}/api/admin/webhooks/deliveries/${encodeURIComponent(`${id}|erp`)}`,
        {
          headers: admin(),
        },
      );
      return d.body.status === 'delivered' ? d.body : undefined;
    });
    expect(detail).toMatchObject({
      eventType: 'order.paid',
      subject: order.orderNo,
      endpointId: 'erp',
      attempts: 2,
    });
    expect(detail.history.map((a) => [a.httpStatus, a.acked, a.manual])).toEqual([
      [500, false, false],
      [204, true, false],
    ]);
    expect(detail.event).toEqual(JSON.parse(JSON.stringify(delivery!.event)));
  }, 20_000);

  it('the admin lists endpoints without secrets and deliveries, and resends one: the same event again', async () => {
    const listed = await json<{ endpoints: { id: string }[]; deliveries: { id: string; status: string }[] }>(
      `${demo.url}/api/admin/webhooks`,
      { headers: admin() },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.endpoints.map((e) => e.id).sort()).toEqual(['closed-only', 'erp']);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    const delivered = listed.body.deliveries.find((d) => d.status === 'delivered' && d.id.endsWith('|erp'))!;
    const eventId = delivered.id.slice(0, -'|erp'.length);
    const before = eventsOf(eventId).length;
    const resent = await json<WebhookDetail>(
      `${demo.url}/api/admin/webhooks/deliveries/${encodeURIComponent(delivered.id)}/resend`,
      { method: 'POST', headers: admin() },
    );
    expect(resent.status).toBe(200);
    expect(resent.body.history.at(-1)).toMatchObject({ acked: true, manual: true });
    expect(eventsOf(eventId)).toHaveLength(before + 1);
    expect(eventsOf(eventId).at(-1)!.event.id).toBe(eventId);
    // The resend is in the audit log, by whom and what came of it.
    const audit = await json<{
      entries: { actor: string; action: string; target: string; detail: string }[];
    }>(`${demo.url}/api/admin/audit?action=webhook.resend`, { headers: admin() });
    expect(audit.body.entries[0]).toMatchObject({
      actor: 'token',
      target: `delivery ${delivered.id}`,
      detail: expect.stringMatching(/: acknowledged \(HTTP 20\d\)$/),
    });

    const unknown = await fetch(
      `${demo.url}/api/admin/webhooks/deliveries/${encodeURIComponent('evt_order_paid_X|erp')}/resend`,
      {
        method: 'POST',
        headers: admin(),
      },
    );
    expect(unknown.status).toBe(404);
    expect((await fetch(`${demo.url}/api/admin/webhooks`)).status).toBe(401);
  });

  it('a refund’s end is refund.succeeded or refund.failed', async () => {
    const paid = await placeOrder();
    await pay(paid.codeUrl);
    await eventually(
      async () => (eventsOf(`evt_order_paid_${paid.orderNo}`).length > 0 ? true : undefined),
      10_000,
    );
    const requestRefund = async (amount: number) =>
      (
        await json<{ refundNo: string }>(`${demo.url}/api/orders/${paid.orderNo}/refunds`, {
          method: 'POST',
          headers: admin(),
          body: JSON.stringify({ amount, reason: 'webhook test' }),
        })
      ).body.refundNo;
    const settle = (refundNo: string, outcome: string) =>
      json(`${demo.simulator.url}/_sim/refunds/${demo.simulator.merchant.mchid}/${refundNo}/settle`, {
        method: 'POST',
        body: JSON.stringify({ outcome }),
      });
    const succeeded = await requestRefund(100);
    await settle(succeeded, 'SUCCESS');
    const [success] = await eventually(
      async () =>
        eventsOf(`evt_refund_succeeded_${succeeded}`).length > 0
          ? eventsOf(`evt_refund_succeeded_${succeeded}`)
          : undefined,
      10_000,
    );
    expect(success!.event.data).toMatchObject({ refundNo: succeeded, orderNo: paid.orderNo, amount: 100 });

    const abnormal = await requestRefund(200);
    await settle(abnormal, 'ABNORMAL');
    const [failed] = await eventually(
      async () =>
        eventsOf(`evt_refund_failed_${abnormal}`).length > 0
          ? eventsOf(`evt_refund_failed_${abnormal}`)
          : undefined,
      10_000,
    );
    expect(failed!.event.data).toMatchObject({ refundNo: abnormal, amount: 200, state: 'ABNORMAL' });
  });

  it('an unpaid order closed on timeout is order.closed, also for the endpoint that wants only that', async () => {
    const order = await placeOrder();
    await json(`${demo.simulator.url}/_sim/clock/advance`, {
      method: 'POST',
      body: JSON.stringify({ minutes: 16 }),
    });
    const id = `evt_order_closed_${order.orderNo}`;
    const deliveries = await eventually(
      async () => (eventsOf(id).length >= 2 ? eventsOf(id) : undefined),
      15_000,
    );
    expect(deliveries.map((d) => d.endpoint).sort()).toEqual(['/closed-only', '/erp']);
    expect(deliveries[0]!.event.data).toMatchObject({ orderNo: order.orderNo, amount: order.amount });
  }, 20_000);
}
