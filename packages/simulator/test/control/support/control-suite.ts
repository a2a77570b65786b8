import type { V3Client } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../../src/index.js';
import { hookFixtures } from '../../support/hook-fixtures.js';
import { type ControlCall, controlClient } from './control-client.js';
import { type NotifyReceiver, startNotifyReceiver, v3ClientFor } from './merchant-kit.js';

/** An order of the demo merchant as the tests vary it; everything else is fixed. */
export interface SuiteOrder {
  outTradeNo: string;
  description: string;
  /** Fen. */
  total: number;
}

/** What a control test works against; read inside hooks and tests, once the suite has started. */
export interface ControlSuite {
  readonly sim: RunningSimulator;
  /** The control API (`/_sim/...`) over real HTTP. */
  readonly call: ControlCall;
  /** Our SDK's v3 client for the demo merchant. */
  readonly client: V3Client;
  /** The demo merchant's notify endpoint, verifying callbacks with `client`. */
  readonly merchant: NotifyReceiver;
  /** Places a v3 Native order through `client`, notified to `merchant`. */
  nativeOrder(order: SuiteOrder): ReturnType<V3Client['transactions']['native']>;
  /** Places a v3 JSAPI order for `openid` through `client`, notified to `merchant`. */
  jsapiOrder(order: SuiteOrder & { openid: string }): ReturnType<V3Client['transactions']['jsapi']>;
}

/**
 * Registers the hooks of a control suite: one simulator, its control API, our SDK's client for the
 * demo merchant (on real time, like any merchant: the simulator checks and signs timestamps on real
 * time, however far its clock moved) and that merchant's notify endpoint, for the whole `describe`.
 * Hooks the suite adds afterwards run after these start and before these stop.
 */
export function useControlSuite(): ControlSuite {
  const { view, made, fill } = hookFixtures<ControlSuite>();
  fill({
    nativeOrder: ({ outTradeNo, description, total }) =>
      view.client.transactions.native({
        appid: view.sim.merchant.appid,
        description,
        out_trade_no: outTradeNo,
        notify_url: view.merchant.url,
        amount: { total },
      }),
    jsapiOrder: ({ outTradeNo, description, total, openid }) =>
      view.client.transactions.jsapi({
        appid: view.sim.merchant.appid,
        description,
        out_trade_no: outTradeNo,
        notify_url: view.merchant.url,
        amount: { total },
        payer: { openid },
      }),
  });

  beforeAll(async () => {
    const sim = await startSimulator({ port: 0 });
    const client = v3ClientFor(sim.merchant, sim.url);
    fill({ sim, call: controlClient(sim.url), client });
    fill({ merchant: await startNotifyReceiver(client) });
  });
  afterAll(async () => {
    await made.client?.close();
    await made.merchant?.close();
    await made.sim?.stop();
  });

  return view;
}
