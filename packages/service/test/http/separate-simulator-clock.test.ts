/**
 * `wxpay start` against a `wxpay sim` of its own: the service keeps real time while the simulator's
 * clock is moved. WeChat checks and signs timestamps on real time, so neither the service's requests
 * nor the simulator's notifications may go stale because the simulated clock jumped.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { eventually, json } from './demo-harness.js';
import { useServiceBesideSimulator } from './service-beside-simulator.js';

type OrderBody = { orderNo: string; state: string; codeUrl?: string };

/** The notify URL must name the service's port before it listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// About clocks, not storage: SQLite only (the engines are covered by every other HTTP suite).
describe('a service on real time against a simulator whose clock moved', () => {
  // No clock option: the service runs on the machine's clock, as when started on its own.
  const running = useServiceBesideSimulator('real-clock', async (simulator) => {
    const port = await freePort();
    return {
      config: {
        port,
        publicUrl: `http://127.0.0.1:${port}`,
        orderTtlMinutes: 60,
        wechat: { ...simulatorCredentials(simulator.merchant), apiVersion: 'v3' },
      },
    };
  });

  it('orders, and accepts the payment notification, after the simulated clock jumped 30 minutes', async () => {
    running.simulator.ctx.clock.advance(30 * 60_000);
    const created = await json<OrderBody>(`${running.service.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE', apiVersion: 'v3' }),
    });
    expect(created.status).toBe(201);
    const trade = running.simulator.ctx.trades.lookup(created.body.codeUrl!)!;
    running.simulator.ctx.trades.pay(trade, 'alice');
    await eventually(async () => {
      const order = await json<OrderBody>(`${running.service.url}/api/orders/${created.body.orderNo}`);
      return order.body.state === 'PAID' ? order : undefined;
    });
    const [notification] = running.simulator.ctx.notifier.list({ outTradeNo: trade.outTradeNo });
    expect(notification).toMatchObject({ status: 'delivered' });
  });
});
