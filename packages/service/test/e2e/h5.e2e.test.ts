import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('H5 e2e');

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

describe.skipIf(!hasChromium)(
  'H5 checkout in a phone browser: shop → simulated WeChat cashier → back',
  () => {
    let demo: TestDemo;
    let browser: Browser;
    useBrowserDemo((started) => {
      ({ demo, browser } = started);
    });

    const orderState = async (orderNo: string) =>
      (await json<{ state: string }>(`${demo.url}/api/orders/${orderNo}`)).body.state;

    /** A phone: 390×844, touch, a mobile Safari user agent; buys `productId` on /h5 and lands on WeChat's cashier. */
    async function buyOnPhone(
      productId: string,
      apiVersion: 'v2' | 'v3',
    ): Promise<{ page: Page; errors: string[] }> {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        userAgent: IPHONE_SAFARI,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${demo.url}/h5`);
      await page.locator(`#api-version button[data-version="${apiVersion}"]`).tap();
      await page.locator(`button[data-product-id="${productId}"]`).tap();
      await page.waitForURL((url) => url.pathname === '/cgi-bin/mmpayweb-bin/checkmweb');
      await page.getByTestId('h5-cashier').waitFor();
      return { page, errors };
    }

    it('pays in the simulated WeChat and comes back to the order page, which shows paid (API v3)', async () => {
      const { page, errors } = await buyOnPhone('demo-coffee', 'v3');
      const cashier = new URL(page.url());
      expect(cashier.origin).toBe(demo.simulator.url);
      expect(cashier.searchParams.get('package')).toMatch(/^\d{10}$/);
      const back = new URL(cashier.searchParams.get('redirect_url')!);
      expect(back.origin).toBe(demo.url);
      const orderNo = back.pathname.split('/').pop()!;
      expect(back.pathname).toBe(`/h5/orders/${orderNo}`);
      expect(await page.getByTestId('h5-amount').textContent()).toContain('¥');
      await page.screenshot({ path: `${ARTIFACTS}h5-cashier.png` });
      expect(await orderState(orderNo)).toBe('NOTPAY');

      await page.getByTestId('h5-user').selectOption('bob');
      await page.getByTestId('h5-pay').tap();
      await page.waitForURL((url) => url.origin === demo.url && url.pathname === `/h5/orders/${orderNo}`);
      const state = page.getByTestId('h5-order-state');
      await expect.poll(() => state.getAttribute('data-state')).toBe('PAID');
      expect(await page.getByTestId('h5-order-no').textContent()).toBe(orderNo);
      expect(await orderState(orderNo)).toBe('PAID');
      expect(await page.getByTestId('h5-pay-again').isVisible()).toBe(false);
      await page.screenshot({ path: `${ARTIFACTS}h5-paid.png`, fullPage: true });
      const row = await demo.service.database.db
        .selectFrom('orders')
        .select(['pay_type', 'payer_openid'])
        .where('order_no', '=', orderNo)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        pay_type: 'H5',
        payer_openid: demo.simulator.ctx.users.openid('bob', demo.simulator.merchant.appid),
      });
      expect(errors).toEqual([]);
    });

    it('cancelling in the simulated WeChat comes back too, and the order page shows it unpaid (API v2)', async () => {
      const { page, errors } = await buyOnPhone('demo-tea', 'v2');
      const orderNo = new URL(new URL(page.url()).searchParams.get('redirect_url')!).pathname
        .split('/')
        .pop()!;
      await page.getByTestId('h5-cancel').tap();
      await page.waitForURL((url) => url.origin === demo.url && url.pathname === `/h5/orders/${orderNo}`);
      const state = page.getByTestId('h5-order-state');
      await expect.poll(() => state.getAttribute('data-state')).toBe('NOTPAY');
      expect(await page.getByTestId('h5-pay-again').isVisible()).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}h5-cancelled.png`, fullPage: true });
      expect(await orderState(orderNo)).toBe('NOTPAY');
      expect(errors).toEqual([]);
    });
  },
);
