import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import type { TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('checkout e2e');

describe.skipIf(!hasChromium)('checkout page in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  it('buy, pay on the simulated phone, and the open dialog turns to paid without a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 820 }, deviceScaleFactor: 2 });
    const shop = await context.newPage();
    const pageErrors: string[] = [];
    shop.on('pageerror', (error) => pageErrors.push(error.message));
    let navigations = 0;
    shop.on('framenavigated', (frame) => {
      if (frame === shop.mainFrame()) navigations += 1;
    });
    await shop.goto(`${demo.url}/`);
    await shop.locator('.card').first().waitFor();
    await shop.screenshot({ path: `${ARTIFACTS}checkout-products.png`, fullPage: true });

    await shop.locator('button[data-product-id="demo-coffee"]').click();
    await shop.locator('#pay-qr-img').waitFor({ state: 'visible' });
    expect(await shop.locator('#pay-amount').textContent()).toBe('¥9.90');
    await expect.poll(() => shop.locator('#pay-countdown').textContent()).toMatch(/^1[45]:\d\d$/);
    const link = shop.locator('#pay-sim-link');
    await link.waitFor({ state: 'visible' });
    const phoneUrl = (await link.getAttribute('href')) ?? '';
    expect(phoneUrl.startsWith(`${demo.simulator.url}/_sim/phone?code_url=weixin%3A%2F%2F`)).toBe(true);
    await shop.screenshot({ path: `${ARTIFACTS}checkout-qr.png` });

    const phone = await context.newPage();
    await phone.goto(phoneUrl);
    await expect.poll(() => phone.getByTestId('amount').textContent()).toBe('¥9.90');
    await phone.getByTestId('user-select').selectOption('alice');
    await phone.getByTestId('pay').click();
    await phone.getByTestId('result').waitFor({ state: 'visible' });

    await shop.bringToFront();
    const result = shop.locator('#pay-result');
    await result.waitFor({ state: 'visible' });
    expect(await result.getAttribute('data-state')).toBe('PAID');
    expect(await shop.locator('#pay-result-title').textContent()).toBe('支付成功');
    await expect.poll(() => shop.locator('#pay-result-meta').textContent()).toMatch(/4200\d{24}/);
    expect(await shop.locator('#pay-waiting').isHidden()).toBe(true);
    expect(await shop.locator('#pay-sim-link').isHidden()).toBe(true);
    expect(navigations).toBe(1);
    expect(pageErrors).toEqual([]);
    await shop.screenshot({ path: `${ARTIFACTS}checkout-paid.png` });
    expect(await shop.getByTestId('pay-receipt').getAttribute('href')).toMatch(/^\/orders\/\d{14}/);

    // "My orders" is the shopper's own list (this browser's orders) and receipt, not the back office.
    // A string, so the test runner's transform leaves the page's own globals alone.
    const orderNo = await shop.evaluate<string>(
      `JSON.parse(localStorage.getItem('wechatpay-kit.my-orders'))[0]`,
    );
    const mine = await context.newPage();
    await mine.goto(`${demo.url}/`);
    expect(await mine.getByTestId('my-orders-link').getAttribute('href')).toBe('/orders');
    await mine.getByTestId('my-orders-link').click();
    const entry = mine.locator(`a.my-order[data-state="PAID"]`).first();
    await entry.waitFor();
    expect(await entry.getAttribute('data-order-no')).toBe(orderNo);
    expect(await entry.textContent()).toContain('¥9.90');
    await entry.click();
    await expect.poll(() => mine.getByTestId('h5-order-state').textContent()).toContain('支付成功');
    expect(mine.url()).toMatch(/\/orders\/\d{14}/);
    await mine.close();
    await shop.getByTestId('pay-continue').click();
    expect(await shop.locator('#pay-dialog').isVisible()).toBe(false);

    const admin = await context.newPage();
    await admin.goto(`${demo.url}/admin`);
    await admin.locator('#token').fill(demo.adminToken);
    await admin.locator('#login button[type=submit]').click();
    await admin.locator('#rows tr').first().waitFor();
    expect(await admin.locator('#rows .badge').first().textContent()).toBe('PAID');
    await admin.setViewportSize({ width: 1100, height: 500 });
    await admin.screenshot({ path: `${ARTIFACTS}admin-orders.png` });
    await context.close();
  });

  it('lays out at 390 px: a two-row header, single-line links, an opened poster QR stretches only its own card', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await page.goto(`${demo.url}/`);
    await page.locator('.card').nth(1).waitFor();
    const header = (await page.locator('.topbar').boundingBox())!;
    expect(header.height).toBeLessThan(100);
    for (const id of ['open-jsapi', 'open-h5', 'my-orders-link']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.height, id).toBeLessThan(24);
    }
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const cards = page.locator('.card');
    const neighbour = (await cards.nth(1).boundingBox())!.height;
    await cards.nth(0).locator('details.poster summary').click();
    await cards.nth(0).locator('.poster-body img').waitFor();
    expect((await cards.nth(0).boundingBox())!.height).toBeGreaterThan(neighbour);
    expect((await cards.nth(1).boundingBox())!.height).toBe(neighbour);
    await page.screenshot({ path: `${ARTIFACTS}checkout-mobile-390.png` });
    await page.close();
  });

  it('tells the shopper in a sentence when the prepay fails, and the retry button brings the QR code', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 820 }, deviceScaleFactor: 2 });
    demo.simulator.ctx.faults.setApiFaults([{ api: 'v3.transactions.native', kind: 'SYSTEMERROR' }]);
    await page.goto(`${demo.url}/`);
    await page.locator('button[data-product-id="demo-tea"]').click();
    await page.locator('#pay-error').waitFor({ state: 'visible' });
    const shown = (await page.locator('#pay-error-text').textContent()) ?? '';
    expect(shown).toContain('微信支付繁忙，请稍后重试');
    expect(shown).toContain('SYSTEM_ERROR');
    expect(shown).not.toMatch(/create order failed|WeChat Pay v3/);
    expect(await page.locator('#pay-result').isHidden()).toBe(true);
    expect(await page.locator('#pay-sim-link').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}checkout-wechat-error.png` });

    demo.simulator.ctx.faults.setApiFaults([]);
    await page.locator('#pay-retry').click();
    await page.locator('#pay-qr-img').waitFor({ state: 'visible' });
    expect(await page.locator('#pay-error').isHidden()).toBe(true);
    await page.close();
  });
  it('a WeChat slower than the prepay deadline: told at the deadline, and the retry brings the QR code', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 820 } });
    demo.simulator.ctx.faults.setApiFaults([
      { api: 'v3.transactions.native', kind: 'SLOW', delayMs: 8_000, times: 1 },
    ]);
    await page.goto(`${demo.url}/`);
    await page.locator('button[data-product-id="demo-coffee"]').click();
    await page.locator('#pay-error').waitFor({ state: 'visible', timeout: 7_000 });
    expect(await page.locator('#pay-error-text').textContent()).toContain('微信支付响应超时，请稍后重试');
    await page.locator('#pay-retry').waitFor({ state: 'visible' });
    await page.locator('#pay-retry').click();
    await page.locator('#pay-qr-img').waitFor({ state: 'visible' });
    expect(await page.locator('#pay-error').isHidden()).toBe(true);
    await page.close();
  });
});
