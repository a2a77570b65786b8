import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhook } from '@wechatpay-kit/sdk/webhooks';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { eventually, json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin webhooks e2e');

const SECRET = 'whsec_e2e_admin_webhooks_0123456789';

describe.skipIf(!hasChromium)('the admin’s webhook tab in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  let receiver: Server;
  let port = 0;
  const received: string[] = [];
  let refuse = true;

  beforeAll(async () => {
    receiver = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const event = parseWebhook(request.headers, Buffer.concat(chunks), SECRET);
      if (refuse) {
        response.writeHead(503).end();
        return;
      }
      received.push(event.id);
      response.writeHead(204).end();
    });
    await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((closed) => receiver?.close(closed));
  });
  // The port is known only once the receiver listens, so the endpoint reads it when the demo starts.
  useBrowserDemo(
    (started) => {
      ({ demo, browser } = started);
    },
    {
      get webhooks() {
        return [{ id: 'erp', url: `http://127.0.0.1:${port}/hooks`, secret: SECRET }];
      },
    },
  );

  it('shows a refused delivery, and a resend from the page reaches the endpoint', {
    timeout: 30_000,
  }, async () => {
    const created = await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(created.body.codeUrl)!, 'alice');
    const deliveryId = `evt_order_paid_${created.body.orderNo}|erp`;
    await eventually(async () => {
      const detail = await json<{ attempts: number }>(
        `${demo.url}/api/admin/webhooks/deliveries/${encodeURIComponent(deliveryId)}`,
        { headers: { Authorization: `Bearer ${demo.adminToken}` } },
      );
      return detail.status === 200 && detail.body.attempts > 0 ? true : undefined;
    });

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${demo.url}/admin`);
    await page.locator('#token').fill(demo.adminToken);
    await page.locator('#login button[type=submit]').click();
    await page.locator('[data-tab=webhooks]').click();
    const row = page.locator(`#webhook-rows tr[data-delivery-id="${deliveryId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('pending');
    expect(await row.textContent()).toContain('HTTP 503');
    expect(await page.locator('#webhook-endpoints').textContent()).toContain(`127.0.0.1:${port}/hooks`);
    expect(await page.content()).not.toContain(SECRET);

    refuse = false;
    await row.locator('button').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('delivered');
    expect(await page.locator('#webhook-notice').textContent()).toContain('已重发并确认');
    expect(received).toContain(`evt_order_paid_${created.body.orderNo}`);
    await page.screenshot({ path: `${ARTIFACTS}admin-webhooks.png` });
    // The retry scheduled after the refusal finds the delivery acknowledged and sends nothing more.
    await new Promise((wait) => setTimeout(wait, 6000));
    expect(received.filter((id) => id === `evt_order_paid_${created.body.orderNo}`)).toHaveLength(1);
  });
});
