import { expect, it } from 'vitest';
import { json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

describeOnEngines('the back office’s live order events', (engine) => {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });

  /** Reads `event: state` payloads from the admin stream until `until` matches one. */
  async function watch(
    until: (event: { orderNo: string; state: string }) => boolean,
    opened: () => Promise<void>,
  ) {
    const controller = new AbortController();
    const response = await fetch(`${demo.url}/api/admin/events`, {
      headers: { Authorization: `Bearer ${demo.adminToken}`, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const seen: { orderNo: string; state: string }[] = [];
    let buffer = '';
    await opened();
    const timer = setTimeout(() => controller.abort(), 10_000);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const data = buffer
            .slice(0, cut)
            .split('\n')
            .find((line) => line.startsWith('data: '));
          buffer = buffer.slice(cut + 2);
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { orderNo: string; state: string };
          seen.push(event);
          if (until(event)) return seen;
        }
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return seen;
  }

  it('streams every order’s state changes to a signed-in admin, and nothing to anyone else', async () => {
    expect((await fetch(`${demo.url}/api/admin/events`)).status).toBe(401);
    let orderNo = '';
    const seen = await watch(
      (event) => event.orderNo === orderNo && event.state === 'PAID',
      async () => {
        const created = await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
          method: 'POST',
          body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
        });
        orderNo = created.body.orderNo;
        const trades = demo.simulator.ctx.trades;
        trades.pay(trades.lookup(created.body.codeUrl)!, 'alice');
      },
    );
    expect(seen.filter((e) => e.orderNo === orderNo).map((e) => e.state)).toEqual(['PAID']);
  });
});
