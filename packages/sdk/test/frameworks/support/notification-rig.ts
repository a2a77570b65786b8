import type { RunningSimulator } from '@wechatpay-kit/simulator';
import type {
  NotificationEndpoint,
  NotificationErrorInfo,
} from '../../../src/frameworks/notification-endpoint.js';
import { productCallbackEndpoint } from '../../../src/frameworks/product-callback-endpoint.js';
import {
  v2PaymentNotificationEndpoint,
  v2RefundNotificationEndpoint,
} from '../../../src/frameworks/v2-notification-endpoints.js';
import { v3NotificationEndpoint } from '../../../src/frameworks/v3-notification-endpoint.js';
import { V2Client } from '../../../src/v2/v2-client.js';
import { V3Client } from '../../../src/v3/v3-client.js';
import { fixtures } from '../../support/fixtures.js';
import { PARSED_PATH } from './framework-apps.js';
import { fixtureParser } from './notification-fixtures.js';

/**
 * The merchant side of the tests: SDK clients on the simulator's demo merchant, the callback
 * endpoints every app mounts, and what their handlers received and their `onError` was told.
 */
export const rig = {
  sim: undefined as unknown as RunningSimulator,
  v3: undefined as unknown as V3Client,
  v2: undefined as unknown as V2Client,
};
let seq = 0;
export const received: { route: string; event: unknown }[] = [];
export const errors: { error: unknown; info: NotificationErrorInfo }[] = [];
const onError = (error: unknown, info: NotificationErrorInfo) => errors.push({ error, info });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const got = (route: string) => received.filter((r) => r.route === route).map((r) => r.event);
export const outTradeNo = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

export async function waitFor<T>(probe: () => T | undefined, what: string, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export async function control(
  method: string,
  path: string,
  body: unknown = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${rig.sim.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export function routes(): Record<string, NotificationEndpoint> {
  const record = (route: string) => async (event: unknown) => {
    received.push({ route, event });
  };
  const m = rig.sim.merchant;
  return {
    '/sim/v3': v3NotificationEndpoint(
      rig.v3,
      { 'TRANSACTION.SUCCESS': record('/sim/v3'), 'REFUND.SUCCESS': record('/sim/v3') },
      { onError },
    ),
    '/sim/v2': v2PaymentNotificationEndpoint(m.apiKey, record('/sim/v2'), { onError }),
    '/sim/mode1': productCallbackEndpoint(
      async (callback) => {
        received.push({ route: '/sim/mode1', event: callback });
        const order = await rig.v2.unifiedOrder({
          trade_type: 'NATIVE',
          product_id: callback.product_id,
          openid: callback.openid,
          body: `商品 ${callback.product_id}`,
          out_trade_no: outTradeNo('M1'),
          total_fee: 990,
          spbill_create_ip: '203.0.113.7',
          notify_url: 'http://127.0.0.1:9/notify',
        });
        return { prepay_id: order.prepay_id };
      },
      { apiKey: m.apiKey, mchid: m.mchid, onError },
    ),
    '/fx/v3': v3NotificationEndpoint(
      fixtureParser,
      { 'TRANSACTION.SUCCESS': record('/fx/v3'), 'REFUND.SUCCESS': record('/fx/v3') },
      { onError },
    ),
    '/fx/v2/refund': v2RefundNotificationEndpoint(fixtures.apiKey, record('/fx/v2/refund'), { onError }),
    '/fx/throws': v3NotificationEndpoint(
      fixtureParser,
      {
        'TRANSACTION.SUCCESS': async () => {
          throw new Error('database is down at 10.0.0.7');
        },
      },
      { onError },
    ),
    '/fx/slow': v3NotificationEndpoint(
      fixtureParser,
      {
        'TRANSACTION.SUCCESS': async () => {
          await sleep(600);
          throw new Error('gave up late');
        },
      },
      { onError, timeoutMs: 300 },
    ),
    [PARSED_PATH]: v3NotificationEndpoint(
      fixtureParser,
      { 'TRANSACTION.SUCCESS': record(PARSED_PATH) },
      { onError },
    ),
  };
}

/** Starts the SDK clients on the simulator's demo merchant (public-key mode, as new merchants have). */
export function connectClients(sim: RunningSimulator): void {
  const m = sim.merchant;
  rig.sim = sim;
  rig.v3 = new V3Client({
    mchid: m.mchid,
    serialNo: m.serialNo,
    privateKey: m.privateKeyPem,
    apiV3Key: m.apiV3Key,
    verification: { mode: 'public-key', publicKeyId: m.publicKeyId, publicKey: m.publicKeyPem },
    baseUrl: sim.url,
  });
  rig.v2 = new V2Client({ appid: m.appid, mchid: m.mchid, apiKey: m.apiKey, baseUrl: sim.url });
}

/** Pays the order at the simulator and waits until its payment notification was answered. */
export async function paidAndAnswered(no: string): Promise<{ acked: boolean; httpStatus?: number }> {
  await control('POST', `/orders/${no}/pay`);
  return answeredNotification(no, 'payment');
}

/** The order's last answered notification of that kind, once the simulator has the merchant's answer. */
export async function answeredNotification(
  no: string,
  kind: 'payment' | 'refund',
): Promise<{ acked: boolean; httpStatus?: number }> {
  type Detail = {
    notifications: {
      kind: string;
      lastAttempt?: { acked: boolean; httpStatus?: number; durationMs?: number };
    }[];
  };
  const deadline = Date.now() + 5_000;
  for (;;) {
    const detail = (await fetch(`${rig.sim.url}/_sim/orders/${no}`).then((r) => r.json())) as Detail;
    const attempt = detail.notifications.find((n) => n.kind === kind)?.lastAttempt;
    if (attempt?.durationMs !== undefined) return attempt;
    if (Date.now() > deadline) throw new Error(`no answered notification for ${no}`);
    await sleep(20);
  }
}
