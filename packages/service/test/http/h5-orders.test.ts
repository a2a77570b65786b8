import { expect, it } from 'vitest';
import { json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

interface OrderBody {
  orderNo: string;
  state: string;
  h5Url?: string;
}

describeOnEngines('H5 orders: WeChat’s cashier URL with the way back appended', (engine) => {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });

  for (const apiVersion of ['v2', 'v3'] as const) {
    it(`${apiVersion}: h5Url is the checkmweb URL plus redirect_url (URL-encoded) to the shopper's order page`, async () => {
      const created = await json<OrderBody>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-tea', payType: 'H5', apiVersion }),
      });
      expect(created.status).toBe(201);
      const { orderNo, h5Url } = created.body;
      const back = `${demo.url}/h5/orders/${orderNo}`;
      expect(h5Url).toMatch(
        new RegExp(
          `^${demo.simulator.url}/cgi-bin/mmpayweb-bin/checkmweb\\?prepay_id=wx\\w+&package=\\d{10}&redirect_url=`,
        ),
      );
      expect(h5Url!.endsWith(`&redirect_url=${encodeURIComponent(back)}`)).toBe(true);
      expect((await json<OrderBody>(`${demo.url}/api/orders/${orderNo}`)).body.h5Url).toBe(h5Url);

      // The demo merchant's H5 pay domain is the service's host: its pages open the cashier, others do not.
      const open = (referer: string) => fetch(h5Url!, { headers: { referer } });
      const ours = await open(`${demo.url}/h5`);
      expect(ours.status).toBe(200);
      expect(await ours.text()).toContain(`data-redirect-url="${back}"`);
      expect((await open('http://shop.example/h5')).status).toBe(403);

      const page = await fetch(back);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/assets/h5-order.js');
    });
  }

  it('serves the H5 shop and refuses an order page path that is no order number', async () => {
    const shop = await fetch(`${demo.url}/h5`);
    expect(shop.status).toBe(200);
    expect(await shop.text()).toContain('<meta name="referrer" content="strict-origin-when-cross-origin" />');
    expect((await fetch(`${demo.url}/assets/h5.js`)).status).toBe(200);
    expect((await fetch(`${demo.url}/h5/orders/${encodeURIComponent('<script>')}`)).status).toBe(400);
  });
});
