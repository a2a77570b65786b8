import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, warnIfNoChromium } from '../../../../e2e/support/headless-chromium.js';
import { json, type TestDemo } from '../http/demo-harness.js';
import { useBrowserDemo } from './support/browser-demo.js';

warnIfNoChromium('admin live updates e2e');

describe.skipIf(!hasChromium)('the admin follows order states live in Chromium', () => {
  let demo: TestDemo;
  let browser: Browser;
  useBrowserDemo((started) => {
    ({ demo, browser } = started);
  });

  it('a payment and a close made elsewhere show in the list and the open drawer without a reload', {
    timeout: 30_000,
  }, async () => {
    const create = async () =>
      (
        await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
          method: 'POST',
          body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
        })
      ).body;
    const listed = await create();
    const drawn = await create();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${demo.url}/admin`);
    await page.locator('#token').fill(demo.adminToken);
    await page.locator('#login button[type=submit]').click();
    const row = page.locator(`#rows tr[data-order-no="${listed.orderNo}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('NOTPAY');
    await expect.poll(() => page.locator('#live-status').getAttribute('data-live')).toBe('true');

    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(listed.codeUrl)!, 'alice');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('PAID');

    await page.locator(`#rows tr[data-order-no="${drawn.orderNo}"]`).click();
    const drawer = page.locator('#detail');
    await expect.poll(() => drawer.getAttribute('data-state')).toBe('NOTPAY');
    trades.pay(trades.lookup(drawn.codeUrl)!, 'bob');
    await expect.poll(() => drawer.getAttribute('data-state'), { timeout: 10_000 }).toBe('PAID');
    await page.screenshot({ path: `${ARTIFACTS}admin-live.png` });
  });
});
