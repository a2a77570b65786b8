/**
 * Reconciliation of a merchant on API v2 only (`downloadbill`, no digest, no fund-flow bill), and
 * what a person is told about a difference: an error log line naming it and a signed
 * `reconciliation.discrepancy` webhook. Also: v2's ambiguous "No Bill Exist" on a day without
 * payments here is an empty, balanced day, not a wait.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KitWebhookEvent, parseWebhook } from '@wechatpay-kit/sdk/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import type { WechatCredentials } from '../../src/config/service-config.js';
import { eventually, json } from './demo-harness.js';
import { useServiceBesideSimulator } from './service-beside-simulator.js';

const SECRET = 'whsec_reconciliation_alerts_0123456789';
const DAY_MS = 86_400_000;

describe('v2 reconciliation and its alerts', () => {
  const lines: Array<{ level: string; data: Record<string, unknown>; message: string }> = [];
  const record = (level: string) => (data: object, message: string) =>
    lines.push({ level, data: data as Record<string, unknown>, message });
  const events: KitWebhookEvent[] = [];
  let receiver: Server;
  let port = 0;

  beforeAll(async () => {
    receiver = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      events.push(parseWebhook(request.headers, Buffer.concat(chunks), SECRET));
      response.writeHead(204).end();
    });
    await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((closed) => receiver?.close(closed));
  });

  const running = useServiceBesideSimulator('reconciliation-v2', (simulator) => {
    const wechat: WechatCredentials = { ...simulatorCredentials(simulator.merchant), apiVersion: 'v2' };
    for (const field of ['apiV3Key', 'serialNo', 'publicKeyId', 'publicKeyPem', 'privateKeyPem'] as const) {
      delete wechat[field];
    }
    return {
      config: {
        wechat,
        webhooks: [{ id: 'ops', url: `http://127.0.0.1:${port}/hooks`, secret: SECRET }],
        reconciliation: { enabled: true, runAt: { hour: 10, minute: 0 }, feeRateBasisPoints: 60 },
      },
      options: {
        clock: { now: () => new Date(simulator.ctx.clock.now()) },
        logger: { info: record('info'), warn: record('warn'), error: record('error') },
        jobPollIntervalMs: 50,
      },
    };
  });

  it('reconciles over downloadbill, repairs the lost payment, and alerts on the unknown order', async () => {
    const { service, simulator } = running;
    const admin = { Authorization: `Bearer ${service.config.adminToken}` };
    const sim = (path: string, body: unknown) =>
      json(`${simulator.url}/_sim${path}`, { method: 'POST', body: JSON.stringify(body) });
    const china = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    // Yesterday's run is due at 10:00 China time today: before that hour (a CI run after 02:00 UTC
    // is not guaranteed) the business clock is moved past it, so the test holds at any hour.
    const todaysRun = Date.parse(`${china(simulator.ctx.clock.now())}T10:00:00+08:00`);
    if (simulator.ctx.clock.now() < todaysRun + 60_000) {
      await sim('/clock/advance', {
        minutes: Math.ceil((todaysRun + 60_000 - simulator.ctx.clock.now()) / 60_000) + 1,
      });
    }
    const day = china(simulator.ctx.clock.now());

    // Yesterday had nothing: "No Bill Exist" with nothing paid here is a balanced, empty day.
    const yesterday = china(simulator.ctx.clock.now() - DAY_MS);
    const empty = await eventually(async () => {
      const answer = await json<{ reconciliation?: { status: string; billRows: number } }>(
        `${service.url}/api/admin/reconciliations/${yesterday}`,
        { headers: admin },
      );
      return answer.body.reconciliation?.status === 'BALANCED' ? answer.body.reconciliation : undefined;
    });
    expect(empty.billRows).toBe(0);

    const created = await json<{ orderNo: string }>(`${service.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v2' }),
    });
    expect(created.status).toBe(201);
    await sim(`/orders/${created.body.orderNo}/pay`, { lose: true });
    const unrecorded = `TILLV2${Date.now()}`;
    expect((await sim('/orders', { amount: 2500, outTradeNo: unrecorded, apiVersion: 'v2' })).status).toBe(
      201,
    );

    const runAt = Date.parse(`${day}T10:00:00+08:00`) + DAY_MS;
    await sim('/clock/advance', { minutes: Math.ceil((runAt - simulator.ctx.clock.now()) / 60_000) + 1 });
    const found = await eventually(async () => {
      const answer = await json<{
        reconciliation?: {
          status: string;
          apiVersion: string;
          billRows: number;
          billHash?: string;
          fundFlow?: unknown;
        };
        discrepancies: Array<{ id: number; kind: string; orderNo: string; resolution: string }>;
      }>(`${service.url}/api/admin/reconciliations/${day}`, { headers: admin });
      return answer.body.reconciliation?.status === 'UNBALANCED' ? answer.body : undefined;
    }, 15_000);
    expect(found.reconciliation).toMatchObject({ apiVersion: 'v2', billRows: 2 });
    expect(found.reconciliation?.billHash).toBeUndefined();
    expect(found.reconciliation?.fundFlow).toBeUndefined();
    expect(found.discrepancies.map((d) => [d.kind, d.orderNo, d.resolution]).sort()).toEqual(
      [
        ['PAID_AT_WECHAT_ONLY', created.body.orderNo, 'repaired'],
        ['UNKNOWN_ORDER', unrecorded, 'open'],
      ].sort(),
    );
    const order = await json<{ state: string }>(`${service.url}/api/orders/${created.body.orderNo}`);
    expect(order.body.state).toBe('PAID');

    const logged = lines.find(
      (l) => l.level === 'error' && l.message.startsWith('reconciliation discrepancy UNKNOWN_ORDER'),
    );
    expect(logged?.data).toMatchObject({ kind: 'UNKNOWN_ORDER', orderNo: unrecorded, wechatFen: 2500 });
    expect(lines.some((l) => l.message.startsWith('reconciliation discrepancy PAID_AT_WECHAT_ONLY'))).toBe(
      false,
    );

    const unknownId = found.discrepancies.find((d) => d.kind === 'UNKNOWN_ORDER')!.id;
    const alert = await eventually(async () => events.find((e) => e.type === 'reconciliation.discrepancy'));
    expect(alert).toMatchObject({
      id: `evt_reconciliation_discrepancy_${unknownId}`,
      data: { date: day, kind: 'UNKNOWN_ORDER', orderNo: unrecorded, wechatAmount: 2500 },
    });
    expect(events.filter((e) => e.type === 'reconciliation.discrepancy')).toHaveLength(1);
  });
});
