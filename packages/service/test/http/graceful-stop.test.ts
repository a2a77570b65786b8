import { describe, expect, it } from 'vitest';
import { json, readEvents, startTestDemo } from './demo-harness.js';

describe('graceful stop', () => {
  it('ends open SSE streams, stops listening and closes the database', async () => {
    const demo = await startTestDemo();
    const created = await json<{ orderNo: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    let stopping: Promise<void> | undefined;
    const stream = await readEvents(
      `${demo.url}/api/orders/${created.body.orderNo}/events`,
      () => false,
      () => {
        stopping = demo.cleanup();
      },
    );
    await stopping;
    expect(stream).toEqual({ states: ['NOTPAY'], ended: true });
    await expect(fetch(`${demo.url}/health`)).rejects.toThrow();
  });
});
