import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhook } from '@wechatpay-kit/sdk/webhooks';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { eventually, json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin webhook endpoints e2e');

describe.skipIf(!hasChromium)(
  'the admin adds, edits, rotates and disables webhook endpoints in Chromium',
  () => {
    let demo: TestDemo;
    let browser: Browser;
    let receiver: Server;
    let port = 0;
    const received: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

    beforeAll(async () => {
      receiver = createServer(async (request, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(204).end();
      });
      await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
      port = (receiver.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((closed) => receiver?.close(closed));
    });
    useBrowserDemo((started) => {
      ({ demo, browser } = started);
    });

    const payAnOrder = async () => {
      const created = await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
      });
      const trades = demo.simulator.ctx.trades;
      trades.pay(trades.lookup(created.body.codeUrl)!, 'alice');
      const id = `evt_order_paid_${created.body.orderNo}`;
      return eventually(
        async () => received.find((d) => d.headers['x-wechatpay-kit-event-id'] === id),
        10_000,
      );
    };
    const verifiesWith = (delivery: { headers: IncomingHttpHeaders; body: Buffer }, secret: string) => {
      try {
        parseWebhook(delivery.headers, delivery.body, secret);
        return true;
      } catch {
        return false;
      }
    };

    it('the secret is shown once and signs the deliveries; edit, rotate and disable from the page', {
      timeout: 40_000,
    }, async () => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(`${demo.url}/admin`);
      await page.locator('#token').fill(demo.adminToken);
      await page.locator('#login button[type=submit]').click();
      await page.locator('[data-tab=webhooks]').click();
      await page.locator('#webhook-endpoints').getByText('还没有地址').waitFor();

      await page.locator('#endpoint-url').fill(`http://127.0.0.1:${port}/erp`);
      await page.locator('#endpoint-description').fill('ERP 订单系统');
      await page.locator('#endpoint-form button[type=submit]').click();
      await page.locator('#endpoint-secret').waitFor();
      const secret = await page.locator('#endpoint-secret-value').inputValue();
      expect(secret).toMatch(/^whsec_/);
      const row = page.locator('#webhook-endpoints tr[data-endpoint-id^="we_"]');
      await row.waitFor();
      expect(await row.textContent()).toContain('order.paid, refund.succeeded');
      expect(await page.locator('#webhook-endpoints').textContent()).not.toContain(secret);
      await page.screenshot({ path: `${ARTIFACTS}admin-webhook-endpoint-secret.png` });
      await page.locator('#endpoint-secret-done').click();
      expect(await page.locator('#endpoint-secret').isHidden()).toBe(true);
      expect(await page.content()).not.toContain(secret);

      const first = await payAnOrder();
      expect(first.path).toBe('/erp');
      expect(verifiesWith(first, secret)).toBe(true);

      await row.getByRole('button', { name: '编辑' }).click();
      expect(await page.locator('#endpoint-url').inputValue()).toBe(`http://127.0.0.1:${port}/erp`);
      await page.locator('#endpoint-description').fill('ERP 订单系统（生产）');
      await page.locator('#endpoint-events input[value="order.closed"]').check();
      await page.locator('#endpoint-form button[type=submit]').click();
      await expect.poll(() => row.textContent()).toContain('order.paid, order.closed, refund.succeeded');
      expect(await row.textContent()).toContain('ERP 订单系统（生产）');
      expect(await page.locator('#endpoint-secret').isHidden()).toBe(true);

      await row.getByRole('button', { name: '更换密钥' }).click();
      await page.locator('#endpoint-secret').waitFor();
      const rotated = await page.locator('#endpoint-secret-value').inputValue();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await expect.poll(() => row.textContent()).toContain('旧密钥同时签名至');
      const during = await payAnOrder();
      expect(verifiesWith(during, secret)).toBe(true);
      expect(verifiesWith(during, rotated)).toBe(true);
      await page.locator('#endpoint-secret-done').click();

      await row.getByRole('button', { name: '停用' }).click();
      await expect.poll(() => row.getAttribute('data-enabled')).toBe('false');
      expect(await row.textContent()).toContain('已停用');
      await row.getByRole('button', { name: '启用' }).waitFor();
      const before = received.length;
      await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
        method: 'POST',
        body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
      }).then(({ body }) =>
        demo.simulator.ctx.trades.pay(demo.simulator.ctx.trades.lookup(body.codeUrl)!, 'bob'),
      );
      await new Promise((settle) => setTimeout(settle, 2000));
      expect(received.length).toBe(before);
      expect(await page.content()).not.toContain(rotated);
      await page.screenshot({ path: `${ARTIFACTS}admin-webhook-endpoints.png`, fullPage: true });
    });
  },
);
