import { v2Verify } from '@wechatpay-kit/sdk/crypto';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { eventually, json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('Native mode-1 e2e');

describe.skipIf(!hasChromium)('Native mode 1 (poster QR) in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  it("poster QR on the checkout page → scanned on the simulated phone → paid → the scanner's order is PAID", async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 900 }, deviceScaleFactor: 2 });
    const shop = await context.newPage();
    const pageErrors: string[] = [];
    shop.on('pageerror', (error) => pageErrors.push(error.message));
    await shop.goto(`${demo.url}/`);
    const card = shop.locator('.card', { has: shop.locator('button[data-product-id="demo-coffee"]') });
    await card.locator('.poster summary').click();
    const urlText = shop.getByTestId('poster-url-demo-coffee');
    await urlText.waitFor({ state: 'visible' });
    const bizpayurl = (await urlText.textContent()) ?? '';
    expect(bizpayurl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?sign=/);
    const query = Object.fromEntries(new URLSearchParams(bizpayurl.split('?')[1]));
    expect(query.product_id).toBe('demo-coffee');
    expect(() => v2Verify(query, demo.simulator.merchant.apiKey, 'MD5')).not.toThrow();
    const image = card.locator('.poster-body img');
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    const phoneLink = await shop.getByTestId('poster-phone-demo-coffee').getAttribute('href');
    expect(phoneLink).toBe(`${demo.simulator.url}/_sim/phone?code_url=${encodeURIComponent(bizpayurl)}`);
    await card.scrollIntoViewIfNeeded();
    await shop.screenshot({ path: `${ARTIFACTS}mode1-poster-qr.png` });

    const bob = demo.simulator.ctx.users.openid('bob', demo.simulator.merchant.appid);
    const ordersOfBob = () =>
      demo.service.database.db.selectFrom('orders').selectAll().where('openid', '=', bob).execute();
    expect(await ordersOfBob()).toEqual([]);
    const phone = await context.newPage();
    await phone.goto(`${demo.simulator.url}/_sim/phone`);
    await phone.getByTestId('user-select').selectOption('bob');
    await phone.getByTestId('scan-input').fill(bizpayurl);
    await phone.getByTestId('scan-button').click();
    await expect.poll(() => phone.getByTestId('amount').textContent()).toBe('¥9.90');
    await phone.screenshot({ path: `${ARTIFACTS}mode1-phone-scanned.png` });

    // The scan made WeChat call the service back: exactly one new order, for bob, as a v2 NATIVE order.
    const created = await ordersOfBob();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      product_id: 'demo-coffee',
      openid: bob,
      api_version: 'v2',
      pay_type: 'NATIVE',
    });

    await phone.getByTestId('pay').click();
    await phone.getByTestId('result').waitFor({ state: 'visible' });
    await phone.screenshot({ path: `${ARTIFACTS}mode1-phone-paid.png` });

    const orderNo = created[0]!.order_no;
    const paid = await eventually(async () => {
      const { body } = await json<{ state: string; transactionId?: string }>(
        `${demo.url}/api/orders/${orderNo}`,
      );
      return body.state === 'PAID' ? body : undefined;
    }, 15_000);
    expect(paid.transactionId).toBe(await phone.getByTestId('transaction-id').textContent());
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
