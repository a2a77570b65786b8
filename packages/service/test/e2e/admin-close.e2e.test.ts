import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin close e2e');

describe.skipIf(!hasChromium)('closing an unpaid order from the admin in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  it('asks first; cancelling leaves the order open, confirming closes it at WeChat and here', {
    timeout: 30_000,
  }, async () => {
    const created = await json<{ orderNo: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    const { orderNo } = created.body;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${demo.url}/admin`);
    await page.locator('#token').fill(demo.adminToken);
    await page.locator('#login button[type=submit]').click();
    await page.locator(`#rows tr[data-order-no="${orderNo}"]`).click();
    const drawer = page.locator('#detail');
    await expect.poll(() => drawer.getAttribute('data-state')).toBe('NOTPAY');

    const questions: string[] = [];
    let answer = false;
    page.on('dialog', async (dialog) => {
      questions.push(dialog.message());
      await (answer ? dialog.accept() : dialog.dismiss());
    });
    await page.locator('#close-order').click();
    await expect.poll(() => questions.length).toBe(1);
    expect(questions[0]).toContain(orderNo);
    expect(await drawer.getAttribute('data-state')).toBe('NOTPAY');

    answer = true;
    await page.locator('#close-order').click();
    await expect.poll(() => drawer.getAttribute('data-state'), { timeout: 10_000 }).toBe('CLOSED');
    expect(await page.locator('#detail-notice').textContent()).toContain('订单已关闭');
    expect(await page.locator('#close-order').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}admin-close.png` });
    const atWechat = await json<{ order: { state: string } }>(`${demo.simulator.url}/_sim/orders/${orderNo}`);
    expect(atWechat.body.order.state).toBe('CLOSED');
  });
});
