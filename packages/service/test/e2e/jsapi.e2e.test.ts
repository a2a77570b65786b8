import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('JSAPI e2e');

describe.skipIf(!hasChromium)('JSAPI page in Chromium with the simulator’s stand-in WeixinJSBridge', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  const orderState = async (orderNo: string) =>
    (await json<{ state: string }>(`${demo.url}/api/orders/${orderNo}`)).body.state;

  /** Opens /jsapi (from the checkout page's link unless a query is given), signs in as `nickname` on WeChat's authorize page. */
  async function signedInPage(nickname: string, query = ''): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 420, height: 820 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    if (query) await page.goto(`${demo.url}/jsapi${query}`);
    else {
      await page.goto(`${demo.url}/`);
      await page.getByTestId('open-jsapi').click();
    }
    // No session yet: the page sent the browser to WeChat's authorisation, which lists the users.
    await page.waitForURL((url) => url.pathname === '/connect/oauth2/authorize');
    await page.screenshot({ path: `${ARTIFACTS}jsapi-oauth-chooser.png` });
    await page.locator('a.user', { hasText: nickname }).click();
    await page.waitForURL((url) => url.origin === demo.url && url.pathname === '/jsapi');
    return { page, errors };
  }

  it('signs in through WeChat, buys, pays on the stand-in pay sheet, and shows paid only once the server says so', async () => {
    const { page, errors } = await signedInPage('Bob');
    const bobOpenid = demo.simulator.ctx.users.openid('bob', demo.simulator.merchant.appid);
    await expect.poll(() => page.getByTestId('jsapi-user').textContent()).toBe(bobOpenid);
    await expect.poll(() => page.getByTestId('jssdk-status').getAttribute('data-ready')).toBe('true');
    await page.locator('.card').first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}jsapi-products.png`, fullPage: true });

    await page.locator('button[data-product-id="demo-coffee"]').click();
    const confirm = page.getByTestId('sim-pay-confirm');
    await confirm.waitFor({ state: 'visible' });
    expect(await page.getByTestId('jsapi-status').getAttribute('data-state')).toBe('paying');
    await page.screenshot({ path: `${ARTIFACTS}jsapi-pay-sheet.png` });
    const orders = await demo.service.database.db
      .selectFrom('orders')
      .select(['order_no', 'state', 'openid', 'pay_type'])
      .execute();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ state: 'NOTPAY', openid: bobOpenid, pay_type: 'JSAPI' });

    await confirm.click();
    const status = page.getByTestId('jsapi-status');
    await expect.poll(() => status.getAttribute('data-state')).toBe('paid');
    expect(await orderState(orders[0]!.order_no)).toBe('PAID');
    expect(await status.textContent()).toContain(orders[0]!.order_no);
    // WeChat's kind of result screen: the state, the amount in yuan, the order, product and China time.
    const result = page.getByTestId('jsapi-result');
    expect(await result.getAttribute('data-state')).toBe('paid');
    expect(await page.getByTestId('jsapi-result-title').textContent()).toBe('支付成功');
    expect(await page.getByTestId('jsapi-result-amount').textContent()).toMatch(/^¥\d+\.\d\d$/);
    expect(await page.getByTestId('jsapi-result-order-no').textContent()).toBe(orders[0]!.order_no);
    expect(await page.getByTestId('jsapi-result-product').textContent()).not.toBe('');
    expect(await page.getByTestId('jsapi-result-time').textContent()).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）$/,
    );
    expect(await page.getByTestId('jsapi-result-transaction').textContent()).toMatch(/^4200\d{24}$/);
    expect(await page.getByTestId('jsapi-result-retry').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}jsapi-paid.png`, fullPage: true });
    await page.getByTestId('lang-en').click();
    expect(await page.getByTestId('jsapi-result-title').textContent()).toBe('Payment successful');
    expect(await page.getByTestId('jsapi-result-time').textContent()).toMatch(/ \(China time\)$/);
    await page.screenshot({ path: `${ARTIFACTS}jsapi-paid-en.png`, fullPage: true });
    await page.getByTestId('lang-zh').click();

    // "View order" opens the receipt, which asks the server too.
    await page.getByTestId('jsapi-result-view').click();
    await page.waitForURL((url) => url.pathname === `/orders/${orders[0]!.order_no}`);
    await expect.poll(() => page.getByTestId('h5-order-state').getAttribute('data-state')).toBe('PAID');
    expect(errors).toEqual([]);
  });

  it('the bridge’s "ok" alone shows "confirming"; paid appears only when the server has the notification', async () => {
    const { page, errors } = await signedInPage('Bob');
    await page.locator('.card').first().waitFor();
    demo.simulator.ctx.faults.setNotifyFaults({ delayProbability: 1, delayMs: 2_500 });
    try {
      await page.locator('button[data-product-id="demo-test-1fen"]').click();
      await page.getByTestId('sim-pay-confirm').click();
      const result = page.getByTestId('jsapi-result');
      await expect.poll(() => result.getAttribute('data-state')).toBe('confirming');
      expect(await page.getByTestId('jsapi-result-title').textContent()).toBe('正在确认支付结果…');
      expect(await page.getByTestId('jsapi-result-view').isHidden()).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}jsapi-confirming.png` });
      await expect.poll(() => result.getAttribute('data-state'), { timeout: 10_000 }).toBe('paid');
    } finally {
      demo.simulator.ctx.faults.setNotifyFaults({ delayProbability: 0, delayMs: 0 });
    }
    expect(errors).toEqual([]);
  });

  it('cancelling on the pay sheet says so and leaves the order unpaid (API v2, snsapi_userinfo)', async () => {
    const { page, errors } = await signedInPage('Alice', '?scope=snsapi_userinfo');
    await expect.poll(() => page.getByTestId('jsapi-user').textContent()).toContain('爱丽丝 Alice');
    await page.locator('#api-version button[data-version="v2"]').click();
    await page.locator('button[data-product-id="demo-tea"]').click();
    await page.getByTestId('sim-pay-cancel').click();
    const status = page.getByTestId('jsapi-status');
    await expect.poll(() => status.getAttribute('data-state')).toBe('cancelled');
    expect(await page.getByTestId('jsapi-result').getAttribute('data-state')).toBe('cancelled');
    expect(await page.getByTestId('jsapi-result-title').textContent()).toBe('已取消支付');
    expect(await page.getByTestId('jsapi-result-retry').isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}jsapi-cancelled.png` });
    const order = await demo.service.database.db
      .selectFrom('orders')
      .select(['order_no', 'state', 'api_version'])
      .where('product_id', '=', 'demo-tea')
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({ state: 'NOTPAY', api_version: 'v2' });

    // "Try again" pays the same open order: the pay sheet comes back for it.
    await page.getByTestId('jsapi-result-retry').click();
    await page.getByTestId('sim-pay-cancel').click();
    await expect.poll(() => status.getAttribute('data-state')).toBe('cancelled');

    // The bank declines: said plainly, and the order is not paid.
    await page.getByTestId('jsapi-result-continue').click();
    await page.locator('button[data-product-id="demo-keyboard"]').click();
    await page.getByTestId('sim-pay-fail').click();
    await expect.poll(() => status.getAttribute('data-state')).toBe('failed');
    expect(await page.getByTestId('jsapi-result-title').textContent()).toBe('支付失败');
    await page.screenshot({ path: `${ARTIFACTS}jsapi-failed.png` });
    const declined = await demo.service.database.db
      .selectFrom('orders')
      .select(['state'])
      .where('product_id', '=', 'demo-keyboard')
      .executeTakeFirstOrThrow();
    expect(declined.state).not.toBe('PAID');
    expect(errors).toEqual([]);
  });
});
